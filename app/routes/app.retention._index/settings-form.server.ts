// The settings form as the admin posts it (text fields in percent and in the shop currency), parsed with zod
// into app/retention's units (shares 0–1, minor units). Each field gets its own message key; the data layer
// validates the result again with app/retention's schema.
import { z } from "zod";
import { toMinorUnits } from "~/lib/money";
import type { MessageKey } from "~/i18n/translate";
import type { RetentionSettingsChange } from "~/data/retention-settings.server";

export type SettingsField = "threshold" | "sharpDrop" | "minValue";

export interface SettingsActionResult {
  ok: boolean;
  message: MessageKey;
  errors: Partial<Record<SettingsField, MessageKey>>;
}

const percent = (message: MessageKey) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,2}(\.\d+)?$/, message)
    .transform(Number)
    .refine((value) => value >= 1 && value <= 99, message)
    .transform((value) => Math.round(value * 100) / 10_000);

const formSchema = z.object({
  threshold: percent("retention.settings.error.threshold"),
  sharpDrop: percent("retention.settings.error.sharpDrop"),
  minValue: z
    .string()
    .trim()
    .regex(/^\d+([.,]\d+)?$/, "retention.settings.error.minValue"),
  winBack: z.enum(["on", "off"]).catch("off"),
});

/** The change to save, or a message key per field at fault. */
export function parseSettingsForm(
  form: FormData,
  currencyCode: string,
): { ok: true; change: RetentionSettingsChange } | { ok: false; errors: SettingsActionResult["errors"] } {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : "";
  };
  const parsed = formSchema.safeParse({
    threshold: text("threshold"),
    sharpDrop: text("sharpDrop"),
    minValue: text("minValue"),
    winBack: text("winBack"),
  });
  const errors: SettingsActionResult["errors"] = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as SettingsField;
      errors[field] ??= issue.message as MessageKey;
    }
  }
  let minValueAtStakeMinor = 0;
  try {
    minValueAtStakeMinor = toMinorUnits(text("minValue").trim().replace(",", "."), currencyCode);
    if (minValueAtStakeMinor < 0) throw new RangeError("negative");
  } catch {
    errors.minValue = "retention.settings.error.minValue";
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    change: {
      probabilityAliveThreshold: parsed.data.threshold,
      sharpDrop: parsed.data.sharpDrop,
      minValueAtStakeMinor,
      winBackEnabled: parsed.data.winBack === "on",
    },
  };
}
