/**
 * Exposures: the record that a customer met an experiment (saw the offer, or would have, in the holdout).
 * The population analysed is every customer exposed once or more, in the arm the hash gives them; both
 * arms must be recorded by the same rule, or the comparison is biased (docs/offers.md).
 */

import { assertValidHoldoutShare, assignArm, assertValidExperimentKey, assertValidSalt, liquidCustomerId, type Arm } from "./assignment.ts";

export interface ExperimentDefinition {
  key: string;
  /** Per shop; never changes while an experiment runs. */
  salt: string;
  /** Fixed for the experiment's life: changing it moves customers between arms. */
  holdoutShare: number;
  startsAtMs: number;
  /** Null: still running. */
  endsAtMs: number | null;
}

export interface Exposure {
  experimentKey: string;
  /** Numeric customer id. */
  customerId: string;
  arm: Arm;
  atMs: number;
}

export function assertValidExperiment(definition: ExperimentDefinition): void {
  assertValidExperimentKey(definition.key);
  assertValidSalt(definition.salt);
  assertValidHoldoutShare(definition.holdoutShare);
  if (definition.endsAtMs !== null && !(definition.endsAtMs > definition.startsAtMs))
    throw new RangeError("an experiment must end after it starts");
}

/** The exposure to record when a customer meets the experiment at atMs; null outside its dates. */
export function exposureOf(definition: ExperimentDefinition, customerId: string | number | bigint, atMs: number): Exposure | null {
  if (atMs < definition.startsAtMs || (definition.endsAtMs !== null && atMs >= definition.endsAtMs)) return null;
  const id = liquidCustomerId(customerId);
  return {
    experimentKey: definition.key,
    customerId: id,
    arm: assignArm({ salt: definition.salt, customerId: id, experimentKey: definition.key, holdoutShare: definition.holdoutShare }),
    atMs,
  };
}

export interface FirstExposures {
  /** Customer id → their earliest exposure. */
  byCustomer: Map<string, Exposure>;
  /** Customers recorded in both arms (the share or salt changed mid-way): left out of the analysis. */
  conflicting: number;
}

/** Each customer's first exposure to the experiment. */
export function firstExposures(exposures: Iterable<Exposure>, experimentKey: string): FirstExposures {
  const byCustomer = new Map<string, Exposure>();
  const conflicted = new Set<string>();
  for (const exposure of exposures) {
    if (exposure.experimentKey !== experimentKey) continue;
    const known = byCustomer.get(exposure.customerId);
    if (known === undefined) {
      byCustomer.set(exposure.customerId, exposure);
      continue;
    }
    if (known.arm !== exposure.arm) conflicted.add(exposure.customerId);
    if (exposure.atMs < known.atMs) byCustomer.set(exposure.customerId, exposure);
  }
  for (const id of conflicted) byCustomer.delete(id);
  return { byCustomer, conflicting: conflicted.size };
}

export interface OutcomeOrder {
  customerId: string;
  processedAtMs: number;
  /** Net revenue of the order, minor units. */
  revenueMinor: number;
  /** What the perk or discount cost on this order (discount given, reward value), minor units. */
  costMinor?: number;
}

export interface CustomerOutcome {
  revenueMinor: number;
  costMinor: number;
  /** Predicted 12-month value at the end of the measurement (minor units); null when the model has none. */
  predictedValueMinor: number | null;
}

/**
 * Each exposed customer's revenue and cost from their first exposure (inclusive) until untilMs
 * (exclusive), and their predicted 12-month value. Exposed customers without orders get zeros: they
 * belong in the comparison as much as buyers do.
 */
export function outcomesFromOrders(
  first: ReadonlyMap<string, Exposure>,
  orders: Iterable<OutcomeOrder>,
  options: { untilMs: number; predictedValue?: ReadonlyMap<string, number> },
): Map<string, CustomerOutcome> {
  const outcomes = new Map<string, CustomerOutcome>();
  for (const customerId of first.keys()) {
    const predicted = options.predictedValue?.get(customerId);
    outcomes.set(customerId, {
      revenueMinor: 0,
      costMinor: 0,
      predictedValueMinor: predicted !== undefined && Number.isFinite(predicted) ? predicted : null,
    });
  }
  for (const order of orders) {
    const exposure = first.get(order.customerId);
    const outcome = outcomes.get(order.customerId);
    if (exposure === undefined || outcome === undefined) continue;
    if (order.processedAtMs < exposure.atMs || order.processedAtMs >= options.untilMs) continue;
    outcome.revenueMinor += order.revenueMinor;
    outcome.costMinor += order.costMinor ?? 0;
  }
  return outcomes;
}
