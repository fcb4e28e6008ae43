// Tier definitions: one ladder of up to 10 tiers on one basis and window, each tier with its retention and perks.
//
// One basis per ladder because thresholds must be comparable to be "strictly increasing"; retention and perks
// per tier because merchants commonly protect their top tier longer than the first step.
import { z } from "zod";
import { formatMinorDecimal } from "../lib/money.ts";
import { daysInMonth } from "./days.ts";
import { messageKey as E, type LoyaltyMessageKey } from "./messages.ts";
import { hasAtMostDecimals, toHundredths, validateWith, type Validated } from "./validation.ts";

export const TIER_BASES = ["net_spend", "order_count", "points_earned", "predicted_clv"] as const;
export type TierBasis = (typeof TIER_BASES)[number];

export const TIER_WINDOWS = ["lifetime", "calendar_year", "rolling_12_months"] as const;
export type TierWindow = (typeof TIER_WINDOWS)[number];

export const MAX_TIERS = 10;

/** The "choose a window" message of each basis that takes one (predicted CLV takes none). */
const WINDOW_MESSAGE: Record<Exclude<TierBasis, "predicted_clv">, LoyaltyMessageKey> = {
  net_spend: "loyalty.error.tiers.windowNetSpend",
  order_count: "loyalty.error.tiers.windowOrderCount",
  points_earned: "loyalty.error.tiers.windowPointsEarned",
};

const retentionSchema = z
  .discriminatedUnion(
    "kind",
    [
      z.object({ kind: z.literal("immediate") }),
      z.object({
        kind: z.literal("grace_period"),
        days: z
          .number({ required_error: E("loyalty.error.tier.graceMissing"), invalid_type_error: E("loyalty.error.tier.graceNotNumber") })
          .int(E("loyalty.error.tier.graceNotWhole"))
          .min(1, E("loyalty.error.tier.graceTooShort"))
          .max(730, E("loyalty.error.tier.graceTooLong")),
      }),
      z.object({
        kind: z.literal("review_date"),
        month: z
          .number({ invalid_type_error: E("loyalty.error.tier.reviewMonth") })
          .int(E("loyalty.error.tier.reviewMonth"))
          .min(1, E("loyalty.error.tier.reviewMonthRange"))
          .max(12, E("loyalty.error.tier.reviewMonthRange")),
        day: z
          .number({ invalid_type_error: E("loyalty.error.tier.reviewDay") })
          .int(E("loyalty.error.tier.reviewDay"))
          .min(1, E("loyalty.error.tier.reviewDayRange"))
          .max(31, E("loyalty.error.tier.reviewDayRange")),
      }),
    ],
    { errorMap: () => ({ message: E("loyalty.error.tier.retentionKind") }) },
  )
  .superRefine((value, ctx) => {
    if (value.kind !== "review_date") return;
    if (value.month === 2 && value.day === 29) {
      ctx.addIssue({ code: "custom", path: ["day"], message: E("loyalty.error.tier.leapDay") });
    } else if (value.day > daysInMonth(2001, value.month)) {
      ctx.addIssue({
        code: "custom",
        path: ["day"],
        message: E("loyalty.error.tier.monthDays"),
        params: { days: daysInMonth(2001, value.month) },
      });
    }
  });

const perksSchema = z.object({
  percentOff: z
    .number({ invalid_type_error: E("loyalty.error.tier.percentNotNumber") })
    .min(0, E("loyalty.error.tier.percentNegative"))
    .max(100, E("loyalty.error.tier.percentTooHigh"))
    .refine((value) => hasAtMostDecimals(value, 2), E("loyalty.error.tier.percentDecimals"))
    .default(0),
  /**
   * The percentage off as a Shopify automatic discount for the tier's customer segment (kept in step by the
   * tier-discount job). Optional rather than defaulted: ladders saved before it existed read as "off".
   */
  automaticDiscount: z.boolean({ invalid_type_error: E("loyalty.error.tier.automaticDiscount") }).optional(),
  pointsMultiplier: z
    .number({ invalid_type_error: E("loyalty.error.tier.multiplierNotNumber") })
    .min(1, E("loyalty.error.tier.multiplierTooLow"))
    .max(10, E("loyalty.error.tier.multiplierTooHigh"))
    .refine((value) => hasAtMostDecimals(value, 2), E("loyalty.error.tier.multiplierDecimals"))
    .default(1),
  freeShipping: z.boolean({ invalid_type_error: E("loyalty.error.tier.freeShipping") }).default(false),
  description: z
    .string({ invalid_type_error: E("loyalty.error.tier.descriptionNotText") })
    .trim()
    .max(200, E("loyalty.error.tier.descriptionTooLong"))
    .default(""),
});

const tierSchema = z.object({
  /** Stable identity across renames (ledger, tier changes and write-back refer to it). */
  id: z
    .string({ required_error: E("loyalty.error.tier.idMissing") })
    .min(1, E("loyalty.error.tier.idMissing"))
    .max(64, E("loyalty.error.tier.idTooLong")),
  name: z
    .string({ required_error: E("loyalty.error.tier.nameMissing"), invalid_type_error: E("loyalty.error.tier.nameMissing") })
    .trim()
    .min(1, E("loyalty.error.tier.nameMissing"))
    .max(40, E("loyalty.error.tier.nameTooLong"))
    // The name becomes the customer tag tier:<name>; Shopify splits tags on commas.
    .refine((name) => !name.includes(","), E("loyalty.error.tier.nameComma")),
  threshold: z
    .number({ required_error: E("loyalty.error.tier.thresholdMissing"), invalid_type_error: E("loyalty.error.tier.thresholdNotNumber") })
    .int(E("loyalty.error.tier.thresholdNotWhole"))
    .min(0, E("loyalty.error.tier.thresholdNegative"))
    .max(Number.MAX_SAFE_INTEGER, E("loyalty.error.tier.thresholdTooLarge")),
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
        errorMap: () => ({ message: E("loyalty.error.tiers.basis") }),
      }),
      window: z.enum(TIER_WINDOWS, { errorMap: () => ({ message: E("loyalty.error.tiers.window") }) }).nullable(),
      tiers: z
        .array(tierSchema, { required_error: E("loyalty.error.tiers.none"), invalid_type_error: E("loyalty.error.tiers.none") })
        .min(1, E("loyalty.error.tiers.none"))
        .max(MAX_TIERS, { message: E("loyalty.error.tiers.tooMany") }),
    })
    .superRefine((program, ctx) => {
      if (program.basis === "predicted_clv" && program.window !== null) {
        ctx.addIssue({
          code: "custom",
          path: ["window"],
          message: E("loyalty.error.tiers.windowNone"),
        });
      }
      if (program.basis !== "predicted_clv" && program.window === null) {
        ctx.addIssue({
          code: "custom",
          path: ["window"],
          message: WINDOW_MESSAGE[program.basis],
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
            message: E("loyalty.error.tiers.nameTaken"),
            params: { index: first + 1, name: program.tiers[first].name },
          });
        } else {
          names.set(folded, index);
        }
        if (ids.has(tier.id))
          ctx.addIssue({
            code: "custom",
            path: ["tiers", index, "id"],
            message: E("loyalty.error.tiers.idTaken"),
            params: { id: tier.id },
          });
        ids.add(tier.id);
        if (index > 0) {
          const below = program.tiers[index - 1];
          if (tier.threshold <= below.threshold) {
            const unit = notAboveMessage(program.basis, below.threshold, currencyCode);
            ctx.addIssue({
              code: "custom",
              path: ["tiers", index, "threshold"],
              message: unit.message,
              params: { tier: tier.name || `#${index + 1}`, below: below.name || `#${index}`, ...unit.params },
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

/** "Gold must need more than Silver (…)": the key of the ladder's unit, with the threshold below. */
function notAboveMessage(basis: TierBasis, threshold: number, currencyCode: string) {
  if (basis === "net_spend" || basis === "predicted_clv")
    return { message: E("loyalty.error.tiers.notAboveAmount"), params: { amount: formatThreshold(basis, threshold, currencyCode) } };
  const message = basis === "order_count" ? E("loyalty.error.tiers.notAboveOrders") : E("loyalty.error.tiers.notAbovePoints");
  return { message, params: { count: threshold } };
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
