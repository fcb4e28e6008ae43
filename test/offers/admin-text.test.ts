// The cross-sell admin's text: the English sentences of app/offers' and app/data's validation and of
// app/experiments' report summary come back as message keys that say them again word for word in English,
// and in French where the admin is in French.
import { describe, expect, it } from "vitest";
import { validateManualOffer } from "~/offers";
import { experimentReport, type CustomerOutcome, type Exposure } from "~/experiments";
import { validateOfferSettings } from "~/data/offers.server";
import { reportView } from "~/data/offers-page.server";
import { translator, type Text } from "~/i18n/translate";
import { offerErrorTexts, settingsErrorTexts } from "~/routes/app.offers/english-text";
import { reportSentences } from "~/routes/app.offers/report-text";

const english = translator("en");
const french = translator("fr");
const say = (t: typeof english, text: Text) => t(text.key, text.params);
// Limits come back as numbers, grouped in the admin's locale: "1,000" where app/offers wrote "1000".
const ungrouped = (sentence: string) => sentence.replace(/(\d),(\d{3})/g, "$1$2");

const valid = { title: "Beans", triggerProductIds: ["1"], offeredProductIds: ["2"], startsAt: "2026-01-01" };
const INVALID_OFFERS: Record<string, unknown>[] = [
  { title: " ", triggerProductIds: [], offeredProductIds: [], discountPercent: "10", priority: "x", startsAt: "soon" },
  { title: "x".repeat(81), triggerProductIds: ["1", "1"], offeredProductIds: ["2", "2", "abc"], discountPercent: 150, priority: 5000 },
  {
    triggerProductIds: Array.from({ length: 51 }, (_, i) => String(i + 1)),
    offeredProductIds: Array.from({ length: 11 }, (_, i) => String(i + 100)),
  },
  { offeredProductIds: ["1"], endsAt: "2025-01-01", tierName: "Bronze" },
];

function offerSentences(): { sentence: string; text: Text }[] {
  const found: { sentence: string; text: Text }[] = [];
  for (const [input, tierNames] of INVALID_OFFERS.flatMap((o) => [
    [{ ...valid, ...o }, ["Gold", "Silver"]],
    [{ ...valid, ...o }, []],
  ])) {
    const result = validateManualOffer(input, { tierNames: tierNames as string[] });
    if (result.ok) continue;
    const texts = offerErrorTexts(result.errors);
    for (const [field, sentences] of Object.entries(result.errors))
      sentences?.forEach((sentence, i) => found.push({ sentence, text: texts[field][i] }));
  }
  return found;
}

describe("validation sentences as keys", () => {
  it("says every sentence of app/offers' offer validation again in English, and in French", () => {
    const found = offerSentences();
    expect(new Set(found.map((f) => f.text.key)).size).toBeGreaterThanOrEqual(17);
    for (const { sentence, text } of found) {
      expect(text.key, sentence).not.toBe("offers.common.literal");
      expect(ungrouped(say(english, text))).toBe(sentence);
      expect(say(french, text), sentence).not.toBe(sentence);
    }
    const unknownTier = found.find((f) => f.text.key === "offers.editor.error.tierUnknown")!;
    expect(say(french, unknownTier.text)).toBe("Il n’y a pas de palier « Bronze » : choisissez parmi Gold, Silver");
  });

  it("says the settings' sentences by field, limits in the admin's locale", () => {
    const inputs = [
      { windowMonths: "x", minSupport: "x", minConfidence: "x", recencyHalfLifeDays: "x", holdoutShare: "x", maxOffered: "x" },
      { windowMonths: 0, minSupport: -1, minConfidence: -1, recencyHalfLifeDays: 4000, holdoutShare: -1, maxOffered: 11 },
      { windowMonths: 12, minSupport: 0.9, minConfidence: 2, recencyHalfLifeDays: null, holdoutShare: 0.9, maxOffered: 4 },
    ];
    for (const input of inputs) {
      const result = validateOfferSettings(input);
      if (result.ok) throw new Error("expected errors");
      const texts = settingsErrorTexts(result.errors);
      for (const [field, sentence] of Object.entries(result.errors)) {
        const [text] = texts[field];
        expect(text.key, sentence).toMatch(new RegExp(`^offers\\.settings\\.${field}\\.error\\.`));
        // zod's "Invalid input" for a half-life that is no number is said as the field's own message.
        if (sentence !== "Invalid input") expect(ungrouped(say(english, text))).toBe(sentence);
        expect(say(french, text)).not.toBe(sentence);
      }
    }
    const [halfLife] = settingsErrorTexts({
      recencyHalfLifeDays: "The recency half-life must be a whole number from 7 to 3650",
    }).recencyHalfLifeDays;
    expect(say(french, halfLife)).toBe("La demi-vie de récence doit être un nombre entier de 7 à 3\u202f650");
  });

  it("shows a sentence it does not know as it is", () => {
    expect(offerErrorTexts({ title: ["Expected string, received number"] })).toEqual({
      title: [{ key: "offers.common.literal", params: { text: "Expected string, received number" } }],
    });
    expect(say(french, offerErrorTexts({ title: ["Expected string, received number"] }).title[0])).toBe("Expected string, received number");
  });
});

describe("the report's sentences", () => {
  const RULE = { minCustomersPerArm: 100, minBuyersPerArm: 10 };
  const money = (minor: number) => (minor / 100).toFixed(2); // app/experiments' own default

  function report(customers: number, lift: number, costMinor: number) {
    const exposures = new Map<string, Exposure>();
    const outcomes = new Map<string, CustomerOutcome>();
    for (let i = 0; i < 2 * customers; i++) {
      const arm = i % 2 === 0 ? "treatment" : "holdout";
      const id = String(i + 1);
      exposures.set(id, { experimentKey: "offers-1", customerId: id, arm, atMs: 0 });
      const revenueMinor = i % 5 === 0 ? 1_000 + (i % 7) * 300 + (arm === "treatment" ? lift : 0) : 0;
      outcomes.set(id, { revenueMinor, costMinor: arm === "treatment" ? costMinor : 0, predictedValueMinor: 5_000 + (i % 11) * 100 });
    }
    return experimentReport("offers-1", exposures, outcomes);
  }

  it("says app/experiments' summary again in English, word for word, and in French", () => {
    for (const r of [report(30, 0, 0), report(300, 0, 0), report(300, 4_000, 50), report(300, -900, 50), report(300, 100, 500)]) {
      const view = reportView(r);
      expect(reportSentences(english, view, RULE, money)).toEqual(r.summary);
      const inFrench = reportSentences(french, view, RULE, money);
      expect(inFrench).toHaveLength(r.summary.length);
      inFrench.forEach((sentence, i) => expect(sentence).not.toBe(r.summary[i]));
    }
    expect(reportSentences(french, reportView(report(30, 0, 0)), RULE, money)).toEqual([
      "Trop tôt pour conclure : seulement 30 clients dans le groupe exposé (il en faut au moins 100); seulement 30 clients dans le groupe témoin (il en faut au moins 100).",
    ]);
  });
});
