/**
 * analyzeShop: the one call the per-shop refit job makes. From a shop's
 * transactions it builds the customer summary, fits BG/NBD and Gamma-Gamma,
 * and scores every customer (expected purchases, P(alive), expected order
 * value, predicted CLV, RFM segment).
 *
 * Degenerate data never produces NaN, Infinity or an exception:
 * - transactions after `asOf` are excluded (counted in `counts.afterAsOf`);
 *   rows with a non-finite time or amount are excluded (`counts.invalid`);
 * - fewer than `minCustomers` customers or fewer than `minRepeatCustomers`
 *   repeat customers, or a BG/NBD estimate whose r or α runs to the edge of
 *   the parameter range (no heterogeneity in purchase rates), give status
 *   "insufficient_data" with the reason: the historic columns and RFM
 *   segments are filled, the predictions are null. (a and b running off
 *   together is the benign limit of one dropout probability for everyone:
 *   fitted, with a warning);
 * - when Gamma-Gamma is refused (too few repeat customers with positive
 *   spend, q ≤ 1, not identifiable) the expected order value falls back to
 *   the customer's own historic average per purchase day (never below 0),
 *   and `expectedAverageValueSource` says so.
 * Invalid options (unknown time zone, invalid asOf, negative horizon …)
 * are programming errors and throw a RangeError.
 */

import type { BgNbdParams } from "./bgnbd.ts";
import { fitBgNbd, type BgNbdFit } from "./bgnbd-fit.ts";
import { scoreCustomers, UNITS_PER_MONTH } from "./clv.ts";
import { CustomerResults, type CustomerColumns } from "./customer-results.ts";
import { gammaGammaExpectedAverageValue, type GammaGammaFit } from "./gamma-gamma.ts";
import { fitGammaGamma } from "./gamma-gamma-fit.ts";
import { rfmScores } from "./rfm.ts";
import { summarizeTransactions, type CustomerSummary, type Period } from "./summary.ts";
import type { KeyedTransactionColumns, TransactionColumns } from "./transactions.ts";

export interface AnalyzeShopOptions {
  /** Calibration end: transactions after it are excluded. Default: now. */
  asOf?: Date;
  /** IANA zone of the shop: purchases are calendar days there. Default "UTC". */
  timeZone?: string;
  /** Model time unit. Default "week". */
  period?: Period;
  /** CLV and expected-purchase horizon, months. Default 12. */
  horizonMonths?: number;
  /** Monthly discount rate of the CLV. Default 0.01. */
  monthlyDiscountRate?: number;
  /** L2 penalty of both fits (see BgNbdFitOptions.penalizer). Default 0. */
  penalizer?: number;
  /** Override of the model units per month (default: 4.345 weeks = 30.415 days). */
  unitsPerMonth?: number;
  /** Fewer customers than this: insufficient_data. Default 10. */
  minCustomers?: number;
  /** Fewer repeat customers (x > 0) than this: insufficient_data. Default 2. */
  minRepeatCustomers?: number;
}

export interface BgNbdResult {
  params: BgNbdParams;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  stdErrors?: BgNbdParams;
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

export interface ShopAnalysis {
  status: "fitted" | "insufficient_data";
  reason?: string;
  asOf: string;
  timeZone: string;
  period: Period;
  horizonMonths: number;
  monthlyDiscountRate: number;
  unitsPerMonth: number;
  counts: ShopAnalysisCounts;
  bgnbd?: BgNbdResult;
  gammaGamma?: GammaGammaFit;
  /** Where expectedAverageValue comes from; null when there are no predictions. */
  expectedAverageValueSource: "gamma-gamma" | "historic-average" | null;
  warnings: string[];
  customers: CustomerResults;
  /** The calibration summary (with holdout columns when transactions after asOf exist). */
  summary: CustomerSummary;
}

function requireNonNegativeInteger(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 0)) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}

/** Replaces non-finite entries by 0 and returns how many there were (a guard: none are expected). */
function zeroNonFinite(values: Float64Array): number {
  let replaced = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      values[i] = 0;
      replaced++;
    }
  }
  return replaced;
}

export function analyzeShop(
  transactions: TransactionColumns | KeyedTransactionColumns,
  options: AnalyzeShopOptions = {},
): ShopAnalysis {
  const asOf = options.asOf ?? new Date();
  if (!(asOf instanceof Date) || Number.isNaN(asOf.getTime())) throw new RangeError("asOf must be a valid Date");
  const timeZone = options.timeZone ?? "UTC";
  const period = options.period ?? "week";
  const horizonMonths = options.horizonMonths ?? 12;
  const monthlyDiscountRate = options.monthlyDiscountRate ?? 0.01;
  const penalizer = options.penalizer ?? 0;
  const unitsPerMonth = options.unitsPerMonth ?? UNITS_PER_MONTH[period];
  const minCustomers = options.minCustomers ?? 10;
  const minRepeatCustomers = options.minRepeatCustomers ?? 2;
  requireNonNegativeInteger("horizonMonths", horizonMonths);
  requireNonNegativeInteger("minCustomers", minCustomers);
  requireNonNegativeInteger("minRepeatCustomers", minRepeatCustomers);
  if (!(monthlyDiscountRate > -1 && Number.isFinite(monthlyDiscountRate))) {
    throw new RangeError(`monthlyDiscountRate must be a finite number > −1, got ${monthlyDiscountRate}`);
  }
  if (!(penalizer >= 0 && Number.isFinite(penalizer))) throw new RangeError(`penalizer must be ≥ 0, got ${penalizer}`);

  // Everything after asOf lands in the holdout columns of the summary and is not used for the fit.
  const summary = summarizeTransactions(transactions, { calibrationEndMs: asOf.getTime(), timeZone, period });
  const n = summary.count;
  let repeatCustomers = 0;
  for (let i = 0; i < n; i++) if (summary.frequency[i] > 0) repeatCustomers++;
  const counts: ShopAnalysisCounts = {
    transactions: summary.counts.transactions,
    used: summary.counts.calibrationTransactions,
    afterAsOf: summary.counts.holdoutTransactions,
    invalid: summary.counts.invalidTransactions,
    customers: n,
    repeatCustomers,
  };
  const warnings: string[] = [];
  if (counts.afterAsOf > 0) warnings.push(`${counts.afterAsOf} transactions after asOf were excluded`);
  if (counts.invalid > 0) warnings.push(`${counts.invalid} transactions with a non-finite time or amount were excluded`);

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
  const insufficient = (reason: string, bgnbd?: BgNbdResult): ShopAnalysis => ({
    status: "insufficient_data",
    reason,
    ...base,
    bgnbd,
    expectedAverageValueSource: null,
    customers: new CustomerResults(columns),
  });

  if (n < minCustomers) {
    return insufficient(`${n} customer${n === 1 ? "" : "s"} with purchases up to asOf; at least ${minCustomers} are needed to fit the model`);
  }
  if (repeatCustomers < minRepeatCustomers) {
    return insufficient(
      `${repeatCustomers} repeat customer${repeatCustomers === 1 ? "" : "s"} (a purchase on a second day); at least ${minRepeatCustomers} are needed to fit the model`,
    );
  }

  let fit: BgNbdFit;
  try {
    fit = fitBgNbd(summary, { penalizer });
  } catch (error) {
    return insufficient(`BG/NBD fit failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const bgnbd: BgNbdResult = {
    params: fit.params,
    logLikelihood: fit.logLikelihood,
    converged: fit.converged,
    iterations: fit.iterations,
    ...(fit.stdErrors ? { stdErrors: fit.stdErrors } : {}),
  };
  const onlyDropoutAtBoundary = fit.boundaryParameters.every((name) => name === "a" || name === "b");
  if (!Number.isFinite(fit.logLikelihood) || !onlyDropoutAtBoundary) {
    return insufficient(
      `the BG/NBD parameters are not identifiable from this data (${fit.boundaryParameters.join(", ")} ran to the edge of the parameter range: purchase rates look the same for every customer); more customers or a penalizer > 0 are needed`,
      bgnbd,
    );
  }
  if (fit.atBoundary) {
    const { a, b } = fit.params;
    warnings.push(
      `BG/NBD: a and b are very large (a = ${a.toPrecision(3)}, b = ${b.toPrecision(3)}): the data cannot tell dropout probabilities apart, so all customers share p = a/(a+b) = ${(a / (a + b)).toPrecision(3)}; predictions use that limit`,
    );
  } else if (!fit.converged) {
    warnings.push("the BG/NBD fit stopped before its convergence test passed");
  }

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

  const scores = scoreCustomers(fit.params, summary, { horizonMonths, monthlyDiscountRate, unitsPerMonth });
  const predictedClv = new Float64Array(n);
  for (let i = 0; i < n; i++) predictedClv[i] = expectedAverageValue[i] * scores.discountedPurchases[i];

  const replaced =
    zeroNonFinite(scores.expectedPurchases) +
    zeroNonFinite(scores.probabilityAlive) +
    zeroNonFinite(expectedAverageValue) +
    zeroNonFinite(predictedClv);
  if (replaced > 0) warnings.push(`${replaced} non-finite predictions were set to 0`);

  columns.expectedPurchases = scores.expectedPurchases;
  columns.probabilityAlive = scores.probabilityAlive;
  columns.expectedAverageValue = expectedAverageValue;
  columns.predictedClv = predictedClv;
  return {
    status: "fitted",
    ...base,
    bgnbd,
    gammaGamma,
    expectedAverageValueSource,
    customers: new CustomerResults(columns),
  };
}
