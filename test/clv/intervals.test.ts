/**
 * Per-customer intervals: the predictive distribution (with parameter draws) checked by hand on one customer,
 * the parameter draws, and the coverage of the 80% intervals on simulated shops — where the model is right,
 * the fractional (PIT) coverage must be within 3 points of 80%, and the share of customers inside their
 * interval within 3 points of what the model says it should be.
 */

import { describe, expect, it } from "vitest";
import {
  analyzeShop,
  bgnbdProbabilityOfPurchases,
  COUNTING_MODELS,
  parameterDraws,
  paramsVector,
  predictivePurchases,
  type ModelParams,
} from "../../app/clv/index.ts";
import { newDistributionScratch } from "../../app/clv/models.ts";
import { inverseNormalCdf, standardNormalDraws } from "../../app/clv/parameter-draws.ts";
import { SeededRandom, simulateShop } from "../../testkit/clv/simulate.ts";
import { expectClose } from "./helpers.ts";

describe("parameter draws", () => {
  it("uses a correct inverse normal CDF", () => {
    expectClose(inverseNormalCdf(0.975), 1.959963985, 1e-8);
    expectClose(inverseNormalCdf(0.9), 1.281551566, 1e-8);
    expectClose(inverseNormalCdf(0.01), -2.326347874, 1e-8);
    expectClose(inverseNormalCdf(0.5), 0, 1e-12);
  });

  it("draws around the estimate with the fit's covariance, in antithetic pairs", () => {
    const estimate = [0.5, 10, 0.8, 2.5];
    // Standard errors of the logs 0.1, 0.2, 0.3, 0.4; ln r and ln α correlated 0.5.
    const sd = [0.1, 0.2, 0.3, 0.4];
    const covariance = new Float64Array(16);
    for (let i = 0; i < 4; i++) covariance[i * 4 + i] = sd[i] * sd[i];
    covariance[1] = covariance[4] = 0.5 * sd[0] * sd[1];
    const draws = parameterDraws(estimate, covariance, 32);
    expect(draws).toHaveLength(32);
    for (let j = 0; j < 4; j++) {
      const logs = draws.map((d) => Math.log(d[j]));
      const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
      expectClose(mean, Math.log(estimate[j]), 1e-12, `mean of ln parameter ${j}`);
      const variance = logs.reduce((a, b) => a + (b - mean) ** 2, 0) / logs.length;
      expectClose(Math.sqrt(variance), sd[j], 1e-9, `sd of ln parameter ${j}`);
    }
    // And the correlation of ln r and ln α.
    const l0 = draws.map((d) => Math.log(d[0] / estimate[0]));
    const l1 = draws.map((d) => Math.log(d[1] / estimate[1]));
    expectClose(l0.reduce((sum, v, k) => sum + v * l1[k], 0) / 32, covariance[1], 1e-12, "cov(ln r, ln α)");
    expect(parameterDraws(estimate, null, 32)).toEqual([Float64Array.from(estimate)]);
    // The points themselves: mean 0, sample covariance exactly the identity, mirror images in pairs.
    const points = standardNormalDraws(32, 4);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        const moment = points.reduce((sum, z) => sum + z[i] * z[j], 0) / points.length;
        expectClose(moment, i === j ? 1 : 0, 1e-12, `E[z${i} z${j}]`);
      }
    }
    for (let k = 0; k < 32; k += 2) for (let j = 0; j < 4; j++) expect(points[k + 1][j]).toBeCloseTo(-points[k][j], 12);
  });
});

describe("the predictive distribution of one customer, by hand", () => {
  it("gives the percentiles, log score and PIT coverage of the BG/NBD distribution", () => {
    // A one-time buyer under BG/NBD is alive, so their distribution is that of a new customer with r, α + T.
    const params = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    const T = 10;
    const t = 52;
    const pmf = Array.from({ length: 40 }, (_, n) => bgnbdProbabilityOfPurchases({ ...params, alpha: params.alpha + T }, t, n));
    const cdf = pmf.map((_, n) => pmf.slice(0, n + 1).reduce((a, b) => a + b, 0));
    const q10 = cdf.findIndex((value) => value >= 0.1);
    const q90 = cdf.findIndex((value) => value >= 0.9);
    const actual = 2;
    const result = predictivePurchases(
      COUNTING_MODELS.bgnbd,
      { frequency: [0], recency: [0], T: [T] },
      { t, draws: [paramsVector(COUNTING_MODELS.bgnbd, params)], actual: [actual] },
    );
    expect(result.low[0]).toBe(q10);
    expect(result.high[0]).toBe(q90);
    expectClose(result.logScore![0], Math.log(pmf[actual]), 1e-10);
    expect(result.inInterval![0]).toBe(actual >= q10 && actual <= q90 ? 1 : 0);
    expectClose(result.intervalProbability![0], cdf[q90] - (q10 > 0 ? cdf[q10 - 1] : 0), 1e-10);
    const overlap = Math.max(0, Math.min(cdf[actual], 0.9) - Math.max(cdf[actual - 1], 0.1));
    expectClose(result.pitCoverage![0], overlap / pmf[actual], 1e-10);
  });

  it("widens the interval of a thinly supported fit when parameter uncertainty is mixed in", () => {
    const model = COUNTING_MODELS.paretonbd;
    const estimate = paramsVector(model, { r: 0.55, alpha: 10.6, s: 0.6, beta: 11.7 });
    const covariance = new Float64Array(16);
    // Standard errors of 1 on every log-parameter: a fit that the data barely pin down.
    for (let i = 0; i < 4; i++) covariance[i * 4 + i] = 1;
    // Young customers: their own history says little, so the population parameters matter.
    const input = { frequency: [0, 0, 1, 3, 12], recency: [0, 0, 1, 2, 3], T: [0, 2, 2, 4, 4] };
    const point = predictivePurchases(model, input, { t: 52, draws: [estimate] });
    const mixed = predictivePurchases(model, input, { t: 52, draws: parameterDraws(estimate, covariance, 32) });
    let pointWidth = 0;
    let mixedWidth = 0;
    for (let i = 0; i < 5; i++) {
      expect(mixed.low[i]).toBeLessThanOrEqual(point.low[i]);
      expect(mixed.high[i]).toBeGreaterThan(point.high[i]);
      pointWidth += point.high[i] - point.low[i];
      mixedWidth += mixed.high[i] - mixed.low[i];
    }
    expect(mixedWidth).toBeGreaterThan(pointWidth);
  });
});

describe("the precision of the pmfs behind the percentiles", () => {
  // Scoring asks for percentiles alone, so its pmfs take the mass past their last count as 1 minus the mass
  // before it ("absolute" precision); log scores of observed counts sum that tail ("relative"). The two must
  // agree to about 1e-16 and give every customer the same percentiles.
  const draws = parameterDraws(
    [0.5, 20, 0.6, 2.5],
    Float64Array.from({ length: 16 }, (_, k) => (k % 5 === 0 ? 0.04 : 0)),
    8,
  );
  const customers = { frequency: [] as number[], recency: [] as number[], T: [] as number[] };
  for (const x of [0, 1, 2, 5, 12, 40])
    for (const T of [1, 30, 120, 360, 540])
      for (const share of [0, 0.3, 1]) {
        customers.frequency.push(x);
        customers.recency.push(x === 0 ? 0 : share * T);
        customers.T.push(T);
      }

  for (const name of ["bgnbd", "mbgnbd"] as const) {
    it(`agrees to 1e-15 with the summed tail and gives the same percentiles (${name})`, () => {
      const model = COUNTING_MODELS[name];
      const scratch = newDistributionScratch();
      const relative = new Float64Array(12);
      const absolute = new Float64Array(12);
      let largestTail = 0;
      for (const p of draws)
        for (let i = 0; i < customers.T.length; i++) {
          model.alivePurchasePmf(p, customers.frequency[i], customers.T[i], 365, relative, 0, 12, scratch, "relative");
          model.alivePurchasePmf(p, customers.frequency[i], customers.T[i], 365, absolute, 0, 12, scratch, "absolute");
          for (let n = 0; n < 12; n++) expect(Math.abs(absolute[n] - relative[n]), `P(${n}) of customer ${i}`).toBeLessThan(1e-15);
          largestTail = Math.max(largestTail, 1 - relative.reduce((a, b) => a + b, 0));
        }
      // Some pmfs leave real mass past their 12 counts (heavy buyers), so the tail was not 0 throughout.
      expect(largestTail).toBeGreaterThan(0.1);

      const withScores = predictivePurchases(model, customers, { t: 365, draws, actual: customers.frequency.map(() => 0) });
      const percentilesOnly = predictivePurchases(model, customers, { t: 365, draws });
      expect([...percentilesOnly.low]).toEqual([...withScores.low]);
      expect([...percentilesOnly.high]).toEqual([...withScores.high]);
      expect(new Set(percentilesOnly.high).size).toBeGreaterThan(5);
    });
  }
});

describe("coverage of the 80% intervals on simulated shops", () => {
  const START = Date.UTC(2023, 0, 1);
  const DAY = 86_400_000;
  const shops: ModelParams[] = [
    { model: "bgnbd", params: { r: 0.5, alpha: 20, a: 0.6, b: 2.5 } },
    { model: "paretonbd", params: { r: 0.5, alpha: 20, s: 1, beta: 200 } },
  ];
  for (const shop of shops) {
    it(`is within 3 points of nominal in the backtest and on a holdout (${shop.model})`, () => {
      const transactions = simulateShop(
        shop,
        { p: 6, q: 4, v: 15 },
        { customers: 4000, startMs: START, joinWindowDays: 240, observationDays: 540 },
        new SeededRandom(7),
      );
      // Calibration to day 360, the rest (26 weeks) a holdout the model never saw.
      const result = analyzeShop(transactions, { asOf: new Date(START + 360 * DAY - 1), period: "week", model: shop.model });
      expect(result.status, result.reason).toBe("fitted");
      const backtest = result.modelChoice!.averages[shop.model]!;
      expectClose(backtest.pitCoverage!, 0.8, 0.03, "backtest PIT coverage");
      expectClose(backtest.coverage!, backtest.expectedCoverage!, 0.03, "backtest share inside");
      const holdout = result.holdout!;
      expectClose(holdout.length, 180 / 7, 1e-9);
      expectClose(holdout.pitCoverage, 0.8, 0.03, "holdout PIT coverage");
      expectClose(holdout.coverage, holdout.expectedCoverage, 0.03, "holdout share inside");
      // The interval columns: ordered, non-negative, consistent with the holdout counts.
      const c = result.customers.columns;
      let inside = 0;
      for (let i = 0; i < result.customers.count; i++) {
        expect(c.purchasesLow![i]).toBeGreaterThanOrEqual(0);
        expect(c.purchasesHigh![i]).toBeGreaterThanOrEqual(c.purchasesLow![i]);
        expect(c.valueHigh![i]).toBeGreaterThanOrEqual(c.valueLow![i]);
        if (c.holdoutActual![i] >= c.holdoutLow![i] && c.holdoutActual![i] <= c.holdoutHigh![i]) inside++;
      }
      expectClose(inside / result.customers.count, holdout.coverage, 1e-12);
    });
  }
});
