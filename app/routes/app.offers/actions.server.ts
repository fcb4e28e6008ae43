// What every cross-sell action answers, and the write-back it schedules after a change. A change is saved
// even when the queue is unreachable; the merchant is told the storefront catches up with the next run.
import { enqueueOffersWriteBack, type OffersWriteBackJob } from "~/queues/offers.server";

export interface OffersActionResult {
  ok: boolean;
  intent: string;
  message: string;
  /** Field → messages, for the editor and the settings form. */
  errors?: Record<string, string[] | string>;
  /** The offer saved (editor). */
  offerId?: string;
}

export const QUEUE_DOWN_NOTE = "The storefront will be updated with the next nightly run (the job queue is not reachable right now).";

/** Schedules the write-back; returns a note for the merchant when it could not be queued. */
export async function scheduleWriteBack(shop: string, reason: OffersWriteBackJob["reason"], delayMs?: number): Promise<string | null> {
  try {
    await enqueueOffersWriteBack({ shop, reason }, delayMs);
    return null;
  } catch (error) {
    console.error(`offers write-back for ${shop} not queued: ${(error as Error).message}`);
    return QUEUE_DOWN_NOTE;
  }
}

/** The form's value of a field, trimmed ("" when absent). */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
}
