/**
 * E[Y(t) | alive, x, T] of the BG/NBD model: the expected purchases in
 * (T, T + t] of a customer with x repeat purchases and age T who is still
 * alive at T (multiply by P(alive) for the conditional expectation).
 *
 * The textbook form is
 *   (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; z)],
 *   z = t/(α+T+t).
 * Written as is it has three traps: the ₂F₁ series overflows for large x
 * (its terms grow like (1−z)^−x), it converges slowly near z = 1, and at
 * a = 1 it is 0/0. The Euler transformation turns the bracket into
 *   1 − (1−z)^ε · ₂F₁(A, ε; C; z),  ε = a − 1, A = a+b−1−r, C = a+b+x−1,
 * and since (ε)_j = ε·(ε+1)_(j−1), ₂F₁(A, ε; C; z) = 1 + ε·H/C with
 *   H/C = Σ_{j≥1} (A)_j (ε+1)_(j−1) / ((C)_j j!) z^j.
 * Dividing by ε analytically leaves
 *   N = −C · expm1(ε L)/ε − e^(ε L) · G,   L = ln(1−z),  G = C·(H/C),
 * which has no 0/0 at a = 1 (expm1(εL)/ε → L) and whose series G has
 * terms that decay from the start for any x.
 *
 * Two cases need the plain series, whose terms are all positive, summed in
 * log space instead:
 * - A very negative (r ≫ a + b: little heterogeneity in purchase rates):
 *   the terms of G alternate in sign with large magnitudes;
 * - a ≥ 2: the terms of G grow like (εz)^j / j! before they decay, which for
 *   large a (a, b → ∞ when all customers share one dropout probability)
 *   overflows, while the plain form has no 0/0 to fear so far from a = 1.
 */

import { lnHypergeometricPositive, tailRatioBound } from "./special-functions.ts";

export interface BgNbdShape {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** Below this A the alternating series G would lose more than about 3 digits. */
const MOST_NEGATIVE_STABLE_A = -8;
const MAX_TERMS = 5_000_000;
const RELATIVE_TOLERANCE = 1e-16;

/** −C · expm1(εL)/ε − e^(εL) · G, the stable form (valid for every a). */
function aliveExpectationEulerForm(params: BgNbdShape, x: number, T: number, t: number): number {
  const { r, alpha, a, b } = params;
  const epsilon = a - 1;
  const A = a + b - 1 - r;
  const C = a + b + x - 1;
  const z = t / (alpha + T + t);
  const L = -Math.log1p(t / (alpha + T));
  const epsilonL = epsilon * L;
  const expm1OverEpsilon = epsilon === 0 ? L : Math.expm1(epsilonL) / epsilon;

  // G = Σ_{j≥1} g_j, g_1 = A·z, g_{j+1} = g_j · (A+j)(ε+j) / ((C+j)(j+1)) · z.
  let term = A * z;
  let sum = term;
  const positiveFrom = Math.max(1, -A, -epsilon, -C);
  for (let j = 1; j < MAX_TERMS && term !== 0; j++) {
    term *= (((A + j) * (epsilon + j)) / ((C + j) * (j + 1))) * z;
    sum += term;
    // The bound every fourth term: it costs more than a term, and a few terms past it add nothing.
    if ((j & 3) === 0 && j + 1 > positiveFrom) {
      const rho = tailRatioBound(A, epsilon, C, z, j);
      if (rho < 1 && (Math.abs(term) * rho) / (1 - rho) <= RELATIVE_TOLERANCE * Math.abs(sum)) break;
    }
  }
  return -C * expm1OverEpsilon - Math.exp(epsilonL) * sum;
}

/** C/ε · [1 − (1−z)^(r+x) · ₂F₁(r+x, b+x; C; z)] with the positive-term series in logs; needs C > 0, ε ≠ 0. */
function aliveExpectationPlainForm(params: BgNbdShape, x: number, T: number, t: number): number {
  const { r, alpha, a, b } = params;
  const epsilon = a - 1;
  const C = a + b + x - 1;
  const z = t / (alpha + T + t);
  const L = -Math.log1p(t / (alpha + T));
  const lnF = lnHypergeometricPositive(r + x, b + x, C, z, MAX_TERMS);
  return (C / epsilon) * -Math.expm1((r + x) * L + lnF);
}

/** Half-width of the interval around a = 1 bridged linearly in the plain form (its 0/0 point). */
const PLAIN_FORM_A_GAP = 1e-4;

export function bgnbdAliveExpectation(params: BgNbdShape, x: number, T: number, t: number): number {
  if (!(t > 0)) return 0;
  const { r, a, b } = params;
  const A = a + b - 1 - r;
  const C = a + b + x - 1;
  const epsilon = a - 1;
  if (epsilon >= 1) return aliveExpectationPlainForm(params, x, T, t);
  if (A >= MOST_NEGATIVE_STABLE_A || !(C > 0)) return aliveExpectationEulerForm(params, x, T, t);
  if (Math.abs(epsilon) >= PLAIN_FORM_A_GAP) return aliveExpectationPlainForm(params, x, T, t);
  // Linear interpolation across a = 1, where the plain form is 0/0.
  const below = aliveExpectationPlainForm({ ...params, a: 1 - PLAIN_FORM_A_GAP }, x, T, t);
  const above = aliveExpectationPlainForm({ ...params, a: 1 + PLAIN_FORM_A_GAP }, x, T, t);
  const weight = (epsilon + PLAIN_FORM_A_GAP) / (2 * PLAIN_FORM_A_GAP);
  return below + weight * (above - below);
}
