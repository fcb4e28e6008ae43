/**
 * Parameter recovery: simulate customers from known BG/NBD and Gamma-Gamma parameters with a
 * seeded generator, fit, and require every estimate within 4 standard errors of the truth and
 * within a relative band. A fit that is biased, stops early or mixes up parameters fails this.
 */

import { describe, expect, it } from "vitest";
import {
  fitBgNbd,
  fitGammaGamma,
  fitMbgNbd,
  fitParetoNbd,
  type BgNbdParams,
  type GammaGammaParams,
  type MbgNbdParams,
  type ParetoNbdParams,
} from "../../app/clv/index.ts";
import {
  SeededRandom,
  simulateBgNbdHistories,
  simulateMbgNbdHistories,
  simulateMeanSpend,
  simulateParetoNbdHistories,
} from "../../testkit/clv/simulate.ts";

describe("the seeded generator", () => {
  it("is deterministic and gives the right means for gamma and beta variates", () => {
    const first = new SeededRandom(42);
    const second = new SeededRandom(42);
    for (let i = 0; i < 10; i++) expect(first.uniform()).toBe(second.uniform());
    expect(new SeededRandom(43).uniform()).not.toBe(new SeededRandom(42).uniform());

    const random = new SeededRandom(7);
    const n = 200_000;
    for (const [shape, scale] of [
      [0.3, 2],
      [2.5, 0.5],
    ]) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += random.gamma(shape, scale);
      const mean = shape * scale;
      const standardError = (Math.sqrt(shape) * scale) / Math.sqrt(n);
      expect(Math.abs(sum / n - mean)).toBeLessThan(4 * standardError);
    }
    let betaSum = 0;
    for (let i = 0; i < n; i++) betaSum += random.beta(0.4, 1.6);
    expect(Math.abs(betaSum / n - 0.2)).toBeLessThan(4 * Math.sqrt((0.2 * 0.8) / 3 / n));
  });
});

describe("BG/NBD parameter recovery", () => {
  it("recovers r, α, a, b from 30,000 simulated customers", () => {
    const truth: BgNbdParams = { r: 0.8, alpha: 6, a: 0.6, b: 3 };
    const random = new SeededRandom(2024);
    const ages = Float64Array.from({ length: 30_000 }, () => 20 + random.uniform() * 60);
    const histories = simulateBgNbdHistories(truth, ages, random);
    const fit = fitBgNbd(histories);
    expect(fit.converged).toBe(true);
    expect(fit.stdErrors).toBeDefined();
    for (const key of ["r", "alpha", "a", "b"] as const) {
      const error = Math.abs(fit.params[key] - truth[key]);
      expect(error, `${key}: ${fit.params[key]} vs ${truth[key]} (se ${fit.stdErrors![key]})`).toBeLessThan(4 * fit.stdErrors![key]);
      expect(error / truth[key], key).toBeLessThan(0.25);
    }
  });
});

/** Every estimate within 4 standard errors of the truth and within 25% of it. */
function expectRecovered<K extends string>(
  estimate: Record<K, number>,
  stdErrors: Record<K, number> | undefined,
  truth: Record<K, number>,
): void {
  expect(stdErrors).toBeDefined();
  for (const key of Object.keys(truth) as K[]) {
    const error = Math.abs(estimate[key] - truth[key]);
    expect(error, `${key}: ${estimate[key]} vs ${truth[key]} (se ${stdErrors![key]})`).toBeLessThan(4 * stdErrors![key]);
    expect(error / truth[key], key).toBeLessThan(0.25);
  }
}

describe("MBG/NBD parameter recovery", () => {
  it("recovers r, α, a, b from 30,000 simulated customers", () => {
    const truth: MbgNbdParams = { r: 0.6, alpha: 5, a: 0.8, b: 2.5 };
    const random = new SeededRandom(31);
    const ages = Float64Array.from({ length: 30_000 }, () => 20 + random.uniform() * 60);
    const fit = fitMbgNbd(simulateMbgNbdHistories(truth, ages, random));
    expect(fit.converged).toBe(true);
    expectRecovered(fit.params, fit.stdErrors, truth);
  });
});

describe("Pareto/NBD parameter recovery", () => {
  it("recovers r, α, s, β from 30,000 simulated customers", () => {
    const truth: ParetoNbdParams = { r: 0.7, alpha: 8, s: 0.9, beta: 15 };
    const random = new SeededRandom(47);
    const ages = Float64Array.from({ length: 30_000 }, () => 20 + random.uniform() * 60);
    const fit = fitParetoNbd(simulateParetoNbdHistories(truth, ages, random));
    expect(fit.converged).toBe(true);
    expectRecovered(fit.params, fit.stdErrors, truth);
  });
});

describe("Gamma-Gamma parameter recovery", () => {
  it("recovers p, q, v from 20,000 simulated repeat customers", () => {
    const truth: GammaGammaParams = { p: 4, q: 5, v: 30 };
    const random = new SeededRandom(99);
    const frequency = Int32Array.from({ length: 20_000 }, () => 1 + Math.floor(-Math.log(random.uniform()) * 3));
    const monetary = simulateMeanSpend(truth, frequency, random);
    const fit = fitGammaGamma({ frequency, monetary });
    if (fit.status !== "fitted") throw new Error(fit.reason);
    expect(fit.converged).toBe(true);
    for (const key of ["p", "q", "v"] as const) {
      const error = Math.abs(fit.params[key] - truth[key]);
      expect(error, `${key}: ${fit.params[key]} vs ${truth[key]} (se ${fit.stdErrors![key]})`).toBeLessThan(4 * fit.stdErrors![key]);
      expect(error / truth[key], key).toBeLessThan(0.25);
    }
    // Simulated independently of x: no correlation to speak of.
    expect(Math.abs(fit.frequencyMonetaryCorrelation!)).toBeLessThan(0.05);
  });
});
