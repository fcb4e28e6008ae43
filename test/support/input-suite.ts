// "Acknowledged means storable", on each database: what the webhook route answers 200 to is written by
// the worker (PostgreSQL refuses NUL in text and years past 294276; JavaScript dates end at +275760), and
// what cannot be stored, or would make a customer's value wrong, is refused with 400 naming the field.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { startApp } from "./app-under-test";
import { orderPayload, refundPayload } from "./payloads";
import { installShop } from "./shops";
import { sendWebhook } from "./webhooks";

export function inputSuite(start: () => ReturnType<typeof startApp>) {
  const SHOP = "input-shop.myshopify.com";
  const UNKNOWN_CURRENCY = "currency-later.myshopify.com";
  let app: Awaited<ReturnType<typeof startApp>>;

  beforeAll(async () => {
    app = await start();
    await installShop(app.db, SHOP, { currencyCode: "USD" });
    await installShop(app.db, UNKNOWN_CURRENCY);
  });
  afterAll(async () => {
    await app?.stop();
  });

  const send = (topic: string, body: unknown, shop = SHOP) => sendWebhook(app.baseUrl, { topic, shop, body });
  const orderRow = (id: string, shop = SHOP) => app.db.order.findUnique({ where: { shop_id: { shop, id } } });
  const valueOf = (customerId: string, shop = SHOP) =>
    app.db.customerValue.findUnique({ where: { shop_customerId: { shop, customerId } } });

  describe("dates", () => {
    const refused = [
      "1",
      "2024",
      "2024-01-01",
      "2024-01-01T10:00:00", // no offset: which time is it?
      "2024-01-01 10:00:00Z",
      "2025-02-30T10:00:00Z",
      "2025-01-01T24:00:00Z",
      "+275760-09-13T00:00:00.000Z",
      "1969-12-31T23:59:59Z",
      "2101-01-01T00:00:00Z",
    ];
    for (const value of refused) {
      it(`answers 400 naming the field to ${JSON.stringify(value)}`, async () => {
        const order = orderPayload({ id: 10, customerId: 1, total: "1.00", updatedAt: value });
        const r = await send("orders/updated", order);
        expect(r.status).toBe(400);
        expect(r.text).toMatch(/updated_at/);
        const refund = await send("refunds/create", { ...refundPayload({ id: 11, orderId: 10, amount: "1.00" }), created_at: value });
        expect(refund.status).toBe(400);
        expect(refund.text).toMatch(/created_at/);
        const customer = await send("customers/update", { id: 1, email: "a@example.com", updated_at: value });
        expect(customer.status).toBe(400);
        expect(customer.text).toMatch(/updated_at/);
      });
    }

    it("stores the date-times it accepts, at the edges of the range and with offsets, exactly", async () => {
      const order = orderPayload({
        id: 20,
        customerId: 2,
        total: "3.00",
        createdAt: "1970-01-01T00:00:00Z",
        processedAt: "1970-01-01T05:45:00.5+05:45",
        updatedAt: "2100-12-31T23:59:59.999999-00:00",
        cancelledAt: null,
      });
      expect((await send("orders/create", order)).status).toBe(200);
      await app.drained();
      expect(await orderRow("20")).toMatchObject({
        shopifyCreatedAt: new Date(Date.UTC(1970, 0, 1)),
        processedAt: new Date(500),
        shopifyUpdatedAt: new Date(Date.UTC(2100, 11, 31, 23, 59, 59, 999)),
      });
    });
  });

  describe("text", () => {
    const withNul = [
      ["email", (o: Record<string, unknown>) => (o.email = "a\u0000b@example.com")],
      ["name", (o: Record<string, unknown>) => (o.name = "#1\u0000")],
      ["customer.first_name", (o: Record<string, unknown>) => ((o.customer as Record<string, unknown>).first_name = "Ann\u0000")],
      ["customer.tags", (o: Record<string, unknown>) => ((o.customer as Record<string, unknown>).tags = "a,\u0000")],
      ["line_items.0.title", (o: Record<string, unknown>) => ((o.line_items as Record<string, unknown>[])[0]!.title = "\u0000")],
      ["source_name", (o: Record<string, unknown>) => (o.source_name = "web\u0000")],
    ] as const;
    for (const [field, poison] of withNul) {
      it(`answers 400 naming ${field} when it holds a NUL character`, async () => {
        const order = orderPayload({ id: 30, customerId: 3, total: "1.00" });
        poison(order);
        const r = await send("orders/create", order);
        expect(r.status).toBe(400);
        expect(r.text).toContain(field);
        expect(r.text).toMatch(/NUL/);
      });
    }

    it("answers 400 naming the field to a lone surrogate (JSON can escape one; UTF-8 cannot encode it)", async () => {
      const order = orderPayload({ id: 32, customerId: 32, total: "1.00" });
      (order.customer as Record<string, unknown>).first_name = "Jo-lone-hn";
      const raw = JSON.stringify(order).replace('"Jo-lone-hn"', '"Jo\\ud800hn"');
      expect(raw).toContain("\\ud800");
      const r = await sendWebhook(app.baseUrl, { topic: "orders/create", shop: SHOP, body: null, rawBody: raw });
      expect(r.status).toBe(400);
      expect(r.text).toMatch(/customer\.first_name: must be valid Unicode/);
    });

    it("stores whatever other text it accepts: quotes, emoji, right-to-left, control characters", async () => {
      const order = orderPayload({ id: 31, customerId: 31, total: "1.00", email: 'o\'brien+"x"@example.com' });
      Object.assign(order.customer as object, {
        first_name: "Zoë 🎉 \u05e9\u05dc\u05d5\u05dd",
        last_name: "\ud83d\ude00 Ng",
        tags: "\u0001\u001f\u007f",
      });
      expect((await send("orders/create", order)).status).toBe(200);
      await app.drained();
      expect((await orderRow("31"))?.email).toBe('o\'brien+"x"@example.com');
      const customer = await app.db.customer.findUnique({ where: { shop_id: { shop: SHOP, id: "31" } } });
      expect(customer).toMatchObject({ firstName: "Zoë 🎉 \u05e9\u05dc\u05d5\u05dd", lastName: "😀 Ng", tags: "\u0001\u001f\u007f" });
    });
  });

  describe("numbers", () => {
    it("stores the largest amounts, ids and quantities it accepts", async () => {
      const raw = JSON.stringify(
        orderPayload({
          id: 1,
          customerId: 41,
          total: "90071992547409.91",
          lineItems: [{ id: 4100, productId: 1, quantity: 2_147_483_647, price: "90071992547409.91" }],
        }),
      ).replace('"id":1,', '"id":9223372036854775807,');
      expect((await sendWebhook(app.baseUrl, { topic: "orders/create", shop: SHOP, body: null, rawBody: raw })).status).toBe(200);
      await app.drained();
      expect(await orderRow("9223372036854775807")).toMatchObject({ totalMinor: 9007199254740991n });
      const item = await app.db.lineItem.findFirst({ where: { shop: SHOP, orderId: "9223372036854775807" } });
      expect(item).toMatchObject({ quantity: 2_147_483_647, priceMinor: 9007199254740991n });
    });

    it("answers 400 to a quantity a 32-bit integer column cannot hold", async () => {
      const order = orderPayload({
        id: 42,
        customerId: 42,
        lineItems: [{ id: 4200, productId: 1, quantity: 2_147_483_648, price: "1.00" }],
      });
      const r = await send("orders/create", order);
      expect(r.status).toBe(400);
      expect(r.text).toMatch(/line_items\.0\.quantity/);
    });
  });

  describe("money", () => {
    it("answers 400 naming the field to negative totals, prices and refunds", async () => {
      const negativeTotal = await send("orders/create", orderPayload({ id: 50, customerId: 5, total: "-10.00" }));
      expect(negativeTotal.status).toBe(400);
      expect(negativeTotal.text).toMatch(/total_price/);
      expect(negativeTotal.text).toMatch(/negative/);
      const negativePrice = await send(
        "orders/create",
        orderPayload({ id: 51, customerId: 5, total: "1.00", lineItems: [{ id: 5100, productId: 1, quantity: 1, price: "-1.00" }] }),
      );
      expect(negativePrice.status).toBe(400);
      expect(negativePrice.text).toMatch(/line_items\.0\.price/);
      const negativeRefund = await send("refunds/create", refundPayload({ id: 52, orderId: 50, amount: "-5.00" }));
      expect(negativeRefund.status).toBe(400);
      expect(negativeRefund.text).toMatch(/transactions\.0\.amount/);
      await app.drained();
      expect(await app.db.order.count({ where: { shop: SHOP, id: { in: ["50", "51"] } } })).toBe(0);
    });

    /** An order whose shop money is in another currency than the shop's. */
    function euroOrder(id: number, customerId: number) {
      const order = orderPayload({ id, customerId, total: "20.00" });
      order.currency = "EUR";
      const set = order.total_price_set as { shop_money: { currency_code: string }; presentment_money: { currency_code: string } };
      set.shop_money.currency_code = "EUR";
      set.presentment_money.currency_code = "EUR";
      order.line_items = [];
      return order;
    }

    it("stores an order in another currency than the shop's, flagged, and never adds it to the customer's value", async () => {
      expect((await send("orders/create", orderPayload({ id: 60, customerId: 6, total: "10.00" }))).status).toBe(200);
      expect((await send("orders/create", euroOrder(61, 6))).status).toBe(200);
      await app.drained();
      expect(await orderRow("61")).toMatchObject({ currencyCode: "EUR", totalMinor: 2000n, currencyMismatch: true });
      expect(await orderRow("60")).toMatchObject({ currencyMismatch: false });
      expect(await valueOf("6")).toMatchObject({ orderCount: 1, grossMinor: 1000n, netRevenueMinor: 1000n });
    });

    it("flags the orders once the shop's currency becomes known, and recomputes their customers", async () => {
      await send("orders/create", orderPayload({ id: 70, customerId: 7, total: "10.00" }), UNKNOWN_CURRENCY);
      await send("orders/create", euroOrder(71, 7), UNKNOWN_CURRENCY);
      await app.drained();
      await installShop(app.db, UNKNOWN_CURRENCY, { currencyCode: "USD" }); // the backfill learns the shop's currency
      expect(await orderRow("71", UNKNOWN_CURRENCY)).toMatchObject({ currencyMismatch: true });
      expect(await valueOf("7", UNKNOWN_CURRENCY)).toMatchObject({ orderCount: 1, netRevenueMinor: 1000n });
    });
  });
}
