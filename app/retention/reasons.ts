// Why a customer is on the at-risk list, as data ({kind, values}) that any language can render, plus the
// English sentences. The admin's translation layer maps `kind` to a message key and the values to its
// placeholders; `durationParts` gives the unit and count so "5 weeks" can be said in any language.
import { CRITERION, type AtRiskInput, type AtRiskResult } from "./at-risk.ts";
import { shareWithLongerGap } from "./rhythm.ts";

export type RetentionReason =
  /** A repeat buyer silent for longer than their own usual gap. */
  | { kind: "rhythm_broken"; values: { averageGapDays: number; daysSinceLastOrder: number } }
  /** P(alive) fell sharply since the previous model update. */
  | { kind: "probability_dropped"; values: { previousProbabilityAlive: number; probabilityAlive: number } }
  /** P(alive) below the merchant's threshold. */
  | { kind: "probability_low"; values: { probabilityAlive: number; threshold: number } }
  /** A one-time buyer silent for longer than most repeat customers wait. */
  | { kind: "one_time_overdue"; values: { daysSinceOrder: number; typicalGapDays: number; shareReorderedSooner: number } }
  /** Still flagged from an earlier update with no order since, though no criterion is newly met. */
  | { kind: "still_at_risk"; values: { daysAtRisk: number; daysSinceLastOrder: number } };

export type RetentionReasonKind = RetentionReason["kind"];

/** The reasons for one row of a detection, most concrete first; empty when the customer was not judged. */
export function reasonsFor(input: AtRiskInput, result: AtRiskResult, row: number): RetentionReason[] {
  const p = result.effectiveProbabilityAlive[row];
  if (Number.isNaN(p)) return [];
  const bits = result.criteria[row];
  const daysSinceLastOrder = result.daysSinceLastOrder[row];
  const gap = result.averageGapDays[row];
  const reasons: RetentionReason[] = [];
  if (Number.isNaN(gap)) {
    if (bits & CRITERION.ONE_TIME_OVERDUE) {
      reasons.push({
        kind: "one_time_overdue",
        values: {
          daysSinceOrder: daysSinceLastOrder,
          typicalGapDays: result.rhythm.typicalGapDays,
          shareReorderedSooner: 1 - shareWithLongerGap(result.rhythm, daysSinceLastOrder),
        },
      });
    }
  } else {
    if (daysSinceLastOrder > gap) reasons.push({ kind: "rhythm_broken", values: { averageGapDays: gap, daysSinceLastOrder } });
    if (bits & CRITERION.SHARP_DROP && input.previous) {
      reasons.push({
        kind: "probability_dropped",
        values: { previousProbabilityAlive: input.previous.probabilityAlive[row], probabilityAlive: p },
      });
    }
    if (bits & CRITERION.BELOW_THRESHOLD && reasons.length === 0) {
      reasons.push({ kind: "probability_low", values: { probabilityAlive: p, threshold: result.settings.probabilityAliveThreshold } });
    }
  }
  if (reasons.length === 0 && result.atRisk[row] === 1) {
    const since = result.atRiskSinceDay[row];
    reasons.push({ kind: "still_at_risk", values: { daysAtRisk: result.asOfDay - since, daysSinceLastOrder } });
  }
  return reasons;
}

export type DurationUnit = "day" | "week" | "month";

/**
 * A number of days in the unit a person would use: days below two weeks, weeks below six months, months
 * after. `floor` for elapsed time (never overstate a silence), `round` for averages.
 */
export function durationParts(days: number, rounding: "floor" | "round"): { unit: DurationUnit; count: number } {
  const round = rounding === "floor" ? Math.floor : Math.round;
  if (days < 14) return { unit: "day", count: Math.max(0, round(days)) };
  if (days < 182) return { unit: "week", count: round(days / 7) };
  return { unit: "month", count: round(days / 30.436875) };
}

function englishDuration(days: number, rounding: "floor" | "round"): string {
  const { unit, count } = durationParts(days, rounding);
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

/** One reason in English, lower case (the list joins them). */
export function formatReasonEnglish(reason: RetentionReason): string {
  switch (reason.kind) {
    case "rhythm_broken":
      return `ordered every ~${englishDuration(reason.values.averageGapDays, "round")}, nothing for ${englishDuration(reason.values.daysSinceLastOrder, "floor")}`;
    case "probability_dropped":
      return `chance of still being an active customer fell from ${percent(reason.values.previousProbabilityAlive)} to ${percent(reason.values.probabilityAlive)} since the last model update`;
    case "probability_low":
      return `only a ${percent(reason.values.probabilityAlive)} chance of still being an active customer`;
    case "one_time_overdue":
      return (
        `bought once, ${englishDuration(reason.values.daysSinceOrder, "floor")} ago; ${percent(reason.values.shareReorderedSooner)} of repeat customers ` +
        `order again sooner (typically after ~${englishDuration(reason.values.typicalGapDays, "round")})`
      );
    case "still_at_risk":
      return `at risk for ${englishDuration(reason.values.daysAtRisk, "floor")}, no order for ${englishDuration(reason.values.daysSinceLastOrder, "floor")}`;
  }
}

/** The reasons as one English sentence fragment ("ordered every ~5 weeks, nothing for 19 weeks; …"). */
export function formatReasonsEnglish(reasons: readonly RetentionReason[]): string {
  return reasons.map(formatReasonEnglish).join("; ");
}
