// One customer's tier as the app shows and stores it, and the record of a tier change (from, to, when, why).
// Built on evaluateTiers with a population of one, so it cannot disagree with the full re-evaluation.
import { NO_DAY } from "./days.ts";
import { populationFromFacts, type CustomerTierFacts } from "./population.ts";
import {
  amountToKeepOf,
  evaluateTiers,
  nextTierOf,
  TRANSITION_REASONS,
  type PreviousTierColumns,
  type TierColumns,
  type TransitionReason,
} from "./tier-evaluation.ts";
import { tierIndexOf, type TierLadder } from "./tiers.ts";

/** What the previous evaluation stored for the customer. */
export interface PreviousTier {
  tierId: string | null;
  sinceDay: number | null;
  holdUntilDay: number | null;
  /** The tier program version it was computed under. */
  programVersionId: string | null;
}

export type TierChangeReason =
  | Exclude<TransitionReason, "none">
  /** The merchant edited the tiers. */
  | "tiers_changed"
  /** The facts behind an earlier result changed (a refund, a late order): the history now reads differently. */
  | "history_changed"
  /** First evaluation of this customer. */
  | "enrolled";

export interface TierChange {
  fromTierId: string | null;
  toTierId: string | null;
  day: number;
  reason: TierChangeReason;
}

export interface CustomerTierResult {
  tierId: string | null;
  tierName: string | null;
  sinceDay: number | null;
  /** Set while retention keeps the tier: the day of demotion unless the member re-qualifies. */
  holdUntilDay: number | null;
  qualifiedTierId: string | null;
  metric: number;
  nextTier: { tierId: string; name: string; amountToReach: number } | null;
  /** While held: what the basis must gain to keep the tier. */
  amountToKeep: number;
  /** null when the stored tier is unchanged. */
  change: TierChange | null;
}

export interface EvaluateCustomerOptions {
  previous?: PreviousTier;
  programVersionId?: string;
}

export function evaluateCustomerTier(
  facts: CustomerTierFacts,
  ladder: TierLadder,
  asOfDay: number,
  options: EvaluateCustomerOptions = {},
): CustomerTierResult {
  const population = populationFromFacts([facts]);
  const previous = options.previous ? previousTierColumns(ladder, [options.previous]) : undefined;
  const columns = evaluateTiers(population, ladder, asOfDay, previous);
  return customerTierResult(ladder, columns, 0, asOfDay, options);
}

export function customerTierResult(
  ladder: TierLadder,
  columns: TierColumns,
  k: number,
  asOfDay: number,
  options: EvaluateCustomerOptions = {},
): CustomerTierResult {
  const tier = columns.tier[k];
  const next = nextTierOf(ladder, tier, columns.metric[k]);
  return {
    tierId: tier >= 0 ? ladder.ids[tier] : null,
    tierName: tier >= 0 ? ladder.names[tier] : null,
    sinceDay: columns.sinceDay[k] === NO_DAY ? null : columns.sinceDay[k],
    holdUntilDay: columns.holdUntilDay[k] === NO_DAY ? null : columns.holdUntilDay[k],
    qualifiedTierId: columns.qualified[k] >= 0 ? ladder.ids[columns.qualified[k]] : null,
    metric: columns.metric[k],
    nextTier: next ? { tierId: ladder.ids[next.index], name: ladder.names[next.index], amountToReach: next.amountToReach } : null,
    amountToKeep: amountToKeepOf(ladder, columns, k),
    change: tierChangeOf(ladder, columns, k, asOfDay, options),
  };
}

/**
 * The change to record when the new tier differs from the stored one. Its day and reason come from the
 * replay when the replay's last transition is exactly that move; a tier edit is "tiers_changed"; any other
 * difference means the facts were re-read ("history_changed", e.g. a refund undid a promotion), dated today.
 */
export function tierChangeOf(
  ladder: TierLadder,
  columns: TierColumns,
  k: number,
  asOfDay: number,
  options: EvaluateCustomerOptions,
): TierChange | null {
  const toTierId = columns.tier[k] >= 0 ? ladder.ids[columns.tier[k]] : null;
  const previous = options.previous;
  if (!previous) return toTierId === null ? null : { fromTierId: null, toTierId, day: asOfDay, reason: "enrolled" };
  if (previous.tierId === toTierId) return null;
  const fromTierId = previous.tierId;
  if (options.programVersionId !== undefined && previous.programVersionId !== options.programVersionId) {
    return { fromTierId, toTierId, day: asOfDay, reason: "tiers_changed" };
  }
  const replayFrom = columns.changeFrom[k] >= 0 ? ladder.ids[columns.changeFrom[k]] : null;
  const reason = TRANSITION_REASONS[columns.changeReason[k]];
  if (reason !== "none" && replayFrom === fromTierId) return { fromTierId, toTierId, day: columns.changeDay[k], reason };
  return { fromTierId, toTierId, day: asOfDay, reason: "history_changed" };
}

/** Stored states as columns of indexes into `ladder` (a tier the ladder no longer has becomes "none"). */
export function previousTierColumns(ladder: TierLadder, previous: readonly (PreviousTier | null)[]): PreviousTierColumns {
  const columns: PreviousTierColumns = {
    tier: new Int8Array(previous.length).fill(-1),
    sinceDay: new Int32Array(previous.length).fill(NO_DAY),
    holdUntilDay: new Int32Array(previous.length).fill(NO_DAY),
  };
  previous.forEach((state, k) => {
    if (!state) return;
    const index = tierIndexOf(ladder, state.tierId);
    if (index < 0) return;
    columns.tier[k] = index;
    columns.sinceDay[k] = state.sinceDay ?? NO_DAY;
    columns.holdUntilDay[k] = state.holdUntilDay ?? NO_DAY;
  });
  return columns;
}

/** Indexes of the customers whose tier differs from the stored one: the rows a re-evaluation writes. */
export function changedCustomers(columns: TierColumns, previousTier: Int8Array): Int32Array {
  const changed: number[] = [];
  for (let k = 0; k < columns.tier.length; k++) if (columns.tier[k] !== previousTier[k]) changed.push(k);
  return Int32Array.from(changed);
}

/**
 * The points multiplier an order earns with: the perk of the tier the customer held at the end of the day
 * before the order (100 = 1×). Read from the replay, so it does not depend on when the webhook is processed,
 * and excluding the order itself, so a points-earned ladder cannot feed on its own output.
 */
export function earningMultiplier(facts: CustomerTierFacts, ladder: TierLadder, orderDay: number, previous?: PreviousTier): number {
  const tier = evaluateCustomerTier(facts, ladder, orderDay - 1, { previous }).tierId;
  const index = tierIndexOf(ladder, tier);
  return index >= 0 ? ladder.multiplierHundredths[index] : 100;
}
