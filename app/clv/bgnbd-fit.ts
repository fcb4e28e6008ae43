/**
 * Maximum-likelihood fit of the BG/NBD model (formulas in bgnbd.ts).
 *
 * - Parameters are optimised on the log scale, θ = (ln r, ln α', ln a, ln b),
 *   with times divided by the mean customer age s (α' = α/s), so that the
 *   problem looks the same whatever the time unit.
 * - The objective is the mean negative log-likelihood over the distinct
 *   (x, t_x, T) patterns weighted by their customer counts, with an exact
 *   gradient (digamma). The fitting driver (BFGS from a warm start or up to
 *   three starts, subsample first for large shops, Newton polish, covariance)
 *   is shared with the other models: count-model-fit.ts.
 */

import type { BgNbdData, BgNbdParams } from "./bgnbd.ts";
import {
  finishObjective,
  DEFAULT_STARTING_POINTS,
  fitCountModel,
  logAddExpShares,
  type LogSumShares,
  insideSearchBox,
  type CountModelFitOptions,
  type CountModelSpec,
  type ModelObjective,
  type PreparedPatterns,
} from "./count-model-fit.ts";
import { digammaShift, lnGammaShift } from "./special-functions.ts";

export type BgNbdFitOptions = CountModelFitOptions;

export interface BgNbdFit {
  params: BgNbdParams;
  /** Log-likelihood at the estimate (without the penalty). */
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  evaluations: number;
  /** Standard errors from the inverse Hessian of the penalised negative log-likelihood; absent if it is not positive definite. */
  stdErrors?: BgNbdParams;
  /** Covariance of (ln r, ln α, ln a, ln b), row-major 4×4; null when the Hessian is not positive definite or at the edge. */
  covariance: Float64Array | null;
  /** Distinct rows the likelihood was evaluated on. */
  patterns: number;
  /** Σ weights (customers). */
  customers: number;
  /** True when an estimate ran to the edge of the search box (|ln parameter| near 10): not identifiable from the data. */
  atBoundary: boolean;
  /**
   * The parameters at the edge. Only a and b there (both large, a/(a+b) fixed) is the limit of a
   * dropout probability shared by all customers; r and α there mean no heterogeneity in purchase rates.
   */
  boundaryParameters: (keyof BgNbdParams)[];
  hessianPositiveDefinite: boolean;
}

function makeBgNbdObjective(prepared: PreparedPatterns, penalizer: number): ModelObjective {
  const { x, tx, T, weight, xLevel, levelX, levelWeight, totalWeight } = prepared;
  const levels = levelX.length;
  const levelLnBxm1 = new Float64Array(levels); // ln(b + x − 1) for x > 0
  const levelInvBxm1 = new Float64Array(levels);

  const state = { lastLogLikelihood: NaN };
  const shares: LogSumShares = { logSum: 0, first: 0, second: 0 };
  const objective = (theta: Float64Array, gradient: Float64Array): number => {
    if (!insideSearchBox(theta)) return Infinity;
    const r = Math.exp(theta[0]);
    const alpha = Math.exp(theta[1]);
    const a = Math.exp(theta[2]);
    const b = Math.exp(theta[3]);
    const lnAlpha = theta[1];
    const lnA = theta[2];

    // Per distinct x: A1 − r ln α and A2, and their derivatives.
    let ll = 0;
    let gr = 0;
    let ga = 0;
    let gb = 0;
    for (let k = 0; k < levels; k++) {
      const xk = levelX[k];
      const w = levelWeight[k];
      if (xk === 0) {
        levelLnBxm1[k] = NaN;
        continue;
      }
      // A1 − r ln α = lnΓ(r+x) − lnΓ(r); A2 = [lnΓ(b+x) − lnΓ(b)] − [lnΓ(a+b+x) − lnΓ(a+b)].
      const dAB = -digammaShift(a + b, xk);
      ll += w * (lnGammaShift(r, xk) + lnGammaShift(b, xk) - lnGammaShift(a + b, xk));
      gr += w * digammaShift(r, xk);
      ga += w * dAB;
      gb += w * (dAB + digammaShift(b, xk));
      levelLnBxm1[k] = Math.log(b + xk - 1);
      levelInvBxm1[k] = 1 / (b + xk - 1);
    }
    ll += totalWeight * r * lnAlpha;
    gr += totalWeight * lnAlpha;
    let galpha = (totalWeight * r) / alpha;

    // Per row: logaddexp(A3, A4).
    for (let i = 0; i < x.length; i++) {
      const w = weight[i];
      const xi = x[i];
      const rx = r + xi;
      const lnAlphaT = Math.log(alpha + T[i]);
      const a3 = -rx * lnAlphaT;
      if (xi === 0) {
        ll += w * a3;
        gr -= w * lnAlphaT;
        galpha -= (w * rx) / (alpha + T[i]);
        continue;
      }
      const level = xLevel[i];
      const lnAlphaTx = Math.log(alpha + tx[i]);
      const a4 = lnA - levelLnBxm1[level] - rx * lnAlphaTx;
      // Shares s3 = e^(A3−L), s4 = e^(A4−L) of the two terms of L = logaddexp(A3, A4).
      logAddExpShares(a3, a4, shares);
      const s3 = shares.first;
      const s4 = shares.second;
      const logSum = shares.logSum;
      ll += w * logSum;
      gr -= w * (s3 * lnAlphaT + s4 * lnAlphaTx);
      galpha -= w * rx * (s3 / (alpha + T[i]) + s4 / (alpha + tx[i]));
      ga += (w * s4) / a;
      gb -= w * s4 * levelInvBxm1[level];
    }
    state.lastLogLikelihood = ll;
    return finishObjective(theta, [gr, galpha, ga, gb], ll, penalizer, totalWeight, gradient);
  };
  return { objective, state };
}

export const BGNBD_SPEC: CountModelSpec = {
  label: "BG/NBD",
  parameterNames: ["r", "alpha", "a", "b"],
  timeScaled: [false, true, false, false],
  makeObjective: makeBgNbdObjective,
  startingPoints: DEFAULT_STARTING_POINTS,
};

export function fitBgNbd(data: BgNbdData, options: BgNbdFitOptions = {}): BgNbdFit {
  const fit = fitCountModel(BGNBD_SPEC, data, options);
  return {
    ...fit,
    params: fit.params as unknown as BgNbdParams,
    stdErrors: fit.stdErrors as unknown as BgNbdParams | undefined,
    boundaryParameters: fit.boundaryParameters as (keyof BgNbdParams)[],
  };
}
