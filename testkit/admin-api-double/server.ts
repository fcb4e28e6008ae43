// A local stand-in for the Shopify Admin GraphQL API, for tests and the demo.
//
//   const double = await startAdminApiDouble({ shops: [{ shop: "demo.myshopify.com", accessToken: "T", synthetic: { orders: 5000 } }] });
//   process.env.SHOPIFY_ADMIN_API_ORIGIN = double.origin;  // the app's gateway then talks to it
//   double.control.failNext({ status: 503, count: 2 });
//   await double.close();
//
// Routes: POST /admin/api/<version>/graphql.json (token in X-Shopify-Access-Token), GET /bulk/<n>.jsonl
// (Range: bytes=N- supported), and the control API under /__control/* (see control.ts).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createReadStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { once } from "node:events";
import { randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import type { AddressInfo, Socket } from "node:net";
import { BulkManager } from "./bulk";
import { handleControlRequest } from "./control";
import {
  GraphqlSyntaxError,
  parse,
  project,
  rootFields,
  validate,
  argumentsOf,
  valueOf,
  type DocumentNode,
  type GraphqlError,
  type OperationNode,
} from "./graphql-lite";
import { FieldError, REQUIRED_ARGUMENTS, RESOLVERS, SCHEMA, type ResolveContext } from "./operations";
import {
  createShopState,
  DEFAULT_COSTS,
  type BulkFailure,
  type BulkOperationRecord,
  type BulkSettings,
  type CostTable,
  type RequestLogEntry,
  type ShopInput,
  type ShopState,
  type StoredMetafield,
  type ThrottleDefaults,
  type WebhookDelivery,
} from "./state";
import type { ThrottleStatus } from "./throttle";
import { sendWebhook, type WebhookMessage, type WebhookTarget } from "./webhooks";

export type { ShopInput, RequestLogEntry, WebhookDelivery, StoredMetafield, BulkOperationRecord, BulkFailure } from "./state";
export type { WebhookTarget, WebhookMessage } from "./webhooks";

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
}

export type InjectedStatus = 429 | 500 | 502 | 503 | 504 | "reset" | "timeout";

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
}

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

export interface AdminApiDoubleControl {
  addShop(input: ShopInput): void;
  removeShop(shop: string): void;
  shops(): { shop: string; accessToken: string; scopes: string[]; currencyCode: string; ianaTimezone: string; bulkFile: string | null }[];
  setScopes(shop: string, scopes: string[]): void;
  setThrottle(update: ThrottleUpdate): void;
  throttleStatus(shop: string): ThrottleStatus;
  failNext(options: FailNextOptions): void;
  clearFailures(): void;
  /** The next `times` (default 1) bulk downloads stop after `bytes` bytes of body: the connection is dropped. */
  cutBulkDownloadAfter(bytes: number, options?: { times?: number }): void;
  setBulk(update: BulkUpdate): void;
  bulkOperations(shop?: string): ReturnType<typeof publicBulk>[];
  /** Resolves when the operation reaches a final status (COMPLETED, FAILED, CANCELED). */
  waitForBulkOperation(id: string, timeoutMs?: number): Promise<ReturnType<typeof publicBulk>>;
  getMetafields(shop: string, ownerId?: string): StoredMetafield[];
  getTags(shop: string, ownerId: string): string[];
  readonly requests: RequestLogEntry[];
  clearRequests(): void;
  readonly webhookDeliveries: WebhookDelivery[];
  setWebhookTarget(target: WebhookTarget | null): void;
  /** Sends a signed webhook (e.g. orders/create) to the configured app, or to `target`. */
  sendWebhook(message: WebhookMessage, target?: WebhookTarget): Promise<WebhookDelivery[]>;
  /** Resolves when every webhook started so far has been delivered (or given up). */
  webhooksSettled(): Promise<void>;
}

export interface AdminApiDouble {
  origin: string;
  port: number;
  control: AdminApiDoubleControl;
  close(): Promise<void>;
}

function publicBulk(op: BulkOperationRecord) {
  const { timers: _timers, wake: _wake, failure: _failure, ...rest } = op;
  return rest;
}

/** A number is a flat cost per request; a table gives costs per root field or operation name. */
function applyCost(target: { costs: CostTable; flatCost: number | null }, cost: number | Partial<CostTable> | undefined): void {
  if (cost === undefined) return;
  if (typeof cost === "number") target.flatCost = cost;
  else {
    target.flatCost = null;
    target.costs = { ...target.costs, ...cost } as CostTable;
  }
}

const API_PATH = /^\/admin\/api\/([^/]+)\/graphql\.json$/;
const BULK_PATH = /^\/bulk\/(\d+)(\.partial)?\.jsonl$/;

export async function startAdminApiDouble(options: AdminApiDoubleOptions = {}): Promise<AdminApiDouble> {
  const ownsDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), "admin-api-double-"));
  const appId = options.appId ?? "1234567";
  let origin = "";
  const throttleDefaults: ThrottleDefaults = {
    maximumAvailable: options.throttle?.maximumAvailable ?? 2000,
    restoreRate: options.throttle?.restoreRate ?? 100,
    costs: { ...DEFAULT_COSTS },
    flatCost: null,
    maxQueryCost: options.throttle?.maxQueryCost ?? 1000,
  };
  applyCost(throttleDefaults, options.throttle?.cost);
  const bulkDefaults: BulkSettings = {
    runningAfterMs: options.bulk?.runningAfterMs ?? 20,
    completeAfterMs: options.bulk?.completeAfterMs ?? 150,
    maxConcurrent: options.bulk?.maxConcurrent ?? null,
  };
  const byToken = new Map<string, ShopState>();
  const byShop = new Map<string, ShopState>();
  const failures: (FailNextOptions & { remaining: number })[] = [];
  const cuts: { bytes: number; remaining: number }[] = [];
  const requests: RequestLogEntry[] = [];
  const deliveries: WebhookDelivery[] = [];
  const pendingWebhooks = new Set<Promise<unknown>>();
  const logLimit = options.requestLogLimit ?? 10_000;
  let webhookTarget: WebhookTarget | null = options.webhooks ?? null;
  let requestSeq = 0;

  const trackWebhook = (message: WebhookMessage, target: WebhookTarget): Promise<WebhookDelivery[]> => {
    const p = sendWebhook(target, message, (d) => deliveries.push(d));
    pendingWebhooks.add(p);
    void p.finally(() => pendingWebhooks.delete(p));
    return p;
  };

  const bulk = new BulkManager({
    origin: () => origin,
    dataDir,
    onFinish: (op, shop) => {
      if (!webhookTarget) return;
      void trackWebhook(
        { topic: "bulk_operations/finish", shop: shop.shop, body: BulkManager.finishPayload(op, shop.ianaTimezone) },
        webhookTarget,
      );
    },
  });

  const shopOrThrow = (shop: string): ShopState => {
    const state = byShop.get(shop);
    if (!state) throw new Error(`unknown shop ${shop}`);
    return state;
  };

  const control: AdminApiDoubleControl = {
    addShop(input) {
      const state = createShopState(input, throttleDefaults, bulkDefaults);
      const previous = byShop.get(state.shop);
      if (previous) byToken.delete(previous.accessToken);
      byShop.set(state.shop, state);
      byToken.set(state.accessToken, state);
    },
    removeShop(shop) {
      const state = byShop.get(shop);
      if (!state) return;
      byShop.delete(shop);
      byToken.delete(state.accessToken);
    },
    shops() {
      return [...byShop.values()].map((s) => ({
        shop: s.shop,
        accessToken: s.accessToken,
        scopes: s.scopes,
        currencyCode: s.currencyCode,
        ianaTimezone: s.ianaTimezone,
        bulkFile: s.bulkFile,
      }));
    },
    setScopes(shop, scopes) {
      shopOrThrow(shop).scopes = [...scopes];
    },
    setThrottle(update) {
      const targets = update.shop ? [shopOrThrow(update.shop)] : [...byShop.values()];
      if (!update.shop) {
        if (update.maximumAvailable !== undefined) throttleDefaults.maximumAvailable = update.maximumAvailable;
        if (update.restoreRate !== undefined) throttleDefaults.restoreRate = update.restoreRate;
        applyCost(throttleDefaults, update.cost);
        if (update.maxQueryCost !== undefined) throttleDefaults.maxQueryCost = update.maxQueryCost;
      }
      for (const s of targets) {
        s.bucket.configure({
          maximumAvailable: update.maximumAvailable,
          restoreRate: update.restoreRate,
          currentlyAvailable: update.currentlyAvailable,
        });
        applyCost(s, update.cost);
        if (update.maxQueryCost !== undefined) s.maxQueryCost = update.maxQueryCost;
      }
    },
    throttleStatus(shop) {
      return shopOrThrow(shop).bucket.status();
    },
    failNext(o) {
      failures.push({ ...o, remaining: o.count ?? 1 });
    },
    clearFailures() {
      failures.length = 0;
    },
    cutBulkDownloadAfter(bytes, o = {}) {
      cuts.push({ bytes, remaining: o.times ?? 1 });
    },
    setBulk(update) {
      const targets = update.shop ? [shopOrThrow(update.shop)] : [...byShop.values()];
      const { shop: _shop, failNext, ...settings } = update;
      const defined = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as Partial<BulkSettings>;
      if (!update.shop) Object.assign(bulkDefaults, defined);
      for (const s of targets) {
        Object.assign(s.bulk, defined);
        if (failNext) s.bulkFailNext.push(...(Array.isArray(failNext) ? failNext : [failNext]));
      }
    },
    bulkOperations(shop) {
      return bulk.list(shop).map(publicBulk);
    },
    async waitForBulkOperation(id, timeoutMs = 30_000) {
      const m = /(\d+)$/.exec(id);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const op = m ? bulk.byNumber(Number(m[1])) : null;
        if (!op) throw new Error(`no bulk operation ${id}`);
        if (!["CREATED", "RUNNING", "CANCELING"].includes(op.status)) return publicBulk(op);
        if (Date.now() > deadline) throw new Error(`bulk operation ${id} still ${op.status} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    getMetafields(shop, ownerId) {
      return [...shopOrThrow(shop).metafields.values()].filter((m) => !ownerId || m.ownerId === ownerId);
    },
    getTags(shop, ownerId) {
      return [...(shopOrThrow(shop).tags.get(ownerId) ?? [])];
    },
    get requests() {
      return requests;
    },
    clearRequests() {
      requests.length = 0;
    },
    get webhookDeliveries() {
      return deliveries;
    },
    setWebhookTarget(target) {
      webhookTarget = target;
    },
    sendWebhook(message, target) {
      const t = target ?? webhookTarget;
      if (!t) return Promise.reject(new Error("no webhook target: start the double with `webhooks: { appUrl, apiSecret }`"));
      return trackWebhook(message, t);
    },
    async webhooksSettled() {
      while (pendingWebhooks.size > 0) await Promise.allSettled([...pendingWebhooks]);
    },
  };

  for (const shop of options.shops ?? []) control.addShop(shop);

  const log = (entry: Omit<RequestLogEntry, "seq" | "at">) => {
    requests.push({ seq: ++requestSeq, at: new Date().toISOString(), ...entry });
    if (requests.length > logLimit) requests.splice(0, requests.length - logLimit);
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      console.error(`admin-api-double: ${req.method} ${req.url}: ${(error as Error).stack ?? error}`);
      if (!res.headersSent) json(res, 500, { errors: "Internal error in the Admin API double" });
      else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://double.local");
    res.setHeader("X-Request-Id", randomUUID());
    const api = API_PATH.exec(url.pathname);
    if (api) {
      res.setHeader("X-Shopify-API-Version", decodeURIComponent(api[1]));
      if (req.method !== "POST") return json(res, 405, { errors: "Method Not Allowed" });
      return handleGraphql(req, res, decodeURIComponent(api[1]));
    }
    const bulkMatch = BULK_PATH.exec(url.pathname);
    if (bulkMatch && (req.method === "GET" || req.method === "HEAD"))
      return serveBulk(req, res, Number(bulkMatch[1]), Boolean(bulkMatch[2]));
    if (url.pathname.startsWith("/__control/")) {
      return handleControlRequest(req, res, url, control, { readBody, json });
    }
    json(res, 404, { errors: "Not Found" });
  }

  async function handleGraphql(req: IncomingMessage, res: ServerResponse, apiVersion: string): Promise<void> {
    const token = req.headers["x-shopify-access-token"];
    const shop = typeof token === "string" ? (byToken.get(token) ?? null) : null;
    const base = {
      method: "POST",
      path: req.url ?? "",
      apiVersion,
      shop: shop?.shop ?? null,
      operationName: null,
      rootFields: [] as string[],
      requestedQueryCost: null,
      throttleStatus: null,
    };

    // Injected faults come first: they stand for trouble in front of the API.
    const fault = failures.find((f) => f.remaining > 0 && (!f.shop || f.shop === shop?.shop));
    if (fault) {
      fault.remaining--;
      if (fault.remaining <= 0) failures.splice(failures.indexOf(fault), 1);
      await drain(req);
      if (fault.status === "reset" || fault.status === "timeout") {
        log({ ...base, httpStatus: 0, outcome: `injected-${fault.status}` });
        if (fault.status === "timeout") await new Promise((r) => setTimeout(r, fault.delayMs ?? 10_000));
        req.socket.destroy();
        return;
      }
      log({ ...base, httpStatus: fault.status, outcome: `injected-${fault.status}` });
      const headers: Record<string, string> = {};
      if (fault.status === 429 || fault.retryAfter !== undefined) headers["Retry-After"] = (fault.retryAfter ?? 2).toFixed(1);
      const bodies: Record<number, unknown> = {
        429: { errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." },
        500: { errors: "Internal error. Looks like something went wrong on our end.\nRequest ID: " + res.getHeader("X-Request-Id") },
        502: { errors: "Bad Gateway" },
        503: { errors: "Service Unavailable" },
        504: { errors: "Gateway Timeout" },
      };
      return json(res, fault.status, bodies[fault.status], headers);
    }

    if (!shop) {
      await drain(req);
      log({ ...base, httpStatus: 401, outcome: "unauthorized" });
      return json(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    if (!/^(\d{4}-\d{2}|unstable)$/.test(apiVersion)) {
      await drain(req);
      log({ ...base, httpStatus: 404, outcome: "bad-request" });
      return json(res, 404, { errors: "Not Found" });
    }

    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    const raw = await readBody(req);
    try {
      const contentType = String(req.headers["content-type"] ?? "");
      body = contentType.includes("application/graphql") ? { query: raw.toString("utf8") } : JSON.parse(raw.toString("utf8"));
    } catch {
      body = {};
    }
    if (typeof body?.query !== "string" || body.query.trim() === "") {
      log({ ...base, httpStatus: 400, outcome: "bad-request" });
      return json(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    }
    const variables = (body.variables && typeof body.variables === "object" ? body.variables : {}) as Record<string, unknown>;

    let doc: DocumentNode;
    try {
      doc = parse(body.query);
    } catch (error) {
      if (!(error instanceof GraphqlSyntaxError)) throw error;
      log({ ...base, httpStatus: 200, outcome: "graphql-error" });
      return json(res, 200, { errors: [{ message: error.message, locations: [error.location] }] });
    }
    let operation: OperationNode | undefined;
    if (typeof body.operationName === "string" && body.operationName !== "")
      operation = doc.operations.find((o) => o.name === body.operationName);
    else if (doc.operations.length === 1) operation = doc.operations[0];
    if (!operation) {
      log({ ...base, httpStatus: 200, outcome: "graphql-error" });
      const message =
        typeof body.operationName === "string" && body.operationName !== ""
          ? `No operation named "${body.operationName}"`
          : "An operation name is required";
      return json(res, 200, { errors: [{ message }] });
    }
    const rootType = operation.operation === "mutation" ? "Mutation" : "QueryRoot";
    const fields = rootFields(doc, operation.selections, variables);
    const entry = { ...base, operationName: operation.name, rootFields: fields.map((f) => f.name), variables };

    const errors: GraphqlError[] = [];
    if (operation.operation === "subscription")
      errors.push({ message: "Subscriptions are not supported", extensions: { code: "undefinedType" } });
    errors.push(...validate(SCHEMA, doc, operation, rootType));
    const opPath = operation.name ? `${operation.operation} ${operation.name}` : operation.operation;
    for (const f of fields) {
      const missing = (REQUIRED_ARGUMENTS[f.name] ?? []).filter((a) => !(a in f.args));
      if (missing.length > 0 && SCHEMA.types[rootType][f.name]) {
        errors.push({
          message: `Field '${f.name}' is missing required arguments: ${missing.join(", ")}`,
          locations: [f.loc],
          path: [opPath, f.name],
          extensions: { code: "missingRequiredArguments", className: "Field", name: f.name, arguments: missing.join(", ") },
        });
      }
    }
    for (const v of operation.variables) {
      const given = variables[v.name];
      if (v.nonNull && (given === undefined || given === null) && !v.defaultValue) {
        errors.push({
          message: `Variable $${v.name} of type ${v.type} was provided invalid value`,
          locations: [operation.loc],
          extensions: { value: null, problems: [{ path: [], explanation: "Expected value to not be null" }] },
        });
      }
    }
    if (errors.length > 0) {
      log({ ...entry, httpStatus: 200, outcome: "graphql-error" });
      return json(res, 200, { errors });
    }
    for (const v of operation.variables)
      if (variables[v.name] === undefined && v.defaultValue) variables[v.name] = valueOf(v.defaultValue, {});

    // Cost and the leaky bucket.
    const named = operation.name !== null ? shop.costs[operation.name] : undefined;
    const requested = shop.flatCost ?? named ?? fields.reduce((sum, f) => sum + (shop.costs[f.name] ?? shop.costs.default), 0);
    if (requested > Math.min(shop.maxQueryCost, shop.bucket.current.maximumAvailable)) {
      const status = shop.bucket.status();
      const max = Math.min(shop.maxQueryCost, shop.bucket.current.maximumAvailable);
      log({ ...entry, httpStatus: 200, outcome: "graphql-error", requestedQueryCost: requested, throttleStatus: status });
      return json(res, 200, {
        errors: [
          {
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${max}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
            extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: max },
          },
        ],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: status } },
      });
    }
    const taken = shop.bucket.take(requested);
    if (!taken.ok) {
      log({ ...entry, httpStatus: 200, outcome: "throttled", requestedQueryCost: requested, throttleStatus: taken.status });
      return json(res, 200, {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: taken.status } },
      });
    }

    // Execute root fields in order (mutations serially, as GraphQL requires).
    const ctx: ResolveContext = { shop, apiVersion, bulk, appId };
    const data: Record<string, unknown> = {};
    for (const f of fields) {
      const key = f.alias ?? f.name;
      try {
        const resolver = RESOLVERS[rootType as "QueryRoot" | "Mutation"][f.name];
        const value = await resolver(argumentsOf(f, variables), ctx);
        data[key] = project(doc, value, f.selections, variables, SCHEMA);
      } catch (error) {
        if (!(error instanceof FieldError)) throw error;
        data[key] = null;
        errors.push({ message: error.message, locations: [f.loc], path: [key], extensions: error.extensions });
      }
    }
    const status = shop.bucket.status();
    const userErrors = Object.values(data).some(
      (v) =>
        v &&
        typeof v === "object" &&
        Array.isArray((v as { userErrors?: unknown[] }).userErrors) &&
        (v as { userErrors: unknown[] }).userErrors.length > 0,
    );
    log({
      ...entry,
      httpStatus: 200,
      outcome: errors.length ? "graphql-error" : userErrors ? "user-error" : "ok",
      requestedQueryCost: requested,
      throttleStatus: status,
    });
    const payload: Record<string, unknown> = {};
    if (errors.length) payload.errors = errors;
    payload.data = data;
    payload.extensions = { cost: { requestedQueryCost: requested, actualQueryCost: requested, throttleStatus: status } };
    json(res, 200, payload);
  }

  async function serveBulk(req: IncomingMessage, res: ServerResponse, n: number, partial: boolean): Promise<void> {
    const op = bulk.byNumber(n);
    const file = op?.filePath;
    const available = op && file && (partial ? op.partialDataUrl !== null : op.url !== null);
    if (!op || !file || !available) {
      res.writeHead(404, { "Content-Type": "application/xml; charset=UTF-8" });
      res.end(
        `<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>`,
      );
      return;
    }
    const size = partial ? (op.partialBytes ?? 0) : statSync(file).size;
    let start = 0;
    let end = size - 1;
    let status = 200;
    const range = req.headers.range;
    if (range) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      let ok = Boolean(m) && !(m![1] === "" && m![2] === "");
      if (ok && m) {
        if (m[1] === "") {
          // Suffix range: the last N bytes.
          start = Math.max(0, size - Number(m[2]));
        } else {
          start = Number(m[1]);
          if (m[2] !== "") end = Math.min(end, Number(m[2]));
        }
        ok = start < size && start <= end;
      }
      if (!ok) {
        res.writeHead(416, { "Content-Range": `bytes */${size}`, "Content-Type": "text/plain" });
        res.end("Requested range not satisfiable");
        return;
      }
      status = 206;
    }
    const length = size === 0 ? 0 : end - start + 1;
    const headers: Record<string, string | number> = {
      "Content-Type": "application/jsonl",
      "Content-Length": length,
      "Accept-Ranges": "bytes",
      "Content-Disposition": `attachment; filename="bulk-${op.n}.jsonl"`,
      ETag: `"${op.n}-${size}"`,
    };
    if (status === 206) headers["Content-Range"] = `bytes ${start}-${end}/${size}`;
    res.writeHead(status, headers);
    if (req.method === "HEAD" || length === 0) {
      res.end();
      return;
    }
    const cut = cuts.find((c) => c.remaining > 0);
    if (cut) {
      cut.remaining--;
      if (cut.remaining <= 0) cuts.splice(cuts.indexOf(cut), 1);
    }
    const sendUntil = cut ? Math.min(end, start + cut.bytes - 1) : end;
    if (sendUntil >= start) {
      for await (const chunk of createReadStream(file, { start, end: sendUntil })) {
        if (!res.write(chunk)) await once(res, "drain");
      }
    }
    if (cut && sendUntil < end) {
      // Let the bytes reach the client, then drop the connection mid-body.
      await new Promise<void>((r) => res.write(Buffer.alloc(0), () => r()));
      res.socket?.destroy();
      return;
    }
    res.end();
  }

  server.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  origin = `http://${options.host ?? "127.0.0.1"}:${port}`;

  return {
    origin,
    port,
    control,
    async close() {
      bulk.close();
      await control.webhooksSettled().catch(() => undefined);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function readBody(req: IncomingMessage, limit = 20 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) void _;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}
