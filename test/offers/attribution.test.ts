import { describe, expect, it } from "vitest";
import { attributeOrders, offerIdOfLineItem, type AttributionOrder } from "../../app/offers/index.ts";

/** The part of a REST orders/create webhook body that attribution reads (shape as Shopify sends it). */
const WEBHOOK_BODY = `{
  "id": 820982911946154508,
  "admin_graphql_api_id": "gid://shopify/Order/820982911946154508",
  "processed_at": "2026-11-20T10:00:00-05:00",
  "test": false,
  "cancelled_at": null,
  "customer": { "id": 115310627314723954 },
  "line_items": [
    { "id": 1, "product_id": 632910392, "quantity": 1, "price": "199.00", "total_discount": "0.00", "properties": [] },
    { "id": 2, "product_id": 921728736, "quantity": 2, "price": "19.95", "total_discount": "3.99",
      "properties": [{ "name": "_clv_offer", "value": "offer-7" }, { "name": "Engraving", "value": "AB" }] },
    { "id": 3, "product_id": 921728737, "quantity": 1, "price": "5.00", "total_discount": "0.00",
      "properties": [{ "name": "_clv_offer", "value": "offer-7" }] },
    { "id": 4, "product_id": 921728738, "quantity": 1, "price": "12.50", "total_discount": "0.00",
      "properties": [{ "name": "_clv_offer", "value": "offer-9" }] }
  ]
}`;

interface RestLineItem {
  quantity: number;
  price: string;
  total_discount: string;
  properties: { name: string; value: unknown }[] | null;
}

// Minor units from Shopify's decimal strings, in the test only (two-decimal currency).
const cents = (amount: string) => Math.round(Number(amount) * 100);

function fromWebhook(body: string): AttributionOrder {
  // Ids above 2^53 are kept as text, as the app's webhook parser does.
  const parsed = JSON.parse(body.replace(/("(?:[a-z_]*_)?id"\s*:\s*)(\d{16,})/g, '$1"$2"')) as {
    id: string;
    processed_at: string;
    test: boolean;
    cancelled_at: string | null;
    customer: { id: string } | null;
    line_items: RestLineItem[];
  };
  return {
    orderId: String(parsed.id),
    customerId: parsed.customer === null ? null : String(parsed.customer.id),
    processedAtMs: Date.parse(parsed.processed_at),
    test: parsed.test,
    cancelled: parsed.cancelled_at !== null,
    lineItems: parsed.line_items.map((line) => ({
      quantity: line.quantity,
      priceMinor: cents(line.price),
      discountMinor: cents(line.total_discount),
      properties: line.properties,
    })),
  };
}

describe("the offer property on line items", () => {
  it("reads the private property from REST properties or a name → value object", () => {
    expect(offerIdOfLineItem([{ name: "_clv_offer", value: "offer-7" }])).toBe("offer-7");
    expect(offerIdOfLineItem([{ name: "Engraving", value: "x" }])).toBeNull();
    expect(offerIdOfLineItem({ _clv_offer: " 42 " })).toBe("42");
    expect(offerIdOfLineItem([{ name: "_clv_offer", value: 42 }])).toBe("42");
    expect(offerIdOfLineItem(null)).toBeNull();
    expect(offerIdOfLineItem([])).toBeNull();
  });

  it("ignores values that are not offer ids, and the public spelling", () => {
    expect(offerIdOfLineItem([{ name: "_clv_offer", value: "" }])).toBeNull();
    expect(offerIdOfLineItem([{ name: "_clv_offer", value: "<script>" }])).toBeNull();
    expect(offerIdOfLineItem([{ name: "_clv_offer", value: "x".repeat(65) }])).toBeNull();
    expect(offerIdOfLineItem([{ name: "_clv_offer", value: { id: 1 } }])).toBeNull();
    expect(offerIdOfLineItem([{ name: "clv_offer", value: "offer-7" }])).toBeNull();
  });
});

describe("per-offer orders and revenue", () => {
  const order = fromWebhook(WEBHOOK_BODY);

  it("attributes the lines of a webhook order to their offers", () => {
    const result = attributeOrders([order]);
    expect([...result.keys()]).toEqual(["offer-7", "offer-9"]);
    // offer-7: 2 × 19.95 − 3.99 + 5.00 = 40.91; offer-9: 12.50.
    expect(result.get("offer-7")).toEqual({ offerId: "offer-7", orders: 1, customers: 1, lineItems: 2, units: 3, revenueMinor: 4091 });
    expect(result.get("offer-9")).toEqual({ offerId: "offer-9", orders: 1, customers: 1, lineItems: 1, units: 1, revenueMinor: 1250 });
  });

  it("counts orders and customers per offer across orders, once per order id", () => {
    const second: AttributionOrder = { ...order, orderId: "2", customerId: null };
    const third: AttributionOrder = { ...order, orderId: "3" };
    const result = attributeOrders([order, second, third, order]);
    expect(result.get("offer-7")).toMatchObject({ orders: 3, customers: 1, lineItems: 6, revenueMinor: 3 * 4091 });
  });

  it("leaves out test and cancelled orders and orders outside the period", () => {
    const test: AttributionOrder = { ...order, orderId: "t", test: true };
    const cancelled: AttributionOrder = { ...order, orderId: "c", cancelled: true };
    expect(attributeOrders([test, cancelled]).size).toBe(0);
    expect(attributeOrders([order], { fromMs: order.processedAtMs + 1 }).size).toBe(0);
    expect(attributeOrders([order], { toMs: order.processedAtMs }).size).toBe(0);
    expect(attributeOrders([order], { fromMs: order.processedAtMs, toMs: order.processedAtMs + 1 }).size).toBe(2);
  });
});
