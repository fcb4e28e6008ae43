// The merchant's retention settings (RetentionSettings, one row per shop): when a customer counts as slipping
// and from what value at stake, and whether win-back offers are on. No row: app/retention's defaults.
// The table holds the three settings the admin edits; lostAfterDays and includeOneTimeBuyers keep their
// defaults (docs/retention.md) until the table has columns for them.
import type { Prisma } from "@prisma/client";
import type { Db } from "~/db.server";
import { DEFAULT_RETENTION_SETTINGS, validateRetentionSettings, type RetentionSettings } from "~/retention";
import type { Validated } from "~/loyalty/validation";

type Client = Db | Prisma.TransactionClient;

export interface StoredRetentionSettings {
  settings: RetentionSettings;
  winBackEnabled: boolean;
  /** False while the merchant has never saved: the defaults are in force. */
  saved: boolean;
}

export async function loadRetentionSettings(db: Client, shop: string): Promise<StoredRetentionSettings> {
  const row = await db.retentionSettings.findUnique({ where: { shop } });
  if (row === null) return { settings: DEFAULT_RETENTION_SETTINGS, winBackEnabled: false, saved: false };
  const minimum = Number(row.minValueAtStakeMinor);
  const checked = validateRetentionSettings({
    probabilityAliveThreshold: row.aliveThreshold,
    sharpDrop: row.sharpDrop,
    minValueAtStakeMinor: Number.isSafeInteger(minimum) ? minimum : 0,
  });
  // A row written outside the admin with an impossible value falls back to the defaults rather than failing the refit.
  return { settings: checked.ok ? checked.value : DEFAULT_RETENTION_SETTINGS, winBackEnabled: row.winBackEnabled, saved: true };
}

export interface RetentionSettingsChange {
  probabilityAliveThreshold: number;
  sharpDrop: number;
  minValueAtStakeMinor: number;
  winBackEnabled: boolean;
}

/** Validates with app/retention's schema (one message per field) and stores; applies from the next refit. */
export async function saveRetentionSettings(
  db: Client,
  shop: string,
  change: RetentionSettingsChange,
): Promise<Validated<StoredRetentionSettings>> {
  const checked = validateRetentionSettings({
    probabilityAliveThreshold: change.probabilityAliveThreshold,
    sharpDrop: change.sharpDrop,
    minValueAtStakeMinor: change.minValueAtStakeMinor,
  });
  if (!checked.ok) return checked;
  const data = {
    aliveThreshold: checked.value.probabilityAliveThreshold,
    sharpDrop: checked.value.sharpDrop,
    minValueAtStakeMinor: BigInt(checked.value.minValueAtStakeMinor),
    winBackEnabled: change.winBackEnabled,
  };
  await db.retentionSettings.upsert({ where: { shop }, create: { shop, ...data }, update: data });
  return { ok: true, value: { settings: checked.value, winBackEnabled: change.winBackEnabled, saved: true } };
}
