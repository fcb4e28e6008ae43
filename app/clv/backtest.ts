/**
 * Rolling-origin backtest of the purchase-count models on a shop's own
 * history: at each of (by default) three calibration cut-offs, each followed
 * by a holdout of the same length h, every model is fitted on the purchases
 * up to the cut-off and scored on the customers' purchases in the holdout:
 *
 * - **RMSE**: root mean squared error of each customer's expected purchases
 *   against their actual purchase days in the holdout;
 * - **log predictive score**: mean of ln P(Y(h) = actual | history) per
 *   customer, from the predictive distribution with parameter uncertainty
 *   (predictive.ts): a proper scoring rule for the whole distribution,
 *   which the intervals rely on;
 * - **aggregate**: total predicted against total actual purchases;
 * - **revenue**: Σ expected purchases × expected order value against the
 *   actual holdout spend (order values from Gamma-Gamma fitted at the same
 *   cut-off, or the customer's historic average when it is refused);
 * - **coverage** of the 80% intervals (see predictive.ts for the three figures).
 *
 * The naive baseline predicts each customer's historic rate, x/T purchases
 * per period (the shop's overall rate for customers first seen on the
 * cut-off day), times h.
 *
 * Cut-offs: with E the calibration end and D0 the first purchase day of the
 * shop, h = min(horizon, (E − D0)/5) days, and the cut-offs are E − 3h,
 * E − 2h, E − h: the holdouts follow each other and end at E, and the first
 * calibration covers at least 40% of the history. Only data up to E is used.
 * A cut-off with fewer customers or repeat customers than the fit needs is
 * skipped (and says why).
 *
 * Large shops: the backtest runs on a systematic sample of at most
 * `maxCustomers` customers (every k-th customer row); the final fit always
 * uses every customer. Each cut-off's fit starts from the same model's
 * estimate at the previous cut-off (a warm start: few iterations).
 */

import type { WarmStart } from "./count-model-fit.ts";
import { expectedPurchasesOverWithModel } from "./clv.ts";
import { gammaGammaExpectedAverageValue } from "./gamma-gamma.ts";
import { fitGammaGamma } from "./gamma-gamma-fit.ts";
import { COUNTING_MODELS, fitModel, paramsObject, paramsVector, type ModelName } from "./models.ts";
import { largestLogStandardError, parameterDraws } from "./parameter-draws.ts";
import { expandToRows, groupRows, patternRows } from "./patterns.ts";
import { predictivePurchases } from "./predictive.ts";
import type { CustomerSummary } from "./summary.ts";
import { isoDateOfDayNumber } from "./time-zone.ts";

export interface BacktestScores {
  /** Customers scored (those who had bought by the cut-off). */
  customers: number;
  /** Root mean squared error of per-customer purchases in the holdout. */
  rmse: number;
  /** Mean ln P(Y = actual | history); null for the baseline (a point forecast has no distribution). */
  meanLogScore: number | null;
  predictedPurchases: number;
  actualPurchases: number;
  predictedRevenue: number;
  actualRevenue: number;
  /** Share of customers whose actual purchases lie in their 80% interval; null for the baseline. */
  coverage: number | null;
  /** The model's own probability of those intervals, averaged: what `coverage` should be. */
  expectedCoverage: number | null;
  /** Fractional PIT coverage of the central 80%: 0.80 when the predictive distributions are right. */
  pitCoverage: number | null;
}

export interface BacktestModelResult {
  status: "scored" | "failed";
  /** Why the fit failed (status "failed"). */
  reason?: string;
  params?: Record<string, number>;
  logLikelihood?: number;
  converged?: boolean;
  /** Parameter draws behind the log score and intervals (1 = the estimate only). */
  draws?: number;
  scores?: BacktestScores;
}

export interface BacktestCutoff {
  /** Last calibration day and last holdout day (ISO dates in the shop's zone). */
  calibrationEnd: string;
  holdoutEnd: string;
  /** Holdout length in model periods. */
  holdoutLength: number;
  status: "scored" | "skipped";
  reason?: string;
  customers: number;
  repeatCustomers: number;
  baseline?: BacktestScores;
  models: Partial<Record<ModelName, BacktestModelResult>>;
}

/** Paired comparison of two models' log scores over the same customers (all scored cut-offs). */
export interface ScoreComparison {
  better: ModelName;
  worse: ModelName;
  /** Mean over cut-offs of the per-customer log-score difference (≥ 0). */
  difference: number;
  /** Its standard error (customers and cut-offs treated as independent). */
  standardError: number;
}

export interface BacktestResult {
  status: "run" | "not_run";
  /** Why it did not run. */
  reason?: string;
  holdoutDays: number;
  /** Customers in the backtest (all, or the systematic sample). */
  sampledCustomers: number;
  totalCustomers: number;
  cutoffs: BacktestCutoff[];
  comparisons: ScoreComparison[];
  /** The last scored cut-off's fit of each model: a warm start for the final fit. */
  warmStarts: Partial<Record<ModelName, WarmStart>>;
}

export interface BacktestOptions {
  models: readonly ModelName[];
  /** Horizon of the predictions, in days: the holdout is at most this long. */
  horizonDays: number;
  cutoffCount?: number;
  minCustomers?: number;
  minRepeatCustomers?: number;
  penalizer?: number;
  /** Above this many customers the backtest runs on a systematic sample. Default 50,000. */
  maxCustomers?: number;
  /** Parameter draws for the predictive distributions when the parameters are uncertain. Default 32. */
  drawCount?: number;
}

export const DEFAULT_CUTOFFS = 3;
export const DEFAULT_BACKTEST_MAX_CUSTOMERS = 50_000;
export const DEFAULT_DRAWS = 32;
/** Shortest holdout worth scoring. */
const MIN_HOLDOUT_DAYS = 7;

/**
 * How many parameter draws a fit needs. Parameter uncertainty adds about SE²·E[Y] to the variance of a
 * customer's purchases (SE of the log-parameters), against at least E[Y] from the purchase process itself:
 * below SE 0.05 that is under 0.25% and the estimate alone will do (integer percentiles cannot show it);
 * below 0.15 (under about 2%) 8 draws describe it; thinner fits get the full count.
 */
export function drawsFor(covariance: Float64Array | null, drawCount: number): number {
  const se = largestLogStandardError(covariance, 4);
  if (!Number.isFinite(se)) return 1;
  if (se < 0.05) return 1;
  if (se < 0.15) return Math.min(drawCount, 8);
  return drawCount;
}

/** One cut-off's customers (those who had bought by it): their history at the cut-off and their holdout. */
export interface CutoffData {
  count: number;
  frequency: Int32Array;
  recency: Float64Array;
  T: Float64Array;
  monetary: Float64Array;
  totalSpend: Float64Array;
  orders: Int32Array;
  holdoutPurchases: Int32Array;
  holdoutSpend: Float64Array;
  repeatCustomers: number;
}

/** The summary as it was at `cutoffDay`, with the holdout (cutoffDay, cutoffDay + h], from the rows' purchase days. */
export function cutoffData(summary: CustomerSummary, rows: Int32Array, cutoffDay: number, holdoutDays: number): CutoffData {
  const days = summary.purchaseDays!;
  const perPeriod = summary.daysPerPeriod;
  const holdoutEnd = cutoffDay + holdoutDays;
  const frequency = new Int32Array(rows.length);
  const recency = new Float64Array(rows.length);
  const T = new Float64Array(rows.length);
  const monetary = new Float64Array(rows.length);
  const totalSpend = new Float64Array(rows.length);
  const orders = new Int32Array(rows.length);
  const holdoutPurchases = new Int32Array(rows.length);
  const holdoutSpend = new Float64Array(rows.length);
  let count = 0;
  let repeatCustomers = 0;
  for (const row of rows) {
    const from = days.offsets[row];
    const to = days.offsets[row + 1];
    const first = days.day[from];
    if (first > cutoffDay) continue;
    let k = from;
    let last = first;
    let spend = 0;
    let repeatSpend = 0;
    for (; k < to && days.day[k] <= cutoffDay; k++) {
      last = days.day[k];
      spend += days.amount[k];
      if (k > from) repeatSpend += days.amount[k];
    }
    const x = k - from - 1;
    let holdout = 0;
    let holdoutAmount = 0;
    for (; k < to && days.day[k] <= holdoutEnd; k++) {
      holdout++;
      holdoutAmount += days.amount[k];
    }
    frequency[count] = x;
    recency[count] = (last - first) / perPeriod;
    T[count] = (cutoffDay - first) / perPeriod;
    monetary[count] = x > 0 ? repeatSpend / x : 0;
    totalSpend[count] = spend;
    orders[count] = x + 1;
    holdoutPurchases[count] = holdout;
    holdoutSpend[count] = holdoutAmount;
    if (x > 0) repeatCustomers++;
    count++;
  }
  return {
    count,
    frequency: frequency.subarray(0, count),
    recency: recency.subarray(0, count),
    T: T.subarray(0, count),
    monetary: monetary.subarray(0, count),
    totalSpend: totalSpend.subarray(0, count),
    orders: orders.subarray(0, count),
    holdoutPurchases: holdoutPurchases.subarray(0, count),
    holdoutSpend: holdoutSpend.subarray(0, count),
    repeatCustomers,
  };
}

/** Expected order value per customer at the cut-off: Gamma-Gamma when it fits, else the historic average (≥ 0). */
function expectedOrderValues(data: CutoffData, penalizer: number): Float64Array {
  const values = new Float64Array(data.count);
  const spend = fitGammaGamma({ frequency: data.frequency, monetary: data.monetary }, { penalizer });
  for (let i = 0; i < data.count; i++) {
    values[i] =
      spend.status === "fitted"
        ? gammaGammaExpectedAverageValue(spend.params, data.frequency[i], data.monetary[i])
        : Math.max(0, data.totalSpend[i] / data.orders[i]);
    if (!Number.isFinite(values[i]) || values[i] < 0) values[i] = 0;
  }
  return values;
}

function pointScores(predicted: Float64Array, data: CutoffData, orderValues: Float64Array): BacktestScores {
  let squared = 0;
  let predictedPurchases = 0;
  let actualPurchases = 0;
  let predictedRevenue = 0;
  let actualRevenue = 0;
  for (let i = 0; i < data.count; i++) {
    const error = predicted[i] - data.holdoutPurchases[i];
    squared += error * error;
    predictedPurchases += predicted[i];
    actualPurchases += data.holdoutPurchases[i];
    predictedRevenue += predicted[i] * orderValues[i];
    actualRevenue += data.holdoutSpend[i];
  }
  return {
    customers: data.count,
    rmse: Math.sqrt(squared / Math.max(1, data.count)),
    meanLogScore: null,
    predictedPurchases,
    actualPurchases,
    predictedRevenue,
    actualRevenue,
    coverage: null,
    expectedCoverage: null,
    pitCoverage: null,
  };
}

/** The naive baseline's purchase rate per model period of each customer: x/T, or the shop's rate when T = 0. */
export function baselineRates(data: CutoffData): Float64Array {
  let totalX = 0;
  let totalT = 0;
  for (let i = 0; i < data.count; i++) {
    totalX += data.frequency[i];
    totalT += data.T[i];
  }
  const shopRate = totalT > 0 ? totalX / totalT : 0;
  const rates = new Float64Array(data.count);
  for (let i = 0; i < data.count; i++) rates[i] = data.T[i] > 0 ? data.frequency[i] / data.T[i] : shopRate;
  return rates;
}

function baselineScores(data: CutoffData, t: number): BacktestScores {
  const rates = baselineRates(data);
  const predicted = new Float64Array(data.count);
  const historicAverage = new Float64Array(data.count);
  for (let i = 0; i < data.count; i++) {
    predicted[i] = rates[i] * t;
    historicAverage[i] = Math.max(0, data.totalSpend[i] / data.orders[i]);
  }
  return pointScores(predicted, data, historicAverage);
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length > 0 ? sum / values.length : 0;
}

/**
 * A first start for the other models from BG/NBD's estimate at the same cut-off: the purchase-rate parameters
 * r, α mean the same in all three; MBG/NBD starts from BG/NBD's a, b, Pareto/NBD from s = 1, β = α.
 */
function warmStartFromBgNbd(name: ModelName, bg: WarmStart | undefined): WarmStart | undefined {
  if (!bg || name === "bgnbd") return undefined;
  const { r, alpha, a, b } = bg.params;
  return name === "mbgnbd" ? { params: { r, alpha, a, b } } : { params: { r, alpha, s: 1, beta: alpha } };
}

/** Systematic sample: every k-th row, k = ⌈n / max⌉. */
export function sampleRows(count: number, maxCustomers: number): Int32Array {
  const step = Math.max(1, Math.ceil(count / maxCustomers));
  return Int32Array.from({ length: Math.ceil(count / step) }, (_, k) => k * step);
}

/** The last calibration day (day number) of `result.cutoffs[index]`: the cut-offs are E − k·h, k = count … 1. */
export function cutoffDayOf(summary: CustomerSummary, result: BacktestResult, index: number): number {
  return summary.calibrationEndDay - (result.cutoffs.length - index) * result.holdoutDays;
}

export function runBacktest(summary: CustomerSummary, options: BacktestOptions): BacktestResult {
  if (!summary.purchaseDays) throw new RangeError("runBacktest needs a summary made with keepPurchaseDays");
  const cutoffCount = options.cutoffCount ?? DEFAULT_CUTOFFS;
  const minCustomers = options.minCustomers ?? 10;
  const minRepeatCustomers = options.minRepeatCustomers ?? 2;
  const penalizer = options.penalizer ?? 0;
  const drawCount = options.drawCount ?? DEFAULT_DRAWS;
  const rows = sampleRows(summary.count, options.maxCustomers ?? DEFAULT_BACKTEST_MAX_CUSTOMERS);
  const end = summary.calibrationEndDay;
  let firstDay = end;
  for (let i = 0; i < summary.count; i++) firstDay = Math.min(firstDay, summary.firstPurchaseDay[i]);
  const span = end - firstDay;
  const holdoutDays = Math.min(Math.max(1, Math.round(options.horizonDays)), Math.floor(span / (cutoffCount + 2)));
  const result: BacktestResult = {
    status: "not_run",
    holdoutDays: Math.max(0, holdoutDays),
    sampledCustomers: rows.length,
    totalCustomers: summary.count,
    cutoffs: [],
    comparisons: [],
    warmStarts: {},
  };
  if (holdoutDays < MIN_HOLDOUT_DAYS) {
    result.reason = `the shop's history covers ${span} day${span === 1 ? "" : "s"}; a backtest needs at least ${(cutoffCount + 2) * MIN_HOLDOUT_DAYS} days (${cutoffCount} holdouts of at least ${MIN_HOLDOUT_DAYS} days after a long enough first calibration)`;
    return result;
  }

  const t = holdoutDays / summary.daysPerPeriod;
  const warmStarts: Partial<Record<ModelName, WarmStart>> = {};
  // Per scored cut-off: each model's per-customer log scores, for the paired comparisons.
  const logScoresByCutoff: Partial<Record<ModelName, Float64Array>>[] = [];
  for (let k = cutoffCount; k >= 1; k--) {
    const cutoffDay = end - k * holdoutDays;
    const data = cutoffData(summary, rows, cutoffDay, holdoutDays);
    const cutoff: BacktestCutoff = {
      calibrationEnd: isoDateOfDayNumber(cutoffDay),
      holdoutEnd: isoDateOfDayNumber(cutoffDay + holdoutDays),
      holdoutLength: t,
      status: "skipped",
      customers: data.count,
      repeatCustomers: data.repeatCustomers,
      models: {},
    };
    result.cutoffs.push(cutoff);
    if (data.count < minCustomers || data.repeatCustomers < minRepeatCustomers) {
      cutoff.reason = `${data.count} customers (${data.repeatCustomers} repeat) had bought by this cut-off; the fit needs at least ${minCustomers} (${minRepeatCustomers} repeat)`;
      continue;
    }
    cutoff.status = "scored";
    cutoff.baseline = baselineScores(data, t);
    const orderValues = expectedOrderValues(data, penalizer);
    // Grouped once per cut-off: every fit and score below works on the distinct (x, t_x, T).
    const patterns = groupRows([data.frequency, data.recency, data.T]);
    const weighted = patternRows(patterns);
    const logScores: Partial<Record<ModelName, Float64Array>> = {};
    for (const name of options.models) {
      const model = COUNTING_MODELS[name];
      let fit;
      try {
        fit = fitModel(model, weighted, {
          penalizer,
          groupPatterns: false,
          warmStart: warmStarts[name] ?? warmStartFromBgNbd(name, warmStarts.bgnbd),
        });
      } catch (error) {
        cutoff.models[name] = { status: "failed", reason: error instanceof Error ? error.message : String(error) };
        continue;
      }
      if (!Number.isFinite(fit.logLikelihood)) {
        cutoff.models[name] = { status: "failed", reason: "the fit found no finite log-likelihood" };
        continue;
      }
      warmStarts[name] = { params: fit.params, covariance: fit.covariance ?? undefined, customers: fit.customers };
      const p = paramsVector(model, fit.params);
      const expected = expandToRows(expectedPurchasesOverWithModel(model, p, weighted, t), patterns.patternOfRow);
      const scores = pointScores(expected, data, orderValues);
      const draws = parameterDraws(p, fit.covariance, drawsFor(fit.covariance, drawCount));
      const predictive = predictivePurchases(model, data, { t, draws, actual: data.holdoutPurchases, patterns });
      scores.meanLogScore = mean(predictive.logScore!);
      scores.coverage = mean(predictive.inInterval!);
      scores.expectedCoverage = mean(predictive.intervalProbability!);
      scores.pitCoverage = mean(predictive.pitCoverage!);
      logScores[name] = predictive.logScore!;
      cutoff.models[name] = {
        status: "scored",
        params: paramsObject(model, p),
        logLikelihood: fit.logLikelihood,
        converged: fit.converged,
        draws: draws.length,
        scores,
      };
    }
    logScoresByCutoff.push(logScores);
  }
  result.warmStarts = warmStarts;
  if (logScoresByCutoff.length === 0) {
    result.reason = "no cut-off had enough customers to fit: the shop's early history is too thin for a backtest";
    return result;
  }
  result.status = "run";
  result.comparisons = compareLogScores(options.models, logScoresByCutoff);
  return result;
}

/** Paired log-score differences of every two models scored at every cut-off. */
function compareLogScores(models: readonly ModelName[], byCutoff: Partial<Record<ModelName, Float64Array>>[]): ScoreComparison[] {
  const comparisons: ScoreComparison[] = [];
  for (let i = 0; i < models.length; i++) {
    for (let j = i + 1; j < models.length; j++) {
      const a = models[i];
      const b = models[j];
      if (!byCutoff.every((scores) => scores[a] && scores[b])) continue;
      let difference = 0;
      let variance = 0;
      for (const scores of byCutoff) {
        const sa = scores[a]!;
        const sb = scores[b]!;
        const n = sa.length;
        let sum = 0;
        let sumSquares = 0;
        for (let c = 0; c < n; c++) {
          const d = sa[c] - sb[c];
          sum += d;
          sumSquares += d * d;
        }
        const m = sum / Math.max(1, n);
        difference += m;
        variance += n > 1 ? (sumSquares / n - m * m) / (n - 1) : 0;
      }
      const cutoffs = byCutoff.length;
      difference /= cutoffs;
      const standardError = Math.sqrt(Math.max(0, variance)) / cutoffs;
      comparisons.push(
        difference >= 0
          ? { better: a, worse: b, difference, standardError }
          : { better: b, worse: a, difference: -difference, standardError },
      );
    }
  }
  return comparisons;
}
