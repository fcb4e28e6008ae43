// Starts the BullMQ workers of this process: ingest (webhooks, high concurrency, micro-batched) and
// analytics (refits, backfills; one at a time per process). Used by `npm run worker` and by tests.
import { Worker, type Job } from "bullmq";
import { config } from "~/config.server";
import { disconnectDb } from "~/db.server";
import { workerConnection } from "~/queues/connection.server";
import { ANALYTICS_QUEUE, INGEST_QUEUE } from "~/queues/jobs";
import { closeQueues, scheduleNightlyRefit } from "~/queues/queues.server";
import { processIngestJob } from "./ingest-processor.server";
import { processAnalyticsJob } from "./analytics-processor.server";

export interface RunningWorkers {
  ingest: Worker;
  analytics: Worker;
  close: () => Promise<void>;
}

export async function startWorkers(options: { concurrency?: number; log?: boolean } = {}): Promise<RunningWorkers> {
  const prefix = config.queuePrefix;
  const ingest = new Worker(INGEST_QUEUE, processIngestJob, {
    connection: workerConnection(),
    prefix,
    concurrency: options.concurrency ?? config.workerConcurrency,
  });
  const analytics = new Worker(ANALYTICS_QUEUE, processAnalyticsJob, {
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
  return {
    ingest,
    analytics,
    // close() lets active jobs finish; jobs not yet started stay in Redis for the next worker.
    close: async () => {
      await Promise.all([ingest.close(), analytics.close()]);
      await closeQueues();
      await disconnectDb();
    },
  };
}
