// Referrals: a member's code gives a friend a discount on their first order; the member earns a reward once
// that order has outlived the refund window. Every rule here is a guard against paying for nothing.
import { createHash } from "node:crypto";
import { z } from "zod";
import { civilDateOf, shopDayOf } from "./days.ts";
import type { LedgerEntry } from "./ledger.ts";
import { messageKey as E } from "./messages.ts";
import { validateWith, type Validated } from "./validation.ts";

const DAY_MS = 86_400_000;

export const referralSettingsSchema = z.object({
  enabled: z.boolean({ invalid_type_error: E("loyalty.error.referral.enabled") }),
  referrerRewardPoints: z
    .number({ required_error: E("loyalty.error.referral.pointsMissing"), invalid_type_error: E("loyalty.error.referral.pointsNotNumber") })
    .int(E("loyalty.error.referral.pointsNotWhole"))
    .min(1, E("loyalty.error.referral.pointsTooLow"))
    .max(1_000_000, E("loyalty.error.referral.pointsTooHigh")),
  /** Days after the friend's order before the reward is paid (the shop's refund window). */
  refundWindowDays: z
    .number({ invalid_type_error: E("loyalty.error.referral.windowNotNumber") })
    .int(E("loyalty.error.referral.windowNotWhole"))
    .min(0, E("loyalty.error.referral.windowNegative"))
    .max(365, E("loyalty.error.referral.windowTooLong"))
    .default(14),
  /** Rewards per referrer per calendar month (shop time zone); null for no cap. */
  monthlyCapPerReferrer: z
    .number({ invalid_type_error: E("loyalty.error.referral.capNotNumber") })
    .int(E("loyalty.error.referral.capNotWhole"))
    .min(1, E("loyalty.error.referral.capTooLow"))
    .max(1000, E("loyalty.error.referral.capTooHigh"))
    .nullable()
    .default(null),
});

export type ReferralSettings = z.infer<typeof referralSettingsSchema>;

export function validateReferralSettings(input: unknown): Validated<ReferralSettings> {
  return validateWith(referralSettingsSchema, input);
}

export interface PostalAddress {
  address1: string | null;
  address2: string | null;
  city: string | null;
  provinceCode: string | null;
  zip: string | null;
  countryCode: string | null;
}

export interface ReferralParty {
  customerId: string;
  email: string | null;
  defaultAddress: PostalAddress | null;
}

export interface ReferredOrder {
  orderId: string;
  processedAtMs: number;
  paid: boolean;
  test: boolean;
  cancelled: boolean;
  fullyRefunded: boolean;
}

export interface ReferralDecisionInput {
  settings: ReferralSettings;
  referrer: ReferralParty;
  buyer: ReferralParty;
  order: ReferredOrder;
  /** Paid, uncancelled, non-test orders the buyer placed before this one. */
  buyerEarlierPaidOrders: number;
  /** A referral reward already exists for this buyer (from any referrer). */
  buyerAlreadyRewarded: boolean;
  /** Month keys (referralMonth) of the referrer's rewarded referrals. */
  referrerRewardMonths: readonly string[];
  nowMs: number;
  timeZone: string;
}

export type ReferralRejection =
  | "program_off"
  | "self_referral"
  | "same_email"
  | "same_address"
  | "repeat_buyer"
  | "already_rewarded"
  | "not_paid"
  | "test_order"
  | "cancelled"
  | "fully_refunded"
  | "monthly_cap_reached";

export type ReferralDecision =
  | { decision: "reward"; entry: LedgerEntry; month: string }
  /** untilMs null: wait for the order to change (it is not paid yet). */
  | { decision: "wait"; untilMs: number | null }
  | { decision: "reject"; reason: ReferralRejection };

/**
 * Decides a referral reward. Rejections that cannot change (self-referral, repeat buyer, cancelled…) come
 * first; then the refund window ("wait" until it passes, the order may still be refunded); then the cap,
 * counted in the month of the friend's order so that the answer does not depend on when the job runs.
 */
export function decideReferralReward(input: ReferralDecisionInput): ReferralDecision {
  const { settings, referrer, buyer, order } = input;
  if (!settings.enabled) return { decision: "reject", reason: "program_off" };
  if (referrer.customerId === buyer.customerId) return { decision: "reject", reason: "self_referral" };
  const referrerEmail = normalizeEmail(referrer.email);
  if (referrerEmail !== null && referrerEmail === normalizeEmail(buyer.email)) return { decision: "reject", reason: "same_email" };
  const referrerAddress = normalizeAddress(referrer.defaultAddress);
  if (referrerAddress !== null && referrerAddress === normalizeAddress(buyer.defaultAddress))
    return { decision: "reject", reason: "same_address" };
  if (input.buyerEarlierPaidOrders > 0) return { decision: "reject", reason: "repeat_buyer" };
  if (input.buyerAlreadyRewarded) return { decision: "reject", reason: "already_rewarded" };
  if (order.test) return { decision: "reject", reason: "test_order" };
  if (order.cancelled) return { decision: "reject", reason: "cancelled" };
  if (order.fullyRefunded) return { decision: "reject", reason: "fully_refunded" };
  if (!order.paid) return { decision: "wait", untilMs: null };
  const dueMs = order.processedAtMs + settings.refundWindowDays * DAY_MS;
  if (input.nowMs < dueMs) return { decision: "wait", untilMs: dueMs };
  const month = referralMonth(order.processedAtMs, input.timeZone);
  const cap = settings.monthlyCapPerReferrer;
  if (cap !== null && input.referrerRewardMonths.filter((rewarded) => rewarded === month).length >= cap) {
    return { decision: "reject", reason: "monthly_cap_reached" };
  }
  return {
    decision: "reward",
    month,
    entry: {
      // One reward per referred customer, enforced again by the ledger's unique key.
      key: `referral:${buyer.customerId}`,
      customerId: referrer.customerId,
      kind: "referral",
      points: settings.referrerRewardPoints,
      source: { type: "referral", referredCustomerId: buyer.customerId, orderId: order.orderId },
      ruleVersionId: null,
      effectiveAtMs: dueMs,
    },
  };
}

/** "YYYY-MM" of an instant in the shop's time zone. */
export function referralMonth(instantMs: number, timeZone: string): string {
  const { year, month } = civilDateOf(shopDayOf(instantMs, timeZone));
  return `${year}-${String(month).padStart(2, "0")}`;
}

/** Emails compare without case or surrounding spaces; null when absent (redacted data proves nothing). */
export function normalizeEmail(email: string | null): string | null {
  const normalized = email?.trim().toLowerCase() ?? "";
  return normalized.length > 0 ? normalized : null;
}

/**
 * An address as a comparable string: accents, case, punctuation and spacing removed, postcode without spaces.
 * null without a first address line, because a city or country alone is shared by many honest customers.
 */
export function normalizeAddress(address: PostalAddress | null): string | null {
  if (!address) return null;
  const fold = (text: string | null) =>
    (text ?? "")
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ")
      .trim();
  const line1 = fold(address.address1);
  if (line1.length === 0) return null;
  const zip = fold(address.zip).replace(/ /g, "");
  return [line1, fold(address.address2), fold(address.city), fold(address.provinceCode), zip, fold(address.countryCode)].join("|");
}

const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // no 0/O, 1/I: codes are read aloud and typed

/**
 * A member's referral code, derived from the customer id and a per-shop salt: stable (the same code every
 * time it is computed, so creating it lazily twice cannot make two) and not guessable from the id alone.
 */
export function referralCode(customerId: string, shopSalt: string): string {
  const digest = createHash("sha256").update(`${shopSalt}\u0000${customerId}`).digest();
  let code = "";
  for (let i = 0; i < 8; i++) code += CODE_ALPHABET[digest[i] % CODE_ALPHABET.length];
  return `REF-${code}`;
}
