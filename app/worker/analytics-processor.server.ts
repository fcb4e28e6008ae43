// What the analytics worker does: per-shop refits (after a backfill, nightly, on demand), backfill steps, and the
// loyalty, offers and retention jobs that follow them.
import type { Job } from "bullmq";
import { db } from "~/db.server";
import { refitShop } from "~/data/refit.server";
import { advanceBackfill } from "~/backfill/backfill-run.server";
import { JOB, type BackfillStepJob, type RefitShopJob } from "~/queues/jobs";
import { enqueueRefit } from "~/queues/queues.server";
import { enqueueTierEvaluation, isLoyaltyJob } from "~/queues/loyalty.server";
import { processLoyaltyJob } from "./loyalty-processor.server";
import { enqueueOffersMining, OFFERS_JOB } from "~/queues/offers.server";
import { processOffersJob } from "./offers-processor.server";
import { detectAndStoreRisk } from "~/data/retention-detection.server";
import { enqueueRetentionSync, isRetentionJob } from "~/queues/retention.server";
import { processRetentionJob } from "./retention-processor.server";
import { TAG_CUSTOMERS_JOB } from "~/queues/customer-tagging.server";
import { processCustomerTaggingJob } from "./customer-tagging-processor.server";

export async function processAnalyticsJob(job: Job): Promise<unknown> {
  switch (job.name) {
    case JOB.refitShop: {
      const { shop, reason } = job.data as RefitShopJob;
      const client = await db();
      const fit = await refitShop(client, shop);
      if (fit.status === "fitted") {
        // At-risk customers are judged against the fresh predictions, then handed to the Shopify sync. Stored once
        // per fit, so a retried job neither double-counts the trend nor starts a second episode.
        await detectAndStoreRisk(client, shop, fit.fitId);
        await enqueueRetentionSync({ shop, modelFitId: fit.fitId });
      }
      // Cross-sell mining ranks pairs by the buyers' fresh predictions: nightly, after a backfill, on demand.
      await enqueueOffersMining({ shop, reason });
      // Predicted-value ladders move with the predictions; the nightly refit also runs the nightly loyalty pass, and
      // the refit after an import awards the imported orders (a no-op without a loyalty program).
      await enqueueTierEvaluation({ shop, reason: reason === "nightly" ? "nightly" : reason === "backfill" ? "program_started" : "refit" });
      return fit;
    }
    case JOB.nightlyRefit: {
      const shops = await (await db()).shop.findMany({ where: { uninstalledAt: null }, select: { shop: true } });
      for (const { shop } of shops) await enqueueRefit({ shop, reason: "nightly" });
      return { shops: shops.length };
    }
    case JOB.backfillShop:
      return advanceBackfill(job.data as BackfillStepJob);
    case TAG_CUSTOMERS_JOB:
      return processCustomerTaggingJob(job);
    case OFFERS_JOB.mine:
    case OFFERS_JOB.writeBack:
      return processOffersJob(job);
    default:
      if (isLoyaltyJob(job.name)) return processLoyaltyJob(job);
      if (isRetentionJob(job)) return processRetentionJob(job);
      throw new Error(`unknown analytics job ${job.name}`);
  }
}
