/**
 * The evidence behind the accuracy page: the weekly tracking series and the calibration buckets of the
 * backtest's last holdout, checked by hand on a tiny shop and against the backtest's own aggregates and
 * an independent count of the raw purchases on a simulated shop.
 */

import { describe, expect, it } from "vitest";
import {
  analyzeShop,
  columnsFromRows,
  dayNumberOfDate,
  holdoutEvidence,
  runBacktest,
  summarizeTransactions,
  type TransactionRow,
} from "../../app/clv/index.ts";
import { SeededRandom, simulateShop } from "../../testkit/clv/simulate.ts";
import { expectClose } from "./helpers.ts";

const DAY = 86_400_000;
const D0 = Date.UTC(2024, 0, 1);

/** The hand-made shop of backtest.test.ts: customer → purchase days (noon UTC). */
const PURCHASES: Record<string, number[]> = {
  c0: [0, 10, 45, 70, 90],
  c1: [5, 50],
  c2: [30],
  c3: [42, 55, 61],
  c4: [0, 20, 30],
};

function handSummary() {
  const rows: TransactionRow[] = Object.entries(PURCHASES).flatMap(([customerKey, days]) =>
    days.map((day) => ({ customerKey, time: D0 + day * DAY + 12 * 3_600_000, amount: 10 })),
  );
  // Calibration end: the end of day 100; h = 20 days, cut-offs at days 40, 60, 80.
  return summarizeTransactions(columnsFromRows(rows), { calibrationEndMs: D0 + 101 * DAY - 1, period: "day", keepPurchaseDays: true });
}

describe("holdout evidence on a hand-made shop", () => {
  const summary = handSummary();
  const backtest = runBacktest(summary, { models: ["bgnbd"], horizonDays: 365, minCustomers: 3, minRepeatCustomers: 1 });
  const evidence = holdoutEvidence(summary, backtest, "bgnbd", { buckets: 4 })!;

  it("uses the last scored cut-off, in weeks of 7 days with a shorter last week", () => {
    expect(evidence).not.toBeNull();
    expect(evidence.calibrationEnd).toBe("2024-03-21");
    expect(evidence.holdoutEnd).toBe("2024-04-10");
    expect(evidence.weeks.map((w) => [w.start, w.end, w.days])).toEqual([
      ["2024-03-22", "2024-03-28", 7],
      ["2024-03-29", "2024-04-04", 7],
      ["2024-04-05", "2024-04-10", 6],
    ]);
  });

  it("counts the actual purchases per week by hand", () => {
    // Holdout days 81–100: only c0 buys, on day 90 (the second week).
    expect(evidence.weeks.map((w) => w.actual)).toEqual([0, 1, 0]);
    expect(evidence.actualPurchases).toBe(1);
  });

  it("gives the naive baseline per week: each customer's past rate times the week's length", () => {
    // At day 80: c0 x=3 T=80, c1 x=1 T=75, c2 x=0 T=50, c3 x=2 T=38, c4 x=2 T=80.
    const rate = 3 / 80 + 1 / 75 + 0 + 2 / 38 + 2 / 80;
    expect(evidence.weeks.map((w) => w.baseline)).toEqual([rate * 7, rate * 7, rate * 6].map((v) => expect.closeTo(v, 12)));
    expectClose(evidence.baselinePurchases, backtest.cutoffs[2].baseline!.predictedPurchases, 1e-12);
  });

  it("adds the weekly predictions up to the backtest's aggregate prediction", () => {
    const scores = backtest.cutoffs[2].models.bgnbd!.scores!;
    const sum = evidence.weeks.reduce((s, w) => s + w.predicted, 0);
    expectClose(sum, scores.predictedPurchases, 1e-9);
    expectClose(evidence.predictedPurchases, scores.predictedPurchases, 1e-9);
    expect(evidence.weeks.every((w) => w.predicted >= 0)).toBe(true);
  });

  it("puts every customer in one calibration bucket, within the bucket's bounds", () => {
    expect(evidence.calibration.reduce((s, b) => s + b.customers, 0)).toBe(5);
    for (const b of evidence.calibration) {
      expect(b.predicted).toBeGreaterThanOrEqual(b.lower);
      expect(b.predicted).toBeLessThanOrEqual(b.upper);
      expect(b.observed).toBeGreaterThanOrEqual(0);
      expect(b.observed).toBeLessThanOrEqual(1);
    }
    // One buyer in the holdout (c0): the observed shares add up to one customer.
    expectClose(
      evidence.calibration.reduce((s, b) => s + b.observed * b.customers, 0),
      1,
      1e-12,
    );
  });

  it("is null for a model the backtest did not score", () => {
    expect(holdoutEvidence(summary, backtest, "paretonbd")).toBeNull();
  });
});

describe("holdout evidence on a simulated shop", () => {
  const random = new SeededRandom(2024);
  const simulated = simulateShop(
    { model: "bgnbd", params: { r: 0.243, alpha: 31, a: 0.793, b: 2.426 } },
    { p: 6.25, q: 3.74, v: 15.44 },
    { customers: 3_000, startMs: D0, joinWindowDays: 200, observationDays: 540 },
    random,
  );
  const asOf = new Date(D0 + 540 * DAY - 1);
  const analysis = analyzeShop(simulated, { asOf, period: "week" });

  it("stores the evidence of the model behind the predictions", () => {
    expect(analysis.status).toBe("fitted");
    expect(analysis.evidence).not.toBeNull();
    expect(analysis.evidence!.model).toBe(analysis.model);
  });

  it("tracks the same totals as the backtest's last cut-off, and counts the raw purchases per week", () => {
    const evidence = analysis.evidence!;
    const cutoffs = analysis.modelChoice!.cutoffs;
    const last = cutoffs[cutoffs.length - 1];
    const scores = last.models[evidence.model]!.scores!;
    expect(evidence.calibrationEnd).toBe(last.calibrationEnd);
    expect(evidence.customers).toBe(scores.customers);
    expectClose(
      evidence.weeks.reduce((s, w) => s + w.predicted, 0),
      scores.predictedPurchases,
      1e-9 * scores.predictedPurchases,
    );
    expect(evidence.weeks.reduce((s, w) => s + w.actual, 0)).toBe(scores.actualPurchases);
    expect(evidence.weeks.reduce((s, w) => s + w.days, 0)).toBe(evidence.holdoutDays);

    // Independently: distinct purchase days (UTC) per customer in each holdout week, for customers who had bought by the cut-off.
    const [y, m, d] = last.calibrationEnd.split("-").map(Number);
    const cutoffDay = dayNumberOfDate(y, m, d);
    const daysByCustomer = new Map<number, Set<number>>();
    for (let i = 0; i < simulated.timesMs.length; i++) {
      const day = Math.floor(simulated.timesMs[i] / DAY);
      const set = daysByCustomer.get(simulated.customerIndex[i]) ?? new Set<number>();
      set.add(day);
      daysByCustomer.set(simulated.customerIndex[i], set);
    }
    const weekly = new Array<number>(evidence.weeks.length).fill(0);
    let buyers = 0;
    let counted = 0;
    for (const days of daysByCustomer.values()) {
      if (Math.min(...days) > cutoffDay) continue;
      counted++;
      let bought = false;
      for (const day of days) {
        const offset = day - cutoffDay;
        if (offset >= 1 && offset <= evidence.holdoutDays) {
          weekly[Math.floor((offset - 1) / 7)]++;
          bought = true;
        }
      }
      if (bought) buyers++;
    }
    expect(counted).toBe(evidence.customers);
    expect(evidence.weeks.map((w) => w.actual)).toEqual(weekly);
    // Calibration buckets cover every customer, and their observed shares add up to the customers who bought.
    expect(evidence.calibration.reduce((s, b) => s + b.customers, 0)).toBe(evidence.customers);
    expectClose(
      evidence.calibration.reduce((s, b) => s + b.observed * b.customers, 0),
      buyers,
      1e-9,
    );
  });

  it("is calibrated on data from the model itself: predicted and observed within sampling error per bucket", () => {
    for (const b of analysis.evidence!.calibration) {
      if (b.customers < 100) continue;
      const se = Math.sqrt((b.predicted * (1 - b.predicted)) / b.customers);
      expect(Math.abs(b.observed - b.predicted), `bucket ${b.lower}`).toBeLessThan(4 * se + 0.02);
    }
  });

  it("is absent without a backtest, and says how many repeat customers a thin shop needs", () => {
    expect(analyzeShop(simulated, { asOf, period: "week", backtest: false }).evidence).toBeNull();
    const rows: TransactionRow[] = [];
    for (let i = 0; i < 12; i++) rows.push({ customerKey: `c${i}`, time: D0 + i * DAY, amount: 10 });
    for (let i = 0; i < 3; i++) rows.push({ customerKey: `c${i}`, time: D0 + (30 + i) * DAY, amount: 10 });
    const thin = analyzeShop(columnsFromRows(rows), { asOf: new Date(D0 + 60 * DAY) });
    expect(thin.status).toBe("insufficient_data");
    expect(thin.shortfall).toEqual({ moreRepeatCustomers: 47 });
  });
});
