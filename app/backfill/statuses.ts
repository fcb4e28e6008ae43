// The states of a backfill run (BackfillRun.status), in the order a run passes through them.
// created → running (bulk operation under way) → importing (its file streams in) → completed | failed.

export const BACKFILL_STATUSES = ["created", "running", "importing", "completed", "failed"] as const;
export type BackfillStatus = (typeof BACKFILL_STATUSES)[number];

/** While a run is in one of these, it is still moving (a new run is not started beside it). */
export const ACTIVE_BACKFILL_STATUSES: readonly BackfillStatus[] = ["created", "running", "importing"];

export function isActiveBackfillStatus(status: string): boolean {
  return (ACTIVE_BACKFILL_STATUSES as readonly string[]).includes(status);
}
