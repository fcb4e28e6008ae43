import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseJsonKeepingLongIds, shopifyIdOf } from "~/lib/json-ids";
import { parseWebhookPayload, PayloadError } from "~/webhooks/payloads";

const fixture = (name: string) => readFileSync(`test/fixtures/shopify/${name}`, "utf8");

describe("webhook payloads", () => {
  it("normalises Shopify's order with its refund (shop money, minor units, ISO times)", () => {
    const event = parseWebhookPayload("orders/updated", parseJsonKeepingLongIds(fixture("order-with-refund.json")));
    if (event.kind !== "order") throw new Error("expected an order event");
    const { order } = event;
    expect(order.id).toBe("450789469");
    expect(order.totalMinor).toBe(59894);
    expect(order.currencyCode).toBe("USD");
    expect(order.customer?.id).toBe("207119551");
    expect(order.refunds).toEqual([
      { id: "509562969", orderId: "450789469", amountMinor: 20900, currencyCode: "USD", createdAt: expect.stringMatching(/Z$/) },
    ]);
    expect(order.lineItems?.length).toBeGreaterThan(0);
    expect(new Date(order.updatedAt).toISOString()).toBe(order.updatedAt);
  });

  it("counts only successful refund transactions", () => {
    const refund = JSON.parse(fixture("refund.json"));
    refund.transactions.push({ ...refund.transactions[0], status: "failure", amount: "999.00" });
    refund.transactions.push({ ...refund.transactions[0], kind: "sale", amount: "5.00" });
    const event = parseWebhookPayload("refunds/create", refund);
    expect(event).toMatchObject({ kind: "refund", refund: { amountMinor: 20900, orderId: "450789469" } });
  });

  it("keeps ids above 2^53 exact", () => {
    const parsed = parseJsonKeepingLongIds(
      '{"id": 12345678901234567891, "order_id":98765432109876543210, "total": 12345678901234567}',
    ) as Record<string, unknown>;
    expect(parsed.id).toBe("12345678901234567891");
    expect(parsed.order_id).toBe("98765432109876543210");
    expect(typeof parsed.total).toBe("number"); // not an id: untouched
    expect(shopifyIdOf("gid://shopify/Order/42")).toBe("42");
  });

  it("names every missing or malformed field", () => {
    expect(() => parseWebhookPayload("orders/create", { id: "x1" })).toThrow(PayloadError);
    expect(() => parseWebhookPayload("orders/create", { id: 1, currency: "USD", total_price: "1.00", created_at: "yesterday" })).toThrow(
      /created_at.*updated_at|updated_at.*created_at/,
    );
    expect(() => parseWebhookPayload("customers/redact", { customer: {} })).toThrow(/customer\.id/);
  });
});
