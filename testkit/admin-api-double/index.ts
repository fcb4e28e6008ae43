// The Admin API double as a library. See server.ts for usage.
export { startAdminApiDouble } from "./server";
export type {
  AdminApiDouble,
  AdminApiDoubleControl,
  AdminApiDoubleOptions,
  FailNextOptions,
  ThrottleUpdate,
  BulkUpdate,
  InjectedStatus,
} from "./server";
export type { ShopInput, RequestLogEntry, WebhookDelivery, StoredMetafield, BulkOperationRecord, BulkFailure } from "./state";
export { ALL_APP_SCOPES, DEFAULT_COSTS } from "./state";
export { LeakyBucket } from "./throttle";
export { sendWebhook, webhookHeaders } from "./webhooks";
export type { WebhookTarget, WebhookMessage } from "./webhooks";
export { parse as parseGraphql } from "./graphql-lite";
