// The retention admin's pure pieces: stored reasons said in English and French (the same sentences as
// app/retention's English formatter), the settings form parsed into app/retention's units with one message
// key per field, and the stored reason JSON read back defensively.
import { describe, expect, it } from "vitest";
import { formatReasonEnglish, type RetentionReason } from "~/retention";
import { translator } from "~/i18n/translate";
import { reasonText, reasonsText } from "~/routes/app.retention._index/reason-text";
import { parseSettingsForm } from "~/routes/app.retention._index/settings-form.server";
import { parseStoredRiskReason, storedRiskReason } from "~/data/retention-reason.server";

const REASONS: RetentionReason[] = [
  { kind: "rhythm_broken", values: { averageGapDays: 35, daysSinceLastOrder: 133 } },
  { kind: "probability_dropped", values: { previousProbabilityAlive: 0.82, probabilityAlive: 0.31 } },
  { kind: "probability_low", values: { probabilityAlive: 0.31, threshold: 0.5 } },
  { kind: "one_time_overdue", values: { daysSinceOrder: 77, typicalGapDays: 77, shareReorderedSooner: 0.54 } },
  { kind: "still_at_risk", values: { daysAtRisk: 21, daysSinceLastOrder: 10 } },
  { kind: "rhythm_broken", values: { averageGapDays: 1, daysSinceLastOrder: 400 } },
];

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
};

describe("reasons in the admin's language", () => {
  it("says in English exactly what app/retention's English formatter says", () => {
    const t = translator("en");
    for (const reason of REASONS) expect(reasonText(reason, t, "en")).toBe(formatReasonEnglish(reason));
    expect(reasonText(REASONS[0], t, "en")).toBe("ordered every ~5 weeks, nothing for 19 weeks");
    expect(reasonText(REASONS[5], t, "en")).toBe("ordered every ~1 day, nothing for 13 months");
  });

  it("says it in French with French plurals and percentages", () => {
    const t = translator("fr");
    expect(reasonText(REASONS[0], t, "fr")).toBe("commandait toutes les ~5 semaines, rien depuis 19 semaines");
    expect(reasonText(REASONS[1], t, "fr")).toBe(
      "la probabilité d’être encore un client actif est passée de 82\u00a0% à 31\u00a0% depuis la dernière mise à jour du modèle",
    );
    expect(reasonText(REASONS[4], t, "fr")).toBe("à risque depuis 3 semaines, aucune commande depuis 10 jours");
  });

  it("joins several reasons and shows a dash for none", () => {
    const t = translator("en");
    expect(reasonsText(REASONS.slice(0, 2), t, "en")).toBe(
      "ordered every ~5 weeks, nothing for 19 weeks; chance of still being an active customer fell from 82% to 31% since the last model update",
    );
    expect(reasonsText([], t, "en")).toBe("—");
  });
});

describe("the settings form", () => {
  it("turns percentages and an amount into shares and minor units", () => {
    expect(parseSettingsForm(form({ threshold: "45", sharpDrop: "12.5", minValue: "20.5", winBack: "on" }), "USD")).toEqual({
      ok: true,
      change: { probabilityAliveThreshold: 0.45, sharpDrop: 0.125, minValueAtStakeMinor: 2_050, winBackEnabled: true },
    });
    // Yen have no minor unit; a comma works as the decimal point; win-back is off unless "on".
    expect(parseSettingsForm(form({ threshold: "50", sharpDrop: "30", minValue: "1500", winBack: "yes" }), "JPY")).toMatchObject({
      ok: true,
      change: { minValueAtStakeMinor: 1_500, winBackEnabled: false },
    });
    expect(parseSettingsForm(form({ threshold: "50", sharpDrop: "30", minValue: "3,25" }), "EUR")).toMatchObject({
      change: { minValueAtStakeMinor: 325 },
    });
  });

  it("gives one message key per field at fault", () => {
    expect(parseSettingsForm(form({ threshold: "0", sharpDrop: "100", minValue: "-1" }), "USD")).toEqual({
      ok: false,
      errors: {
        threshold: "retention.settings.error.threshold",
        sharpDrop: "retention.settings.error.sharpDrop",
        minValue: "retention.settings.error.minValue",
      },
    });
    expect(parseSettingsForm(form({ threshold: "50", sharpDrop: "30", minValue: "1.234" }), "USD")).toEqual({
      ok: false,
      errors: { minValue: "retention.settings.error.minValue" },
    });
    expect(parseSettingsForm(form({}), "USD")).toMatchObject({
      ok: false,
      errors: { threshold: expect.any(String), sharpDrop: expect.any(String) },
    });
  });
});

describe("the stored reason", () => {
  it("round-trips, with non-finite figures as null", () => {
    const stored = storedRiskReason({
      criteria: 3,
      effectiveProbabilityAlive: 0.31,
      previousProbabilityAlive: Number.NaN,
      reasons: REASONS.slice(0, 2),
    });
    expect(stored.previousProbabilityAlive).toBeNull();
    expect(parseStoredRiskReason(JSON.stringify(stored))).toEqual(stored);
  });

  it("reads anything else as no reason, and drops reasons of unknown kinds", () => {
    expect(parseStoredRiskReason(null)).toBeNull();
    expect(parseStoredRiskReason("not json")).toBeNull();
    expect(parseStoredRiskReason(JSON.stringify({ v: 2, reasons: [] }))).toBeNull();
    expect(parseStoredRiskReason(JSON.stringify({ v: 1, reasons: [{ kind: "made_up", values: {} }, REASONS[0]] }))?.reasons).toEqual([
      REASONS[0],
    ]);
  });
});
