/**
 * Small dense optimisers for the model fits (3–4 parameters): BFGS with a
 * Wolfe line search, a Nelder–Mead simplex for polishing, a finite-difference
 * Hessian of an analytic gradient, and a symmetric matrix inverse.
 *
 * Objectives are minimised. An objective writes its gradient into `gradient`
 * and returns the value; it may return a non-finite value (e.g. outside the
 * parameter box) and the line search then backs off.
 */

export type Objective = (point: Float64Array, gradient: Float64Array) => number;

export interface MinimizeResult {
  point: Float64Array;
  value: number;
  gradient: Float64Array;
  iterations: number;
  evaluations: number;
  /** True when the gradient test passed (not merely the iteration budget ran out). */
  converged: boolean;
}

export interface BfgsOptions {
  /** Stop when max |gradient component| falls below this. */
  gradientTolerance?: number;
  maxIterations?: number;
  /**
   * When a line search finds no lower value and the gradient is already
   * below this, stop: the objective's rounding noise has been reached
   * (searching on would only burn evaluations). Default 0 (never).
   */
  acceptableGradient?: number;
  /** Start from this inverse Hessian (row-major n×n), e.g. from a fit on a subsample; default identity. */
  initialInverseHessian?: Float64Array;
  /**
   * Box |x_j| ≤ bound: trial points are projected onto it, a coordinate at the wall whose gradient pushes
   * outward is held there (left out of the step and of the convergence test). Without it, an estimate running
   * off to the wall makes the search crawl along it. Default: no box.
   */
  bound?: number;
}

const ARMIJO_C1 = 1e-4;
const CURVATURE_C2 = 0.9;
const MAX_LINE_SEARCH_STEPS = 30;
/** Iterations and relative progress of the running-off test (see minimizeBfgs). */
const RIDGE_WINDOW = 10;
const RIDGE_PROGRESS = 1e-6;

function dot(u: Float64Array, v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i] * v[i];
  return s;
}

function setIdentity(matrix: Float64Array, n: number, scale: number): void {
  matrix.fill(0);
  for (let i = 0; i < n; i++) matrix[i * n + i] = scale;
}

/**
 * BFGS on the inverse Hessian. Each iteration searches along −H·g for a step
 * meeting the (weak) Wolfe conditions by bracketing and bisection; the
 * update is skipped when the curvature y·s is not positive, and H is reset to
 * a scaled identity if a search fails along a non-descent direction.
 */
export function minimizeBfgs(objective: Objective, start: ArrayLike<number>, options: BfgsOptions = {}): MinimizeResult {
  const n = start.length;
  const gradientTolerance = options.gradientTolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 500;
  const bound = options.bound ?? Infinity;
  const project = (value: number): number => (value > bound ? bound : value < -bound ? -bound : value);
  // Coordinates held at the wall: there, and the gradient points outward (−g along +x at +bound).
  const held = (point: Float64Array, gradient: Float64Array, j: number): boolean =>
    (point[j] >= bound && gradient[j] < 0) || (point[j] <= -bound && gradient[j] > 0);
  const freeGradientMax = (point: Float64Array, gradient: Float64Array): number => {
    let m = 0;
    for (let j = 0; j < n; j++) if (!held(point, gradient, j)) m = Math.max(m, Math.abs(gradient[j]));
    return m;
  };

  const x = Float64Array.from(start, project);
  const g = new Float64Array(n);
  const direction = new Float64Array(n);
  const trial = new Float64Array(n);
  const trialGradient = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const hy = new Float64Array(n);
  const inverseHessian = new Float64Array(n * n);
  if (options.initialInverseHessian) inverseHessian.set(options.initialInverseHessian);
  else setIdentity(inverseHessian, n, 1);
  let rescaleOnFirstUpdate = !options.initialInverseHessian;

  let evaluations = 1;
  let value = objective(x, g);
  if (!Number.isFinite(value)) {
    return { point: x, value, gradient: g, iterations: 0, evaluations, converged: false };
  }
  let iterations = 0;
  let converged = freeGradientMax(x, g) < gradientTolerance;
  let failuresInARow = 0;
  let stalledIterations = 0;
  const heldBefore = new Uint8Array(n);
  // Recent values, for the running-off test below.
  const history: number[] = [value];

  while (!converged && iterations < maxIterations) {
    iterations++;
    // A coordinate newly held at (or released from) the wall: the curvature learnt so far mixes it in; start afresh.
    let heldChanged = false;
    for (let j = 0; j < n; j++) {
      const now = held(x, g, j) ? 1 : 0;
      if (now !== heldBefore[j]) heldChanged = true;
      heldBefore[j] = now;
    }
    if (heldChanged) {
      setIdentity(inverseHessian, n, 1);
      rescaleOnFirstUpdate = true;
    }
    for (let i = 0; i < n; i++) {
      if (held(x, g, i)) {
        direction[i] = 0;
        continue;
      }
      let d = 0;
      for (let j = 0; j < n; j++) if (!held(x, g, j)) d -= inverseHessian[i * n + j] * g[j];
      direction[i] = d;
    }
    let slope = dot(direction, g);
    if (!(slope < 0)) {
      // Not a descent direction (H lost positive definiteness): restart along −g.
      setIdentity(inverseHessian, n, 1);
      for (let i = 0; i < n; i++) direction[i] = held(x, g, i) ? 0 : -g[i];
      slope = dot(direction, g);
    }

    // The predicted decrease is below the objective's rounding noise: no step can be told from noise.
    if (-slope < 1e-13 * Math.max(1, Math.abs(value)) && freeGradientMax(x, g) < (options.acceptableGradient ?? 0)) break;

    // Weak Wolfe line search by bracketing: lower/upper bound the acceptable step.
    let low = 0;
    let high = Infinity;
    let step = 1;
    let accepted = false;
    let trialValue = NaN;
    for (let k = 0; k < MAX_LINE_SEARCH_STEPS; k++) {
      for (let i = 0; i < n; i++) trial[i] = project(x[i] + step * direction[i]);
      trialValue = objective(trial, trialGradient);
      evaluations++;
      if (!Number.isFinite(trialValue) || trialValue > value + ARMIJO_C1 * step * slope) {
        high = step;
      } else if (dot(trialGradient, direction) < CURVATURE_C2 * slope) {
        low = step;
      } else {
        accepted = true;
        break;
      }
      step = high === Infinity ? 2 * low : 0.5 * (low + high);
      if (high - low < 1e-16 * Math.max(1, low)) break;
    }
    // A step that decreased the function but failed the curvature test is still progress.
    if (!accepted && low > 0) {
      for (let i = 0; i < n; i++) trial[i] = project(x[i] + low * direction[i]);
      trialValue = objective(trial, trialGradient);
      evaluations++;
      accepted = Number.isFinite(trialValue) && trialValue <= value;
    }
    if (!accepted) {
      if (freeGradientMax(x, g) < (options.acceptableGradient ?? 0)) break;
      failuresInARow++;
      if (failuresInARow >= 2) break;
      setIdentity(inverseHessian, n, 1e-3);
      continue;
    }
    failuresInARow = 0;

    for (let i = 0; i < n; i++) {
      // Held coordinates stay out of the curvature: the update is of the free subspace.
      s[i] = heldBefore[i] ? 0 : trial[i] - x[i];
      y[i] = heldBefore[i] ? 0 : trialGradient[i] - g[i];
    }
    const previousValue = value;
    x.set(trial);
    g.set(trialGradient);
    value = trialValue;

    const sy = dot(s, y);
    if (sy > 1e-300) {
      // The identity has the wrong scale: replace it by the scale the first step measured.
      if (rescaleOnFirstUpdate) setIdentity(inverseHessian, n, sy / dot(y, y));
      rescaleOnFirstUpdate = false;
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, written out with hy = H·y.
      const rho = 1 / sy;
      for (let i = 0; i < n; i++) {
        let t = 0;
        for (let j = 0; j < n; j++) t += inverseHessian[i * n + j] * y[j];
        hy[i] = t;
      }
      const yhy = dot(y, hy);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          inverseHessian[i * n + j] += (1 + rho * yhy) * rho * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j]);
        }
      }
    }

    converged = freeGradientMax(x, g) < gradientTolerance;
    // Running off along a ridge towards the wall (e.g. two parameters growing together without bound): the
    // value creeps to its limit while the steps stay small. Near the wall with almost no progress over the
    // last iterations, the estimate is as good as at the wall; searching on would only burn evaluations.
    history.push(value);
    if (history.length > RIDGE_WINDOW + 1) history.shift();
    if (Number.isFinite(bound) && history.length > RIDGE_WINDOW) {
      let nearWall = false;
      for (let j = 0; j < n; j++) if (Math.abs(x[j]) > bound - 2) nearWall = true;
      if (nearWall && history[0] - value < RIDGE_PROGRESS * Math.max(1, Math.abs(value))) break;
    }
    // The value stopped changing in its last digits twice in a row: rounding noise now dominates the gradient.
    if (Math.abs(previousValue - value) <= 1e-14 * Math.max(1, Math.abs(value))) {
      stalledIterations++;
      if (stalledIterations >= 2) break;
    } else {
      stalledIterations = 0;
    }
  }
  return { point: x, value, gradient: g, iterations, evaluations, converged };
}

export interface NelderMeadOptions {
  maxIterations?: number;
  /** Stop when the simplex values differ by less than this (absolute). */
  valueTolerance?: number;
  initialStep?: number;
}

/** Nelder–Mead simplex minimiser (value only), used to polish or escape ridges. */
export function minimizeNelderMead(
  value: (point: Float64Array) => number,
  start: ArrayLike<number>,
  options: NelderMeadOptions = {},
): { point: Float64Array; value: number; iterations: number } {
  const n = start.length;
  const maxIterations = options.maxIterations ?? 2000;
  const valueTolerance = options.valueTolerance ?? 1e-12;
  const step = options.initialStep ?? 0.1;
  const safeValue = (p: Float64Array): number => {
    const v = value(p);
    return Number.isFinite(v) ? v : Infinity;
  };

  const vertices: Float64Array[] = [];
  const values: number[] = [];
  for (let k = 0; k <= n; k++) {
    const p = Float64Array.from(start);
    if (k > 0) p[k - 1] += step;
    vertices.push(p);
    values.push(safeValue(p));
  }
  const centroid = new Float64Array(n);
  const reflected = new Float64Array(n);
  const expanded = new Float64Array(n);
  const contracted = new Float64Array(n);
  let iterations = 0;

  const order = (): void => {
    const idx = values.map((_, i) => i).sort((i, j) => values[i] - values[j]);
    const v2 = idx.map((i) => vertices[i]);
    const f2 = idx.map((i) => values[i]);
    for (let i = 0; i <= n; i++) {
      vertices[i] = v2[i];
      values[i] = f2[i];
    }
  };

  for (; iterations < maxIterations; iterations++) {
    order();
    if (Math.abs(values[n] - values[0]) <= valueTolerance) break;
    centroid.fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i] += vertices[k][i] / n;
    const worst = vertices[n];
    for (let i = 0; i < n; i++) reflected[i] = centroid[i] + (centroid[i] - worst[i]);
    const fr = safeValue(reflected);
    if (fr < values[0]) {
      for (let i = 0; i < n; i++) expanded[i] = centroid[i] + 2 * (centroid[i] - worst[i]);
      const fe = safeValue(expanded);
      if (fe < fr) {
        worst.set(expanded);
        values[n] = fe;
      } else {
        worst.set(reflected);
        values[n] = fr;
      }
    } else if (fr < values[n - 1]) {
      worst.set(reflected);
      values[n] = fr;
    } else {
      const outside = fr < values[n];
      for (let i = 0; i < n; i++) {
        contracted[i] = outside ? centroid[i] + 0.5 * (reflected[i] - centroid[i]) : centroid[i] + 0.5 * (worst[i] - centroid[i]);
      }
      const fc = safeValue(contracted);
      if (fc < Math.min(fr, values[n])) {
        worst.set(contracted);
        values[n] = fc;
      } else {
        // Shrink towards the best vertex.
        for (let k = 1; k <= n; k++) {
          for (let i = 0; i < n; i++) vertices[k][i] = vertices[0][i] + 0.5 * (vertices[k][i] - vertices[0][i]);
          values[k] = safeValue(vertices[k]);
        }
      }
    }
  }
  order();
  return { point: vertices[0], value: values[0], iterations };
}

/**
 * Hessian by central differences of an analytic gradient, symmetrised.
 * Row-major n×n; the step is relative to each coordinate (log-parameters are O(1)).
 */
export function hessianFromGradient(objective: Objective, point: ArrayLike<number>, relativeStep = 1e-5): Float64Array {
  const n = point.length;
  const hessian = new Float64Array(n * n);
  const shifted = Float64Array.from(point);
  const gPlus = new Float64Array(n);
  const gMinus = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const h = relativeStep * Math.max(1, Math.abs(point[j]));
    shifted[j] = point[j] + h;
    objective(shifted, gPlus);
    shifted[j] = point[j] - h;
    objective(shifted, gMinus);
    shifted[j] = point[j];
    for (let i = 0; i < n; i++) hessian[i * n + j] = (gPlus[i] - gMinus[i]) / (2 * h);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = 0.5 * (hessian[i * n + j] + hessian[j * n + i]);
      hessian[i * n + j] = m;
      hessian[j * n + i] = m;
    }
  }
  return hessian;
}

/**
 * Inverse of a symmetric positive-definite matrix by Cholesky factorisation;
 * null when the matrix is not positive definite (e.g. a saddle or a flat ridge).
 */
export function invertPositiveDefinite(matrix: Float64Array, n: number): Float64Array | null {
  const lower = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * n + j];
      for (let k = 0; k < j; k++) sum -= lower[i * n + k] * lower[j * n + k];
      if (i === j) {
        if (!(sum > 0)) return null;
        lower[i * n + i] = Math.sqrt(sum);
      } else {
        lower[i * n + j] = sum / lower[j * n + j];
      }
    }
  }
  // Invert L, then A⁻¹ = L⁻ᵀ L⁻¹.
  const lowerInverse = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    lowerInverse[i * n + i] = 1 / lower[i * n + i];
    for (let j = 0; j < i; j++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum -= lower[i * n + k] * lowerInverse[k * n + j];
      lowerInverse[i * n + j] = sum / lower[i * n + i];
    }
  }
  const inverse = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = Math.max(i, j); k < n; k++) sum += lowerInverse[k * n + i] * lowerInverse[k * n + j];
      inverse[i * n + j] = sum;
    }
  }
  return inverse;
}

/**
 * Newton polish: one Newton step with the finite-difference Hessian at the
 * start, kept only if it lowers the objective. Returns the better point, its
 * value and gradient, and the Hessian at the start (for standard errors: at
 * a converged start the two points differ in the last digits only).
 */
export function polishWithNewton(
  objective: Objective,
  start: ArrayLike<number>,
): { point: Float64Array; value: number; gradient: Float64Array; hessian: Float64Array } {
  const n = start.length;
  const point = Float64Array.from(start);
  const gradient = new Float64Array(n);
  let value = objective(point, gradient);
  const hessian = hessianFromGradient(objective, point);
  const inverse = invertPositiveDefinite(hessian, n);
  if (inverse) {
    const trial = new Float64Array(n);
    const trialGradient = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let d = 0;
      for (let j = 0; j < n; j++) d -= inverse[i * n + j] * gradient[j];
      trial[i] = point[i] + d;
    }
    const trialValue = objective(trial, trialGradient);
    if (trialValue <= value) {
      point.set(trial);
      gradient.set(trialGradient);
      value = trialValue;
    }
  }
  return { point, value, gradient, hessian };
}
