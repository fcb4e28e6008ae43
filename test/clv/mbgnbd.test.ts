/**
 * MBG/NBD (Batislam, Denizel & Filiztekin 2007): the published CDNOW estimates, the likelihood against an
 * independent transcription of the paper's formula, the expectations against simulation and numerical
 * checks, and the behaviour that sets it apart from BG/NBD (one-time buyers are not certainly alive).
 */

import { describe, expect, it } from "vitest";
import {
  bgnbdProbabilityAlive,
  COUNTING_MODELS,
  conditionalPurchasePmf,
  fitMbgNbd,
  lnBeta,
  lnGamma,
  mbgnbdConditionalExpectedPurchases,
  mbgnbdCustomerLogLikelihood,
  mbgnbdExpectedPurchases,
  mbgnbdProbabilityAlive,
  newCustomerPurchasePmf,
  paramsVector,
  type MbgNbdParams,
} from "../../app/clv/index.ts";
import { SeededRandom, simulateMbgNbdHistories } from "../../testkit/clv/simulate.ts";
import { expectClose, publishedSummaryColumns } from "./helpers.ts";

const PUBLISHED: MbgNbdParams = { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 };

/** The paper's likelihood written out with Beta functions (not the code's rearrangement). */
function paperLikelihood({ r, alpha, a, b }: MbgNbdParams, x: number, tx: number, T: number): number {
  const nbd = Math.exp(lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha));
  const alive = Math.exp(lnBeta(a, b + x + 1) - lnBeta(a, b)) / Math.pow(alpha + T, r + x);
  const dropped = Math.exp(lnBeta(a + 1, b + x) - lnBeta(a, b)) / Math.pow(alpha + tx, r + x);
  return nbd * (alive + dropped);
}

describe("MBG/NBD on CDNOW", () => {
  const data = publishedSummaryColumns();
  const fit = fitMbgNbd(data);

  it("reproduces the published estimates r 0.525, α 6.183, a 0.891, b 1.614", () => {
    expect(fit.converged).toBe(true);
    expect(fit.params.r.toFixed(3)).toBe("0.525");
    expect(fit.params.alpha.toFixed(3)).toBe("6.183");
    expect(fit.params.a.toFixed(3)).toBe("0.891");
    expect(fit.params.b.toFixed(3)).toBe("1.614");
    expect(fit.stdErrors).toBeDefined();
  });

  it("has the likelihood of the paper's formula, customer by customer", () => {
    let total = 0;
    for (let i = 0; i < data.rows.length; i++) {
      const ll = mbgnbdCustomerLogLikelihood(PUBLISHED, data.frequency[i], data.recency[i], data.T[i]);
      expectClose(ll, Math.log(paperLikelihood(PUBLISHED, data.frequency[i], data.recency[i], data.T[i])), 1e-9, `row ${i}`);
      total += ll;
    }
    // The fit's log-likelihood is at least that of the (rounded) published estimates.
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(total);
    expect(fit.logLikelihood - total).toBeLessThan(0.01);
  });

  it("fits the same on grouped patterns as row by row", () => {
    const rowFit = fitMbgNbd(data, { groupPatterns: false });
    for (const key of ["r", "alpha", "a", "b"] as const) expectClose(rowFit.params[key], fit.params[key], 1e-4 * fit.params[key], key);
    expectClose(rowFit.logLikelihood, fit.logLikelihood, 1e-6);
  });
});

describe("MBG/NBD predictions", () => {
  it("does not call a one-time buyer certainly alive, unlike BG/NBD", () => {
    // x = 0: P(alive) = 1/(1 + a/b · ((α+T)/α)^r); at T = 0 it is b/(a+b), the chance of not dropping out at once.
    expectClose(mbgnbdProbabilityAlive(PUBLISHED, 0, 0, 0), PUBLISHED.b / (PUBLISHED.a + PUBLISHED.b), 1e-12);
    const hand = 1 / (1 + (PUBLISHED.a / PUBLISHED.b) * Math.pow((PUBLISHED.alpha + 30) / PUBLISHED.alpha, PUBLISHED.r));
    expectClose(mbgnbdProbabilityAlive(PUBLISHED, 0, 0, 30), hand, 1e-12);
    expect(bgnbdProbabilityAlive(PUBLISHED, 0, 0, 30)).toBe(1);
    // A huge frequency long ago: 0, not NaN.
    expect(mbgnbdProbabilityAlive(PUBLISHED, 1000, 10, 100)).toBe(0);
  });

  it("expects the purchases a simulation of new customers makes", () => {
    const random = new SeededRandom(5);
    const t = 52;
    const histories = simulateMbgNbdHistories(PUBLISHED, new Float64Array(40_000).fill(t), random);
    let sum = 0;
    let sumSquares = 0;
    for (const x of histories.frequency) {
      sum += x;
      sumSquares += x * x;
    }
    const n = histories.frequency.length;
    const mean = sum / n;
    const standardError = Math.sqrt((sumSquares / n - mean * mean) / n);
    expect(Math.abs(mbgnbdExpectedPurchases(PUBLISHED, t) - mean)).toBeLessThan(4 * standardError);
    // And P(X(t) = 0) against the share of simulated customers with no repeat purchase.
    const pmf = new Float64Array(3);
    newCustomerPurchasePmf(COUNTING_MODELS.mbgnbd, paramsVector(COUNTING_MODELS.mbgnbd, PUBLISHED), t, pmf);
    const zeros = histories.frequency.filter((x) => x === 0).length / n;
    expect(Math.abs(pmf[0] - zeros)).toBeLessThan(4 * Math.sqrt((zeros * (1 - zeros)) / n));
  });

  it("has conditional expectations equal to the mean of the conditional distribution", () => {
    const model = COUNTING_MODELS.mbgnbd;
    const p = paramsVector(model, PUBLISHED);
    for (const [x, tx, T, t] of [
      [0, 0, 30, 39],
      [2, 30.43, 38.86, 39],
      [7, 29.4, 38.9, 52],
      [15, 20, 39, 52],
    ]) {
      const pmf = new Float64Array(400);
      conditionalPurchasePmf(model, p, x, tx, T, t, pmf);
      let total = 0;
      let mean = 0;
      pmf.forEach((value, n) => {
        total += value;
        mean += n * value;
      });
      expectClose(total, 1, 1e-9, "sum");
      expectClose(mean, mbgnbdConditionalExpectedPurchases(PUBLISHED, t, x, tx, T), 1e-7, `mean at x=${x}`);
    }
  });
});
