// What every cross-sell action answers, and the write-back it schedules after a change. A change is saved
// even when the queue is unreachable; the merchant is told the storefront catches up with the next run.
// Messages travel as keys with their parameters and are translated where they are shown.
import type { Text } from "~/i18n/translate";
import { enqueueOffersWriteBack, type OffersWriteBackJob } from "~/queues/offers.server";

export interface OffersActionResult {
  ok: boolean;
  intent: string;
  /** The banner's sentences, shown one after the other. */
  messages: Text[];
  /** Field → messages, for the editor and the settings form. */
  errors?: Record<string, Text[]>;
  /** The offer saved (editor). */
  offerId?: string;
}

export const QUEUE_DOWN_NOTE: Text = { key: "offers.action.writeBackLater" };

/** Schedules the write-back; returns a note for the merchant when it could not be queued. */
export async function scheduleWriteBack(shop: string, reason: OffersWriteBackJob["reason"], delayMs?: number): Promise<Text | null> {
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
