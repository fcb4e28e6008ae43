/**
 * Pareto/NBD model (Schmittlein, Morrison & Colombo 1987; likelihood as in
 * Fader & Hardie, "A note on deriving the Pareto/NBD model and related
 * expressions", 2005). While alive a customer buys as a Poisson process with
 * rate λ ~ Gamma(r, α); their lifetime is exponential with rate
 * μ ~ Gamma(s, β), independent of purchasing (dropout can happen at any time,
 * not only after a purchase as in BG/NBD).
 *
 * Per customer (x, t_x, T):
 *   L = Γ(r+x) α^r β^s / Γ(r) · [(α+T)^−(r+x) (β+T)^−s + s · I],
 *   I = ∫_{t_x}^{T} (α+y)^−(r+x) (β+y)^−(s+1) dy   (paretonbd-integral.ts),
 * the first term alive throughout, the second dropped out at some y in (t_x, T].
 * P(alive | x, t_x, T) is the first term's share. Given alive at T,
 * λ ~ Gamma(r+x, α+T) and μ ~ Gamma(s, β+T).
 */

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
import { lnParetoIntegral, paretoIntegral, type ParetoIntegral } from "./paretonbd-integral.ts";
import { digammaShift, lnGamma, lnGammaShift, logAddExp } from "./special-functions.ts";

export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

function newIntegral(): ParetoIntegral {
  return { lnValue: 0, dr: 0, dalpha: 0, ds: 0, dbeta: 0 };
}

const scratch = newIntegral();

/** ln of the two terms of the likelihood bracket: alive throughout, and dropped out after t_x. */
function logTerms(params: ParetoNbdParams, x: number, tx: number, T: number): { alive: number; dropped: number } {
  const { r, alpha, s, beta } = params;
  paretoIntegral(r, alpha, s, beta, x, tx, T, scratch);
  return {
    alive: -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T),
    dropped: Math.log(s) + scratch.lnValue,
  };
}

export function paretonbdCustomerLogLikelihood(params: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = params;
  const { alive, dropped } = logTerms(params, x, tx, T);
  return lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha) + s * Math.log(beta) + logAddExp(alive, dropped);
}

/** P(alive | x, t_x, T) = 1 / (1 + s·I·(α+T)^(r+x)(β+T)^s), formed in logs. */
export function paretonbdProbabilityAlive(params: ParetoNbdParams, x: number, tx: number, T: number): number {
  return paretonbdProbabilityAliveOf(params.r, params.alpha, params.s, params.beta, x, tx, T);
}

/** The same with the parameters as numbers (no object per call on hot paths). */
export function paretonbdProbabilityAliveOf(r: number, alpha: number, s: number, beta: number, x: number, tx: number, T: number): number {
  const lnIntegral = lnParetoIntegral(r, alpha, s, beta, x, tx, T);
  if (lnIntegral === -Infinity) return 1;
  const alive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  return 1 / (1 + Math.exp(Math.log(s) + lnIntegral - alive));
}

/**
 * E[Y(t) | alive at T, x] = (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)],
 * with the bracket over (s − 1) formed by expm1 so that s = 1 (its limit is ln(1 + t/(β+T))) needs no special case.
 */
export function paretonbdAliveExpectation(params: ParetoNbdParams, x: number, T: number, t: number): number {
  if (!(t > 0)) return 0;
  const { r, alpha, s, beta } = params;
  const L = -Math.log1p(t / (beta + T)); // ln((β+T)/(β+T+t)) < 0
  const sm1 = s - 1;
  const bracketOverSm1 = Math.abs(sm1 * L) < 1e-8 ? -L * (1 + (sm1 * L) / 2) : -Math.expm1(sm1 * L) / sm1;
  return (((r + x) * (beta + T)) / (alpha + T)) * bracketOverSm1;
}

/** E[Y(t) | x, t_x, T]: expected purchases in (T, T + t]. */
export function paretonbdConditionalExpectedPurchases(params: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  return paretonbdProbabilityAlive(params, x, tx, T) * paretonbdAliveExpectation(params, x, T, t);
}

/** E[X(t)] of a new customer: rβ/(α(s−1)) · [1 − (β/(β+t))^(s−1)]. */
export function paretonbdExpectedPurchases(params: ParetoNbdParams, t: number): number {
  return paretonbdAliveExpectation(params, 0, 0, t);
}

function makeParetoNbdObjective(prepared: PreparedPatterns, penalizer: number): ModelObjective {
  const { x, tx, T, weight, levelX, levelWeight, totalWeight } = prepared;
  const levels = levelX.length;
  const integral = newIntegral();
  const state = { lastLogLikelihood: NaN };
  const shares: LogSumShares = { logSum: 0, first: 0, second: 0 };
  const objective = (theta: Float64Array, gradient: Float64Array): number => {
    if (!insideSearchBox(theta)) return Infinity;
    const r = Math.exp(theta[0]);
    const alpha = Math.exp(theta[1]);
    const s = Math.exp(theta[2]);
    const beta = Math.exp(theta[3]);

    // lnΓ(r+x) − lnΓ(r) per distinct x; r ln α + s ln β per customer.
    let ll = totalWeight * (r * theta[1] + s * theta[3]);
    let gr = totalWeight * theta[1];
    let galpha = (totalWeight * r) / alpha;
    let gs = totalWeight * theta[3];
    let gbeta = (totalWeight * s) / beta;
    for (let k = 0; k < levels; k++) {
      ll += levelWeight[k] * lnGammaShift(r, levelX[k]);
      gr += levelWeight[k] * digammaShift(r, levelX[k]);
    }
    const lnS = theta[2];
    for (let i = 0; i < x.length; i++) {
      const w = weight[i];
      const rx = r + x[i];
      const lnAlphaT = Math.log(alpha + T[i]);
      const lnBetaT = Math.log(beta + T[i]);
      const alive = -rx * lnAlphaT - s * lnBetaT;
      paretoIntegral(r, alpha, s, beta, x[i], tx[i], T[i], integral);
      if (integral.lnValue === -Infinity) {
        ll += w * alive;
        gr -= w * lnAlphaT;
        galpha -= (w * rx) / (alpha + T[i]);
        gs -= w * lnBetaT;
        gbeta -= (w * s) / (beta + T[i]);
        continue;
      }
      const dropped = lnS + integral.lnValue;
      logAddExpShares(alive, dropped, shares);
      const sAlive = shares.first;
      const sDropped = shares.second;
      const logSum = shares.logSum;
      ll += w * logSum;
      gr += w * (-sAlive * lnAlphaT + sDropped * integral.dr);
      galpha += w * (-sAlive * (rx / (alpha + T[i])) + sDropped * integral.dalpha);
      gs += w * (-sAlive * lnBetaT + sDropped * (1 / s + integral.ds));
      gbeta += w * (-sAlive * (s / (beta + T[i])) + sDropped * integral.dbeta);
    }
    state.lastLogLikelihood = ll;
    return finishObjective(theta, [gr, galpha, gs, gbeta], ll, penalizer, totalWeight, gradient);
  };
  return { objective, state };
}

export const PARETONBD_SPEC: CountModelSpec = {
  label: "Pareto/NBD",
  parameterNames: ["r", "alpha", "s", "beta"],
  timeScaled: [false, true, false, true],
  makeObjective: makeParetoNbdObjective,
  startingPoints: DEFAULT_STARTING_POINTS,
};

export type ParetoNbdFit = NamedCountFit<ParetoNbdParams>;

export function fitParetoNbd(data: CountData, options: CountModelFitOptions = {}): ParetoNbdFit {
  return fitNamedCountModel<ParetoNbdParams>(PARETONBD_SPEC, data, options);
}
