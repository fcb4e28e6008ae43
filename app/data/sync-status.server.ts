// The sync page's read model: the shop's deliveries, backfill runs and last model fit from the database,
// and the queue figures (app/queues/inspect.server.ts), which the page shows without when Redis is slow.
import type { Db } from "~/db.server";
import { withTimeout } from "~/lib/with-timeout";
import { failedJobsOf, queueDepths, type FailedJob, type QueueDepth } from "~/queues/inspect.server";
import { backfillProgress, type BackfillProgress } from "./shop.server";

/** Redis answers in milliseconds; past this the page shows the rest without the queue figures. */
const QUEUE_TIMEOUT_MS = 2_000;

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
  const redis = withTimeout(Promise.all([queueDepths(), failedJobsOf(shop)]), QUEUE_TIMEOUT_MS, "Redis did not answer").then(
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
