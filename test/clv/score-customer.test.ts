/**
 * Scoring with a stored fit (app/clv/score-customer.ts): every customer scored from the fit's stored JSON gives
 * exactly what analyzeShop gave them (every model, in a shop time zone with DST, with and without Gamma-Gamma),
 * one customer alone the same as all together; segments land on the refit's steps; and a lapsed customer who
 * buys again is re-scored as a customer who just bought.
 */

import { describe, expect, it } from "vitest";
import { analyzeShop, columnsFromRows, summarizeTransactions, type ShopAnalysis, type TransactionRow } from "../../app/clv/index.ts";
import {
  prepareScoring,
  scoreCustomer,
  scoreSummaries,
  scoringFitOf,
  segmentOf,
  type CustomerPrediction,
  type ScoringFit,
} from "../../app/clv/score-customer.ts";
import { SeededRandom, simulateShop } from "../../testkit/clv/simulate.ts";

const DAY = 86_400_000;
const AS_OF = new Date("2024-07-01T03:30:00Z");
const TIME_ZONE = "America/New_York";

/** The fit as the refit stores it and re-scoring reads it: through JSON. */
const stored = (analysis: ShopAnalysis): ScoringFit => JSON.parse(JSON.stringify(scoringFitOf(analysis))) as ScoringFit;

function summaryColumns(analysis: ShopAnalysis) {
  const c = analysis.customers.columns;
  return {
    frequency: c.frequency,
    recency: c.recency,
    T: c.T,
    monetary: c.monetary,
    totalSpend: c.historicValue,
    orders: c.orders,
    daysSinceLastPurchase: c.daysSinceLastPurchase,
  };
}

const FIELDS = [
  "expectedPurchases",
  "probabilityAlive",
  "expectedAverageValue",
  "predictedClv",
  "probabilityOfPurchase",
  "purchasesLow",
  "purchasesHigh",
  "valueLow",
  "valueHigh",
] as const;

function expectSameAsAnalysis(analysis: ShopAnalysis, predictions: CustomerPrediction[], rows?: number[]) {
  const indices = rows ?? Array.from({ length: analysis.customers.count }, (_, i) => i);
  let compared = 0;
  indices.forEach((i, k) => {
    const expected = analysis.customers.row(i);
    const actual = predictions[k];
    for (const field of FIELDS) {
      const want = expected[field];
      const got = actual[field];
      if (want === null) expect(got, `${field} of ${expected.customerKey}`).toBeNull();
      else
        expect(Math.abs((got as number) - want), `${field} of ${expected.customerKey}: ${got} vs ${want}`).toBeLessThanOrEqual(
          1e-9 * Math.max(1, Math.abs(want)),
        );
    }
    expect(actual.segment, `segment of ${expected.customerKey}`).toBe(expected.segment);
    compared++;
  });
  expect(compared).toBe(indices.length);
}

function shop(model: "bgnbd" | "mbgnbd" | "paretonbd", seed: number, spend = { p: 6, q: 4, v: 15 }) {
  const params = model === "paretonbd" ? { r: 0.55, alpha: 10, s: 0.6, beta: 12 } : { r: 0.5, alpha: 15, a: 0.8, b: 2.5 };
  return simulateShop(
    { model, params } as Parameters<typeof simulateShop>[0],
    spend,
    { customers: 800, startMs: Date.UTC(2023, 0, 1), joinWindowDays: 240, observationDays: 547 },
    new SeededRandom(seed),
  );
}

describe("scoring with a stored fit", () => {
  for (const model of ["bgnbd", "mbgnbd", "paretonbd"] as const) {
    it(`gives every customer what the analysis gave them (${model})`, () => {
      const analysis = analyzeShop(shop(model, 31), { asOf: AS_OF, timeZone: TIME_ZONE, model });
      expect(analysis.status, analysis.reason).toBe("fitted");
      const fit = stored(analysis);
      expect(fit.model).toBe(model);
      expect(fit.timeZone).toBe(TIME_ZONE);
      const prepared = prepareScoring(fit);
      // Parameter draws need the covariance of the final fit (analyzeShop's fit.covariance).
      expect(prepared.draws!.length, "the fit's covariance is stored").toBe(analysis.intervals!.draws);
      expectSameAsAnalysis(analysis, scoreSummaries(prepared, summaryColumns(analysis)));
    });
  }

  it("scores one customer alone exactly as among all the others", () => {
    const analysis = analyzeShop(shop("bgnbd", 32), { asOf: AS_OF, timeZone: TIME_ZONE });
    expect(analysis.status, analysis.reason).toBe("fitted");
    const prepared = prepareScoring(stored(analysis));
    const columns = summaryColumns(analysis);
    const rows = [0, 1, 2, 17, 99, analysis.customers.count - 1];
    const one = rows.map((i) =>
      scoreCustomer(prepared, {
        frequency: columns.frequency[i],
        recency: columns.recency[i],
        T: columns.T[i],
        monetary: columns.monetary[i],
        totalSpend: columns.totalSpend[i],
        orders: columns.orders[i],
        daysSinceLastPurchase: columns.daysSinceLastPurchase[i],
      }),
    );
    expectSameAsAnalysis(analysis, one, rows);
  });

  it("uses each customer's own average when Gamma-Gamma was refused", () => {
    // Only first purchases cost anything: no repeat customer has a positive mean spend, so Gamma-Gamma is refused.
    const transactions = shop("bgnbd", 35);
    const first = new Map<number, number>();
    transactions.customerIndex.forEach((c, k) => {
      const current = first.get(c);
      if (current === undefined || transactions.timesMs[k] < transactions.timesMs[current]) first.set(c, k);
    });
    const firstRows = new Set(first.values());
    const amounts = Float64Array.from(transactions.amounts, (amount, k) => (firstRows.has(k) ? amount : 0));
    const analysis = analyzeShop({ ...transactions, amounts }, { asOf: AS_OF, timeZone: TIME_ZONE });
    expect(analysis.status, analysis.reason).toBe("fitted");
    expect(analysis.expectedAverageValueSource).toBe("historic-average");
    const fit = stored(analysis);
    expect(fit.gammaGamma).toBeNull();
    expectSameAsAnalysis(analysis, scoreSummaries(prepareScoring(fit), summaryColumns(analysis)));
  });

  it("keeps segments and no predictions for a fit with insufficient data", () => {
    const rows: TransactionRow[] = [];
    for (let c = 0; c < 12; c++) rows.push({ customerKey: `c${c}`, time: Date.UTC(2024, 0, 1) + c * 9 * DAY, amount: 20 });
    rows.push({ customerKey: "c0", time: Date.UTC(2024, 3, 1), amount: 30 });
    const analysis = analyzeShop(columnsFromRows(rows), { asOf: AS_OF, timeZone: TIME_ZONE });
    expect(analysis.status).toBe("insufficient_data");
    const fit = stored(analysis);
    expect(fit.model).toBeNull();
    const predictions = scoreSummaries(prepareScoring(fit), summaryColumns(analysis));
    expectSameAsAnalysis(analysis, predictions);
    expect(predictions.every((p) => p.segment !== null && p.probabilityAlive === null)).toBe(true);
  });

  it("re-scores a lapsed customer who orders again as one who just bought", () => {
    const transactions = shop("bgnbd", 33);
    const analysis = analyzeShop(transactions, { asOf: AS_OF, timeZone: TIME_ZONE });
    expect(analysis.status, analysis.reason).toBe("fitted");
    const prepared = prepareScoring(stored(analysis));
    // The repeat buyer who has gone longest without a purchase.
    const c = analysis.customers.columns;
    let lapsed = -1;
    for (let i = 0; i < analysis.customers.count; i++)
      if (c.frequency[i] >= 2 && (lapsed < 0 || c.daysSinceLastPurchase[i] > c.daysSinceLastPurchase[lapsed])) lapsed = i;
    const before = analysis.customers.row(lapsed);
    expect(["At risk", "Can't lose", "Hibernating", "Lost"]).toContain(before.segment);

    // A new order today (a week after the fit): their history from the transactions, on the fit's calendar.
    const now = AS_OF.getTime() + 7 * DAY;
    const index = transactions.customerKeys.indexOf(before.customerKey);
    const times: number[] = [];
    const amounts: number[] = [];
    for (let k = 0; k < transactions.customerIndex.length; k++) {
      if (transactions.customerIndex[k] !== index || transactions.timesMs[k] > AS_OF.getTime()) continue;
      times.push(transactions.timesMs[k]);
      amounts.push(transactions.amounts[k]);
    }
    times.push(now - 3_600_000);
    amounts.push(42);
    const summary = summarizeTransactions(
      { customerKeys: times.map(() => before.customerKey), timesMs: times, amounts },
      { calibrationEndMs: now, timeZone: TIME_ZONE, period: "week" },
    );
    const after = scoreCustomer(prepared, {
      frequency: summary.frequency[0],
      recency: summary.recency[0],
      T: summary.T[0],
      monetary: summary.monetary[0],
      totalSpend: summary.totalSpend[0],
      orders: summary.orders[0],
      daysSinceLastPurchase: summary.calibrationEndDay - summary.lastPurchaseDay[0],
    });
    expect(summary.frequency[0]).toBe(before.frequency + 1);
    expect(after.probabilityAlive!).toBeGreaterThan(before.probabilityAlive! + 0.05);
    expect(after.expectedPurchases!).toBeGreaterThan(before.expectedPurchases!);
    expect(after.predictedClv!).toBeGreaterThan(before.predictedClv!);
    expect(["Champions", "Potential loyalist", "Loyal"]).toContain(after.segment);
  });
});

describe("segments on the fit's steps", () => {
  it("places every customer of the fit in their own segment and new customers by the same thresholds", () => {
    const analysis = analyzeShop(shop("bgnbd", 34), { asOf: AS_OF, timeZone: TIME_ZONE, backtest: false });
    const fit = stored(analysis);
    const c = analysis.customers.columns;
    for (let i = 0; i < analysis.customers.count; i++) {
      expect(segmentOf(fit.segments!, c.daysSinceLastPurchase[i], c.orders[i])).toBe(analysis.customers.row(i).segment);
    }
    // A first order today is "New"; a one-time buyer of long ago is "Lost".
    expect(segmentOf(fit.segments!, 0, 1)).toBe("New");
    expect(segmentOf(fit.segments!, 5_000, 1)).toBe("Lost");
    expect(segmentOf(fit.segments!, 0, 1_000)).toBe("Champions");
  });
});
