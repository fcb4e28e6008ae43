/**
 * Bulk scoring: expected purchases, P(alive) and discounted customer
 * lifetime value for many customers at once.
 *
 * CLV over H months with monthly discount rate d:
 *   CLV = Σ_{k=1..H} m̂ · (E[Y(k·f)] − E[Y((k−1)·f)]) / (1+d)^k
 * with f the model's time units per month and m̂ the expected value of a
 * purchase. Since E[Y(t) | x, t_x, T] = P(alive | x, t_x, T) · N(x, T, t),
 * the expensive part N (a series) depends on (x, T) only: it is computed
 * once per distinct (x, T) pair and every customer then costs a P(alive)
 * and a few multiplications.
 */

import type { BgNbdParams } from "./bgnbd.ts";
import { BGNBD_MODEL, paramsVector, type CountingModel } from "./models.ts";
import { groupRows } from "./patterns.ts";
import type { Period } from "./summary.ts";

/**
 * Model time units per month. One month is 4.345 weeks (52.14 weeks / 12,
 * the convention of the published CDNOW CLV figures), and the daily model
 * uses the same month, 4.345 × 7 = 30.415 days, so that a shop fitted in
 * days or in weeks is valued over the same span.
 */
export const UNITS_PER_MONTH: Readonly<Record<Period, number>> = { week: 4.345, day: 4.345 * 7 };

export interface CustomerHistory {
  frequency: ArrayLike<number>;
  recency: ArrayLike<number>;
  T: ArrayLike<number>;
}

export interface ValueOptions {
  /** H, months (default 12). */
  horizonMonths?: number;
  /** d, per month (default 0.01). */
  monthlyDiscountRate?: number;
  /** f, model time units per month (default: weeks, 4.345). */
  unitsPerMonth?: number;
}

export interface CustomerScores {
  /** P(alive | x, t_x, T). */
  probabilityAlive: Float64Array;
  /** E[Y(H·f) | x, t_x, T]: expected purchases over the horizon. */
  expectedPurchases: Float64Array;
  /** Discounted expected purchases Σ_k ΔE[Y]/(1+d)^k: CLV per unit of purchase value. */
  discountedPurchases: Float64Array;
}

function checkValueOptions(options: ValueOptions): Required<ValueOptions> {
  const horizonMonths = options.horizonMonths ?? 12;
  const monthlyDiscountRate = options.monthlyDiscountRate ?? 0.01;
  const unitsPerMonth = options.unitsPerMonth ?? UNITS_PER_MONTH.week;
  if (!(Number.isInteger(horizonMonths) && horizonMonths >= 0 && horizonMonths <= 1200)) {
    throw new RangeError(`horizonMonths must be an integer from 0 to 1200, got ${horizonMonths}`);
  }
  if (!(monthlyDiscountRate > -1 && Number.isFinite(monthlyDiscountRate))) {
    throw new RangeError(`monthlyDiscountRate must be > −1, got ${monthlyDiscountRate}`);
  }
  if (!(unitsPerMonth > 0 && Number.isFinite(unitsPerMonth))) {
    throw new RangeError(`unitsPerMonth must be > 0, got ${unitsPerMonth}`);
  }
  return { horizonMonths, monthlyDiscountRate, unitsPerMonth };
}

/**
 * Scores every customer: P(alive), expected purchases over the horizon, and
 * the discounted expected purchases that CLV multiplies by m̂ (BG/NBD).
 */
export function scoreCustomers(params: BgNbdParams, history: CustomerHistory, options: ValueOptions = {}): CustomerScores {
  return scoreCustomersWithModel(BGNBD_MODEL, paramsVector(BGNBD_MODEL, params), history, options);
}

/** P(alive) of every customer; computed once per distinct (x, t_x, T) when the model's P(alive) is costly (Pareto/NBD). */
export function probabilityAliveOf(model: CountingModel, p: ArrayLike<number>, history: CustomerHistory): Float64Array {
  const n = history.frequency.length;
  const alive = new Float64Array(n);
  if (model.name !== "paretonbd") {
    for (let i = 0; i < n; i++) alive[i] = model.probabilityAlive(p, history.frequency[i], history.recency[i], history.T[i]);
    return alive;
  }
  const patterns = groupRows([history.frequency, history.recency, history.T]);
  const [x, tx, T] = patterns.values as [Float64Array, Float64Array, Float64Array];
  const patternAlive = new Float64Array(patterns.count);
  for (let k = 0; k < patterns.count; k++) patternAlive[k] = model.probabilityAlive(p, x[k], tx[k], T[k]);
  for (let i = 0; i < n; i++) alive[i] = patternAlive[patterns.patternOfRow[i]];
  return alive;
}

/** Any model: P(alive), expected purchases over the horizon and discounted expected purchases (see scoreCustomers). */
export function scoreCustomersWithModel(
  model: CountingModel,
  p: ArrayLike<number>,
  history: CustomerHistory,
  options: ValueOptions = {},
): CustomerScores {
  const { horizonMonths, monthlyDiscountRate, unitsPerMonth } = checkValueOptions(options);
  const n = history.frequency.length;
  const pairs = groupRows([history.frequency, history.T]);
  const [pairX, pairT] = pairs.values as [Float64Array, Float64Array];
  const pairHorizon = new Float64Array(pairs.count);
  const pairDiscounted = new Float64Array(pairs.count);
  const discountFactors = new Float64Array(horizonMonths + 1);
  for (let k = 1; k <= horizonMonths; k++) discountFactors[k] = Math.pow(1 + monthlyDiscountRate, -k);

  for (let q = 0; q < pairs.count; q++) {
    let previous = 0;
    let discounted = 0;
    for (let k = 1; k <= horizonMonths; k++) {
      const current = model.aliveExpectation(p, pairX[q], pairT[q], k * unitsPerMonth);
      discounted += (current - previous) * discountFactors[k];
      previous = current;
    }
    pairHorizon[q] = previous;
    pairDiscounted[q] = discounted;
  }

  const probabilityAlive = probabilityAliveOf(model, p, history);
  const expectedPurchases = new Float64Array(n);
  const discountedPurchases = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const pair = pairs.patternOfRow[i];
    expectedPurchases[i] = probabilityAlive[i] * pairHorizon[pair];
    discountedPurchases[i] = probabilityAlive[i] * pairDiscounted[pair];
  }
  return { probabilityAlive, expectedPurchases, discountedPurchases };
}

/** Expected purchases of every customer over an arbitrary horizon t (model units), e.g. a holdout period. */
export function expectedPurchasesOver(params: BgNbdParams, history: CustomerHistory, t: number): Float64Array {
  return expectedPurchasesOverWithModel(BGNBD_MODEL, paramsVector(BGNBD_MODEL, params), history, t);
}

/** Any model: E[Y(t) | x, t_x, T] of every customer. */
export function expectedPurchasesOverWithModel(
  model: CountingModel,
  p: ArrayLike<number>,
  history: CustomerHistory,
  t: number,
): Float64Array {
  const n = history.frequency.length;
  const pairs = groupRows([history.frequency, history.T]);
  const [pairX, pairT] = pairs.values as [Float64Array, Float64Array];
  const pairValue = new Float64Array(pairs.count);
  for (let q = 0; q < pairs.count; q++) pairValue[q] = model.aliveExpectation(p, pairX[q], pairT[q], t);
  const alive = probabilityAliveOf(model, p, history);
  const expected = new Float64Array(n);
  for (let i = 0; i < n; i++) expected[i] = alive[i] * pairValue[pairs.patternOfRow[i]];
  return expected;
}

/** CLV per customer: m̂ · discounted expected purchases (see scoreCustomers). */
export function customerLifetimeValue(
  params: BgNbdParams,
  history: CustomerHistory,
  expectedAverageValue: ArrayLike<number>,
  options: ValueOptions = {},
): Float64Array {
  const { discountedPurchases } = scoreCustomers(params, history, options);
  const clv = new Float64Array(discountedPurchases.length);
  for (let i = 0; i < clv.length; i++) clv[i] = expectedAverageValue[i] * discountedPurchases[i];
  return clv;
}
