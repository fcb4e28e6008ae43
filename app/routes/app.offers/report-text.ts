// app/experiments' summary of a report in the admin's language. Its first sentence (too early to tell, or
// the difference in revenue) is said again from the report's figures, with money in the admin's locale; the
// ones about cost and the 12-month return use figures the page does not receive, so they are matched by
// their English and keep the amounts as app/data wrote them.
import type { Translate } from "~/i18n/translate";
import type { ReportView } from "~/data/offers-page.server";
import { keysUnder, textOfEnglish } from "./english-text";

export interface SampleRule {
  minCustomersPerArm: number;
  minBuyersPerArm: number;
}

const LATER_SENTENCES = [...keysUnder("offers.report.cost."), ...keysUnder("offers.report.twelveMonth.")];

function tooEarly(t: Translate, report: ReportView, rule: SampleRule): string | null {
  const reasons: string[] = [];
  const arms = [
    ["treatment", report.treatment],
    ["holdout", report.holdout],
  ] as const;
  for (const [arm, view] of arms) {
    const params = { arm: t(`offers.report.arm.${arm}`) };
    if (view.customers < rule.minCustomersPerArm)
      reasons.push(t("offers.report.fewCustomers", { ...params, count: view.customers, min: rule.minCustomersPerArm }));
    else if (view.buyers < rule.minBuyersPerArm)
      reasons.push(t("offers.report.fewBuyers", { ...params, count: view.buyers, min: rule.minBuyersPerArm }));
  }
  return reasons.length > 0 ? t("offers.report.tooEarly", { reasons: reasons.join("; ") }) : null;
}

function difference(t: Translate, report: ReportView, money: (minor: number) => string): string | null {
  const d = report.incremental;
  if (d === null) return null;
  const interval = { low: money(d.low), high: money(d.high) };
  if (report.verdict === "positive") return t("offers.report.higher", { amount: money(d.estimate), ...interval });
  if (report.verdict === "negative") return t("offers.report.lower", { amount: money(-d.estimate), ...interval });
  return t("offers.report.inconclusive", { estimate: money(d.estimate), detectable: money(d.minimumDetectable), ...interval });
}

export function reportSentences(t: Translate, report: ReportView, rule: SampleRule, money: (minor: number) => string): string[] {
  const [first, ...later] = report.summary;
  // Should the page's sample rule ever differ from the report's, its own sentence is shown rather than none.
  const opening = report.sufficient ? difference(t, report, money) : (tooEarly(t, report, rule) ?? first);
  const rest = later.map((sentence) => {
    const text = textOfEnglish(sentence, LATER_SENTENCES);
    return t(text.key, text.params);
  });
  return [...(opening ? [opening] : []), ...rest];
}
