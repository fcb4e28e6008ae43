// What to write to Shopify for a customer: metafields in the app's reserved namespace and the tier tag, only
// where the value differs from what was last written. The gateway batches the result (metafieldsSet, 25 per
// call, or a bulk mutation); a customer whose loyalty state did not change costs no API call at all.
import { formatMinorDecimal } from "../lib/money.ts";
import type { TierBasis } from "./tiers.ts";

/** The app-reserved namespace; shopify.app.toml declares [customer.metafields.app.<key>]. */
export const METAFIELD_NAMESPACE = "$app";

export const LOYALTY_METAFIELDS = {
  tier: "single_line_text_field",
  points_balance: "number_integer",
  next_tier: "single_line_text_field",
  /** Money bases (net spend, predicted value): what the customer must still spend, in shop currency. */
  amount_to_next_tier: "money",
  orders_to_next_tier: "number_integer",
  points_to_next_tier: "number_integer",
  referral_code: "single_line_text_field",
} as const;
export type LoyaltyMetafieldKey = keyof typeof LOYALTY_METAFIELDS;

export interface LoyaltyState {
  tierName: string | null;
  pointsBalance: number;
  nextTierName: string | null;
  /** In the ladder's basis unit: minor units, orders or points. null at the top tier. */
  amountToNextTier: number | null;
  referralCode: string | null;
}

export interface MetafieldWrite {
  namespace: typeof METAFIELD_NAMESPACE;
  key: LoyaltyMetafieldKey;
  type: (typeof LOYALTY_METAFIELDS)[LoyaltyMetafieldKey];
  value: string;
}

export interface WriteBackDiff {
  metafieldsToSet: MetafieldWrite[];
  /** Keys to delete (the value no longer applies, e.g. a member who reached the top has no next tier). */
  metafieldsToDelete: LoyaltyMetafieldKey[];
  tagsToAdd: string[];
  tagsToRemove: string[];
}

export const TIER_TAG_PREFIX = "tier:";

export function tierTag(tierName: string): string {
  return `${TIER_TAG_PREFIX}${tierName}`;
}

/** The metafield values a state should have; null where the metafield should not exist. */
export function desiredMetafields(state: LoyaltyState, basis: TierBasis, currencyCode: string): Map<LoyaltyMetafieldKey, string | null> {
  const amountKey: LoyaltyMetafieldKey =
    basis === "order_count" ? "orders_to_next_tier" : basis === "points_earned" ? "points_to_next_tier" : "amount_to_next_tier";
  const amount = state.amountToNextTier;
  const desired = new Map<LoyaltyMetafieldKey, string | null>([
    ["tier", state.tierName],
    ["points_balance", String(Math.trunc(state.pointsBalance))],
    ["next_tier", state.nextTierName],
    ["amount_to_next_tier", null],
    ["orders_to_next_tier", null],
    ["points_to_next_tier", null],
    ["referral_code", state.referralCode],
  ]);
  if (amount !== null && state.nextTierName !== null) {
    desired.set(
      amountKey,
      amountKey === "amount_to_next_tier"
        ? JSON.stringify({ amount: formatMinorDecimal(Math.ceil(amount), currencyCode), currency_code: currencyCode })
        : String(Math.ceil(amount)),
    );
  }
  return desired;
}

export interface WriteBackInput {
  /** Values last written (key → value), as stored after the previous successful write; empty at first. */
  written: ReadonlyMap<string, string>;
  /** The customer's current tags in Shopify (only `tier:` tags of known tiers are touched). */
  currentTags: readonly string[];
  state: LoyaltyState;
  basis: TierBasis;
  currencyCode: string;
  /** Every tier name the app may have tagged: the ladder's names and the last written tier name. */
  knownTierNames: readonly string[];
}

export function writeBackDiff(input: WriteBackInput): WriteBackDiff {
  const metafieldsToSet: MetafieldWrite[] = [];
  const metafieldsToDelete: LoyaltyMetafieldKey[] = [];
  for (const [key, value] of desiredMetafields(input.state, input.basis, input.currencyCode)) {
    const previous = input.written.get(key);
    if (value === null) {
      if (previous !== undefined) metafieldsToDelete.push(key);
    } else if (previous !== value) {
      metafieldsToSet.push({ namespace: METAFIELD_NAMESPACE, key, type: LOYALTY_METAFIELDS[key], value });
    }
  }

  // Tags compare without case, as Shopify's do; a merchant's own `tier:` tags that name no tier of ours stay.
  const wanted = input.state.tierName === null ? null : tierTag(input.state.tierName);
  const ours = new Set(input.knownTierNames.map((name) => tierTag(name).toLowerCase()));
  const tagsToRemove = input.currentTags.filter((tag) => {
    const folded = tag.toLowerCase();
    return ours.has(folded) && (wanted === null || folded !== wanted.toLowerCase());
  });
  const hasWanted = wanted !== null && input.currentTags.some((tag) => tag.toLowerCase() === wanted.toLowerCase());
  const tagsToAdd = wanted !== null && !hasWanted ? [wanted] : [];
  return { metafieldsToSet, metafieldsToDelete, tagsToAdd, tagsToRemove };
}

export function isEmptyDiff(diff: WriteBackDiff): boolean {
  return diff.metafieldsToSet.length + diff.metafieldsToDelete.length + diff.tagsToAdd.length + diff.tagsToRemove.length === 0;
}

/** The values to store once a diff was written successfully (the next diff compares against them). */
export function writtenAfter(written: ReadonlyMap<string, string>, diff: WriteBackDiff): Map<string, string> {
  const next = new Map(written);
  for (const write of diff.metafieldsToSet) next.set(write.key, write.value);
  for (const key of diff.metafieldsToDelete) next.delete(key);
  return next;
}
