// The merchant's retention settings: when a customer counts as slipping, and from what value they are worth
// a flag. Definitions in docs/retention.md ("At-risk detection").
import { z } from "zod";
import { validateWith, type Validated } from "../loyalty/validation.ts";

const share = (label: string) =>
  z
    .number({ required_error: `Enter ${label}`, invalid_type_error: `${label} must be a number` })
    .gt(0, `${label} must be more than 0 %`)
    .lt(1, `${label} must be less than 100 %`);

export const retentionSettingsSchema = z.object({
  /** Flag when the chance the customer is still active is below this (0–1). */
  probabilityAliveThreshold: share("The at-risk threshold").default(0.5),
  /** Flag when P(alive) fell by at least this much (0–1, in absolute points) since the previous model update. */
  sharpDrop: share("The sharp drop").default(0.3),
  /** Flag only customers with at least this much value at stake (minor units of the shop currency). */
  minValueAtStakeMinor: z
    .number({ invalid_type_error: "The minimum value at stake must be an amount" })
    .int("The minimum value at stake must be a whole amount in the currency's smallest unit")
    .min(0, "The minimum value at stake cannot be negative")
    .max(Number.MAX_SAFE_INTEGER, "The minimum value at stake is too large")
    .default(0),
  /**
   * A customer silent for longer than this (days), or than 3 of their own usual gaps when that is longer, is
   * lost rather than slipping: win-back of long-gone customers is a different campaign, and they would
   * otherwise fill the top of the list for ever.
   */
  lostAfterDays: z
    .number({ invalid_type_error: "Lost after must be a number of days" })
    .int("Lost after must be a whole number of days")
    .min(30, "Lost after must be at least 30 days")
    .max(3650, "Lost after can be at most 3,650 days")
    .default(365),
  /** One-time buyers are judged by the shop's repeat rhythm (the model cannot judge them): on by default. */
  includeOneTimeBuyers: z.boolean({ invalid_type_error: "Choose whether one-time buyers are watched" }).default(true),
});

export type RetentionSettings = z.output<typeof retentionSettingsSchema>;
export type RetentionSettingsInput = z.input<typeof retentionSettingsSchema>;

export const DEFAULT_RETENTION_SETTINGS: RetentionSettings = retentionSettingsSchema.parse({});

export function validateRetentionSettings(input: unknown): Validated<RetentionSettings> {
  return validateWith(retentionSettingsSchema, input);
}

/** Settings from trusted code (tests, jobs): defaults filled, invalid values throw a RangeError. */
export function retentionSettings(input: RetentionSettingsInput = {}): RetentionSettings {
  const result = validateRetentionSettings(input);
  if (!result.ok) throw new RangeError(result.errors.map((error) => `${error.path}: ${error.message}`).join("; "));
  return result.value;
}
