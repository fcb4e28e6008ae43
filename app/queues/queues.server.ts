// The producer side of the queues: default job options and the enqueue functions that routes, webhooks,
// the backfill and the worker call. It imports no processor (those live in app/worker/).
import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import { config } from "~/config.server";
import { withTimeout } from "~/lib/with-timeout";
import { producerConnection } from "./connection.server";
import { ANALYTICS_QUEUE, INGEST_QUEUE, JOB, type BackfillStepJob, type RefitShopJob, type WebhookJob } from "./jobs";

/** The backoff type of ingest jobs; its delays come from ingestRetryDelayMs (the worker's backoffStrategy). */
export const INGEST_BACKOFF_TYPE = "capped-exponential";
const INGEST_FIRST_RETRY_MS = 1_000;
const INGEST_MAX_RETRY_MS = 5 * 60_000;

/**
 * Delay before the next attempt of an ingest job that failed `attemptsMade` times: 1 s, 2 s, 4 s … doubling
 * up to 5 minutes, then every 5 minutes. Quick retries ride out a blip; the cap keeps a long outage's jobs
 * coming back every few minutes rather than hours apart.
 */
export function ingestRetryDelayMs(attemptsMade: number): number {
  return Math.min(INGEST_MAX_RETRY_MS, INGEST_FIRST_RETRY_MS * 2 ** Math.max(0, attemptsMade - 1));
}

/**
 * Attempts of an ingest job: with the delays above, 81 attempts span about 6 hours (8.5 minutes of
 * doubling, then 71 retries 5 minutes apart). Shopify itself retries a delivery for 4 hours, so a database
 * outage that long loses no acknowledged delivery; the plain exponential backoff (12 attempts from 1 s)
 * gave up after 34 minutes. Failed jobs beyond that stay retryable from the sync page for 14 days.
 */
export const INGEST_ATTEMPTS = 81;

export const ingestJobOptions: JobsOptions = {
  attempts: INGEST_ATTEMPTS,
  backoff: { type: INGEST_BACKOFF_TYPE, delay: INGEST_FIRST_RETRY_MS },
  // Duplicates are refused by the WebhookDelivery table (in the same transaction as their effect), not by
  // BullMQ's job ids; a completed job has nothing left to do, and its payload holds personal data (names,
  // emails, addresses) that must not linger in Redis.
  removeOnComplete: true,
  removeOnFail: { age: 14 * 24 * 3600 }, // failed jobs stay visible (and retryable) on the sync page
  // BullMQ would keep one stack trace per failed attempt (81 of them); the failure reason is enough, and a
  // stack trace repeats the error message, which must not carry personal data into Redis either.
  stackTraceLimit: 0,
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

export interface Queues {
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
    // queueCall watches a connection that is not ready yet with one listener per call in flight.
    connection.setMaxListeners(0);
    const prefix = config.queuePrefix;
    const ingest = new Queue(INGEST_QUEUE, { connection, prefix, defaultJobOptions: ingestJobOptions });
    const analytics = new Queue(ANALYTICS_QUEUE, { connection, prefix, defaultJobOptions: analyticsJobOptions });
    // A connection that never became ready is reported as an 'error' event of each queue when it closes;
    // without a listener that event would surface as an unhandled rejection (the calls have failed already).
    for (const queue of [ingest, analytics]) queue.on("error", () => {});
    globalThis.__clvQueues = { connection, ingest, analytics };
  }
  return globalThis.__clvQueues;
}

/**
 * How long a producer call (an add, a read, a retry) may wait for Redis. BullMQ waits for a connection
 * indefinitely; a webhook must answer within Shopify's 5 s and an admin action within 3 s, so past this the
 * caller answers 503 with a clear message instead. Should the call still complete later, every job here is
 * keyed or deduplicated, so a retry by Shopify or the merchant adds nothing twice.
 */
export const QUEUE_CALL_TIMEOUT_MS = 2_000;

export class QueueUnavailableError extends Error {}

/**
 * Runs a call on the producer queues with QUEUE_CALL_TIMEOUT_MS. While the connection is known to be down
 * (reconnecting after a refusal) it fails at once, and a connection not yet ready fails as soon as its
 * attempt does: a Redis outage costs callers milliseconds, not the whole timeout.
 */
export async function queueCall<T>(what: string, call: (q: Queues) => Promise<T>): Promise<T> {
  const q = queues();
  const { connection } = q;
  if (connection.status === "reconnecting" || connection.status === "close" || connection.status === "end") {
    throw new QueueUnavailableError(`${what}: Redis is not connected (${connection.status})`);
  }
  const outcomes: Promise<T>[] = [call(q)];
  let stopWatching = () => {};
  if (connection.status !== "ready") {
    outcomes.push(
      new Promise<never>((_, reject) => {
        const fail = (error?: Error) =>
          reject(new QueueUnavailableError(`${what}: Redis is not reachable (${error?.message ?? "closed"})`));
        connection.once("error", fail).once("end", fail);
        stopWatching = () => connection.off("error", fail).off("end", fail);
      }),
    );
  }
  try {
    return await withTimeout(Promise.race(outcomes), QUEUE_CALL_TIMEOUT_MS, `${what}: Redis did not answer`);
  } finally {
    stopWatching();
  }
}

export async function enqueueWebhook(job: WebhookJob): Promise<void> {
  await queueCall("queue the webhook", (q) => q.ingest.add(JOB.webhook, job, { jobId: webhookJobId(job) }));
}

/** Refits are deduplicated per shop: while one is waiting, asking again adds nothing. */
export async function enqueueRefit(job: RefitShopJob, delayMs = 0): Promise<void> {
  await queueCall("queue the refit", (q) =>
    q.analytics.add(JOB.refitShop, job, {
      deduplication: { id: `refit|${job.shop}` },
      delay: delayMs,
    }),
  );
}

const backfillStepId = (job: BackfillStepJob) => `backfill|${job.shop}|${job.runId ?? "start"}`;

/** Advances a backfill run (poll the bulk operation, or import its file); one waiting step per run. */
export async function enqueueBackfillStep(job: BackfillStepJob, delayMs = 0): Promise<void> {
  await queueCall("queue the import step", (q) =>
    q.analytics.add(JOB.backfillShop, job, { deduplication: { id: backfillStepId(job) }, delay: delayMs }),
  );
}

/**
 * The step should run now (Shopify said the bulk operation finished): a poll already waiting with a
 * delay is promoted, otherwise a step is added.
 */
export async function runBackfillStepNow(job: BackfillStepJob): Promise<void> {
  const promoted = await queueCall("promote the import step", async ({ analytics }) => {
    const existingId = await analytics.getDeduplicationJobId(backfillStepId(job));
    const existing = existingId ? await analytics.getJob(existingId) : undefined;
    if (!existing || !(await existing.isDelayed())) return false;
    await existing.promote();
    return true;
  });
  if (!promoted) await enqueueBackfillStep(job);
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
