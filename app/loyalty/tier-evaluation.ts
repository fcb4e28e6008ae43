// Tier evaluation: which tier each customer holds on a day, from their dated activities.
//
// Windowed bases (net spend, orders, points) are REPLAYED over the customer's whole history up to the day:
// the metric changes only when an activity enters the window, leaves it (rolling 12 months) or the year turns
// (calendar year), and the tier state changes only on those days or when a retention hold ends. Replaying
// makes the result a function of the facts alone: the same for a nightly re-evaluation, a re-evaluation after
// a tier edit, and the live preview, whatever was evaluated before; a grace period starts on the day the
// member actually dropped below the threshold, not on the day a job noticed.
//
// Predicted 12-month value has no history (each refit replaces it), so its retention needs the state of the
// previous evaluation: a hold starts at the evaluation (refit) that first sees the member below the threshold.
//
// Retention: promotion is immediate. When the metric falls below the held tier's threshold the tier's rule
// applies: "immediate" demotes that day; "grace_period" keeps the tier through N days and demotes on day N
// after the drop; "review_date" keeps it until the next yearly review date strictly after the drop. Climbing
// back to the threshold during a hold cancels it. A demotion lands on the tier the member qualifies for then.
import { firstDayOfYear, nextAnnualDate, NO_DAY, rollingWindowExitDay, yearOfDay } from "./days.ts";
import type { PopulationColumns } from "./population.ts";
import { RETENTION_GRACE, RETENTION_IMMEDIATE, type TierLadder } from "./tiers.ts";

export const TRANSITION_REASONS = ["none", "qualified", "lapsed", "grace_ended", "review_date"] as const;
export type TransitionReason = (typeof TRANSITION_REASONS)[number];
const REASON_QUALIFIED = 1;
const REASON_LAPSED = 2;
const REASON_GRACE_ENDED = 3;
const REASON_REVIEW_DATE = 4;

const WINDOW_LIFETIME = 0;
const WINDOW_CALENDAR_YEAR = 1;
const WINDOW_ROLLING = 2;

/** Per customer: the tier state after evaluation, -1 / NO_DAY meaning none. */
export interface TierColumns {
  tier: Int8Array;
  /** The day the tier was reached; NO_DAY for no tier, or for a threshold-0 tier held from the start. */
  sinceDay: Int32Array;
  /** While held by retention: the day the member will be demoted unless they re-qualify. */
  holdUntilDay: Int32Array;
  /** The tier the metric alone qualifies for on the evaluation day. */
  qualified: Int8Array;
  /** The basis value on the evaluation day (minor units, orders or points). */
  metric: Float64Array;
  /** The replay's last transition: its day, the tier before, why. */
  changeDay: Int32Array;
  changeFrom: Int8Array;
  changeReason: Uint8Array;
}

/** The previous evaluation's state, as indexes into the ladder being evaluated (predicted value only). */
export interface PreviousTierColumns {
  tier: Int8Array;
  sinceDay: Int32Array;
  holdUntilDay: Int32Array;
}

export function allocateTierColumns(customers: number): TierColumns {
  return {
    tier: new Int8Array(customers).fill(-1),
    sinceDay: new Int32Array(customers).fill(NO_DAY),
    holdUntilDay: new Int32Array(customers).fill(NO_DAY),
    qualified: new Int8Array(customers).fill(-1),
    metric: new Float64Array(customers),
    changeDay: new Int32Array(customers).fill(NO_DAY),
    changeFrom: new Int8Array(customers).fill(-1),
    changeReason: new Uint8Array(customers),
  };
}

/** Highest tier whose threshold the metric reaches, or -1. */
export function qualifyingTier(thresholds: Float64Array, metric: number): number {
  for (let index = thresholds.length - 1; index >= 0; index--) if (metric >= thresholds[index]) return index;
  return -1;
}

/**
 * Evaluates every customer of the population on `asOfDay` (a local day number). The one function behind the
 * nightly re-evaluation, the re-evaluation after a tier edit and the live preview.
 */
export function evaluateTiers(
  population: PopulationColumns,
  ladder: TierLadder,
  asOfDay: number,
  previous?: PreviousTierColumns,
): TierColumns {
  const out = allocateTierColumns(population.customerCount);
  if (ladder.basis === "predicted_clv") {
    for (let k = 0; k < population.customerCount; k++) evaluatePredicted(k, population, ladder, asOfDay, previous, out);
    return out;
  }
  const values =
    ladder.basis === "net_spend" ? population.netSpendMinor : ladder.basis === "order_count" ? population.orders : population.points;
  const windowCode =
    ladder.window === "calendar_year" ? WINDOW_CALENDAR_YEAR : ladder.window === "rolling_12_months" ? WINDOW_ROLLING : WINDOW_LIFETIME;
  for (let k = 0; k < population.customerCount; k++) {
    replayCustomer(
      k,
      population.activityStart[k],
      population.activityStart[k + 1],
      population.day,
      values,
      windowCode,
      ladder,
      asOfDay,
      out,
    );
  }
  return out;
}

// The replay keeps its state in locals (no object per customer): a million customers stay in typed arrays.
function replayCustomer(
  k: number,
  start: number,
  end: number,
  days: Int32Array,
  values: Float64Array,
  windowCode: number,
  ladder: TierLadder,
  asOfDay: number,
  out: TierColumns,
): void {
  const thresholds = ladder.thresholds;
  let metric = 0;
  // An entry tier with threshold 0 holds every customer from the start (sinceDay stays unknown: NO_DAY).
  let tier = qualifyingTier(thresholds, 0);
  let since = NO_DAY;
  let hold = Infinity;
  let changeDay = NO_DAY;
  let changeFrom = -1;
  let changeReason = 0;
  let nextAdd = start;
  let nextExit = start;
  let exitDay = windowCode === WINDOW_ROLLING && start < end ? rollingWindowExitDay(days[start]) : Infinity;
  let yearEnd = Infinity; // calendar year: 1 January after the year the metric currently sums

  for (;;) {
    const addDay = nextAdd < end ? days[nextAdd] : Infinity;
    const resetDay = metric !== 0 ? yearEnd : Infinity;
    let day = addDay < exitDay ? addDay : exitDay;
    if (resetDay < day) day = resetDay;
    if (hold < day) day = hold;
    if (day > asOfDay) break;

    if (windowCode === WINDOW_CALENDAR_YEAR && day >= yearEnd) {
      metric = 0;
      yearEnd = Infinity;
    }
    while (nextAdd < end && days[nextAdd] === day) {
      if (windowCode === WINDOW_CALENDAR_YEAR && yearEnd === Infinity) yearEnd = firstDayOfYear(yearOfDay(day) + 1);
      metric += values[nextAdd];
      nextAdd += 1;
    }
    while (exitDay === day) {
      metric -= values[nextExit];
      nextExit += 1;
      exitDay = nextExit < end ? rollingWindowExitDay(days[nextExit]) : Infinity;
    }

    const qualified = qualifyingTier(thresholds, metric);
    if (qualified >= tier) {
      if (qualified > tier) {
        changeFrom = tier;
        tier = qualified;
        since = day;
        changeDay = day;
        changeReason = REASON_QUALIFIED;
      }
      hold = Infinity;
    } else if (hold === Infinity) {
      const kind = ladder.retentionKind[tier];
      if (kind === RETENTION_IMMEDIATE) {
        changeFrom = tier;
        tier = qualified;
        since = day;
        changeDay = day;
        changeReason = REASON_LAPSED;
      } else {
        hold =
          kind === RETENTION_GRACE ? day + ladder.graceDays[tier] : nextAnnualDate(day, ladder.reviewMonth[tier], ladder.reviewDay[tier]);
      }
    } else if (day >= hold) {
      changeReason = ladder.retentionKind[tier] === RETENTION_GRACE ? REASON_GRACE_ENDED : REASON_REVIEW_DATE;
      changeFrom = tier;
      tier = qualified;
      since = day;
      changeDay = day;
      hold = Infinity;
    }
  }

  out.tier[k] = tier;
  out.sinceDay[k] = tier >= 0 ? since : NO_DAY;
  out.holdUntilDay[k] = hold === Infinity ? NO_DAY : hold;
  out.qualified[k] = qualifyingTier(thresholds, metric);
  out.metric[k] = metric;
  out.changeDay[k] = changeDay;
  out.changeFrom[k] = changeFrom;
  out.changeReason[k] = changeReason;
}

function evaluatePredicted(
  k: number,
  population: PopulationColumns,
  ladder: TierLadder,
  asOfDay: number,
  previous: PreviousTierColumns | undefined,
  out: TierColumns,
): void {
  const predicted = population.predictedClvMinor[k];
  const metric = Number.isNaN(predicted) ? 0 : predicted;
  const qualified = qualifyingTier(ladder.thresholds, metric);
  let tier = previous && previous.tier[k] < ladder.size ? previous.tier[k] : -1;
  let since = tier >= 0 && previous ? previous.sinceDay[k] : NO_DAY;
  let hold = tier >= 0 && previous && previous.holdUntilDay[k] !== NO_DAY ? previous.holdUntilDay[k] : Infinity;
  let changeDay = NO_DAY;
  let changeFrom = -1;
  let changeReason = 0;
  if (qualified >= tier) {
    if (qualified > tier) {
      changeFrom = tier;
      tier = qualified;
      since = asOfDay;
      changeDay = asOfDay;
      changeReason = REASON_QUALIFIED;
    }
    hold = Infinity;
  } else {
    const kind = ladder.retentionKind[tier];
    if (hold === Infinity && kind !== RETENTION_IMMEDIATE) {
      hold =
        kind === RETENTION_GRACE
          ? asOfDay + ladder.graceDays[tier]
          : nextAnnualDate(asOfDay, ladder.reviewMonth[tier], ladder.reviewDay[tier]);
    }
    if (kind === RETENTION_IMMEDIATE || asOfDay >= hold) {
      changeReason = kind === RETENTION_IMMEDIATE ? REASON_LAPSED : kind === RETENTION_GRACE ? REASON_GRACE_ENDED : REASON_REVIEW_DATE;
      changeFrom = tier;
      tier = qualified;
      since = asOfDay;
      changeDay = asOfDay;
      hold = Infinity;
    }
  }
  out.tier[k] = tier;
  out.sinceDay[k] = tier >= 0 ? since : NO_DAY;
  out.holdUntilDay[k] = hold === Infinity ? NO_DAY : hold;
  out.qualified[k] = qualified;
  out.metric[k] = metric;
  out.changeDay[k] = changeDay;
  out.changeFrom[k] = changeFrom;
  out.changeReason[k] = changeReason;
}

export interface NextTier {
  index: number;
  /** What the basis must still gain to reach it (minor units, orders, points). */
  amountToReach: number;
}

/** The tier above the one held and how far the metric is from it; null at the top. */
export function nextTierOf(ladder: TierLadder, tier: number, metric: number): NextTier | null {
  const index = tier + 1;
  if (index >= ladder.size) return null;
  return { index, amountToReach: Math.max(0, ladder.thresholds[index] - metric) };
}

/** While a hold runs: what the basis must gain for the member to keep the tier (0 when not held). */
export function amountToKeepOf(ladder: TierLadder, columns: TierColumns, k: number): number {
  const tier = columns.tier[k];
  if (tier < 0 || columns.holdUntilDay[k] === NO_DAY) return 0;
  return Math.max(0, ladder.thresholds[tier] - columns.metric[k]);
}
