import { describe, expect, it } from "vitest";
import {
  experimentReport,
  exposureOf,
  firstExposures,
  outcomesFromOrders,
  studentT975,
  welchDifference,
  sampleMoments,
  type Arm,
  type CustomerOutcome,
  type ExperimentDefinition,
  type Exposure,
} from "../../app/experiments/index.ts";
import { Random } from "./random.ts";

const START = Date.UTC(2026, 9, 1);
const DAY = 86_400_000;

function exposuresOf(arms: Arm[]): Map<string, Exposure> {
  return new Map(arms.map((arm, i) => [String(i + 1), { experimentKey: "offers", customerId: String(i + 1), arm, atMs: START }]));
}

describe("Welch's difference", () => {
  it("matches a hand computation", () => {
    // Treatment 1, 2, 3, 4 (mean 2.5, variance 5/3); holdout 2, 4, 6 (mean 4, variance 4).
    const estimate = welchDifference(sampleMoments([1, 2, 3, 4]), sampleMoments([2, 4, 6]));
    const a = 5 / 3 / 4;
    const b = 4 / 3;
    const se = Math.sqrt(a + b);
    const df = (a + b) ** 2 / (a ** 2 / 3 + b ** 2 / 2);
    expect(estimate.estimate).toBeCloseTo(-1.5, 12);
    expect(estimate.standardError).toBeCloseTo(se, 12);
    expect(estimate.degreesOfFreedom).toBeCloseTo(df, 12);
    expect(estimate.high - estimate.estimate).toBeCloseTo(studentT975(df) * se, 12);
    expect(estimate.minimumDetectable).toBeCloseTo(2.8016 * se, 3);
  });

  it("uses Student's t quantiles (tables: 2.570582 at 5, 2.228139 at 10, 2.042272 at 30, 1.983972 at 100, 1.959964 at ∞)", () => {
    expect(studentT975(5)).toBeCloseTo(2.570582, 3);
    expect(studentT975(10)).toBeCloseTo(2.228139, 4);
    expect(studentT975(30)).toBeCloseTo(2.042272, 5);
    expect(studentT975(100)).toBeCloseTo(1.983972, 5);
    expect(studentT975(Number.POSITIVE_INFINITY)).toBeCloseTo(1.959964, 6);
  });
});

describe("exposures", () => {
  const definition: ExperimentDefinition = {
    key: "offers",
    salt: "shop-salt-4f1c9a",
    holdoutShare: 0.5,
    startsAtMs: START,
    endsAtMs: START + 30 * DAY,
  };

  it("records the hashed arm within the experiment's dates only", () => {
    expect(exposureOf(definition, "42", START - 1)).toBeNull();
    expect(exposureOf(definition, "42", START + 30 * DAY)).toBeNull();
    const exposure = exposureOf(definition, "gid://shopify/Customer/42", START + DAY);
    expect(exposure).toMatchObject({ experimentKey: "offers", customerId: "42", atMs: START + DAY });
    expect(exposureOf(definition, 42, START + 2 * DAY)?.arm).toBe(exposure?.arm);
  });

  it("keeps each customer's first exposure and drops customers seen in both arms", () => {
    const records: Exposure[] = [
      { experimentKey: "offers", customerId: "1", arm: "treatment", atMs: START + 5 },
      { experimentKey: "offers", customerId: "1", arm: "treatment", atMs: START + 2 },
      { experimentKey: "offers", customerId: "2", arm: "holdout", atMs: START },
      { experimentKey: "offers", customerId: "3", arm: "holdout", atMs: START },
      { experimentKey: "offers", customerId: "3", arm: "treatment", atMs: START + 1 },
      { experimentKey: "other", customerId: "4", arm: "holdout", atMs: START },
    ];
    const first = firstExposures(records, "offers");
    expect([...first.byCustomer.keys()]).toEqual(["1", "2"]);
    expect(first.byCustomer.get("1")?.atMs).toBe(START + 2);
    expect(first.conflicting).toBe(1);
  });

  it("sums each customer's revenue and cost from their first exposure until the end", () => {
    const first = exposuresOf(["treatment", "holdout"]);
    first.set("1", { ...(first.get("1") as Exposure), atMs: START + DAY });
    const outcomes = outcomesFromOrders(
      first,
      [
        { customerId: "1", processedAtMs: START, revenueMinor: 999 }, // before exposure
        { customerId: "1", processedAtMs: START + DAY, revenueMinor: 5000, costMinor: 500 },
        { customerId: "1", processedAtMs: START + 3 * DAY, revenueMinor: 2000 },
        { customerId: "1", processedAtMs: START + 10 * DAY, revenueMinor: 777 }, // after the end
        { customerId: "3", processedAtMs: START + DAY, revenueMinor: 1000 }, // not exposed
      ],
      { untilMs: START + 10 * DAY, predictedValue: new Map([["1", 12_000]]) },
    );
    expect(outcomes.get("1")).toEqual({ revenueMinor: 7000, costMinor: 500, predictedValueMinor: 12_000 });
    expect(outcomes.get("2")).toEqual({ revenueMinor: 0, costMinor: 0, predictedValueMinor: null });
    expect(outcomes.has("3")).toBe(false);
  });
});

describe("experiment report", () => {
  it("summarizes the arms and computes the differences as documented", () => {
    const arms: Arm[] = ["treatment", "treatment", "treatment", "treatment", "holdout", "holdout", "holdout"];
    const revenue = [1000, 2000, 3000, 4000, 2000, 4000, 6000];
    const cost = [100, 100, 100, 100, 0, 0, 0];
    const predicted = [10_000, 12_000, 14_000, null, 9_000, 10_000, 11_000];
    const outcomes = new Map<string, CustomerOutcome>(
      arms.map((_, i) => [String(i + 1), { revenueMinor: revenue[i], costMinor: cost[i], predictedValueMinor: predicted[i] }]),
    );
    const report = experimentReport("offers", exposuresOf(arms), outcomes, { minCustomersPerArm: 3, minBuyersPerArm: 3, marginRate: 0.5 });
    expect(report.treatment).toEqual({
      arm: "treatment",
      customers: 4,
      buyers: 4,
      revenueMinor: 10_000,
      revenuePerCustomer: 2500,
      costMinor: 400,
      costPerCustomer: 100,
      customersWithPrediction: 3,
      predictedValuePerCustomer: 12_000,
    });
    expect(report.holdout).toMatchObject({ customers: 3, revenuePerCustomer: 4000, costPerCustomer: 0, predictedValuePerCustomer: 10_000 });
    expect(report.sample.sufficient).toBe(true);
    expect(report.incrementalRevenuePerCustomer?.estimate).toBeCloseTo(-1500, 9);
    expect(report.incrementalRevenueTotal?.estimate).toBeCloseTo(-6000, 9);
    // Short term: 0.5 · revenue − cost: treatment 400, 900, 1400, 1900 (mean 1150); holdout 1000, 2000, 3000 (mean 2000).
    expect(report.shortTermNetPerCustomer?.estimate).toBeCloseTo(-850, 9);
    // 12 months: 0.5 · predicted − cost: treatment 4900, 5900, 6900 (mean 5900); holdout 4500, 5000, 5500 (mean 5000).
    expect(report.twelveMonth.valueDifferencePerCustomer?.estimate).toBeCloseTo(2000, 9);
    expect(report.twelveMonth.netPerCustomer?.estimate).toBeCloseTo(900, 9);
    expect(report.twelveMonth.costPerCustomer).toBe(100);
    expect(report.twelveMonth.returnOnCost).toBeCloseTo(9, 9);
    expect(report.verdict.revenue).toBe("inconclusive");
  });

  it("says plainly when the sample is too small", () => {
    const arms: Arm[] = [...Array(150).fill("treatment"), ...Array(40).fill("holdout")];
    const outcomes = new Map<string, CustomerOutcome>(
      arms.map((_, i) => [String(i + 1), { revenueMinor: i % 3 === 0 ? 5000 : 0, costMinor: 0, predictedValueMinor: 8000 }]),
    );
    const report = experimentReport("offers", exposuresOf(arms), outcomes);
    expect(report.sample).toEqual({ sufficient: false, reasons: ["only 40 customers in the holdout arm (at least 100 needed)"] });
    expect(report.verdict).toEqual({ revenue: "too_small", shortTerm: "too_small", twelveMonth: "too_small" });
    expect(report.summary).toEqual(["Too early to tell: only 40 customers in the holdout arm (at least 100 needed)."]);
    // The estimate is still reported, for what it is worth.
    expect(report.incrementalRevenuePerCustomer).not.toBeNull();

    const fewBuyers = new Map<string, CustomerOutcome>(
      arms.map((_, i) => [String(i + 1), { revenueMinor: i < 5 ? 5000 : 0, costMinor: 0, predictedValueMinor: null }]),
    );
    const report2 = experimentReport("offers", exposuresOf(arms), fewBuyers, { minCustomersPerArm: 30 });
    expect(report2.sample.reasons).toEqual([
      "only 5 customers bought in the treatment arm (at least 10 needed)",
      "only 0 customers bought in the holdout arm (at least 10 needed)",
    ]);
  });
});

/**
 * Simulated experiments with a known effect: a customer buys with probability 10 % (holdout) or 13 %
 * (treatment), spending a lognormal amount with median 50.00 and σ = 0.8, so the true difference in
 * revenue per customer is 0.03 · E[amount] = 0.03 · 5000 · e^0.32 minor units.
 */
function simulate(seed: number, perArm: number) {
  const random = new Random(seed);
  const arms: Arm[] = [];
  const outcomes = new Map<string, CustomerOutcome>();
  for (let i = 0; i < 2 * perArm; i++) {
    const arm: Arm = i < perArm ? "treatment" : "holdout";
    const buys = random.next() < (arm === "treatment" ? 0.13 : 0.1);
    const revenue = buys ? Math.round(5000 * Math.exp(0.8 * random.normal())) : 0;
    // Predicted 12-month value: a base that does not depend on the arm, plus 1,000 more in treatment; perk cost 60.
    const predicted = Math.round(8000 * Math.exp(0.5 * random.normal())) + (arm === "treatment" ? 1000 : 0);
    arms.push(arm);
    outcomes.set(String(i + 1), { revenueMinor: revenue, costMinor: arm === "treatment" ? 60 : 0, predictedValueMinor: predicted });
  }
  return experimentReport("offers", exposuresOf(arms), outcomes);
}

describe("incrementality on simulated experiments with a known effect", () => {
  const trueRevenueDifference = 0.03 * 5000 * Math.exp(0.32);
  const trueTwelveMonthNet = 1000 - 60;

  it("covers the true revenue difference at about the nominal 95 % over repeated seeds", () => {
    const runs = 400;
    let coveredRevenue = 0;
    let coveredTwelveMonth = 0;
    for (let seed = 1; seed <= runs; seed++) {
      const report = simulate(seed, 1000);
      const revenue = report.incrementalRevenuePerCustomer;
      const longTerm = report.twelveMonth.netPerCustomer;
      if (revenue !== null && revenue.low <= trueRevenueDifference && trueRevenueDifference <= revenue.high) coveredRevenue++;
      if (longTerm !== null && longTerm.low <= trueTwelveMonthNet && trueTwelveMonthNet <= longTerm.high) coveredTwelveMonth++;
    }
    // 400 runs: the coverage rate's standard deviation is 1.1 points.
    expect(coveredRevenue / runs).toBeGreaterThan(0.92);
    expect(coveredRevenue / runs).toBeLessThan(0.98);
    expect(coveredTwelveMonth / runs).toBeGreaterThan(0.92);
    expect(coveredTwelveMonth / runs).toBeLessThan(0.98);
  });

  it("finds a large effect and says so", () => {
    const report = simulate(2026, 20_000);
    expect(report.sample.sufficient).toBe(true);
    expect(report.verdict.revenue).toBe("positive");
    expect(report.verdict.twelveMonth).toBe("positive");
    expect(report.incrementalRevenuePerCustomer?.low).toBeLessThan(trueRevenueDifference);
    expect(report.incrementalRevenuePerCustomer?.high).toBeGreaterThan(trueRevenueDifference);
    expect(report.summary[0]).toMatch(/^Revenue per exposed customer is \d+\.\d\d higher than in the holdout \(95 % interval/);
    expect(report.summary.at(-1)).toMatch(/^Over 12 months it is predicted to pay for itself/);
  });
});
