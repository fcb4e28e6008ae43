/**
 * The evidence a merchant sees for the chosen model, from the backtest's
 * last scored cut-off (the holdout closest to today): aggregate arrays only,
 * never per customer, so they are cheap to store with the fit.
 *
 * - **Tracking**: predicted against actual purchases per week of the
 *   holdout. The prediction for week k is Σ_i E[Y_i(t_k)] − E[Y_i(t_(k−1))]
 *   with the model fitted at that cut-off, so the weeks add up exactly to
 *   the backtest's aggregate prediction; the actual count is the customers'
 *   purchase days in that week (the model's notion of a purchase). The naive
 *   baseline (each customer's past rate) is given per week as well.
 * - **Calibration**: customers bucketed by their predicted probability of
 *   buying again in the holdout, P(Y(h) ≥ 1 | history), in ten buckets of
 *   width 10%; per bucket the mean predicted probability against the share
 *   who did buy. Every scored customer is in exactly one bucket; empty
 *   buckets are left out.
 *
 * Only customers who had bought by the cut-off are counted, as in the
 * backtest's scores (a customer's first purchase is not something the
 * models predict for that customer). Large shops: a systematic sample of at
 * most 20,000 customers (every k-th row, as the backtest samples), so the
 * weekly expectations stay cheap (about 0.2 s for BG/NBD's 21 weeks); up to
 * that size the customers and totals are exactly the backtest's.
 */

import { baselineRates, cutoffData, cutoffDayOf, sampleRows, type BacktestResult } from "./backtest.ts";
import { COUNTING_MODELS, newDistributionScratch, paramsVector, type ModelName } from "./models.ts";
import { groupRows } from "./patterns.ts";
import type { CustomerSummary } from "./summary.ts";
import { isoDateOfDayNumber } from "./time-zone.ts";

export interface TrackingWeek {
  /** First and last day of the week (ISO dates in the shop's zone); the last week may be shorter than 7 days. */
  start: string;
  end: string;
  days: number;
  predicted: number;
  actual: number;
  /** What the naive baseline predicted for the week. */
  baseline: number;
}

export interface CalibrationBucket {
  /** Bounds of the predicted probability, [lower, upper) (the last bucket includes 1). */
  lower: number;
  upper: number;
  customers: number;
  /** Mean predicted probability of at least one purchase in the holdout. */
  predicted: number;
  /** Share of the bucket's customers who did buy in the holdout. */
  observed: number;
}

export interface HoldoutEvidence {
  model: ModelName;
  /** Last calibration day and last holdout day of the cut-off (ISO dates). */
  calibrationEnd: string;
  holdoutEnd: string;
  holdoutDays: number;
  /** Customers counted (those who had bought by the cut-off, in the backtest's sample). */
  customers: number;
  predictedPurchases: number;
  actualPurchases: number;
  baselinePurchases: number;
  weeks: TrackingWeek[];
  calibration: CalibrationBucket[];
}

export interface HoldoutEvidenceOptions {
  /** Above this many customers the evidence uses a systematic sample. Default 20,000. */
  maxCustomers?: number;
  /** Calibration buckets of equal width. Default 10. */
  buckets?: number;
}

const WEEK_DAYS = 7;
export const DEFAULT_EVIDENCE_MAX_CUSTOMERS = 20_000;

/**
 * The tracking series and calibration buckets of `model` at the backtest's last cut-off where it was scored;
 * null when it was scored at none (no backtest, or its fit failed there).
 */
export function holdoutEvidence(
  summary: CustomerSummary,
  backtest: BacktestResult,
  name: ModelName,
  options: HoldoutEvidenceOptions = {},
): HoldoutEvidence | null {
  if (!summary.purchaseDays || backtest.status !== "run") return null;
  let index = -1;
  for (let j = backtest.cutoffs.length - 1; j >= 0; j--) {
    const result = backtest.cutoffs[j].models[name];
    if (backtest.cutoffs[j].status === "scored" && result?.status === "scored" && result.params) {
      index = j;
      break;
    }
  }
  if (index < 0) return null;
  const cutoff = backtest.cutoffs[index];
  const model = COUNTING_MODELS[name];
  const p = paramsVector(model, cutoff.models[name]!.params!);
  const holdoutDays = backtest.holdoutDays;
  const cutoffDay = cutoffDayOf(summary, backtest, index);
  const rows = sampleRows(summary.count, options.maxCustomers ?? DEFAULT_EVIDENCE_MAX_CUSTOMERS);
  const data = cutoffData(summary, rows, cutoffDay, holdoutDays);
  const perPeriod = summary.daysPerPeriod;

  const patterns = groupRows([data.frequency, data.recency, data.T]);
  const weights = patterns.weights;
  const rates = baselineRates(data);
  let rateSum = 0;
  for (let i = 0; i < data.count; i++) rateSum += rates[i];

  // E[Y(t) | history] = P(alive | x, t_x, T) · E[Y(t) | alive, x, T]: P(alive) once per pattern, the alive part
  // once per (x, T) pair and week (as clv.ts computes it for the backtest's scores).
  const [px, ptx, pT] = patterns.values as [Float64Array, Float64Array, Float64Array];
  const alive = new Float64Array(patterns.count);
  for (let q = 0; q < patterns.count; q++) alive[q] = model.probabilityAlive(p, px[q], ptx[q], pT[q]);
  const pairs = groupRows([px, pT]);
  const [pairX, pairT] = pairs.values as [Float64Array, Float64Array];
  const pairExpectation = new Float64Array(pairs.count);

  // Weekly predictions as differences of the cumulative expectation (they telescope to the total).
  const weekCount = Math.ceil(holdoutDays / WEEK_DAYS);
  const weeks: TrackingWeek[] = [];
  let previousTotal = 0;
  for (let k = 0; k < weekCount; k++) {
    const fromDay = k * WEEK_DAYS;
    const toDay = Math.min(holdoutDays, fromDay + WEEK_DAYS);
    const t = toDay / perPeriod;
    for (let pair = 0; pair < pairs.count; pair++) pairExpectation[pair] = model.aliveExpectation(p, pairX[pair], pairT[pair], t);
    let total = 0;
    for (let q = 0; q < patterns.count; q++) total += weights[q] * alive[q] * pairExpectation[pairs.patternOfRow[q]];
    weeks.push({
      start: isoDateOfDayNumber(cutoffDay + fromDay + 1),
      end: isoDateOfDayNumber(cutoffDay + toDay),
      days: toDay - fromDay,
      predicted: Math.max(0, total - previousTotal),
      actual: 0,
      baseline: (rateSum * (toDay - fromDay)) / perPeriod,
    });
    previousTotal = total;
  }

  // Actual purchase days per week, for the same customers (first purchase by the cut-off).
  const days = summary.purchaseDays;
  let actualPurchases = 0;
  for (const row of rows) {
    const from = days.offsets[row];
    const to = days.offsets[row + 1];
    if (from === to || days.day[from] > cutoffDay) continue;
    for (let k = from; k < to; k++) {
      const offset = days.day[k] - cutoffDay;
      if (offset < 1) continue;
      if (offset > holdoutDays) break;
      weeks[Math.floor((offset - 1) / WEEK_DAYS)].actual++;
      actualPurchases++;
    }
  }

  // Calibration: P(Y(h) ≥ 1 | history) per pattern, customers bucketed by it.
  const bucketCount = Math.max(1, Math.floor(options.buckets ?? 10));
  const h = holdoutDays / perPeriod;
  // P(Y(h) = 0) = 1 − P(alive) + P(alive) · P(Y(h) = 0 | alive, x, T), the last factor once per pair.
  const none = new Float64Array(1);
  const scratch = newDistributionScratch();
  const pairNone = new Float64Array(pairs.count);
  for (let pair = 0; pair < pairs.count; pair++) {
    model.alivePurchasePmf(p, pairX[pair], pairT[pair], h, none, 0, 1, scratch);
    pairNone[pair] = none[0];
  }
  const patternProbability = new Float64Array(patterns.count);
  for (let q = 0; q < patterns.count; q++) {
    const probability = alive[q] * (1 - pairNone[pairs.patternOfRow[q]]);
    patternProbability[q] = Number.isFinite(probability) ? Math.min(1, Math.max(0, probability)) : 0;
  }
  const customers = new Float64Array(bucketCount);
  const predictedSum = new Float64Array(bucketCount);
  const bought = new Float64Array(bucketCount);
  for (let i = 0; i < data.count; i++) {
    const probability = patternProbability[patterns.patternOfRow[i]];
    const b = Math.min(bucketCount - 1, Math.floor(probability * bucketCount));
    customers[b]++;
    predictedSum[b] += probability;
    if (data.holdoutPurchases[i] > 0) bought[b]++;
  }
  const calibration: CalibrationBucket[] = [];
  for (let b = 0; b < bucketCount; b++) {
    if (customers[b] === 0) continue;
    calibration.push({
      lower: b / bucketCount,
      upper: (b + 1) / bucketCount,
      customers: customers[b],
      predicted: predictedSum[b] / customers[b],
      observed: bought[b] / customers[b],
    });
  }

  return {
    model: name,
    calibrationEnd: cutoff.calibrationEnd,
    holdoutEnd: cutoff.holdoutEnd,
    holdoutDays,
    customers: data.count,
    predictedPurchases: previousTotal,
    actualPurchases,
    baselinePurchases: (rateSum * holdoutDays) / perPeriod,
    weeks,
    calibration,
  };
}
