// The retention sync on the analytics queue (producer side): after each refit, the customers whose retention
// figures changed are written to Shopify (metafields, clv: tags, segments, the Flow trigger). One job per
// shop and model fit: asking again for the same fit adds nothing, a newer fit adds its own job.
import type { Job } from "bullmq";
import { RETENTION_JOB } from "./jobs";
import { queueCall } from "./queues.server";

export { RETENTION_JOB };
export type RetentionJobName = (typeof RETENTION_JOB)[keyof typeof RETENTION_JOB];

export interface RetentionSyncJob {
  shop: string;
  /** The fit whose at-risk detection was stored (CustomerRisk); the job writes whatever is current when it runs. */
  modelFitId: string;
}

export function isRetentionJob(job: Pick<Job, "name">): boolean {
  return Object.values(RETENTION_JOB).some((name) => name === job.name);
}

/** BullMQ job ids may not contain ':' (its key separator). */
export function retentionSyncJobId(input: RetentionSyncJob): string {
  return `retention-sync|${input.shop}|${input.modelFitId}`.replaceAll(":", "_");
}

/**
 * Queues the sync for a shop after a refit. The job id makes it idempotent per shop and fit: a second call
 * (a retried refit job) finds the job and adds nothing, even once it has completed (kept for 7 days).
 */
export async function enqueueRetentionSync(input: { shop: string; modelFitId: string }): Promise<void> {
  const data: RetentionSyncJob = { shop: input.shop, modelFitId: input.modelFitId };
  await queueCall("queue the retention sync", (q) => q.analytics.add(RETENTION_JOB.sync, data, { jobId: retentionSyncJobId(data) }));
}
