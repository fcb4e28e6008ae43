// The sync action answers in English (it is shared with API clients); the page shows its outcome in the
// admin's language, by intent and result, and falls back to the action's own words for anything new.
import type { Translate } from "~/i18n/translate";
import type { SyncActionResult } from "./route";

const KNOWN_FAILURES = new Map([
  ["That job is no longer failed.", "sync.retryNotFailed"],
  ["No such failed job.", "sync.retryNoSuchJob"],
  ["The job queue is not reachable right now. Nothing was changed; try again in a minute.", "sync.queueDown"],
] as const);

export function actionMessage(result: SyncActionResult, t: Translate): string {
  if (result.ok) {
    if (result.intent === "import") return t("sync.importStarted");
    if (result.intent === "refit") return t("sync.refitRequested");
    if (result.intent === "retry") return t("sync.retried");
    return result.message;
  }
  const key = KNOWN_FAILURES.get(result.message as "No such failed job.");
  return key ? t(key) : result.message;
}
