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

describe("ids above 2^53 anywhere in a payload", () => {
  it("keeps them exact in lists, under *_ids keys, in nested lists and after escaped strings", () => {
    const parsed = parseJsonKeepingLongIds(
      '{"note":"a \\"quoted\\" 9007199254740993","customer":{"id":9007199254740993},' +
        '"orders_to_redact":[9007199254740993, 12, 9007199254740993123],"line_item_ids":[1234567890123456789],' +
        '"nested":[[9007199254740995]],"adminId":12345678901234567,"total":12345678901234567,"weight":1.2345678901234567e3}',
    ) as Record<string, unknown>;
    expect(parsed.orders_to_redact).toEqual(["9007199254740993", 12, "9007199254740993123"]);
    expect(parsed.customer).toEqual({ id: "9007199254740993" });
    expect(parsed.line_item_ids).toEqual(["1234567890123456789"]);
    expect(parsed.nested).toEqual([["9007199254740995"]]);
    expect(parsed.adminId).toBe("12345678901234567");
    expect(parsed.note).toBe('a "quoted" 9007199254740993'); // inside a string: text already
    expect(typeof parsed.total).toBe("number");
    expect(parsed.weight).toBeCloseTo(1234.5678901234567, 10);
  });

  it("redacts and reports exactly the listed orders", () => {
    const redact = parseWebhookPayload(
      "customers/redact",
      parseJsonKeepingLongIds('{"customer":{"id":1},"orders_to_redact":[9007199254740993,9007199254740992]}'),
    );
    expect(redact).toEqual({ kind: "customer_redact", customerId: "1", orderIds: ["9007199254740993", "9007199254740992"] });
    const request = parseWebhookPayload(
      "customers/data_request",
      parseJsonKeepingLongIds('{"customer":{"id":1},"orders_requested":[ 9007199254740993 ],"data_request":{"id":9007199254740995}}'),
    );
    expect(request).toMatchObject({ requestId: "9007199254740995", orderIds: ["9007199254740993"] });
  });

  it("refuses numeric ids a double cannot hold exactly", () => {
    expect(() => parseWebhookPayload("customers/delete", { id: 2 ** 53 + 2 })).toThrow(/id/);
    expect(() => parseWebhookPayload("customers/delete", { id: 1e300 })).toThrow(/id/);
  });
});

describe("what cannot be stored is refused", () => {
  const order = () => JSON.parse(fixture("order.json")) as Record<string, unknown>;

  it("accepts ISO 8601 date-times with an offset in 1970–2100 and stores them as UTC", () => {
    for (const [value, utc] of [
      ["2025-04-02T11:31:38-05:00", "2025-04-02T16:31:38.000Z"],
      ["1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000Z"],
      ["2100-12-31T23:59:59.999+00:00", "2100-12-31T23:59:59.999Z"],
      ["2024-02-29T12:00:00.123456+05:45", "2024-02-29T06:15:00.123Z"],
    ]) {
      const event = parseWebhookPayload("orders/updated", { ...order(), updated_at: value });
      expect(event.kind === "order" && event.order.updatedAt).toBe(utc);
    }
  });

  it("refuses other dates, naming the field", () => {
    for (const value of [
      "1",
      "2024",
      "2024-01-01",
      "2024-01-01T10:00:00",
      "2023-02-29T00:00:00Z",
      "2024-04-31T00:00:00Z",
      "+275760-09-13T00:00:00.000Z",
      "2101-01-01T00:00:00Z",
      "1969-12-31T23:59:59.999Z",
      "2024-01-01T10:00:00+24:00",
    ]) {
      expect(() => parseWebhookPayload("orders/updated", { ...order(), updated_at: value }), value).toThrow(
        /updated_at: must be an ISO 8601/,
      );
    }
  });

  it("refuses NUL characters in the text fields it stores, and only there", () => {
    expect(() => parseWebhookPayload("customers/update", { id: 1, first_name: "A\u0000" })).toThrow(/first_name: must not contain NUL/);
    expect(() => parseWebhookPayload("app/scopes_update", { current: ["read_orders\u0000"] })).toThrow(/current\.0: must not contain NUL/);
    expect(() => parseWebhookPayload("customers/update", { id: 1, last_name: "A\ud800" })).toThrow(/last_name: must be valid Unicode/);
    expect(parseWebhookPayload("customers/update", { id: 1, last_name: "\ud83d\ude00" })).toMatchObject({ customer: { lastName: "😀" } });
    const ignored = { ...order(), note: "not stored \u0000" };
    expect(parseWebhookPayload("orders/create", ignored).kind).toBe("order");
  });

  it("refuses negative totals, prices and refunds, naming the field", () => {
    expect(() => parseWebhookPayload("orders/create", { ...order(), total_price: "-1.00" })).toThrow(/total_price: must not be negative/);
    const refund = JSON.parse(fixture("refund.json"));
    refund.transactions[0].amount = "-209.00";
    expect(() => parseWebhookPayload("refunds/create", refund)).toThrow(/transactions\.0\.amount: must not be negative/);
    // A negative amount on a transaction kind the app does not count is not its business; "-0.00" is zero.
    refund.transactions[0] = { ...refund.transactions[0], kind: "sale" };
    expect(parseWebhookPayload("refunds/create", refund).kind).toBe("refund");
    expect(parseWebhookPayload("orders/create", { ...order(), total_price: "-0.00", total_price_set: null }).kind).toBe("order");
  });
});
