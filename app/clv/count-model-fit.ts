/**
 * Maximum-likelihood fitting shared by the purchase-count models (BG/NBD,
 * MBG/NBD, Pareto/NBD). Each model supplies an objective: the mean negative
 * log-likelihood over distinct (x, t_x, T) patterns with an exact gradient,
 * in four log-parameters θ whose time-like parameters (α, β) are divided by
 * the time scale s = mean T, so that the problem looks the same whatever the
 * time unit.
 *
 * The driver: group the rows into patterns, BFGS from a warm start (a fit of
 * similar data, e.g. the previous backtest cut-off) or from the model's
 * starting points, on a systematic subsample first for large shops; then a
 * Newton step on a finite-difference Hessian of the exact gradient, which
 * also gives the covariance of the log-parameters (standard errors,
 * parameter draws for intervals).
 */

import { groupRows } from "./patterns.ts";
import { hessianFromGradient, invertPositiveDefinite, minimizeBfgs, polishWithNewton, type Objective } from "./optimize.ts";

/** Customer data: one entry per row (a customer, or a pattern with a weight). */
export interface CountData {
  /** x: repeat purchases. */
  frequency: ArrayLike<number>;
  /** t_x: time of the last purchase since the first. */
  recency: ArrayLike<number>;
  /** T: time since the first purchase. */
  T: ArrayLike<number>;
  /** Optional row weights (customer counts); default 1 per row. */
  weights?: ArrayLike<number>;
}

/** Patterns ready for an objective: times already divided by the time scale. */
export interface PreparedPatterns {
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

export interface ModelObjective {
  objective: Objective;
  /** Total (weighted, unpenalised) log-likelihood of the last evaluation, in scaled time. */
  state: { lastLogLikelihood: number };
}

export interface CountModelSpec {
  /** Display name, e.g. "BG/NBD". */
  label: string;
  parameterNames: readonly [string, string, string, string];
  /** Per parameter: true when it is a time (α, β): natural value = e^θ · s. */
  timeScaled: readonly [boolean, boolean, boolean, boolean];
  makeObjective(data: PreparedPatterns, penalizer: number): ModelObjective;
  /** Starting points in scaled θ, tried in turn until one reaches an interior optimum. */
  startingPoints: ReadonlyArray<readonly [number, number, number, number]>;
}

/** A previous fit of similar data to start from (natural parameters and, optionally, their log-scale covariance). */
export interface WarmStart {
  params: Readonly<Record<string, number>>;
  /** Covariance of the natural log-parameters, row-major 4×4, and the customers it was computed from. */
  covariance?: Float64Array;
  customers?: number;
}

export interface CountModelFitOptions {
  /**
   * L2 penalty λ on the log-parameters, added to the *total* negative
   * log-likelihood (not to the mean): λ·Σ θ_j², θ the logs of the parameters
   * with times divided by the mean customer age s. It acts like independent
   * normal priors of variance 1/(2λ) on those logs, so its pull fades as the
   * shop grows and does not depend on the time unit. Default 0.
   */
  penalizer?: number;
  /** Fit on distinct (x, t_x, T) patterns with counts (default true); false fits row by row. */
  groupPatterns?: boolean;
  maxIterations?: number;
  /** Start from this fit (e.g. the same model on an earlier cut-off) before the usual starting points. */
  warmStart?: WarmStart;
}

export interface CountModelFitResult {
  params: Record<string, number>;
  /** Log-likelihood at the estimate (without the penalty). */
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  evaluations: number;
  /** Standard errors from the inverse Hessian of the penalised negative log-likelihood; absent if it is not positive definite. */
  stdErrors?: Record<string, number>;
  /**
   * Covariance of the natural log-parameters (ln r, ln α, …), row-major 4×4, from the same inverse Hessian;
   * null when the Hessian is not positive definite or an estimate is at the edge.
   */
  covariance: Float64Array | null;
  /** Distinct rows the likelihood was evaluated on. */
  patterns: number;
  /** Σ weights (customers). */
  customers: number;
  /** True when an estimate ran to the edge of the search box (|ln parameter| near 10): not identifiable from the data. */
  atBoundary: boolean;
  boundaryParameters: string[];
  /** False when the Hessian at the estimate is not positive definite (a flat direction or a saddle). */
  hessianPositiveDefinite: boolean;
}

/**
 * Search box on the (scaled) log-parameters. Times are in units of the mean customer age, so e^±10 (a factor of
 * 22,000) covers any plausible shop; an estimate that runs there is running off to 0 or infinity (e.g. a and b of
 * BG/NBD, or s and β of Pareto/NBD, when dropout rates do not differ between customers), and a box no wider keeps
 * the optimiser from crawling along such a ridge.
 */
export const LOG_PARAMETER_BOUND = 10;

/**
 * A fit counts as converged when every component of the gradient of the
 * mean log-likelihood (per customer, w.r.t. the log-parameters) is below
 * this: far below any change that would move a 4th significant digit.
 */
const ACCEPTED_GRADIENT = 1e-6;

/** Above this many distinct rows the starting points are tried on a subsample first. */
const WARM_START_ABOVE_ROWS = 40_000;
const WARM_START_SAMPLE_ROWS = 10_000;

export function prepareCountData(data: CountData, group: boolean): PreparedPatterns {
  const n = data.frequency.length;
  if (data.recency.length !== n || data.T.length !== n) throw new RangeError("frequency, recency and T differ in length");
  for (let i = 0; i < n; i++) {
    const x = data.frequency[i];
    const tx = data.recency[i];
    const T = data.T[i];
    const w = data.weights ? data.weights[i] : 1;
    if (!(x >= 0 && tx >= 0 && T >= tx && Number.isFinite(T) && w >= 0 && Number.isFinite(w))) {
      throw new RangeError(`invalid row ${i}: x=${x}, t_x=${tx}, T=${T}, weight=${w} (need x ≥ 0, 0 ≤ t_x ≤ T)`);
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
function withLevels(x: Float64Array, tx: Float64Array, T: Float64Array, weight: Float64Array, timeScale: number): PreparedPatterns {
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
function everyNthRow(prepared: PreparedPatterns, step: number): PreparedPatterns {
  const count = Math.ceil(prepared.x.length / step);
  const pick = (values: Float64Array): Float64Array => {
    const out = new Float64Array(count);
    for (let k = 0; k < count; k++) out[k] = values[k * step];
    return out;
  };
  return withLevels(pick(prepared.x), pick(prepared.tx), pick(prepared.T), pick(prepared.weight), prepared.timeScale);
}

function maxAbsolute(values: Float64Array): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

type Minimum = ReturnType<typeof minimizeBfgs>;

/** Within this distance of the wall an estimate counts as running off (see minimizeBfgs' ridge test). */
const NEAR_WALL = 2;

function nearWall(point: Float64Array): boolean {
  for (let j = 0; j < point.length; j++) if (Math.abs(point[j]) > LOG_PARAMETER_BOUND - NEAR_WALL) return true;
  return false;
}

/**
 * BFGS from each start in turn until one reaches an interior optimum; returns the best run. An estimate near
 * the wall of the box (running off along a flat ridge, where the gradient is tiny) gets one second opinion
 * from the next start — e.g. a warm start from a fit that ran off may hide an interior optimum of this data —
 * but not all of them: on data that cannot identify a parameter every start ends there.
 */
function minimizeFromStarts(
  objective: Objective,
  starts: ReadonlyArray<ArrayLike<number>>,
  maxIterations: number,
  initialInverseHessian?: Float64Array,
): { best: Minimum; iterations: number; evaluations: number } {
  let best: Minimum | null = null;
  let iterations = 0;
  let evaluations = 0;
  let wallResults = 0;
  for (const start of starts) {
    // The curvature estimate belongs to the first start only (the warm start, when there is one).
    const result = minimizeBfgs(objective, start, {
      gradientTolerance: 1e-8,
      acceptableGradient: ACCEPTED_GRADIENT,
      maxIterations,
      initialInverseHessian: start === starts[0] ? initialInverseHessian : undefined,
      bound: LOG_PARAMETER_BOUND,
    });
    iterations += result.iterations;
    evaluations += result.evaluations;
    if (!best || result.value < best.value) best = result;
    if (!Number.isFinite(result.value)) continue;
    if (nearWall(result.point)) {
      wallResults++;
      if (wallResults >= 2) break;
      continue;
    }
    // An interior optimum from the first start is the normal case; other starts are a fallback.
    if (maxAbsolute(result.gradient) < ACCEPTED_GRADIENT) break;
  }
  if (!best) throw new Error("no starting point");
  return { best, iterations, evaluations };
}

/** Scaled θ of natural parameters (inside the search box), or null when a value is not positive and finite. */
function thetaOf(spec: CountModelSpec, params: Readonly<Record<string, number>>, timeScale: number): Float64Array | null {
  const theta = new Float64Array(4);
  for (let j = 0; j < 4; j++) {
    const value = params[spec.parameterNames[j]];
    if (!(value > 0 && Number.isFinite(value))) return null;
    const logValue = Math.log(value) - (spec.timeScaled[j] ? Math.log(timeScale) : 0);
    theta[j] = Math.max(-LOG_PARAMETER_BOUND + 1, Math.min(LOG_PARAMETER_BOUND - 1, logValue));
  }
  return theta;
}

export function fitCountModel(spec: CountModelSpec, data: CountData, options: CountModelFitOptions = {}): CountModelFitResult {
  const penalizer = options.penalizer ?? 0;
  if (!(penalizer >= 0 && Number.isFinite(penalizer))) throw new RangeError(`penalizer must be ≥ 0, got ${penalizer}`);
  const maxIterations = options.maxIterations ?? 1000;
  const prepared = prepareCountData(data, options.groupPatterns ?? true);
  if (!(prepared.totalWeight > 0)) throw new RangeError(`${spec.label} fit needs at least one customer`);
  const { objective, state } = spec.makeObjective(prepared, penalizer);

  let iterations = 0;
  let evaluations = 0;
  let starts: ReadonlyArray<ArrayLike<number>> = spec.startingPoints;
  let warmInverseHessian: Float64Array | undefined;
  const warmTheta = options.warmStart ? thetaOf(spec, options.warmStart.params, prepared.timeScale) : null;
  if (warmTheta) {
    starts = [warmTheta, ...spec.startingPoints];
    const { covariance, customers } = options.warmStart!;
    // Covariance × customers ≈ inverse Hessian of the mean objective, which does not depend on the shop's size.
    if (covariance && customers && customers > 0) warmInverseHessian = Float64Array.from(covariance, (c) => c * customers);
  } else if (prepared.x.length > WARM_START_ABOVE_ROWS) {
    // Large shops: find the optimum of a subsample (cheap), then start the full fit there.
    const step = Math.ceil(prepared.x.length / WARM_START_SAMPLE_ROWS);
    const sample = everyNthRow(prepared, step);
    const sampleObjective = spec.makeObjective(sample, (penalizer * sample.totalWeight) / prepared.totalWeight).objective;
    const warm = minimizeFromStarts(sampleObjective, spec.startingPoints, maxIterations);
    iterations += warm.iterations;
    starts = [warm.best.point, ...spec.startingPoints];
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
  // At the wall, the gradient of a parameter held there does not count.
  let freeGradient = 0;
  for (let j = 0; j < 4; j++) {
    const heldAtWall = Math.abs(point[j]) >= LOG_PARAMETER_BOUND - 1e-9 && point[j] * gradient[j] < 0;
    if (!heldAtWall) freeGradient = Math.max(freeGradient, Math.abs(gradient[j]));
  }
  const converged = freeGradient < ACCEPTED_GRADIENT;

  const s = prepared.timeScale;
  const params: Record<string, number> = {};
  spec.parameterNames.forEach((name, j) => {
    params[name] = Math.exp(point[j]) * (spec.timeScaled[j] ? s : 1);
  });
  // Within 2 of the wall (a factor e^2 from it): the search stops running off there (see minimizeBfgs).
  const boundaryParameters = spec.parameterNames.filter((_, j) => Math.abs(point[j]) > LOG_PARAMETER_BOUND - NEAR_WALL);
  const atBoundary = boundaryParameters.length > 0;

  // Covariance of θ = inverse Hessian of the total (not mean) objective; SE(p) = p·SE(ln p). Shifting ln α by ln s leaves it unchanged.
  const hessian = Float64Array.from(polished.hessian, (h) => h * prepared.totalWeight);
  const inverse = invertPositiveDefinite(hessian, 4);
  const covariance = inverse && !atBoundary ? inverse : null;
  let stdErrors: Record<string, number> | undefined;
  if (covariance) {
    stdErrors = {};
    spec.parameterNames.forEach((name, j) => {
      stdErrors![name] = params[name] * Math.sqrt(covariance[j * 4 + j]);
    });
  }

  return {
    params,
    // Undo the time scaling: for every model the log-likelihood shifts by −Σ w·x·ln s (one density per repeat purchase time).
    logLikelihood: logLikelihoodScaled - prepared.weightedX * Math.log(s),
    converged: converged && !atBoundary,
    iterations,
    evaluations,
    stdErrors,
    covariance,
    patterns: prepared.x.length,
    customers: prepared.totalWeight,
    atBoundary,
    boundaryParameters,
    hessianPositiveDefinite: inverse !== null,
  };
}

/** True when every θ is inside the search box; objectives return Infinity otherwise. */
export function insideSearchBox(theta: Float64Array): boolean {
  for (let j = 0; j < theta.length; j++) if (!(Math.abs(theta[j]) <= LOG_PARAMETER_BOUND)) return false;
  return true;
}

/** Adds the penalty, flips the sign, applies the chain rule to log-parameters and divides by the total weight. */
export function finishObjective(
  theta: Float64Array,
  naturalGradient: readonly [number, number, number, number],
  logLikelihood: number,
  penalizer: number,
  totalWeight: number,
  gradient: Float64Array,
): number {
  const normalizer = totalWeight > 0 ? totalWeight : 1;
  let penalty = 0;
  for (let j = 0; j < 4; j++) {
    penalty += theta[j] * theta[j];
    gradient[j] = (-naturalGradient[j] * Math.exp(theta[j]) + 2 * penalizer * theta[j]) / normalizer;
  }
  return (-logLikelihood + penalizer * penalty) / normalizer;
}

/** Where BFGS starts when no warm start is given; the same three for every four-parameter count model. */
export const DEFAULT_STARTING_POINTS: CountModelSpec["startingPoints"] = [
  [0, 0, 0, 0],
  [Math.log(0.5), 0, Math.log(0.5), Math.log(2)],
  [Math.log(2), Math.log(2), Math.log(2), Math.log(4)],
];

/** ln(e^p + e^q), and the shares e^p / (e^p + e^q) and e^q / (e^p + e^q) that weigh the two terms' gradients. */
export interface LogSumShares {
  logSum: number;
  first: number;
  second: number;
}

/**
 * Fills `out` for p and q without overflow: the larger exponent is factored out. The likelihoods of every
 * count model are such a two-term sum per pattern (alive vs dropped out); `out` is reused so that the
 * per-pattern loop allocates nothing.
 */
export function logAddExpShares(p: number, q: number, out: LogSumShares): void {
  if (p >= q) {
    const e = Math.exp(q - p);
    out.logSum = p + Math.log1p(e);
    out.first = 1 / (1 + e);
    out.second = e * out.first;
  } else {
    const e = Math.exp(p - q);
    out.logSum = q + Math.log1p(e);
    out.second = 1 / (1 + e);
    out.first = e * out.second;
  }
}

/** A fit whose parameters carry the model's own names (r, α, a, b or r, α, s, β). */
export interface NamedCountFit<P> extends Omit<CountModelFitResult, "params" | "stdErrors"> {
  params: P;
  stdErrors?: P;
}

/** `fitCountModel` typed for a model whose spec names its parameters as `P` does. */
export function fitNamedCountModel<P>(spec: CountModelSpec, data: CountData, options: CountModelFitOptions = {}): NamedCountFit<P> {
  const fit = fitCountModel(spec, data, options);
  return { ...fit, params: fit.params as unknown as P, stdErrors: fit.stdErrors as unknown as P | undefined };
}
