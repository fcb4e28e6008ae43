/**
 * Scoring with a stored fit: what the refit writes for a customer, computed for any customer from the
 * fit's parameters alone, so that an order re-scores its customer at once (app/data/rescore.server.ts)
 * and the nightly refit only re-estimates the parameters.
 *
 * `scoringFitOf` takes from a shop analysis everything the scoring needs (model and parameters, their
 * covariance for the interval draws, Gamma-Gamma, horizon and discounting, calendar, and the RFM
 * thresholds of the shop's distribution at the fit); `scoreSummaries` then repeats, for the given
 * customers' summaries, the per-customer steps of analyzeShop in the same order with the same functions,
 * so that the same summary at the same as-of gives the same numbers, bit for bit. Customers are
 * independent: scoring one customer or all of them gives each the same result.
 *
 * Segments: the refit ranks customers within the shop (rfm.ts: quintiles of recency, quartiles of the
 * order count among repeat buyers). A customer scored later is placed on the same steps: the fit stores
 * the smallest value of each score class, which is exactly the threshold the ranking compared with.
 */

import type { ShopAnalysis } from "./analyze-shop.ts";
import { scoreCustomersWithModel } from "./clv.ts";
import type { CustomerColumns } from "./customer-results.ts";
import { gammaGammaExpectedAverageValue, type GammaGammaParams } from "./gamma-gamma.ts";
import { COUNTING_MODELS, conditionalPurchasePmf, newDistributionScratch, paramsVector, type ModelName } from "./models.ts";
import { parameterDraws } from "./parameter-draws.ts";
import { predictivePurchases } from "./predictive.ts";
import { segmentOfScores, type SegmentName } from "./rfm.ts";
import type { Period } from "./summary.ts";

export const SCORING_VERSION = 1;

/** Score thresholds of the shop's distribution at the fit (null: no customer reached that class). */
export interface SegmentThresholds {
  /** 4 thresholds on −(days since the last purchase): R = 1 + the number reached. */
  recency: (number | null)[];
  /** 3 thresholds on the purchase days of repeat buyers: F = 2 + the number reached (one-time buyers: F = 1). */
  frequency: (number | null)[];
}

/** What a fit stores for scoring (plain JSON: ModelFit.params.scoring). */
export interface ScoringFit {
  version: number;
  /** The model behind the predictions; null when the fit has none (insufficient data): segments only. */
  model: ModelName | null;
  /** Its parameters in the model's parameter order. */
  params: number[] | null;
  /** Row-major 4×4 covariance of the log-parameters; null: unknown or not positive definite. */
  covariance: number[] | null;
  /** Parameter draws the intervals mix over (1: the estimate alone). */
  intervalDraws: number;
  lowerProbability: number;
  upperProbability: number;
  /** Gamma-Gamma parameters; null: it was refused and the expected order value is the customer's own average. */
  gammaGamma: GammaGammaParams | null;
  period: Period;
  timeZone: string;
  horizonMonths: number;
  monthlyDiscountRate: number;
  unitsPerMonth: number;
  /** Null when the fit had no customer to rank against. */
  segments: SegmentThresholds | null;
}

/** One customer's history at the as-of, in the fit's period and calendar (see summary.ts). */
export interface CustomerSummaryRow {
  /** x: repeat purchase days. */
  frequency: number;
  /** t_x, periods. */
  recency: number;
  /** T, periods. */
  T: number;
  /** Mean amount of the repeat purchase days (0 when x = 0). */
  monetary: number;
  /** Sum of every purchase day's amount. */
  totalSpend: number;
  /** Purchase days (x + 1). */
  orders: number;
  daysSinceLastPurchase: number;
}

/** The same columns, for many customers. */
export interface CustomerSummaryColumns {
  frequency: ArrayLike<number>;
  recency: ArrayLike<number>;
  T: ArrayLike<number>;
  monetary: ArrayLike<number>;
  totalSpend: ArrayLike<number>;
  orders: ArrayLike<number>;
  daysSinceLastPurchase: ArrayLike<number>;
}

/** What the refit writes for a customer, in the shop currency's major units. */
export interface CustomerPrediction {
  expectedPurchases: number | null;
  probabilityAlive: number | null;
  expectedAverageValue: number | null;
  predictedClv: number | null;
  /** Probability of at least one purchase over the horizon. */
  probabilityOfPurchase: number | null;
  purchasesLow: number | null;
  purchasesHigh: number | null;
  valueLow: number | null;
  valueHigh: number | null;
  segment: SegmentName | null;
}

/** The smallest value in each score class above the first: the thresholds the ranking compared with. */
function classMinimums(
  values: ArrayLike<number>,
  scores: ArrayLike<number>,
  offset: number,
  classes: number,
  include?: (i: number) => boolean,
) {
  const minimums = new Array<number>(classes).fill(Infinity);
  for (let i = 0; i < values.length; i++) {
    if (include && !include(i)) continue;
    // Score s reached thresholds 1..s−1 (after the offset): its value bounds each of them from above.
    const reached = scores[i] - offset;
    for (let k = 0; k < Math.min(reached, classes); k++) if (values[i] < minimums[k]) minimums[k] = values[i];
  }
  return minimums.map((m) => (Number.isFinite(m) ? m : null));
}

export function segmentThresholdsOf(
  columns: Pick<CustomerColumns, "daysSinceLastPurchase" | "orders" | "recencyScore" | "frequencyScore">,
) {
  const recency = Float64Array.from(columns.daysSinceLastPurchase, (d) => -d);
  return {
    recency: classMinimums(recency, columns.recencyScore, 1, 4),
    frequency: classMinimums(columns.orders, columns.frequencyScore, 2, 3, (i) => columns.orders[i] >= 2),
  };
}

const reachedCount = (value: number, thresholds: (number | null)[]) =>
  thresholds.reduce<number>((n, t) => (t !== null && value >= t ? n + 1 : n), 0);

/** The segment of a customer on the fit's steps (rfm.ts's grid). */
export function segmentOf(segments: SegmentThresholds, daysSinceLastPurchase: number, orders: number): SegmentName {
  const recencyScore = 1 + reachedCount(-daysSinceLastPurchase, segments.recency);
  const frequencyScore = orders >= 2 ? 2 + reachedCount(orders, segments.frequency) : 1;
  return segmentOfScores(recencyScore, frequencyScore);
}

/** Everything scoring needs, from the analysis the refit stores. */
export function scoringFitOf(analysis: ShopAnalysis): ScoringFit {
  const fitted = analysis.status === "fitted" && analysis.model !== null && analysis.fit !== undefined;
  const model = fitted ? analysis.model : null;
  const params = fitted && model ? Array.from(paramsVector(COUNTING_MODELS[model], analysis.fit!.params)) : null;
  const covariance = fitted ? covarianceOf(analysis.fit) : null;
  const gammaGamma = analysis.gammaGamma?.status === "fitted" ? analysis.gammaGamma.params : null;
  const columns = analysis.customers.columns;
  return {
    version: SCORING_VERSION,
    model,
    params,
    covariance,
    intervalDraws: analysis.intervals?.draws ?? 1,
    lowerProbability: analysis.intervals?.lowerProbability ?? 0.1,
    upperProbability: analysis.intervals?.upperProbability ?? 0.9,
    gammaGamma: fitted ? gammaGamma : null,
    period: analysis.period,
    timeZone: analysis.timeZone,
    horizonMonths: analysis.horizonMonths,
    monthlyDiscountRate: analysis.monthlyDiscountRate,
    unitsPerMonth: analysis.unitsPerMonth,
    segments: analysis.customers.count > 0 ? segmentThresholdsOf(columns) : null,
  };
}

/**
 * The covariance of the final fit's log-parameters, as analyzeShop reports it (`fit.covariance`, the matrix its
 * interval draws came from); null when it does not.
 */
function covarianceOf(fit: ShopAnalysis["fit"]): number[] | null {
  const value: unknown = fit ? (fit as { covariance?: unknown }).covariance : null;
  if (value === null || value === undefined || typeof value !== "object") return null;
  const entries = Array.from(value as ArrayLike<unknown>);
  return entries.length === 16 && entries.every((v) => typeof v === "number" && Number.isFinite(v)) ? (entries as number[]) : null;
}

/** A scoring fit with its draws made once (what a batch of customers shares). */
export interface PreparedScoring {
  fit: ScoringFit;
  draws: Float64Array[] | null;
}

export function prepareScoring(fit: ScoringFit): PreparedScoring {
  if (!fit.model || !fit.params) return { fit, draws: null };
  const p = Float64Array.from(fit.params);
  const covariance = fit.covariance ? Float64Array.from(fit.covariance) : null;
  return { fit, draws: parameterDraws(p, covariance, fit.intervalDraws) };
}

/** 0 for non-finite or negative values (analyzeShop's guard; none are expected). */
const cleaned = (value: number) => (value >= 0 && Number.isFinite(value) ? value : 0);

/** Scores every customer of the columns (see the file header). */
export function scoreSummaries(prepared: PreparedScoring, columns: CustomerSummaryColumns): CustomerPrediction[] {
  const { fit, draws } = prepared;
  const n = columns.frequency.length;
  const segment = (i: number) => (fit.segments ? segmentOf(fit.segments, columns.daysSinceLastPurchase[i], columns.orders[i]) : null);
  if (!fit.model || !fit.params || !draws) {
    return Array.from({ length: n }, (_, i) => ({ ...NO_PREDICTION, segment: segment(i) }));
  }
  const model = COUNTING_MODELS[fit.model];
  const p = Float64Array.from(fit.params);
  const { horizonMonths, monthlyDiscountRate, unitsPerMonth } = fit;
  const history = { frequency: columns.frequency, recency: columns.recency, T: columns.T };
  const scores = scoreCustomersWithModel(model, p, history, { horizonMonths, monthlyDiscountRate, unitsPerMonth });
  const horizon = horizonMonths * unitsPerMonth;
  const intervals = predictivePurchases(model, history, {
    t: horizon,
    draws,
    lowerProbability: fit.lowerProbability,
    upperProbability: fit.upperProbability,
  });
  const noPurchase = new Float64Array(1);
  const scratch = newDistributionScratch();
  const predictions: CustomerPrediction[] = [];
  for (let i = 0; i < n; i++) {
    const averageValue = fit.gammaGamma
      ? gammaGammaExpectedAverageValue(fit.gammaGamma, columns.frequency[i], columns.monetary[i])
      : Math.max(0, columns.totalSpend[i] / columns.orders[i]);
    const predictedClv = averageValue * scores.discountedPurchases[i];
    conditionalPurchasePmf(model, p, columns.frequency[i], columns.recency[i], columns.T[i], horizon, noPurchase, scratch);
    const perPurchase = scores.expectedPurchases[i] > 0 ? predictedClv / scores.expectedPurchases[i] : 0;
    predictions.push({
      expectedPurchases: cleaned(scores.expectedPurchases[i]),
      probabilityAlive: cleaned(scores.probabilityAlive[i]),
      expectedAverageValue: cleaned(averageValue),
      predictedClv: cleaned(predictedClv),
      probabilityOfPurchase: Math.min(1, Math.max(0, 1 - noPurchase[0])),
      purchasesLow: intervals.low[i],
      purchasesHigh: intervals.high[i],
      valueLow: cleaned(intervals.low[i] * perPurchase),
      valueHigh: cleaned(intervals.high[i] * perPurchase),
      segment: segment(i),
    });
  }
  return predictions;
}

/** One customer (scoreSummaries of a single row). */
export function scoreCustomer(prepared: PreparedScoring, customer: CustomerSummaryRow): CustomerPrediction {
  const column = (value: number) => [value];
  return scoreSummaries(prepared, {
    frequency: column(customer.frequency),
    recency: column(customer.recency),
    T: column(customer.T),
    monetary: column(customer.monetary),
    totalSpend: column(customer.totalSpend),
    orders: column(customer.orders),
    daysSinceLastPurchase: column(customer.daysSinceLastPurchase),
  })[0];
}

const NO_PREDICTION: Omit<CustomerPrediction, "segment"> = {
  expectedPurchases: null,
  probabilityAlive: null,
  expectedAverageValue: null,
  predictedClv: null,
  probabilityOfPurchase: null,
  purchasesLow: null,
  purchasesHigh: null,
  valueLow: null,
  valueHigh: null,
};
