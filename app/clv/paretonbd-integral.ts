/**
 * The integral at the heart of the Pareto/NBD likelihood:
 *
 *   I(x, t_x, T) = ∫_{t_x}^{T} (α+y)^−(r+x) · (β+y)^−(s+1) dy,
 *
 * the chance (up to constants) that a customer with x purchases, the last at
 * t_x, dropped out at some y in (t_x, T]. Fader & Hardie's note writes it as a
 * difference of two Gauss hypergeometric terms, ₂F₁(…; (α−β)/(α+t_x)) and
 * ₂F₁(…; (α−β)/(α+T)), which cancel when t_x is close to T, and whose
 * derivatives in the parameters have no closed form. Here:
 *
 * - **Series** (the usual case). With M the larger of α, β, factor the other
 *   term as (m+y) = (M+y)(1 − δ/(M+y)), δ = M − m ≥ 0, and expand the power of
 *   (1 − δ/(M+y)) binomially. Each term integrates exactly:
 *     I = (M+t_x)^−K · Σ_j c_j w^j (1 − ρ^(K+j)) / (K+j),
 *   K = r+s+x, w = δ/(M+t_x) ∈ [0, 1), ρ = (M+t_x)/(M+T) ∈ (0, 1],
 *   c_j = (g)_j / j!, g = s+1 when α ≥ β, r+x when α < β.
 *   Every term is positive and 1 − ρ^k is built by the recurrence
 *   1 − ρ^(k+1) = (1 − ρ^k) + ρ^k (1 − ρ): no cancellation anywhere. The
 *   partial derivatives are series of the same shape, summed in the same
 *   loop, and the loop stops on a bound of the remaining tails.
 * - **Composite Gauss–Legendre** in u = ln(m + y) when w is near 1 (the series
 *   would need hundreds of terms: one of α, β far below the other, e.g. s and β
 *   both large when dropout rates do not differ between customers): 8 nodes per
 *   panel, each panel as wide as the integrand's local decay rate allows,
 *   stopping once a bound of the rest is negligible. The bound: for y beyond
 *   y_e, h(y) ≤ h(y_e)·((M+y_e)/(M+y))^(r+x+s+1), whose integral is
 *   h(y_e)·(M+y_e)/(r+x+s). The derivatives are the quadratures of the
 *   differentiated integrand on the same nodes.
 *
 * Results are returned in logs, relative to nothing (ln I may be far outside
 * the double range of I itself).
 */

/** Output of paretoIntegral: ln I and the partial derivatives of ln I (all 0 when I = 0, ln I = −∞). */
export interface ParetoIntegral {
  lnValue: number;
  dr: number;
  dalpha: number;
  ds: number;
  dbeta: number;
}

const SERIES_TOLERANCE = 1e-16;
/** Above this estimated number of series terms the quadrature is cheaper. */
const MAX_SERIES_TERMS = 300;
const HARD_TERM_LIMIT = 100_000;
/** Quadrature panels at most (the last one takes whatever is left). */
const MAX_PANELS = 4_000;

// 8-point Gauss–Legendre nodes and weights on [−1, 1].
const GL_NODES = [
  -0.9602898564975363, -0.7966664774136267, -0.525532409916329, -0.1834346424956498, 0.1834346424956498, 0.525532409916329,
  0.7966664774136267, 0.9602898564975363,
];
const GL_WEIGHTS = [
  0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.362683783378362, 0.362683783378362, 0.3137066458778873, 0.2223810344533745,
  0.1012285362903763,
];

/** Estimated terms the series needs: the peak of c_j w^j, then a geometric decay to 1e-16. */
function estimatedSeriesTerms(g: number, w: number): number {
  if (w <= 0) return 2;
  if (w >= 1) return Infinity;
  const peak = g > 1 ? ((g - 1) * w) / (1 - w) : 0;
  return peak + 37 / -Math.log(w);
}

/**
 * Fills `out` with ln I and its derivatives in (r, α, s, β). x ≥ 0, 0 ≤ t_x ≤ T, all parameters > 0.
 */
export function paretoIntegral(
  r: number,
  alpha: number,
  s: number,
  beta: number,
  x: number,
  tx: number,
  T: number,
  out: ParetoIntegral,
): void {
  if (!(T > tx)) {
    out.lnValue = -Infinity;
    out.dr = 0;
    out.dalpha = 0;
    out.ds = 0;
    out.dbeta = 0;
    return;
  }
  const alphaLarger = alpha >= beta;
  const big = alphaLarger ? alpha : beta;
  const small = alphaLarger ? beta : alpha;
  const w = (big - small) / (big + tx);
  const g = alphaLarger ? s + 1 : r + x;
  if (estimatedSeriesTerms(g, w) <= MAX_SERIES_TERMS) seriesIntegral(r, alpha, s, beta, x, tx, T, out);
  else quadratureIntegral(r, alpha, s, beta, x, tx, T, out);
}

/** ln I only (no derivatives): the cheaper evaluation for P(alive) and the predictive distributions. */
export function lnParetoIntegral(r: number, alpha: number, s: number, beta: number, x: number, tx: number, T: number): number {
  if (!(T > tx)) return -Infinity;
  const alphaLarger = alpha >= beta;
  const big = alphaLarger ? alpha : beta;
  const small = alphaLarger ? beta : alpha;
  const w = (big - small) / (big + tx);
  const g = alphaLarger ? s + 1 : r + x;
  if (estimatedSeriesTerms(g, w) > MAX_SERIES_TERMS) {
    quadratureIntegral(r, alpha, s, beta, x, tx, T, valueScratch);
    return valueScratch.lnValue;
  }
  const base = big + tx;
  const lnBase = Math.log(base);
  const lnRho = lnBase - Math.log(big + T);
  const rho = Math.exp(lnRho);
  const oneMinusRho = -Math.expm1(lnRho);
  const K = r + s + x;
  let k = K;
  let powRho = Math.exp(K * lnRho);
  let oneMinusPow = -Math.expm1(K * lnRho);
  let a = 1;
  let sum = 0;
  const eBound = Math.min(1 / K, -lnRho);
  for (let j = 0; j < HARD_TERM_LIMIT; j++) {
    sum += (a * oneMinusPow) / k;
    a *= ((g + j) * w) / (j + 1);
    oneMinusPow += powRho * oneMinusRho;
    powRho *= rho;
    k += 1;
    if (a === 0) break;
    const ratio = w * Math.max(1, (g + j + 1) / (j + 2));
    if (ratio < 1 && (a / (1 - ratio)) * eBound <= SERIES_TOLERANCE * sum) break;
  }
  return -K * lnBase + Math.log(sum);
}

const valueScratch: ParetoIntegral = { lnValue: 0, dr: 0, dalpha: 0, ds: 0, dbeta: 0 };

function seriesIntegral(r: number, alpha: number, s: number, beta: number, x: number, tx: number, T: number, out: ParetoIntegral): void {
  const alphaLarger = alpha >= beta;
  const big = alphaLarger ? alpha : beta;
  const small = alphaLarger ? beta : alpha;
  const base = big + tx;
  const lnBase = Math.log(base);
  const lnRho = lnBase - Math.log(big + T); // < 0
  const rho = Math.exp(lnRho);
  const oneMinusRho = -Math.expm1(lnRho);
  const w = (big - small) / base;
  const g = alphaLarger ? s + 1 : r + x;
  const K = r + s + x;

  let k = K;
  let powRho = Math.exp(K * lnRho); // ρ^k
  let oneMinusPow = -Math.expm1(K * lnRho); // 1 − ρ^k
  let a = 1; // c_j w^j
  let b = 0; // c_j j w^(j−1) = d(c_j w^j)/dw
  let psi = 0; // d ln c_j / dg = Σ_{i<j} 1/(g+i)
  let S = 0;
  let Sk = 0;
  let Srho = 0;
  let Sw = 0;
  let Spsi = 0;
  const eBound = Math.min(1 / K, -lnRho); // E_j = (1 − ρ^k)/k ≤ this
  for (let j = 0; j < HARD_TERM_LIMIT; j++) {
    const E = oneMinusPow / k;
    const dEdk = -(powRho * lnRho + E) / k;
    S += a * E;
    Sk += a * dEdk;
    Srho -= a * powRho;
    Sw += b * E;
    Spsi += a * psi * E;
    // Next term.
    const nextB = (g + j) * a;
    const nextA = (a * (g + j) * w) / (j + 1);
    psi += 1 / (g + j);
    oneMinusPow += powRho * oneMinusRho;
    powRho *= rho;
    k += 1;
    a = nextA;
    b = nextB;
    if (a === 0 && b === 0) break;
    const ratio = w * Math.max(1, (g + j + 1) / (j + 1));
    if (ratio < 1 && j >= 1) {
      const tailA = a / (1 - ratio);
      const tailB = b / (1 - ratio);
      const psiBound = psi + 1 / ((1 - ratio) * (g + j + 1));
      if (
        tailA * eBound <= SERIES_TOLERANCE * S &&
        tailA * powRho <= SERIES_TOLERANCE * -Srho &&
        tailB * eBound <= SERIES_TOLERANCE * Sw &&
        tailA * psiBound * eBound <= SERIES_TOLERANCE * Math.max(Spsi, S * 1e-300)
      ) {
        break;
      }
    }
  }
  out.lnValue = -K * lnBase + Math.log(S);
  // Common parts: ∂(−K ln base) and ∂S/S through k (r and s both raise k by one per unit).
  const viaK = -lnBase + Sk / S;
  const dw = Sw / S;
  if (alphaLarger) {
    // base = α + t_x, w = (α − β)/base, ρ = base/(α + T); c_j depends on s through g = s + 1.
    out.dr = viaK;
    out.ds = viaK + Spsi / S;
    out.dalpha = -K / base + dw * ((beta + tx) / (base * base)) + (Srho / S) * (1 / base - 1 / (alpha + T));
    out.dbeta = dw * (-1 / base);
  } else {
    // base = β + t_x, w = (β − α)/base, ρ = base/(β + T); c_j depends on r through g = r + x.
    out.dr = viaK + Spsi / S;
    out.ds = viaK;
    out.dbeta = -K / base + dw * ((alpha + tx) / (base * base)) + (Srho / S) * (1 / base - 1 / (beta + T));
    out.dalpha = dw * (-1 / base);
  }
}

/** |d ln(h·dy/du) / du| at u = ln(m + y): the local decay rate of the quadrature's integrand (it grows with u). */
function decayRate(u: number, small: number, alpha: number, beta: number, rx: number, s1: number): number {
  const my = Math.exp(u); // m + y
  const y = my - small;
  return Math.max(1e-9, (rx * my) / (alpha + y) + (s1 * my) / (beta + y) - 1);
}

function quadratureIntegral(
  r: number,
  alpha: number,
  s: number,
  beta: number,
  x: number,
  tx: number,
  T: number,
  out: ParetoIntegral,
): void {
  const small = Math.min(alpha, beta);
  const big = Math.max(alpha, beta);
  const rx = r + x;
  const s1 = s + 1;
  const power = rx + s1;
  // Integrand relative to its value at t_x (≤ 1, decreasing): no overflow for any x.
  const lnAlphaTx = Math.log(alpha + tx);
  const lnBetaTx = Math.log(beta + tx);
  const u0 = Math.log(small + tx);
  const u1 = Math.log(small + T);
  let sum = 0;
  let sumR = 0;
  let sumAlpha = 0;
  let sumS = 0;
  let sumBeta = 0;
  let start = u0;
  for (let panel = 0; panel < MAX_PANELS && start < u1; panel++) {
    // Panels over which the integrand falls by at most about e^2, and never wider than 1/2 (the singularity at Im u = π).
    let width = Math.min(0.5, 2 / decayRate(start, small, alpha, beta, rx, s1));
    width = Math.min(width, 2 / decayRate(Math.min(u1, start + width), small, alpha, beta, rx, s1));
    const end = panel === MAX_PANELS - 1 ? u1 : Math.min(u1, Math.max(start + width, start + 1e-12 * Math.abs(start) + 1e-300));
    const half = 0.5 * (end - start);
    const mid = start + half;
    for (let k = 0; k < 8; k++) {
      const u = mid + half * GL_NODES[k];
      const y = Math.exp(u) - small;
      const lnAlphaY = Math.log(alpha + y);
      const lnBetaY = Math.log(beta + y);
      // h(y)/h(t_x) · dy/du, dy/du = e^u.
      const value = Math.exp(-rx * (lnAlphaY - lnAlphaTx) - s1 * (lnBetaY - lnBetaTx) + u) * half * GL_WEIGHTS[k];
      sum += value;
      sumR -= value * lnAlphaY;
      sumAlpha -= (value * rx) / (alpha + y);
      sumS -= value * lnBetaY;
      sumBeta -= (value * s1) / (beta + y);
    }
    start = end;
    if (end >= u1) break;
    // The rest is at most h(y_end) · min(T − y_end, (M + y_end)/(power − 1)) (see below), relative to h(t_x).
    const yEnd = Math.exp(end) - small;
    const hEnd = Math.exp(-rx * (Math.log(alpha + yEnd) - lnAlphaTx) - s1 * (Math.log(beta + yEnd) - lnBetaTx));
    const rest = hEnd * Math.min(T - yEnd, power > 1 ? (big + yEnd) / (power - 1) : Infinity);
    if (rest <= 1e-17 * sum) break;
  }
  out.lnValue = -rx * lnAlphaTx - s1 * lnBetaTx + Math.log(sum);
  out.dr = sumR / sum;
  out.dalpha = sumAlpha / sum;
  out.ds = sumS / sum;
  out.dbeta = sumBeta / sum;
}
