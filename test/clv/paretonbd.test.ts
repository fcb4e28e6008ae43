/**
 * Pareto/NBD: the published CDNOW estimates and log-likelihood (Fader, Hardie & Lee's notes), the likelihood's
 * integral against a brute-force quadrature written here, the analytic gradient against finite differences,
 * the distribution of purchases against Fader & Hardie's closed form (2006), and the expectations.
 */

import { describe, expect, it } from "vitest";
import {
  COUNTING_MODELS,
  conditionalPurchasePmf,
  fitParetoNbd,
  hyp2f1,
  lnBeta,
  lnGamma,
  newCustomerPurchasePmf,
  paramsVector,
  paretonbdAliveExpectation,
  paretonbdConditionalExpectedPurchases,
  paretonbdCustomerLogLikelihood,
  paretonbdExpectedPurchases,
  paretonbdProbabilityAlive,
  type ParetoNbdParams,
} from "../../app/clv/index.ts";
import { PARETONBD_SPEC } from "../../app/clv/paretonbd.ts";
import { paretoIntegral, type ParetoIntegral } from "../../app/clv/paretonbd-integral.ts";
import { prepareCountData } from "../../app/clv/count-model-fit.ts";
import { expectClose, publishedSummaryColumns } from "./helpers.ts";

const PUBLISHED: ParetoNbdParams = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };

/** ln ∫_{t_x}^{T} (α+y)^−(r+x) (β+y)^−(s+1) dy by Simpson's rule on 200,000 panels in u = ln(min(α, β) + y). */
function bruteForceLnIntegral(r: number, alpha: number, s: number, beta: number, x: number, tx: number, T: number): number {
  const m = Math.min(alpha, beta);
  const u0 = Math.log(m + tx);
  const u1 = Math.log(m + T);
  const n = 200_000;
  const h = (u1 - u0) / n;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const u = u0 + i * h;
    const y = Math.exp(u) - m;
    const f = Math.exp(-(r + x) * Math.log((alpha + y) / (alpha + tx)) - (s + 1) * Math.log((beta + y) / (beta + tx)) + u);
    sum += f * (i === 0 || i === n ? 1 : i % 2 ? 4 : 2);
  }
  return -(r + x) * Math.log(alpha + tx) - (s + 1) * Math.log(beta + tx) + Math.log((sum * h) / 3);
}

/**
 * Fader & Hardie (2006), "Deriving an expression for P(X(t) = x) under the Pareto/NBD model":
 * P = NB(x)·(β/(β+t))^s + α^r β^s B(r+x, s+1)/B(r, s) · [B1 − Σ_{i≤x} Γ(r+s+i)/(Γ(r+s) i!) t^i B2_i].
 */
function faderHardiePmf({ r, alpha, s, beta }: ParetoNbdParams, t: number, x: number): number {
  const nb = Math.exp(
    lnGamma(r + x) -
      lnGamma(r) -
      lnGamma(x + 1) +
      r * Math.log(alpha / (alpha + t)) +
      x * Math.log(t / (alpha + t)) +
      s * Math.log(beta / (beta + t)),
  );
  const factor = Math.exp(r * Math.log(alpha) + s * Math.log(beta) + lnBeta(r + x, s + 1) - lnBeta(r, s));
  const big = Math.max(alpha, beta);
  const [second, z1, z2] =
    alpha >= beta
      ? [s + 1, (alpha - beta) / alpha, (alpha - beta) / (alpha + t)]
      : [r + x, (beta - alpha) / beta, (beta - alpha) / (beta + t)];
  const b1 = hyp2f1(r + s, second, r + s + x + 1, z1) / Math.pow(big, r + s);
  let b2 = 0;
  for (let i = 0; i <= x; i++) {
    const coefficient = Math.exp(lnGamma(r + s + i) - lnGamma(r + s) - lnGamma(i + 1)) * Math.pow(t, i);
    b2 += (coefficient * hyp2f1(r + s + i, second, r + s + x + 1, z2)) / Math.pow(big + t, r + s + i);
  }
  return nb + factor * (b1 - b2);
}

describe("Pareto/NBD on CDNOW", () => {
  const data = publishedSummaryColumns();

  it("reproduces the published estimates r 0.553, α 10.578, s 0.606, β 11.669 and LL −9595.0", () => {
    const fit = fitParetoNbd(data);
    expect(fit.converged).toBe(true);
    expect(fit.params.r.toFixed(3)).toBe("0.553");
    expect(fit.params.alpha.toFixed(3)).toBe("10.578");
    expect(fit.params.s.toFixed(3)).toBe("0.606");
    // β is flat near its optimum: the published 11.669 and the maximum 11.668 are within 0.001 of each other.
    expectClose(fit.params.beta, 11.669, 0.002);
    expect(fit.logLikelihood.toFixed(1)).toBe("-9595.0");
    let atPublished = 0;
    for (let i = 0; i < data.rows.length; i++)
      atPublished += paretonbdCustomerLogLikelihood(PUBLISHED, data.frequency[i], data.recency[i], data.T[i]);
    expect(atPublished.toFixed(1)).toBe("-9595.0");
    expect(fit.stdErrors).toBeDefined();
  });
});

describe("the likelihood's integral", () => {
  const out: ParetoIntegral = { lnValue: 0, dr: 0, dalpha: 0, ds: 0, dbeta: 0 };
  const cases: [string, number[]][] = [
    ["CDNOW-like, α < β", [0.553, 10.578, 0.606, 11.669, 2, 30.43, 38.86]],
    ["one-time buyer", [0.553, 10.578, 0.606, 11.669, 0, 0, 38.86]],
    ["α > β", [0.553, 12.578, 0.606, 10.669, 5, 3, 38.86]],
    ["α ≪ β (quadrature)", [0.5, 0.01, 0.6, 10, 0, 0, 38]],
    ["α ≫ β (quadrature)", [0.5, 10, 0.6, 0.01, 0, 0, 38]],
    ["heavy buyer, α ≪ β", [0.5, 0.01, 0.6, 10, 40, 2, 38]],
    ["s and β large (no dropout heterogeneity)", [0.5, 10, 30, 1e6, 3, 2, 38]],
    ["t_x close to T", [0.5, 10, 0.6, 12, 20, 37.99, 38]],
  ];
  for (const [name, [r, alpha, s, beta, x, tx, T]] of cases) {
    it(`matches a brute-force quadrature: ${name}`, () => {
      paretoIntegral(r, alpha, s, beta, x, tx, T, out);
      expectClose(out.lnValue, bruteForceLnIntegral(r, alpha, s, beta, x, tx, T), 1e-9);
    });
  }

  it("has the derivatives of central finite differences", () => {
    for (const [, [r, alpha, s, beta, x, tx, T]] of cases) {
      paretoIntegral(r, alpha, s, beta, x, tx, T, out);
      const analytic = [out.dr, out.dalpha, out.ds, out.dbeta];
      const params = [r, alpha, s, beta];
      for (let k = 0; k < 4; k++) {
        const h = 1e-4 * params[k];
        const up = [...params];
        const down = [...params];
        up[k] += h;
        down[k] -= h;
        const copy = { ...out };
        paretoIntegral(up[0], up[1], up[2], up[3], x, tx, T, copy);
        const plus = copy.lnValue;
        paretoIntegral(down[0], down[1], down[2], down[3], x, tx, T, copy);
        const numeric = (plus - copy.lnValue) / (2 * h);
        expectClose(
          analytic[k],
          numeric,
          1e-5 * Math.max(1, Math.abs(numeric)),
          `∂/∂${["r", "α", "s", "β"][k]} at ${[r, alpha, s, beta, x, tx, T]}`,
        );
      }
    }
  });

  it("is exactly 0 (ln −∞) when t_x = T: no time to drop out unseen", () => {
    paretoIntegral(0.5, 10, 0.6, 12, 3, 20, 20, out);
    expect(out.lnValue).toBe(-Infinity);
    expect(paretonbdProbabilityAlive(PUBLISHED, 3, 20, 20)).toBe(1);
  });
});

describe("the Pareto/NBD objective", () => {
  it("has the gradient of central finite differences of the log-likelihood", () => {
    const data = publishedSummaryColumns();
    const prepared = prepareCountData(data, true);
    const { objective } = PARETONBD_SPEC.makeObjective(prepared, 0);
    const theta = Float64Array.from([Math.log(0.6), Math.log(0.3), Math.log(0.8), Math.log(0.4)]);
    const gradient = new Float64Array(4);
    objective(theta, gradient);
    const scratch = new Float64Array(4);
    for (let j = 0; j < 4; j++) {
      const h = 1e-5;
      const up = Float64Array.from(theta);
      const down = Float64Array.from(theta);
      up[j] += h;
      down[j] -= h;
      const numeric = (objective(up, scratch) - objective(down, scratch)) / (2 * h);
      expectClose(gradient[j], numeric, 1e-7, `component ${j}`);
    }
  });
});

describe("Pareto/NBD predictions", () => {
  const model = COUNTING_MODELS.paretonbd;
  const p = paramsVector(model, PUBLISHED);

  it("gives P(X(t) = n) of Fader & Hardie's closed form", () => {
    for (const params of [PUBLISHED, { r: 2.5, alpha: 3, s: 1.6, beta: 30 }, { r: 0.5, alpha: 30, s: 0.3, beta: 4 }]) {
      for (const t of [5, 39, 120]) {
        const pmf = new Float64Array(12);
        newCustomerPurchasePmf(model, paramsVector(model, params), t, pmf);
        for (let n = 0; n < 12; n++) {
          const reference = faderHardiePmf(params, t, n);
          expectClose(pmf[n], reference, 1e-8 * Math.max(reference, 1e-3), `P(X(${t}) = ${n}) at ${JSON.stringify(params)}`);
        }
      }
    }
  });

  it("has conditional expectations equal to the mean of the conditional distribution", () => {
    for (const [x, tx, T, t] of [
      [0, 0, 30, 39],
      [2, 30.43, 38.86, 39],
      [7, 29.4, 38.9, 52],
      [26, 30.86, 31, 52],
    ]) {
      const pmf = new Float64Array(600);
      conditionalPurchasePmf(model, p, x, tx, T, t, pmf);
      let total = 0;
      let mean = 0;
      pmf.forEach((value, n) => {
        total += value;
        mean += n * value;
      });
      expectClose(total, 1, 1e-9, "sum");
      expectClose(mean, paretonbdConditionalExpectedPurchases(PUBLISHED, t, x, tx, T), 1e-6 * Math.max(1, mean), `mean at x=${x}`);
    }
  });

  it("has E[X(t)] = rβ/(α(s−1))·[1 − (β/(β+t))^(s−1)] and its limit at s = 1", () => {
    const { r, alpha, s, beta } = PUBLISHED;
    expectClose(
      paretonbdExpectedPurchases(PUBLISHED, 52),
      ((r * beta) / (alpha * (s - 1))) * (1 - Math.pow(beta / (beta + 52), s - 1)),
      1e-12,
    );
    const atOne = { ...PUBLISHED, s: 1 };
    expectClose(paretonbdAliveExpectation(atOne, 0, 0, 52), ((r * beta) / alpha) * Math.log(1 + 52 / beta), 1e-12);
    const nearOne = paretonbdAliveExpectation({ ...PUBLISHED, s: 1 + 1e-7 }, 0, 0, 52);
    expectClose(nearOne, paretonbdAliveExpectation(atOne, 0, 0, 52), 1e-6);
  });

  it("does not call a one-time buyer certainly alive, and is never NaN", () => {
    const alive = paretonbdProbabilityAlive(PUBLISHED, 0, 0, 38);
    expect(alive).toBeGreaterThan(0.1);
    expect(alive).toBeLessThan(1);
    expect(paretonbdProbabilityAlive(PUBLISHED, 1000, 10, 100)).toBe(0);
  });
});
