// The sync page's read model and its two actions (retry a failed job, refit now). Database reads are
// scoped to the shop; the queues are shared by all shops, so job lists are filtered on job.data.shop and
// only the aggregate depth of each queue is shown.
import type { Job, Queue } from "bullmq";
import type { Db } from "~/db.server";
import { ANALYTICS_QUEUE, enqueueRefit, INGEST_QUEUE, queues } from "~/jobs/queues.server";
import { backfillProgress, type BackfillProgress } from "./dashboard.server";

export const FAILED_JOBS_SHOWN = 20;
/** How many of the newest failed jobs (all shops) are scanned for this shop's ones. */
const FAILED_SCAN_LIMIT = 1_000;
const FAILED_SCAN_PAGE = 200;
/** Redis answers in milliseconds; past this the page shows the rest without the queue figures. */
const QUEUE_TIMEOUT_MS = 2_000;

export type QueueName = typeof INGEST_QUEUE | typeof ANALYTICS_QUEUE;
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

export interface WebhookTopicStatus {
  topic: string;
  deliveries: number;
  lastProcessedAt: string | null;
}

export interface ModelFitSummary {
  id: string;
  status: string;
  reason: string | null;
  asOf: string;
  fittedAt: string;
  customers: number;
  repeatCustomers: number;
  durationMs: number;
  /** Numeric parameters found in the fit's JSON (BG/NBD r, alpha, a, b; Gamma-Gamma p, q, gamma …). */
  params: { name: string; value: string }[];
}

export interface SyncStatus {
  queues: QueueDepth[] | null;
  queueError: string | null;
  failedJobs: FailedJob[];
  webhooks: WebhookTopicStatus[];
  backfills: BackfillProgress[];
  modelFit: ModelFitSummary | null;
}

function queueOf(name: QueueName): Queue {
  return name === INGEST_QUEUE ? queues().ingest : queues().analytics;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

const jobShop = (job: Job | undefined): string | undefined => {
  const data = job?.data as { shop?: unknown } | undefined;
  return typeof data?.shop === "string" ? data.shop : undefined;
};

function failedJob(queue: QueueName, job: Job): FailedJob {
  const data = job.data as { topic?: unknown; reason?: unknown; runId?: unknown };
  const detail = typeof data.topic === "string" ? data.topic : typeof data.reason === "string" ? data.reason : typeof data.runId === "string" ? `run ${data.runId}` : null;
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
async function failedJobsOf(shop: string): Promise<FailedJob[]> {
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

async function queueDepths(): Promise<QueueDepth[]> {
  return Promise.all(
    QUEUE_NAMES.map(async (name) => {
      const c = await queueOf(name).getJobCounts("waiting", "active", "delayed", "failed", "prioritized");
      return { name, waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 };
    }),
  );
}

/** Parts of the fit's JSON that are detail for a data scientist, not a summary. */
const SKIPPED_KEYS = new Set(["stdErrors", "excluded", "counts", "warnings", "timeZone", "unitsPerMonth"]);

/**
 * The fit's params JSON (app/data/refit.server.ts) as "name: value" rows: numbers, booleans and short
 * strings up to three levels deep, with the ".params" level dropped ("bgnbd.r", "gammaGamma.p",
 * "bgnbd.logLikelihood", "horizonMonths" …).
 */
export function summarizeParams(json: string, max = 20): { name: string; value: string }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [];
  }
  const out: { name: string; value: string }[] = [];
  const visit = (value: unknown, path: string[], depth: number) => {
    if (out.length >= max) return;
    const name = path.filter((p) => p !== "params").join(".");
    if (typeof value === "number" && Number.isFinite(value)) {
      out.push({ name, value: Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4))) });
    } else if (typeof value === "boolean") {
      out.push({ name, value: value ? "yes" : "no" });
    } else if (typeof value === "string" && path.length > 0 && value.length <= 60) {
      out.push({ name, value });
    } else if (value && typeof value === "object" && !Array.isArray(value) && depth < 3) {
      for (const [key, child] of Object.entries(value)) if (!SKIPPED_KEYS.has(key)) visit(child, [...path, key], depth + 1);
    }
  };
  visit(parsed, [], 0);
  return out;
}

export async function syncStatus(db: Db, shop: string): Promise<SyncStatus> {
  const redis = withTimeout(Promise.all([queueDepths(), failedJobsOf(shop)]), QUEUE_TIMEOUT_MS).then(
    ([depths, failed]) => ({ depths, failed, error: null as string | null }),
    (error: Error) => ({ depths: null, failed: [] as FailedJob[], error: error.message }),
  );
  const [queue, webhooks, backfills, fit] = await Promise.all([
    redis,
    db.webhookDelivery.groupBy({
      by: ["topic"],
      where: { shop },
      _max: { processedAt: true },
      _count: { _all: true },
      orderBy: { topic: "asc" },
    }),
    db.backfillRun.findMany({ where: { shop }, orderBy: { startedAt: "desc" }, take: 10 }),
    db.modelFit.findFirst({ where: { shop }, orderBy: { fittedAt: "desc" } }),
  ]);
  return {
    queues: queue.depths,
    queueError: queue.error,
    failedJobs: queue.failed,
    webhooks: webhooks.map((w) => ({
      topic: w.topic,
      deliveries: w._count._all,
      lastProcessedAt: w._max.processedAt?.toISOString() ?? null,
    })),
    backfills: backfills.map(backfillProgress),
    modelFit: fit
      ? {
          id: fit.id,
          status: fit.status,
          reason: fit.reason,
          asOf: fit.asOf.toISOString(),
          fittedAt: fit.fittedAt.toISOString(),
          customers: fit.customers,
          repeatCustomers: fit.repeatCustomers,
          durationMs: fit.durationMs,
          params: summarizeParams(fit.params),
        }
      : null,
  };
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

export async function requestRefit(shop: string): Promise<void> {
  await enqueueRefit({ shop, reason: "on_demand" });
}
