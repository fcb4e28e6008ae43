/**
 * BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy
 * way"): while alive a customer buys as a Poisson process with rate
 * λ ~ Gamma(r, α); after each purchase they drop out with probability
 * p ~ Beta(a, b). Data per customer: x repeat purchases, recency t_x, age T
 * (one time unit throughout).
 *
 * This file holds the per-customer formulas; the maximum-likelihood fit is
 * in bgnbd-fit.ts, bulk scoring of many customers in clv.ts.
 */

import { lnBeta, lnGamma, logAddExp } from "./special-functions.ts";
import { bgnbdAliveExpectation } from "./bgnbd-expectation.ts";

export { bgnbdAliveExpectation } from "./bgnbd-expectation.ts";

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Customer data: one entry per row (a customer, or a pattern with a weight). */
export interface BgNbdData {
  /** x: repeat purchases. */
  frequency: ArrayLike<number>;
  /** t_x: time of the last purchase since the first. */
  recency: ArrayLike<number>;
  /** T: time since the first purchase. */
  T: ArrayLike<number>;
  /** Optional row weights (customer counts); default 1 per row. */
  weights?: ArrayLike<number>;
}

/** Log-likelihood of one customer; x = 0 never evaluates ln(b − 1). */
export function bgnbdCustomerLogLikelihood(params: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = params;
  const a1 = lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha);
  const a2 = lnGamma(a + b) + lnGamma(b + x) - lnGamma(b) - lnGamma(a + b + x);
  const a3 = -(r + x) * Math.log(alpha + T);
  const a4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity;
  return a1 + a2 + logAddExp(a3, a4);
}

/** Σ weight · log-likelihood over the rows. */
export function bgnbdLogLikelihood(params: BgNbdParams, data: BgNbdData): number {
  let total = 0;
  for (let i = 0; i < data.frequency.length; i++) {
    const w = data.weights ? data.weights[i] : 1;
    if (w === 0) continue;
    total += w * bgnbdCustomerLogLikelihood(params, data.frequency[i], data.recency[i], data.T[i]);
  }
  return total;
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + [x > 0] · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)),
 * with the second term formed in logs: for x = 1000, t_x = 10, T = 100 it
 * is e^(thousands), exp gives Infinity and the probability is exactly 0.
 */
export function bgnbdProbabilityAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  if (x <= 0) return 1;
  const { r, alpha, a, b } = params;
  const exponent = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(exponent));
}

/** E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] of a customer with this history. */
export function bgnbdConditionalExpectedPurchases(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  return bgnbdAliveExpectation(params, x, T, t) * bgnbdProbabilityAlive(params, x, tx, T);
}

/** E[X(t)]: expected purchases of a new customer in (0, t] (the x = 0, T = 0 case of the above). */
export function bgnbdExpectedPurchases(params: BgNbdParams, t: number): number {
  return bgnbdAliveExpectation(params, 0, 0, t);
}

/**
 * P(X(t) = n) for a new customer:
 * B(a, b+n)/B(a, b) · NB(n) + [n > 0] · B(a+1, b+n−1)/B(a, b) · P(NB ≥ n),
 * NB(j) = Γ(r+j)/(Γ(r) j!) · (α/(α+t))^r · (t/(α+t))^j.
 */
export function bgnbdProbabilityOfPurchases(params: BgNbdParams, t: number, n: number): number {
  const { r, alpha, a, b } = params;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  const lnStay = Math.log(alpha / (alpha + t));
  const lnBuy = Math.log(t / (alpha + t));
  const lnBetaAB = lnBeta(a, b);
  const lnNegativeBinomial = (j: number): number => lnGamma(r + j) - lnGamma(r) - lnGamma(j + 1) + r * lnStay + (j === 0 ? 0 : j * lnBuy);
  const stillAliveTerm = Math.exp(lnBeta(a, b + n) - lnBetaAB + lnNegativeBinomial(n));
  if (n === 0) return stillAliveTerm;

  // P(NB ≥ n): 1 − Σ_{j<n} when that sum is small, otherwise the tail summed directly (no cancellation).
  let head = 0;
  for (let j = 0; j < n; j++) head += Math.exp(lnNegativeBinomial(j));
  let atLeastN: number;
  if (head < 0.5) {
    atLeastN = 1 - head;
  } else {
    atLeastN = 0;
    let term = Math.exp(lnNegativeBinomial(n));
    const q = t / (alpha + t);
    for (let j = n; j < n + 1_000_000 && term > 0; j++) {
      atLeastN += term;
      const ratio = ((r + j) / (j + 1)) * q;
      term *= ratio;
      if (ratio < 1 && (term * ratio) / (1 - ratio) < 1e-17 * atLeastN) break;
    }
  }
  const droppedTerm = Math.exp(lnBeta(a + 1, b + n - 1) - lnBetaAB) * atLeastN;
  return stillAliveTerm + droppedTerm;
}
