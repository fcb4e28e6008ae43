// The state of one shop in the double (its settings, rate-limit bucket and what the app wrote to it) and
// the records the double keeps (bulk operations, request log, webhook deliveries). The double-wide state
// that holds them is in double-state.ts.
import type { SyntheticShopOptions } from "../synthetic-shop/generator";
import { LeakyBucket, type ThrottleSettings, type ThrottleStatus } from "./throttle";

export const ALL_APP_SCOPES = [
  "read_orders",
  "read_all_orders",
  "read_customers",
  "write_customers",
  "read_products",
  "write_products",
  "write_discounts",
];

export interface ShopInput {
  /** "demo.myshopify.com" */
  shop: string;
  accessToken: string;
  name?: string;
  email?: string;
  currencyCode?: string;
  ianaTimezone?: string;
  /** Granted access scopes. Default: every scope the app asks for. */
  scopes?: string[];
  /** The bulk orders file served for this shop (JSONL of BULK_ORDERS_QUERY). */
  bulkFile?: string;
  /** Or: generate one (on the first bulk query) with the synthetic shop generator. */
  synthetic?: SyntheticShopOptions;
  /** "Now" for the 60-day window of shops without read_all_orders (ISO time). Default: the real now. */
  now?: string;
  /**
   * The product catalogue (products, product, node): the synthetic shop's own catalogue by default (same seed, so
   * the products of its orders), or these generator options (only seed, products, ids… matter); none without either.
   */
  catalog?: SyntheticShopOptions;
}

/** Costs by root field or operation name; `default` for fields the table does not name. */
export type CostTable = { default: number } & Record<string, number>;

export interface StoredMetafield {
  id: string;
  ownerId: string;
  ownerType: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
  compareDigest: string;
  createdAt: string;
  updatedAt: string;
}

export type ProductStatus = "ACTIVE" | "ARCHIVED" | "DRAFT" | "UNLISTED";

export interface StoredVariant {
  id: string;
  title: string;
  sku: string;
  /** Decimal in shop currency, as Shopify's Money scalar ("19.99"). */
  price: string;
  inventoryQuantity: number;
}

export interface StoredProduct {
  id: string;
  title: string;
  handle: string;
  vendor: string;
  status: ProductStatus;
  /** Null while the product is not published to the online store. */
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  featuredImage: { url: string; altText: string | null; width: number; height: number } | null;
  variants: StoredVariant[];
}

/** Who may use a discount: every buyer, listed customers, or the members of listed segments (ids). */
export type StoredDiscountContext = { type: "all" } | { type: "customers"; ids: string[] } | { type: "segments"; ids: string[] };

export interface StoredDiscount {
  id: string;
  kind: "code" | "automatic";
  title: string;
  /** Redeem codes as given (code discounts); unique per shop, case-insensitively. */
  codes: string[];
  startsAt: string;
  endsAt: string | null;
  usageLimit: number | null;
  appliesOncePerCustomer: boolean;
  context: StoredDiscountContext;
  value: { type: "percentage"; percentage: number } | { type: "amount"; amount: string; appliesOnEachItem: boolean };
  items:
    { type: "all" } | { type: "products"; products: string[]; productVariants: string[] } | { type: "collections"; collections: string[] };
  minimumRequirement: { type: "subtotal"; amount: string } | { type: "quantity"; quantity: string } | null;
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

export interface StoredSegment {
  id: string;
  name: string;
  query: string;
  creationDate: string;
  lastEditDate: string;
}

export interface StoredMetafieldDefinition {
  id: string;
  name: string;
  namespace: string;
  key: string;
  type: string;
  ownerType: string;
  description: string | null;
  access: { admin: string; storefront: string; customerAccount: string };
  createdAt: string;
}

/** One flowTriggerReceive call the double accepted. */
export interface FlowTriggerCall {
  handle: string;
  payload: unknown;
  receivedAt: string;
}

export type BulkStatus = "CREATED" | "RUNNING" | "COMPLETED" | "CANCELING" | "CANCELED" | "FAILED" | "EXPIRED";

export interface BulkFailure {
  errorCode: "INTERNAL_SERVER_ERROR" | "TIMEOUT" | "ACCESS_DENIED";
  /** Objects in the partial data file; default half of the file; 0 = no partialDataUrl. */
  partialObjects?: number;
}

export interface BulkSettings {
  /** Time from creation to RUNNING. Default 20 ms. */
  runningAfterMs: number;
  /** Minimum time from creation to completion. Default 150 ms. */
  completeAfterMs: number;
  /** Concurrent bulk queries (and, separately, bulk mutations) per shop. Default by API version: 5 from 2026-01, 1 before. */
  maxConcurrent: number | null;
  /** Lines of a bulk mutation run per second (a stand-in for Shopify's processing time). Null: as fast as it can. */
  mutationLinesPerSecond: number | null;
}

export interface BulkOperationRecord {
  n: number;
  id: string;
  shop: string;
  apiVersion: string;
  type: "QUERY" | "MUTATION";
  /** The bulk query, or the mutation a bulk mutation runs for each line. */
  query: string;
  /** Bulk mutations: the staged upload key of the variables file. */
  stagedUploadPath: string | null;
  clientIdentifier: string | null;
  groupObjects: boolean;
  status: BulkStatus;
  errorCode: string | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
  partialDataUrl: string | null;
  createdAt: string;
  completedAt: string | null;
  /** File served at url, and the byte length of the partial data (a prefix of it). */
  filePath: string | null;
  partialBytes: number | null;
  failure: BulkFailure | null;
  timers: NodeJS.Timeout[];
  /** Resolvers of the lifecycle's pending waits (a cancel or close cuts them short). */
  wake: (() => void)[];
  cancelRequested: boolean;
}

export interface RequestLogEntry {
  seq: number;
  at: string;
  method: string;
  path: string;
  apiVersion: string | null;
  shop: string | null;
  operationName: string | null;
  rootFields: string[];
  httpStatus: number;
  /** ok | throttled | graphql-error | user-error | unauthorized | bad-request | injected-<status> | injected-reset */
  outcome: string;
  requestedQueryCost: number | null;
  throttleStatus: ThrottleStatus | null;
  variables?: unknown;
}

export interface WebhookDelivery {
  at: string;
  url: string;
  topic: string;
  shop: string;
  webhookId: string;
  eventId: string;
  status: number | null;
  error: string | null;
  attempt: number;
  body: string;
}

export interface ShopState {
  shop: string;
  accessToken: string;
  name: string;
  email: string;
  currencyCode: string;
  ianaTimezone: string;
  scopes: string[];
  bulkFile: string | null;
  synthetic: SyntheticShopOptions | null;
  now: string | null;
  bucket: LeakyBucket;
  costs: CostTable;
  /** When set, every request costs this much whatever it asks for. */
  flatCost: number | null;
  maxQueryCost: number;
  /** owner id → "namespace.key" → metafield. */
  metafields: Map<string, Map<string, StoredMetafield>>;
  /** owner id → tags. */
  tags: Map<string, Set<string>>;
  /** Code and automatic discounts by node id, and the code discounts by upper-cased code. */
  discounts: Map<string, StoredDiscount>;
  discountCodes: Map<string, string>;
  segments: Map<string, StoredSegment>;
  /** "OWNER_TYPE|namespace|key" → definition. */
  metafieldDefinitions: Map<string, StoredMetafieldDefinition>;
  flowTriggerCalls: FlowTriggerCall[];
  /** Generator options of the catalogue (null: no catalogue), and the products once built from it (by id). */
  catalog: SyntheticShopOptions | null;
  products: Map<string, StoredProduct> | null;
  bulk: BulkSettings;
  bulkFailNext: BulkFailure[];
  generated: Map<string, Promise<string>>;
}

export interface ThrottleDefaults extends ThrottleSettings {
  costs: CostTable;
  flatCost: number | null;
  maxQueryCost: number;
}

export function createShopState(input: ShopInput, throttle: ThrottleDefaults, bulk: BulkSettings): ShopState {
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(input.shop))
    throw new Error(`shop must be a *.myshopify.com domain, got "${input.shop}"`);
  if (!input.accessToken) throw new Error("accessToken is required");
  const handle = input.shop.replace(/\.myshopify\.com$/, "");
  return {
    shop: input.shop,
    accessToken: input.accessToken,
    name: input.name ?? handle.replace(/-/g, " ").replace(/\b\w/g, (c) => c.toUpperCase()),
    email: input.email ?? `owner@${handle}.example.com`,
    currencyCode: (input.currencyCode ?? input.synthetic?.currencyCode ?? "USD").toUpperCase(),
    ianaTimezone: input.ianaTimezone ?? "America/New_York",
    scopes: input.scopes ?? [...ALL_APP_SCOPES],
    bulkFile: input.bulkFile ?? null,
    synthetic: input.synthetic ?? null,
    now: input.now ?? null,
    bucket: new LeakyBucket({ maximumAvailable: throttle.maximumAvailable, restoreRate: throttle.restoreRate }),
    costs: { ...throttle.costs },
    flatCost: throttle.flatCost,
    maxQueryCost: throttle.maxQueryCost,
    metafields: new Map(),
    tags: new Map(),
    discounts: new Map(),
    discountCodes: new Map(),
    segments: new Map(),
    metafieldDefinitions: new Map(),
    flowTriggerCalls: [],
    catalog: input.catalog ?? input.synthetic ?? null,
    products: null,
    bulk: { ...bulk },
    bulkFailNext: [],
    generated: new Map(),
  };
}
