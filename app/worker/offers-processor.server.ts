// What the analytics worker does with the offers jobs (app/queues/offers.server.ts): mining, then the
// write-back. Both are safe to run twice or in parallel: mining replaces a run's rows, the write-back
// compares with what was last written.
import type { Job } from "bullmq";
import { db, type Db } from "~/db.server";
import { mineShop } from "~/data/offers-mining.server";
import { refreshExposures, runningOffersExperiment } from "~/data/experiments.server";
import { refreshAllProducts, writeBackOffers } from "~/data/offers-write-back.server";
import { AdminApiError, type AdminTarget } from "~/shopify/admin-gateway.server";
import { enqueueOffersWriteBack, OFFERS_JOB, type OffersMineJob, type OffersWriteBackJob } from "~/queues/offers.server";

export const OFFERS_JOB_NAMES: readonly string[] = Object.values(OFFERS_JOB);

async function isInstalled(client: Db, shop: string): Promise<boolean> {
  const row = await client.shop.findUnique({ where: { shop }, select: { installedAt: true, uninstalledAt: true } });
  return row !== null && row.installedAt !== null && row.uninstalledAt === null;
}

/** The shop's Admin API access (its offline session), or null without one. */
async function adminTarget(client: Db, shop: string): Promise<AdminTarget | null> {
  const session = await client.session.findFirst({ where: { shop, isOnline: false }, select: { accessToken: true } });
  return session ? { shop, accessToken: session.accessToken } : null;
}

async function mine(data: OffersMineJob) {
  const client = await db();
  if (!(await isInstalled(client, data.shop))) return { skipped: "shop not installed" };
  const now = new Date();
  // A complete product listing first: mining's recommendations keep published products only. Without
  // access (no session, no read_products, Shopify unreachable) the stored states serve, and the
  // write-back checks again before anything reaches the storefront.
  const target = await adminTarget(client, data.shop);
  let refresh: unknown = { skipped: "no offline session" };
  if (target) {
    try {
      refresh = await refreshAllProducts(client, target, data.shop, now);
    } catch (error) {
      if (!(error instanceof AdminApiError)) throw error;
      refresh = { error: error.message };
    }
  }
  const mining = await mineShop(client, data.shop, now);
  const experiment = await runningOffersExperiment(client, data.shop);
  const exposuresAdded = experiment ? await refreshExposures(client, experiment, now) : 0;
  if (experiment) await enqueueOffersWriteBack({ shop: data.shop, reason: "mined" }, 0);
  return { refresh, mining, exposuresAdded };
}

async function writeBack(data: OffersWriteBackJob) {
  const client = await db();
  if (!(await isInstalled(client, data.shop))) return { skipped: "shop not installed" };
  const target = await adminTarget(client, data.shop);
  if (!target) throw new Error(`no offline session for ${data.shop}: the offers cannot be written to Shopify`);
  const summary = await writeBackOffers(client, target, data.shop);
  // Failures stay in the job's result (the sync page shows it); they are retried by the next write-back.
  return { ...summary, failures: summary.failures.slice(0, 20), failureCount: summary.failures.length };
}

export async function processOffersJob(job: Job): Promise<unknown> {
  switch (job.name) {
    case OFFERS_JOB.mine:
      return mine(job.data as OffersMineJob);
    case OFFERS_JOB.writeBack:
      return writeBack(job.data as OffersWriteBackJob);
    default:
      throw new Error(`unknown offers job ${job.name}`);
  }
}
