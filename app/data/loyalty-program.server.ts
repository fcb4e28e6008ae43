// The loyalty program's storage: settings (every save appends a rule version), the tier ladder (every edit
// bumps tiersVersion), rewards, referral settings and the per-shop salt. app/loyalty validates and decides;
// this module only reads and writes what it returns.
import { randomBytes, randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import {
  appendRuleVersion,
  programSettingsSchema,
  referralSettingsSchema,
  rewardSchema,
  tierProgramSchema,
  validateTierProgram,
  validateWith,
  type FieldError,
  type ProgramSettings,
  type Reward,
  type RuleVersion,
  type TierProgram,
  type Validated,
} from "~/loyalty";
import { resolveTimeZone } from "~/lib/format";
import { currencyDigits } from "~/lib/money";
import type { Db } from "~/db.server";

type Client = Prisma.TransactionClient;

/** The friend's side of a referral: what the member's code gives on the friend's first order. */
const friendDiscountSchema = z.discriminatedUnion(
  "kind",
  [
    z.object({
      kind: z.literal("percentage"),
      percent: z
        .number({ invalid_type_error: "The friend's discount must be a percentage" })
        .gt(0, "The friend's discount must be more than 0%")
        .max(100, "The friend's discount can be at most 100%"),
    }),
    z.object({
      kind: z.literal("amount"),
      amountMinor: z
        .number({ invalid_type_error: "The friend's discount must be an amount" })
        .int("The amount must be a whole amount in the currency's smallest unit")
        .min(1, "The amount must be more than 0"),
    }),
  ],
  { errorMap: () => ({ message: "Choose the friend's discount: a percentage or an amount off" }) },
);

/** Referral settings as stored: the engine's settings plus the friend's discount and how the storefront words it. */
export const referralConfigSchema = referralSettingsSchema.extend({
  friendDiscount: friendDiscountSchema.default({ kind: "percentage", percent: 10 }),
  friendRewardText: z.string().trim().max(200, "Keep the sentence under 200 characters").default(""),
});
export type ReferralConfig = z.infer<typeof referralConfigSchema>;

const DEFAULT_REFERRAL: ReferralConfig = {
  enabled: false,
  referrerRewardPoints: 500,
  refundWindowDays: 14,
  monthlyCapPerReferrer: null,
  friendDiscount: { kind: "percentage", percent: 10 },
  friendRewardText: "",
};

/** The storefront pitch lives beside the settings (LoyaltyProgram.settings): it is display text, not a rule. */
const storedSettingsSchema = programSettingsSchema.extend({ pitch: z.string().trim().max(200).default("") });

export interface LoyaltyProgramState {
  shop: string;
  enabled: boolean;
  /** The newest rule version's settings. */
  settings: ProgramSettings;
  /** Sorted by effectiveFromMs (what ruleVersionAt expects). */
  ruleVersions: RuleVersion[];
  /** null until the merchant defines tiers. */
  tiers: TierProgram | null;
  tiersVersion: number;
  rewards: Reward[];
  referral: ReferralConfig;
  salt: string;
  pitch: string;
  currencyCode: string;
  timeZone: string;
  updatedAt: Date;
}

function parseJson(text: string | null | undefined): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function shopFacts(client: Client, shop: string): Promise<{ currencyCode: string | null; timeZone: string }> {
  const row = await client.shop.findUnique({ where: { shop }, select: { currencyCode: true, ianaTimezone: true } });
  return { currencyCode: row?.currencyCode ?? null, timeZone: resolveTimeZone(row?.ianaTimezone) };
}

// Parsed programs by shop, reused while the stored row is unchanged (its updatedAt and JSON texts): the ingest
// path reads the program for every batch, and rule versions never change once written. `at`: when the copy was
// parsed (its shop facts are that old); `checkedAt`: when the row was last read and found unchanged (the reuse
// window counts from there, so a steady ingest reads the row once per window, not once per batch after it).
const parsedPrograms = new Map<string, { key: string; program: LoyaltyProgramState; at: number; checkedAt: number }>();
/** Shop facts (time zone) can change without the program row changing: re-read them after this long. */
const SHOP_FACTS_TTL_MS = 60_000;

/**
 * How long the ingest path may reuse a program it read without reading the row again. Safe across processes,
 * although a save in one process cannot tell the others' copies: rule versions are immutable once written (a
 * copy never holds a wrong version, at most lacks the newest one); a process picks a new version up within this
 * window of its save; and earning uses the version in force at the order's time, while a new version takes
 * effect RULE_CHANGE_DELAY_MS (longer than this window) after its save, so by the time an order can fall under
 * it every copy holds it. The re-evaluation after a tier edit likewise starts later than this window.
 */
export const PROGRAM_REUSE_MS = 5_000;
/** A new rule version (after the first) takes effect this long after it is saved. */
export const RULE_CHANGE_DELAY_MS = 10_000;

/** Drops this process's parsed copy (after a save). */
export function forgetProgram(shop: string): void {
  parsedPrograms.delete(shop);
}

/**
 * The shop's program, or null before the merchant first saves one. `reuseForMs`: a copy this process read
 * within that many milliseconds is returned without a query (the ingest path; never for a save or a run).
 */
export async function loadProgram(
  client: Client,
  shop: string,
  options: { reuseForMs?: number } = {},
): Promise<LoyaltyProgramState | null> {
  const recent = parsedPrograms.get(shop);
  if (recent && options.reuseForMs && Date.now() - recent.checkedAt < options.reuseForMs) return recent.program;
  const row = await client.loyaltyProgram.findUnique({ where: { shop } });
  if (!row) return null;
  const key = `${row.updatedAt.getTime()}|${row.tiersVersion}|${row.enabled}|${row.settings}|${row.tiers}|${row.rewards}|${row.referral}|${row.salt}`;
  const cached = parsedPrograms.get(shop);
  if (cached && cached.key === key && Date.now() - cached.at < SHOP_FACTS_TTL_MS) {
    cached.checkedAt = Date.now();
    return cached.program;
  }
  const [versions, facts] = await Promise.all([
    client.loyaltyRuleVersion.findMany({ where: { shop }, orderBy: { effectiveFrom: "asc" } }),
    shopFacts(client, shop),
  ]);
  const ruleVersions = versions.map((v) => ({
    id: v.id,
    effectiveFromMs: v.effectiveFrom.getTime(),
    settings: programSettingsSchema.parse(JSON.parse(v.settings)),
  }));
  const stored = storedSettingsSchema.parse(JSON.parse(row.settings));
  const { pitch, ...settings } = stored;
  const tiersInput = parseJson(row.tiers);
  const tiers = tiersInput === null ? null : tierProgramSchema(settings.currencyCode).parse(tiersInput);
  const rewardsInput = parseJson(row.rewards);
  const rewards = Array.isArray(rewardsInput) ? rewardsInput.map((r) => rewardSchema.parse(r)) : [];
  const referralInput = parseJson(row.referral);
  const referral =
    referralInput && typeof referralInput === "object" && Object.keys(referralInput).length > 0
      ? referralConfigSchema.parse(referralInput)
      : DEFAULT_REFERRAL;
  const program: LoyaltyProgramState = {
    shop,
    enabled: row.enabled,
    settings,
    ruleVersions,
    tiers,
    tiersVersion: row.tiersVersion,
    rewards,
    referral,
    salt: row.salt,
    pitch,
    currencyCode: settings.currencyCode,
    timeZone: facts.timeZone,
    updatedAt: row.updatedAt,
  };
  // A program read inside a transaction that later rolls back is never served again: the row read after the
  // rollback has another updatedAt, so another key.
  const parsedAt = Date.now();
  parsedPrograms.set(shop, { key, program, at: parsedAt, checkedAt: parsedAt });
  return program;
}

/** The tier program's identity for tier-change records: a change of ladder is "tiers_changed". */
export function programVersionId(program: Pick<LoyaltyProgramState, "tiersVersion">): string {
  return String(program.tiersVersion);
}

export interface SaveSettingsInput {
  settings: unknown;
  pitch?: string;
  /**
   * The first version only: from when past orders earn (the merchant may start the program in the past).
   * Later versions take effect now (or at this instant if it is later).
   */
  effectiveFromMs?: number;
}

export interface SavedSettings {
  program: LoyaltyProgramState;
  version: RuleVersion;
  /** True for the program's first version: past orders since effectiveFrom are awarded by a background run. */
  created: boolean;
}

/**
 * Saves the settings as a new rule version (nothing already awarded changes). The program row, with its salt,
 * is created by the first save. Runs in one transaction: two saves at once append two ordered versions.
 */
export async function saveProgramSettings(
  db: Db,
  shop: string,
  input: SaveSettingsInput,
  nowMs = Date.now(),
): Promise<Validated<SavedSettings>> {
  const pitch = (input.pitch ?? "").trim();
  if (pitch.length > 200) return { ok: false, errors: [{ path: "pitch", message: "Keep the pitch under 200 characters" }] };
  return db
    .$transaction(async (tx): Promise<Validated<SavedSettings>> => {
      // Take the program row's lock first (a no-op write) so that concurrent saves append one after the other.
      await tx.loyaltyProgram.updateMany({ where: { shop }, data: { tiersVersion: { increment: 0 } } });
      const existing = await tx.loyaltyRuleVersion.findMany({ where: { shop }, orderBy: { effectiveFrom: "asc" } });
      const versions: RuleVersion[] = existing.map((v) => ({
        id: v.id,
        effectiveFromMs: v.effectiveFrom.getTime(),
        settings: programSettingsSchema.parse(JSON.parse(v.settings)),
      }));
      const last = versions.at(-1);
      // Later versions take effect a moment after the save, so that every worker's copy of the program is fresh
      // before an order can earn under the new rule (see PROGRAM_REUSE_MS).
      const effectiveFromMs = last
        ? Math.max(nowMs + RULE_CHANGE_DELAY_MS, input.effectiveFromMs ?? 0, last.effectiveFromMs + 1)
        : (input.effectiveFromMs ?? nowMs);
      const appended = appendRuleVersion(versions, { id: randomUUID(), effectiveFromMs, settings: input.settings }, nowMs);
      if (!appended.ok) return appended;
      const version = appended.value.at(-1) as RuleVersion;
      await tx.loyaltyRuleVersion.create({
        data: { shop, id: version.id, effectiveFrom: new Date(version.effectiveFromMs), settings: JSON.stringify(version.settings) },
      });
      const stored = JSON.stringify({ ...version.settings, pitch });
      await tx.loyaltyProgram.upsert({
        where: { shop },
        create: {
          shop,
          enabled: version.settings.enabled,
          settings: stored,
          tiers: "null",
          rewards: "[]",
          referral: "{}",
          salt: randomBytes(16).toString("hex"),
        },
        update: { enabled: version.settings.enabled, settings: stored },
      });
      const program = (await loadProgram(tx, shop)) as LoyaltyProgramState;
      return { ok: true, value: { program, version, created: !last } };
    })
    .finally(() => forgetProgram(shop));
}

/** Validates and stores the ladder, bumping tiersVersion; the caller starts the background re-evaluation. */
export async function saveTiers(
  client: Client,
  shop: string,
  input: unknown,
): Promise<Validated<{ tiers: TierProgram; tiersVersion: number }>> {
  const program = await loadProgram(client, shop);
  if (!program) return { ok: false, errors: [{ path: "", message: "Save the program settings first" }] };
  const tiers = validateTierProgram(input, program.currencyCode);
  if (!tiers.ok) return tiers;
  const row = await client.loyaltyProgram.update({
    where: { shop },
    data: { tiers: JSON.stringify(tiers.value), tiersVersion: { increment: 1 } },
    select: { tiersVersion: true },
  });
  forgetProgram(shop);
  return { ok: true, value: { tiers: tiers.value, tiersVersion: row.tiersVersion } };
}

/** Validates every reward (messages keyed "rewards.<i>.<field>") and stores the list. */
export async function saveRewards(client: Client, shop: string, input: unknown): Promise<Validated<Reward[]>> {
  if (!Array.isArray(input)) return { ok: false, errors: [{ path: "rewards", message: "The rewards must be a list" }] };
  const errors: FieldError[] = [];
  const rewards: Reward[] = [];
  const ids = new Set<string>();
  input.forEach((raw, index) => {
    const parsed = validateWith(rewardSchema, raw);
    if (!parsed.ok) {
      for (const error of parsed.errors)
        errors.push({ path: `rewards.${index}${error.path ? `.${error.path}` : ""}`, message: error.message });
      return;
    }
    if (ids.has(parsed.value.id)) errors.push({ path: `rewards.${index}.id`, message: `Two rewards share the id "${parsed.value.id}"` });
    ids.add(parsed.value.id);
    rewards.push(parsed.value);
  });
  if (errors.length > 0) return { ok: false, errors };
  const updated = await client.loyaltyProgram.updateMany({ where: { shop }, data: { rewards: JSON.stringify(rewards) } });
  if (updated.count === 0) return { ok: false, errors: [{ path: "", message: "Save the program settings first" }] };
  forgetProgram(shop);
  return { ok: true, value: rewards };
}

export async function saveReferralConfig(client: Client, shop: string, input: unknown): Promise<Validated<ReferralConfig>> {
  const parsed = validateWith(referralConfigSchema, input);
  if (!parsed.ok) return parsed;
  const updated = await client.loyaltyProgram.updateMany({ where: { shop }, data: { referral: JSON.stringify(parsed.value) } });
  if (updated.count === 0) return { ok: false, errors: [{ path: "", message: "Save the program settings first" }] };
  forgetProgram(shop);
  return { ok: true, value: parsed.value };
}

/** The rule version in force now and its settings' earning rate as the storefront shows it. */
function hundredths(value: number): number {
  return Math.round(value * 100);
}

/**
 * The `program` app-data metafield (docs/storefront.md, "The program JSON"): snake case, rates also as integer
 * hundredths, active rewards cheapest first.
 */
export function programStorefrontJson(program: LoyaltyProgramState, nowMs = Date.now()): Record<string, unknown> {
  const inForce = [...program.ruleVersions].reverse().find((v) => v.effectiveFromMs <= nowMs) ?? program.ruleVersions[0];
  const settings = inForce?.settings ?? program.settings;
  const digits = 10 ** currencyDigits(program.currencyCode);
  return {
    version: 1,
    enabled: program.enabled,
    currency_code: program.currencyCode,
    minor_per_unit: digits,
    pitch: program.pitch,
    earning: {
      points_per_unit: settings.earning.pointsPerCurrencyUnit,
      points_per_unit_hundredths: hundredths(settings.earning.pointsPerCurrencyUnit),
      rounding: settings.earning.rounding,
      minimum_order_minor: settings.earning.minimumOrderMinor,
    },
    basis: program.tiers?.basis ?? null,
    tiers: (program.tiers?.tiers ?? []).map((tier) => ({
      id: tier.id,
      name: tier.name,
      threshold: tier.threshold,
      points_multiplier: tier.perks.pointsMultiplier,
      points_multiplier_hundredths: hundredths(tier.perks.pointsMultiplier),
      percent_off: tier.perks.percentOff,
      free_shipping: tier.perks.freeShipping,
      description: tier.perks.description,
    })),
    rewards: program.rewards
      .filter((reward) => reward.active)
      .sort((a, b) => a.pointsCost - b.pointsCost)
      .map((reward) => ({
        id: reward.id,
        name: reward.name,
        kind: reward.kind,
        points_cost: reward.pointsCost,
        minimum_tier_id: reward.minimumTierId,
      })),
    referral: {
      enabled: program.referral.enabled,
      member_points: program.referral.referrerRewardPoints,
      friend_reward: program.referral.friendRewardText,
    },
  };
}
