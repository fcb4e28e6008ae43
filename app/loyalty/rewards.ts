// Rewards and redemption, as decisions and state transitions (the data layer stores them, the gateway creates
// the discount code).
//
// A redemption is requested → code_created → deducted, or requested → failed. Points leave the balance only
// once the Shopify discount code exists: the redeem entry can be built only from a redemption that has a code,
// and its key is the redemption's id, so writing it twice writes it once. While a redemption is in flight its
// points are reserved, so two quick clicks cannot spend the same points twice; a failed creation releases them
// and leaves the balance untouched.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { LedgerEntry } from "./ledger.ts";
import { englishMessage, messageKey as E } from "./messages.ts";
import { validateWith, type Validated } from "./validation.ts";

const pointsCost = z
  .number({ required_error: E("loyalty.error.reward.costMissing"), invalid_type_error: E("loyalty.error.reward.costNotNumber") })
  .int(E("loyalty.error.reward.costNotWhole"))
  .min(1, E("loyalty.error.reward.costTooLow"))
  .max(10_000_000, E("loyalty.error.reward.costTooHigh"));

const rewardBase = {
  id: z
    .string({ required_error: E("loyalty.error.reward.idMissing") })
    .min(1, E("loyalty.error.reward.idMissing"))
    .max(64, E("loyalty.error.reward.idTooLong")),
  name: z
    .string({ required_error: E("loyalty.error.reward.nameMissing") })
    .trim()
    .min(1, E("loyalty.error.reward.nameMissing"))
    .max(60, E("loyalty.error.reward.nameTooLong")),
  pointsCost,
  active: z.boolean().default(true),
  /** Minimum order subtotal for the code to apply (minor units); null for none. */
  minimumOrderMinor: z
    .number()
    .int(E("loyalty.error.reward.minimumNotWhole"))
    .min(0, E("loyalty.error.reward.minimumNegative"))
    .nullable()
    .default(null),
  /** Lowest tier that may redeem it; null for every member. */
  minimumTierId: z.string().nullable().default(null),
};

export const rewardSchema = z.discriminatedUnion(
  "kind",
  [
    z.object({
      ...rewardBase,
      kind: z.literal("amount_off"),
      amountMinor: z
        .number({ required_error: E("loyalty.error.reward.amountMissing"), invalid_type_error: E("loyalty.error.reward.amountNotNumber") })
        .int(E("loyalty.error.reward.amountNotWhole"))
        .min(1, E("loyalty.error.reward.amountTooLow")),
    }),
    z.object({
      ...rewardBase,
      kind: z.literal("percentage_off"),
      percent: z
        .number({
          required_error: E("loyalty.error.reward.percentMissing"),
          invalid_type_error: E("loyalty.error.reward.percentNotNumber"),
        })
        .gt(0, E("loyalty.error.reward.percentTooLow"))
        .max(100, E("loyalty.error.reward.percentTooHigh")),
    }),
    z.object({ ...rewardBase, kind: z.literal("free_shipping") }),
  ],
  { errorMap: () => ({ message: E("loyalty.error.reward.kind") }) },
);

export type Reward = z.infer<typeof rewardSchema>;

export function validateReward(input: unknown): Validated<Reward> {
  return validateWith(rewardSchema, input);
}

export type RedemptionState = "requested" | "code_created" | "deducted" | "failed";

export interface Redemption {
  /** The redemption key: idempotent across retries of the same request. */
  id: string;
  customerId: string;
  rewardId: string;
  pointsCost: number;
  state: RedemptionState;
  code: string | null;
  discountId: string | null;
  failure: string | null;
  requestedAtMs: number;
}

/** The redemption key of a request: the same customer, reward and client request id give the same key. */
export function redemptionKey(customerId: string, rewardId: string, requestId: string): string {
  return createHash("sha256").update(`${customerId}\u0000${rewardId}\u0000${requestId}`).digest("hex").slice(0, 32);
}

/** Points held by redemptions still in flight (their code may yet be created, and then they are deducted). */
export function reservedPoints(redemptions: readonly Redemption[]): number {
  let reserved = 0;
  for (const redemption of redemptions)
    if (redemption.state === "requested" || redemption.state === "code_created") reserved += redemption.pointsCost;
  return reserved;
}

export type RedeemRefusal = "program_off" | "reward_inactive" | "tier_too_low" | "not_enough_points";

export interface CanRedeemInput {
  programEnabled: boolean;
  reward: Reward;
  balance: number;
  /** The customer's redemptions not yet deducted or failed count against the balance. */
  redemptions: readonly Redemption[];
  /** The member's tier index and the ladder's ids, for rewards limited to a tier and above. */
  tierIndex: number;
  tierIds: readonly string[];
}

export function canRedeem(input: CanRedeemInput): { ok: true; available: number } | { ok: false; reason: RedeemRefusal; message: string } {
  const available = input.balance - reservedPoints(input.redemptions);
  // The refusal's `reason` names its message for the admin (loyalty.error.redeem.*); `message` is the English.
  if (!input.programEnabled) return { ok: false, reason: "program_off", message: englishMessage("loyalty.error.redeem.programOff") };
  if (!input.reward.active) return { ok: false, reason: "reward_inactive", message: englishMessage("loyalty.error.redeem.inactive") };
  if (input.reward.minimumTierId !== null) {
    const needed = input.tierIds.indexOf(input.reward.minimumTierId);
    if (needed >= 0 && input.tierIndex < needed)
      return { ok: false, reason: "tier_too_low", message: englishMessage("loyalty.error.redeem.tierTooLow") };
  }
  if (available < input.reward.pointsCost) {
    return {
      ok: false,
      reason: "not_enough_points",
      message: englishMessage("loyalty.error.redeem.notEnoughPoints", { cost: input.reward.pointsCost, available: Math.max(0, available) }),
    };
  }
  return { ok: true, available };
}

export type RedemptionRequestOutcome =
  | { outcome: "created"; redemption: Redemption }
  | { outcome: "existing"; redemption: Redemption }
  | { outcome: "refused"; reason: RedeemRefusal; message: string };

/**
 * Starts a redemption, or returns the one this key already started (a retried request must not redeem twice,
 * and must not be refused for lack of the points it itself reserved).
 */
export function requestRedemption(input: CanRedeemInput & { key: string; customerId: string; nowMs: number }): RedemptionRequestOutcome {
  const existing = input.redemptions.find((redemption) => redemption.id === input.key);
  if (existing) return { outcome: "existing", redemption: existing };
  const check = canRedeem(input);
  if (!check.ok) return { outcome: "refused", reason: check.reason, message: check.message };
  return {
    outcome: "created",
    redemption: {
      id: input.key,
      customerId: input.customerId,
      rewardId: input.reward.id,
      pointsCost: input.reward.pointsCost,
      state: "requested",
      code: null,
      discountId: null,
      failure: null,
      requestedAtMs: input.nowMs,
    },
  };
}

export class RedemptionTransitionError extends Error {}

/** The code exists in Shopify. Repeating it with the same code is a no-op; a different code is a bug. */
export function codeCreated(redemption: Redemption, code: string, discountId: string): Redemption {
  if (redemption.state === "requested") return { ...redemption, state: "code_created", code, discountId, failure: null };
  if ((redemption.state === "code_created" || redemption.state === "deducted") && redemption.code === code) return redemption;
  throw new RedemptionTransitionError(`redemption ${redemption.id} is ${redemption.state}; cannot record code ${code}`);
}

/** The code could not be created: nothing is deducted and the reservation is released. */
export function codeFailed(redemption: Redemption, failure: string): Redemption {
  if (redemption.state === "requested" || redemption.state === "failed") return { ...redemption, state: "failed", failure };
  // A code exists: the redemption has happened and must be deducted, whatever a later call reports.
  throw new RedemptionTransitionError(`redemption ${redemption.id} already has a code; it cannot fail`);
}

/** A failed redemption retried under the same key goes back to requested (if the points are still there). */
export function retryRedemption(redemption: Redemption): Redemption {
  if (redemption.state !== "failed") throw new RedemptionTransitionError(`redemption ${redemption.id} is ${redemption.state}, not failed`);
  return { ...redemption, state: "requested", failure: null };
}

/**
 * The ledger entry of a redemption: only once its code exists (null before), keyed by the redemption so a
 * second write is dropped by the unique index. Write it, then mark the redemption deducted.
 */
export function redemptionEntry(redemption: Redemption, atMs: number): LedgerEntry | null {
  if (redemption.state !== "code_created" && redemption.state !== "deducted") return null;
  return {
    key: `redeem:${redemption.id}`,
    customerId: redemption.customerId,
    kind: "redeem",
    points: -redemption.pointsCost,
    source: { type: "redemption", redemptionId: redemption.id },
    ruleVersionId: null,
    effectiveAtMs: atMs,
  };
}

export function markDeducted(redemption: Redemption): Redemption {
  if (redemption.state === "deducted") return redemption;
  if (redemption.state !== "code_created")
    throw new RedemptionTransitionError(`redemption ${redemption.id} has no code; nothing to deduct`);
  return { ...redemption, state: "deducted" };
}

/**
 * What one point is worth in shop minor units, for the liability: the most generous amount-off reward's rate
 * (a prudent figure: the points could all be spent there). null when no amount-off reward exists.
 */
export function pointValueMinor(rewards: readonly Reward[]): number | null {
  let best: number | null = null;
  for (const reward of rewards) {
    if (reward.kind !== "amount_off" || !reward.active) continue;
    const rate = reward.amountMinor / reward.pointsCost;
    if (best === null || rate > best) best = rate;
  }
  return best;
}
