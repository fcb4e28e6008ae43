// Everything a running double knows, in one object that the request handlers and the control API share:
// the shops (by token for API requests, by domain for control), the settings new shops start with,
// pending injected faults and download cuts, the request log, webhooks sent, and the bulk operations.
import { BulkManager } from "./bulk";
import { executeOperation } from "./execute";
import type { Variables } from "./graphql-lite/index";
import { DEFAULT_COSTS, type FlowTriggerDefinition, type ResolveContext } from "./operations/index";
import { prepareOperation } from "./prepare";
import { StagedUploadStore } from "./staged-uploads";
import {
  createShopState,
  type BulkSettings,
  type CostTable,
  type RequestLogEntry,
  type ShopInput,
  type ShopState,
  type ThrottleDefaults,
  type WebhookDelivery,
} from "./state";
import { sendWebhook, type WebhookMessage, type WebhookTarget } from "./webhooks";

export interface AdminApiDoubleOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  shops?: ShopInput[];
  throttle?: {
    maximumAvailable?: number;
    restoreRate?: number;
    /** A flat cost for every request, or costs per root field / operation name with a `default`. */
    cost?: number | Partial<CostTable>;
    /** Single-query ceiling (Shopify: 1000). */
    maxQueryCost?: number;
  };
  bulk?: Partial<BulkSettings>;
  /** Where bulk_operations/finish (and demo order webhooks) are sent. */
  webhooks?: WebhookTarget;
  /** Directory for generated bulk files. Default: a fresh temporary directory, removed on close. */
  dataDir?: string;
  /** The app's id, used in `$app` metafield namespaces (app--<id>). */
  appId?: string;
  /** Keep at most this many request log entries. Default 10,000. */
  requestLogLimit?: number;
  /** The app's Flow trigger extensions (flowTriggerReceive refuses other handles). */
  flowTriggers?: (string | FlowTriggerDefinition)[];
  /** Largest staged upload accepted. Default 20 MB (a Shopify staff figure for bulk mutation variables). */
  maxUploadBytes?: number;
}

/** HTTP statuses, a dropped ("reset") or hung ("timeout") connection, or Shopify's HTTP 200 INTERNAL_SERVER_ERROR. */
export type InjectedStatus = 429 | 500 | 502 | 503 | 504 | "reset" | "timeout" | "internal-error";

export interface FailNextOptions {
  status: InjectedStatus;
  /** How many requests fail this way. Default 1. */
  count?: number;
  /** Retry-After header in seconds (429 default 2.0; 503 none unless given). */
  retryAfter?: number;
  /** Only requests of this shop. */
  shop?: string;
  /** "timeout": how long to hold the request before dropping the connection. Default 10 s. */
  delayMs?: number;
  /** Only GraphQL requests with this root field (e.g. "discountCodeBasicCreate"), checked once the request is parsed. */
  rootField?: string;
  /** Run the request (its writes stay) and then answer with the fault: the response is lost, the effect is not. */
  afterExecute?: boolean;
  /** "upload": the staged-upload endpoint. Default "graphql". */
  route?: "graphql" | "upload";
}

export interface PendingFault extends FailNextOptions {
  remaining: number;
}

export interface DownloadCut {
  /** Body bytes sent before the connection is dropped. */
  bytes: number;
  remaining: number;
}

export interface DoubleState {
  readonly appId: string;
  /** http://host:port, known once the server listens. */
  origin: string;
  /** What shops added later start with (setThrottle / setBulk without a shop change them too). */
  readonly throttleDefaults: ThrottleDefaults;
  readonly bulkDefaults: BulkSettings;
  readonly shopsByToken: Map<string, ShopState>;
  readonly shopsByDomain: Map<string, ShopState>;
  readonly faults: PendingFault[];
  readonly downloadCuts: DownloadCut[];
  readonly requests: RequestLogEntry[];
  readonly requestLogLimit: number;
  requestSeq: number;
  /** The last id handed out for a created object (metafields…); ids look like Shopify's 10-digit ones. */
  objectSeq: number;
  webhookTarget: WebhookTarget | null;
  readonly webhookDeliveries: WebhookDelivery[];
  readonly pendingWebhooks: Set<Promise<unknown>>;
  readonly bulk: BulkManager;
  readonly uploads: StagedUploadStore;
  /** Flow trigger handles of the app's extensions. */
  readonly flowTriggers: Map<string, FlowTriggerDefinition>;
}

export function createDoubleState(options: AdminApiDoubleOptions, dataDir: string): DoubleState {
  const throttleDefaults: ThrottleDefaults = {
    maximumAvailable: options.throttle?.maximumAvailable ?? 2000,
    restoreRate: options.throttle?.restoreRate ?? 100,
    costs: { ...DEFAULT_COSTS },
    flatCost: null,
    maxQueryCost: options.throttle?.maxQueryCost ?? 1000,
  };
  applyCost(throttleDefaults, options.throttle?.cost);
  const state: DoubleState = {
    appId: options.appId ?? "1234567",
    origin: "",
    throttleDefaults,
    bulkDefaults: {
      runningAfterMs: options.bulk?.runningAfterMs ?? 20,
      completeAfterMs: options.bulk?.completeAfterMs ?? 150,
      maxConcurrent: options.bulk?.maxConcurrent ?? null,
      mutationLinesPerSecond: options.bulk?.mutationLinesPerSecond ?? null,
    },
    shopsByToken: new Map(),
    shopsByDomain: new Map(),
    faults: [],
    downloadCuts: [],
    requests: [],
    requestLogLimit: options.requestLogLimit ?? 10_000,
    requestSeq: 0,
    objectSeq: 3_000_000_000,
    webhookTarget: options.webhooks ?? null,
    webhookDeliveries: [],
    pendingWebhooks: new Set(),
    bulk: new BulkManager({
      origin: () => state.origin,
      dataDir,
      onFinish: (op, shop) => {
        if (!state.webhookTarget) return;
        const body = BulkManager.finishPayload(op, shop.ianaTimezone);
        void deliverWebhook(state, { topic: "bulk_operations/finish", shop: shop.shop, body }, state.webhookTarget);
      },
      runMutationLine: (shop, mutation, variables, apiVersion) => runMutationLine(state, shop, mutation, variables, apiVersion),
    }),
    uploads: new StagedUploadStore({ dataDir, origin: () => state.origin, maxBytes: options.maxUploadBytes ?? 20 * 1024 * 1024 }),
    flowTriggers: new Map(
      (options.flowTriggers ?? []).map((t) => (typeof t === "string" ? { handle: t } : t)).map((t) => [t.handle, t] as const),
    ),
  };
  for (const shop of options.shops ?? []) addShop(state, shop);
  return state;
}

/** What a resolver may use: the shop, the API version, and the double's shared services. */
export function resolveContext(state: DoubleState, shop: ShopState, apiVersion: string): ResolveContext {
  return {
    shop,
    apiVersion,
    bulk: state.bulk,
    appId: state.appId,
    newId: () => ++state.objectSeq,
    origin: state.origin,
    uploads: state.uploads,
    flowTriggers: state.flowTriggers,
  };
}

/** One line of a bulk mutation: the mutation run with the line's variables, its answer as a result line. */
async function runMutationLine(
  state: DoubleState,
  shop: ShopState,
  mutation: string,
  variables: Variables,
  apiVersion: string,
): Promise<Record<string, unknown>> {
  const { errors, prepared } = prepareOperation(mutation, undefined, variables);
  if (errors || !prepared) return { errors };
  const answer = await executeOperation(prepared, resolveContext(state, shop, apiVersion));
  return answer.errors.length > 0 ? { data: answer.data, errors: answer.errors } : { data: answer.data };
}

/** Adds a shop, or replaces the one with the same domain (its old token stops working). */
export function addShop(state: DoubleState, input: ShopInput): void {
  const shop = createShopState(input, state.throttleDefaults, state.bulkDefaults);
  const previous = state.shopsByDomain.get(shop.shop);
  if (previous) state.shopsByToken.delete(previous.accessToken);
  state.shopsByDomain.set(shop.shop, shop);
  state.shopsByToken.set(shop.accessToken, shop);
}

/** A number is a flat cost per request; a table gives costs per root field or operation name. */
export function applyCost(target: { costs: CostTable; flatCost: number | null }, cost: number | Partial<CostTable> | undefined): void {
  if (cost === undefined) return;
  if (typeof cost === "number") target.flatCost = cost;
  else {
    target.flatCost = null;
    target.costs = { ...target.costs, ...cost } as CostTable;
  }
}

export function logRequest(state: DoubleState, entry: Omit<RequestLogEntry, "seq" | "at">): void {
  state.requests.push({ seq: ++state.requestSeq, at: new Date().toISOString(), ...entry });
  if (state.requests.length > state.requestLogLimit) state.requests.splice(0, state.requests.length - state.requestLogLimit);
}

/** Sends a webhook, records its deliveries, and keeps the promise until it settles (for webhooksSettled / close). */
export function deliverWebhook(state: DoubleState, message: WebhookMessage, target: WebhookTarget): Promise<WebhookDelivery[]> {
  const sending = sendWebhook(target, message, (d) => state.webhookDeliveries.push(d));
  state.pendingWebhooks.add(sending);
  void sending.finally(() => state.pendingWebhooks.delete(sending));
  return sending;
}

export async function webhooksSettled(state: DoubleState): Promise<void> {
  while (state.pendingWebhooks.size > 0) await Promise.allSettled([...state.pendingWebhooks]);
}
