// recomputeCustomerValues computes in SQL what app/lib/historic-value.ts defines: checked against values
// worked out by hand and against historicValue() applied to the stored orders, on whichever database runs.
import { afterAll, beforeAll, expect, it } from "vitest";

const SHOP = "recompute.myshopify.com";
const OTHER_SHOP = "neighbour.myshopify.com";

interface OrderRow {
  id: string;
  customerId: string | null;
  totalMinor: bigint;
  refundedMinor?: bigint;
  processedAt: string;
  cancelled?: boolean;
  test?: boolean;
  currencyMismatch?: boolean;
  shop?: string;
}

// Hand-worked expectations (minor units):
//   A: 1000 + 2001 − 2 refunded = 2999 over 2 counted orders → average 1499.5 → 1500 (half away from zero);
//      exactly 73 days apart → tenure 73. Its cancelled, test, other-currency and neighbour-shop orders do not count.
//   B: 100 − 300 refunded = −200 over 1 order → average −200, tenure 0.
//   C: (0 − 1) + (0 − 2) = −3 over 2 orders → average −1.5 → −2 (away from zero); 1 day and 23:59:59.999 apart → 1.
//   D: only a cancelled order → zeros, no first or last order.
//   E: no order at all, a stale value row → zeros.
const ORDERS: OrderRow[] = [
  { id: "1", customerId: "A", totalMinor: 1000n, processedAt: "2025-01-01T00:00:00.000Z" },
  { id: "2", customerId: "A", totalMinor: 2001n, refundedMinor: 2n, processedAt: "2025-03-15T00:00:00.000Z" },
  { id: "3", customerId: "A", totalMinor: 500n, processedAt: "2025-06-01T00:00:00.000Z", cancelled: true },
  { id: "4", customerId: "A", totalMinor: 700n, processedAt: "2024-06-01T00:00:00.000Z", test: true },
  { id: "5", customerId: "A", totalMinor: 900n, processedAt: "2025-07-01T00:00:00.000Z", currencyMismatch: true },
  { id: "6", customerId: "A", totalMinor: 5000n, processedAt: "2023-01-01T00:00:00.000Z", shop: OTHER_SHOP },
  { id: "7", customerId: "B", totalMinor: 100n, refundedMinor: 300n, processedAt: "2025-02-02T10:00:00.000Z" },
  { id: "8", customerId: "C", totalMinor: 0n, refundedMinor: 1n, processedAt: "2025-01-01T00:00:00.000Z" },
  { id: "9", customerId: "C", totalMinor: 0n, refundedMinor: 2n, processedAt: "2025-01-02T23:59:59.999Z" },
  { id: "10", customerId: "D", totalMinor: 400n, processedAt: "2025-01-01T00:00:00.000Z", cancelled: true },
  { id: "11", customerId: null, totalMinor: 9900n, processedAt: "2025-01-01T00:00:00.000Z" },
];

const day = (iso: string) => new Date(iso);
const EXPECTED = [
  {
    customerId: "A",
    orderCount: 2,
    netRevenueMinor: 2999n,
    aovMinor: 1500n,
    tenureDays: 73,
    firstOrderAt: day("2025-01-01T00:00:00.000Z"),
  },
  { customerId: "B", orderCount: 1, netRevenueMinor: -200n, aovMinor: -200n, tenureDays: 0, firstOrderAt: day("2025-02-02T10:00:00.000Z") },
  { customerId: "C", orderCount: 2, netRevenueMinor: -3n, aovMinor: -2n, tenureDays: 1, firstOrderAt: day("2025-01-01T00:00:00.000Z") },
  { customerId: "D", orderCount: 0, netRevenueMinor: 0n, aovMinor: 0n, tenureDays: 0, firstOrderAt: null },
  { customerId: "E", orderCount: 0, netRevenueMinor: 0n, aovMinor: 0n, tenureDays: 0, firstOrderAt: null },
];

export function customerValuesRecomputeSuite(prepare: () => Promise<{ cleanup: () => Promise<void> | void }>) {
  let cleanup: () => Promise<void> | void = () => {};
  beforeAll(async () => {
    ({ cleanup } = await prepare());
    const { db } = await import("~/db.server");
    const client = await db();
    await client.order.createMany({
      data: ORDERS.map((o) => ({
        shop: o.shop ?? SHOP,
        id: o.id,
        customerId: o.customerId,
        currencyCode: "USD",
        totalMinor: o.totalMinor,
        refundedMinor: o.refundedMinor ?? 0n,
        test: o.test ?? false,
        currencyMismatch: o.currencyMismatch ?? false,
        shopifyCreatedAt: new Date(o.processedAt),
        processedAt: new Date(o.processedAt),
        shopifyUpdatedAt: new Date(o.processedAt),
        cancelledAt: o.cancelled ? new Date(o.processedAt) : null,
      })),
    });
    // E's only order has moved to another customer since its value was computed.
    await client.customerValue.create({ data: { shop: SHOP, customerId: "E", orderCount: 3, grossMinor: 900n, netRevenueMinor: 900n } });
  });
  afterAll(async () => {
    const { disconnectDb } = await import("~/db.server");
    await disconnectDb();
    await cleanup();
  });

  const values = async () => {
    const { db } = await import("~/db.server");
    return (await db()).customerValue.findMany({
      where: { shop: SHOP },
      orderBy: { customerId: "asc" },
      select: {
        customerId: true,
        orderCount: true,
        grossMinor: true,
        refundedMinor: true,
        netRevenueMinor: true,
        aovMinor: true,
        firstOrderAt: true,
        lastOrderAt: true,
        tenureDays: true,
        computedAt: true,
      },
    });
  };

  it("writes the hand-worked values, and historicValue() of the stored orders agrees", async () => {
    const { db } = await import("~/db.server");
    const { recomputeCustomerValues, countedOrders } = await import("~/data/customer-values.server");
    const { historicValue } = await import("~/lib/historic-value");
    const client = await db();
    await client.$transaction((tx) => recomputeCustomerValues(tx, SHOP, ["A", "B", "C", "D", "E"]));

    const stored = await values();
    expect(
      stored.map(({ customerId, orderCount, netRevenueMinor, aovMinor, tenureDays, firstOrderAt }) => ({
        customerId,
        orderCount,
        netRevenueMinor,
        aovMinor,
        tenureDays,
        firstOrderAt,
      })),
    ).toEqual(EXPECTED);
    expect(stored.every((v) => v.computedAt !== null)).toBe(true);

    // The JavaScript definition, over the same stored orders.
    for (const value of stored) {
      const orders = await client.order.findMany({ where: { ...countedOrders(SHOP), customerId: value.customerId } });
      const times = orders.map((o) => o.processedAt.getTime());
      const reference = historicValue({
        orderCount: orders.length,
        grossMinor: orders.reduce((s, o) => s + o.totalMinor, 0n),
        refundedMinor: orders.reduce((s, o) => s + o.refundedMinor, 0n),
        firstOrderAt: times.length ? new Date(Math.min(...times)) : null,
        lastOrderAt: times.length ? new Date(Math.max(...times)) : null,
      });
      const { computedAt: _computedAt, customerId: _customerId, ...computed } = value;
      expect(computed, value.customerId).toEqual({
        orderCount: reference.orderCount,
        grossMinor: reference.grossMinor,
        refundedMinor: reference.refundedMinor,
        netRevenueMinor: reference.netRevenueMinor,
        aovMinor: reference.aovMinor,
        firstOrderAt: reference.firstOrderAt,
        lastOrderAt: reference.lastOrderAt,
        tenureDays: reference.tenureDays,
      });
    }
  });

  it("gives the same values for the whole shop in one statement, and leaves other shops alone", async () => {
    const { db } = await import("~/db.server");
    const { recomputeAllCustomerValues } = await import("~/data/customer-values.server");
    const client = await db();
    const before = await values();
    await client.customerValue.updateMany({ where: { shop: SHOP }, data: { orderCount: 99, netRevenueMinor: 1n, tenureDays: 9 } });
    expect(await recomputeAllCustomerValues(client, SHOP)).toBe(4); // A, B, C, D have orders; E has none
    const after = await values();
    const strip = (rows: typeof before) => rows.filter((r) => r.customerId !== "E").map(({ computedAt: _c, ...rest }) => rest);
    expect(strip(after)).toEqual(strip(before));
    expect(await client.customerValue.count({ where: { shop: OTHER_SHOP } })).toBe(0);
  });
}
