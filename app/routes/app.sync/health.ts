// What the sync page tells a merchant first: is the data complete and fresh, when were the predictions last
// updated and from how much data, and what to do when something failed. Pure: messages with parameters,
// translated by the page.
import type { SyncStatus } from "~/data/sync-status.server";
import { formatAgo, formatDateTime, formatPercent } from "~/lib/format";
import type { Text } from "~/i18n/translate";

export type Tone = "success" | "info" | "warning" | "critical";

export interface HealthLine {
  id: "import" | "orders" | "model" | "problems";
  tone: Tone;
  title: Text;
  detail: Text[];
}

export interface Health {
  tone: Tone;
  headline: Text;
  lines: HealthLine[];
}

const DAY_MS = 86_400_000;
const RANK: Record<Tone, number> = { success: 0, info: 1, warning: 2, critical: 3 };

export function syncHealth(s: SyncStatus, now: Date, locale: string, timeZone: string): Health {
  const when = (iso: string) => formatDateTime(iso, locale, timeZone);
  const ago = (iso: string) => formatAgo((now.getTime() - Date.parse(iso)) / DAY_MS, locale);
  const lines: HealthLine[] = [];

  // 1. Is the order history complete?
  const run = s.backfills[0];
  const completed = s.backfills.find((b) => b.status === "completed");
  if (!run) {
    lines.push({ id: "import", tone: "warning", title: { key: "health.import.never" }, detail: [{ key: "health.import.neverDo" }] });
  } else if (run.active) {
    lines.push({
      id: "import",
      tone: "info",
      title: { key: "health.import.running", params: { percent: run.fraction === null ? "…" : formatPercent(run.fraction, locale) } },
      detail: [{ key: "health.import.runningDetail" }],
    });
  } else if (run.status === "failed") {
    lines.push({
      id: "import",
      tone: "critical",
      title: { key: "health.import.failed", params: { date: when(run.finishedAt ?? run.startedAt) } },
      detail: [
        completed
          ? { key: "health.import.failedKeeps", params: { date: when(completed.finishedAt ?? completed.startedAt) } }
          : { key: "health.import.failedNone" },
        { key: "health.import.failedDo" },
      ],
    });
  } else {
    lines.push({
      id: "import",
      tone: run.onlyLast60Days ? "warning" : "success",
      title: { key: "health.import.done", params: { date: when(run.finishedAt ?? run.startedAt), records: run.linesImported } },
      detail: run.onlyLast60Days ? [{ key: "health.import.last60" }] : [],
    });
  }

  // 2. Are new orders arriving?
  const lastOrderChange = s.webhooks
    .filter((w) => w.topic.startsWith("orders/") || w.topic.startsWith("refunds/"))
    .map((w) => w.lastProcessedAt)
    .filter((at): at is string => at !== null)
    .sort()
    .pop();
  lines.push(
    lastOrderChange
      ? {
          id: "orders",
          tone: "success",
          title: { key: "health.orders.last", params: { ago: ago(lastOrderChange) } },
          detail: [{ key: "health.orders.detail" }],
        }
      : { id: "orders", tone: "info", title: { key: "health.orders.none" }, detail: [{ key: "health.orders.noneDetail" }] },
  );

  // 3. When were the predictions updated, and from how much data?
  const fit = s.modelFit;
  if (!fit) {
    lines.push({ id: "model", tone: "info", title: { key: "health.model.never" }, detail: [{ key: "health.model.neverDetail" }] });
  } else if (fit.status === "fitted") {
    lines.push({
      id: "model",
      tone: "success",
      title: { key: "health.model.fitted", params: { date: when(fit.fittedAt) } },
      detail: [
        { key: "health.model.basis", params: { customers: fit.customers, repeat: fit.repeatCustomers } },
        { key: "health.model.nightly" },
      ],
    });
  } else if (fit.status === "insufficient_data") {
    lines.push({
      id: "model",
      tone: "warning",
      title: { key: "health.model.insufficient", params: { date: when(fit.fittedAt) } },
      detail: [
        { key: "health.model.basis", params: { customers: fit.customers, repeat: fit.repeatCustomers } },
        { key: "health.model.insufficientDo" },
      ],
    });
  } else {
    lines.push({
      id: "model",
      tone: "critical",
      title: { key: "health.model.failed", params: { date: when(fit.fittedAt) } },
      detail: [{ key: "health.model.failedDo" }],
    });
  }

  // 4. Anything to act on?
  if (s.queues === null) {
    lines.push({
      id: "problems",
      tone: "warning",
      title: { key: "health.problems.queueDown" },
      detail: [{ key: "health.problems.queueDownDo" }],
    });
  } else if (s.failedJobs.length > 0) {
    lines.push({
      id: "problems",
      tone: "critical",
      title: { key: "health.problems.failed", params: { count: s.failedJobs.length } },
      detail: [{ key: "health.problems.failedDo" }],
    });
  }

  const tone = lines.reduce<Tone>((worst, line) => (RANK[line.tone] > RANK[worst] ? line.tone : worst), "success");
  const headline: Text =
    tone === "critical"
      ? { key: "health.headline.critical" }
      : tone === "warning"
        ? { key: "health.headline.warning" }
        : run?.active
          ? { key: "health.headline.importing" }
          : { key: "health.headline.ok" };
  return { tone: tone === "info" ? "success" : tone, headline, lines };
}
