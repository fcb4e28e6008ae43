/**
 * Holdout experiments shared by offers, loyalty perks and win-back: stable assignment (reproducible in
 * Liquid), exposures, and the report with intervals and the 12-month return. Pure, no I/O beyond hashing.
 * Definitions: docs/offers.md ("Holdout experiments").
 */

export {
  assertValidExperimentKey,
  assertValidHoldoutShare,
  assertValidSalt,
  assignArm,
  assignmentBucket,
  assignmentHashInput,
  BUCKET_HEX_DIGITS,
  BUCKETS,
  DEFAULT_HOLDOUT_SHARE,
  effectiveHoldoutShare,
  HOLDOUT_LIQUID,
  holdoutThreshold,
  liquidCustomerId,
} from "./assignment.ts";
export type { Arm, AssignmentInput } from "./assignment.ts";

export { assertValidExperiment, exposureOf, firstExposures, outcomesFromOrders } from "./exposures.ts";
export type { CustomerOutcome, ExperimentDefinition, Exposure, FirstExposures, OutcomeOrder } from "./exposures.ts";

export { experimentReport } from "./report.ts";
export type { ArmSummary, ExperimentReport, ReportOptions, Verdict } from "./report.ts";
export { saySummary } from "./summary.ts";
export type { SummaryFigure, SummaryMoney, SummarySentence } from "./summary.ts";

export { sampleMoments, studentT975, welchDifference, Z_80, Z_975 } from "./stats.ts";
export type { DifferenceEstimate, SampleMoments } from "./stats.ts";
