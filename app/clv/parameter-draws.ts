/**
 * Parameter uncertainty for the intervals: draws of the log-parameters from
 * the fit's asymptotic normal N(θ̂, Σ), Σ the inverse Hessian of the
 * (penalised) negative log-likelihood.
 *
 * The draws are deterministic (the same fit gives the same intervals on
 * every run): points of a Halton sequence in four dimensions (bases 2, 3, 5,
 * 7) mapped to standard normals by the inverse normal CDF, each used with its
 * mirror image (antithetic pairs: the draws' mean is exactly θ̂), then
 * θ = θ̂ + L·z with L the Cholesky factor of Σ. Quasi-random points cover the
 * normal more evenly than as many pseudo-random ones, so 32 draws go far; they
 * are whitened so that the draws' sample covariance is exactly Σ.
 */

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error below 1.2e-9). */
export function inverseNormalCdf(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`inverseNormalCdf needs 0 < p < 1, got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -inverseNormalCdf(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/** k-th element (k ≥ 1) of the van der Corput sequence in the given base. */
function radicalInverse(k: number, base: number): number {
  let result = 0;
  let fraction = 1 / base;
  let n = k;
  while (n > 0) {
    result += (n % base) * fraction;
    n = Math.floor(n / base);
    fraction /= base;
  }
  return result;
}

const HALTON_BASES = [2, 3, 5, 7];

/**
 * The standard-normal points used for `count` draws (count even: antithetic pairs, so their mean is exactly 0);
 * dimension ≤ 4. The points are whitened so that their sample covariance is exactly the identity: a few
 * Halton points stay away from the tails (16 points in base 3 have a standard deviation of about 0.75) and are
 * slightly correlated across dimensions, which would understate and distort the parameters' spread.
 */
export function standardNormalDraws(count: number, dimension: number): Float64Array[] {
  if (dimension > HALTON_BASES.length) throw new RangeError(`at most ${HALTON_BASES.length} dimensions`);
  const draws: Float64Array[] = [];
  for (let k = 1; draws.length < count; k++) {
    const z = Float64Array.from({ length: dimension }, (_, j) => inverseNormalCdf(radicalInverse(k, HALTON_BASES[j])));
    draws.push(z);
    if (draws.length < count) draws.push(z.map((v) => -v));
  }
  const covariance = new Float64Array(dimension * dimension);
  for (const z of draws) {
    for (let i = 0; i < dimension; i++) for (let j = 0; j < dimension; j++) covariance[i * dimension + j] += (z[i] * z[j]) / draws.length;
  }
  const lower = choleskyLower(covariance, dimension);
  for (const z of draws) {
    if (lower) {
      // z ← L⁻¹ z (forward substitution): the whitened points have sample covariance I.
      for (let i = 0; i < dimension; i++) {
        let value = z[i];
        for (let k = 0; k < i; k++) value -= lower[i * dimension + k] * z[k];
        z[i] = value / lower[i * dimension + i];
      }
    } else {
      // Too few points for a full covariance: unit mean square per dimension.
      for (let i = 0; i < dimension; i++) if (covariance[i * dimension + i] > 0) z[i] /= Math.sqrt(covariance[i * dimension + i]);
    }
  }
  return draws;
}

/** Lower Cholesky factor of a symmetric positive-definite n×n matrix (row-major), or null. */
export function choleskyLower(matrix: ArrayLike<number>, n: number): Float64Array | null {
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
  return lower;
}

/** No draw moves a log-parameter further than this from the estimate (a factor e^5 ≈ 150): numerical safety for ill-determined fits. */
const MAX_LOG_DEVIATION = 5;

/**
 * `count` parameter vectors (natural scale) drawn from the asymptotic normal of the log-parameters; just the
 * estimate when there is no covariance or count ≤ 1.
 */
export function parameterDraws(estimate: ArrayLike<number>, covariance: ArrayLike<number> | null, count: number): Float64Array[] {
  const n = estimate.length;
  const point = Float64Array.from(estimate);
  const lower = covariance && count > 1 ? choleskyLower(covariance, n) : null;
  if (!lower) return [point];
  const logEstimate = Array.from(point, Math.log);
  return standardNormalDraws(count, n).map((z) => {
    const draw = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let deviation = 0;
      for (let k = 0; k <= i; k++) deviation += lower[i * n + k] * z[k];
      deviation = Math.max(-MAX_LOG_DEVIATION, Math.min(MAX_LOG_DEVIATION, deviation));
      draw[i] = Math.exp(logEstimate[i] + deviation);
    }
    return draw;
  });
}

/** Largest standard error of a log-parameter (√ of the covariance diagonal); Infinity without a covariance. */
export function largestLogStandardError(covariance: ArrayLike<number> | null, n: number): number {
  if (!covariance) return Infinity;
  let largest = 0;
  for (let j = 0; j < n; j++) largest = Math.max(largest, Math.sqrt(Math.max(0, covariance[j * n + j])));
  return largest;
}
