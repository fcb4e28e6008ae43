// The cross-sell domain's messages (app/offers/messages.ts) in the admin: every key has its French, every
// validation failure carries a key that says its English message again, and the page says the failures and
// the experiment's summary in French without a word of English left.
import { describe, expect, it } from "vitest";
import { englishMessage, keyedError, OFFERS_MESSAGES_EN, validateManualOffer, type OfferFieldError, type OffersMessageKey } from "~/offers";
import { experimentReport, type CustomerOutcome, type Exposure } from "~/experiments";
import { validateOfferSettings } from "~/data/offers.server";
import { fr } from "~/i18n/messages.fr";
import { translator } from "~/i18n/translate";
import { errorText } from "~/routes/app.offers/error-texts";
import { reportSentences } from "~/routes/app.offers/report-text";

const french = translator("fr");
const DOMAIN_KEYS = Object.keys(OFFERS_MESSAGES_EN) as OffersMessageKey[];
const VALIDATION_KEYS = DOMAIN_KEYS.filter((key) => /^offers\.(editor\.error|settings\.\w+\.error)\./.test(key));

const valid = { title: "Beans", triggerProductIds: ["1"], offeredProductIds: ["2"], startsAt: "2026-01-01" };
// Between them, these refuse an offer for every reason the schema has (a list is checked for repeats once each
// of its ids is valid, and the rules across fields once each field is, hence the last two).
const INVALID_OFFERS: Record<string, unknown>[] = [
  { title: " ", triggerProductIds: [], offeredProductIds: [], discountPercent: "10", priority: "x", startsAt: "soon" },
  { title: "x".repeat(81), triggerProductIds: ["1", "1"], offeredProductIds: ["2", "2", "abc"], discountPercent: 150, priority: 5000 },
  {
    triggerProductIds: Array.from({ length: 51 }, (_, i) => String(i + 1)),
    offeredProductIds: Array.from({ length: 11 }, (_, i) => String(i + 100)),
  },
  { offeredProductIds: ["2", "2"] },
  { offeredProductIds: ["1"], endsAt: "2025-01-01", tierName: "Bronze" },
];
const INVALID_SETTINGS = [
  { windowMonths: "x", minSupport: "x", minConfidence: "x", recencyHalfLifeDays: "x", holdoutShare: "x", maxOffered: "x" },
  { windowMonths: 0, minSupport: -1, minConfidence: -1, recencyHalfLifeDays: 4000, holdoutShare: -1, maxOffered: 11 },
  { windowMonths: 12, minSupport: 0.9, minConfidence: 2, recencyHalfLifeDays: null, holdoutShare: 0.9, maxOffered: 4 },
];

function offerFailures(): OfferFieldError[] {
  const failures: OfferFieldError[] = [];
  for (const offer of INVALID_OFFERS) {
    for (const tierNames of [["Gold", "Silver"], []]) {
      const result = validateManualOffer({ ...valid, ...offer }, { tierNames });
      if (result.ok) throw new Error("expected the offer to be refused");
      for (const errors of Object.values(result.errors)) failures.push(...(errors ?? []));
    }
  }
  return failures;
}

function settingsFailures(): OfferFieldError[] {
  return INVALID_SETTINGS.flatMap((input) => {
    const result = validateOfferSettings(input);
    if (result.ok) throw new Error("expected the settings to be refused");
    return Object.values(result.errors).filter((error) => error !== undefined);
  });
}

// The one the schema cannot give: app/data's refusal of a product beyond the suggestion offer's ten.
const FAILURES = [...offerFailures(), ...settingsFailures(), keyedError("offers.editor.error.offerFull", { max: 10 })];

describe("the domain's catalog", () => {
  it("has a French translation for every key, different from the English", () => {
    for (const key of DOMAIN_KEYS) {
      expect(Object.hasOwn(fr, key), key).toBe(true);
      const english = OFFERS_MESSAGES_EN[key];
      const inFrench = fr[key];
      if (typeof english === "string") expect(inFrench, key).not.toBe(english);
      else {
        expect(typeof inFrench, key).toBe("object");
        if (typeof inFrench === "object") {
          expect(inFrench.one, key).not.toBe(english.one);
          expect(inFrench.other, key).not.toBe(english.other);
        }
      }
    }
  });
});

describe("validation failures", () => {
  it("carry a key whose English is the message, for every reason the schema and the settings have", () => {
    for (const failure of FAILURES) {
      expect(failure.key, failure.message).toBeDefined();
      expect(englishMessage(failure.key!, failure.params)).toBe(failure.message);
      expect(failure.message, failure.key).not.toMatch(/[{}]/);
    }
    expect(new Set(FAILURES.map((f) => f.key))).toEqual(new Set(VALIDATION_KEYS));
  });

  it("keep their English wording and their parameters", () => {
    const tier = validateManualOffer({ ...valid, tierName: "Bronze" }, { tierNames: ["Gold", "Silver"] });
    expect(tier.ok === false && tier.errors.tierName).toEqual([
      {
        message: 'There is no tier "Bronze": choose one of Gold, Silver',
        key: "offers.editor.error.tierUnknown",
        params: { name: "Bronze", names: "Gold, Silver" },
      },
    ]);
    const settings = validateOfferSettings({ ...INVALID_SETTINGS[2], recencyHalfLifeDays: 3 });
    expect(settings.ok === false && settings.errors.recencyHalfLifeDays).toEqual({
      message: "The recency half-life must be a whole number from 7 to 3650",
      key: "offers.settings.recencyHalfLifeDays.error.range",
      params: { min: 7, max: 3650 },
    });
    expect(settings.ok === false && settings.errors.holdoutShare?.message).toBe("The holdout share can be at most 50 %");
  });

  it("are said in French on the page, limits in the French locale", () => {
    for (const failure of FAILURES) {
      const text = errorText(failure);
      expect(text.key).toBe(failure.key);
      const inFrench = french(text.key, text.params);
      expect(inFrench, failure.message).not.toBe(failure.message);
      expect(inFrench, failure.message).not.toMatch(/[{}]/);
    }
    const halfLife = errorText(keyedError("offers.settings.recencyHalfLifeDays.error.range", { min: 7, max: 3650 }));
    expect(french(halfLife.key, halfLife.params)).toBe("La demi-vie de récence doit être un nombre entier de 7 à 3\u202f650");
    const tier = validateManualOffer({ ...valid, tierName: "Bronze" }, { tierNames: ["Gold", "Silver"] });
    const [unknownTier] = tier.ok ? [] : (tier.errors.tierName ?? []);
    const text = errorText(unknownTier);
    expect(french(text.key, text.params)).toBe("Il n’y a pas de palier « Bronze » : choisissez parmi Gold, Silver");
  });

  it("shows zod's own words, which have no key, as they are", () => {
    const result = validateManualOffer({ ...valid, title: 5 });
    const [error] = result.ok ? [] : (result.errors.title ?? []);
    expect(error).toEqual({ message: "Expected string, received number" });
    expect(errorText(error)).toEqual({ key: "offers.common.literal", params: { text: "Expected string, received number" } });
    expect(french("offers.common.literal", { text: error.message })).toBe("Expected string, received number");
  });
});

describe("the report's summary", () => {
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
    // English money as the app's reports write it ("12.34 EUR"), to compare with the page's own.
    return experimentReport("offers-1", exposures, outcomes, {
      currencyCode: "EUR",
      formatMoney: (minor) => `${(Math.round(minor) / 100).toFixed(2)} EUR`,
    });
  }
  const REPORTS = [report(30, 0, 0), report(300, 0, 0), report(300, 4_000, 50), report(300, -900, 50), report(300, 100, 500)];

  it("gives every sentence as a key with its figures: counts as numbers, money as integer minor units", () => {
    const keys = new Set<string>();
    for (const r of REPORTS) {
      expect(r.summaryMessages).toHaveLength(r.summary.length);
      for (const sentence of r.summaryMessages) keys.add(sentence.key);
    }
    // Too early, higher, lower, inconclusive; the cost and the 12-month return.
    expect(keys.size).toBeGreaterThanOrEqual(6);
    const figures = JSON.stringify(REPORTS.map((r) => r.summaryMessages));
    for (const [, minor] of figures.matchAll(/"minor":(-?[\d.e+-]+)/g)) expect(Number.isInteger(Number(minor)), minor).toBe(true);
    expect(REPORTS[0].summaryMessages).toEqual([
      {
        key: "offers.report.tooEarly",
        params: {
          reasons: [
            { key: "offers.report.fewCustomers", params: { count: 30, arm: { key: "offers.report.arm.treatment" }, min: 100 } },
            { key: "offers.report.fewCustomers", params: { count: 30, arm: { key: "offers.report.arm.holdout" }, min: 100 } },
          ],
        },
      },
    ]);
  });

  it("says on the page what the English summary says, in English and in French, money in the admin's locale", () => {
    const english = translator("en");
    for (const r of REPORTS) {
      // The same sentences but for the money, which the page formats with Intl ("€12.34" for "12.34 EUR").
      const onThePage = reportSentences(english, "en", r.summaryMessages);
      const unformatted = (sentence: string) =>
        sentence.replace(/(-?)€([\d,]+\.\d\d)/g, (_, sign: string, amount: string) => `${sign}${amount.replaceAll(",", "")} EUR`);
      expect(onThePage.map(unformatted)).toEqual(r.summary);
      const inFrench = reportSentences(french, "fr", r.summaryMessages);
      inFrench.forEach((sentence, i) => {
        expect(sentence).not.toBe(r.summary[i]);
        expect(sentence).not.toMatch(/[{}]|EUR| the |customer/);
      });
    }
    expect(reportSentences(french, "fr", REPORTS[0].summaryMessages)).toEqual([
      "Trop tôt pour conclure : seulement 30 clients dans le groupe exposé (il en faut au moins 100); seulement 30 clients dans le groupe témoin (il en faut au moins 100).",
    ]);
    const higher = reportSentences(french, "fr", REPORTS[2].summaryMessages)[0];
    expect(higher).toMatch(/^Le chiffre d’affaires par client exposé dépasse de \d+,\d\d\u00a0€ celui du groupe témoin/);
  });
});
