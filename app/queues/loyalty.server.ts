// Loyalty jobs on the analytics queue (producer side): the whole-shop evaluation, the Shopify write-back, the
// referral decisions and the tiers' automatic discounts. Every job is keyed per shop so that asking again while one waits adds nothing.
import { queueCall } from "./queues.server";

export const LOYALTY_JOB = {
  evaluate: "loyalty-evaluate",
  sync: "loyalty-sync",
  referrals: "loyalty-referrals",
  tierDiscounts: "loyalty-tier-discounts",
} as const;
export type LoyaltyJobName = (typeof LOYALTY_JOB)[keyof typeof LOYALTY_JOB];

/** Why a whole-shop loyalty run was asked for. */
export type EvaluationReason = "tiers_changed" | "refit" | "nightly" | "program_started" | "on_demand";

export function isLoyaltyJob(name: string): name is LoyaltyJobName {
  return Object.values(LOYALTY_JOB).some((job) => job === name);
}

export interface LoyaltyEvaluateJob {
  shop: string;
  reason: EvaluationReason;
  /** The run row the editor already shows (created with the save). */
  runId?: string;
}

export interface LoyaltySyncJob {
  shop: string;
}

export interface LoyaltyReferralsJob {
  shop: string;
}

export interface LoyaltyTierDiscountsJob {
  shop: string;
}

/**
 * After an edit, the run waits this long: the ingest path reuses a program it read for up to 5 s
 * (PROGRAM_REUSE_MS), and the run must come after every such copy has been refreshed.
 */
export const EVALUATION_AFTER_EDIT_DELAY_MS = 6_000;

/** One waiting evaluation per shop and reason: a second tier edit while one waits is covered by it. */
export async function enqueueTierEvaluation(job: LoyaltyEvaluateJob, delayMs = 0): Promise<void> {
  await queueCall("queue the loyalty evaluation", (q) =>
    q.analytics.add(LOYALTY_JOB.evaluate, job, { deduplication: { id: `loyalty-evaluate|${job.shop}|${job.reason}` }, delay: delayMs }),
  );
}

/** Write-backs are debounced per shop: orders arriving within `delayMs` are written by one job. */
export const LOYALTY_SYNC_DELAY_MS = 2_000;

/**
 * Asks for a write-back of the shop's changed members. Deduplicated for the delay only (BullMQ's throttle
 * mode): a change arriving while a write-back runs queues the next one instead of being lost.
 */
export async function enqueueLoyaltySync(shop: string, delayMs = LOYALTY_SYNC_DELAY_MS): Promise<void> {
  await queueCall("queue the loyalty write-back", (q) =>
    q.analytics.add(LOYALTY_JOB.sync, { shop } satisfies LoyaltySyncJob, {
      deduplication: { id: `loyalty-sync|${shop}`, ttl: Math.max(1, delayMs) },
      delay: delayMs,
    }),
  );
}

/** Decides due referrals at `atMs` (the end of the earliest waiting refund window). */
export async function enqueueReferralDecisions(shop: string, atMs: number): Promise<void> {
  const delay = Math.max(0, atMs - Date.now());
  await queueCall("queue the referral decisions", (q) =>
    q.analytics.add(LOYALTY_JOB.referrals, { shop } satisfies LoyaltyReferralsJob, {
      deduplication: { id: `loyalty-referrals|${shop}|${atMs}` },
      delay,
    }),
  );
}

/**
 * Brings the tiers' automatic discounts (and their segments) in line with the program, after a tier edit or a
 * program switched on or off. One waiting job per shop; an edit made while one runs queues the next
 * (keepLastIfActive), so the last edit is always written.
 */
export async function enqueueTierDiscountSync(shop: string, delayMs = 0): Promise<void> {
  await queueCall("queue the tier discounts", (q) =>
    q.analytics.add(LOYALTY_JOB.tierDiscounts, { shop } satisfies LoyaltyTierDiscountsJob, {
      deduplication: { id: `loyalty-tier-discounts|${shop}`, keepLastIfActive: true },
      delay: delayMs,
    }),
  );
}
