// What the analytics worker does: per-shop refits (after a backfill, nightly, on demand) and backfill steps.
import type { Job } from "bullmq";
import { db } from "~/db.server";
import { refitShop } from "~/data/refit.server";
import { advanceBackfill } from "~/backfill/backfill-run.server";
import { JOB, type BackfillStepJob, type RefitShopJob } from "~/queues/jobs";
import { enqueueRefit } from "~/queues/queues.server";

export async function processAnalyticsJob(job: Job): Promise<unknown> {
  switch (job.name) {
    case JOB.refitShop: {
      const { shop } = job.data as RefitShopJob;
      return refitShop(await db(), shop);
    }
    case JOB.nightlyRefit: {
      const shops = await (await db()).shop.findMany({ where: { uninstalledAt: null }, select: { shop: true } });
      for (const { shop } of shops) await enqueueRefit({ shop, reason: "nightly" });
      return { shops: shops.length };
    }
    case JOB.backfillShop:
      return advanceBackfill(job.data as BackfillStepJob);
    default:
      throw new Error(`unknown analytics job ${job.name}`);
  }
}
