/**
 * The rolling-origin backtest on a hand-made shop (period: day): where the cut-offs fall, what each
 * calibration sees, and the naive baseline's scores, all computed by hand.
 */

import { describe, expect, it } from "vitest";
import { runBacktest, summarizeTransactions, type TransactionRow, columnsFromRows } from "../../app/clv/index.ts";
import { expectClose } from "./helpers.ts";

const DAY = 86_400_000;
const D0 = Date.UTC(2024, 0, 1);

/** customer → [day, amount] purchases (noon UTC). */
const PURCHASES: Record<string, [number, number][]> = {
  c0: [
    [0, 10],
    [10, 20],
    [45, 30],
    [70, 40],
    [90, 50],
  ],
  c1: [
    [5, 8],
    [50, 12],
  ],
  c2: [[30, 5]],
  c3: [
    [42, 7],
    [55, 9],
    [61, 11],
  ],
  c4: [
    [0, 4],
    [20, 6],
    [30, 8],
  ],
};

function summary() {
  const rows: TransactionRow[] = Object.entries(PURCHASES).flatMap(([customerKey, list]) =>
    list.map(([day, amount]) => ({ customerKey, time: D0 + day * DAY + 12 * 3_600_000, amount })),
  );
  // Calibration end: the end of day 100. The history spans 100 days, so h = 100/5 = 20 days: cut-offs at days 40, 60, 80.
  return summarizeTransactions(columnsFromRows(rows), { calibrationEndMs: D0 + 101 * DAY - 1, period: "day", keepPurchaseDays: true });
}

describe("the rolling-origin backtest", () => {
  const result = runBacktest(summary(), { models: ["bgnbd"], horizonDays: 365, minCustomers: 3, minRepeatCustomers: 1 });

  it("places three cut-offs, each followed by a holdout of the same length, ending at the calibration end", () => {
    expect(result.status).toBe("run");
    expect(result.holdoutDays).toBe(20);
    expect(result.cutoffs.map((c) => [c.calibrationEnd, c.holdoutEnd])).toEqual([
      ["2024-02-10", "2024-03-01"],
      ["2024-03-01", "2024-03-21"],
      ["2024-03-21", "2024-04-10"],
    ]);
    expect(result.cutoffs.map((c) => c.holdoutLength)).toEqual([20, 20, 20]);
  });

  it("sees at each cut-off only the customers and purchases up to it", () => {
    // Day 40: c3 has not bought yet; c0 (x=1) and c4 (x=2) are repeat buyers.
    // Day 60: everyone; c0, c1, c3, c4 repeat. Day 80: the same five, the same four.
    expect(result.cutoffs.map((c) => [c.customers, c.repeatCustomers])).toEqual([
      [4, 2],
      [5, 4],
      [5, 4],
    ]);
  });

  it("scores the naive baseline (each customer's past rate x/T times h) by hand", () => {
    // Day 40, holdout days 41–60: c0 x=1 T=40 → 0.5 predicted, 1 actual (day 45, 30); c1 x=0 → 0, 1 actual (day 50, 12);
    // c2 x=0 → 0, 0 actual; c4 x=2 T=40 → 1.0 predicted, 0 actual.
    const baseline = result.cutoffs[0].baseline!;
    expect(baseline.customers).toBe(4);
    expectClose(baseline.predictedPurchases, 1.5, 1e-12);
    expect(baseline.actualPurchases).toBe(2);
    expectClose(baseline.rmse, Math.sqrt((0.25 + 1 + 0 + 1) / 4), 1e-12);
    expectClose(baseline.actualRevenue, 42, 1e-12);
    // Historic average order values at day 40: c0 (10+20)/2, c4 (4+6+8)/3.
    expectClose(baseline.predictedRevenue, 0.5 * 15 + 1.0 * 6, 1e-12);
    expect(baseline.meanLogScore).toBeNull();
    // Day 60, holdout days 61–80: c0 2/60, c1 1/55, c3 1/18, c4 2/60 per day; actual c0 1 (day 70), c3 1 (day 61).
    const second = result.cutoffs[1].baseline!;
    const predicted = [(2 / 60) * 20, (1 / 55) * 20, 0, (1 / 18) * 20, (2 / 60) * 20];
    const actual = [1, 0, 0, 1, 0];
    expectClose(
      second.predictedPurchases,
      predicted.reduce((a, b) => a + b, 0),
      1e-12,
    );
    expectClose(second.rmse, Math.sqrt(predicted.reduce((sum, p, i) => sum + (p - actual[i]) ** 2, 0) / 5), 1e-12);
  });

  it("scores the model on the same customers, with finite values", () => {
    for (const cutoff of result.cutoffs) {
      const model = cutoff.models.bgnbd!;
      if (model.status !== "scored") continue;
      expect(model.scores!.customers).toBe(cutoff.customers);
      expect(model.scores!.actualPurchases).toBe(cutoff.baseline!.actualPurchases);
      expect(Number.isFinite(model.scores!.meanLogScore!)).toBe(true);
    }
  });

  it("runs on a systematic sample of customers when asked to", () => {
    const sampled = runBacktest(summary(), {
      models: ["bgnbd"],
      horizonDays: 365,
      minCustomers: 1,
      minRepeatCustomers: 1,
      maxCustomers: 2,
    });
    // Every third customer row: c0 and c3.
    expect(sampled.sampledCustomers).toBe(2);
    expect(sampled.totalCustomers).toBe(5);
    expect(sampled.cutoffs[1].customers).toBe(2);
  });

  it("skips a cut-off with too few customers, and does not run on a short history", () => {
    const strict = runBacktest(summary(), { models: ["bgnbd"], horizonDays: 365, minCustomers: 5, minRepeatCustomers: 1 });
    expect(strict.cutoffs[0].status).toBe("skipped");
    expect(strict.cutoffs[0].reason).toMatch(/4 customers \(2 repeat\) had bought by this cut-off; the fit needs at least 5/);
    const short = runBacktest(summary(), { models: ["bgnbd"], horizonDays: 6, minCustomers: 3, minRepeatCustomers: 1 });
    expect(short.status).toBe("not_run");
    expect(short.reason).toMatch(/at least 35 days/);
  });
});
