/**
 * A report's summary as message keys (app/offers/messages.ts, offers.report.*) with their figures: counts as
 * numbers, money as integer minor units with the currency, the arm and the reasons as other sentences. The
 * report says them in English with the catalog; a page says them in its reader's language and locale.
 */

import type { MessageParams, OffersMessageKey } from "../offers/messages.ts";
import type { ArmSummary, Verdict } from "./report.ts";
import type { DifferenceEstimate } from "./stats.ts";

/** An amount of the summary: integer minor units of the currency, formatted where it is read. */
export interface SummaryMoney {
  minor: number;
  currency: string;
}

/** A figure of a summary sentence: a count, an amount, or other sentences said in its place. */
export type SummaryFigure = number | SummaryMoney | SummarySentence | SummarySentence[];

/** One sentence of the summary: a message key with its figures by placeholder. */
export interface SummarySentence {
  key: OffersMessageKey;
  params?: Record<string, SummaryFigure>;
}

/**
 * A summary sentence said with `say` (the English catalog, or a page's translator): counts stay numbers,
 * amounts go through `money`, nested sentences are said first ("; " between the items of a list).
 */
export function saySummary(
  sentence: SummarySentence,
  say: (key: OffersMessageKey, params?: MessageParams) => string,
  money: (amount: SummaryMoney) => string,
): string {
  const params: MessageParams = {};
  for (const [name, figure] of Object.entries(sentence.params ?? {})) {
    if (typeof figure === "number") params[name] = figure;
    else if (Array.isArray(figure)) params[name] = figure.map((item) => saySummary(item, say, money)).join("; ");
    else if (Object.hasOwn(figure, "key")) params[name] = saySummary(figure as SummarySentence, say, money);
    else params[name] = money(figure as SummaryMoney);
  }
  return say(sentence.key, params);
}

/** Why the sample is too small, arm by arm (none: the sample rule is met). */
export function sampleReasons(arms: readonly ArmSummary[], minCustomers: number, minBuyers: number): SummarySentence[] {
  const reasons: SummarySentence[] = [];
  for (const arm of arms) {
    const armName: SummarySentence = { key: `offers.report.arm.${arm.arm}` };
    if (arm.customers < minCustomers) {
      reasons.push({ key: "offers.report.fewCustomers", params: { count: arm.customers, arm: armName, min: minCustomers } });
    } else if (arm.buyers < minBuyers) {
      reasons.push({ key: "offers.report.fewBuyers", params: { count: arm.buyers, arm: armName, min: minBuyers } });
    }
  }
  return reasons;
}

export interface SummaryFacts {
  reasons: SummarySentence[];
  predictionsSufficient: boolean;
  revenue: DifferenceEstimate | null;
  shortTerm: DifferenceEstimate | null;
  longTerm: DifferenceEstimate | null;
  /** Per customer, treatment − holdout, minor units. */
  costPerCustomer: number;
  verdict: { revenue: Verdict; shortTerm: Verdict; twelveMonth: Verdict };
  currency: string;
}

/** The summary: too early to tell, or the difference in revenue, then the cost and the 12-month return. */
export function summarySentences(facts: SummaryFacts): SummarySentence[] {
  const { revenue, shortTerm, longTerm, verdict } = facts;
  // Integer minor units; a figure without a finite value (never once the sample rule is met) is said as 0.
  const amount = (minor: number): SummaryMoney => ({
    minor: Number.isFinite(minor) ? Math.round(minor) || 0 : 0,
    currency: facts.currency,
  });
  const interval = (e: DifferenceEstimate) => ({ low: amount(e.low), high: amount(e.high) });

  if (facts.reasons.length > 0) return [{ key: "offers.report.tooEarly", params: { reasons: facts.reasons } }];
  const sentences: SummarySentence[] = [];
  if (revenue !== null) {
    if (verdict.revenue === "positive") {
      sentences.push({ key: "offers.report.higher", params: { amount: amount(revenue.estimate), ...interval(revenue) } });
    } else if (verdict.revenue === "negative") {
      sentences.push({ key: "offers.report.lower", params: { amount: amount(-revenue.estimate), ...interval(revenue) } });
    } else {
      const params = { estimate: amount(revenue.estimate), ...interval(revenue), detectable: amount(revenue.minimumDetectable) };
      sentences.push({ key: "offers.report.inconclusive", params });
    }
    if (shortTerm !== null && facts.costPerCustomer > 0 && verdict.shortTerm !== "too_small") {
      const params = { cost: amount(facts.costPerCustomer), ...interval(shortTerm) };
      sentences.push({ key: `offers.report.cost.${verdict.shortTerm}`, params });
    }
  }
  if (longTerm !== null) {
    if (!facts.predictionsSufficient || verdict.twelveMonth === "too_small") sentences.push({ key: "offers.report.twelveMonth.tooFew" });
    else {
      const params = { estimate: amount(longTerm.estimate), ...interval(longTerm) };
      sentences.push({ key: `offers.report.twelveMonth.${verdict.twelveMonth}`, params });
    }
  }
  return sentences;
}
