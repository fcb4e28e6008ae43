/**
 * Customer lifetime value models: public API. Pure TypeScript, no I/O.
 * Definitions and conventions: docs/clv.md.
 */

export { analyzeShop } from "./analyze-shop.ts";
export type { AnalyzeShopOptions, BgNbdResult, ShopAnalysis, ShopAnalysisCounts } from "./analyze-shop.ts";

export { CustomerResults } from "./customer-results.ts";
export type { CustomerColumns, CustomerResult } from "./customer-results.ts";

export {
  columnsFromKeyedTransactions,
  columnsFromRows,
  toIndexedColumns,
} from "./transactions.ts";
export type { KeyedTransactionColumns, TransactionColumns, TransactionRow } from "./transactions.ts";

export { DAYS_PER_PERIOD, summarizeTransactions } from "./summary.ts";
export type { CustomerSummary, Period, SummaryCounts, SummaryOptions } from "./summary.ts";

export {
  bgnbdAliveExpectation,
  bgnbdConditionalExpectedPurchases,
  bgnbdCustomerLogLikelihood,
  bgnbdExpectedPurchases,
  bgnbdLogLikelihood,
  bgnbdProbabilityAlive,
  bgnbdProbabilityOfPurchases,
} from "./bgnbd.ts";
export type { BgNbdData, BgNbdParams } from "./bgnbd.ts";
export { fitBgNbd } from "./bgnbd-fit.ts";
export type { BgNbdFit, BgNbdFitOptions } from "./bgnbd-fit.ts";

export { fitGammaGamma } from "./gamma-gamma-fit.ts";
export {
  gammaGammaCustomerLogLikelihood,
  gammaGammaExpectedAverageValue,
  pearsonCorrelation,
} from "./gamma-gamma.ts";
export type {
  GammaGammaData,
  GammaGammaExclusions,
  GammaGammaFit,
  GammaGammaFitOptions,
  GammaGammaFitted,
  GammaGammaParams,
  GammaGammaRefused,
} from "./gamma-gamma.ts";

export { customerLifetimeValue, expectedPurchasesOver, scoreCustomers, UNITS_PER_MONTH } from "./clv.ts";
export type { CustomerHistory, CustomerScores, ValueOptions } from "./clv.ts";

export { holdoutCheck, HOLDOUT_TOP_BUCKET } from "./holdout.ts";
export type { HoldoutBucket, HoldoutCheck } from "./holdout.ts";

export { rfmScores, segmentOfScores, SEGMENT_NAMES } from "./rfm.ts";
export type { RfmInput, RfmScores, SegmentName } from "./rfm.ts";

export {
  assertValidTimeZone,
  dayNumberInZone,
  dayNumberOfDate,
  endOfDayInZone,
  instantOfLocalTime,
  isoDateOfDayNumber,
  isUtcZone,
  startOfDayInZone,
  zoneOffsetMs,
  ZonedDayCalculator,
} from "./time-zone.ts";

export { digamma, digammaShift, hyp2f1, lnBeta, lnGamma, lnGammaShift, logAddExp } from "./special-functions.ts";

export { SeededRandom, simulateBgNbdHistories, simulateMeanSpend, simulateTransactions } from "./simulate.ts";
export type { SimulatedHistories, SimulatedTransactions } from "./simulate.ts";
