// The pipeline's behaviour, run against each database: webhook → queue → worker → database, through
// the built app over real HTTP with real Redis.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { startApp } from "./app-under-test";
import { orderPayload, refundPayload } from "./payloads";
import { installShops } from "./shops";
import { sendWebhook } from "./webhooks";

export function pipelineSuite(start: () => ReturnType<typeof startApp>) {
  const SHOP = "pipeline-shop.myshopify.com";
  let app: Awaited<ReturnType<typeof startApp>>;

  beforeAll(async () => {
    app = await start();
    await installShops(app.db, [SHOP, "shop-a.myshopify.com", "shop-b.myshopify.com"]);
  });
  afterAll(async () => {
    await app?.stop();
  });

  const value = (customerId: string, shop = SHOP) => app.db.customerValue.findUnique({ where: { shop_customerId: { shop, customerId } } });

  describe("orders/create", () => {
    it("stores Shopify's sample order once and updates its customer's value", async () => {
      const { readFileSync } = await import("node:fs");
      const body = JSON.parse(readFileSync("test/fixtures/shopify/order.json", "utf8"));
      const response = await sendWebhook(app.baseUrl, { topic: "orders/create", shop: SHOP, body });
      expect(response.status).toBe(200);
      await app.drained();

      const order = await app.db.order.findUnique({ where: { shop_id: { shop: SHOP, id: "1073459981" } } });
      expect(order).toMatchObject({
        customerId: "1073339475",
        totalMinor: 18109n,
        currencyCode: "USD",
        financialStatus: "paid",
        test: false,
      });
      expect(await app.db.lineItem.count({ where: { shop: SHOP, orderId: "1073459981" } })).toBe(body.line_items.length);
      expect(await value("1073339475")).toMatchObject({ orderCount: 1, netRevenueMinor: 18109n, aovMinor: 18109n });
      expect(await app.db.webhookDelivery.count({ where: { shop: SHOP, topic: "orders/create" } })).toBe(1);
    });

    it("counts a delivery sent three times once", async () => {
      const body = orderPayload({ id: 2001, customerId: 501, total: "40.00" });
      for (let i = 0; i < 3; i++) {
        const r = await sendWebhook(app.baseUrl, {
          topic: "orders/create",
          shop: SHOP,
          body,
          eventId: "event-2001",
          webhookId: `hook-${i}`,
        });
        expect(r.status).toBe(200);
      }
      // Shopify may also change the ids between retries: the order's own version still dedupes it.
      await sendWebhook(app.baseUrl, { topic: "orders/create", shop: SHOP, body });
      await app.drained();
      expect(await app.db.order.count({ where: { shop: SHOP, id: "2001" } })).toBe(1);
      expect(await value("501")).toMatchObject({ orderCount: 1, netRevenueMinor: 4000n });
    });

    it("keeps numeric ids above 2^53 digit for digit", async () => {
      const raw = JSON.stringify(orderPayload({ id: 1, customerId: 1, total: "5.00" }))
        .replace('"id":1,', '"id":9007199254740993123,')
        .replace(/"customer":\{"id":1,/, '"customer":{"id":9007199254740993777,');
      const r = await sendWebhook(app.baseUrl, { topic: "orders/create", shop: SHOP, body: null, rawBody: raw });
      expect(r.status).toBe(200);
      await app.drained();
      const order = await app.db.order.findUnique({ where: { shop_id: { shop: SHOP, id: "9007199254740993123" } } });
      expect(order?.customerId).toBe("9007199254740993777");
    });
  });

  describe("reordering", () => {
    it("applies orders/updated that arrives before orders/create, and keeps the newest state", async () => {
      const created = orderPayload({ id: 3001, customerId: 601, total: "100.00", createdAt: "2025-05-01T10:00:00Z" });
      const updated = orderPayload({
        id: 3001,
        customerId: 601,
        total: "80.00",
        createdAt: "2025-05-01T10:00:00Z",
        updatedAt: "2025-05-02T10:00:00Z",
      });
      expect((await sendWebhook(app.baseUrl, { topic: "orders/updated", shop: SHOP, body: updated })).status).toBe(200);
      await app.drained();
      expect((await sendWebhook(app.baseUrl, { topic: "orders/create", shop: SHOP, body: created })).status).toBe(200);
      await app.drained();
      const order = await app.db.order.findUnique({ where: { shop_id: { shop: SHOP, id: "3001" } } });
      expect(order?.totalMinor).toBe(8000n);
      expect(await value("601")).toMatchObject({ orderCount: 1, netRevenueMinor: 8000n });
    });

    it("ignores an older update that arrives after a newer one", async () => {
      const v = (updatedAt: string, total: string) =>
        orderPayload({ id: 3002, customerId: 602, total, createdAt: "2025-05-01T10:00:00Z", updatedAt });
      await sendWebhook(app.baseUrl, { topic: "orders/create", shop: SHOP, body: v("2025-05-01T10:00:00Z", "50.00") });
      await sendWebhook(app.baseUrl, { topic: "orders/updated", shop: SHOP, body: v("2025-05-03T10:00:00Z", "70.00") });
      await app.drained();
      await sendWebhook(app.baseUrl, { topic: "orders/updated", shop: SHOP, body: v("2025-05-02T10:00:00Z", "60.00") });
      await app.drained();
      const order = await app.db.order.findUnique({ where: { shop_id: { shop: SHOP, id: "3002" } } });
      expect(order?.totalMinor).toBe(7000n);
      expect((await value("602"))?.netRevenueMinor).toBe(7000n);
    });
  });

  describe("net revenue", () => {
    it("subtracts refunds, including one that arrives before its order", async () => {
      await sendWebhook(app.baseUrl, {
        topic: "refunds/create",
        shop: SHOP,
        body: refundPayload({ id: 9001, orderId: 4001, amount: "15.50" }),
      });
      await app.drained();
      expect(await app.db.refund.count({ where: { shop: SHOP, orderId: "4001" } })).toBe(1);

      await sendWebhook(app.baseUrl, {
        topic: "orders/create",
        shop: SHOP,
        body: orderPayload({ id: 4001, customerId: 701, total: "100.00" }),
      });
      await sendWebhook(app.baseUrl, {
        topic: "orders/create",
        shop: SHOP,
        body: orderPayload({ id: 4002, customerId: 701, total: "20.00" }),
      });
      await app.drained();
      expect(await value("701")).toMatchObject({
        orderCount: 2,
        grossMinor: 12000n,
        refundedMinor: 1550n,
        netRevenueMinor: 10450n,
        aovMinor: 5225n,
      });

      await sendWebhook(app.baseUrl, {
        topic: "refunds/create",
        shop: SHOP,
        body: refundPayload({ id: 9002, orderId: 4002, amount: "20.00" }),
      });
      // the same refund again, and embedded in an orders/updated: still counted once
      await sendWebhook(app.baseUrl, {
        topic: "refunds/create",
        shop: SHOP,
        body: refundPayload({ id: 9002, orderId: 4002, amount: "20.00" }),
      });
      await app.drained();
      expect(await value("701")).toMatchObject({ orderCount: 2, netRevenueMinor: 8450n });
    });

    it("excludes cancelled and test orders", async () => {
      await sendWebhook(app.baseUrl, {
        topic: "orders/create",
        shop: SHOP,
        body: orderPayload({ id: 5001, customerId: 801, total: "30.00" }),
      });
      await sendWebhook(app.baseUrl, {
        topic: "orders/create",
        shop: SHOP,
        body: orderPayload({ id: 5002, customerId: 801, total: "45.00" }),
      });
      await sendWebhook(app.baseUrl, {
        topic: "orders/create",
        shop: SHOP,
        body: orderPayload({ id: 5003, customerId: 801, total: "99.00", test: true }),
      });
      await app.drained();
      expect(await value("801")).toMatchObject({ orderCount: 2, netRevenueMinor: 7500n });

      const cancelled = orderPayload({
        id: 5002,
        customerId: 801,
        total: "45.00",
        updatedAt: "2025-06-01T00:00:00Z",
        cancelledAt: "2025-06-01T00:00:00Z",
      });
      await sendWebhook(app.baseUrl, { topic: "orders/cancelled", shop: SHOP, body: cancelled });
      await app.drained();
      expect(await value("801")).toMatchObject({ orderCount: 1, netRevenueMinor: 3000n });
    });
  });

  describe("concurrency", () => {
    it("gives exact totals for 50 simultaneous orders of one customer", async () => {
      const deliveries = Array.from({ length: 50 }, (_, i) =>
        sendWebhook(app.baseUrl, {
          topic: "orders/create",
          shop: SHOP,
          body: orderPayload({
            id: 6000 + i,
            customerId: 901,
            total: `${i + 1}.01`,
            createdAt: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
          }),
        }),
      );
      // and a few redeliveries in the same burst
      deliveries.push(
        sendWebhook(app.baseUrl, {
          topic: "orders/create",
          shop: SHOP,
          body: orderPayload({ id: 6000, customerId: 901, total: "1.01", createdAt: new Date(Date.UTC(2025, 0, 1)).toISOString() }),
        }),
      );
      const statuses = (await Promise.all(deliveries)).map((r) => r.status);
      expect(statuses.every((s) => s === 200)).toBe(true);
      await app.drained();
      const expected = Array.from({ length: 50 }, (_, i) => (i + 1) * 100 + 1).reduce((a, b) => a + b, 0);
      expect(await value("901")).toMatchObject({
        orderCount: 50,
        netRevenueMinor: BigInt(expected),
        firstOrderAt: new Date(Date.UTC(2025, 0, 1)),
        lastOrderAt: new Date(Date.UTC(2025, 0, 50)),
        tenureDays: 49,
      });
    });
  });

  describe("shop isolation", () => {
    it("never lets shop A's webhooks touch shop B's rows", async () => {
      const A = "shop-a.myshopify.com";
      const B = "shop-b.myshopify.com";
      await sendWebhook(app.baseUrl, {
        topic: "orders/create",
        shop: A,
        body: orderPayload({ id: 7001, customerId: 1001, total: "10.00" }),
      });
      await sendWebhook(app.baseUrl, {
        topic: "orders/create",
        shop: B,
        body: orderPayload({ id: 7001, customerId: 1001, total: "99.00" }),
      });
      await app.drained();
      await sendWebhook(app.baseUrl, {
        topic: "refunds/create",
        shop: A,
        body: refundPayload({ id: 9101, orderId: 7001, amount: "10.00" }),
      });
      await app.drained();
      expect((await value("1001", A))?.netRevenueMinor).toBe(0n);
      expect((await value("1001", B))?.netRevenueMinor).toBe(9900n);
      expect(await app.db.refund.count({ where: { shop: B } })).toBe(0);
    });
  });
}
