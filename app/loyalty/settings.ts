// Program settings and their versions.
//
// Every save creates a new rule version with the instant it takes effect. An order earns under the version
// in force at its processed_at, whenever its webhook arrives, and its reversals reuse the version recorded
// on its earn entry: so a rule edit never changes what was already awarded, and a late or redelivered
// webhook lands on the same figures as a timely one.
import { z } from "zod";
import { currencyDigits } from "../lib/money.ts";
import { englishMessage, messageKey as E } from "./messages.ts";
import { hasAtMostDecimals, validateWith, type Validated } from "./validation.ts";

export const ROUNDING_MODES = ["down", "nearest", "up"] as const;
export type RoundingMode = (typeof ROUNDING_MODES)[number];

const wholePoints = (bonus: "accountCreation" | "birthday") =>
  z
    .number({
      required_error: E(`loyalty.error.settings.${bonus}Missing`),
      invalid_type_error: E(`loyalty.error.settings.${bonus}NotNumber`),
    })
    .int(E(`loyalty.error.settings.${bonus}NotWhole`))
    .min(1, E(`loyalty.error.settings.${bonus}TooLow`))
    .max(1_000_000, E(`loyalty.error.settings.${bonus}TooHigh`));

export const earningRuleSchema = z.object({
  pointsPerCurrencyUnit: z
    .number({
      required_error: E("loyalty.error.settings.pointsMissing"),
      invalid_type_error: E("loyalty.error.settings.pointsNotNumber"),
    })
    .positive(E("loyalty.error.settings.pointsNotPositive"))
    .max(1000, E("loyalty.error.settings.pointsTooMany"))
    .refine((value) => hasAtMostDecimals(value, 2), E("loyalty.error.settings.pointsDecimals")),
  rounding: z.enum(ROUNDING_MODES, { errorMap: () => ({ message: E("loyalty.error.settings.rounding") }) }).default("down"),
  /** Only orders whose payment was captured earn (financial status paid, partially refunded or refunded). */
  requirePaid: z.boolean({ invalid_type_error: E("loyalty.error.settings.requirePaid") }).default(true),
  /** Test orders earn only when the merchant asks (useful on a development store). Cancelled orders never earn. */
  includeTestOrders: z.boolean({ invalid_type_error: E("loyalty.error.settings.includeTestOrders") }).default(false),
  /** Orders whose net merchandise value as placed is below this (minor units) earn nothing. */
  minimumOrderMinor: z
    .number({ invalid_type_error: E("loyalty.error.settings.minimumNotAmount") })
    .int(E("loyalty.error.settings.minimumNotWhole"))
    .min(0, E("loyalty.error.settings.minimumNegative"))
    .max(Number.MAX_SAFE_INTEGER, E("loyalty.error.settings.minimumTooLarge"))
    .nullable()
    .default(null),
});

export const bonusesSchema = z.object({
  accountCreationPoints: wholePoints("accountCreation").nullable().default(null),
  birthdayPoints: wholePoints("birthday").nullable().default(null),
});

export const expirySchema = z.object({
  monthsWithoutOrder: z
    .number({ required_error: E("loyalty.error.settings.expiryMissing"), invalid_type_error: E("loyalty.error.settings.expiryNotNumber") })
    .int(E("loyalty.error.settings.expiryNotWhole"))
    .min(1, E("loyalty.error.settings.expiryTooSoon"))
    .max(120, E("loyalty.error.settings.expiryTooLate")),
});

export const programSettingsSchema = z.object({
  enabled: z.boolean({ required_error: E("loyalty.error.settings.enabled"), invalid_type_error: E("loyalty.error.settings.enabled") }),
  /** The shop currency the earning rule counts in (its minor-unit digits turn minor units into "units"). */
  currencyCode: z
    .string({ required_error: E("loyalty.error.settings.currencyMissing") })
    .refine(isKnownCurrency, (code) => ({ message: E("loyalty.error.settings.currencyUnknown"), params: { code } })),
  earning: earningRuleSchema,
  bonuses: bonusesSchema.default({}),
  /** null: points never expire. */
  expiry: expirySchema.nullable().default(null),
});

export type EarningRule = z.infer<typeof earningRuleSchema>;
export type ProgramSettings = z.infer<typeof programSettingsSchema>;
export type ProgramSettingsInput = z.input<typeof programSettingsSchema>;

let knownCurrencies: ReadonlySet<string> | null = null;

// Intl formats any well-formed three-letter code, so only its list of supported currencies can refuse a typo.
function isKnownCurrency(code: string): boolean {
  knownCurrencies ??= new Set(Intl.supportedValuesOf("currency"));
  if (!knownCurrencies.has(code.toUpperCase())) return false;
  currencyDigits(code); // warms the digits cache the earning math reads
  return true;
}

export function validateProgramSettings(input: unknown): Validated<ProgramSettings> {
  return validateWith(programSettingsSchema, input);
}

export interface RuleVersion {
  id: string;
  /** The instant from which orders (by processed_at) earn under this version. */
  effectiveFromMs: number;
  settings: ProgramSettings;
}

/**
 * The version in force at an instant: the last one whose effectiveFromMs is at or before it. `versions` must be
 * sorted by effectiveFromMs (appendRuleVersion keeps them so). null before the first version: the program did
 * not exist yet, so nothing earns.
 */
export function ruleVersionAt(versions: readonly RuleVersion[], atMs: number): RuleVersion | null {
  let low = 0;
  let high = versions.length - 1;
  let found: RuleVersion | null = null;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (versions[mid].effectiveFromMs <= atMs) {
      found = versions[mid];
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}

export function ruleVersionById(versions: readonly RuleVersion[], id: string): RuleVersion {
  const version = versions.find((candidate) => candidate.id === id);
  // Versions are never deleted, so a missing one means the caller passed the wrong shop's list.
  if (!version) throw new Error(`rule version "${id}" is not in the program's history`);
  return version;
}

/**
 * Appends a version. The first one may start in the past (the merchant chooses from when past orders earn);
 * later ones take effect now or later, never before: an order already processed under the previous version
 * would otherwise earn differently depending on whether its webhook arrived before or after the edit.
 */
export function appendRuleVersion(
  versions: readonly RuleVersion[],
  next: { id: string; effectiveFromMs: number; settings: unknown },
  nowMs: number,
): Validated<RuleVersion[]> {
  const settings = validateProgramSettings(next.settings);
  if (!settings.ok) return settings;
  if (versions.some((version) => version.id === next.id)) {
    return { ok: false, errors: [{ path: "id", message: englishMessage("loyalty.error.settings.versionExists", { id: next.id }) }] };
  }
  const last = versions.at(-1);
  if (last && next.effectiveFromMs < nowMs) {
    return { ok: false, errors: [{ path: "effectiveFromMs", message: englishMessage("loyalty.error.settings.versionInPast") }] };
  }
  if (last && next.effectiveFromMs <= last.effectiveFromMs) {
    return { ok: false, errors: [{ path: "effectiveFromMs", message: englishMessage("loyalty.error.settings.versionBeforePrevious") }] };
  }
  return { ok: true, value: [...versions, { id: next.id, effectiveFromMs: next.effectiveFromMs, settings: settings.value }] };
}
