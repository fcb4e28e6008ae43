// Reading the queues for the sync page: depths, one shop's failed jobs, and a retry. The queues are shared
// by all shops, so job lists are filtered on job.data.shop and only the aggregate depth is shown.
import type { Job, Queue } from "bullmq";
import { ANALYTICS_QUEUE, INGEST_QUEUE, type QueueName } from "./jobs";
import { queues } from "./queues.server";

export const FAILED_JOBS_SHOWN = 20;
/** How many of the newest failed jobs (all shops) are scanned for this shop's ones. */
const FAILED_SCAN_LIMIT = 1_000;
const FAILED_SCAN_PAGE = 200;
export const QUEUE_NAMES: readonly QueueName[] = [INGEST_QUEUE, ANALYTICS_QUEUE];

export interface QueueDepth {
  name: QueueName;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface FailedJob {
  queue: QueueName;
  id: string;
  name: string;
  failedReason: string;
  attemptsMade: number;
  failedAt: string | null;
  /** e.g. the webhook topic, when the job has one. */
  detail: string | null;
}

function queueOf(name: QueueName): Queue {
  return name === INGEST_QUEUE ? queues().ingest : queues().analytics;
}

const jobShop = (job: Job | undefined): string | undefined => {
  const data = job?.data as { shop?: unknown } | undefined;
  return typeof data?.shop === "string" ? data.shop : undefined;
};

function failedJob(queue: QueueName, job: Job): FailedJob {
  const data = job.data as { topic?: unknown; reason?: unknown; runId?: unknown };
  const detail =
    typeof data.topic === "string"
      ? data.topic
      : typeof data.reason === "string"
        ? data.reason
        : typeof data.runId === "string"
          ? `run ${data.runId}`
          : null;
  return {
    queue,
    id: String(job.id),
    name: job.name,
    failedReason: job.failedReason ?? "",
    attemptsMade: job.attemptsMade,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    detail,
  };
}

/** This shop's newest failed jobs of both queues (scanning the newest FAILED_SCAN_LIMIT of each). */
export async function failedJobsOf(shop: string): Promise<FailedJob[]> {
  const found: FailedJob[] = [];
  for (const name of QUEUE_NAMES) {
    const queue = queueOf(name);
    for (let start = 0, kept = 0; start < FAILED_SCAN_LIMIT && kept < FAILED_JOBS_SHOWN; start += FAILED_SCAN_PAGE) {
      const jobs = (await queue.getFailed(start, start + FAILED_SCAN_PAGE - 1)) as Job[];
      for (const job of jobs) {
        if (job && jobShop(job) === shop && kept < FAILED_JOBS_SHOWN) {
          found.push(failedJob(name, job));
          kept++;
        }
      }
      if (jobs.length < FAILED_SCAN_PAGE) break;
    }
  }
  return found.sort((a, b) => (b.failedAt ?? "").localeCompare(a.failedAt ?? "")).slice(0, FAILED_JOBS_SHOWN);
}

export async function queueDepths(): Promise<QueueDepth[]> {
  return Promise.all(
    QUEUE_NAMES.map(async (name) => {
      const c = await queueOf(name).getJobCounts("waiting", "active", "delayed", "failed", "prioritized");
      return {
        name,
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        failed: c.failed ?? 0,
      };
    }),
  );
}

export type RetryOutcome = "retried" | "not_found" | "not_failed";

/**
 * Retries a failed job of this shop. A job of another shop, or one that does not exist, is
 * "not_found" alike: the answer does not reveal other shops' jobs.
 */
export async function retryFailedJob(shop: string, queueName: string, jobId: string): Promise<RetryOutcome> {
  if (!(QUEUE_NAMES as readonly string[]).includes(queueName) || !jobId) return "not_found";
  const job = (await queueOf(queueName as QueueName).getJob(jobId)) as Job | undefined;
  if (!job || jobShop(job) !== shop) return "not_found";
  if (!(await job.isFailed())) return "not_failed";
  await job.retry("failed");
  return "retried";
}
