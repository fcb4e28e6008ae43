/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Hardie's
 * note 025). A customer's purchase amounts are Gamma(p, ν) with a
 * customer-specific rate ν ~ Gamma(q, v); the mean m of their x repeat
 * purchases is the data. Fitted on customers with x > 0 and m > 0 only.
 */

import { lnGamma } from "./special-functions.ts";

export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

export interface GammaGammaData {
  /** x: repeat purchases. */
  frequency: ArrayLike<number>;
  /** m: mean amount of the repeat purchases. */
  monetary: ArrayLike<number>;
  weights?: ArrayLike<number>;
}

export interface GammaGammaExclusions {
  /** Customers with x = 0: no repeat purchase, no m. */
  noRepeatPurchase: number;
  /** Customers with x > 0 but m ≤ 0 (free orders, refunds): the model needs m > 0. */
  nonPositiveValue: number;
  /** Rows with a non-finite x or m. */
  invalid: number;
}

export interface GammaGammaFitted {
  status: "fitted";
  params: GammaGammaParams;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  /** Customers in the fit (Σ weights). */
  customers: number;
  excluded: GammaGammaExclusions;
  /** Pearson correlation of x and m over the fitted customers; the model assumes none. Null when undefined. */
  frequencyMonetaryCorrelation: number | null;
  /** Population mean spend per purchase, v·p/(q − 1). */
  populationMeanValue: number;
  stdErrors?: GammaGammaParams;
}

export interface GammaGammaRefused {
  status: "refused";
  reason: string;
  customers: number;
  excluded: GammaGammaExclusions;
  frequencyMonetaryCorrelation: number | null;
  /** The estimate that was refused, when the fit ran (e.g. q ≤ 1). */
  params?: GammaGammaParams;
}

export type GammaGammaFit = GammaGammaFitted | GammaGammaRefused;

export interface GammaGammaFitOptions {
  /** Same meaning as for BG/NBD: λ·Σ(ln p, ln q, ln(v/s))² on the total negative log-likelihood, s = mean m. */
  penalizer?: number;
  /** Fewer fitted customers than this: refused. Default 3. */
  minCustomers?: number;
}

/** Log-likelihood of one customer's mean repeat spend m over x purchases. */
export function gammaGammaCustomerLogLikelihood(params: GammaGammaParams, x: number, m: number): number {
  const { p, q, v } = params;
  const px = p * x;
  return (
    lnGamma(px + q) -
    lnGamma(px) -
    lnGamma(q) +
    q * Math.log(v) +
    (px - 1) * Math.log(m) +
    px * Math.log(x) -
    (px + q) * Math.log(x * m + v)
  );
}

/**
 * E[M | x, m] = (p·(v + x·m)) / (p·x + q − 1): a weighted mean of the
 * population mean v·p/(q−1) and the customer's own m. For x = 0 it is the
 * population mean; a negative m is treated as 0.
 */
export function gammaGammaExpectedAverageValue(params: GammaGammaParams, x: number, m: number): number {
  const { p, q, v } = params;
  if (x <= 0) return (v * p) / (q - 1);
  return (p * (v + x * Math.max(m, 0))) / (p * x + q - 1);
}

export function pearsonCorrelation(u: ArrayLike<number>, w: ArrayLike<number>, weights?: ArrayLike<number>): number | null {
  let n = 0;
  let su = 0;
  let sw = 0;
  for (let i = 0; i < u.length; i++) {
    const k = weights ? weights[i] : 1;
    n += k;
    su += k * u[i];
    sw += k * w[i];
  }
  if (!(n > 1)) return null;
  const mu = su / n;
  const mw = sw / n;
  let cuu = 0;
  let cww = 0;
  let cuw = 0;
  for (let i = 0; i < u.length; i++) {
    const k = weights ? weights[i] : 1;
    const du = u[i] - mu;
    const dw = w[i] - mw;
    cuu += k * du * du;
    cww += k * dw * dw;
    cuw += k * du * dw;
  }
  if (!(cuu > 0 && cww > 0)) return null;
  return cuw / Math.sqrt(cuu * cww);
}
