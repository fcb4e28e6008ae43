/**
 * Distribution of the number of purchases in a window of length t for a
 * customer who is alive at its start, for n = 0 … N−1 at once.
 *
 * All three models share the same structure: given the history (x, t_x, T),
 *   P(Y(t) = n | x, t_x, T) = (1 − P(alive))·[n = 0] + P(alive)·P_alive(n),
 * where P_alive is the distribution of a customer alive at T whose purchase
 * rate has the posterior Gamma(r+x, α+T) and whose dropout follows the
 * model's posterior: Beta(a, b+x) per purchase (BG/NBD), Beta(a, b+x+1) per
 * purchase (MBG/NBD), an exponential lifetime with rate ~ Gamma(s, β+T)
 * (Pareto/NBD). So one function per model family covers new customers
 * (x = 0, T = 0) and conditional predictions alike.
 *
 * - **Dropout after purchases** (BG/NBD, MBG/NBD), with K ~ NB(r, α, t) the
 *   purchases of a customer who never drops out:
 *     P(n) = B(a, b+n)/B(a, b) · P(K = n) + [n > 0] · B(a+1, b+n−1)/B(a, b) · P(K ≥ n),
 *   exact, by recurrences in n. P(K ≥ n) is summed from the top
 *   (P(K ≥ n) = P(K ≥ n+1) + P(K = n)), never as 1 − a head sum, so small
 *   probabilities keep their digits.
 * - **Dropout at an exponential time** (Pareto/NBD), with τ the remaining
 *   lifetime, P(τ > u) = (β/(β+u))^s:
 *     P(n) = P(τ ≥ t) · P(K_t = n) + ∫_0^t P(K_τ = n) dF(τ),
 *   the integral by composite Gauss–Legendre in η = √(ln(1 + τ/α)), in which
 *   every P(K_τ = n) is a smooth bump of width about 1/(2√r), with panel
 *   breaks where the lifetime density changes scale (τ = β, 4β, 16β …). The
 *   weights are rescaled to the exact mass P(τ < t), so the probabilities
 *   add up to 1.
 */

/**
 * Negative binomial probabilities P(K = j), K the Poisson count of a window of length t at a rate
 * ~ Gamma(r, α), into out[offset + j] for j < length.
 */
function negativeBinomial(r: number, alpha: number, t: number, out: Float64Array, offset: number, length: number): void {
  const lnStay = -Math.log1p(t / alpha); // ln(α/(α+t))
  const q = t / (alpha + t);
  let ln0 = r * lnStay;
  if (ln0 > -700) {
    let value = Math.exp(ln0);
    for (let j = 0; j < length; j++) {
      out[offset + j] = value;
      value *= ((r + j) / (j + 1)) * q;
    }
    return;
  }
  // P(K = 0) underflows (many purchases expected): walk in logs.
  const lnQ = Math.log(q);
  for (let j = 0; j < length; j++) {
    out[offset + j] = Math.exp(ln0);
    ln0 += Math.log((r + j) / (j + 1)) + lnQ;
  }
}

/** P(K ≥ n) given P(K = n − 1) and Σ_{j<n} P(K = j): 1 − head when that keeps its digits, else summed forward with a tail bound. */
function negativeBinomialTailFrom(r: number, alpha: number, t: number, n: number, lastValue: number, head: number): number {
  if (head < 0.5) return Math.max(0, 1 - head);
  const q = t / (alpha + t);
  let term = lastValue * ((r + n - 1) / n) * q; // P(K = n)
  let sum = 0;
  for (let j = n; j < n + 10_000_000 && term > 0; j++) {
    sum += term;
    const ratio = ((r + j) / (j + 1)) * q;
    term *= ratio;
    const boundRatio = Math.max(ratio, q);
    if (boundRatio < 1 && (term * Math.max(1, (r + j + 1) / (j + 2))) / (1 - boundRatio) < 1e-17 * sum) break;
  }
  return sum;
}

/**
 * How exact each probability of a pmf must be:
 *   relative  each to its own digits, however small (log scores of observed counts);
 *   absolute  each to about 1e-16 of the whole (percentiles compare running sums with 0.1 and 0.9): the mass
 *             beyond the computed counts is then 1 minus the mass within them, not a sum over the tail, which
 *             for a customer expected to buy little cost a hundred terms per pmf.
 */
export type PmfPrecision = "relative" | "absolute";

/**
 * P(n) into out[offset + n], n < length, for a BG/NBD-type customer alive at the window's start: Poisson purchases
 * at a rate ~ Gamma(r, α), after each purchase a dropout with probability ~ Beta(a, b). `scratch` needs `length` entries.
 */
export function dropoutAfterPurchasePmf(
  r: number,
  alpha: number,
  a: number,
  b: number,
  t: number,
  out: Float64Array,
  offset: number,
  length: number,
  scratch: Float64Array,
  precision: PmfPrecision = "relative",
): void {
  if (length === 0) return;
  if (!(t > 0)) {
    out.fill(0, offset, offset + length);
    out[offset] = 1;
    return;
  }
  const nb = scratch;
  negativeBinomial(r, alpha, t, nb, 0, length);
  // P(0) is the never-dropping-out count's alone (a dropout follows a purchase): the tail below is for n ≥ 1.
  if (length === 1) {
    out[offset] = nb[0];
    return;
  }
  let head = 0;
  for (let j = 0; j < length; j++) head += nb[j];
  // Still alive after n purchases: B(a, b+n)/B(a, b) · P(K = n).
  let stay = 1;
  out[offset] = nb[0];
  for (let j = 1; j < length; j++) {
    stay *= (b + j - 1) / (a + b + j - 1);
    out[offset + j] = stay * nb[j];
  }
  // P(K ≥ j) from the top, in place of P(K = j).
  let tail = precision === "absolute" ? Math.max(0, 1 - head) : negativeBinomialTailFrom(r, alpha, t, length, nb[length - 1], head);
  for (let j = length - 1; j >= 1; j--) {
    tail += nb[j];
    nb[j] = tail;
  }
  // Dropped out at the n-th purchase: B(a+1, b+n−1)/B(a, b) · P(K ≥ n).
  let drop = a / (a + b);
  for (let j = 1; j < length; j++) {
    if (j > 1) drop *= (b + j - 2) / (a + b + j - 1);
    out[offset + j] += drop * nb[j];
  }
}

// 8-point Gauss–Legendre nodes and weights on [−1, 1].
const GL_NODES = [
  -0.9602898564975363, -0.7966664774136267, -0.525532409916329, -0.1834346424956498, 0.1834346424956498, 0.525532409916329,
  0.7966664774136267, 0.9602898564975363,
];
const GL_WEIGHTS = [
  0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.362683783378362, 0.362683783378362, 0.3137066458778873, 0.2223810344533745,
  0.1012285362903763,
];

/** Quadrature nodes τ_k and weights ω_k (Σ ω_k = P(τ < t)) of a lifetime with P(τ > u) = (β/(β+u))^s. */
export interface LifetimeQuadrature {
  count: number;
  tau: Float64Array;
  weight: Float64Array;
  /** P(τ ≥ t): alive through the whole window. */
  survival: number;
}

export function newLifetimeQuadrature(): LifetimeQuadrature {
  return { count: 0, tau: new Float64Array(64), weight: new Float64Array(64), survival: 0 };
}

/** η = √(ln(1 + τ/α)): the variable in which P(K_τ = n) is a bump of width about 1/(2√r) for every n. */
function etaOfTau(tau: number, alpha: number): number {
  return Math.sqrt(Math.log1p(tau / alpha));
}

/** Adds the 8·pieces nodes of [from, to] to the quadrature; returns their total weight. */
function addPanels(
  quadrature: LifetimeQuadrature,
  from: number,
  to: number,
  pieces: number,
  alpha: number,
  s: number,
  beta: number,
  lnBeta: number,
): number {
  const width = (to - from) / pieces;
  const half = width / 2;
  let mass = 0;
  for (let p = 0; p < pieces; p++) {
    const mid = from + p * width + half;
    for (let g = 0; g < 8; g++) {
      const eta = mid + half * GL_NODES[g];
      const expEta2 = Math.exp(eta * eta);
      const tau = alpha * (expEta2 - 1);
      // Lifetime density s β^s (β+τ)^−(s+1) times dτ/dη = 2αη e^(η²).
      const density = (s * Math.exp(s * (lnBeta - Math.log(beta + tau)))) / (beta + tau);
      const w = density * 2 * alpha * eta * expEta2 * half * GL_WEIGHTS[g];
      quadrature.tau[quadrature.count] = tau;
      quadrature.weight[quadrature.count] = w;
      quadrature.count++;
      mass += w;
    }
  }
  return mass;
}

/**
 * Nodes and weights in η for the lifetime part of a window of length t, with panel breaks where the lifetime
 * density changes scale (τ = β, 4β, 16β …) and panels no wider than a bump of P(K_τ = n) resolves.
 */
export function lifetimeQuadrature(
  r: number,
  alpha: number,
  s: number,
  beta: number,
  t: number,
  into: LifetimeQuadrature,
): LifetimeQuadrature {
  const etaEnd = etaOfTau(t, alpha);
  const maxWidth = Math.min(0.5, 1.5 / Math.sqrt(r + 1));
  // Panel count first, to size the arrays.
  let panels = 0;
  let from = 0;
  for (let tau = beta; ; tau *= 4) {
    const to = tau < t ? etaOfTau(tau, alpha) : etaEnd;
    panels += Math.max(1, Math.ceil((to - from) / maxWidth - 1e-9));
    from = to;
    if (!(tau < t)) break;
  }
  if (into.tau.length < panels * 8) {
    into.tau = new Float64Array(panels * 16);
    into.weight = new Float64Array(panels * 16);
  }
  into.count = 0;
  const lnBeta = Math.log(beta);
  let mass = 0;
  from = 0;
  for (let tau = beta; ; tau *= 4) {
    const to = tau < t ? etaOfTau(tau, alpha) : etaEnd;
    mass += addPanels(into, from, to, Math.max(1, Math.ceil((to - from) / maxWidth - 1e-9)), alpha, s, beta, lnBeta);
    from = to;
    if (!(tau < t)) break;
  }
  const survival = Math.exp(-s * Math.log1p(t / beta));
  // Rescale to the exact probability of dropping out within the window, so that the probabilities add up to 1.
  const scale = mass > 0 ? (1 - survival) / mass : 0;
  for (let k = 0; k < into.count; k++) into.weight[k] *= scale;
  into.survival = survival;
  return into;
}

/**
 * P(n) into out[offset + n], n < length, for a Pareto/NBD-type customer alive at the window's start: Poisson
 * purchases at a rate ~ Gamma(r, α) until an exponential lifetime ends, its rate ~ Gamma(s, β). `scratch` needs
 * `length` entries.
 */
export function dropoutAtExponentialTimePmf(
  r: number,
  alpha: number,
  s: number,
  beta: number,
  t: number,
  out: Float64Array,
  offset: number,
  length: number,
  scratch: Float64Array,
  quadrature: LifetimeQuadrature,
): void {
  if (length === 0) return;
  if (!(t > 0)) {
    out.fill(0, offset, offset + length);
    out[offset] = 1;
    return;
  }
  lifetimeQuadrature(r, alpha, s, beta, t, quadrature);
  negativeBinomial(r, alpha, t, scratch, 0, length);
  for (let j = 0; j < length; j++) out[offset + j] = quadrature.survival * scratch[j];
  for (let k = 0; k < quadrature.count; k++) {
    const w = quadrature.weight[k];
    if (!(w > 0)) continue;
    negativeBinomial(r, alpha, quadrature.tau[k], scratch, 0, length);
    for (let j = 0; j < length; j++) out[offset + j] += w * scratch[j];
  }
}
