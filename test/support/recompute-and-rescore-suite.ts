// Ingest's combined path (recomputeValuesAndRescore: one read of the orders, one write per customer) writes
// exactly what the two steps it replaces write: recomputeCustomerValues, then rescoreCustomers. Two shops hold
// the same orders and the same fit; one goes through each path, and every column is compared. The orders
// cover the edge cases of both: not counted (cancelled, test, other currency), fully refunded, negative net
// revenue, several orders on one local day, orders either side of local midnight in New York, an order after
// the as-of, a customer with no order left and a stale prediction, one-time and repeat buyers.
import { afterAll, beforeAll, expect, it } from "vitest";
import { prepareScoring, scoreSummaries, type ScoringFit } from "~/clv/score-customer";
import { summarizeTransactions } from "~/clv/summary";

const COMBINED = "combined.myshopify.com";
const TWO_STEPS = "two-steps.myshopify.com";
const NOW = new Date("2025-06-30T15:00:00.000Z");

interface OrderRow {
  customerId: string | null;
  totalMinor: bigint;
  refundedMinor?: bigint;
  processedAt: string;
  cancelled?: boolean;
  test?: boolean;
  currencyMismatch?: boolean;
}

const ORDERS: OrderRow[] = [
  // A: a repeat buyer; two orders on one New York day (the second at 03:30 UTC is still the 14th there).
  { customerId: "A", totalMinor: 1000n, processedAt: "2025-01-01T12:00:00.000Z" },
  { customerId: "A", totalMinor: 2001n, refundedMinor: 2n, processedAt: "2025-03-14T18:00:00.000Z" },
  { customerId: "A", totalMinor: 700n, processedAt: "2025-03-15T03:30:00.000Z" },
  { customerId: "A", totalMinor: 500n, processedAt: "2025-06-01T00:00:00.000Z", cancelled: true },
  { customerId: "A", totalMinor: 700n, processedAt: "2024-06-01T00:00:00.000Z", test: true },
  { customerId: "A", totalMinor: 900n, processedAt: "2025-07-01T00:00:00.000Z", currencyMismatch: true },
  // B: a net revenue below zero: values, but no prediction.
  { customerId: "B", totalMinor: 100n, refundedMinor: 300n, processedAt: "2025-02-02T10:00:00.000Z" },
  // C: one fully refunded order (not a purchase) and one purchase: a one-time buyer.
  { customerId: "C", totalMinor: 4000n, refundedMinor: 4000n, processedAt: "2024-11-01T00:00:00.000Z" },
  { customerId: "C", totalMinor: 2500n, processedAt: "2025-05-05T04:59:59.999Z" },
  // D: only a cancelled order: zeros, no prediction.
  { customerId: "D", totalMinor: 400n, processedAt: "2025-01-01T00:00:00.000Z", cancelled: true },
  // F: many purchase days, one of them after the as-of (a value, not yet a purchase).
  ...Array.from({ length: 12 }, (_, k) => ({
    customerId: "F",
    totalMinor: BigInt(1500 + 137 * k),
    processedAt: new Date(Date.UTC(2024, 8, 1) + k * 19 * 86_400_000 + k * 3_600_000).toISOString(),
  })),
  { customerId: "F", totalMinor: 9999n, processedAt: "2025-07-02T00:00:00.000Z" },
  // G: a one-time buyer just before New York's midnight (04:00 UTC in summer).
  { customerId: "G", totalMinor: 3100n, processedAt: "2025-06-29T03:59:59.000Z" },
  { customerId: null, totalMinor: 9900n, processedAt: "2025-01-01T00:00:00.000Z" },
  // H: amounts past 2^53 minor units (JSON numbers stop being exact there): sent as digits, stored exactly.
  { customerId: "H", totalMinor: 9_007_199_254_740_993n, processedAt: "2025-03-01T12:00:00.000Z" },
  { customerId: "H", totalMinor: 9_007_199_254_741_001n, processedAt: "2025-05-01T12:00:00.000Z" },
];
// E: no order at all, with a stale value and prediction.
const CUSTOMERS = ["A", "B", "C", "D", "E", "F", "G", "H"];

const SCORING: ScoringFit = {
  version: 1,
  model: "bgnbd",
  params: [0.6, 9.5, 0.7, 2.8],
  covariance: [0.02, 0.004, 0, 0, 0.004, 0.03, 0, 0, 0, 0, 0.05, 0.01, 0, 0, 0.01, 0.06],
  intervalDraws: 8,
  lowerProbability: 0.1,
  upperProbability: 0.9,
  gammaGamma: { p: 6, q: 4, v: 15 },
  period: "week",
  timeZone: "America/New_York",
  horizonMonths: 12,
  monthlyDiscountRate: 0.01,
  unitsPerMonth: 365.25 / 12 / 7,
  segments: { recency: [-300, -120, -60, -21], frequency: [3, 5, 9] },
};

export function recomputeAndRescoreSuite(prepare: () => Promise<{ cleanup: () => Promise<void> | void }>) {
  let cleanup: () => Promise<void> | void = () => {};
  beforeAll(async () => {
    ({ cleanup } = await prepare());
    const { db } = await import("~/db.server");
    const client = await db();
    for (const shop of [COMBINED, TWO_STEPS]) {
      await client.order.createMany({
        data: ORDERS.map((o, i) => ({
          shop,
          id: String(i + 1),
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
      await client.customerValue.create({
        data: { shop, customerId: "E", orderCount: 3, grossMinor: 900n, netRevenueMinor: 900n, probabilityAlive: 0.5, segment: "Loyal" },
      });
    }
  });
  afterAll(async () => {
    const { disconnectDb } = await import("~/db.server");
    await disconnectDb();
    await cleanup();
  });

  async function stored(shop: string) {
    const { db } = await import("~/db.server");
    const rows = await (await db()).customerValue.findMany({ where: { shop }, orderBy: { customerId: "asc" } });
    return rows.map(({ shop: _shop, computedAt, ...row }) => ({ ...row, computed: computedAt !== null }));
  }

  it("without a fit: the values recompute alone, no prediction", async () => {
    const { db } = await import("~/db.server");
    const { recomputeCustomerValues } = await import("~/data/customer-values.server");
    const { recomputeValuesAndRescore } = await import("~/data/rescore.server");
    const client = await db();
    await client.$transaction((tx) => recomputeValuesAndRescore(tx, COMBINED, CUSTOMERS, NOW));
    await client.$transaction((tx) => recomputeCustomerValues(tx, TWO_STEPS, CUSTOMERS));
    const combined = await stored(COMBINED);
    expect(combined.map((r) => r.customerId)).toEqual(CUSTOMERS);
    expect(combined).toEqual(await stored(TWO_STEPS));
    expect(combined.filter((r) => r.predictedAt !== null)).toEqual([]);
  });

  it("with a fit: the same values and predictions as the recompute followed by the re-scoring", async () => {
    const { db } = await import("~/db.server");
    const { recomputeCustomerValues } = await import("~/data/customer-values.server");
    const { recomputeValuesAndRescore, rescoreCustomers } = await import("~/data/rescore.server");
    const client = await db();
    for (const shop of [COMBINED, TWO_STEPS]) {
      await client.modelFit.create({
        data: {
          id: `fit-${shop}`,
          shop,
          status: "fitted",
          asOf: new Date("2025-06-01T00:00:00.000Z"),
          customers: 6,
          repeatCustomers: 2,
          durationMs: 0,
          params: JSON.stringify({ scoring: SCORING, currencyCode: "USD" }),
        },
      });
    }
    await client.$transaction((tx) => recomputeValuesAndRescore(tx, COMBINED, [...CUSTOMERS].reverse(), NOW));
    await client.$transaction(async (tx) => {
      await recomputeCustomerValues(tx, TWO_STEPS, CUSTOMERS);
      await rescoreCustomers(tx, TWO_STEPS, CUSTOMERS, NOW);
    });
    const combined = await stored(COMBINED);
    const twoSteps = await stored(TWO_STEPS);
    expect(combined.map(({ modelFitId, ...row }) => ({ ...row, fitted: modelFitId === `fit-${COMBINED}` }))).toEqual(
      twoSteps.map(({ modelFitId, ...row }) => ({ ...row, fitted: modelFitId === `fit-${TWO_STEPS}` })),
    );
    // Scored: the buyers with a purchase and a positive net revenue; everyone's prediction is as of now.
    expect(combined.filter((r) => r.probabilityAlive !== null).map((r) => r.customerId)).toEqual(["A", "C", "F", "G", "H"]);
    expect(combined.filter((r) => r.segment !== null).map((r) => r.customerId)).toEqual(["A", "C", "F", "G", "H"]);
    const huge = combined.find((r) => r.customerId === "H")!;
    expect(huge.grossMinor).toBe(18_014_398_509_481_994n);
    expect(huge.predictedClvMinor! > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(combined.every((r) => r.predictedAt?.getTime() === NOW.getTime())).toBe(true);
    const computedAt = await client.customerValue.findMany({ where: { shop: COMBINED }, select: { computedAt: true } });
    expect(computedAt.every((r) => r.computedAt?.getTime() === NOW.getTime())).toBe(true);

    // Both paths share the purchase summaries: checked here against the refit's own summary of the orders.
    const purchases = ORDERS.filter(
      (o) =>
        o.customerId !== null &&
        !o.cancelled &&
        !o.test &&
        !o.currencyMismatch &&
        o.totalMinor > (o.refundedMinor ?? 0n) &&
        new Date(o.processedAt) <= NOW,
    );
    const summary = summarizeTransactions(
      {
        customerKeys: purchases.map((o) => o.customerId!),
        timesMs: purchases.map((o) => Date.parse(o.processedAt)),
        amounts: purchases.map((o) => Number(o.totalMinor - (o.refundedMinor ?? 0n)) / 100),
      },
      { calibrationEndMs: NOW.getTime(), timeZone: SCORING.timeZone, period: SCORING.period },
    );
    const predictions = scoreSummaries(prepareScoring(SCORING), {
      ...summary,
      daysSinceLastPurchase: Array.from(summary.lastPurchaseDay, (day) => summary.calibrationEndDay - day),
    });
    const minor = (major: number | null) => (major === null ? null : BigInt(Math.round(major * 100)));
    for (const customerId of ["A", "C", "F", "G"]) {
      const expected = predictions[summary.customerKeys.indexOf(customerId)];
      const row = combined.find((r) => r.customerId === customerId)!;
      expect(row.probabilityAlive! - expected.probabilityAlive!, customerId).toBeCloseTo(0, 9);
      expect(row.expectedPurchases! - expected.expectedPurchases!, customerId).toBeCloseTo(0, 9);
      expect(row.probabilityOrder12m! - expected.probabilityOfPurchase!, customerId).toBeCloseTo(0, 9);
      expect([row.purchasesLow, row.purchasesHigh, row.segment], customerId).toEqual([
        expected.purchasesLow,
        expected.purchasesHigh,
        expected.segment,
      ]);
      expect([row.expectedAovMinor, row.predictedClvMinor, row.clvLowMinor, row.clvHighMinor], customerId).toEqual(
        [expected.expectedAverageValue, expected.predictedClv, expected.valueLow, expected.valueHigh].map(minor),
      );
    }
    // F's order after the as-of is a value, not a purchase: 12 purchase days, 13 orders.
    expect(summary.orders[summary.customerKeys.indexOf("F")]).toBe(12);
    expect(combined.find((r) => r.customerId === "F")!.orderCount).toBe(13);
  });
}
