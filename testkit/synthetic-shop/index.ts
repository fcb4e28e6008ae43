// Public surface of the synthetic shop generator (see README.md in this folder).
export * from "./model";
export * from "./random";
export * from "./format";
export { buildCatalog } from "./catalog";
export { syntheticOrders, resolveShopOptions, customersForOrders, CDNOW_BGNBD, CDNOW_GAMMA_GAMMA } from "./generator";
export type { SyntheticShopOptions, ResolvedShopOptions, BgNbdParams, GammaGammaParams, PresentmentCurrency } from "./generator";
export { orderNode, lineItemNode, bulkJsonlLines, writeBulkJsonl, Ungrouper } from "./bulk-jsonl";
export type { UngroupOptions, WriteStats } from "./bulk-jsonl";
export { restOrder, restRefund, restOrders, webhookEvents } from "./rest";
export type { RestOptions, RestOrderPayload, WebhookEvent } from "./rest";
export { cdnowOrders, readCdnowTransactions } from "./cdnow";
export type { CdnowOptions, CdnowTransaction } from "./cdnow";
