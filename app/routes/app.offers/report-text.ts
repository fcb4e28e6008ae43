// app/experiments' summary of a report in the admin's language: each sentence comes as a message key with its
// figures, so counts are said in the admin's locale and money in the admin's locale with the shop's currency.
// The module itself, not the barrel: the barrel brings node:crypto (assignment) into the browser bundle.
import { saySummary, type SummaryMoney, type SummarySentence } from "~/experiments/summary";
import type { Translate } from "~/i18n/translate";
import { formatMoney } from "~/lib/format";

export function reportSentences(t: Translate, locale: string, sentences: readonly SummarySentence[]): string[] {
  const money = (amount: SummaryMoney) => formatMoney(amount.minor, amount.currency, locale);
  return sentences.map((sentence) => saySummary(sentence, t, money));
}
