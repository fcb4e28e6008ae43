/**
 * Maximum-likelihood fit of the Gamma-Gamma spend model (formulas in
 * gamma-gamma.ts): log-parameters (ln p, ln q, ln v') with amounts divided by
 * their mean (v' = v/s), exact gradient, a guarded search against the false
 * ridge, refusal of q ≤ 1 and of estimates at the edge of the search box.
 */

import {
  pearsonCorrelation,
  type GammaGammaData,
  type GammaGammaExclusions,
  type GammaGammaFit,
  type GammaGammaFitOptions,
  type GammaGammaParams,
} from "./gamma-gamma.ts";
import { digamma, lnGamma } from "./special-functions.ts";
import { hessianFromGradient, invertPositiveDefinite, minimizeBfgs, minimizeNelderMead } from "./optimize.ts";

const LOG_PARAMETER_BOUND = 15;
const ACCEPTED_GRADIENT = 1e-6;

interface PreparedSpend {
  x: Float64Array;
  m: Float64Array;
  weight: Float64Array;
  levelX: Float64Array;
  levelWeight: Float64Array;
  totalWeight: number;
  sumWLnM: number;
  sumWXLnM: number;
  sumWXLnX: number;
  /** m is divided by this (the mean m) during the fit. */
  valueScale: number;
}

function prepareSpend(data: GammaGammaData): { prepared: PreparedSpend; excluded: GammaGammaExclusions } {
  const excluded: GammaGammaExclusions = { noRepeatPurchase: 0, nonPositiveValue: 0, invalid: 0 };
  const xs: number[] = [];
  const ms: number[] = [];
  const ws: number[] = [];
  for (let i = 0; i < data.frequency.length; i++) {
    const x = data.frequency[i];
    const m = data.monetary[i];
    const w = data.weights ? data.weights[i] : 1;
    if (!Number.isFinite(x) || !Number.isFinite(m) || !(w >= 0) || !Number.isFinite(w)) excluded.invalid += 1;
    else if (x <= 0) excluded.noRepeatPurchase += w;
    else if (m <= 0) excluded.nonPositiveValue += w;
    else if (w > 0) {
      xs.push(x);
      ms.push(m);
      ws.push(w);
    }
  }
  let totalWeight = 0;
  let weightedM = 0;
  for (let i = 0; i < xs.length; i++) {
    totalWeight += ws[i];
    weightedM += ws[i] * ms[i];
  }
  const valueScale = totalWeight > 0 ? weightedM / totalWeight : 1;
  const x = Float64Array.from(xs);
  const m = Float64Array.from(ms, (value) => value / valueScale);
  const weight = Float64Array.from(ws);
  return { prepared: withSums(x, m, weight, valueScale), excluded };
}

/** Distinct-x bookkeeping and the Σ ln m sums of rows whose m is already scaled. */
function withSums(x: Float64Array, m: Float64Array, weight: Float64Array, valueScale: number): PreparedSpend {
  const levelOf = new Map<number, number>();
  const levels: number[] = [];
  const levelWeights: number[] = [];
  let totalWeight = 0;
  let sumWLnM = 0;
  let sumWXLnM = 0;
  let sumWXLnX = 0;
  for (let i = 0; i < x.length; i++) {
    const lnM = Math.log(m[i]);
    totalWeight += weight[i];
    sumWLnM += weight[i] * lnM;
    sumWXLnM += weight[i] * x[i] * lnM;
    sumWXLnX += weight[i] * x[i] * Math.log(x[i]);
    let level = levelOf.get(x[i]);
    if (level === undefined) {
      level = levels.length;
      levelOf.set(x[i], level);
      levels.push(x[i]);
      levelWeights.push(0);
    }
    levelWeights[level] += weight[i];
  }
  return {
    x,
    m,
    weight,
    levelX: Float64Array.from(levels),
    levelWeight: Float64Array.from(levelWeights),
    totalWeight,
    sumWLnM,
    sumWXLnM,
    sumWXLnX,
    valueScale,
  };
}

/**
 * Mean penalised negative log-likelihood over θ = (ln p, ln q, ln v') with
 * v' = v/s, and its exact gradient. lnΓ and ψ terms are per distinct x and
 * the Σ ln m sums are precomputed, so the row loop is one log.
 */
function makeSpendObjective(prepared: PreparedSpend, penalizer: number) {
  const { x, m, weight, levelX, levelWeight, totalWeight, sumWLnM, sumWXLnM, sumWXLnX } = prepared;
  const state = { lastLogLikelihood: NaN };
  const objective = (theta: Float64Array, gradient: Float64Array): number => {
    for (let j = 0; j < 3; j++) if (!(Math.abs(theta[j]) <= LOG_PARAMETER_BOUND)) return Infinity;
    const p = Math.exp(theta[0]);
    const q = Math.exp(theta[1]);
    const v = Math.exp(theta[2]);
    const lnV = theta[2];
    const lnGammaQ = lnGamma(q);
    const psiQ = digamma(q);
    let ll = p * sumWXLnM - sumWLnM + p * sumWXLnX + totalWeight * (q * lnV - lnGammaQ);
    let gp = sumWXLnM + sumWXLnX;
    let gq = totalWeight * (lnV - psiQ);
    let gv = (totalWeight * q) / v;
    for (let k = 0; k < levelX.length; k++) {
      const xk = levelX[k];
      const w = levelWeight[k];
      const px = p * xk;
      const psiPxQ = digamma(px + q);
      ll += w * (lnGamma(px + q) - lnGamma(px));
      gp += w * xk * (psiPxQ - digamma(px));
      gq += w * psiPxQ;
    }
    for (let i = 0; i < x.length; i++) {
      const w = weight[i];
      const xi = x[i];
      const denominator = xi * m[i] + v;
      const lnDenominator = Math.log(denominator);
      const shape = p * xi + q;
      ll -= w * shape * lnDenominator;
      gp -= w * xi * lnDenominator;
      gq -= w * lnDenominator;
      gv -= (w * shape) / denominator;
    }
    state.lastLogLikelihood = ll;
    let penalty = 0;
    for (let j = 0; j < 3; j++) penalty += theta[j] * theta[j];
    const normalizer = totalWeight;
    gradient[0] = (-gp * p + 2 * penalizer * theta[0]) / normalizer;
    gradient[1] = (-gq * q + 2 * penalizer * theta[1]) / normalizer;
    gradient[2] = (-gv * v + 2 * penalizer * theta[2]) / normalizer;
    return (-ll + penalizer * penalty) / normalizer;
  };
  return { objective, state };
}

function maxAbsolute(values: Float64Array): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

const WARM_START_ABOVE_ROWS = 40_000;
const WARM_START_SAMPLE_ROWS = 10_000;

/** Every `step`-th customer (a systematic subsample for the warm start), with the sums recomputed. */
function everyNthRow(prepared: PreparedSpend, step: number): PreparedSpend {
  const count = Math.ceil(prepared.x.length / step);
  const x = new Float64Array(count);
  const m = new Float64Array(count);
  const weight = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    x[k] = prepared.x[k * step];
    m[k] = prepared.m[k * step];
    weight[k] = prepared.weight[k * step];
  }
  return withSums(x, m, weight, prepared.valueScale);
}

type SpendObjective = (theta: Float64Array, gradient: Float64Array) => number;

/**
 * Search that avoids the false ridge (p → ∞, v → 0 with p·v fixed, where a
 * quasi-Newton run from a poor start stalls): starts from a grid over (p, q)
 * with v from the first moment E[m] = v·p/(q−1) (the scaled mean m is 1),
 * quasi-Newton from the two best; when the two runs disagree, a simplex
 * polish from the better and a last quasi-Newton run.
 */
function carefulMinimum(objective: SpendObjective): { point: Float64Array; value: number; iterations: number } {
  const gradient = new Float64Array(3);
  const candidates: { theta: Float64Array; value: number }[] = [];
  for (const p of [1, 3, 10]) {
    for (const q of [2, 4, 10]) {
      const theta = Float64Array.of(Math.log(p), Math.log(q), Math.log((q - 1) / p));
      candidates.push({ theta, value: objective(theta, gradient) });
    }
  }
  candidates.sort((u, w) => u.value - w.value);
  const runs = candidates
    .slice(0, 2)
    .map((candidate) =>
      minimizeBfgs(objective, candidate.theta, { gradientTolerance: 1e-9, acceptableGradient: ACCEPTED_GRADIENT, maxIterations: 500 }),
    );
  let iterations = runs.reduce((sum, run) => sum + run.iterations, 0);
  runs.sort((u, w) => u.value - w.value);
  const best = runs[0];
  const agree =
    runs.length === 2 &&
    Math.abs(runs[1].value - best.value) <= 1e-9 * Math.max(1, Math.abs(best.value)) &&
    maxAbsolute(best.gradient) < ACCEPTED_GRADIENT;
  if (agree) return { point: best.point, value: best.value, iterations };
  const simplex = minimizeNelderMead((theta) => objective(theta, gradient), best.point, {
    maxIterations: 400,
    initialStep: 0.05,
  });
  const final = minimizeBfgs(objective, simplex.value < best.value ? simplex.point : best.point, {
    gradientTolerance: 1e-9,
    maxIterations: 500,
  });
  iterations += simplex.iterations + final.iterations;
  return final.value <= best.value
    ? { point: final.point, value: final.value, iterations }
    : { point: best.point, value: best.value, iterations };
}

export function fitGammaGamma(data: GammaGammaData, options: GammaGammaFitOptions = {}): GammaGammaFit {
  const penalizer = options.penalizer ?? 0;
  if (!(penalizer >= 0 && Number.isFinite(penalizer))) throw new RangeError(`penalizer must be ≥ 0, got ${penalizer}`);
  if (data.frequency.length !== data.monetary.length) throw new RangeError("frequency and monetary differ in length");
  const minCustomers = options.minCustomers ?? 3;
  const { prepared, excluded } = prepareSpend(data);
  const correlation = pearsonCorrelation(prepared.x, prepared.m, prepared.weight);
  const base = { customers: prepared.totalWeight, excluded, frequencyMonetaryCorrelation: correlation };
  if (prepared.totalWeight < minCustomers) {
    return {
      status: "refused",
      reason: `Gamma-Gamma needs at least ${minCustomers} customers with a repeat purchase of positive value; found ${prepared.totalWeight} (excluded: ${excluded.noRepeatPurchase} without repeat purchase, ${excluded.nonPositiveValue} with a mean repeat value ≤ 0)`,
      ...base,
    };
  }
  const { objective, state } = makeSpendObjective(prepared, penalizer);

  let point: Float64Array;
  let iterations = 0;
  if (prepared.x.length > WARM_START_ABOVE_ROWS) {
    // Large shops: the careful search runs on a subsample, the full fit starts at its optimum.
    const step = Math.ceil(prepared.x.length / WARM_START_SAMPLE_ROWS);
    const sample = everyNthRow(prepared, step);
    const sampleObjective = makeSpendObjective(sample, (penalizer * sample.totalWeight) / prepared.totalWeight).objective;
    const warm = carefulMinimum(sampleObjective);
    // The sample's curvature is nearly the full data's (both objectives are means): start BFGS with it.
    const warmInverseHessian = invertPositiveDefinite(hessianFromGradient(sampleObjective, warm.point), 3) ?? undefined;
    const full = minimizeBfgs(objective, warm.point, {
      gradientTolerance: 1e-9,
      acceptableGradient: ACCEPTED_GRADIENT,
      maxIterations: 500,
      initialInverseHessian: warmInverseHessian,
    });
    iterations = warm.iterations + full.iterations;
    point = full.point;
  } else {
    const careful = carefulMinimum(objective);
    iterations = careful.iterations;
    point = careful.point;
  }
  if (!Number.isFinite(objective(point, new Float64Array(3)))) {
    return { status: "refused", reason: "Gamma-Gamma fit failed: the likelihood is not finite at any starting point", ...base };
  }
  const gradient = new Float64Array(3);
  objective(point, gradient);
  const logLikelihoodScaled = state.lastLogLikelihood;
  const converged = maxAbsolute(gradient) < ACCEPTED_GRADIENT;
  const s = prepared.valueScale;
  const params: GammaGammaParams = { p: Math.exp(point[0]), q: Math.exp(point[1]), v: Math.exp(point[2]) * s };
  const atBoundary = Array.from(point).some((value) => Math.abs(value) > LOG_PARAMETER_BOUND - 0.5);

  if (!(params.q > 1)) {
    return {
      status: "refused",
      reason: `Gamma-Gamma estimate q = ${params.q.toPrecision(4)} ≤ 1: spend per order is too heavy-tailed for the model (its population mean v·p/(q−1) would be infinite or negative), so no expected order value is given`,
      params,
      ...base,
    };
  }
  if (atBoundary) {
    return {
      status: "refused",
      reason:
        "Gamma-Gamma parameters are not identifiable from this data (the estimate ran to the edge of the search range); too few or too similar repeat customers",
      params,
      ...base,
    };
  }

  let stdErrors: GammaGammaParams | undefined;
  const hessian = hessianFromGradient(objective, point);
  for (let i = 0; i < hessian.length; i++) hessian[i] *= prepared.totalWeight;
  const covariance = invertPositiveDefinite(hessian, 3);
  if (covariance) {
    const se = (j: number, value: number): number => value * Math.sqrt(covariance[j * 3 + j]);
    stdErrors = { p: se(0, params.p), q: se(1, params.q), v: se(2, params.v) };
  }

  return {
    status: "fitted",
    params,
    // Undo the value scaling: each customer's log-likelihood shifts by −ln s.
    logLikelihood: logLikelihoodScaled - prepared.totalWeight * Math.log(s),
    converged,
    iterations,
    ...base,
    populationMeanValue: (params.v * params.p) / (params.q - 1),
    stdErrors,
  };
}
