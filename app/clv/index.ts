/**
 * Customer lifetime value models: public API. Pure TypeScript, no I/O.
 * Definitions and conventions: docs/clv.md.
 */

export { analyzeShop } from "./analyze-shop.ts";
export type {
  AnalyzeShopOptions,
  BgNbdResult,
  HoldoutScores,
  IntervalMethod,
  ModelFitSummary,
  ShopAnalysis,
  ShopAnalysisCounts,
  Shortfall,
} from "./analyze-shop.ts";
export { holdoutEvidence } from "./holdout-evidence.ts";
export type { CalibrationBucket, HoldoutEvidence, HoldoutEvidenceOptions, TrackingWeek } from "./holdout-evidence.ts";

export {
  COUNTING_MODELS,
  conditionalPurchasePmf,
  fitModel,
  isModelName,
  MODEL_LABELS,
  MODEL_NAMES,
  newCustomerPurchasePmf,
  paramsObject,
  paramsVector,
} from "./models.ts";
export type { CountingModel, ModelName, ModelParams } from "./models.ts";
export type { CountData, CountModelFitOptions, CountModelFitResult, WarmStart } from "./count-model-fit.ts";

export {
  fitMbgNbd,
  mbgnbdAliveExpectation,
  mbgnbdConditionalExpectedPurchases,
  mbgnbdCustomerLogLikelihood,
  mbgnbdExpectedPurchases,
  mbgnbdProbabilityAlive,
} from "./mbgnbd.ts";
export type { MbgNbdFit, MbgNbdParams } from "./mbgnbd.ts";
export {
  fitParetoNbd,
  paretonbdAliveExpectation,
  paretonbdConditionalExpectedPurchases,
  paretonbdCustomerLogLikelihood,
  paretonbdExpectedPurchases,
  paretonbdProbabilityAlive,
} from "./paretonbd.ts";
export type { ParetoNbdFit, ParetoNbdParams } from "./paretonbd.ts";

export { DEFAULT_BACKTEST_MAX_CUSTOMERS, runBacktest } from "./backtest.ts";
export type { BacktestCutoff, BacktestModelResult, BacktestOptions, BacktestResult, BacktestScores, ScoreComparison } from "./backtest.ts";
export { chooseModel, CHOICE_CRITERION } from "./model-choice.ts";
export type { AveragedScores, ModelChoice, ModelRequest } from "./model-choice.ts";
export { predictivePurchases } from "./predictive.ts";
export type { PredictiveOptions, PredictiveResult } from "./predictive.ts";
export { parameterDraws } from "./parameter-draws.ts";

export { CustomerResults } from "./customer-results.ts";
export type { CustomerColumns, CustomerResult } from "./customer-results.ts";

export { columnsFromKeyedTransactions, columnsFromRows, toIndexedColumns } from "./transactions.ts";
export type { KeyedTransactionColumns, TransactionColumns, TransactionRow } from "./transactions.ts";

export { DAYS_PER_PERIOD, summarizeTransactions } from "./summary.ts";
export type { CustomerSummary, Period, PurchaseDays, SummaryCounts, SummaryOptions } from "./summary.ts";

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
export { gammaGammaCustomerLogLikelihood, gammaGammaExpectedAverageValue, pearsonCorrelation } from "./gamma-gamma.ts";
export type {
  GammaGammaData,
  GammaGammaExclusions,
  GammaGammaFit,
  GammaGammaFitOptions,
  GammaGammaFitted,
  GammaGammaParams,
  GammaGammaRefused,
} from "./gamma-gamma.ts";

export {
  customerLifetimeValue,
  expectedPurchasesOver,
  expectedPurchasesOverWithModel,
  scoreCustomers,
  scoreCustomersWithModel,
  UNITS_PER_MONTH,
} from "./clv.ts";
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
