// The control API over HTTP, for the CLI and the demo (tests use the in-process `control` object):
//
//   GET    /__control/shops                      shops and their tokens
//   POST   /__control/shops                      add a shop: ShopInput
//   POST   /__control/scopes                     { shop, scopes }
//   POST   /__control/throttle                   { shop?, maximumAvailable?, restoreRate?, currentlyAvailable?, cost? }
//   GET    /__control/throttle?shop=             the bucket now
//   POST   /__control/fail-next                  { status: 429|500|502|503|504|"reset"|"timeout", count?, retryAfter?, shop?, delayMs? }
//   DELETE /__control/fail-next                  clears injected faults
//   POST   /__control/cut-bulk-download          { bytes, times? }
//   POST   /__control/bulk                       { shop?, runningAfterMs?, completeAfterMs?, maxConcurrent?, failNext? }
//   GET    /__control/bulk-operations?shop=
//   GET    /__control/metafields?shop=&ownerId=
//   GET    /__control/tags?shop=&id=
//   GET    /__control/discounts?shop=            GET /segments?shop=   GET /metafield-definitions?shop=
//   GET    /__control/flow-triggers?shop=        calls accepted;  POST { handle, fields? } registers a trigger
//   GET    /__control/staged-uploads?shop=
//   GET    /__control/products?shop=             POST { shop, input } adds one
//   PATCH  /__control/products                   { shop, id, patch: { status?, publishedAt?, title?, inventoryQuantity? }, notify? }
//   DELETE /__control/products?shop=&id=&notify=true
//   GET    /__control/requests?since=<seq>       request log;  DELETE clears it
//   GET    /__control/webhooks                   deliveries made
//   POST   /__control/webhooks                   send a signed webhook: { shop, topic, body | rawBody, eventId?, webhookId? }
//   POST   /__control/webhook-target             { appUrl, apiSecret, apiVersion?, retries? } or null
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AdminApiDoubleControl, BulkUpdate, ThrottleUpdate } from "../control";
import type { ProductInput, ProductPatch } from "../catalog-control";
import type { FailNextOptions } from "../double-state";
import type { FlowTriggerDefinition } from "../operations/index";
import type { ShopInput } from "../state";
import type { WebhookMessage, WebhookTarget } from "../webhooks";
import { json, readBody } from "../http";

interface ControlRequest {
  control: AdminApiDoubleControl;
  query: (name: string) => string | undefined;
  /** The JSON body ({} when empty), as the caller says it is: the control API trusts its caller. */
  body: <T>() => Promise<T>;
}

const OK = { ok: true };

/** "<METHOD> <path under /__control>" → the answer (serialised as JSON, status 200). */
const ROUTES = new Map<string, (r: ControlRequest) => unknown>([
  ["GET /shops", ({ control }) => control.shops()],
  ["POST /shops", async ({ control, body }) => (control.addShop(await body<ShopInput>()), OK)],
  [
    "POST /scopes",
    async ({ control, body }) => {
      const b = await body<{ shop: string; scopes: string[] }>();
      control.setScopes(b.shop, b.scopes);
      return OK;
    },
  ],
  ["POST /throttle", async ({ control, body }) => (control.setThrottle(await body<ThrottleUpdate>()), OK)],
  ["GET /throttle", ({ control, query }) => control.throttleStatus(query("shop") ?? "")],
  ["POST /fail-next", async ({ control, body }) => (control.failNext(await body<FailNextOptions>()), OK)],
  ["DELETE /fail-next", ({ control }) => (control.clearFailures(), OK)],
  [
    "POST /cut-bulk-download",
    async ({ control, body }) => {
      const b = await body<{ bytes: number; times?: number }>();
      control.cutBulkDownloadAfter(Number(b.bytes), { times: b.times });
      return OK;
    },
  ],
  ["POST /bulk", async ({ control, body }) => (control.setBulk(await body<BulkUpdate>()), OK)],
  ["GET /bulk-operations", ({ control, query }) => control.bulkOperations(query("shop"))],
  ["GET /metafields", ({ control, query }) => control.getMetafields(query("shop") ?? "", query("ownerId"))],
  ["GET /tags", ({ control, query }) => control.getTags(query("shop") ?? "", query("id") ?? "")],
  ["GET /discounts", ({ control, query }) => control.getDiscounts(query("shop") ?? "")],
  ["GET /segments", ({ control, query }) => control.getSegments(query("shop") ?? "")],
  ["GET /metafield-definitions", ({ control, query }) => control.getMetafieldDefinitions(query("shop") ?? "")],
  ["GET /flow-triggers", ({ control, query }) => control.getFlowTriggerCalls(query("shop") ?? "")],
  ["POST /flow-triggers", async ({ control, body }) => (control.registerFlowTrigger(await body<FlowTriggerDefinition>()), OK)],
  ["GET /staged-uploads", ({ control, query }) => control.stagedUploads(query("shop"))],
  ["GET /products", ({ control, query }) => control.products(query("shop") ?? "")],
  [
    "POST /products",
    async ({ control, body }) => {
      const b = await body<{ shop: string; input: ProductInput }>();
      return control.addProduct(b.shop, b.input);
    },
  ],
  [
    "PATCH /products",
    async ({ control, body }) => {
      const b = await body<{ shop: string; id: string; patch: ProductPatch; notify?: boolean }>();
      return control.setProduct(b.shop, b.id, b.patch, { notify: b.notify });
    },
  ],
  [
    "DELETE /products",
    ({ control, query }) => control.deleteProduct(query("shop") ?? "", query("id") ?? "", { notify: query("notify") === "true" }),
  ],
  [
    "GET /requests",
    ({ control, query }) => {
      const since = Number(query("since") ?? 0);
      return control.requests.filter((r) => r.seq > since);
    },
  ],
  ["DELETE /requests", ({ control }) => (control.clearRequests(), OK)],
  ["GET /webhooks", ({ control }) => control.webhookDeliveries],
  [
    "POST /webhooks",
    async ({ control, body }) => {
      const b = await body<WebhookMessage>();
      return control.sendWebhook({
        shop: b.shop,
        topic: b.topic,
        body: b.body,
        rawBody: b.rawBody,
        eventId: b.eventId,
        webhookId: b.webhookId,
      });
    },
  ],
  [
    "POST /webhook-target",
    async ({ control, body }) => {
      const b = await body<WebhookTarget | null>();
      control.setWebhookTarget(b && b.appUrl ? b : null);
      return OK;
    },
  ],
]);

export async function handleControlRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  control: AdminApiDoubleControl,
): Promise<void> {
  const key = `${req.method} ${url.pathname.replace(/^\/__control/, "")}`;
  const route = ROUTES.get(key);
  if (!route) return json(res, 404, { error: `no control route ${key}` });
  const request: ControlRequest = {
    control,
    query: (name) => url.searchParams.get(name) ?? undefined,
    body: async <T>(): Promise<T> => {
      const raw = (await readBody(req)).toString("utf8");
      return (raw.trim() === "" ? {} : JSON.parse(raw)) as T;
    },
  };
  try {
    json(res, 200, await route(request));
  } catch (error) {
    json(res, 400, { error: (error as Error).message });
  }
}
