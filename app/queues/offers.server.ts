// The offers jobs on the analytics queue: mining (nightly after the refit, after a backfill, on demand)
// and the write-back (after mining, after the merchant changes offers or settings, after a product's
// status or publication changes). Both are deduplicated per shop (one running and one waiting at most);
// the write-back waits a little so that a burst of edits or product webhooks becomes one write.
import { queueCall } from "./queues.server";

export const OFFERS_JOB = {
  mine: "offers-mine",
  writeBack: "offers-write-back",
} as const;

export interface OffersMineJob {
  shop: string;
  reason: "nightly" | "backfill" | "on_demand" | "settings";
}

export interface OffersWriteBackJob {
  shop: string;
  reason: "mined" | "offers_changed" | "settings" | "product_changed" | "on_demand";
}

/** A burst of edits or product webhooks within this becomes one write-back. */
export const WRITE_BACK_DELAY_MS = 5_000;

export async function enqueueOffersMining(job: OffersMineJob, delayMs = 0): Promise<void> {
  await queueCall("queue the offers mining", (q) =>
    q.analytics.add(OFFERS_JOB.mine, job, { deduplication: { id: `offers-mine|${job.shop}`, keepLastIfActive: true }, delay: delayMs }),
  );
}

/**
 * While one is waiting, asking again adds nothing (the waiting one reads the newest state when it runs);
 * while one is running, one more is kept to run after it, so a change made during a run is never lost.
 */
export async function enqueueOffersWriteBack(job: OffersWriteBackJob, delayMs = WRITE_BACK_DELAY_MS): Promise<void> {
  await queueCall("queue the offers write-back", (q) =>
    q.analytics.add(OFFERS_JOB.writeBack, job, {
      deduplication: { id: `offers-write|${job.shop}`, keepLastIfActive: true },
      delay: delayMs,
    }),
  );
}
