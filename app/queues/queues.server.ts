// The producer side of the queues: default job options and the enqueue functions that routes, webhooks,
// the backfill and the worker call. It imports no processor (those live in app/worker/).
import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import { config } from "~/config.server";
import { withTimeout } from "~/lib/with-timeout";
import { producerConnection } from "./connection.server";
import { ANALYTICS_QUEUE, INGEST_QUEUE, JOB, type BackfillStepJob, type RefitShopJob, type WebhookJob } from "./jobs";

export const ingestJobOptions: JobsOptions = {
  attempts: 12,
  backoff: { type: "exponential", delay: 1_000 },
  // Completed jobs stay a while so a redelivery with the same job id is refused by BullMQ itself;
  // beyond that window the WebhookDelivery table still makes a redelivery a no-op.
  removeOnComplete: { age: 24 * 3600, count: 20_000 },
  removeOnFail: { age: 14 * 24 * 3600 }, // failed jobs stay visible (and retryable) on the sync page
};

export const analyticsJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 5_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 1_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/** BullMQ job ids may not contain ':' (its key separator); Shopify ids and domains never need it. */
export function webhookJobId(job: Pick<WebhookJob, "shop" | "topic" | "deliveryKey">): string {
  return `${job.shop}|${job.topic}|${job.deliveryKey}`.replaceAll(":", "_");
}

interface Queues {
  ingest: Queue;
  analytics: Queue;
  connection: Redis;
}

declare global {
  var __clvQueues: Queues | undefined;
}

/** The producer side of the queues for this process (a connection, not state). */
export function queues(): Queues {
  if (!globalThis.__clvQueues) {
    const connection = producerConnection();
    // Errors surface on each add(); without a listener ioredis would also print them as unhandled.
    connection.on("error", () => {});
    const prefix = config.queuePrefix;
    globalThis.__clvQueues = {
      connection,
      ingest: new Queue(INGEST_QUEUE, { connection, prefix, defaultJobOptions: ingestJobOptions }),
      analytics: new Queue(ANALYTICS_QUEUE, { connection, prefix, defaultJobOptions: analyticsJobOptions }),
    };
  }
  return globalThis.__clvQueues;
}

/** How long a webhook may wait for Redis before the route gives up and answers 503 (Shopify allows 5 s). */
const ENQUEUE_TIMEOUT_MS = 2_000;

export async function enqueueWebhook(job: WebhookJob): Promise<void> {
  // BullMQ waits for a connection indefinitely; a delivery must not. Should the add still complete after
  // the timeout, Shopify's retry carries the same event id and is refused as a duplicate job.
  await withTimeout(
    queues().ingest.add(JOB.webhook, job, { jobId: webhookJobId(job) }),
    ENQUEUE_TIMEOUT_MS,
    "Redis did not accept the job",
  );
}

/** Refits are deduplicated per shop: while one is waiting, asking again adds nothing. */
export async function enqueueRefit(job: RefitShopJob, delayMs = 0): Promise<void> {
  await queues().analytics.add(JOB.refitShop, job, {
    deduplication: { id: `refit|${job.shop}` },
    delay: delayMs,
  });
}

const backfillStepId = (job: BackfillStepJob) => `backfill|${job.shop}|${job.runId ?? "start"}`;

/** Advances a backfill run (poll the bulk operation, or import its file); one waiting step per run. */
export async function enqueueBackfillStep(job: BackfillStepJob, delayMs = 0): Promise<void> {
  await queues().analytics.add(JOB.backfillShop, job, { deduplication: { id: backfillStepId(job) }, delay: delayMs });
}

/**
 * The step should run now (Shopify said the bulk operation finished): a poll already waiting with a
 * delay is promoted, otherwise a step is added.
 */
export async function runBackfillStepNow(job: BackfillStepJob): Promise<void> {
  const analytics = queues().analytics;
  const existingId = await analytics.getDeduplicationJobId(backfillStepId(job));
  const existing = existingId ? await analytics.getJob(existingId) : undefined;
  if (existing && (await existing.isDelayed())) {
    await existing.promote();
    return;
  }
  await enqueueBackfillStep(job);
}

/** One repeatable job for all shops, at 03:00 UTC; upserting the scheduler is idempotent across workers. */
export async function scheduleNightlyRefit(): Promise<void> {
  await queues().analytics.upsertJobScheduler("nightly-refit", { pattern: "0 3 * * *", tz: "UTC" }, { name: JOB.nightlyRefit, data: {} });
}

export async function closeQueues(): Promise<void> {
  const q = globalThis.__clvQueues;
  globalThis.__clvQueues = undefined;
  if (!q) return;
  // close() waits for Redis; when Redis is gone, do not wait for ever.
  await withTimeout(Promise.allSettled([q.ingest.close(), q.analytics.close()]), 3_000, "queues did not close").catch(() => {});
  q.connection.disconnect();
}
