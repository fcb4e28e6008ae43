// What the ingest worker does with each webhook job.
import { enqueueLoyaltySync } from "~/queues/loyalty.server";
import type { Prisma } from "@prisma/client";
import type { Job } from "bullmq";
import { databaseProvider, db, type Db } from "~/db.server";
import { ingestBatch, recordDelivery, redactedAmong, type IngestItem, type IngestResult } from "~/data/ingest.server";
import {
  CUSTOMER_REDACTION_TABLES,
  SHOP_REDACTION_TABLES,
  markCustomerDeleted,
  markShopUninstalled,
  purgeErasedValues,
  recordDataRequest,
  redactCustomer,
  redactShop,
  updateShopScopes,
} from "~/data/lifecycle.server";
import { withoutValues } from "~/data/database-errors.server";
import { lockShop, type ShopLockMode } from "~/data/shop-lock.server";
import { handleBulkOperationFinish } from "~/backfill/bulk-operation-finish.server";
import type { WebhookJob } from "~/queues/jobs";
import { carriesPersonalDataOf, removeShopJobs, scrubCustomerFromJobs, withoutPersonalData } from "~/queues/redact-jobs.server";
import { IngestBatcher } from "./ingest-batcher";
import { applyProductEvent } from "~/data/products.server";
import { enqueueOffersWriteBack } from "~/queues/offers.server";

function toIngestItem(job: WebhookJob): IngestItem | null {
  const delivery = { topic: job.topic, deliveryKey: job.deliveryKey, receivedAt: job.receivedAt };
  const e = job.event;
  if (e.kind === "order") return { delivery, orders: [e.order] };
  if (e.kind === "refund") return { delivery, refunds: [e.refund] };
  if (e.kind === "customer") return { delivery, customers: [e.customer] };
  return null;
}

type Batched = { shop: string; item: IngestItem };

let batcher: IngestBatcher<Batched, IngestResult> | null = null;

function ingestBatcher() {
  batcher ??= new IngestBatcher<Batched, IngestResult>({
    keyOf: (b) => b.shop,
    applyGroup: async (shop, items) => {
      const result = await ingestBatch(
        await db(),
        shop,
        items.map((b) => b.item),
      );
      // Loyalty changes go to Shopify by a paced, deduplicated job; a Redis hiccup here only delays them
      // (the members stay marked dirty and the nightly pass writes them).
      if (result.loyaltyDirty > 0) await enqueueLoyaltySync(shop).catch(() => undefined);
      return items.map(() => result);
    },
    maxBatch: 200,
    lingerMs: 2,
    parallel: databaseProvider() === "sqlite" ? 1 : 4,
  });
  return batcher;
}

/**
 * The job's data must not keep personal data the database does not keep: the shop is not installed (nothing
 * was stored), or the job's customer or order was redacted (stored without it). Scrubbed in Redis, where a
 * completed or failed job would otherwise hold it for days.
 */
async function scrubIfNotKept(job: Job<WebhookJob>, result: Pick<IngestResult, "installed" | "redactedCustomers" | "redactedOrders">) {
  const redacted = carriesPersonalDataOf(job.data, new Set(result.redactedCustomers), new Set(result.redactedOrders));
  if (!result.installed || redacted) await job.updateData(withoutPersonalData(job.data));
}

/** After a failed attempt: the same check against the database, when it answers (best effort). */
async function scrubAfterFailure(job: Job<WebhookJob>, item: IngestItem): Promise<void> {
  try {
    const client = await db();
    const [shop, redacted] = await Promise.all([
      client.shop.findUnique({ where: { shop: job.data.shop }, select: { installedAt: true, uninstalledAt: true } }),
      redactedAmong(client, job.data.shop, [item]),
    ]);
    const installed = shop?.installedAt != null && shop.uninstalledAt == null;
    await scrubIfNotKept(job, { installed, redactedCustomers: [...redacted.customers], redactedOrders: [...redacted.orders] });
  } catch {
    // The database (or Redis) is unavailable: the next attempt checks again.
  }
}

async function applyBatched(job: Job<WebhookJob>, item: IngestItem): Promise<string> {
  let result: IngestResult;
  try {
    result = await ingestBatcher().add({ shop: job.data.shop, item });
  } catch (error) {
    await scrubAfterFailure(job, item);
    throw error;
  }
  await scrubIfNotKept(job, result);
  if (!result.installed) return "shop not installed: nothing stored";
  return `applied (batch wrote ${result.ordersWritten} orders, ${result.duplicates} duplicates)`;
}

type Tx = Prisma.TransactionClient;

/**
 * Applies a lifecycle or compliance event under the shop lock and records its delivery, when the shop may
 * have it: `installed` (the shop counts now) or `row` (it has a row: installed, or uninstalled and not yet
 * redacted). Otherwise nothing is written, not even the delivery. Returns whether it was applied.
 */
async function applyToShop(
  client: Db,
  data: WebhookJob,
  lock: ShopLockMode,
  requires: "installed" | "row",
  write: (tx: Tx) => Promise<void>,
): Promise<boolean> {
  return client.$transaction(
    async (tx) => {
      const state = await lockShop(tx, data.shop, lock);
      if (!state || (requires === "installed" && !state.installed)) return false;
      await write(tx);
      await recordDelivery(tx, data.shop, { topic: data.topic, deliveryKey: data.deliveryKey, receivedAt: data.receivedAt });
      return true;
    },
    { maxWait: 60_000, timeout: 120_000 },
  );
}

async function applyLifecycle(job: Job<WebhookJob>): Promise<string> {
  const client = await db();
  const data = job.data;
  const e = data.event;
  let applied = true;
  switch (e.kind) {
    case "customer_delete":
      applied = await applyToShop(client, data, "shared", "installed", (tx) => markCustomerDeleted(tx, data.shop, e.customerId));
      break;
    case "customer_redact":
      // Also for an uninstalled shop: its data stays until shop/redact, and must be erased meanwhile.
      applied = await applyToShop(client, data, "exclusive", "row", (tx) => redactCustomer(tx, data.shop, e.customerId, e.orderIds));
      await scrubCustomerFromJobs(data.shop, e.customerId, e.orderIds);
      if (applied) await purgeErasedValues(client, CUSTOMER_REDACTION_TABLES);
      break;
    case "customer_data_request":
      applied = await applyToShop(client, data, "shared", "installed", (tx) =>
        recordDataRequest(tx, data.shop, e.requestId, e.customerId, e.orderIds),
      );
      break;
    case "shop_redact":
      // Leaves nothing of the shop behind, not even the record of its own delivery.
      await redactShop(client, data.shop);
      await removeShopJobs(data.shop, job.id);
      await purgeErasedValues(client, SHOP_REDACTION_TABLES);
      break;
    case "app_uninstalled":
      applied = await applyToShop(client, data, "exclusive", "row", (tx) => markShopUninstalled(tx, data.shop));
      break;
    case "scopes_update":
      applied = await applyToShop(client, data, "exclusive", "row", (tx) => updateShopScopes(tx, data.shop, e.scopes));
      break;
    case "bulk_operation_finish":
      await handleBulkOperationFinish(data.shop, e.bulkOperationId, e.status, e.errorCode);
      applied = await applyToShop(client, data, "shared", "row", async () => {});
      break;
    case "product":
    case "product_delete": {
      // A product's status or publication changed: the storefront's lists must drop (or may show) it.
      let changed = false;
      applied = await applyToShop(client, data, "shared", "installed", async (tx) => {
        changed = await applyProductEvent(tx, data.shop, e, new Date(data.receivedAt));
      });
      if (applied && changed) await enqueueOffersWriteBack({ shop: data.shop, reason: "product_changed" });
      break;
    }
    default:
      throw new Error(`no handler for event ${(e as { kind: string }).kind}`);
  }
  return applied ? `applied ${e.kind}` : `shop not installed: ${e.kind} stores nothing`;
}

export async function processIngestJob(job: Job<WebhookJob>): Promise<string> {
  const item = toIngestItem(job.data);
  if (item) return applyBatched(job, item);
  try {
    return await applyLifecycle(job);
  } catch (error) {
    throw withoutValues(error, job.data.event.kind);
  }
}
