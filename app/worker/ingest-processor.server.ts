// What the ingest worker does with each webhook job.
import type { Job } from "bullmq";
import { databaseProvider, db } from "~/db.server";
import { ingestBatch, recordDelivery, type IngestItem, type IngestResult } from "~/data/ingest.server";
import {
  markCustomerDeleted,
  markShopUninstalled,
  recordDataRequest,
  redactCustomer,
  redactShop,
  updateShopScopes,
} from "~/data/lifecycle.server";
import { handleBulkOperationFinish } from "~/backfill/bulk-operation-finish.server";
import type { WebhookJob } from "~/queues/jobs";
import { IngestBatcher } from "./ingest-batcher";

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
      return items.map(() => result);
    },
    maxBatch: 200,
    lingerMs: 2,
    parallel: databaseProvider() === "sqlite" ? 1 : 4,
  });
  return batcher;
}

export async function processIngestJob(job: Job<WebhookJob>): Promise<string> {
  const data = job.data;
  const item = toIngestItem(data);
  if (item) {
    const result = await ingestBatcher().add({ shop: data.shop, item });
    return `applied (batch wrote ${result.ordersWritten} orders, ${result.duplicates} duplicates)`;
  }
  const client = await db();
  const e = data.event;
  switch (e.kind) {
    case "customer_delete":
      await markCustomerDeleted(client, data.shop, e.customerId);
      break;
    case "customer_redact":
      await redactCustomer(client, data.shop, e.customerId, e.orderIds);
      break;
    case "customer_data_request":
      await recordDataRequest(client, data.shop, e.requestId, e.customerId, e.orderIds);
      break;
    case "shop_redact":
      await redactShop(client, data.shop);
      break;
    case "app_uninstalled":
      await markShopUninstalled(client, data.shop);
      break;
    case "scopes_update":
      await updateShopScopes(client, data.shop, e.scopes);
      break;
    case "bulk_operation_finish":
      await handleBulkOperationFinish(data.shop, e.bulkOperationId, e.status, e.errorCode);
      break;
    default:
      throw new Error(`no handler for event ${(e as { kind: string }).kind}`);
  }
  // shop/redact leaves nothing of the shop behind, not even the record of its own delivery.
  if (e.kind !== "shop_redact") {
    await recordDelivery(client, data.shop, { topic: data.topic, deliveryKey: data.deliveryKey, receivedAt: data.receivedAt });
  }
  return `applied ${e.kind}`;
}
