/**
 * Maximum-likelihood fit of the BG/NBD model (formulas in bgnbd.ts).
 *
 * - Parameters are optimised on the log scale, θ = (ln r, ln α', ln a, ln b),
 *   with times divided by the mean customer age s (α' = α/s), so that the
 *   problem looks the same whatever the time unit.
 * - The objective is the mean negative log-likelihood over the distinct
 *   (x, t_x, T) patterns weighted by their customer counts, with an exact
 *   gradient (digamma); BFGS from up to three starts, then a Newton step on
 *   a finite-difference Hessian of that gradient, which also gives the
 *   standard errors.
 * - Large shops (more than 40,000 patterns) first fit a systematic
 *   subsample of 10,000 patterns and start the full fit there, with the
 *   subsample's curvature as the initial inverse Hessian.
 */

import type { BgNbdData, BgNbdParams } from "./bgnbd.ts";
import { groupRows } from "./patterns.ts";
import { digammaShift, lnGammaShift } from "./special-functions.ts";
import { hessianFromGradient, invertPositiveDefinite, minimizeBfgs, polishWithNewton } from "./optimize.ts";

export interface BgNbdFitOptions {
  /**
   * L2 penalty λ on the log-parameters, added to the *total* negative
   * log-likelihood (not to the mean): λ·[(ln r)² + (ln(α/s))² + (ln a)² + (ln b)²]
   * with s the mean customer age T. It acts like independent normal priors
   * of variance 1/(2λ) on those logs, so its pull fades as the shop grows
   * and does not depend on the time unit. Default 0.
   */
  penalizer?: number;
  /** Fit on distinct (x, t_x, T) patterns with counts (default true); false fits row by row. */
  groupPatterns?: boolean;
  maxIterations?: number;
}

export interface BgNbdFit {
  params: BgNbdParams;
  /** Log-likelihood at the estimate (without the penalty). */
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  evaluations: number;
  /** Standard errors from the inverse Hessian of the penalised negative log-likelihood; absent if it is not positive definite. */
  stdErrors?: BgNbdParams;
  /** Distinct rows the likelihood was evaluated on. */
  patterns: number;
  /** Σ weights (customers). */
  customers: number;
  /** True when an estimate ran to the edge of the search box (|ln parameter| near 15): not identifiable from the data. */
  atBoundary: boolean;
  /**
   * The parameters at the edge. Only a and b there (both large, a/(a+b) fixed) is the benign limit of a
   * dropout probability shared by all customers; r and α there mean no heterogeneity in purchase rates.
   */
  boundaryParameters: (keyof BgNbdParams)[];
}

/** Search box on the (scaled) log-parameters: e^±15 covers any plausible shop. */
const LOG_PARAMETER_BOUND = 15;

interface PreparedData {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  /** Per row: index into the distinct x values. */
  xLevel: Int32Array;
  levelX: Float64Array;
  levelWeight: Float64Array;
  totalWeight: number;
  /** Σ w·x, for converting the scaled log-likelihood back. */
  weightedX: number;
  /** Time scale s (mean T): times are divided by it during the fit. */
  timeScale: number;
}

function prepare(data: BgNbdData, group: boolean): PreparedData {
  const n = data.frequency.length;
  if (data.recency.length !== n || data.T.length !== n) throw new RangeError("frequency, recency and T differ in length");
  for (let i = 0; i < n; i++) {
    const x = data.frequency[i];
    const tx = data.recency[i];
    const T = data.T[i];
    const w = data.weights ? data.weights[i] : 1;
    if (!(x >= 0 && tx >= 0 && T >= tx && Number.isFinite(T) && w >= 0 && Number.isFinite(w))) {
      throw new RangeError(`invalid BG/NBD row ${i}: x=${x}, t_x=${tx}, T=${T}, weight=${w} (need x ≥ 0, 0 ≤ t_x ≤ T)`);
    }
  }
  let x: Float64Array;
  let tx: Float64Array;
  let T: Float64Array;
  let weight: Float64Array;
  if (group) {
    const patterns = groupRows([data.frequency, data.recency, data.T], data.weights);
    [x, tx, T] = patterns.values as [Float64Array, Float64Array, Float64Array];
    weight = patterns.weights;
  } else {
    x = Float64Array.from(data.frequency);
    tx = Float64Array.from(data.recency);
    T = Float64Array.from(data.T);
    weight = data.weights ? Float64Array.from(data.weights) : new Float64Array(n).fill(1);
  }
  let totalWeight = 0;
  let weightedT = 0;
  for (let i = 0; i < x.length; i++) {
    totalWeight += weight[i];
    weightedT += weight[i] * T[i];
  }
  const timeScale = totalWeight > 0 && weightedT > 0 ? weightedT / totalWeight : 1;
  const scaledTx = new Float64Array(x.length);
  const scaledT = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    scaledTx[i] = tx[i] / timeScale;
    scaledT[i] = T[i] / timeScale;
  }
  return withLevels(x, scaledTx, scaledT, weight, timeScale);
}

/** Adds the distinct-x bookkeeping and the totals to rows whose times are already scaled. */
function withLevels(x: Float64Array, tx: Float64Array, T: Float64Array, weight: Float64Array, timeScale: number): PreparedData {
  let totalWeight = 0;
  let weightedX = 0;
  const levelOf = new Map<number, number>();
  const xLevel = new Int32Array(x.length);
  const levels: number[] = [];
  const levelWeights: number[] = [];
  for (let i = 0; i < x.length; i++) {
    totalWeight += weight[i];
    weightedX += weight[i] * x[i];
    let level = levelOf.get(x[i]);
    if (level === undefined) {
      level = levels.length;
      levelOf.set(x[i], level);
      levels.push(x[i]);
      levelWeights.push(0);
    }
    xLevel[i] = level;
    levelWeights[level] += weight[i];
  }
  return {
    x,
    tx,
    T,
    weight,
    xLevel,
    levelX: Float64Array.from(levels),
    levelWeight: Float64Array.from(levelWeights),
    totalWeight,
    weightedX,
    timeScale,
  };
}

/**
 * Every `step`-th row with its full weight: each customer is kept with
 * probability 1/step together with everyone sharing their pattern, so the
 * subsample's estimate is close to the full one (a warm start).
 */
function everyNthRow(prepared: PreparedData, step: number): PreparedData {
  const count = Math.ceil(prepared.x.length / step);
  const pick = (values: Float64Array): Float64Array => {
    const out = new Float64Array(count);
    for (let k = 0; k < count; k++) out[k] = values[k * step];
    return out;
  };
  return withLevels(pick(prepared.x), pick(prepared.tx), pick(prepared.T), pick(prepared.weight), prepared.timeScale);
}

function makeObjective(prepared: PreparedData, penalizer: number) {
  const { x, tx, T, weight, xLevel, levelX, levelWeight, totalWeight } = prepared;
  const levels = levelX.length;
  const levelLnBxm1 = new Float64Array(levels); // ln(b + x − 1) for x > 0
  const levelInvBxm1 = new Float64Array(levels);
  const normalizer = totalWeight > 0 ? totalWeight : 1;

  const state = { lastLogLikelihood: NaN };
  const objective = (theta: Float64Array, gradient: Float64Array): number => {
    for (let j = 0; j < 4; j++) {
      if (!(Math.abs(theta[j]) <= LOG_PARAMETER_BOUND)) return Infinity;
    }
    const r = Math.exp(theta[0]);
    const alpha = Math.exp(theta[1]);
    const a = Math.exp(theta[2]);
    const b = Math.exp(theta[3]);
    const lnAlpha = theta[1];
    const lnA = theta[2];

    // Per distinct x: A1 − r ln α and A2, and their derivatives.
    let ll = 0;
    let gr = 0;
    let ga = 0;
    let gb = 0;
    for (let k = 0; k < levels; k++) {
      const xk = levelX[k];
      const w = levelWeight[k];
      if (xk === 0) {
        levelLnBxm1[k] = NaN;
        continue;
      }
      // A1 − r ln α = lnΓ(r+x) − lnΓ(r); A2 = [lnΓ(b+x) − lnΓ(b)] − [lnΓ(a+b+x) − lnΓ(a+b)].
      const dAB = -digammaShift(a + b, xk);
      ll += w * (lnGammaShift(r, xk) + lnGammaShift(b, xk) - lnGammaShift(a + b, xk));
      gr += w * digammaShift(r, xk);
      ga += w * dAB;
      gb += w * (dAB + digammaShift(b, xk));
      levelLnBxm1[k] = Math.log(b + xk - 1);
      levelInvBxm1[k] = 1 / (b + xk - 1);
    }
    ll += totalWeight * r * lnAlpha;
    gr += totalWeight * lnAlpha;
    let galpha = (totalWeight * r) / alpha;

    // Per row: logaddexp(A3, A4).
    for (let i = 0; i < x.length; i++) {
      const w = weight[i];
      const xi = x[i];
      const rx = r + xi;
      const lnAlphaT = Math.log(alpha + T[i]);
      const a3 = -rx * lnAlphaT;
      if (xi === 0) {
        ll += w * a3;
        gr -= w * lnAlphaT;
        galpha -= (w * rx) / (alpha + T[i]);
        continue;
      }
      const level = xLevel[i];
      const lnAlphaTx = Math.log(alpha + tx[i]);
      const a4 = lnA - levelLnBxm1[level] - rx * lnAlphaTx;
      // Shares s3 = e^(A3−L), s4 = e^(A4−L) of the two terms of L = logaddexp(A3, A4).
      let s3: number;
      let s4: number;
      let logSum: number;
      if (a3 >= a4) {
        const e = Math.exp(a4 - a3);
        logSum = a3 + Math.log1p(e);
        s3 = 1 / (1 + e);
        s4 = e * s3;
      } else {
        const e = Math.exp(a3 - a4);
        logSum = a4 + Math.log1p(e);
        s4 = 1 / (1 + e);
        s3 = e * s4;
      }
      ll += w * logSum;
      gr -= w * (s3 * lnAlphaT + s4 * lnAlphaTx);
      galpha -= w * rx * (s3 / (alpha + T[i]) + s4 / (alpha + tx[i]));
      ga += (w * s4) / a;
      gb -= w * s4 * levelInvBxm1[level];
    }
    state.lastLogLikelihood = ll;

    let penalty = 0;
    for (let j = 0; j < 4; j++) penalty += theta[j] * theta[j];
    penalty *= penalizer;
    // Chain rule to log-parameters, sign flip to a minimisation, divide by the total weight.
    gradient[0] = (-gr * r + 2 * penalizer * theta[0]) / normalizer;
    gradient[1] = (-galpha * alpha + 2 * penalizer * theta[1]) / normalizer;
    gradient[2] = (-ga * a + 2 * penalizer * theta[2]) / normalizer;
    gradient[3] = (-gb * b + 2 * penalizer * theta[3]) / normalizer;
    return (-ll + penalty) / normalizer;
  };
  return { objective, state };
}

/**
 * A fit counts as converged when every component of the gradient of the
 * mean log-likelihood (per customer, w.r.t. the log-parameters) is below
 * this: far below any change that would move a 4th significant digit.
 */
const ACCEPTED_GRADIENT = 1e-6;

function maxAbsolute(values: Float64Array): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

const STARTING_POINTS: ReadonlyArray<readonly [number, number, number, number]> = [
  [0, 0, 0, 0],
  [Math.log(0.5), 0, Math.log(0.5), Math.log(2)],
  [Math.log(2), Math.log(2), Math.log(2), Math.log(4)],
];

/** Above this many distinct rows the starting points are tried on a subsample first. */
const WARM_START_ABOVE_ROWS = 40_000;
const WARM_START_SAMPLE_ROWS = 10_000;

type Minimum = ReturnType<typeof minimizeBfgs>;

/** BFGS from each start in turn until one reaches an interior optimum; returns the best run. */
function minimizeFromStarts(
  objective: (theta: Float64Array, gradient: Float64Array) => number,
  starts: ReadonlyArray<ArrayLike<number>>,
  maxIterations: number,
  initialInverseHessian?: Float64Array,
): { best: Minimum; iterations: number; evaluations: number } {
  let best: Minimum | null = null;
  let iterations = 0;
  let evaluations = 0;
  for (const start of starts) {
    // The curvature estimate belongs to the first start only (the warm start, when there is one).
    const result = minimizeBfgs(objective, start, {
      gradientTolerance: 1e-8,
      acceptableGradient: ACCEPTED_GRADIENT,
      maxIterations,
      initialInverseHessian: start === starts[0] ? initialInverseHessian : undefined,
    });
    iterations += result.iterations;
    evaluations += result.evaluations;
    if (!best || result.value < best.value) best = result;
    // An interior optimum from the first start is the normal case; other starts are a fallback.
    if (Number.isFinite(result.value) && maxAbsolute(result.gradient) < ACCEPTED_GRADIENT) break;
  }
  if (!best) throw new Error("BG/NBD fit: no starting point");
  return { best, iterations, evaluations };
}

export function fitBgNbd(data: BgNbdData, options: BgNbdFitOptions = {}): BgNbdFit {
  const penalizer = options.penalizer ?? 0;
  if (!(penalizer >= 0 && Number.isFinite(penalizer))) throw new RangeError(`penalizer must be ≥ 0, got ${penalizer}`);
  const maxIterations = options.maxIterations ?? 1000;
  const prepared = prepare(data, options.groupPatterns ?? true);
  if (!(prepared.totalWeight > 0)) throw new RangeError("BG/NBD fit needs at least one customer");
  const { objective, state } = makeObjective(prepared, penalizer);

  let iterations = 0;
  let evaluations = 0;
  let starts: ReadonlyArray<ArrayLike<number>> = STARTING_POINTS;
  let warmInverseHessian: Float64Array | undefined;
  if (prepared.x.length > WARM_START_ABOVE_ROWS) {
    // Large shops: find the optimum of a subsample (cheap), then start the full fit there.
    const step = Math.ceil(prepared.x.length / WARM_START_SAMPLE_ROWS);
    const sample = everyNthRow(prepared, step);
    const sampleObjective = makeObjective(sample, (penalizer * sample.totalWeight) / prepared.totalWeight).objective;
    const warm = minimizeFromStarts(sampleObjective, STARTING_POINTS, maxIterations);
    iterations += warm.iterations;
    starts = [warm.best.point, ...STARTING_POINTS];
    // The mean log-likelihood of the sample has nearly the full data's curvature: start BFGS with it.
    warmInverseHessian = invertPositiveDefinite(hessianFromGradient(sampleObjective, warm.best.point), 4) ?? undefined;
  }
  const run = minimizeFromStarts(objective, starts, maxIterations, warmInverseHessian);
  iterations += run.iterations;
  evaluations += run.evaluations;

  // Polish with a Newton step on a finite-difference Hessian of the exact gradient; the Hessian gives the standard errors.
  const polished = polishWithNewton(objective, run.best.point);
  evaluations += 2 * 4 + 2;
  const point = polished.value <= run.best.value ? polished.point : run.best.point;
  const gradient = new Float64Array(4);
  objective(point, gradient);
  const logLikelihoodScaled = state.lastLogLikelihood;
  const converged = maxAbsolute(gradient) < ACCEPTED_GRADIENT;

  const s = prepared.timeScale;
  const params: BgNbdParams = {
    r: Math.exp(point[0]),
    alpha: Math.exp(point[1]) * s,
    a: Math.exp(point[2]),
    b: Math.exp(point[3]),
  };
  const parameterNames = ["r", "alpha", "a", "b"] as const;
  const boundaryParameters = parameterNames.filter((_, j) => Math.abs(point[j]) > LOG_PARAMETER_BOUND - 0.5);
  const atBoundary = boundaryParameters.length > 0;

  // Standard errors: covariance of θ = inverse Hessian of the total (not mean) objective; SE(p) = p·SE(ln p).
  let stdErrors: BgNbdParams | undefined;
  const hessian = Float64Array.from(polished.hessian, (h) => h * prepared.totalWeight);
  const covariance = invertPositiveDefinite(hessian, 4);
  if (covariance && !atBoundary) {
    const se = (j: number, value: number): number => value * Math.sqrt(covariance[j * 4 + j]);
    stdErrors = { r: se(0, params.r), alpha: se(1, params.alpha), a: se(2, params.a), b: se(3, params.b) };
  }

  return {
    params,
    // Undo the time scaling: the log-likelihood shifts by −Σ w·x·ln s.
    logLikelihood: logLikelihoodScaled - prepared.weightedX * Math.log(s),
    converged: converged && !atBoundary,
    iterations,
    evaluations,
    stdErrors,
    patterns: prepared.x.length,
    customers: prepared.totalWeight,
    atBoundary,
    boundaryParameters,
  };
}
