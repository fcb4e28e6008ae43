// Optional win-back offer: who gets a single-use, expiring discount code, and the code itself. Runs as a
// holdout experiment (app/experiments) so the merchant sees whether the discount paid for itself. Codes
// are derived, not stored-then-random: HMAC-SHA256 with the app's secret over (shop, customer, episode),
// so a retried job produces the same code (the duplicate create is harmless) and nobody without the secret
// can guess another customer's code. Definitions: docs/retention.md ("Win-back offer").
import { createHmac } from "node:crypto";
import { z } from "zod";
import { isoDateOfDayNumber } from "../clv/time-zone.ts";
import { liquidCustomerId } from "../experiments/assignment.ts";
import { exposureOf, type ExperimentDefinition, type Exposure } from "../experiments/exposures.ts";
import { validateWith, type Validated } from "../loyalty/validation.ts";

export const WIN_BACK_EXPERIMENT_KEY = "win-back";

const discountSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("percentage"),
    percent: z
      .number({ invalid_type_error: "The discount must be a number" })
      .int("The discount must be a whole percentage")
      .min(1, "The discount must be at least 1 %")
      .max(100, "The discount can be at most 100 %"),
  }),
  z.object({
    kind: z.literal("fixed_amount"),
    amountMinor: z
      .number({ invalid_type_error: "The amount must be a number" })
      .int("The amount must be whole in the currency's smallest unit")
      .min(1, "The amount must be more than 0")
      .max(Number.MAX_SAFE_INTEGER, "The amount is too large"),
  }),
]);

export const winBackSettingsSchema = z.object({
  enabled: z.boolean({ invalid_type_error: "Choose whether win-back codes are offered" }).default(false),
  /** Offer a code only from this much value at stake (minor units); the at-risk minimum applies anyway. */
  minValueAtStakeMinor: z.number().int("The minimum must be a whole amount").min(0, "The minimum cannot be negative").default(0),
  /** Days a code can be used, counting the day it is issued. */
  validDays: z
    .number()
    .int("Days must be a whole number")
    .min(1, "A code must be valid for at least 1 day")
    .max(365, "A code can be valid for at most 365 days")
    .default(30),
  /** No new code within this many days of the previous one: customers should not learn that lapsing pays. */
  minDaysBetweenOffers: z
    .number()
    .int("Days must be a whole number")
    .min(0, "Days cannot be negative")
    .max(3650, "At most 3,650 days")
    .default(180),
  codePrefix: z
    .string()
    .regex(/^[A-Z0-9]{1,8}$/, "The prefix is 1–8 capital letters or digits")
    .default("WB"),
  discount: discountSchema.default({ kind: "percentage", percent: 15 }),
});

export type WinBackSettings = z.output<typeof winBackSettingsSchema>;
export type WinBackDiscount = z.output<typeof discountSchema>;

export function validateWinBackSettings(input: unknown): Validated<WinBackSettings> {
  return validateWith(winBackSettingsSchema, input);
}

// Crockford's base 32: no I, L, O or U, so a code read aloud or retyped is not mistaken.
const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_GROUPS = 3;
const GROUP_LENGTH = 4;
const MIN_SECRET_LENGTH = 32;

/**
 * The code for a customer's at-risk episode: PREFIX-XXXX-XXXX-XXXX, 60 bits of HMAC-SHA256(secret,
 * shop + customer id + episode start day). Deterministic for the same inputs; without the secret a guess
 * succeeds with probability 2⁻⁶⁰.
 */
export function winBackCode(input: { secret: string; shop: string; customerId: string; episodeStartDay: number; prefix: string }): string {
  if (input.secret.length < MIN_SECRET_LENGTH) throw new RangeError(`the win-back secret must be at least ${MIN_SECRET_LENGTH} characters`);
  if (input.shop.length === 0 || input.shop.includes("\n")) throw new RangeError("the shop must be a non-empty domain");
  if (!Number.isInteger(input.episodeStartDay)) throw new RangeError("the episode start must be a day number");
  const message = `win-back\n${input.shop}\n${liquidCustomerId(input.customerId)}\n${input.episodeStartDay}`;
  const digest = createHmac("sha256", input.secret).update(message, "utf8").digest();
  const bits = digest.readBigUInt64BE(0) >> 4n; // the top 60 bits, written most significant digit first
  const characters: string[] = [];
  for (let k = CODE_GROUPS * GROUP_LENGTH - 1; k >= 0; k--) characters.push(CODE_ALPHABET[Number((bits >> BigInt(5 * k)) & 31n)]);
  const groups: string[] = [];
  for (let g = 0; g < CODE_GROUPS; g++) groups.push(characters.slice(g * GROUP_LENGTH, (g + 1) * GROUP_LENGTH).join(""));
  return `${input.prefix}-${groups.join("-")}`;
}

export interface WinBackOffer {
  code: string;
  customerId: string;
  episodeStartDay: number;
  issuedDay: number;
  /** Last local day the code works; expiresOn is its ISO date (the metafield the merchant's email reads). */
  lastValidDay: number;
  expiresOn: string;
  /** The discount's endsAt is the start of this local day in the shop's zone (startOfDayInZone). */
  endsAtDay: number;
  discount: WinBackDiscount;
  /** Single use, by this customer only (discountCodeBasicCreate: usageLimit 1, appliesOncePerCustomer, context customers). */
  usageLimit: 1;
}

/** What the app remembers of the customer's last win-back decision. */
export interface WinBackRecord {
  episodeStartDay: number;
  arm: "treatment" | "holdout";
  /** Null in the holdout arm. */
  code: string | null;
  issuedDay: number;
  lastValidDay: number;
}

export interface WinBackInput {
  settings: WinBackSettings;
  experiment: ExperimentDefinition;
  secret: string;
  shop: string;
  customerId: string;
  atRisk: boolean;
  /** Start of the current at-risk episode (AtRiskResult.atRiskSinceDay). */
  atRiskSinceDay: number;
  valueAtStakeMinor: number;
  today: number;
  nowMs: number;
  last: WinBackRecord | null;
}

export type WinBackDecision =
  | { action: "issue"; offer: WinBackOffer; exposure: Exposure; record: WinBackRecord }
  /** Holdout arm: no code, but the exposure is recorded by the same rule as the treatment's. */
  | { action: "hold_out"; exposure: Exposure; record: WinBackRecord }
  /** This episode was already decided (its code, or its holdout, stands). */
  | { action: "keep" }
  | { action: "none"; reason: "disabled" | "not_at_risk" | "below_minimum" | "live_code" | "recent_offer" | "outside_experiment" };

export function decideWinBack(input: WinBackInput): WinBackDecision {
  const { settings, last } = input;
  if (!settings.enabled) return { action: "none", reason: "disabled" };
  if (!input.atRisk) return { action: "none", reason: "not_at_risk" };
  if (last !== null && last.episodeStartDay === input.atRiskSinceDay) return { action: "keep" };
  if (input.valueAtStakeMinor < settings.minValueAtStakeMinor) return { action: "none", reason: "below_minimum" };
  if (last !== null && last.code !== null) {
    if (last.lastValidDay >= input.today) return { action: "none", reason: "live_code" };
    if (input.today - last.issuedDay < settings.minDaysBetweenOffers) return { action: "none", reason: "recent_offer" };
  }
  const exposure = exposureOf(input.experiment, input.customerId, input.nowMs);
  if (exposure === null) return { action: "none", reason: "outside_experiment" };
  const issuedDay = input.today;
  const lastValidDay = issuedDay + settings.validDays - 1;
  if (exposure.arm === "holdout") {
    return {
      action: "hold_out",
      exposure,
      record: { episodeStartDay: input.atRiskSinceDay, arm: "holdout", code: null, issuedDay, lastValidDay },
    };
  }
  const code = winBackCode({
    secret: input.secret,
    shop: input.shop,
    customerId: input.customerId,
    episodeStartDay: input.atRiskSinceDay,
    prefix: settings.codePrefix,
  });
  return {
    action: "issue",
    offer: {
      code,
      customerId: exposure.customerId,
      episodeStartDay: input.atRiskSinceDay,
      issuedDay,
      lastValidDay,
      expiresOn: isoDateOfDayNumber(lastValidDay),
      endsAtDay: issuedDay + settings.validDays,
      discount: settings.discount,
      usageLimit: 1,
    },
    exposure,
    record: { episodeStartDay: input.atRiskSinceDay, arm: "treatment", code, issuedDay, lastValidDay },
  };
}

/** The code to show in the customer's metafields today: the record's code while it is valid, else null. */
export function liveWinBackCode(record: WinBackRecord | null, today: number): { code: string; expiresOn: string } | null {
  if (record === null || record.code === null || record.lastValidDay < today) return null;
  return { code: record.code, expiresOn: isoDateOfDayNumber(record.lastValidDay) };
}
