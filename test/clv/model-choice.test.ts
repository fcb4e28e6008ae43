/**
 * Model choice per shop: on seeded simulated shops from each family the backtest picks the generating model,
 * and the rules behind the choice (ties to the simpler model, the naive baseline, failed fits) hold on
 * hand-made backtest results.
 */

import { describe, expect, it } from "vitest";
import {
  analyzeShop,
  chooseModel,
  MODEL_LABELS,
  MODEL_NAMES,
  type BacktestResult,
  type BacktestScores,
  type ModelName,
  type ModelParams,
} from "../../app/clv/index.ts";
import { SeededRandom, simulateShop } from "../../testkit/clv/simulate.ts";
import { nonFiniteNumbers } from "./helpers.ts";

const START = Date.UTC(2023, 0, 1);
const DAY = 86_400_000;
const SPEND = { p: 6, q: 4, v: 15 };

/** Parameters in days; each family with a clear signature (MBG/NBD: over half of the customers gone after the first order). */
const SHOPS: ModelParams[] = [
  { model: "bgnbd", params: { r: 0.5, alpha: 20, a: 0.6, b: 2.5 } },
  { model: "mbgnbd", params: { r: 0.5, alpha: 20, a: 2, b: 1.5 } },
  { model: "paretonbd", params: { r: 0.5, alpha: 20, s: 1, beta: 200 } },
];

describe("the backtest picks the generating model on simulated shops", () => {
  for (const shop of SHOPS) {
    it(`a shop of 3,000 ${MODEL_LABELS[shop.model]} customers`, () => {
      const transactions = simulateShop(
        shop,
        SPEND,
        { customers: 3000, startMs: START, joinWindowDays: 180, observationDays: 540 },
        new SeededRandom(101),
      );
      const result = analyzeShop(transactions, { asOf: new Date(START + 540 * DAY - 1), period: "week" });
      expect(result.status, result.reason).toBe("fitted");
      expect(result.model).toBe(shop.model);
      const choice = result.modelChoice!;
      expect(choice.status).toBe("chosen");
      expect(choice.model).toBe(shop.model);
      expect(choice.reason).toContain(MODEL_LABELS[shop.model]);
      // Every model's scores at every cut-off, and the baseline's.
      expect(choice.cutoffs).toHaveLength(3);
      for (const cutoff of choice.cutoffs) {
        expect(cutoff.status).toBe("scored");
        expect(cutoff.baseline!.rmse).toBeGreaterThan(0);
        for (const name of MODEL_NAMES) {
          const scores = cutoff.models[name]!.scores!;
          expect(scores.meanLogScore!).toBeLessThan(0);
          expect(scores.rmse).toBeLessThan(cutoff.baseline!.rmse);
          expect(scores.actualPurchases).toBe(cutoff.baseline!.actualPurchases);
        }
      }
      expect(choice.beatsBaseline).toBe(true);
      expect(choice.averages[shop.model]!.rmse).toBeLessThan(choice.baseline!.rmse);
      expect(nonFiniteNumbers(choice)).toEqual([]);
      // The winner's log score is the best, and the JSON form (stored with the fit) round-trips.
      const best = Math.max(...MODEL_NAMES.map((name) => choice.averages[name]!.meanLogScore!));
      expect(choice.averages[shop.model]!.meanLogScore).toBe(best);
      expect(JSON.parse(JSON.stringify(choice))).toEqual(choice);
    });
  }
});

function scores(meanLogScore: number, rmse: number): BacktestScores {
  return {
    customers: 1000,
    rmse,
    meanLogScore,
    predictedPurchases: 100,
    actualPurchases: 100,
    predictedRevenue: 1000,
    actualRevenue: 1000,
    coverage: 0.9,
    expectedCoverage: 0.9,
    pitCoverage: 0.8,
  };
}

/** A backtest of one scored cut-off with the given scores, baseline RMSE and paired comparisons. */
function backtest(
  models: Partial<Record<ModelName, [number, number] | "failed">>,
  baselineRmse: number,
  comparisons: BacktestResult["comparisons"],
): BacktestResult {
  return {
    status: "run",
    holdoutDays: 60,
    sampledCustomers: 1000,
    totalCustomers: 1000,
    cutoffs: [
      {
        calibrationEnd: "2024-01-01",
        holdoutEnd: "2024-03-01",
        holdoutLength: 60 / 7,
        status: "scored",
        customers: 1000,
        repeatCustomers: 400,
        baseline: { ...scores(0, baselineRmse), meanLogScore: null, coverage: null, expectedCoverage: null, pitCoverage: null },
        models: Object.fromEntries(
          Object.entries(models).map(([name, value]) => [
            name,
            value === "failed" ? { status: "failed", reason: "boom" } : { status: "scored", scores: scores(value![0], value![1]) },
          ]),
        ),
      },
    ],
    comparisons,
    warmStarts: {},
  };
}

describe("the choice rules", () => {
  it("takes the best log score when the difference is clear", () => {
    const choice = chooseModel(
      backtest({ bgnbd: [-0.52, 1.1], mbgnbd: [-0.51, 1.08], paretonbd: [-0.5, 1.05] }, 1.5, [
        { better: "paretonbd", worse: "bgnbd", difference: 0.02, standardError: 0.002 },
        { better: "paretonbd", worse: "mbgnbd", difference: 0.01, standardError: 0.002 },
        { better: "mbgnbd", worse: "bgnbd", difference: 0.01, standardError: 0.002 },
      ]),
      "auto",
      MODEL_NAMES,
    );
    expect(choice.model).toBe("paretonbd");
    expect(choice.ranking).toEqual(["paretonbd", "mbgnbd", "bgnbd"]);
    expect(choice.reason).toMatch(/Pareto\/NBD predicted this shop's customers best/);
    expect(choice.reason).toMatch(/BG\/NBD by 10\.0 standard errors/);
  });

  it("prefers the simpler model within 2 standard errors of the best", () => {
    const choice = chooseModel(
      backtest({ bgnbd: [-0.5012, 1.1], mbgnbd: [-0.52, 1.1], paretonbd: [-0.5, 1.05] }, 1.5, [
        { better: "paretonbd", worse: "bgnbd", difference: 0.0012, standardError: 0.001 },
        { better: "paretonbd", worse: "mbgnbd", difference: 0.02, standardError: 0.001 },
        { better: "bgnbd", worse: "mbgnbd", difference: 0.019, standardError: 0.001 },
      ]),
      "auto",
      MODEL_NAMES,
    );
    expect(choice.model).toBe("bgnbd");
    expect(choice.ranking[0]).toBe("bgnbd");
    expect(choice.reason).toMatch(
      /BG\/NBD was chosen: Pareto\/NBD scored slightly better .* within the noise \(1\.2 standard errors\) and BG\/NBD is the simpler model/,
    );
  });

  it("refuses when the choice does not beat each customer's past rate", () => {
    const choice = chooseModel(
      backtest({ bgnbd: [-0.5, 1.6], mbgnbd: [-0.6, 1.7], paretonbd: [-0.7, 1.8] }, 1.5, [
        { better: "bgnbd", worse: "mbgnbd", difference: 0.1, standardError: 0.01 },
        { better: "bgnbd", worse: "paretonbd", difference: 0.2, standardError: 0.01 },
        { better: "mbgnbd", worse: "paretonbd", difference: 0.1, standardError: 0.01 },
      ]),
      "auto",
      MODEL_NAMES,
    );
    expect(choice.status).toBe("baseline_not_beaten");
    expect(choice.model).toBeNull();
    expect(choice.beatsBaseline).toBe(false);
    expect(choice.reason).toMatch(
      /^No predictions: BG\/NBD, the backtest's best model, did not predict the holdout purchases better than the naive baseline, each customer's past rate \(per-customer RMSE 1\.600 against 1\.500\)\./,
    );
  });

  it("leaves out a model whose fit failed at a cut-off, and says so", () => {
    const choice = chooseModel(
      backtest({ bgnbd: [-0.52, 1.1], mbgnbd: [-0.51, 1.08], paretonbd: "failed" }, 1.5, [
        { better: "mbgnbd", worse: "bgnbd", difference: 0.01, standardError: 0.002 },
      ]),
      "auto",
      MODEL_NAMES,
    );
    expect(choice.model).toBe("mbgnbd");
    expect(choice.ranking).toEqual(["mbgnbd", "bgnbd"]);
    expect(choice.reason).toMatch(/Pareto\/NBD could not be fitted at every cut-off \(boom\)/);
  });

  it("keeps a requested model, scored all the same", () => {
    const choice = chooseModel(backtest({ paretonbd: [-0.5, 1.05] }, 1.5, []), "paretonbd", ["paretonbd"]);
    expect(choice.status).toBe("fixed");
    expect(choice.model).toBe("paretonbd");
    expect(choice.reason).toMatch(/^Pareto\/NBD was requested\. In 1 backtest .*RMSE\) 1\.050; the naive baseline .* 1\.500\.$/);
  });

  it("falls back to BG/NBD, unchecked and saying so, when no backtest could run", () => {
    const choice = chooseModel(
      {
        status: "not_run",
        reason: "the shop's history covers 20 days",
        holdoutDays: 0,
        sampledCustomers: 50,
        totalCustomers: 50,
        cutoffs: [],
        comparisons: [],
        warmStarts: {},
      },
      "auto",
      MODEL_NAMES,
    );
    expect(choice.status).toBe("not_run");
    expect(choice.model).toBe("bgnbd");
    expect(choice.reason).toMatch(
      /No backtest: the shop's history covers 20 days\. BG\/NBD \(the simplest model\) is used without a check/,
    );
  });
});
