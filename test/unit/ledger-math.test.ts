import { describe, expect, it } from "vitest";
import { historicValue } from "~/lib/historic-value";
import { refundInShopMoney } from "~/lib/refunds";

describe("historic value", () => {
  it("nets refunds, rounds the average order value half away from zero, and measures the active span", () => {
    const v = historicValue({
      orderCount: 3,
      grossMinor: 10_000n,
      refundedMinor: 1n,
      firstOrderAt: new Date("2025-01-01T10:00:00Z"),
      lastOrderAt: new Date("2025-03-02T09:00:00Z"),
    });
    expect(v.netRevenueMinor).toBe(9_999n);
    expect(v.aovMinor).toBe(3_333n);
    expect(v.tenureDays).toBe(59);
    expect(historicValue({ orderCount: 2, grossMinor: 5n, refundedMinor: 0n, firstOrderAt: null, lastOrderAt: null }).aovMinor).toBe(3n);
    expect(historicValue({ orderCount: 0, grossMinor: 0n, refundedMinor: 0n, firstOrderAt: null, lastOrderAt: null })).toMatchObject({
      aovMinor: 0n,
      tenureDays: 0,
    });
  });
});

describe("refunds in shop money", () => {
  const order = { currencyCode: "USD", totalMinor: 10_000n, presentmentCurrency: "EUR", presentmentTotalMinor: 9_000n };
  it("takes shop-currency refunds as they are and converts presentment ones at the order's own rate", () => {
    expect(refundInShopMoney(1_234n, "USD", order)).toBe(1_234n);
    expect(refundInShopMoney(9_000n, "EUR", order)).toBe(10_000n);
    expect(refundInShopMoney(4_500n, "EUR", order)).toBe(5_000n);
    expect(refundInShopMoney(1n, "EUR", order)).toBe(1n); // 1.11 rounds to 1
  });
});
