// A stored at-risk reason (app/retention/reasons.ts, as data) in the admin's language: the kind picks the
// message, durationParts picks the unit a person would use ("5 weeks"), percentages in the locale's format.
import { durationParts, type RetentionReason } from "~/retention/reasons";
import { formatPercent } from "~/lib/format";
import type { Translate } from "~/i18n/translate";

function duration(days: number, rounding: "floor" | "round", t: Translate): string {
  const { unit, count } = durationParts(days, rounding);
  return t(`retention.duration.${unit}`, { count });
}

export function reasonText(reason: RetentionReason, t: Translate, locale: string): string {
  const percent = (share: number) => formatPercent(share, locale);
  switch (reason.kind) {
    case "rhythm_broken":
      return t("retention.reason.rhythm_broken", {
        every: duration(reason.values.averageGapDays, "round", t),
        silence: duration(reason.values.daysSinceLastOrder, "floor", t),
      });
    case "probability_dropped":
      return t("retention.reason.probability_dropped", {
        previous: percent(reason.values.previousProbabilityAlive),
        now: percent(reason.values.probabilityAlive),
      });
    case "probability_low":
      return t("retention.reason.probability_low", { now: percent(reason.values.probabilityAlive) });
    case "one_time_overdue":
      return t("retention.reason.one_time_overdue", {
        ago: duration(reason.values.daysSinceOrder, "floor", t),
        share: percent(reason.values.shareReorderedSooner),
        typical: duration(reason.values.typicalGapDays, "round", t),
      });
    case "still_at_risk":
      return t("retention.reason.still_at_risk", {
        duration: duration(reason.values.daysAtRisk, "floor", t),
        silence: duration(reason.values.daysSinceLastOrder, "floor", t),
      });
  }
}

/** All of a customer's reasons, most concrete first, as one phrase. */
export function reasonsText(reasons: readonly RetentionReason[], t: Translate, locale: string): string {
  return reasons.length === 0 ? "—" : reasons.map((reason) => reasonText(reason, t, locale)).join("; ");
}
