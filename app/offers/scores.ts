/**
 * The formulas behind a suggestion's ranking (docs/offers.md explains and motivates each).
 */

/** Default prior strength α of the lift shrinkage, in (weighted) orders. */
export const DEFAULT_LIFT_PRIOR = 5;
/** Default prior weight of the value index, in buyers. */
export const DEFAULT_VALUE_PRIOR_BUYERS = 5;

/** Orders expected to hold both products if they were bought independently: n_A · n_B / N. */
export function expectedCoOrders(ordersA: number, ordersB: number, totalOrders: number): number {
  return totalOrders > 0 ? (ordersA * ordersB) / totalOrders : 0;
}

/**
 * Posterior mean of the lift under a Gamma(α, α) prior (mean 1) with Poisson co-occurrences:
 * co ~ Poisson(λ · expected)  ⇒  E[λ | co] = (co + α) / (expected + α).
 * Few observations stay near 1; many converge on the raw lift co / expected.
 */
export function shrunkLift(coOrders: number, expected: number, priorStrength = DEFAULT_LIFT_PRIOR): number {
  return (coOrders + priorStrength) / (expected + priorStrength);
}

/**
 * How valuable the pair's buyers are next to the shop's average customer: their mean predicted 12-month
 * value over the shop's mean, with `priorBuyers` pseudo-buyers of average value mixed in so that a pair
 * bought by two big spenders does not jump to the top. 1 when the shop has no positive mean.
 */
export function valueIndex(buyersClvSum: number, buyers: number, shopMeanClv: number, priorBuyers = DEFAULT_VALUE_PRIOR_BUYERS): number {
  if (!(shopMeanClv > 0)) return 1;
  return (buyersClvSum + priorBuyers * shopMeanClv) / ((buyers + priorBuyers) * shopMeanClv);
}

/**
 * Value score: the association's strength in log-lift (0 for independent products, negative for pairs
 * bought together less than chance) times the value index.
 */
export function valueScore(liftShrunk: number, index: number): number {
  return Math.log(liftShrunk) * index;
}
