// What the analytics worker does with the retention sync (app/queues/retention.server.ts): after a refit, the
// customers whose retention figures changed are written to Shopify (app/data/retention-write-back.server.ts).
// Safe to run twice or in parallel: a second run finds nothing changed, and a run that finds another one
// holding the shop's lease asks it for one more pass and returns.
import type { Job } from "bullmq";
import { db } from "~/db.server";
import { offlineAccessToken } from "~/data/sessions.server";
import { writeBackRetention } from "~/data/retention-write-back.server";
import { RETENTION_JOB, type RetentionSyncJob } from "~/queues/retention.server";

export async function processRetentionJob(job: Job): Promise<unknown> {
  if (job.name !== RETENTION_JOB.sync) throw new Error(`unknown retention job ${job.name}`);
  const { shop, modelFitId } = job.data as RetentionSyncJob;
  const client = await db();
  const session = await client.session.findFirst({ where: { shop, isOnline: false }, select: { id: true } });
  if (!session) return { modelFitId, skipped: "no offline session: nothing written" };
  const target = { shop, accessToken: await offlineAccessToken(client, shop) };
  const summary = await writeBackRetention(client, shop, {
    target,
    // Keep the job's lock while the bucket refills or a bulk operation runs.
    sleep: async (ms) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      await job.updateProgress({ at: Date.now() }).catch(() => undefined);
    },
  });
  // Failures stay in the job's result (the sync page shows it); the customers are retried by the next sync.
  return { modelFitId, ...summary, segmentErrors: summary.segmentErrors.slice(0, 10) };
}
