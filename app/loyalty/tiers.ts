// Tier definitions: one ladder of up to 10 tiers on one basis and window, each tier with its retention and perks.
//
// One basis per ladder because thresholds must be comparable to be "strictly increasing"; retention and perks
// per tier because merchants commonly protect their top tier longer than the first step.
import { z } from "zod";
import { formatMinorDecimal } from "../lib/money.ts";
import { daysInMonth } from "./days.ts";
import { hasAtMostDecimals, toHundredths, validateWith, type Validated } from "./validation.ts";

export const TIER_BASES = ["net_spend", "order_count", "points_earned", "predicted_clv"] as const;
export type TierBasis = (typeof TIER_BASES)[number];

export const TIER_WINDOWS = ["lifetime", "calendar_year", "rolling_12_months"] as const;
export type TierWindow = (typeof TIER_WINDOWS)[number];

export const MAX_TIERS = 10;

const BASIS_LABELS: Record<TierBasis, string> = {
  net_spend: "net spend",
  order_count: "number of orders",
  points_earned: "points earned",
  predicted_clv: "predicted 12-month value",
};

const retentionSchema = z
  .discriminatedUnion(
    "kind",
    [
      z.object({ kind: z.literal("immediate") }),
      z.object({
        kind: z.literal("grace_period"),
        days: z
          .number({ required_error: "Enter the grace period in days", invalid_type_error: "The grace period must be a number of days" })
          .int("The grace period must be a whole number of days")
          .min(1, "The grace period must be at least 1 day")
          .max(730, "The grace period can be at most 730 days"),
      }),
      z.object({
        kind: z.literal("review_date"),
        month: z
          .number({ invalid_type_error: "Choose the review month" })
          .int("Choose the review month")
          .min(1, "Choose a month from 1 to 12")
          .max(12, "Choose a month from 1 to 12"),
        day: z
          .number({ invalid_type_error: "Choose the review day" })
          .int("Choose the review day")
          .min(1, "Choose a day of the month")
          .max(31, "Choose a day of the month"),
      }),
    ],
    { errorMap: () => ({ message: "Choose how members keep the tier: demote at once, a grace period, or a review date" }) },
  )
  .superRefine((value, ctx) => {
    if (value.kind !== "review_date") return;
    if (value.month === 2 && value.day === 29) {
      ctx.addIssue({ code: "custom", path: ["day"], message: "29 February is not in every year: choose 28 February or 1 March" });
    } else if (value.day > daysInMonth(2001, value.month)) {
      ctx.addIssue({ code: "custom", path: ["day"], message: `That month has only ${daysInMonth(2001, value.month)} days` });
    }
  });

const perksSchema = z.object({
  percentOff: z
    .number({ invalid_type_error: "The discount must be a percentage" })
    .min(0, "The discount cannot be negative")
    .max(100, "The discount can be at most 100%")
    .refine((value) => hasAtMostDecimals(value, 2), "The discount can have at most 2 decimals")
    .default(0),
  pointsMultiplier: z
    .number({ invalid_type_error: "The points multiplier must be a number" })
    .min(1, "The points multiplier must be at least 1×")
    .max(10, "The points multiplier can be at most 10×")
    .refine((value) => hasAtMostDecimals(value, 2), "The points multiplier can have at most 2 decimals")
    .default(1),
  freeShipping: z.boolean({ invalid_type_error: "Free shipping must be on or off" }).default(false),
  description: z
    .string({ invalid_type_error: "The description must be text" })
    .trim()
    .max(200, "Keep the description under 200 characters")
    .default(""),
});

const tierSchema = z.object({
  /** Stable identity across renames (ledger, tier changes and write-back refer to it). */
  id: z.string({ required_error: "The tier has no id" }).min(1, "The tier has no id").max(64, "The tier id is too long"),
  name: z
    .string({ required_error: "Name the tier", invalid_type_error: "Name the tier" })
    .trim()
    .min(1, "Name the tier")
    .max(40, "Keep the name under 40 characters")
    // The name becomes the customer tag tier:<name>; Shopify splits tags on commas.
    .refine((name) => !name.includes(","), "A tier name cannot contain a comma (it becomes a customer tag)"),
  threshold: z
    .number({ required_error: "Enter the threshold", invalid_type_error: "The threshold must be a number" })
    .int("The threshold must be a whole number (amounts in the currency's smallest unit)")
    .min(0, "The threshold cannot be negative")
    .max(Number.MAX_SAFE_INTEGER, "The threshold is too large"),
  retention: retentionSchema.default({ kind: "immediate" }),
  perks: perksSchema.default({}),
});

export type TierRetention = z.infer<typeof retentionSchema>;
export type TierPerks = z.infer<typeof perksSchema>;
export type TierDefinition = z.infer<typeof tierSchema>;

/** Builds the schema; the currency only shapes messages ("Gold must need more than Silver's 500.00"). */
export function tierProgramSchema(currencyCode: string) {
  return z
    .object({
      basis: z.enum(TIER_BASES, {
        errorMap: () => ({ message: "Choose what tiers count: net spend, number of orders, points earned or predicted 12-month value" }),
      }),
      window: z
        .enum(TIER_WINDOWS, { errorMap: () => ({ message: "Choose the window: lifetime, calendar year or rolling 12 months" }) })
        .nullable(),
      tiers: z
        .array(tierSchema, { required_error: "Add at least one tier", invalid_type_error: "Add at least one tier" })
        .min(1, "Add at least one tier")
        .max(MAX_TIERS, `A program has at most ${MAX_TIERS} tiers`),
    })
    .superRefine((program, ctx) => {
      if (program.basis === "predicted_clv" && program.window !== null) {
        ctx.addIssue({
          code: "custom",
          path: ["window"],
          message: "Predicted 12-month value already looks one year ahead: it takes no window",
        });
      }
      if (program.basis !== "predicted_clv" && program.window === null) {
        ctx.addIssue({
          code: "custom",
          path: ["window"],
          message: `Choose the window over which ${BASIS_LABELS[program.basis]} is counted`,
        });
      }
      const names = new Map<string, number>();
      const ids = new Set<string>();
      program.tiers.forEach((tier, index) => {
        const folded = tier.name.toLowerCase(); // tags are case-insensitive in Shopify
        const first = names.get(folded);
        if (first !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["tiers", index, "name"],
            message: `Tier ${first + 1} is already called "${program.tiers[first].name}"`,
          });
        } else {
          names.set(folded, index);
        }
        if (ids.has(tier.id))
          ctx.addIssue({ code: "custom", path: ["tiers", index, "id"], message: `Two tiers share the id "${tier.id}"` });
        ids.add(tier.id);
        if (index > 0) {
          const below = program.tiers[index - 1];
          if (tier.threshold <= below.threshold) {
            ctx.addIssue({
              code: "custom",
              path: ["tiers", index, "threshold"],
              message: `${tier.name || `Tier ${index + 1}`} must need more than ${below.name || `tier ${index}`} (${formatThreshold(program.basis, below.threshold, currencyCode)})`,
            });
          }
        }
      });
    });
}

export type TierProgram = z.infer<ReturnType<typeof tierProgramSchema>>;
export type TierProgramInput = z.input<ReturnType<typeof tierProgramSchema>>;

export function validateTierProgram(input: unknown, currencyCode: string): Validated<TierProgram> {
  return validateWith(tierProgramSchema(currencyCode), input);
}

/** A threshold as the merchant reads it: money in the shop currency, counts and points as numbers. */
export function formatThreshold(basis: TierBasis, threshold: number, currencyCode: string): string {
  if (basis === "net_spend" || basis === "predicted_clv") return `${formatMinorDecimal(threshold, currencyCode)} ${currencyCode}`;
  return `${threshold} ${basis === "order_count" ? (threshold === 1 ? "order" : "orders") : "points"}`;
}

export const RETENTION_IMMEDIATE = 0;
export const RETENTION_GRACE = 1;
export const RETENTION_REVIEW = 2;

/** A validated program in arrays, for the evaluation loop (no object lookups per customer). */
export interface TierLadder {
  basis: TierBasis;
  window: TierWindow | null;
  size: number;
  ids: readonly string[];
  names: readonly string[];
  thresholds: Float64Array;
  retentionKind: Uint8Array;
  graceDays: Int32Array;
  reviewMonth: Uint8Array;
  reviewDay: Uint8Array;
  multiplierHundredths: Int32Array;
}

export function compileLadder(program: TierProgram): TierLadder {
  const size = program.tiers.length;
  const ladder: TierLadder = {
    basis: program.basis,
    window: program.window,
    size,
    ids: program.tiers.map((tier) => tier.id),
    names: program.tiers.map((tier) => tier.name),
    thresholds: Float64Array.from(program.tiers, (tier) => tier.threshold),
    retentionKind: new Uint8Array(size),
    graceDays: new Int32Array(size),
    reviewMonth: new Uint8Array(size),
    reviewDay: new Uint8Array(size),
    multiplierHundredths: Int32Array.from(program.tiers, (tier) => toHundredths(tier.perks.pointsMultiplier)),
  };
  program.tiers.forEach((tier, index) => {
    const retention = tier.retention;
    if (retention.kind === "grace_period") {
      ladder.retentionKind[index] = RETENTION_GRACE;
      ladder.graceDays[index] = retention.days;
    } else if (retention.kind === "review_date") {
      ladder.retentionKind[index] = RETENTION_REVIEW;
      ladder.reviewMonth[index] = retention.month;
      ladder.reviewDay[index] = retention.day;
    }
  });
  return ladder;
}

/** Index of the tier with this id in the ladder, or -1 (a tier deleted by an edit). */
export function tierIndexOf(ladder: TierLadder, tierId: string | null): number {
  return tierId === null ? -1 : ladder.ids.indexOf(tierId);
}
