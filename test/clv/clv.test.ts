import { beforeAll, describe, expect, it } from "vitest";
import {
  bgnbdConditionalExpectedPurchases,
  bgnbdProbabilityAlive,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  gammaGammaExpectedAverageValue,
  scoreCustomers,
  UNITS_PER_MONTH,
  type BgNbdParams,
  type GammaGammaParams,
} from "../../app/clv/index.ts";
import { expectClose, publishedSummaryColumns } from "./helpers.ts";

let data: ReturnType<typeof publishedSummaryColumns>;
let bgnbd: BgNbdParams;
let spend: GammaGammaParams;
let expectedValue: Float64Array;

beforeAll(() => {
  data = publishedSummaryColumns();
  bgnbd = fitBgNbd(data).params;
  const gg = fitGammaGamma(data);
  if (gg.status !== "fitted") throw new Error(gg.reason);
  spend = gg.params;
  expectedValue = Float64Array.from(data.frequency, (x, i) => gammaGammaExpectedAverageValue(spend, x, data.monetary[i]));
});

/** CLV written out term by term from the definition, one customer at a time. */
function clvByDefinition(i: number, months: number, rate: number, unitsPerMonth: number): number {
  let total = 0;
  let previous = 0;
  for (let k = 1; k <= months; k++) {
    const current = bgnbdConditionalExpectedPurchases(bgnbd, k * unitsPerMonth, data.frequency[i], data.recency[i], data.T[i]);
    total += (expectedValue[i] * (current - previous)) / Math.pow(1 + rate, k);
    previous = current;
  }
  return total;
}

describe("predicted CLV", () => {
  it("a month is 4.345 weeks = 30.415 days", () => {
    expect(UNITS_PER_MONTH.week).toBe(4.345);
    expectClose(UNITS_PER_MONTH.day, 30.415, 1e-12);
  });

  it("CDNOW, weeks, 12 months, d = 0.01: first customers 36.28, 4.64, 8.34, 8.34, 8.34, 283.52", () => {
    const clv = customerLifetimeValue(bgnbd, data, expectedValue, { horizonMonths: 12, monthlyDiscountRate: 0.01 });
    expect(Array.from(clv.subarray(0, 6), (v) => v.toFixed(2))).toEqual(["36.28", "4.64", "8.34", "8.34", "8.34", "283.52"]);
  });

  it("equals the definition summed term by term, for other horizons and rates", () => {
    for (const [months, rate] of [
      [1, 0],
      [6, 0.05],
      [24, 0.01],
    ]) {
      const clv = customerLifetimeValue(bgnbd, data, expectedValue, { horizonMonths: months, monthlyDiscountRate: rate });
      for (const i of [0, 1, 5, 8, 100]) {
        expectClose(clv[i], clvByDefinition(i, months, rate, 4.345), 1e-9 * Math.max(1, clv[i]), `customer ${i + 1}, ${months} months`);
      }
    }
  });

  it("without discounting is m̂ · E[Y(H·f)]; with zero horizon it is 0", () => {
    const undiscounted = customerLifetimeValue(bgnbd, data, expectedValue, { horizonMonths: 12, monthlyDiscountRate: 0 });
    const i = 5;
    const purchases = bgnbdConditionalExpectedPurchases(bgnbd, 12 * 4.345, data.frequency[i], data.recency[i], data.T[i]);
    expectClose(undiscounted[i], expectedValue[i] * purchases, 1e-9);
    const none = customerLifetimeValue(bgnbd, data, expectedValue, { horizonMonths: 0 });
    expect(none.every((v) => v === 0)).toBe(true);
    // Discounting can only lower the value.
    const discounted = customerLifetimeValue(bgnbd, data, expectedValue, { horizonMonths: 12, monthlyDiscountRate: 0.01 });
    for (let k = 0; k < 50; k++) expect(discounted[k]).toBeLessThanOrEqual(undiscounted[k] + 1e-12);
  });

  it("the same shop in days (α × 7, times × 7) gets the same CLV as in weeks", () => {
    const inDays = { ...bgnbd, alpha: bgnbd.alpha * 7 };
    const history = { frequency: data.frequency, recency: data.recency.map((v) => v * 7), T: data.T.map((v) => v * 7) };
    const days = customerLifetimeValue(inDays, history, expectedValue, { unitsPerMonth: UNITS_PER_MONTH.day });
    const weeks = customerLifetimeValue(bgnbd, data, expectedValue, { unitsPerMonth: UNITS_PER_MONTH.week });
    for (let i = 0; i < 100; i++) expectClose(days[i], weeks[i], 1e-9 * Math.max(1, weeks[i]));
  });

  it("scores per distinct (x, T) equal per-customer formulas", () => {
    const scores = scoreCustomers(bgnbd, data, { horizonMonths: 12 });
    for (const i of [0, 1, 2, 5, 42, 2356]) {
      expectClose(scores.probabilityAlive[i], bgnbdProbabilityAlive(bgnbd, data.frequency[i], data.recency[i], data.T[i]), 1e-15);
      expectClose(
        scores.expectedPurchases[i],
        bgnbdConditionalExpectedPurchases(bgnbd, 12 * 4.345, data.frequency[i], data.recency[i], data.T[i]),
        1e-12,
      );
    }
  });

  it("rejects invalid options", () => {
    expect(() => scoreCustomers(bgnbd, data, { horizonMonths: -1 })).toThrow(RangeError);
    expect(() => scoreCustomers(bgnbd, data, { monthlyDiscountRate: Number.NaN })).toThrow(RangeError);
    expect(() => scoreCustomers(bgnbd, data, { unitsPerMonth: 0 })).toThrow(RangeError);
  });
});
