/**
 * Experiment report: customers per arm, revenue per customer, the treatment-minus-holdout difference with
 * its 95 % interval, the cost of the perk, and the 12-month return (difference in predicted 12-month value
 * against the cost). Says plainly when the sample is too small (rule in docs/offers.md).
 */

import { englishMessage } from "../offers/messages.ts";
import type { Arm } from "./assignment.ts";
import type { CustomerOutcome, Exposure } from "./exposures.ts";
import { sampleMoments, welchDifference, type DifferenceEstimate } from "./stats.ts";
import { sampleReasons, saySummary, summarySentences, type SummarySentence } from "./summary.ts";

export interface ArmSummary {
  arm: Arm;
  customers: number;
  /** Customers with revenue > 0. */
  buyers: number;
  revenueMinor: number;
  revenuePerCustomer: number;
  costMinor: number;
  costPerCustomer: number;
  customersWithPrediction: number;
  /** Mean predicted 12-month value of those; null without any. */
  predictedValuePerCustomer: number | null;
}

/** too_small: below the sample rule; positive / negative: the whole 95 % interval is above / below 0. */
export type Verdict = "too_small" | "positive" | "negative" | "inconclusive";

export interface ExperimentReport {
  experimentKey: string;
  treatment: ArmSummary;
  holdout: ArmSummary;
  /** Customers recorded in both arms and left out. */
  conflicting: number;
  sample: { sufficient: boolean; reasons: string[] };
  /** Incremental revenue per exposed customer (treatment − holdout); null when an arm is empty. */
  incrementalRevenuePerCustomer: DifferenceEstimate | null;
  /** The same times the treatment arm's customers. */
  incrementalRevenueTotal: { estimate: number; low: number; high: number } | null;
  /** margin · revenue − cost per customer, treatment − holdout: did it pay for itself so far? */
  shortTermNetPerCustomer: DifferenceEstimate | null;
  twelveMonth: {
    /** Predicted 12-month value per customer, treatment − holdout (customers with a prediction). */
    valueDifferencePerCustomer: DifferenceEstimate | null;
    /** Cost per customer, treatment − holdout. */
    costPerCustomer: number;
    /** margin · predicted value − cost per customer, treatment − holdout. */
    netPerCustomer: DifferenceEstimate | null;
    /** netPerCustomer / costPerCustomer (null without a cost). */
    returnOnCost: number | null;
  };
  verdict: { revenue: Verdict; shortTerm: Verdict; twelveMonth: Verdict };
  /** Plain sentences for the merchant, in English (logs, callers that do not translate). */
  summary: string[];
  /** The same sentences as message keys with their figures, for a page to say in its reader's language. */
  summaryMessages: SummarySentence[];
}

export interface ReportOptions {
  /** Share of revenue that is gross margin (default 1: compare revenue itself with the cost). */
  marginRate?: number;
  /** Sample rule: at least this many customers per arm (default 100)… */
  minCustomersPerArm?: number;
  /** …and this many customers with a purchase per arm (default 10). */
  minBuyersPerArm?: number;
  /** Money in minor units → text, for the English summary (default: two decimals). */
  formatMoney?: (minor: number) => string;
  /** The currency of the summary's amounts (default "XXX", ISO 4217's "no currency"). */
  currencyCode?: string;
}

interface ArmValues {
  revenue: number[];
  shortTermNet: number[];
  predicted: number[];
  longTermNet: number[];
  costMinor: number;
  buyers: number;
}

function emptyArm(): ArmValues {
  return { revenue: [], shortTermNet: [], predicted: [], longTermNet: [], costMinor: 0, buyers: 0 };
}

function summarize(arm: Arm, values: ArmValues): ArmSummary {
  const customers = values.revenue.length;
  const revenueMinor = values.revenue.reduce((sum, value) => sum + value, 0);
  const predicted = sampleMoments(values.predicted);
  return {
    arm,
    customers,
    buyers: values.buyers,
    revenueMinor,
    revenuePerCustomer: customers > 0 ? revenueMinor / customers : 0,
    costMinor: values.costMinor,
    costPerCustomer: customers > 0 ? values.costMinor / customers : 0,
    customersWithPrediction: predicted.n,
    predictedValuePerCustomer: predicted.n > 0 ? predicted.mean : null,
  };
}

function verdictOf(estimate: DifferenceEstimate | null, sufficient: boolean): Verdict {
  if (!sufficient || estimate === null) return "too_small";
  if (estimate.low > 0) return "positive";
  if (estimate.high < 0) return "negative";
  return "inconclusive";
}

const defaultFormat = (minor: number) => (minor / 100).toFixed(2);

export function experimentReport(
  experimentKey: string,
  exposures: ReadonlyMap<string, Exposure>,
  outcomes: ReadonlyMap<string, CustomerOutcome>,
  options: ReportOptions & { conflicting?: number } = {},
): ExperimentReport {
  const margin = options.marginRate ?? 1;
  const minCustomers = options.minCustomersPerArm ?? 100;
  const minBuyers = options.minBuyersPerArm ?? 10;
  const money = options.formatMoney ?? defaultFormat;

  const arms: Record<Arm, ArmValues> = { treatment: emptyArm(), holdout: emptyArm() };
  for (const [customerId, exposure] of exposures) {
    const outcome = outcomes.get(customerId) ?? { revenueMinor: 0, costMinor: 0, predictedValueMinor: null };
    const values = arms[exposure.arm];
    values.revenue.push(outcome.revenueMinor);
    values.shortTermNet.push(margin * outcome.revenueMinor - outcome.costMinor);
    values.costMinor += outcome.costMinor;
    if (outcome.revenueMinor > 0) values.buyers++;
    if (outcome.predictedValueMinor !== null) {
      values.predicted.push(outcome.predictedValueMinor);
      values.longTermNet.push(margin * outcome.predictedValueMinor - outcome.costMinor);
    }
  }
  const treatment = summarize("treatment", arms.treatment);
  const holdout = summarize("holdout", arms.holdout);

  const reasons = sampleReasons([treatment, holdout], minCustomers, minBuyers);
  const sufficient = reasons.length === 0;
  const predictionsSufficient =
    sufficient && treatment.customersWithPrediction >= minCustomers && holdout.customersWithPrediction >= minCustomers;

  const bothArms = treatment.customers > 0 && holdout.customers > 0;
  const revenue = bothArms ? welchDifference(sampleMoments(arms.treatment.revenue), sampleMoments(arms.holdout.revenue)) : null;
  const shortTerm = bothArms ? welchDifference(sampleMoments(arms.treatment.shortTermNet), sampleMoments(arms.holdout.shortTermNet)) : null;
  const withPredictions = treatment.customersWithPrediction > 0 && holdout.customersWithPrediction > 0;
  const valueDifference = withPredictions
    ? welchDifference(sampleMoments(arms.treatment.predicted), sampleMoments(arms.holdout.predicted))
    : null;
  const longTerm = withPredictions
    ? welchDifference(sampleMoments(arms.treatment.longTermNet), sampleMoments(arms.holdout.longTermNet))
    : null;
  const costPerCustomer = treatment.costPerCustomer - holdout.costPerCustomer;

  const verdict = {
    revenue: verdictOf(revenue, sufficient),
    shortTerm: verdictOf(shortTerm, sufficient),
    twelveMonth: verdictOf(longTerm, predictionsSufficient),
  };

  const summaryMessages = summarySentences({
    reasons,
    predictionsSufficient,
    revenue,
    shortTerm,
    longTerm,
    costPerCustomer,
    verdict,
    currency: options.currencyCode ?? "XXX",
  });
  const english = (sentence: SummarySentence) => saySummary(sentence, englishMessage, (amount) => money(amount.minor));

  return {
    experimentKey,
    treatment,
    holdout,
    conflicting: options.conflicting ?? 0,
    sample: { sufficient, reasons: reasons.map(english) },
    incrementalRevenuePerCustomer: revenue,
    incrementalRevenueTotal:
      revenue === null
        ? null
        : {
            estimate: revenue.estimate * treatment.customers,
            low: revenue.low * treatment.customers,
            high: revenue.high * treatment.customers,
          },
    shortTermNetPerCustomer: shortTerm,
    twelveMonth: {
      valueDifferencePerCustomer: valueDifference,
      costPerCustomer,
      netPerCustomer: longTerm,
      returnOnCost: longTerm !== null && costPerCustomer > 0 ? longTerm.estimate / costPerCustomer : null,
    },
    verdict,
    summary: summaryMessages.map(english),
    summaryMessages,
  };
}
