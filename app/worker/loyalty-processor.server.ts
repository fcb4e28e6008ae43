// What the analytics worker does with loyalty jobs: the whole-shop evaluation (tier edit, refit, nightly), the
// paced Shopify write-back, the referral decisions after their refund window, and the tiers' automatic
// discounts.
import type { Job } from "bullmq";
import { db } from "~/db.server";
import { syncTierDiscounts } from "~/data/loyalty-discounts.server";
import { runTierEvaluation } from "~/data/loyalty-evaluation.server";
import { decideDueReferrals } from "~/data/loyalty-referrals.server";
import { settleStaleRedemptions } from "~/data/loyalty-redemptions.server";
import { writeBackLoyalty } from "~/data/loyalty-write-back.server";
import { offlineAccessToken } from "~/data/sessions.server";
import {
  enqueueLoyaltySync,
  enqueueReferralDecisions,
  LOYALTY_JOB,
  type LoyaltyEvaluateJob,
  type LoyaltyReferralsJob,
  type LoyaltySyncJob,
  type LoyaltyTierDiscountsJob,
} from "~/queues/loyalty.server";

async function adminTarget(shop: string) {
  const client = await db();
  const session = await client.session.findFirst({ where: { shop, isOnline: false }, select: { id: true } });
  return session ? { shop, accessToken: await offlineAccessToken(client, shop) } : null;
}

async function scheduleReferrals(shop: string, nextDueMs: number | null): Promise<void> {
  if (nextDueMs !== null) await enqueueReferralDecisions(shop, nextDueMs);
}

export async function processLoyaltyJob(job: Job): Promise<unknown> {
  const client = await db();
  switch (job.name) {
    case LOYALTY_JOB.evaluate: {
      const { shop, reason, runId } = job.data as LoyaltyEvaluateJob;
      const summary = await runTierEvaluation(client, shop, { reason, runId });
      if (!summary) return "no loyalty program";
      if (reason === "nightly") {
        const target = await adminTarget(shop);
        if (target) await settleStaleRedemptions(client, shop, target);
        // A tier discount Shopify refused (say, 25 automatic discounts already active) is tried again.
        if (target) await syncTierDiscounts(client, shop, target);
      }
      await scheduleReferrals(shop, summary.referrals?.nextDueMs ?? null);
      await enqueueLoyaltySync(shop, 0);
      return summary;
    }
    case LOYALTY_JOB.sync: {
      const { shop } = job.data as LoyaltySyncJob;
      const target = await adminTarget(shop);
      if (!target) return "not installed: nothing written";
      const referrals = await decideDueReferrals(client, shop);
      await scheduleReferrals(shop, referrals.nextDueMs);
      const summary = await writeBackLoyalty(client, shop, {
        target,
        // Keep the job's lock while a bulk operation runs.
        sleep: async (ms) => {
          await new Promise((resolve) => setTimeout(resolve, ms));
          await job.updateProgress({ at: Date.now() }).catch(() => undefined);
        },
      });
      // The paced path writes a bounded number per job; the next job continues.
      if (summary.remaining > 0) await enqueueLoyaltySync(shop, 0);
      return { ...summary, referrals };
    }
    case LOYALTY_JOB.referrals: {
      const { shop } = job.data as LoyaltyReferralsJob;
      const referrals = await decideDueReferrals(client, shop);
      await scheduleReferrals(shop, referrals.nextDueMs);
      if (referrals.rewarded > 0) await enqueueLoyaltySync(shop);
      return referrals;
    }
    case LOYALTY_JOB.tierDiscounts: {
      const { shop } = job.data as LoyaltyTierDiscountsJob;
      const target = await adminTarget(shop);
      if (!target) return "not installed: nothing written";
      return syncTierDiscounts(client, shop, target);
    }
    default:
      throw new Error(`unknown loyalty job ${job.name}`);
  }
}
