// Starts the BullMQ workers of this process: ingest (webhooks, high concurrency, micro-batched) and
// analytics (refits, backfills; one at a time per process). Used by `npm run worker` and by tests.
import { Worker, type Job } from "bullmq";
import { config } from "~/config.server";
import { disconnectDb } from "~/db.server";
import { withTimeout } from "~/lib/with-timeout";
import { workerConnection } from "~/queues/connection.server";
import { ANALYTICS_QUEUE, INGEST_QUEUE } from "~/queues/jobs";
import { closeQueues, INGEST_BACKOFF_TYPE, ingestRetryDelayMs, scheduleNightlyRefit } from "~/queues/queues.server";
import { processIngestJob } from "./ingest-processor.server";
import { processAnalyticsJob } from "./analytics-processor.server";

/** How long a stop waits for active jobs by default (WORKER_SHUTDOWN_TIMEOUT_MS overrides it). */
export function shutdownTimeoutMs(): number {
  const value = Number(process.env.WORKER_SHUTDOWN_TIMEOUT_MS);
  return Number.isFinite(value) && value > 0 ? value : 10_000;
}

/** Each step of a forced stop talks to Redis or the database, which may be the very thing that hangs. */
const FORCED_STEP_TIMEOUT_MS = 1_500;

export interface RunningWorkers {
  ingest: Worker;
  analytics: Worker;
  /**
   * Stops taking jobs and lets the active ones finish, for up to `timeoutMs`. Past it (a job stuck on a
   * stalled database, say) the stop is forced: the jobs still running are put back in their queue, where
   * another worker takes them at once (every job is safe to run twice), and the connections are dropped.
   */
  close: (timeoutMs?: number) => Promise<{ forced: boolean }>;
}

export async function startWorkers(options: { concurrency?: number; log?: boolean } = {}): Promise<RunningWorkers> {
  const prefix = config.queuePrefix;
  // The jobs this process is running, with the lock token a forced stop needs to hand them back.
  const running = new Map<Job, string | undefined>();
  const tracked =
    <T>(processor: (job: Job) => Promise<T>) =>
    async (job: Job, token?: string): Promise<T> => {
      running.set(job, token);
      try {
        return await processor(job);
      } finally {
        running.delete(job);
      }
    };

  const ingest = new Worker(INGEST_QUEUE, tracked(processIngestJob), {
    connection: workerConnection(),
    prefix,
    concurrency: options.concurrency ?? config.workerConcurrency,
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string) => (type === INGEST_BACKOFF_TYPE ? ingestRetryDelayMs(attemptsMade) : -1),
    },
  });
  const analytics = new Worker(ANALYTICS_QUEUE, tracked(processAnalyticsJob), {
    connection: workerConnection(),
    prefix,
    concurrency: 1,
    lockDuration: 120_000, // a refit or an import step can hold the CPU for a while
  });
  if (options.log) {
    for (const w of [ingest, analytics]) {
      w.on("failed", (job: Job | undefined, error: Error) =>
        console.error(`[${w.name}] job ${job?.id} (${job?.name}) failed, attempt ${job?.attemptsMade}: ${error.message}`),
      );
      w.on("error", (error) => console.error(`[${w.name}] ${error.message}`));
    }
  }
  await scheduleNightlyRefit();
  await Promise.all([ingest.waitUntilReady(), analytics.waitUntilReady()]);

  const workers = [ingest, analytics];
  return {
    ingest,
    analytics,
    close: async (timeoutMs = shutdownTimeoutMs()) => {
      // pause() stops fetching at once and resolves when the active jobs have finished; jobs not yet
      // started stay in Redis for the next worker.
      const drained = await withTimeout(Promise.all(workers.map((w) => w.pause())), timeoutMs, "active jobs did not finish").then(
        () => true,
        () => false,
      );
      if (!drained) {
        const handBack = [...running].map(([job, token]) => job.moveToWait(token));
        await withTimeout(Promise.allSettled(handBack), FORCED_STEP_TIMEOUT_MS, "jobs not handed back").catch(() => {});
      }
      await withTimeout(Promise.allSettled(workers.map((w) => w.close(!drained))), FORCED_STEP_TIMEOUT_MS, "workers not closed").catch(
        () => {},
      );
      await closeQueues();
      // A connection stuck in a query keeps the pool from ending until that query times out.
      await withTimeout(disconnectDb(), FORCED_STEP_TIMEOUT_MS, "database not disconnected").catch(() => {});
      return { forced: !drained };
    },
  };
}
