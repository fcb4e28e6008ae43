// The control API of the double (tests use it in process; handlers/control.ts serves it over HTTP):
// shops and scopes, throttle settings, injected faults, bulk settings, what the app wrote (metafields,
// definitions, tags, discounts, segments, Flow trigger calls, staged uploads), the product catalogue, the
// request log, and webhooks.
import { addShop, applyCost, deliverWebhook, webhooksSettled, type DoubleState, type FailNextOptions } from "./double-state";
import type {
  BulkFailure,
  BulkOperationRecord,
  BulkSettings,
  CostTable,
  RequestLogEntry,
  ShopInput,
  ShopState,
  FlowTriggerCall,
  StoredDiscount,
  StoredMetafield,
  StoredMetafieldDefinition,
  StoredProduct,
  StoredSegment,
  WebhookDelivery,
} from "./state";
import { addProduct, patchProduct, removeProduct, type NotifyOption, type ProductInput, type ProductPatch } from "./catalog-control";
import { shopProducts } from "./operations/products";
import type { FlowTriggerDefinition } from "./operations/index";
import type { StagedUpload } from "./staged-uploads";
import type { ThrottleStatus } from "./throttle";
import type { WebhookMessage, WebhookTarget } from "./webhooks";

export interface ThrottleUpdate {
  shop?: string;
  maximumAvailable?: number;
  restoreRate?: number;
  currentlyAvailable?: number;
  cost?: number | Partial<CostTable>;
  maxQueryCost?: number;
}

export interface BulkUpdate extends Partial<BulkSettings> {
  shop?: string;
  /** The next bulk operation(s) of the shop fail this way. */
  failNext?: BulkFailure | BulkFailure[];
}

/** A bulk operation as the control API shows it (without its timers and pending failure). */
export type PublicBulkOperation = Omit<BulkOperationRecord, "timers" | "wake" | "failure">;

export interface ShopSummary {
  shop: string;
  accessToken: string;
  scopes: string[];
  currencyCode: string;
  ianaTimezone: string;
  bulkFile: string | null;
}

export interface AdminApiDoubleControl {
  addShop(input: ShopInput): void;
  removeShop(shop: string): void;
  shops(): ShopSummary[];
  setScopes(shop: string, scopes: string[]): void;
  setThrottle(update: ThrottleUpdate): void;
  throttleStatus(shop: string): ThrottleStatus;
  failNext(options: FailNextOptions): void;
  clearFailures(): void;
  /** The next `times` (default 1) bulk downloads stop after `bytes` bytes of body: the connection is dropped. */
  cutBulkDownloadAfter(bytes: number, options?: { times?: number }): void;
  setBulk(update: BulkUpdate): void;
  bulkOperations(shop?: string): PublicBulkOperation[];
  /** Resolves when the operation reaches a final status (COMPLETED, FAILED, CANCELED). */
  waitForBulkOperation(id: string, timeoutMs?: number): Promise<PublicBulkOperation>;
  /** What metafieldsSet stored for the shop, owner by owner in the order written; only `ownerId`'s when given. */
  getMetafields(shop: string, ownerId?: string): StoredMetafield[];
  getTags(shop: string, ownerId: string): string[];
  /** Code and automatic discounts of the shop, in the order created. */
  getDiscounts(shop: string): StoredDiscount[];
  getSegments(shop: string): StoredSegment[];
  getMetafieldDefinitions(shop: string): StoredMetafieldDefinition[];
  /** Every flowTriggerReceive the double accepted for the shop. */
  getFlowTriggerCalls(shop: string): FlowTriggerCall[];
  /** Declares a Flow trigger extension of the app (a handle, and optionally its fields). */
  registerFlowTrigger(trigger: string | FlowTriggerDefinition): void;
  /** Staged upload targets handed out (with the uploaded file's path once uploaded). */
  stagedUploads(shop?: string): StagedUpload[];
  /** The shop's products (its catalogue, built on first use), by id order. */
  products(shop: string): StoredProduct[];
  addProduct(shop: string, input: ProductInput): StoredProduct;
  /** Changes a product (status, publishedAt, title, stock); `notify` sends products/update. */
  setProduct(shop: string, id: string, patch: ProductPatch, options?: NotifyOption): Promise<WebhookDelivery[]>;
  /** Deletes a product; `notify` sends products/delete. */
  deleteProduct(shop: string, id: string, options?: NotifyOption): Promise<WebhookDelivery[]>;
  readonly requests: RequestLogEntry[];
  clearRequests(): void;
  readonly webhookDeliveries: WebhookDelivery[];
  setWebhookTarget(target: WebhookTarget | null): void;
  /** Sends a signed webhook (e.g. orders/create) to the configured app, or to `target`. */
  sendWebhook(message: WebhookMessage, target?: WebhookTarget): Promise<WebhookDelivery[]>;
  /** Resolves when every webhook started so far has been delivered (or given up). */
  webhooksSettled(): Promise<void>;
}

export function publicBulk(op: BulkOperationRecord): PublicBulkOperation {
  const { timers: _timers, wake: _wake, failure: _failure, ...rest } = op;
  return rest;
}

const FINAL_BULK_STATUSES = new Set(["COMPLETED", "FAILED", "CANCELED", "EXPIRED"]);

export function createControl(state: DoubleState): AdminApiDoubleControl {
  const shopOrThrow = (shop: string): ShopState => {
    const found = state.shopsByDomain.get(shop);
    if (!found) throw new Error(`unknown shop ${shop}`);
    return found;
  };
  /** One shop, or every shop when none is named. */
  const targets = (shop: string | undefined) => (shop ? [shopOrThrow(shop)] : [...state.shopsByDomain.values()]);

  return {
    addShop: (input) => addShop(state, input),
    removeShop(shop) {
      const found = state.shopsByDomain.get(shop);
      if (!found) return;
      state.shopsByDomain.delete(shop);
      state.shopsByToken.delete(found.accessToken);
    },
    shops: () =>
      [...state.shopsByDomain.values()].map((s) => ({
        shop: s.shop,
        accessToken: s.accessToken,
        scopes: s.scopes,
        currencyCode: s.currencyCode,
        ianaTimezone: s.ianaTimezone,
        bulkFile: s.bulkFile,
      })),
    setScopes(shop, scopes) {
      shopOrThrow(shop).scopes = [...scopes];
    },
    setThrottle(update) {
      const shops = targets(update.shop);
      if (!update.shop) {
        const defaults = state.throttleDefaults;
        if (update.maximumAvailable !== undefined) defaults.maximumAvailable = update.maximumAvailable;
        if (update.restoreRate !== undefined) defaults.restoreRate = update.restoreRate;
        applyCost(defaults, update.cost);
        if (update.maxQueryCost !== undefined) defaults.maxQueryCost = update.maxQueryCost;
      }
      for (const s of shops) {
        s.bucket.configure({
          maximumAvailable: update.maximumAvailable,
          restoreRate: update.restoreRate,
          currentlyAvailable: update.currentlyAvailable,
        });
        applyCost(s, update.cost);
        if (update.maxQueryCost !== undefined) s.maxQueryCost = update.maxQueryCost;
      }
    },
    throttleStatus: (shop) => shopOrThrow(shop).bucket.status(),
    failNext(options) {
      state.faults.push({ ...options, remaining: options.count ?? 1 });
    },
    clearFailures() {
      state.faults.length = 0;
    },
    cutBulkDownloadAfter(bytes, options = {}) {
      state.downloadCuts.push({ bytes, remaining: options.times ?? 1 });
    },
    setBulk(update) {
      const shops = targets(update.shop);
      const { shop: _shop, failNext, ...settings } = update;
      const defined = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as Partial<BulkSettings>;
      if (!update.shop) Object.assign(state.bulkDefaults, defined);
      for (const s of shops) {
        Object.assign(s.bulk, defined);
        if (failNext) s.bulkFailNext.push(...(Array.isArray(failNext) ? failNext : [failNext]));
      }
    },
    bulkOperations: (shop) => state.bulk.list(shop).map(publicBulk),
    async waitForBulkOperation(id, timeoutMs = 30_000) {
      const m = /(\d+)$/.exec(id);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const op = m ? state.bulk.byNumber(Number(m[1])) : null;
        if (!op) throw new Error(`no bulk operation ${id}`);
        if (FINAL_BULK_STATUSES.has(op.status)) return publicBulk(op);
        if (Date.now() > deadline) throw new Error(`bulk operation ${id} still ${op.status} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    getMetafields(shop, ownerId) {
      const byOwner = shopOrThrow(shop).metafields;
      const owners = !ownerId ? [...byOwner.values()] : [byOwner.get(ownerId) ?? new Map()];
      return owners.flatMap((owned) => [...owned.values()]);
    },
    getTags: (shop, ownerId) => [...(shopOrThrow(shop).tags.get(ownerId) ?? [])],
    getDiscounts: (shop) => [...shopOrThrow(shop).discounts.values()],
    getSegments: (shop) => [...shopOrThrow(shop).segments.values()],
    getMetafieldDefinitions: (shop) => [...shopOrThrow(shop).metafieldDefinitions.values()],
    getFlowTriggerCalls: (shop) => [...shopOrThrow(shop).flowTriggerCalls],
    registerFlowTrigger(trigger) {
      const definition = typeof trigger === "string" ? { handle: trigger } : trigger;
      state.flowTriggers.set(definition.handle, definition);
    },
    stagedUploads: (shop) => [...state.uploads.uploads.values()].filter((u) => !shop || u.shop === shop),
    products: (shop) => [...(shopProducts(shopOrThrow(shop))?.values() ?? [])],
    addProduct: (shop, input) => addProduct(state, shopOrThrow(shop), input),
    setProduct: (shop, id, patch, options) => patchProduct(state, shopOrThrow(shop), id, patch, options),
    deleteProduct: (shop, id, options) => removeProduct(state, shopOrThrow(shop), id, options),
    get requests() {
      return state.requests;
    },
    clearRequests() {
      state.requests.length = 0;
    },
    get webhookDeliveries() {
      return state.webhookDeliveries;
    },
    setWebhookTarget(target) {
      state.webhookTarget = target;
    },
    sendWebhook(message, target) {
      const to = target ?? state.webhookTarget;
      if (!to) return Promise.reject(new Error("no webhook target: start the double with `webhooks: { appUrl, apiSecret }`"));
      return deliverWebhook(state, message, to);
    },
    webhooksSettled: () => webhooksSettled(state),
  };
}
