/**
 * Special functions the CLV models need: log-gamma, digamma, log-beta, a
 * stable log(e^u + e^v) and the Gauss hypergeometric function 2F1.
 *
 * lnGamma and digamma shift the argument up with the recurrence
 * Γ(x+1) = xΓ(x) until it is large enough for the asymptotic (Stirling)
 * series, which is then accurate to about 1e-15 relative.
 */

const HALF_LN_TWO_PI = 0.5 * Math.log(2 * Math.PI);
/** Below this argument we shift up before using the asymptotic series. */
const ASYMPTOTIC_THRESHOLD = 10;

/** ln|Γ(x)|; NaN at the poles (0, −1, −2, …). */
export function lnGamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) {
    if (Number.isInteger(x)) return NaN;
    // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  }
  if (x === Infinity) return Infinity;
  let shift = 0;
  let product = 1;
  let y = x;
  while (y < ASYMPTOTIC_THRESHOLD) {
    product *= y;
    y += 1;
    shift += 1;
  }
  const inv = 1 / y;
  const inv2 = inv * inv;
  // Stirling series: 1/(12y) − 1/(360y³) + 1/(1260y⁵) − 1/(1680y⁷) + 1/(1188y⁹) − 691/(360360y¹¹) + 1/(156y¹³)
  const series =
    inv * (1 / 12 + inv2 * (-1 / 360 + inv2 * (1 / 1260 + inv2 * (-1 / 1680 + inv2 * (1 / 1188 + inv2 * (-691 / 360360 + inv2 / 156))))));
  const stirling = (y - 0.5) * Math.log(y) - y + HALF_LN_TWO_PI + series;
  return shift === 0 ? stirling : stirling - Math.log(product);
}

/** ψ(x) = d/dx ln Γ(x). */
export function digamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) {
    if (Number.isInteger(x)) return NaN;
    // Reflection: ψ(1−x) − ψ(x) = π cot(πx).
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  }
  if (x === Infinity) return Infinity;
  let correction = 0;
  let y = x;
  while (y < ASYMPTOTIC_THRESHOLD) {
    correction -= 1 / y;
    y += 1;
  }
  const inv2 = 1 / (y * y);
  // ln y − 1/(2y) − 1/(12y²) + 1/(120y⁴) − 1/(252y⁶) + 1/(240y⁸) − 1/(132y¹⁰) + 691/(32760y¹²) − 1/(12y¹⁴)
  const series =
    inv2 *
    (-1 / 12 + inv2 * (1 / 120 + inv2 * (-1 / 252 + inv2 * (1 / 240 + inv2 * (-1 / 132 + inv2 * (691 / 32760 + inv2 * (-1 / 12)))))));
  return correction + Math.log(y) - 0.5 / y + series;
}

/** Up to this integer x, lnΓ(y+x) − lnΓ(y) and ψ(y+x) − ψ(y) are summed term by term. */
const MAX_SUMMED_SHIFT = 64;

/**
 * lnΓ(y + x) − lnΓ(y). For a small integer x it is Σ_{k<x} ln(y+k), which
 * stays accurate when y is large (two lnΓ values of 1e7 would cancel away
 * most of their digits).
 */
export function lnGammaShift(y: number, x: number): number {
  if (x === 0) return 0;
  if (Number.isInteger(x) && x > 0 && x <= MAX_SUMMED_SHIFT) {
    let sum = 0;
    let product = 1;
    for (let k = 0; k < x; k++) {
      product *= y + k;
      // Flush the product into the log before it can overflow or underflow.
      if (product > 1e280 || product < 1e-280) {
        sum += Math.log(product);
        product = 1;
      }
    }
    return sum + Math.log(product);
  }
  return lnGamma(y + x) - lnGamma(y);
}

/** ψ(y + x) − ψ(y), summed as Σ_{k<x} 1/(y+k) for a small integer x. */
export function digammaShift(y: number, x: number): number {
  if (x === 0) return 0;
  if (Number.isInteger(x) && x > 0 && x <= MAX_SUMMED_SHIFT) {
    let sum = 0;
    for (let k = 0; k < x; k++) sum += 1 / (y + k);
    return sum;
  }
  return digamma(y + x) - digamma(y);
}

/** ln B(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a+b). */
export function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

/** ln(e^u + e^v) without overflow; −Infinity arguments are allowed. */
export function logAddExp(u: number, v: number): number {
  if (u === -Infinity) return v;
  if (v === -Infinity) return u;
  return u > v ? u + Math.log1p(Math.exp(v - u)) : v + Math.log1p(Math.exp(u - v));
}

export interface SeriesResult {
  /** The sum of the series. */
  value: number;
  /** Number of terms added after the first. */
  terms: number;
  /** False when the term budget ran out before the tail was negligible. */
  converged: boolean;
}

const DEFAULT_MAX_TERMS = 2_000_000;
const SERIES_RELATIVE_TOLERANCE = 1e-16;

/**
 * Upper bound on |ratio of consecutive terms| for all terms after term j of
 * the series below, valid once j + 1 > −a, −b, −c (all factors positive):
 * (a+k)/(c+k) and (b+k)/(k+1) are monotone in k and tend to 1, so each is
 * at most max(its value at k = j+1, 1). Either pairing of the factors gives
 * a bound; take the smaller.
 */
export function tailRatioBound(a: number, b: number, c: number, z: number, j: number): number {
  const k = j + 1;
  const pairing1 = Math.max((a + k) / (c + k), 1) * Math.max((b + k) / (k + 1), 1);
  const pairing2 = Math.max((b + k) / (c + k), 1) * Math.max((a + k) / (k + 1), 1);
  return z * Math.min(pairing1, pairing2);
}

/**
 * Sum of the hypergeometric series Σ_j (a)_j (b)_j / ((c)_j j!) z^j for
 * 0 ≤ z < 1, stopping once a rigorous bound on the remaining tail falls
 * below the relative tolerance (not after a fixed number of terms).
 */
export function hypergeometricSeries(a: number, b: number, c: number, z: number, maxTerms: number = DEFAULT_MAX_TERMS): SeriesResult {
  let term = 1;
  let sum = 1;
  const positiveFrom = Math.max(0, -a, -b, -c);
  for (let j = 0; j < maxTerms; j++) {
    const ratio = (((a + j) * (b + j)) / ((c + j) * (j + 1))) * z;
    term *= ratio;
    if (term === 0) return { value: sum, terms: j + 1, converged: true };
    sum += term;
    if (!Number.isFinite(sum)) return { value: sum, terms: j + 1, converged: false };
    if (j + 1 > positiveFrom) {
      const rho = tailRatioBound(a, b, c, z, j);
      if (rho < 1 && (Math.abs(term) * rho) / (1 - rho) <= SERIES_RELATIVE_TOLERANCE * Math.abs(sum)) {
        return { value: sum, terms: j + 1, converged: true };
      }
    }
  }
  return { value: sum, terms: maxTerms, converged: false };
}

/**
 * Gauss hypergeometric function ₂F₁(a, b; c; z) for real z < 1.
 *
 * - z < 0: Pfaff transformation to z/(z−1) ∈ [0, 1).
 * - z > 0.5 and c − a − b < 0: the plain series grows like (1−z)^(c−a−b);
 *   the Euler transformation (1−z)^(c−a−b) ₂F₁(c−a, c−b; c; z) gives a
 *   series whose terms decay, which converges faster and more accurately.
 *
 * Throws a RangeError for z ≥ 1 (the models never need it) or when c is a
 * non-positive integer (undefined).
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z < 1)) throw new RangeError(`hyp2f1 needs z < 1, got ${z}`);
  if (c <= 0 && Number.isInteger(c)) throw new RangeError(`hyp2f1 is undefined for c = ${c}`);
  if (z === 0) return 1;
  if (z < 0) {
    const w = z / (z - 1);
    return Math.pow(1 - z, -a) * hyp2f1(a, c - b, c, w);
  }
  if (z > 0.5 && c - a - b < 0) {
    return Math.pow(1 - z, c - a - b) * hypergeometricSeries(c - a, c - b, c, z).value;
  }
  return hypergeometricSeries(a, b, c, z).value;
}

/**
 * ln ₂F₁(a, b; c; z) by the plain series for a, b, c > 0 and 0 ≤ z < 1 (all
 * terms positive, so no cancellation), rescaling as it goes so that sums far
 * beyond the double range (large a or b near z = 1) do not overflow.
 */
export function lnHypergeometricPositive(a: number, b: number, c: number, z: number, maxTerms = DEFAULT_MAX_TERMS): number {
  if (!(a > 0 && b > 0 && c > 0 && z >= 0 && z < 1)) {
    throw new RangeError(`lnHypergeometricPositive needs a, b, c > 0 and 0 ≤ z < 1, got ${a}, ${b}, ${c}, ${z}`);
  }
  const RESCALE_ABOVE = 1e250;
  let logScale = 0;
  let term = 1;
  let sum = 1;
  for (let j = 0; j < maxTerms; j++) {
    const ratio = (((a + j) * (b + j)) / ((c + j) * (j + 1))) * z;
    term *= ratio;
    sum += term;
    if (sum > RESCALE_ABOVE) {
      logScale += Math.log(sum);
      term /= sum;
      sum = 1;
    }
    const rho = tailRatioBound(a, b, c, z, j);
    if (rho < 1 && (term * rho) / (1 - rho) <= SERIES_RELATIVE_TOLERANCE * sum) break;
  }
  return logScale + Math.log(sum);
}
