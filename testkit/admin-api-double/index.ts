// The Admin API double as a library. See server.ts for usage and README.md for the options.
export { startAdminApiDouble } from "./server";
export type {
  AdminApiDouble,
  AdminApiDoubleControl,
  AdminApiDoubleOptions,
  FailNextOptions,
  ThrottleUpdate,
  BulkUpdate,
  InjectedStatus,
  PublicBulkOperation,
} from "./server";
export type {
  ShopInput,
  RequestLogEntry,
  WebhookDelivery,
  StoredMetafield,
  StoredMetafieldDefinition,
  StoredDiscount,
  StoredSegment,
  StoredProduct,
  ProductStatus,
  FlowTriggerCall,
  BulkOperationRecord,
  BulkFailure,
} from "./state";
export { ALL_APP_SCOPES } from "./state";
export { DEFAULT_COSTS, METAFIELDS_PER_CALL, MAX_ACTIVE_AUTOMATIC_DISCOUNTS, FLOW_PAYLOAD_MAX_BYTES, ADMIN_API } from "./operations/index";
export type { ApiSlice, RootFieldDefinition, ResolveContext, FlowTriggerDefinition } from "./operations/index";
export type { ProductInput, ProductPatch } from "./catalog-control";
export type { StagedUpload } from "./staged-uploads";
export { LeakyBucket } from "./throttle";
export { sendWebhook, webhookHeaders } from "./webhooks";
export type { WebhookTarget, WebhookMessage } from "./webhooks";
export { parse as parseGraphql } from "./graphql-lite/index";
export type { Selection as GraphqlSelection } from "./graphql-lite/index";
