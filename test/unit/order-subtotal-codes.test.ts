// The order's merchandise subtotal and discount codes: read from webhooks and bulk lines into minor units
// without floats, and the points basis and proportional refunds the loyalty step derives from them.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseBulkLine } from "~/backfill/bulk-lines";
import { merchandiseRefunds, pointsBasisOf } from "~/data/loyalty-pipeline.server";
import type { NormalizedOrder } from "~/orders/types";
import { parseWebhookPayload } from "~/webhooks/payloads";
import { orderLine } from "../support/bulk-file";

const fixture = () => JSON.parse(readFileSync("test/fixtures/shopify/order-with-refund.json", "utf8")) as Record<string, unknown>;

function parsedOrder(body: Record<string, unknown>): NormalizedOrder {
  const event = parseWebhookPayload("orders/create", body);
  if (event.kind !== "order") throw new Error("expected an order event");
  return event.order;
}

const money = (amount: string, currency_code = "USD") => ({
  shop_money: { amount, currency_code },
  presentment_money: { amount, currency_code },
});

describe("webhook orders: subtotal", () => {
  it("takes the subtotal as placed, not the current one that a return lowered", () => {
    // Shopify's sample: 597.00 placed, 195.67 after its return, total 598.94.
    const order = parsedOrder(fixture());
    expect(order.subtotalMinor).toBe(59_700);
    expect(order.totalMinor).toBe(59_894);
  });

  it("falls back to subtotal_price, then to the current subtotal, then to nothing", () => {
    const body = fixture();
    delete body.subtotal_price_set;
    body.subtotal_price = "12.34";
    expect(parsedOrder(body).subtotalMinor).toBe(1_234);
    delete body.subtotal_price;
    body.current_subtotal_price_set = money("56.78");
    expect(parsedOrder(body).subtotalMinor).toBe(5_678);
    delete body.current_subtotal_price_set;
    body.current_subtotal_price = "9.10";
    expect(parsedOrder(body).subtotalMinor).toBe(910);
    delete body.current_subtotal_price;
    expect(parsedOrder(body).subtotalMinor).toBeNull();
  });

  it("converts in the shop currency's minor units, exactly, also near 2^53", () => {
    const body = { ...fixture(), currency: "JPY", total_price_set: money("12000", "JPY"), subtotal_price_set: money("11000", "JPY") };
    expect(parsedOrder(body).subtotalMinor).toBe(11_000);
    // 0.1 + 0.2 style amounts stay exact; the largest safe number of cents is accepted as is.
    const usd = { ...fixture(), subtotal_price_set: money("90071992547409.91") };
    expect(parsedOrder(usd).subtotalMinor).toBe(Number.MAX_SAFE_INTEGER);
    expect(parsedOrder({ ...fixture(), subtotal_price_set: money("0.30") }).subtotalMinor).toBe(30);
  });

  it("refuses a subtotal that is too large, negative or over-precise, naming the field", () => {
    expect(() => parsedOrder({ ...fixture(), subtotal_price_set: money("90071992547409.93") })).toThrow(/subtotal_price: .*too large/);
    expect(() => parsedOrder({ ...fixture(), subtotal_price_set: money("-1.00") })).toThrow(
      /subtotal_price_set\.shop_money\.amount: must not be negative/,
    );
    expect(() => parsedOrder({ ...fixture(), subtotal_price_set: money("1.005") })).toThrow(/subtotal_price: .*more decimals/);
    expect(() => parsedOrder({ ...fixture(), subtotal_price_set: null, subtotal_price: "abc" })).toThrow(/subtotal_price: .*not a decimal/);
  });
});

describe("webhook orders: discount codes", () => {
  it("keeps the codes, trimmed, without blanks or repeats", () => {
    const body = fixture();
    body.discount_codes = [
      { code: " TENOFF ", amount: "10.00", type: "fixed_amount" },
      { code: "TENOFF", amount: "10.00", type: "fixed_amount" },
      { code: "ref-abc23456", amount: "0.00", type: "percentage" },
      { code: "   ", amount: "0.00", type: "percentage" },
    ];
    expect(parsedOrder(body).discountCodes).toEqual(["TENOFF", "ref-abc23456"]);
  });

  it("reads a missing or null list as none, and drops malformed entries without refusing the order", () => {
    const body = fixture();
    delete body.discount_codes;
    expect(parsedOrder(body).discountCodes).toEqual([]);
    expect(parsedOrder({ ...body, discount_codes: null }).discountCodes).toEqual([]);
    expect(parsedOrder({ ...body, discount_codes: "TENOFF" }).discountCodes).toEqual([]);
    const order = parsedOrder({
      ...body,
      discount_codes: [{ code: 42 }, { amount: "1.00" }, { code: "BAD\u0000CODE" }, { code: "X".repeat(256) }, { code: "GOOD" }],
    });
    expect(order.discountCodes).toEqual(["GOOD"]);
    expect(order.totalMinor).toBe(59_894);
  });
});

describe("bulk order lines: subtotal and codes", () => {
  const line = (extra: Record<string, unknown>) =>
    JSON.stringify({ ...JSON.parse(orderLine({ id: 88, customerId: 5, total: "120.50", createdAt: "2025-03-01T10:00:00Z" })), ...extra });
  const orderOf = (text: string) => {
    const parsed = parseBulkLine(text);
    if (parsed.kind !== "order") throw new Error("expected an order line");
    return parsed.order;
  };
  const usd = (amount: string) => ({ shopMoney: { amount, currencyCode: "USD" } });

  it("takes subtotalPriceSet, else currentSubtotalPriceSet, else nothing; codes as listed", () => {
    expect(
      orderOf(line({ subtotalPriceSet: usd("110.50"), currentSubtotalPriceSet: usd("80.00"), discountCodes: [" A1 ", "A1", "b2"] })),
    ).toMatchObject({
      subtotalMinor: 11_050,
      discountCodes: ["A1", "b2"],
    });
    expect(orderOf(line({ currentSubtotalPriceSet: usd("80.00") })).subtotalMinor).toBe(8_000);
    expect(orderOf(line({ currentSubtotalPriceSet: { shopMoney: { amount: "80.00" } } })).subtotalMinor).toBe(8_000);
    expect(orderOf(line({}))).toMatchObject({ subtotalMinor: null, discountCodes: [] });
  });

  it("refuses a malformed subtotal or code list, naming the field", () => {
    expect(() => orderOf(line({ subtotalPriceSet: usd("1e3") }))).toThrow(/subtotalPriceSet\.shopMoney\.amount/);
    expect(() => orderOf(line({ subtotalPriceSet: usd("90071992547409.93") }))).toThrow(/subtotalPriceSet\.shopMoney\.amount: .*too large/);
    expect(() => orderOf(line({ subtotalPriceSet: { shopMoney: { amount: "1.00", currencyCode: "EUR" } } }))).toThrow(/shop currency USD/);
    expect(() => orderOf(line({ discountCodes: "A1" }))).toThrow(/discountCodes: must be a list/);
    expect(() => orderOf(line({ discountCodes: [1] }))).toThrow(/discountCodes\.0: must be a string/);
  });
});

describe("points basis and refunds", () => {
  it("earns on the subtotal, on the total when there is none", () => {
    expect(pointsBasisOf(10_000n, 11_000n)).toBe(10_000);
    expect(pointsBasisOf(null, 11_000n)).toBe(11_000);
  });

  it("turns refunded money into merchandise in the ratio basis / total, summing exactly", () => {
    const refunds = [
      { refundId: "b", merchandiseMinor: 3_333, createdAtMs: 2 },
      { refundId: "a", merchandiseMinor: 3_333, createdAtMs: 1 },
      { refundId: "c", merchandiseMinor: 4_334, createdAtMs: 3 },
    ];
    // Basis 10,000 of a 11,000 total: all of the money back is all of the merchandise.
    const scaled = merchandiseRefunds(refunds, 10_000, 11_000n);
    expect(scaled.map((r) => r.refundId)).toEqual(["a", "b", "c"]);
    expect(scaled.map((r) => r.merchandiseMinor)).toEqual([3_030, 3_030, 3_940]);
    expect(merchandiseRefunds([{ refundId: "x", merchandiseMinor: 5_500, createdAtMs: 1 }], 10_000, 11_000n)[0].merchandiseMinor).toBe(
      5_000,
    );
    expect(merchandiseRefunds([{ refundId: "x", merchandiseMinor: 11_000, createdAtMs: 1 }], 10_000, 11_000n)[0].merchandiseMinor).toBe(
      10_000,
    );
    // Earned on the total (no subtotal then): unchanged.
    expect(merchandiseRefunds(refunds, 11_000, 11_000n)).toEqual(refunds);
    // Amounts whose product passes 2^53 stay exact.
    const big = merchandiseRefunds(
      [{ refundId: "x", merchandiseMinor: 4_000_000_000_000, createdAtMs: 1 }],
      7_000_000_000_000,
      8_000_000_000_000n,
    );
    expect(big[0].merchandiseMinor).toBe(3_500_000_000_000);
  });
});
