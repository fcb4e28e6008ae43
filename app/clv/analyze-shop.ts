/**
 * analyzeShop: the one call the per-shop refit job makes. From a shop's
 * transactions it builds the customer summary, backtests the purchase-count
 * models on the shop's own history and chooses one (backtest.ts,
 * model-choice.ts), fits it on all the data, fits Gamma-Gamma, and scores
 * every customer: expected purchases, P(alive), expected order value,
 * predicted CLV, 80% intervals of purchases and value, RFM segment.
 *
 * Honest answers: status "insufficient_data", with the reason and what the
 * shop needs, when
 * - there are fewer than `minCustomers` customers or `minRepeatCustomers`
 *   repeat customers;
 * - no model beats the naive baseline (each customer's past rate) in the
 *   backtest;
 * - no candidate's final fit is identifiable: a parameter ran to the edge of
 *   the search box, or the Hessian is not positive definite (no standard
 *   errors: the data do not pin the parameters down). The candidates are
 *   tried in the backtest's order of preference.
 * The historic columns and RFM segments are always filled; predictions are
 * null when there is no fit. Degenerate data never produce NaN, Infinity, a
 * negative prediction or an exception; invalid options (unknown time zone,
 * invalid asOf, negative horizon …) are programming errors and throw a
 * RangeError.
 *
 * When Gamma-Gamma is refused (too few repeat customers with positive spend,
 * q ≤ 1, not identifiable) the expected order value falls back to the
 * customer's own historic average per purchase day (never below 0), and
 * `expectedAverageValueSource` says so.
 */

import type { BgNbdParams } from "./bgnbd.ts";
import { DEFAULT_BACKTEST_MAX_CUSTOMERS, DEFAULT_DRAWS, drawsFor, runBacktest, type BacktestResult } from "./backtest.ts";
import { expectedPurchasesOverWithModel, scoreCustomersWithModel, UNITS_PER_MONTH } from "./clv.ts";
import type { CountModelFitResult, WarmStart } from "./count-model-fit.ts";
import { CustomerResults, type CustomerColumns } from "./customer-results.ts";
import { gammaGammaExpectedAverageValue, type GammaGammaFit } from "./gamma-gamma.ts";
import { fitGammaGamma } from "./gamma-gamma-fit.ts";
import { DEFAULT_EVIDENCE_MAX_CUSTOMERS, holdoutEvidence, type HoldoutEvidence } from "./holdout-evidence.ts";
import { chooseModel, type ModelChoice, type ModelRequest } from "./model-choice.ts";
import {
  conditionalPurchasePmf,
  COUNTING_MODELS,
  fitModel,
  isModelName,
  MODEL_LABELS,
  MODEL_NAMES,
  newDistributionScratch,
  paramsVector,
  type ModelName,
} from "./models.ts";
import { parameterDraws } from "./parameter-draws.ts";
import { expandToRows, groupRows, patternRows } from "./patterns.ts";
import { predictivePurchases } from "./predictive.ts";
import { rfmScores } from "./rfm.ts";
import { summarizeTransactions, type CustomerSummary, type Period } from "./summary.ts";
import type { KeyedTransactionColumns, TransactionColumns } from "./transactions.ts";

export interface AnalyzeShopOptions {
  /** Calibration end: transactions after it are excluded from the fit. Default: now. */
  asOf?: Date;
  /**
   * End of a holdout after asOf (model checks, the CLI): transactions in (asOf, holdoutEnd] are counted per
   * customer and compared with the predictions (`holdout`, holdout columns). Default: every transaction after asOf.
   */
  holdoutEnd?: Date;
  /** IANA zone of the shop: purchases are calendar days there. Default "UTC". */
  timeZone?: string;
  /** Model time unit. Default "week". */
  period?: Period;
  /** CLV and expected-purchase horizon, months. Default 12. */
  horizonMonths?: number;
  /** Monthly discount rate of the CLV. Default 0.01. */
  monthlyDiscountRate?: number;
  /** L2 penalty of every fit (see CountModelFitOptions.penalizer). Default 0. */
  penalizer?: number;
  /** Override of the model units per month (default: 4.345 weeks = 30.415 days). */
  unitsPerMonth?: number;
  /** Fewer customers than this: insufficient_data. Default 10. */
  minCustomers?: number;
  /** Fewer repeat customers (x > 0) than this: insufficient_data. Default 2. */
  minRepeatCustomers?: number;
  /** "auto" (default): the model the backtest chooses; or one model, backtested all the same. */
  model?: ModelRequest;
  /** Run the backtest (default true). Without it "auto" means BG/NBD and nothing checks the predictions. */
  backtest?: boolean;
  /** Above this many customers the backtest runs on a systematic sample. Default 250,000. */
  backtestMaxCustomers?: number;
  /** Parameter draws for the intervals (when the parameters are uncertain). Default 32. */
  intervalDraws?: number;
}

export interface BgNbdResult {
  params: BgNbdParams;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  stdErrors?: BgNbdParams;
}

/** The final fit of the chosen model on all the data. */
export interface ModelFitSummary {
  model: ModelName;
  label: string;
  params: Record<string, number>;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  stdErrors?: Record<string, number>;
  hessianPositiveDefinite: boolean;
  boundaryParameters: string[];
  /** Covariance of the log-parameters (row-major 4×4), null without one: re-scoring one customer draws from it. */
  covariance: number[] | null;
}

/** How many more customers, or repeat customers, the shop needs before the models can be trusted. */
export interface Shortfall {
  moreCustomers?: number;
  moreRepeatCustomers?: number;
}

export interface ShopAnalysisCounts {
  transactions: number;
  /** Transactions used (at or before asOf, valid). */
  used: number;
  /** Excluded: after asOf. */
  afterAsOf: number;
  /** Excluded: non-finite time or amount. */
  invalid: number;
  customers: number;
  repeatCustomers: number;
}

/** How the per-customer intervals were made. */
export interface IntervalMethod {
  /** 0.8: from the 10th to the 90th percentile. */
  level: number;
  lowerProbability: number;
  upperProbability: number;
  /** Parameter draws from the fit's asymptotic normal (1: the estimate alone, uncertainty negligible or unknown). */
  draws: number;
  description: string;
}

/** The chosen model's predictions over the holdout after asOf, against what happened. */
export interface HoldoutScores {
  /** Holdout length in model periods. */
  length: number;
  customers: number;
  predictedPurchases: number;
  actualPurchases: number;
  rmse: number;
  meanLogScore: number;
  coverage: number;
  expectedCoverage: number;
  pitCoverage: number;
}

export interface ShopAnalysis {
  status: "fitted" | "insufficient_data";
  reason?: string;
  /** With insufficient_data: what the shop needs, in plain words. */
  needs?: string;
  /** The same as counts, for a page to say in its own words (absent when more history, not more customers, is needed). */
  shortfall?: Shortfall;
  asOf: string;
  timeZone: string;
  period: Period;
  horizonMonths: number;
  monthlyDiscountRate: number;
  unitsPerMonth: number;
  counts: ShopAnalysisCounts;
  /** The model behind the predictions; null without predictions. */
  model: ModelName | null;
  /** Its fit on all the data. */
  fit?: ModelFitSummary;
  /** The backtest per model and cut-off, the choice and why; null when the data stopped before the backtest. */
  modelChoice: ModelChoice | null;
  /** The BG/NBD fit on all the data (the reference model), whichever model was chosen. */
  bgnbd?: BgNbdResult;
  gammaGamma?: GammaGammaFit;
  /** Where expectedAverageValue comes from; null when there are no predictions. */
  expectedAverageValueSource: "gamma-gamma" | "historic-average" | null;
  intervals: IntervalMethod | null;
  /**
   * The backtest's last holdout for the model behind the predictions (or, without predictions, the model the
   * backtest ranked best): weekly predicted and actual purchases, calibration buckets. Null without a backtest.
   */
  evidence: HoldoutEvidence | null;
  /** With transactions after asOf and a fit: the chosen model on that holdout. */
  holdout: HoldoutScores | null;
  warnings: string[];
  customers: CustomerResults;
  /** The calibration summary (with holdout columns when transactions after asOf exist). */
  summary: CustomerSummary;
}

const INTERVAL_DESCRIPTION =
  "10th to 90th percentile of each customer's predictive distribution of purchases, P(Y = n | history), mixed over parameter draws from the fit's asymptotic normal (Halton points, antithetic pairs); values are those purchases at the expected order value, discounted like the point prediction";

/** Rule of thumb for the message: fits of these models usually pin their parameters down from about this many repeat customers. */
export const REPEAT_CUSTOMERS_RULE_OF_THUMB = 50;

function requireNonNegativeInteger(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 0)) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}

/** Replaces non-finite and negative entries by 0 and returns how many there were (a guard: none are expected). */
function zeroNonFiniteOrNegative(values: Float64Array): number {
  let replaced = 0;
  for (let i = 0; i < values.length; i++) {
    if (!(values[i] >= 0) || !Number.isFinite(values[i])) {
      if (!(values[i] > -1e-12 && values[i] <= 0)) replaced++;
      values[i] = 0;
    }
  }
  return replaced;
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length > 0 ? sum / values.length : 0;
}

function needsText(repeatCustomers: number): string {
  return repeatCustomers < REPEAT_CUSTOMERS_RULE_OF_THUMB
    ? `about ${REPEAT_CUSTOMERS_RULE_OF_THUMB - repeatCustomers} more repeat customers (customers who buy on a second day), or a longer history`
    : "a longer purchase history (more repeat purchases per customer), so that purchase and dropout rates can be told apart";
}

function repeatShortfall(repeatCustomers: number): Shortfall | undefined {
  return repeatCustomers < REPEAT_CUSTOMERS_RULE_OF_THUMB
    ? { moreRepeatCustomers: REPEAT_CUSTOMERS_RULE_OF_THUMB - repeatCustomers }
    : undefined;
}

/** The model with the best mean log score in the backtest (for the evidence when no model carries predictions). */
function bestScored(choice: ModelChoice | null): ModelName | null {
  let best: ModelName | null = null;
  for (const name of MODEL_NAMES) {
    const score = choice?.averages[name]?.meanLogScore;
    if (typeof score !== "number") continue;
    if (best === null || score > choice!.averages[best]!.meanLogScore!) best = name;
  }
  return best;
}

function summarizeFit(model: ModelName, fit: CountModelFitResult): ModelFitSummary {
  return {
    model,
    label: MODEL_LABELS[model],
    params: fit.params,
    logLikelihood: fit.logLikelihood,
    converged: fit.converged,
    iterations: fit.iterations,
    ...(fit.stdErrors ? { stdErrors: fit.stdErrors } : {}),
    hessianPositiveDefinite: fit.hessianPositiveDefinite,
    boundaryParameters: fit.boundaryParameters,
    covariance: fit.covariance ? Array.from(fit.covariance) : null,
  };
}

/** Why a final fit cannot carry predictions, or null when it can. */
function unidentifiable(model: ModelName, fit: CountModelFitResult): string | null {
  if (!Number.isFinite(fit.logLikelihood)) return `the ${MODEL_LABELS[model]} fit found no finite log-likelihood`;
  if (fit.atBoundary) {
    return `the ${MODEL_LABELS[model]} parameters are not identifiable from this data (${fit.boundaryParameters.join(", ")} ran to the edge of the parameter range)`;
  }
  if (!fit.hessianPositiveDefinite) {
    return `the ${MODEL_LABELS[model]} fit is not pinned down by this data (its Hessian is not positive definite: no standard errors)`;
  }
  return null;
}

function bgParams(params: Record<string, number>): BgNbdParams {
  return { r: params.r, alpha: params.alpha, a: params.a, b: params.b };
}

function bgnbdResult(fit: CountModelFitResult): BgNbdResult {
  return {
    params: bgParams(fit.params),
    logLikelihood: fit.logLikelihood,
    converged: fit.converged,
    iterations: fit.iterations,
    ...(fit.stdErrors ? { stdErrors: bgParams(fit.stdErrors) } : {}),
  };
}

export function analyzeShop(transactions: TransactionColumns | KeyedTransactionColumns, options: AnalyzeShopOptions = {}): ShopAnalysis {
  const asOf = options.asOf ?? new Date();
  if (!(asOf instanceof Date) || Number.isNaN(asOf.getTime())) throw new RangeError("asOf must be a valid Date");
  const holdoutEnd = options.holdoutEnd;
  if (holdoutEnd !== undefined && (!(holdoutEnd instanceof Date) || Number.isNaN(holdoutEnd.getTime()))) {
    throw new RangeError("holdoutEnd must be a valid Date");
  }
  const timeZone = options.timeZone ?? "UTC";
  const period = options.period ?? "week";
  const horizonMonths = options.horizonMonths ?? 12;
  const monthlyDiscountRate = options.monthlyDiscountRate ?? 0.01;
  const penalizer = options.penalizer ?? 0;
  const unitsPerMonth = options.unitsPerMonth ?? UNITS_PER_MONTH[period];
  const minCustomers = options.minCustomers ?? 10;
  const minRepeatCustomers = options.minRepeatCustomers ?? 2;
  const requested: ModelRequest = options.model ?? "auto";
  const withBacktest = options.backtest ?? true;
  const intervalDraws = options.intervalDraws ?? DEFAULT_DRAWS;
  requireNonNegativeInteger("horizonMonths", horizonMonths);
  requireNonNegativeInteger("minCustomers", minCustomers);
  requireNonNegativeInteger("minRepeatCustomers", minRepeatCustomers);
  requireNonNegativeInteger("intervalDraws", intervalDraws);
  if (!(monthlyDiscountRate > -1 && Number.isFinite(monthlyDiscountRate))) {
    throw new RangeError(`monthlyDiscountRate must be a finite number > −1, got ${monthlyDiscountRate}`);
  }
  if (!(penalizer >= 0 && Number.isFinite(penalizer))) throw new RangeError(`penalizer must be ≥ 0, got ${penalizer}`);
  if (requested !== "auto" && !isModelName(requested)) throw new RangeError(`model must be "auto" or one of ${MODEL_NAMES.join(", ")}`);

  // Everything after asOf lands in the holdout columns of the summary and is not used for the fit.
  const summary = summarizeTransactions(transactions, {
    calibrationEndMs: asOf.getTime(),
    timeZone,
    period,
    holdoutEndMs: holdoutEnd?.getTime(),
    keepPurchaseDays: withBacktest,
  });
  const n = summary.count;
  let repeatCustomers = 0;
  for (let i = 0; i < n; i++) if (summary.frequency[i] > 0) repeatCustomers++;
  const counts: ShopAnalysisCounts = {
    transactions: summary.counts.transactions,
    used: summary.counts.calibrationTransactions,
    afterAsOf: summary.counts.holdoutTransactions + summary.counts.afterHoldoutTransactions,
    invalid: summary.counts.invalidTransactions,
    customers: n,
    repeatCustomers,
  };
  const warnings: string[] = [];
  if (counts.afterAsOf > 0) warnings.push(`${counts.afterAsOf} transactions after asOf were excluded`);
  if (counts.invalid > 0) warnings.push(`${counts.invalid} transactions with a non-finite time or amount were excluded`);

  const hasHoldout = summary.holdoutLength > 0;
  const daysSinceLastPurchase = new Int32Array(n);
  for (let i = 0; i < n; i++) daysSinceLastPurchase[i] = summary.calibrationEndDay - summary.lastPurchaseDay[i];
  const rfm = rfmScores({ daysSinceLastPurchase, orders: summary.orders, totalSpend: summary.totalSpend });
  const columns: CustomerColumns = {
    customerKeys: summary.customerKeys,
    frequency: summary.frequency,
    recency: summary.recency,
    T: summary.T,
    monetary: summary.monetary,
    historicValue: summary.totalSpend,
    orders: summary.orders,
    daysSinceLastPurchase,
    expectedPurchases: null,
    probabilityAlive: null,
    expectedAverageValue: null,
    predictedClv: null,
    probabilityOfPurchase: null,
    purchasesLow: null,
    purchasesHigh: null,
    valueLow: null,
    valueHigh: null,
    holdoutExpected: null,
    holdoutActual: hasHoldout ? summary.holdoutPurchases : null,
    holdoutLow: null,
    holdoutHigh: null,
    ...rfm,
  };
  const base = {
    asOf: asOf.toISOString(),
    timeZone,
    period,
    horizonMonths,
    monthlyDiscountRate,
    unitsPerMonth,
    counts,
    warnings,
    summary,
  };
  let modelChoice: ModelChoice | null = null;
  let bgnbd: BgNbdResult | undefined;
  let backtest: BacktestResult | null = null;
  // Never lets the evidence (a display aid) stop the predictions.
  const evidenceOf = (name: ModelName | null): HoldoutEvidence | null => {
    if (!name || !backtest) return null;
    try {
      // Never on more customers than the backtest scored (the same systematic sample up to that size).
      const maxCustomers = Math.min(options.backtestMaxCustomers ?? DEFAULT_BACKTEST_MAX_CUSTOMERS, DEFAULT_EVIDENCE_MAX_CUSTOMERS);
      return holdoutEvidence(summary, backtest, name, { maxCustomers });
    } catch {
      return null;
    }
  };
  const insufficient = (reason: string, needs?: string, fit?: ModelFitSummary, shortfall?: Shortfall): ShopAnalysis => ({
    status: "insufficient_data",
    reason,
    ...(needs ? { needs } : {}),
    ...(shortfall ? { shortfall } : {}),
    ...base,
    model: null,
    ...(fit ? { fit } : {}),
    modelChoice,
    bgnbd,
    expectedAverageValueSource: null,
    intervals: null,
    evidence: evidenceOf(modelChoice?.ranking[0] ?? bestScored(modelChoice)),
    holdout: null,
    customers: new CustomerResults(columns),
  });

  if (n < minCustomers) {
    return insufficient(
      `${n} customer${n === 1 ? "" : "s"} with purchases up to asOf; at least ${minCustomers} are needed to fit the model`,
      `at least ${minCustomers - n} more customers`,
      undefined,
      { moreCustomers: minCustomers - n },
    );
  }
  if (repeatCustomers < minRepeatCustomers) {
    return insufficient(
      `${repeatCustomers} repeat customer${repeatCustomers === 1 ? "" : "s"} (a purchase on a second day); at least ${minRepeatCustomers} are needed to fit the model`,
      needsText(repeatCustomers),
      undefined,
      repeatShortfall(repeatCustomers),
    );
  }

  // Backtest and choice.
  const models: readonly ModelName[] = requested === "auto" ? MODEL_NAMES : [requested];
  const horizonDays = horizonMonths * unitsPerMonth * summary.daysPerPeriod;
  if (withBacktest) {
    backtest = runBacktest(summary, {
      models,
      horizonDays: Math.max(horizonDays, 1),
      minCustomers,
      minRepeatCustomers,
      penalizer,
      maxCustomers: options.backtestMaxCustomers ?? DEFAULT_BACKTEST_MAX_CUSTOMERS,
      drawCount: intervalDraws,
    });
  } else {
    backtest = {
      status: "not_run",
      reason: "the backtest was switched off",
      holdoutDays: 0,
      sampledCustomers: 0,
      totalCustomers: n,
      cutoffs: [],
      comparisons: [],
      warmStarts: {},
    };
  }
  modelChoice = chooseModel(backtest, requested, models);
  const warmStarts: Partial<Record<ModelName, WarmStart>> = backtest.warmStarts;

  // Every fit and score below works on the distinct (x, t_x, T), grouped once.
  const patterns = groupRows([summary.frequency, summary.recency, summary.T]);
  const weighted = patternRows(patterns);

  // BG/NBD on all the data: the reference fit (`bgnbd`), and the final fit when it is the choice.
  let bgFit: CountModelFitResult | null = null;
  try {
    bgFit = fitModel(COUNTING_MODELS.bgnbd, weighted, { penalizer, groupPatterns: false, warmStart: warmStarts.bgnbd });
    bgnbd = bgnbdResult(bgFit);
  } catch (error) {
    warnings.push(`BG/NBD fit failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  if (modelChoice.status === "baseline_not_beaten") {
    return insufficient(modelChoice.reason, needsText(repeatCustomers), undefined, repeatShortfall(repeatCustomers));
  }
  if (modelChoice.status === "not_run") warnings.push(modelChoice.reason);

  // The final fit: the first candidate whose fit on all the data is identifiable.
  let chosen: ModelName | null = null;
  let finalFit: CountModelFitResult | null = null;
  const refusals: string[] = [];
  let lastSummary: ModelFitSummary | undefined;
  for (const name of modelChoice.ranking) {
    const averages = modelChoice.averages[name];
    if (modelChoice.baseline && averages && !(averages.rmse < modelChoice.baseline.rmse)) {
      refusals.push(`${MODEL_LABELS[name]} did not beat the naive baseline in the backtest`);
      continue;
    }
    let fit: CountModelFitResult;
    try {
      fit =
        name === "bgnbd" && bgFit
          ? bgFit
          : fitModel(COUNTING_MODELS[name], weighted, { penalizer, groupPatterns: false, warmStart: warmStarts[name] });
    } catch (error) {
      refusals.push(`${MODEL_LABELS[name]} fit failed: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    lastSummary = summarizeFit(name, fit);
    const problem = unidentifiable(name, fit);
    if (problem) {
      refusals.push(problem);
      continue;
    }
    chosen = name;
    finalFit = fit;
    break;
  }
  if (!chosen || !finalFit) {
    return insufficient(
      `${refusals.join("; ")}: the data cannot support confident predictions`,
      needsText(repeatCustomers),
      lastSummary,
      repeatShortfall(repeatCustomers),
    );
  }
  if (chosen !== modelChoice.ranking[0]) {
    warnings.push(`${refusals.join("; ")}; ${MODEL_LABELS[chosen]}, the next model in the backtest's order, is used instead`);
  }
  if (!finalFit.converged) warnings.push(`the ${MODEL_LABELS[chosen]} fit stopped before its convergence test passed`);
  const model = COUNTING_MODELS[chosen];
  const p = paramsVector(model, finalFit.params);

  const gammaGamma = fitGammaGamma({ frequency: summary.frequency, monetary: summary.monetary }, { penalizer });
  const expectedAverageValue = new Float64Array(n);
  let expectedAverageValueSource: "gamma-gamma" | "historic-average";
  if (gammaGamma.status === "fitted") {
    expectedAverageValueSource = "gamma-gamma";
    for (let i = 0; i < n; i++) {
      expectedAverageValue[i] = gammaGammaExpectedAverageValue(gammaGamma.params, summary.frequency[i], summary.monetary[i]);
    }
  } else {
    expectedAverageValueSource = "historic-average";
    warnings.push(`Gamma-Gamma refused (${gammaGamma.reason}); expected order value = the customer's historic average`);
    for (let i = 0; i < n; i++) expectedAverageValue[i] = Math.max(0, summary.totalSpend[i] / summary.orders[i]);
  }

  const patternScores = scoreCustomersWithModel(model, p, weighted, { horizonMonths, monthlyDiscountRate, unitsPerMonth });
  const scores = {
    probabilityAlive: expandToRows(patternScores.probabilityAlive, patterns.patternOfRow),
    expectedPurchases: expandToRows(patternScores.expectedPurchases, patterns.patternOfRow),
    discountedPurchases: expandToRows(patternScores.discountedPurchases, patterns.patternOfRow),
  };
  const predictedClv = new Float64Array(n);
  for (let i = 0; i < n; i++) predictedClv[i] = expectedAverageValue[i] * scores.discountedPurchases[i];

  // Intervals over the horizon: the purchase percentiles, valued like the point prediction.
  const draws = parameterDraws(p, finalFit.covariance, drawsFor(finalFit.covariance, intervalDraws));
  const horizon = horizonMonths * unitsPerMonth;
  const purchasesInterval = predictivePurchases(model, summary, { t: horizon, draws, patterns });
  // The headline for one-time buyers too: the chance of at least one order over the horizon, from the
  // model's conditional distribution (unlike P(alive), it is not 1 for everyone without a repeat purchase).
  const [patternX, patternTx, patternT] = patterns.values as [Float64Array, Float64Array, Float64Array];
  const noPurchase = new Float64Array(1);
  const scratch = newDistributionScratch();
  const patternAny = new Float64Array(patterns.count);
  for (let q = 0; q < patterns.count; q++) {
    conditionalPurchasePmf(model, p, patternX[q], patternTx[q], patternT[q], horizon, noPurchase, scratch);
    patternAny[q] = Math.min(1, Math.max(0, 1 - noPurchase[0]));
  }
  const probabilityOfPurchase = expandToRows(patternAny, patterns.patternOfRow);
  const valueLow = new Float64Array(n);
  const valueHigh = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const perPurchase = scores.expectedPurchases[i] > 0 ? predictedClv[i] / scores.expectedPurchases[i] : 0;
    valueLow[i] = purchasesInterval.low[i] * perPurchase;
    valueHigh[i] = purchasesInterval.high[i] * perPurchase;
  }

  let holdout: HoldoutScores | null = null;
  if (hasHoldout) {
    const t = summary.holdoutLength;
    const holdoutExpected = expandToRows(expectedPurchasesOverWithModel(model, p, weighted, t), patterns.patternOfRow);
    const holdoutPredictive = predictivePurchases(model, summary, { t, draws, actual: summary.holdoutPurchases, patterns });
    let squared = 0;
    let predicted = 0;
    let actual = 0;
    for (let i = 0; i < n; i++) {
      const error = holdoutExpected[i] - summary.holdoutPurchases[i];
      squared += error * error;
      predicted += holdoutExpected[i];
      actual += summary.holdoutPurchases[i];
    }
    zeroNonFiniteOrNegative(holdoutExpected);
    columns.holdoutExpected = holdoutExpected;
    columns.holdoutLow = holdoutPredictive.low;
    columns.holdoutHigh = holdoutPredictive.high;
    holdout = {
      length: t,
      customers: n,
      predictedPurchases: predicted,
      actualPurchases: actual,
      rmse: Math.sqrt(squared / n),
      meanLogScore: mean(holdoutPredictive.logScore!),
      coverage: mean(holdoutPredictive.inInterval!),
      expectedCoverage: mean(holdoutPredictive.intervalProbability!),
      pitCoverage: mean(holdoutPredictive.pitCoverage!),
    };
  }

  const replaced =
    zeroNonFiniteOrNegative(scores.expectedPurchases) +
    zeroNonFiniteOrNegative(scores.probabilityAlive) +
    zeroNonFiniteOrNegative(expectedAverageValue) +
    zeroNonFiniteOrNegative(predictedClv) +
    zeroNonFiniteOrNegative(valueLow) +
    zeroNonFiniteOrNegative(valueHigh);
  if (replaced > 0) warnings.push(`${replaced} non-finite or negative predictions were set to 0`);

  columns.expectedPurchases = scores.expectedPurchases;
  columns.probabilityAlive = scores.probabilityAlive;
  columns.expectedAverageValue = expectedAverageValue;
  columns.predictedClv = predictedClv;
  columns.probabilityOfPurchase = probabilityOfPurchase;
  columns.purchasesLow = purchasesInterval.low;
  columns.purchasesHigh = purchasesInterval.high;
  columns.valueLow = valueLow;
  columns.valueHigh = valueHigh;
  return {
    status: "fitted",
    ...base,
    model: chosen,
    fit: summarizeFit(chosen, finalFit),
    modelChoice,
    bgnbd,
    gammaGamma,
    expectedAverageValueSource,
    intervals: {
      level: 0.8,
      lowerProbability: 0.1,
      upperProbability: 0.9,
      draws: draws.length,
      description: INTERVAL_DESCRIPTION,
    },
    evidence: evidenceOf(chosen),
    holdout,
    customers: new CustomerResults(columns),
  };
}
