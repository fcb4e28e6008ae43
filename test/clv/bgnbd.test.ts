import { beforeAll, describe, expect, it } from "vitest";
import {
  bgnbdAliveExpectation,
  bgnbdConditionalExpectedPurchases,
  bgnbdExpectedPurchases,
  bgnbdProbabilityAlive,
  bgnbdProbabilityOfPurchases,
  endOfDayInZone,
  dayNumberOfDate,
  expectedPurchasesOver,
  fitBgNbd,
  hyp2f1,
  lnBeta,
  summarizeTransactions,
  type BgNbdFit,
  type BgNbdParams,
} from "../../app/clv/index.ts";
import { expectClose, loadCdnowTransactions, publishedSummaryColumns } from "./helpers.ts";

const PUBLISHED_FIXED: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

let data: ReturnType<typeof publishedSummaryColumns>;
let fit: BgNbdFit;

beforeAll(() => {
  data = publishedSummaryColumns();
  fit = fitBgNbd(data);
});

describe("BG/NBD fit on the CDNOW summary (Fader, Hardie & Lee 2005)", () => {
  it("reproduces r, α, a, b to 3 decimals of the full-precision maximum and LL −9582.43", () => {
    expect(fit.converged).toBe(true);
    expect(fit.params.r.toFixed(3)).toBe("0.243"); // 0.2426
    expect(fit.params.alpha.toFixed(3)).toBe("4.414"); // 4.4135
    expect(fit.params.a.toFixed(3)).toBe("0.793"); // 0.7929
    expect(fit.params.b.toFixed(3)).toBe("2.426"); // 2.4258
    expect(fit.logLikelihood.toFixed(2)).toBe("-9582.43");
    expect(fit.customers).toBe(2357);
  });

  it("gives finite, positive standard errors", () => {
    expect(fit.stdErrors).toBeDefined();
    for (const value of Object.values(fit.stdErrors!)) {
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeGreaterThan(0);
    }
    // The estimate of r is tight on 2,357 customers, b much less so.
    expect(fit.stdErrors!.r).toBeLessThan(0.05);
  });

  it("fits the same parameters on grouped (x, t_x, T) patterns with counts as on raw rows", () => {
    expect(fit.patterns).toBeLessThan(2357);
    const raw = fitBgNbd(data, { groupPatterns: false });
    expect(raw.patterns).toBe(2357);
    for (const key of ["r", "alpha", "a", "b"] as const) {
      expect(raw.params[key].toFixed(3)).toBe(fit.params[key].toFixed(3));
    }
    expectClose(raw.logLikelihood, fit.logLikelihood, 1e-6);
  });

  it("is invariant to the time scale: t_x, T × 10 scales α by 10 and keeps P(alive)", () => {
    const scaled = fitBgNbd({
      frequency: data.frequency,
      recency: data.recency.map((v) => v * 10),
      T: data.T.map((v) => v * 10),
    });
    expectClose(scaled.params.r, fit.params.r, 1e-4);
    expectClose(scaled.params.alpha / 10, fit.params.alpha, 1e-3);
    expectClose(scaled.params.a, fit.params.a, 1e-4);
    expectClose(scaled.params.b, fit.params.b, 1e-3);
    for (let i = 0; i < 200; i++) {
      const x = data.frequency[i];
      expectClose(
        bgnbdProbabilityAlive(scaled.params, x, data.recency[i] * 10, data.T[i] * 10),
        bgnbdProbabilityAlive(fit.params, x, data.recency[i], data.T[i]),
        1e-4,
        `customer ${i + 1}`,
      );
    }
  });

  it("with a penalizer pulls the log-parameters towards 0 and still converges", () => {
    const penalizer = 20;
    const penalized = fitBgNbd(data, { penalizer });
    expect(penalized.converged).toBe(true);
    // b = 2.43 moves towards 1 and the fit gets worse, but by no more than the penalty at the unpenalised
    // optimum (the penalised optimum's objective is at most the objective there).
    expect(Math.abs(Math.log(penalized.params.b))).toBeLessThan(Math.abs(Math.log(fit.params.b)));
    expect(penalized.logLikelihood).toBeLessThan(fit.logLikelihood);
    const meanT = data.T.reduce((s, v) => s + v, 0) / data.T.length;
    const { r, alpha, a, b } = fit.params;
    const penaltyAtOptimum = penalizer * [r, alpha / meanT, a, b].reduce((s, v) => s + Math.log(v) ** 2, 0);
    expect(penalized.logLikelihood).toBeGreaterThanOrEqual(fit.logLikelihood - penaltyAtOptimum);
  });
});

describe("BG/NBD predictions (published values)", () => {
  it("customer x = 2, t_x = 30.43, T = 38.86: 1.226 purchases in 39 weeks, P(alive) 0.7266", () => {
    expect(bgnbdConditionalExpectedPurchases(fit.params, 39, 2, 30.43, 38.86).toFixed(3)).toBe("1.226");
    expect(bgnbdProbabilityAlive(fit.params, 2, 30.43, 38.86).toFixed(4)).toBe("0.7266");
  });

  it("unconditional E[X(t)] for t = 1/7, 1, 3, 31.8571, 32, 78 weeks", () => {
    const ts = [1 / 7, 1, 3, 31.8571, 32, 78];
    const published = ["0.0078", "0.0532", "0.1506", "1.0405", "1.0437", "1.858"];
    ts.forEach((t, k) => {
      const value = bgnbdExpectedPurchases(fit.params, t);
      expect(value.toFixed(published[k].split(".")[1].length), `t=${t}`).toBe(published[k]);
    });
  });

  it("sum over the 2,357 customers of the expected purchases in weeks 40–78 is 1,653.4 (summary built from the raw transactions)", () => {
    const transactions = loadCdnowTransactions();
    const summary = summarizeTransactions(transactions, {
      calibrationEndMs: endOfDayInZone(dayNumberOfDate(1997, 9, 30), "UTC"),
      period: "week",
    });
    expect(summary.count).toBe(2357);
    const ownFit = fitBgNbd(summary);
    const expected = expectedPurchasesOver(ownFit.params, summary, 39);
    const total = expected.reduce((sum, v) => sum + v, 0);
    expect(total.toFixed(1)).toBe("1653.4");
  });

  it("customer x = 26, t_x = 30.857, T = 31; new customer over 52 weeks", () => {
    expectClose(bgnbdConditionalExpectedPurchases(fit.params, 52, 26, 30.857, 31), 25.7578, 5e-4);
    expect(bgnbdProbabilityAlive(fit.params, 26, 30.857, 31).toFixed(4)).toBe("0.9689");
    expectClose(bgnbdExpectedPurchases(fit.params, 52), 1.44402, 2e-5);
  });

  it("more purchases can mean less future: E[Y(52) | x, t_x = 20, T = 39] falls with x", () => {
    const published = [0.34746, 0.04283, 0.004159, 0.000358];
    const values = [10, 15, 20, 25].map((x) => bgnbdConditionalExpectedPurchases(fit.params, 52, x, 20, 39));
    values.forEach((value, k) => expectClose(value, published[k], 3e-4 * published[k] + 1e-6, `x=${10 + 5 * k}`));
    for (let k = 1; k < values.length; k++) expect(values[k]).toBeLessThan(values[k - 1]);
  });

  it("P(X(t) = n) at fixed parameters r 0.243, α 4.414, a 0.793, b 2.426", () => {
    expectClose(bgnbdProbabilityOfPurchases(PUBLISHED_FIXED, 39, 0), 0.5737864, 5e-8);
    expectClose(bgnbdProbabilityOfPurchases(PUBLISHED_FIXED, 2, 10), 1.07869e-7, 1e-12);
    const published = [
      0.0019995214, 0.0015170236, 0.001163315, 0.0009003148, 0.0007023638, 0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613,
      0.000222226,
    ];
    published.forEach((p, k) => expectClose(bgnbdProbabilityOfPurchases(PUBLISHED_FIXED, 30, 11 + k), p, 1e-10, `n=${11 + k}`));
  });

  it("P(X(0) = n) is 1 for n = 0 and 0 otherwise", () => {
    expect(bgnbdProbabilityOfPurchases(PUBLISHED_FIXED, 0, 0)).toBeCloseTo(1, 12);
    expect(bgnbdProbabilityOfPurchases(PUBLISHED_FIXED, 0, 3)).toBe(0);
  });

  it("P(X(t) = n) is a distribution whose mean is E[X(t)]", () => {
    let total = 0;
    let mean = 0;
    for (let n = 0; n < 400; n++) {
      const p = bgnbdProbabilityOfPurchases(PUBLISHED_FIXED, 30, n);
      total += p;
      mean += n * p;
    }
    expectClose(total, 1, 1e-9);
    expectClose(mean, bgnbdExpectedPurchases(PUBLISHED_FIXED, 30), 1e-6);
  });

  it("x = 1000, t_x = 10, T = 100 gives P(alive) = 0 and no purchases, not NaN", () => {
    expect(bgnbdProbabilityAlive(fit.params, 1000, 10, 100)).toBe(0);
    expect(bgnbdConditionalExpectedPurchases(fit.params, 52, 1000, 10, 100)).toBe(0);
    // x = 0: alive by definition.
    expect(bgnbdProbabilityAlive(fit.params, 0, 0, 100)).toBe(1);
  });
});

/**
 * Independent check of E[Y(t) | alive]: conditional on alive at T, λ ~ Gamma(r+x, α+T) and
 * p ~ Beta(a, b+x); integrating λ out leaves E_p[(1 − (1 + p·t/(α+T))^−(r+x)) / p]. For a near or
 * below 1 the substitution u = p^a removes the p^(a−1) singularity (or near-jump at 0); Simpson's
 * rule then converges fast.
 */
function aliveExpectationByQuadrature(params: BgNbdParams, x: number, T: number, t: number): number {
  const { r, alpha, a, b } = params;
  const intervals = 20_000;
  const h = 1 / intervals;
  const g = (p: number): number => (p === 0 ? ((r + x) * t) / (alpha + T) : -Math.expm1(-(r + x) * Math.log1p((p * t) / (alpha + T))) / p);
  // ∫ g(p) p^(a−1) (1−p)^(b+x−1) dp = (1/a) ∫ g(u^(1/a)) (1 − u^(1/a))^(b+x−1) du.
  const integrand =
    a < 1.2
      ? (u: number): number => {
          const p = Math.pow(u, 1 / a);
          return (g(p) * Math.pow(1 - p, b + x - 1)) / a;
        }
      : (p: number): number => g(p) * Math.pow(p, a - 1) * Math.pow(1 - p, b + x - 1);
  let sum = integrand(0) + integrand(1);
  for (let k = 1; k < intervals; k++) sum += (k % 2 === 1 ? 4 : 2) * integrand(k * h);
  return (sum * h) / 3 / Math.exp(lnBeta(a, b + x));
}

describe("E[Y(t) | alive] numerics", () => {
  const cases: { label: string; params: BgNbdParams; x: number; T: number; t: number }[] = [
    { label: "CDNOW, x = 2", params: { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }, x: 2, T: 38.86, t: 39 },
    { label: "CDNOW, new customer, long horizon", params: { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }, x: 0, T: 0, t: 500 },
    { label: "a = 1 exactly", params: { r: 0.5, alpha: 3, a: 1, b: 2 }, x: 3, T: 20, t: 52 },
    { label: "a > 1", params: { r: 1.3, alpha: 10, a: 2.5, b: 4 }, x: 5, T: 40, t: 26 },
    { label: "large x", params: { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }, x: 60, T: 70, t: 52 },
    { label: "r ≫ a + b (plain-series branch)", params: { r: 14, alpha: 30, a: 0.6, b: 2 }, x: 4, T: 25, t: 30 },
    { label: "plain-series branch near a = 1", params: { r: 14, alpha: 30, a: 1.00003, b: 2 }, x: 4, T: 25, t: 30 },
  ];
  for (const c of cases) {
    it(`matches numerical integration: ${c.label}`, () => {
      const value = bgnbdAliveExpectation(c.params, c.x, c.T, c.t);
      const reference = aliveExpectationByQuadrature(c.params, c.x, c.T, c.t);
      expectClose(value, reference, 1e-7 * reference, c.label);
    });
  }

  it("a, b → ∞ (one dropout probability p = a/(a+b) for all) tends to (1/p)·(1 − ((α+T)/(α+T+p·t))^(r+x))", () => {
    const params = { r: 0.27, alpha: 5, a: 1.25e6, b: 3.27e6 };
    const p = params.a / (params.a + params.b);
    for (const [x, T, t] of [
      [0, 20, 52],
      [3, 25, 10],
      [40, 26, 52],
    ]) {
      const limit = (1 / p) * -Math.expm1((params.r + x) * Math.log((params.alpha + T) / (params.alpha + T + p * t)));
      const value = bgnbdAliveExpectation(params, x, T, t);
      expectClose(value, limit, 1e-5 * limit, `x=${x}`);
    }
  });

  it("matches the textbook ₂F₁ form where that form is accurate", () => {
    const params = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };
    for (const [x, T, t] of [
      [0, 38.86, 39],
      [2, 38.86, 39],
      [7, 30, 10],
    ]) {
      const z = t / (params.alpha + T + t);
      const textbook =
        ((params.a + params.b + x - 1) / (params.a - 1)) *
        (1 -
          Math.pow((params.alpha + T) / (params.alpha + T + t), params.r + x) *
            hyp2f1(params.r + x, params.b + x, params.a + params.b + x - 1, z));
      expectClose(bgnbdAliveExpectation(params, x, T, t), textbook, 1e-10 * textbook, `x=${x}`);
    }
  });

  it("is continuous through a = 1 (the removable singularity)", () => {
    const base = { r: 0.2426, alpha: 4.4135, b: 2.4258 };
    const at = (a: number): number => bgnbdConditionalExpectedPurchases({ ...base, a }, 39, 2, 30.43, 38.86);
    const atOne = at(1);
    expect(Number.isFinite(atOne)).toBe(true);
    expectClose(at(1 - 1e-9), atOne, 1e-8);
    expectClose(at(1 + 1e-9), atOne, 1e-8);
    // Halfway between a = 1 ± 0.001 the curve is almost linear.
    expectClose(0.5 * (at(0.999) + at(1.001)), atOne, 1e-6);
    expect(bgnbdExpectedPurchases({ ...base, a: 1 }, 52)).toBeGreaterThan(0);
  });
});
