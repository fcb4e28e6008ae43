/**
 * MBG/NBD model (Batislam, Denizel & Filiztekin 2007, "Empirical validation
 * and comparison of models for customer base analysis"): BG/NBD in which a
 * customer can also drop out right after the first purchase, at time 0.
 * While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α);
 * at time 0 and after each repeat purchase they drop out with probability
 * p ~ Beta(a, b). A customer without a repeat purchase is therefore not
 * certainly alive (BG/NBD gives them P(alive) = 1).
 *
 * Per customer (x, t_x, T), with C = Γ(a+b)Γ(b+x) / (Γ(b)Γ(a+b+x+1)):
 *   L = Γ(r+x)α^r/Γ(r) · C · [(b+x)(α+T)^−(r+x) + a(α+t_x)^−(r+x)]
 * (the second term is there for every x, also x = 0: dropped out at time 0).
 *
 * Given alive at T, λ ~ Gamma(r+x, α+T) and p ~ Beta(a, b+x+1): the future is
 * that of a BG/NBD customer with b shifted by one, so the expectations and
 * the distribution of future purchases reuse the BG/NBD formulas with b+1.
 */

import type { BgNbdParams } from "./bgnbd.ts";
import { bgnbdAliveExpectation } from "./bgnbd-expectation.ts";
import {
  finishObjective,
  DEFAULT_STARTING_POINTS,
  fitNamedCountModel,
  type NamedCountFit,
  logAddExpShares,
  type LogSumShares,
  insideSearchBox,
  type CountData,
  type CountModelFitOptions,
  type CountModelSpec,
  type ModelObjective,
  type PreparedPatterns,
} from "./count-model-fit.ts";
import { digammaShift, lnGamma, lnGammaShift, logAddExp } from "./special-functions.ts";

/** Same four parameters as BG/NBD: r, α (purchase rates), a, b (dropout probability). */
export type MbgNbdParams = BgNbdParams;

export function mbgnbdCustomerLogLikelihood(params: MbgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = params;
  const head = lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha) + lnGamma(a + b) + lnGamma(b + x) - lnGamma(b) - lnGamma(a + b + x + 1);
  const stillAlive = Math.log(b + x) - (r + x) * Math.log(alpha + T);
  const droppedOut = Math.log(a) - (r + x) * Math.log(alpha + tx);
  return head + logAddExp(stillAlive, droppedOut);
}

/** P(alive | x, t_x, T) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)), formed in logs (0, not NaN, on overflow). */
export function mbgnbdProbabilityAlive(params: MbgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = params;
  const exponent = Math.log(a) - Math.log(b + x) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(exponent));
}

/** E[Y(t) | alive at T, x]: the BG/NBD form with b + 1 (the posterior of p has survived x + 1 chances to drop out). */
export function mbgnbdAliveExpectation(params: MbgNbdParams, x: number, T: number, t: number): number {
  return bgnbdAliveExpectation({ r: params.r, alpha: params.alpha, a: params.a, b: params.b + 1 }, x, T, t);
}

/** E[Y(t) | x, t_x, T]: expected purchases in (T, T + t]. */
export function mbgnbdConditionalExpectedPurchases(params: MbgNbdParams, t: number, x: number, tx: number, T: number): number {
  return mbgnbdProbabilityAlive(params, x, tx, T) * mbgnbdAliveExpectation(params, x, T, t);
}

/** E[X(t)] of a new customer: b/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))], the x = 0, T = 0 case. */
export function mbgnbdExpectedPurchases(params: MbgNbdParams, t: number): number {
  return mbgnbdConditionalExpectedPurchases(params, t, 0, 0, 0);
}

function makeMbgNbdObjective(prepared: PreparedPatterns, penalizer: number): ModelObjective {
  const { x, tx, T, weight, xLevel, levelX, levelWeight, totalWeight } = prepared;
  const levels = levelX.length;
  const levelLnBx = new Float64Array(levels); // ln(b + x)
  const levelInvBx = new Float64Array(levels);

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

    // Per distinct x: lnΓ(r+x) − lnΓ(r) + [lnΓ(b+x) − lnΓ(b)] − [lnΓ(a+b+x+1) − lnΓ(a+b)], and derivatives.
    let ll = 0;
    let gr = 0;
    let ga = 0;
    let gb = 0;
    for (let k = 0; k < levels; k++) {
      const xk = levelX[k];
      const w = levelWeight[k];
      const dAB = -digammaShift(a + b, xk + 1);
      ll += w * (lnGammaShift(r, xk) + lnGammaShift(b, xk) - lnGammaShift(a + b, xk + 1));
      gr += w * digammaShift(r, xk);
      ga += w * dAB;
      gb += w * (dAB + digammaShift(b, xk));
      levelLnBx[k] = Math.log(b + xk);
      levelInvBx[k] = 1 / (b + xk);
    }
    ll += totalWeight * r * lnAlpha;
    gr += totalWeight * lnAlpha;
    let galpha = (totalWeight * r) / alpha;

    // Per row: logaddexp(ln(b+x) − (r+x) ln(α+T), ln a − (r+x) ln(α+t_x)).
    for (let i = 0; i < x.length; i++) {
      const w = weight[i];
      const rx = r + x[i];
      const level = xLevel[i];
      const lnAlphaT = Math.log(alpha + T[i]);
      const lnAlphaTx = Math.log(alpha + tx[i]);
      const alive = levelLnBx[level] - rx * lnAlphaT;
      const dropped = lnA - rx * lnAlphaTx;
      logAddExpShares(alive, dropped, shares);
      const sAlive = shares.first;
      const sDropped = shares.second;
      const logSum = shares.logSum;
      ll += w * logSum;
      gr -= w * (sAlive * lnAlphaT + sDropped * lnAlphaTx);
      galpha -= w * rx * (sAlive / (alpha + T[i]) + sDropped / (alpha + tx[i]));
      ga += (w * sDropped) / a;
      gb += w * sAlive * levelInvBx[level];
    }
    state.lastLogLikelihood = ll;
    return finishObjective(theta, [gr, galpha, ga, gb], ll, penalizer, totalWeight, gradient);
  };
  return { objective, state };
}

export const MBGNBD_SPEC: CountModelSpec = {
  label: "MBG/NBD",
  parameterNames: ["r", "alpha", "a", "b"],
  timeScaled: [false, true, false, false],
  makeObjective: makeMbgNbdObjective,
  startingPoints: DEFAULT_STARTING_POINTS,
};

export type MbgNbdFit = NamedCountFit<MbgNbdParams>;

export function fitMbgNbd(data: CountData, options: CountModelFitOptions = {}): MbgNbdFit {
  return fitNamedCountModel<MbgNbdParams>(MBGNBD_SPEC, data, options);
}
