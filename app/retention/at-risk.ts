// At-risk valuable customers after a refit, for a whole shop in columns (a million customers in well under a
// second): who is slipping, how much is at stake, since when, ranked. Definitions and the reasons for each
// choice: docs/retention.md ("At-risk detection", "Value at stake").
import { averageGapDays, repeatRhythm, shareWithLongerGap, type RepeatRhythm } from "./rhythm.ts";
import type { RetentionSettings } from "./settings.ts";

/** A day number that means "none" in Int32 columns (the same sentinel as app/loyalty). */
export const NO_DAY = -2_147_483_648;

/** Why a customer is flagged: bits of AtRiskResult.criteria. */
export const CRITERION = {
  /** P(alive) below the merchant's threshold (repeat buyers). */
  BELOW_THRESHOLD: 1,
  /** P(alive) fell by at least the sharp-drop setting since the previous model update (repeat buyers). */
  SHARP_DROP: 2,
  /** One-time buyer silent for longer than the shop's repeat customers usually wait (see effectiveProbabilityAlive). */
  ONE_TIME_OVERDUE: 4,
  /** Already at risk at the previous update: the episode continues until they order, lapse into lost, or fall below the minimum value. */
  CONTINUING: 8,
} as const;

/** Below this P(alive), predicted value / P(alive) divides two tiny rounded numbers: the model's value-if-active is not used. */
export const MIN_PROBABILITY_FOR_VALUE_IF_ACTIVE = 0.05;
/** With fewer repeat customers than this, the shop has no usable rhythm and one-time buyers are not judged. */
export const MIN_REPEAT_CUSTOMERS_FOR_RHYTHM = 20;
/** A customer whose own rhythm is long is lost only after this many of their usual gaps (if longer than lostAfterDays). */
export const LOST_AFTER_GAPS = 3;
const DAYS_PER_YEAR = 365.25;

export interface PreviousRefitColumns {
  /** Day number of the previous refit's as-of day. */
  asOfDay: number;
  /** The previous fit's P(alive) and predicted 12-month value (minor units) per row; NaN where it had none. */
  probabilityAlive: Float64Array;
  predictedValueMinor: Float64Array;
  /** 1 where the customer was flagged after the previous refit. */
  atRisk: Uint8Array;
  /** Day their at-risk episode started (NO_DAY when not at risk). */
  atRiskSinceDay: Int32Array;
}

/** One row per customer. Days are shop-local day numbers (app/loyalty/days.ts); money in minor units. */
export interface AtRiskInput {
  customerIds: readonly string[];
  /** Day number of this refit's as-of day. */
  asOfDay: number;
  /** The current fit's P(alive) and predicted 12-month value; NaN where the customer was not scored. */
  probabilityAlive: Float64Array;
  predictedValueMinor: Float64Array;
  /** Counted orders, net revenue (README "What counts"), first and last counted order day (NO_DAY when none). */
  orders: Int32Array;
  netRevenueMinor: Float64Array;
  firstOrderDay: Int32Array;
  lastOrderDay: Int32Array;
  /** The previous refit, rows aligned with these; absent at the first refit. */
  previous?: PreviousRefitColumns;
}

export interface AtRiskTotals {
  /** Customers judged (scored repeat buyers; one-time buyers when the shop has a rhythm and they are included). */
  evaluated: number;
  flagged: number;
  newlyAtRisk: number;
  /** Flagged now and at the previous update. */
  continuing: number;
  /** At risk at the previous update, ordered since, and no longer at risk: won back. */
  returned: number;
  /** At risk at the previous update, no order since, now past the lost horizon. */
  lapsed: number;
  /** At risk at the previous update and no longer, neither returned nor lapsed (the model or the settings changed). */
  cleared: number;
  oneTimeBuyersFlagged: number;
  /** Sum of the flagged customers' value at stake, minor units. */
  valueAtStakeMinor: number;
  /** The part of it held by newly flagged customers. */
  newValueAtStakeMinor: number;
  /** Flagged customers meeting each criterion (a customer can meet several). */
  byCriterion: { belowThreshold: number; sharpDrop: number; oneTimeOverdue: number; continuing: number };
}

export interface AtRiskResult {
  count: number;
  asOfDay: number;
  previousAsOfDay: number | null;
  settings: RetentionSettings;
  rhythm: RepeatRhythm;
  /** False when the shop has too few repeat customers to judge one-time buyers by its rhythm. */
  rhythmUsable: boolean;
  /** 1 = flagged. */
  atRisk: Uint8Array;
  /** CRITERION bits met (also set for customers not flagged, e.g. below threshold but under the minimum value). */
  criteria: Uint8Array;
  /** 1 = flagged now and not at the previous update. */
  newlyAtRisk: Uint8Array;
  /** Start of the current at-risk episode; NO_DAY when not flagged. */
  atRiskSinceDay: Int32Array;
  /**
   * What the thresholds are compared with: the model's P(alive) for repeat buyers; for one-time buyers, the
   * share of the shop's repeat customers whose usual gap is longer than this customer's silence. NaN where
   * the customer was not judged.
   */
  effectiveProbabilityAlive: Float64Array;
  /** What the customer is worth over a year if they stay: max(historic annualized value, the model's value if active). */
  valueIfStayedMinor: Float64Array;
  /** valueIfStayed × (1 − effective P(alive)), whole minor units; 0 where not judged. */
  valueAtStakeMinor: Float64Array;
  daysSinceLastOrder: Int32Array;
  /** NaN for one-time buyers. */
  averageGapDays: Float64Array;
  /** Flagged rows, highest value at stake first (ties: customer id, numbers in numeric order). */
  ranked: Uint32Array;
  totals: AtRiskTotals;
}

/** Net revenue per year of the customer's active life, never extrapolated above what they spent (at least one year counts). */
export function historicAnnualizedValue(netRevenueMinor: number, orders: number, firstOrderDay: number, lastOrderDay: number): number {
  const revenue = Math.max(0, netRevenueMinor);
  const gap = averageGapDays(orders, firstOrderDay, lastOrderDay);
  if (!(gap > 0)) return revenue;
  // Each order "covers" one usual gap, so the active span is the tenure plus one gap.
  const activeSpanDays = lastOrderDay - firstOrderDay + gap;
  return (revenue * DAYS_PER_YEAR) / Math.max(DAYS_PER_YEAR, activeSpanDays);
}

/**
 * The model's 12-month value had the customer stayed active: predicted value / P(alive). Every model the app
 * fits (BG/NBD, MBG/NBD, Pareto/NBD) predicts E[purchases] = P(alive) × E[purchases | active], so the ratio
 * undoes the discount for possible churn. NaN when P(alive) is too small for the ratio to mean anything.
 */
export function valueIfActive(predictedValueMinor: number, probabilityAlive: number): number {
  if (!(probabilityAlive >= MIN_PROBABILITY_FOR_VALUE_IF_ACTIVE) || !Number.isFinite(predictedValueMinor)) return Number.NaN;
  return Math.max(0, predictedValueMinor) / Math.min(1, probabilityAlive);
}

function assertColumns(input: AtRiskInput): void {
  const n = input.customerIds.length;
  const columns: [string, ArrayLike<number>][] = [
    ["probabilityAlive", input.probabilityAlive],
    ["predictedValueMinor", input.predictedValueMinor],
    ["orders", input.orders],
    ["netRevenueMinor", input.netRevenueMinor],
    ["firstOrderDay", input.firstOrderDay],
    ["lastOrderDay", input.lastOrderDay],
  ];
  if (input.previous) {
    columns.push(
      ["previous.probabilityAlive", input.previous.probabilityAlive],
      ["previous.predictedValueMinor", input.previous.predictedValueMinor],
      ["previous.atRisk", input.previous.atRisk],
      ["previous.atRiskSinceDay", input.previous.atRiskSinceDay],
    );
    if (!(input.previous.asOfDay < input.asOfDay)) throw new RangeError("the previous refit must be before this one");
  }
  for (const [name, column] of columns) {
    if (column.length !== n) throw new RangeError(`${name} has ${column.length} rows, customerIds ${n}`);
  }
}

/** Customer ids in numeric order when they are numbers (or gids with the same prefix): shorter first, then by text. */
export function compareCustomerIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

const ROW_BITS = 2 ** 21;
const MAX_PACKED_STAKE = 2 ** 32;

/**
 * Rows by value at stake, highest first, ties by customer id. A comparator sort of 200,000 rows costs about
 * half a second; packing (stake, row) into one double and sorting the doubles natively costs a tenth of
 * that, exact while stake < 2³² and row < 2²¹. Runs of equal stakes are then put in id order.
 */
function rankByValueAtStake(rows: Uint32Array, stake: Float64Array, ids: readonly string[]): Uint32Array {
  const m = rows.length;
  let maxStake = 0;
  for (let k = 0; k < m; k++) if (stake[rows[k]] > maxStake) maxStake = stake[rows[k]];
  const byId = (a: number, b: number) => compareCustomerIds(ids[a], ids[b]);
  if (maxStake >= MAX_PACKED_STAKE || stake.length > ROW_BITS) {
    return rows.slice().sort((a, b) => stake[b] - stake[a] || byId(a, b));
  }
  const packed = new Float64Array(m);
  for (let k = 0; k < m; k++) packed[k] = stake[rows[k]] * ROW_BITS + rows[k];
  packed.sort();
  const ranked = new Uint32Array(m);
  for (let k = 0; k < m; k++) ranked[k] = packed[m - 1 - k] % ROW_BITS;
  for (let start = 0; start < m;) {
    let end = start + 1;
    while (end < m && stake[ranked[end]] === stake[ranked[start]]) end++;
    if (end - start > 1) ranked.subarray(start, end).sort(byId);
    start = end;
  }
  return ranked;
}

export function detectAtRisk(input: AtRiskInput, settings: RetentionSettings): AtRiskResult {
  assertColumns(input);
  const n = input.customerIds.length;
  const { asOfDay, probabilityAlive, predictedValueMinor, orders, netRevenueMinor, firstOrderDay, lastOrderDay, previous } = input;
  const threshold = settings.probabilityAliveThreshold;
  const rhythm = repeatRhythm({ orders, firstOrderDay, lastOrderDay });
  const rhythmUsable = rhythm.repeatCustomers >= MIN_REPEAT_CUSTOMERS_FOR_RHYTHM;
  const judgeOneTimeBuyers = settings.includeOneTimeBuyers && rhythmUsable;
  const oneTimeLostAfter = Math.max(settings.lostAfterDays, LOST_AFTER_GAPS * (rhythmUsable ? rhythm.typicalGapDays : 0));

  const atRisk = new Uint8Array(n);
  const criteria = new Uint8Array(n);
  const newlyAtRisk = new Uint8Array(n);
  const atRiskSinceDay = new Int32Array(n).fill(NO_DAY);
  const effectiveProbabilityAlive = new Float64Array(n).fill(Number.NaN);
  const valueIfStayedMinor = new Float64Array(n);
  const valueAtStakeMinor = new Float64Array(n);
  const daysSinceLastOrder = new Int32Array(n);
  const gaps = new Float64Array(n).fill(Number.NaN);
  const flaggedRows = new Uint32Array(n);
  let flagged = 0;
  const totals: AtRiskTotals = {
    evaluated: 0,
    flagged: 0,
    newlyAtRisk: 0,
    continuing: 0,
    returned: 0,
    lapsed: 0,
    cleared: 0,
    oneTimeBuyersFlagged: 0,
    valueAtStakeMinor: 0,
    newValueAtStakeMinor: 0,
    byCriterion: { belowThreshold: 0, sharpDrop: 0, oneTimeOverdue: 0, continuing: 0 },
  };

  for (let i = 0; i < n; i++) {
    const first = firstOrderDay[i];
    const last = lastOrderDay[i];
    const wasAtRisk = previous !== undefined && previous.atRisk[i] === 1;
    const orderedSincePrevious = previous !== undefined && last !== NO_DAY && last > previous.asOfDay;
    if (orders[i] < 1 || first === NO_DAY || last === NO_DAY) {
      if (wasAtRisk) totals.cleared++;
      continue;
    }
    const daysSince = asOfDay - last;
    daysSinceLastOrder[i] = daysSince;
    const gap = averageGapDays(orders[i], first, last);
    const oneTime = !(gap > 0);

    let pEffective: number;
    let bits = 0;
    let lostAfter: number;
    const p = probabilityAlive[i];
    if (oneTime) {
      if (!judgeOneTimeBuyers) {
        if (wasAtRisk) totals.cleared++;
        continue;
      }
      pEffective = shareWithLongerGap(rhythm, daysSince);
      if (pEffective < threshold) bits |= CRITERION.ONE_TIME_OVERDUE;
      lostAfter = oneTimeLostAfter;
    } else {
      if (!(p >= 0 && p <= 1)) {
        if (wasAtRisk) totals.cleared++;
        continue;
      }
      gaps[i] = gap;
      pEffective = p;
      if (p < threshold) bits |= CRITERION.BELOW_THRESHOLD;
      const previousP = previous === undefined ? Number.NaN : previous.probabilityAlive[i];
      if (previousP - p >= settings.sharpDrop) bits |= CRITERION.SHARP_DROP;
      lostAfter = Math.max(settings.lostAfterDays, LOST_AFTER_GAPS * gap);
    }
    if (wasAtRisk && !orderedSincePrevious) bits |= CRITERION.CONTINUING;
    totals.evaluated++;
    effectiveProbabilityAlive[i] = pEffective;
    criteria[i] = bits;

    // Value if they stay: the model's value before the slide (previous fit) when it has one, else the current fit's.
    let modelValue = previous === undefined ? Number.NaN : valueIfActive(previous.predictedValueMinor[i], previous.probabilityAlive[i]);
    if (Number.isNaN(modelValue)) modelValue = valueIfActive(predictedValueMinor[i], p);
    const historic = historicAnnualizedValue(netRevenueMinor[i], orders[i], first, last);
    const valueIfStayed = Number.isNaN(modelValue) ? historic : Math.max(historic, modelValue);
    const stake = Math.round(valueIfStayed * (1 - pEffective));
    valueIfStayedMinor[i] = valueIfStayed;
    valueAtStakeMinor[i] = stake;

    const lost = daysSince > lostAfter;
    const isAtRisk = bits !== 0 && !lost && stake > 0 && stake >= settings.minValueAtStakeMinor;
    if (!isAtRisk) {
      if (wasAtRisk) {
        if (orderedSincePrevious) totals.returned++;
        else if (lost) totals.lapsed++;
        else totals.cleared++;
      }
      continue;
    }
    atRisk[i] = 1;
    flaggedRows[flagged++] = i;
    totals.valueAtStakeMinor += stake;
    if (bits & CRITERION.BELOW_THRESHOLD) totals.byCriterion.belowThreshold++;
    if (bits & CRITERION.SHARP_DROP) totals.byCriterion.sharpDrop++;
    if (bits & CRITERION.ONE_TIME_OVERDUE) totals.byCriterion.oneTimeOverdue++;
    if (bits & CRITERION.CONTINUING) totals.byCriterion.continuing++;
    if (oneTime) totals.oneTimeBuyersFlagged++;
    // The episode continues while the customer stays flagged, order or not: one Flow trigger per episode.
    const since = wasAtRisk && previous !== undefined ? previous.atRiskSinceDay[i] : NO_DAY;
    if (wasAtRisk && since !== NO_DAY) {
      atRiskSinceDay[i] = since;
      totals.continuing++;
    } else {
      atRiskSinceDay[i] = asOfDay;
      newlyAtRisk[i] = 1;
      totals.newlyAtRisk++;
      totals.newValueAtStakeMinor += stake;
    }
  }
  totals.flagged = flagged;

  const ranked = rankByValueAtStake(flaggedRows.subarray(0, flagged), valueAtStakeMinor, input.customerIds);

  return {
    count: n,
    asOfDay,
    previousAsOfDay: previous === undefined ? null : previous.asOfDay,
    settings,
    rhythm,
    rhythmUsable,
    atRisk,
    criteria,
    newlyAtRisk,
    atRiskSinceDay,
    effectiveProbabilityAlive,
    valueIfStayedMinor,
    valueAtStakeMinor,
    daysSinceLastOrder,
    averageGapDays: gaps,
    ranked,
    totals,
  };
}
