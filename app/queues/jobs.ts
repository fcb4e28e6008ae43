// What travels on the queues: the job names and each job's data. Plain JSON only.
import type { CustomerProfile, NormalizedOrder, NormalizedRefund } from "~/orders/types";
import type { ProductEvent } from "~/webhooks/product-payloads";

/** Ingest: webhook deliveries become database rows. High volume, short jobs. */
export const INGEST_QUEUE = "ingest";
/** Analytics: per-shop work that takes seconds (model refits, backfills; loyalty and offers write-backs later). */
export const ANALYTICS_QUEUE = "analytics";
export type QueueName = typeof INGEST_QUEUE | typeof ANALYTICS_QUEUE;

export const JOB = {
  webhook: "webhook",
  refitShop: "refit-shop",
  nightlyRefit: "nightly-refit",
  backfillShop: "backfill-shop",
} as const;

/** Retention: the Shopify sync after a refit (app/queues/retention.server.ts, app/worker/retention-processor.server.ts). */
export const RETENTION_JOB = { sync: "retention-sync" } as const;

/** A webhook once verified and validated. */
export type WebhookEvent =
  | { kind: "order"; order: NormalizedOrder }
  | { kind: "refund"; refund: NormalizedRefund }
  | { kind: "customer"; customer: CustomerProfile }
  | { kind: "customer_delete"; customerId: string }
  | { kind: "customer_redact"; customerId: string; orderIds: string[] }
  | { kind: "customer_data_request"; requestId: string; customerId: string; orderIds: string[] }
  | { kind: "shop_redact" }
  | { kind: "app_uninstalled" }
  | { kind: "scopes_update"; scopes: string[] }
  | { kind: "bulk_operation_finish"; bulkOperationId: string; status: string; errorCode: string | null }
  | ProductEvent;

/** A delivery as queued: which shop, which topic, its dedupe key, and the event. */
export interface WebhookJob {
  shop: string;
  topic: string;
  deliveryKey: string;
  receivedAt: string;
  event: WebhookEvent;
}

export interface BackfillStepJob {
  shop: string;
  /** Absent: start a new run (unless one is under way). */
  runId?: string;
}

export interface RefitShopJob {
  shop: string;
  reason: "backfill" | "nightly" | "on_demand";
}

/** Tagging a customers list too long to tag in the request (app/queues/customer-tagging.server.ts). */
export const TAG_CUSTOMERS_JOB = "tag-customers";
