// Same as extensions/clv-admin-customer-block/src/metafield-values.ts: each extension is bundled on its own.
// Reading the app's `$app` customer metafields as Shopify returns them: every value is a string in the
// metafield type's serialisation ("181.09", "true", "2026-12-31", a money JSON). Anything unreadable counts
// as missing, so the block shows its "missing" text instead of NaN or "undefined".

/** key → raw value, for the keys the customer has. */
export type MetafieldValues = ReadonlyMap<string, string>;

export function textValue(values: MetafieldValues, key: string): string | null {
  const raw = values.get(key)?.trim();
  return raw ? raw : null;
}

/** number_decimal and number_integer values; null when absent or not a finite number. */
export function numberValue(values: MetafieldValues, key: string): number | null {
  const raw = textValue(values, key);
  if (raw === null || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

/** boolean values are written "true" / "false". */
export function booleanValue(values: MetafieldValues, key: string): boolean | null {
  const raw = textValue(values, key)?.toLowerCase();
  return raw === "true" ? true : raw === "false" ? false : null;
}

/** date values are ISO days ("2026-12-31"). */
export function dateValue(values: MetafieldValues, key: string): string | null {
  const raw = textValue(values, key);
  if (raw === null || !/^\d{4}-\d{2}-\d{2}$/.test(raw)) return null;
  return Number.isNaN(Date.parse(`${raw}T00:00:00Z`)) ? null : raw;
}
