// What the acknowledging route refuses, and that a refused delivery leaves nothing behind.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../support/app-under-test";
import { orderPayload } from "../support/payloads";
import { sendWebhook } from "../support/webhooks";

const SHOP = "rejections.myshopify.com";
let app: Awaited<ReturnType<typeof startApp>>;

beforeAll(async () => {
  // No workers: whatever a request queues stays visible in Redis.
  app = await startApp({ workers: false });
});
afterAll(async () => {
  await app?.stop();
});

async function queued() {
  const counts = await app.queues().ingest.getJobCounts("waiting", "active", "delayed", "completed", "failed");
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

describe("the webhook route", () => {
  it("answers 401 to a forged HMAC and queues and writes nothing", async () => {
    const before = await queued();
    const r = await sendWebhook(app.baseUrl, {
      topic: "orders/create",
      shop: SHOP,
      body: orderPayload({ id: 1 }),
      secret: "not-the-app-secret",
    });
    expect(r.status).toBe(401);
    const tampered = await sendWebhook(app.baseUrl, {
      topic: "orders/create",
      shop: SHOP,
      body: orderPayload({ id: 2 }),
      hmac: Buffer.alloc(32, 7).toString("base64"),
    });
    expect(tampered.status).toBe(401);
    expect(await queued()).toBe(before);
    expect(await app.db.order.count()).toBe(0);
    expect(await app.db.shop.count()).toBe(0);
  });

  it("answers 400 with a reason to malformed JSON", async () => {
    const r = await sendWebhook(app.baseUrl, { topic: "orders/create", shop: SHOP, body: null, rawBody: '{"id": 1, "total_price": ' });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/not valid JSON/);
  });

  it("answers 400 naming the missing or wrong fields", async () => {
    const body = orderPayload({ id: 3 });
    delete body.updated_at;
    body.currency = 12;
    const r = await sendWebhook(app.baseUrl, { topic: "orders/create", shop: SHOP, body });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/updated_at/);
    expect(r.text).toMatch(/currency/);
    const refund = await sendWebhook(app.baseUrl, { topic: "refunds/create", shop: SHOP, body: { id: 5 } });
    expect(refund.status).toBe(400);
    expect(refund.text).toMatch(/order_id/);
  });

  it("answers 400 to an amount with more decimals than the currency has", async () => {
    const r = await sendWebhook(app.baseUrl, { topic: "orders/create", shop: SHOP, body: orderPayload({ id: 4, total: "10.005" }) });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/more decimals/);
  });

  it("answers 404 to a topic the app does not handle", async () => {
    const r = await sendWebhook(app.baseUrl, { topic: "inventory_levels/update", shop: SHOP, body: { id: 1 } });
    expect(r.status).toBe(404);
    expect(r.text).toMatch(/inventory_levels\/update/);
  });

  it("answers 400 when the URL and the signed topic disagree", async () => {
    const r = await sendWebhook(app.baseUrl, {
      topic: "orders/create",
      shop: SHOP,
      body: orderPayload({ id: 5 }),
      path: "/webhooks/orders/updated",
    });
    expect(r.status).toBe(400);
  });

  it("answers 400 to a missing Shopify header and 405 to GET", async () => {
    const r = await sendWebhook(app.baseUrl, {
      topic: "orders/create",
      shop: SHOP,
      body: orderPayload({ id: 6 }),
      omitHeaders: ["X-Shopify-Webhook-Id"],
    });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/x-shopify-webhook-id/i);
    const get = await fetch(`${app.baseUrl}/webhooks/orders/create`);
    expect(get.status).toBe(405);
  });

  it("queues a valid delivery once, keyed by its event id", async () => {
    const before = await queued();
    const body = orderPayload({ id: 7, customerId: 70 });
    for (let i = 0; i < 3; i++) {
      expect((await sendWebhook(app.baseUrl, { topic: "orders/create", shop: SHOP, body, eventId: "evt-7" })).status).toBe(200);
    }
    expect(await queued()).toBe(before + 1);
    expect(await app.db.order.count()).toBe(0); // the route itself writes nothing
  });
});

describe("the Remix route (what `shopify app dev` serves; production takes the server's direct path)", () => {
  it("verifies, validates and queues through Remix's request handler", async () => {
    const { createRequestHandler } = await import("@remix-run/node");
    const { pathToFileURL } = await import("node:url");
    const build = await import(pathToFileURL(`${process.cwd()}/build/server/index.js`).href);
    const handle = createRequestHandler(build, "production");
    const { webhookRequest } = await import("../support/webhooks");
    const before = await queued();
    const ok = webhookRequest("http://app.test", { topic: "orders/create", shop: SHOP, body: orderPayload({ id: 900, customerId: 9 }) });
    expect((await handle(new Request(ok.url, ok.init))).status).toBe(200);
    expect(await queued()).toBe(before + 1);
    const forged = webhookRequest("http://app.test", {
      topic: "orders/create",
      shop: SHOP,
      body: orderPayload({ id: 901 }),
      secret: "wrong",
    });
    const response = await handle(new Request(forged.url, forged.init));
    expect(response.status).toBe(401);
    expect(await queued()).toBe(before + 1);
  });
});
