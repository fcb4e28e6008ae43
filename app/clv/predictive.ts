/**
 * Each customer's predictive distribution of purchases in a window of length
 * t, P(Y(t) = n | x, t_x, T), combined with parameter uncertainty: the
 * equally weighted mixture over parameter draws (parameter-draws.ts) of
 *   (1 − P_d(alive))·[n = 0] + P_d(alive)·P_d(Y(t) = n | alive).
 * From it: the 10th and 90th percentiles (the 80% interval) and, when the
 * actual counts are known (backtests, holdouts), the log predictive score
 * ln P(Y = actual) and the interval coverage.
 *
 * Speed: customers sharing (x, t_x, T) share everything; the alive part of the
 * distribution depends on (x, T) only, so it is computed once per distinct
 * (x, T) pair and draw, and each pattern then mixes in its own P(alive).
 *
 * Discrete counts and coverage: with integer percentiles the interval
 * [q10, q90] holds at least 80% of the probability, usually more (a customer
 * who buys nothing with probability 0.93 has the interval [0, 0], which
 * holds 93%). So three figures are kept per customer: whether the actual
 * count is inside (`inInterval`), the model's own probability of the interval
 * (`intervalProbability`: what the share of customers inside should be), and
 * the fractional coverage of the randomised PIT (`pitCoverage`: the share of
 * [F(n−1), F(n)] that lies within [0.1, 0.9], divided by P(n)), which averages
 * exactly 0.8 over customers when the predictive distributions are right
 * (Czado, Gneiting & Held 2009, for count data).
 */

import { newDistributionScratch, type CountingModel } from "./models.ts";
import { groupRows, type Patterns } from "./patterns.ts";

export interface PredictiveInput {
  frequency: ArrayLike<number>;
  recency: ArrayLike<number>;
  T: ArrayLike<number>;
}

export interface PredictiveOptions {
  /** Window length in model units. */
  t: number;
  /** Parameter vectors (natural scale), equally weighted; one vector = no parameter uncertainty. */
  draws: readonly Float64Array[];
  /** Per customer: the actual count in the window (backtests); enables scores and coverage. */
  actual?: ArrayLike<number>;
  /** Default 0.1 and 0.9. */
  lowerProbability?: number;
  upperProbability?: number;
  /** The rows grouped by (x, t_x, T) (groupRows of frequency, recency, T), when the caller has it already. */
  patterns?: Patterns;
}

export interface PredictiveResult {
  /** Per customer: the lower and upper percentiles (purchases). */
  low: Int32Array;
  high: Int32Array;
  /** With `actual`: ln P(Y = actual) per customer. */
  logScore?: Float64Array;
  /** With `actual`: 1 when low ≤ actual ≤ high. */
  inInterval?: Uint8Array;
  /** With `actual`: the predictive probability of [low, high]. */
  intervalProbability?: Float64Array;
  /** With `actual`: fractional PIT coverage in [0, 1] (see the file header). */
  pitCoverage?: Float64Array;
}

/** Probabilities below this are floored in the log score (a count the model thinks impossible still scores finitely). */
const LOG_SCORE_FLOOR = 1e-300;

/** Terms of the first try at a pair's pmfs (see predictivePurchases). */
const FIRST_TERMS = 8;

/** Counts with more than this many terms are truncated there (a customer expected to buy thousands of times). */
const MAX_TERMS = 200_000;

/**
 * Length of the pmf vectors of a pair (x, T): past every draw's purchases of a customer who never drops out,
 * a negative binomial that bounds the count from above, by a wide margin.
 */
function termsFor(x: number, T: number, t: number, draws: readonly Float64Array[], atLeast: number): number {
  let terms = atLeast;
  for (const p of draws) {
    const rate = (p[0] + x) / (p[1] + T);
    const mean = rate * t;
    const sd = Math.sqrt(mean * (1 + t / (p[1] + T)));
    terms = Math.max(terms, Math.ceil(mean + 8 * sd + 10));
  }
  return Math.min(terms, MAX_TERMS);
}

/** Rows grouped by a group index: offsets and members (a counting sort). */
function membersByGroup(groupOf: Int32Array, groups: number): { offsets: Int32Array; members: Int32Array } {
  const offsets = new Int32Array(groups + 1);
  for (let i = 0; i < groupOf.length; i++) offsets[groupOf[i] + 1]++;
  for (let g = 0; g < groups; g++) offsets[g + 1] += offsets[g];
  const cursor = offsets.slice(0, groups);
  const members = new Int32Array(groupOf.length);
  for (let i = 0; i < groupOf.length; i++) members[cursor[groupOf[i]]++] = i;
  return { offsets, members };
}

export function predictivePurchases(model: CountingModel, input: PredictiveInput, options: PredictiveOptions): PredictiveResult {
  const n = input.frequency.length;
  const { t, draws, actual } = options;
  const lowerProbability = options.lowerProbability ?? 0.1;
  const upperProbability = options.upperProbability ?? 0.9;
  if (draws.length === 0) throw new RangeError("predictivePurchases needs at least one parameter vector");
  const D = draws.length;

  const patterns = options.patterns ?? groupRows([input.frequency, input.recency, input.T]);
  const [px, ptx, pT] = patterns.values as [Float64Array, Float64Array, Float64Array];
  const pairs = groupRows([px, pT]);
  const patternsOfPair = membersByGroup(pairs.patternOfRow, pairs.count);
  const rowsOfPattern = membersByGroup(patterns.patternOfRow, patterns.count);

  const maxActualOfPattern = new Int32Array(patterns.count);
  if (actual) {
    for (let i = 0; i < n; i++) {
      const p = patterns.patternOfRow[i];
      maxActualOfPattern[p] = Math.max(maxActualOfPattern[p], Math.max(0, Math.floor(actual[i])));
    }
  }

  const low = new Int32Array(n);
  const high = new Int32Array(n);
  const logScore = actual ? new Float64Array(n) : undefined;
  const inInterval = actual ? new Uint8Array(n) : undefined;
  const intervalProbability = actual ? new Float64Array(n) : undefined;
  const pitCoverage = actual ? new Float64Array(n) : undefined;

  const scratch = newDistributionScratch();
  // Percentiles alone need each probability to about 1e-16 of the whole; log scores need the small ones exact.
  const precision = actual ? "relative" : "absolute";
  let alivePmfs = new Float64Array(64 * D);
  let mixture = new Float64Array(64);
  let cdf = new Float64Array(64);
  const alive = new Float64Array(D);

  // The pair in hand, read by reachesUpper and mixPatterns (declared once per call, not once per pair: a
  // function declared in the loop is a new closure each time, and under tsx, which keeps function names, a
  // defineProperty call too).
  let from = 0;
  let to = 0;
  let x = 0;
  let T = 0;
  for (let pair = 0; pair < pairs.count; pair++) {
    from = patternsOfPair.offsets[pair];
    to = patternsOfPair.offsets[pair + 1];
    x = pairs.values[0][pair];
    T = pairs.values[1][pair];
    let maxActual = 0;
    for (let k = from; k < to; k++) maxActual = Math.max(maxActual, maxActualOfPattern[patternsOfPair.members[k]]);
    const allTerms = termsFor(x, T, t, draws, Math.min(MAX_TERMS, maxActual + 2));
    // The pmfs are computed as far as the pair's patterns need (their upper percentile, their largest actual
    // count), at most to allTerms: first a few terms, four times more until every draw's alive pmf reaches the
    // upper percentile within them, which bounds every pattern's (a pattern's mixture adds its dead mass at 0).
    // Each term is the same whatever the length (recurrences from n = 0; the tail from the top is the same sum in
    // another order), and the percentiles of most customers are a handful of purchases.
    let terms = Math.min(allTerms, Math.max(FIRST_TERMS, maxActual + 2));
    for (;;) {
      if (alivePmfs.length < terms * D) alivePmfs = new Float64Array(terms * D * 2);
      if (mixture.length < terms) {
        mixture = new Float64Array(terms * 2);
        cdf = new Float64Array(terms * 2);
      }
      for (let d = 0; d < D; d++) model.alivePurchasePmf(draws[d], x, T, t, alivePmfs, d * terms, terms, scratch, precision);
      if (terms === allTerms || reachesUpper(terms)) break;
      terms = Math.min(allTerms, terms * 4);
    }
    mixPatterns(terms);
  }

  /** Whether every draw's alive pmf of `terms` terms adds up to the upper percentile. */
  function reachesUpper(terms: number): boolean {
    for (let d = 0; d < D; d++) {
      let sum = 0;
      for (let j = 0; j < terms; j++) sum += alivePmfs[d * terms + j];
      if (sum < upperProbability - 1e-12) return false;
    }
    return true;
  }

  /** Percentiles (and scores) of the pair's patterns from pmfs of `terms` terms. */
  function mixPatterns(terms: number): void {
    for (let k = from; k < to; k++) {
      const pattern = patternsOfPair.members[k];
      let dead = 0;
      for (let d = 0; d < D; d++) {
        alive[d] = model.probabilityAlive(draws[d], x, ptx[pattern], T);
        dead += 1 - alive[d];
      }
      // The mixture term by term, only as far as the upper percentile and the largest actual count need.
      const needed = maxActualOfPattern[pattern];
      let cumulative = 0;
      let lowQ = -1;
      let highQ = -1;
      let last = terms - 1;
      for (let j = 0; j < terms; j++) {
        let value = j === 0 ? dead : 0;
        for (let d = 0; d < D; d++) value += alive[d] * alivePmfs[d * terms + j];
        value /= D;
        mixture[j] = value;
        cumulative += value;
        cdf[j] = cumulative;
        if (lowQ < 0 && cumulative >= lowerProbability - 1e-12) lowQ = j;
        if (highQ < 0 && cumulative >= upperProbability - 1e-12) highQ = j;
        if (highQ >= 0 && j >= needed) {
          last = j;
          break;
        }
      }
      if (lowQ < 0) lowQ = last;
      if (highQ < 0) highQ = last;
      const massInside = cdf[highQ] - (lowQ > 0 ? cdf[lowQ - 1] : 0);

      for (let m = rowsOfPattern.offsets[pattern]; m < rowsOfPattern.offsets[pattern + 1]; m++) {
        const i = rowsOfPattern.members[m];
        low[i] = lowQ;
        high[i] = highQ;
        if (!actual) continue;
        // Counts beyond the computed terms (past the truncation of an extreme customer) get probability 0, CDF 1.
        const count = Math.max(0, Math.floor(actual[i]));
        const probability = count <= last ? mixture[count] : 0;
        logScore![i] = Math.log(Math.max(probability, LOG_SCORE_FLOOR));
        inInterval![i] = count >= lowQ && count <= highQ ? 1 : 0;
        intervalProbability![i] = massInside;
        const below = count > 0 ? (count - 1 <= last ? cdf[count - 1] : 1) : 0;
        const upTo = count <= last ? cdf[count] : 1;
        if (upTo - below > 1e-300) {
          const overlap = Math.max(0, Math.min(upTo, upperProbability) - Math.max(below, lowerProbability));
          pitCoverage![i] = Math.min(1, overlap / (upTo - below));
        } else {
          pitCoverage![i] = below >= lowerProbability && below <= upperProbability ? 1 : 0;
        }
      }
    }
  }
  return { low, high, logScore, inInterval, intervalProbability, pitCoverage };
}
