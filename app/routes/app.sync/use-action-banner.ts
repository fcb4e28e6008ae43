// The life of a sync action's banner: "requested" while the work runs (the page refreshes itself), "done"
// once the page's data shows the result, then gone a few seconds later; a refused action shows its reason
// until dismissed.
import { useRevalidator } from "@remix-run/react";
import { useEffect, useState } from "react";

export type BannerPhase = "idle" | "requested" | "done" | "failed";

const POLL_MS = 3_000;
const DONE_VISIBLE_MS = 8_000;
const GIVE_UP_MS = 5 * 60_000;

/**
 * `marker` is what changes when the work is done (the fit time for a refit, the latest import's status for
 * an import); `submitted` is the action's outcome (null before any).
 */
export function useActionBanner(
  marker: string | null,
  submitted: { ok: boolean } | undefined,
  isDone: (marker: string | null, from: string | null) => boolean,
) {
  const revalidator = useRevalidator();
  const [phase, setPhase] = useState<BannerPhase>("idle");
  const [from, setFrom] = useState<string | null>(null);
  const [since, setSince] = useState(0);

  useEffect(() => {
    if (!submitted) return;
    if (!submitted.ok) {
      setPhase("failed");
      return;
    }
    setPhase("requested");
    setFrom(marker);
    setSince(Date.now());
    // Only a new submission restarts the banner; the marker at that moment is the "before".
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [submitted]);

  useEffect(() => {
    if (phase !== "requested") return;
    if (isDone(marker, from)) {
      setPhase("done");
      return;
    }
    const timer = setInterval(() => {
      if (Date.now() - since > GIVE_UP_MS) return clearInterval(timer);
      if (revalidator.state === "idle") revalidator.revalidate();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [phase, marker, from, since, isDone, revalidator]);

  useEffect(() => {
    if (phase !== "done") return;
    const timer = setTimeout(() => setPhase("idle"), DONE_VISIBLE_MS);
    return () => clearTimeout(timer);
  }, [phase]);

  return { phase, dismiss: () => setPhase("idle") };
}
