// A backfill run: ask Shopify for the shop's whole order history as a bulk operation, wait for it
// (bulk_operations/finish webhook, with polling as the fallback), import the file, then refit the
// shop's models. Every step is a job on the analytics queue and safe to run twice: the state lives in
// the BackfillRun row, the import is idempotent and resumes from the last committed byte.
import { db as openDb, type Db } from "~/db.server";
import { offlineAccessToken } from "~/data/sessions.server";
import { markShopInstalled } from "~/data/lifecycle.server";
import {
  activeBackfillRun,
  createBackfillRun,
  findBackfillRun,
  markRunCompleted,
  markRunFailed,
  markRunImporting,
  markRunRunning,
  recordRunObjectCount,
  recordRunProgress,
} from "~/data/backfill-runs.server";
import { adminGraphql, type AdminTarget } from "~/shopify/admin-gateway.server";
import {
  BULK_ORDERS_QUERY,
  BULK_RUN_MUTATION,
  BULK_STATUS_QUERY,
  SHOP_QUERY,
  type BulkRunData,
  type BulkStatusData,
  type ShopQueryData,
} from "~/shopify/operations";
import type { BackfillStepJob } from "~/queues/jobs";
import { enqueueBackfillStep, enqueueRefit } from "~/queues/queues.server";
import { isActiveBackfillStatus } from "./statuses";
import { importBulkFile, ShopNotInstalledError } from "./import-bulk-file.server";

const POLL_MS = Number(process.env.BACKFILL_POLL_MS ?? 3_000);

async function target(db: Db, shop: string): Promise<AdminTarget> {
  return { shop, accessToken: await offlineAccessToken(db, shop) };
}

/** Starts a run unless one is already under way (then returns that one). */
export async function startBackfill(db: Db, shop: string): Promise<string> {
  const active = await activeBackfillRun(db, shop);
  if (active) return active.id;

  const admin = await target(db, shop);
  const { data: details } = await adminGraphql<ShopQueryData>(admin, SHOP_QUERY);
  const scopes = details.currentAppInstallation.accessScopes.map((s) => s.handle);
  await markShopInstalled(db, shop, {
    name: details.shop.name,
    currencyCode: details.shop.currencyCode,
    ianaTimezone: details.shop.ianaTimezone,
    scopes: scopes.join(","),
  });

  const run = await createBackfillRun(db, shop, !scopes.includes("read_all_orders"));
  const { data } = await adminGraphql<BulkRunData>(admin, BULK_RUN_MUTATION, { query: BULK_ORDERS_QUERY });
  const { bulkOperation, userErrors } = data.bulkOperationRunQuery;
  if (!bulkOperation || userErrors.length > 0) {
    await markRunFailed(db, run.id, userErrors.map((e) => e.message).join("; ") || "Shopify returned no bulk operation");
    return run.id;
  }
  await markRunRunning(db, run.id, bulkOperation.id);
  await enqueueBackfillStep({ shop, runId: run.id }, POLL_MS);
  return run.id;
}

/** One step of a run: poll the bulk operation, or import its file. */
export async function advanceBackfill(job: BackfillStepJob & { runId?: string }): Promise<string> {
  const db = await openDb();
  if (!job.runId) return `started run ${await startBackfill(db, job.shop)}`;
  const run = await findBackfillRun(db, job.shop, job.runId);
  if (!run) return "no such run";
  if (!isActiveBackfillStatus(run.status)) return `run is ${run.status}`;

  if (run.status !== "importing") {
    if (!run.bulkOperationId) throw new Error(`run ${run.id} has no bulk operation`);
    const { data } = await adminGraphql<BulkStatusData>(await target(db, job.shop), BULK_STATUS_QUERY, { id: run.bulkOperationId });
    const op = data.node;
    if (!op) throw new Error(`bulk operation ${run.bulkOperationId} not found`);
    if (op.status === "COMPLETED") {
      await markRunImporting(db, run.id, { url: op.url, objectCount: Number(op.objectCount), rootObjectCount: Number(op.rootObjectCount) });
      if (!op.url) return finish(db, run.id, job.shop, null); // a shop without orders has no file
      return importRun(db, run.id, job.shop, op.url);
    }
    if (["FAILED", "CANCELED", "EXPIRED"].includes(op.status)) {
      await markRunFailed(db, run.id, `bulk operation ${op.status.toLowerCase()}${op.errorCode ? ` (${op.errorCode})` : ""}`);
      return `bulk operation ${op.status}`;
    }
    await recordRunObjectCount(db, run.id, Number(op.objectCount));
    await enqueueBackfillStep({ shop: job.shop, runId: run.id }, POLL_MS);
    return `bulk operation ${op.status}, ${op.objectCount} objects so far`;
  }
  if (!run.url) return finish(db, run.id, job.shop, null);
  return importRun(db, run.id, job.shop, run.url);
}

async function importRun(db: Db, runId: string, shop: string, url: string): Promise<string> {
  const run = await findBackfillRun(db, shop, runId);
  if (!run) return "no such run";
  let result: Awaited<ReturnType<typeof importBulkFile>>;
  try {
    result = await importBulkFile(db, shop, url, {
      startOffset: Number(run.bytesImported),
      progress: { linesImported: run.linesImported },
      onProgress: (p) => recordRunProgress(db, runId, p),
    });
  } catch (error) {
    // The shop was uninstalled or redacted mid-import: nothing more of it is written, and nothing is retried.
    if (error instanceof ShopNotInstalledError) return error.message;
    throw error;
  }
  const note = result.badLines > 0 ? `${result.badLines} unreadable lines; first: ${result.firstBadLine}` : null;
  return finish(db, runId, shop, note, result.linesImported);
}

async function finish(db: Db, runId: string, shop: string, note: string | null, lines = 0): Promise<string> {
  await markRunCompleted(db, runId, note);
  await enqueueRefit({ shop, reason: "backfill" });
  return `imported ${lines} lines`;
}
