/**
 * RFM scores and named segments, computed per shop.
 *
 * - Recency R: days since the last purchase (fewer is better).
 * - Frequency F: purchase days (orders).
 * - Monetary M: total spend.
 *
 * R and M are quintile scores 1..5 from each customer's mid-rank
 * percentile among the shop's customers: pct = (number with a worse value +
 * half the number with the same value) / n, score = 1 + ⌊5·pct⌋ (capped
 * at 5). Equal values always get equal scores and the result does not
 * depend on the input order.
 *
 * F: most customers of most shops buy once, so plain quintiles of the
 * order count are mostly ties. One-time buyers get F = 1; repeat buyers
 * get F = 2..5 from their mid-rank percentile among repeat buyers only
 * (2 + ⌊4·pct⌋, capped at 5).
 *
 * Segments follow the R × F grid merchants know (M is reported, not used):
 *
 *         F=1            F=2            F=3            F=4        F=5
 *  R=5    New            Potential l.   Potential l.   Champions  Champions
 *  R=4    Promising      Potential l.   Potential l.   Champions  Champions
 *  R=3    About to sleep About to sleep Need attention Loyal      Loyal
 *  R=2    Hibernating    Hibernating    At risk        At risk    Can't lose
 *  R=1    Lost           Lost           At risk        At risk    Can't lose
 */

export const SEGMENT_NAMES = [
  "Champions",
  "Loyal",
  "Potential loyalist",
  "New",
  "Promising",
  "Need attention",
  "About to sleep",
  "At risk",
  "Can't lose",
  "Hibernating",
  "Lost",
] as const;

export type SegmentName = (typeof SEGMENT_NAMES)[number];

const S = (name: SegmentName): number => SEGMENT_NAMES.indexOf(name);

/** SEGMENT_BY_SCORE[R − 1][F − 1] = segment index. */
const SEGMENT_BY_SCORE: readonly (readonly number[])[] = [
  [S("Lost"), S("Lost"), S("At risk"), S("At risk"), S("Can't lose")],
  [S("Hibernating"), S("Hibernating"), S("At risk"), S("At risk"), S("Can't lose")],
  [S("About to sleep"), S("About to sleep"), S("Need attention"), S("Loyal"), S("Loyal")],
  [S("Promising"), S("Potential loyalist"), S("Potential loyalist"), S("Champions"), S("Champions")],
  [S("New"), S("Potential loyalist"), S("Potential loyalist"), S("Champions"), S("Champions")],
];

export function segmentOfScores(recencyScore: number, frequencyScore: number): SegmentName {
  const row = SEGMENT_BY_SCORE[Math.min(5, Math.max(1, recencyScore)) - 1];
  return SEGMENT_NAMES[row[Math.min(5, Math.max(1, frequencyScore)) - 1]];
}

export interface RfmInput {
  daysSinceLastPurchase: ArrayLike<number>;
  orders: ArrayLike<number>;
  totalSpend: ArrayLike<number>;
}

export interface RfmScores {
  recencyScore: Uint8Array;
  frequencyScore: Uint8Array;
  monetaryScore: Uint8Array;
  /** Index into SEGMENT_NAMES. */
  segment: Uint8Array;
}

/**
 * Scores 1..bins from mid-rank percentiles: pct = (number of smaller values +
 * half the number of equal values) / n, score = 1 + ⌊bins·pct⌋ capped at
 * `bins`. Only rows with include[i] = 1 take part (the others get 0).
 *
 * The score is a step function of the value, so it is enough to find the
 * bins − 1 thresholds (the smallest value whose percentile reaches k/bins)
 * from the sorted values and compare each row with them; the comparison
 * (2·smaller + equal)·bins ≥ 2·k·n is done in integers, free of rounding.
 */
function midRankScores(values: Float64Array, bins: number, include?: Uint8Array): Uint8Array {
  let n = 0;
  let allIntegers = true;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (include && !include[i]) continue;
    n++;
    const v = values[i];
    if (!Number.isInteger(v)) allIntegers = false;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const thresholds =
    allIntegers && n > 0 && max - min < HISTOGRAM_MAX_RANGE
      ? thresholdsFromHistogram(values, bins, include, n, min, max)
      : thresholdsFromSort(values, bins, include, n);
  const scores = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    if (include && !include[i]) continue;
    let score = 1;
    for (let k = 0; k < bins - 1; k++) if (values[i] >= thresholds[k]) score++;
    scores[i] = score;
  }
  return scores;
}

const HISTOGRAM_MAX_RANGE = 1 << 22;

/** True when a group of equal values starting at rank `smaller` with `equal` members reaches percentile k/bins. */
function reachesBin(smaller: number, equal: number, bins: number, k: number, n: number): boolean {
  return (2 * smaller + equal) * bins >= 2 * k * n;
}

/** Thresholds from sorted values (any numbers). */
function thresholdsFromSort(values: Float64Array, bins: number, include: Uint8Array | undefined, n: number): Float64Array {
  const sorted = new Float64Array(n);
  for (let i = 0, k = 0; i < values.length; i++) if (!include || include[i]) sorted[k++] = values[i];
  sorted.sort();
  const thresholds = new Float64Array(bins - 1).fill(Infinity);
  let nextBin = 1;
  for (let start = 0; start < n && nextBin < bins;) {
    let end = start + 1;
    while (end < n && sorted[end] === sorted[start]) end++;
    while (nextBin < bins && reachesBin(start, end - start, bins, nextBin, n)) thresholds[nextBin++ - 1] = sorted[start];
    start = end;
  }
  return thresholds;
}

/** Thresholds from a histogram, for integers in a modest range (days, order counts): no sort. */
function thresholdsFromHistogram(
  values: Float64Array,
  bins: number,
  include: Uint8Array | undefined,
  n: number,
  min: number,
  max: number,
): Float64Array {
  const counts = new Int32Array(max - min + 1);
  for (let i = 0; i < values.length; i++) if (!include || include[i]) counts[values[i] - min]++;
  const thresholds = new Float64Array(bins - 1).fill(Infinity);
  let nextBin = 1;
  let smaller = 0;
  for (let k = 0; k < counts.length && nextBin < bins; k++) {
    const equal = counts[k];
    if (equal === 0) continue;
    while (nextBin < bins && reachesBin(smaller, equal, bins, nextBin, n)) thresholds[nextBin++ - 1] = min + k;
    smaller += equal;
  }
  return thresholds;
}

export function rfmScores(input: RfmInput): RfmScores {
  const n = input.orders.length;
  if (input.daysSinceLastPurchase.length !== n || input.totalSpend.length !== n) {
    throw new RangeError("RFM input columns differ in length");
  }
  const recencyValues = new Float64Array(n);
  const spendValues = new Float64Array(n);
  const orderValues = new Float64Array(n);
  const repeatBuyer = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    // Negated so that more recent (fewer days) ranks higher; unknown recency ranks lowest.
    const days = input.daysSinceLastPurchase[i];
    recencyValues[i] = Number.isFinite(days) ? -days : -Infinity;
    const spend = input.totalSpend[i];
    spendValues[i] = Number.isFinite(spend) ? spend : 0;
    const orders = input.orders[i];
    orderValues[i] = Number.isFinite(orders) ? orders : 0;
    repeatBuyer[i] = orderValues[i] >= 2 ? 1 : 0;
  }
  const recencyScore = midRankScores(recencyValues, 5);
  const monetaryScore = midRankScores(spendValues, 5);
  // Repeat buyers: 2 + their score among repeat buyers in 4 bins (1..4) − 1.
  const frequencyScore = midRankScores(orderValues, 4, repeatBuyer);
  const segment = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    frequencyScore[i] = repeatBuyer[i] ? frequencyScore[i] + 1 : 1;
    segment[i] = SEGMENT_BY_SCORE[recencyScore[i] - 1][frequencyScore[i] - 1];
  }
  return { recencyScore, frequencyScore, monetaryScore, segment };
}
