// The admin customer-page block's view model (extensions/clv-admin-customer-block): from the metafields the
// retention sync and the loyalty write-back write, what support staff read — every value, none, a customer
// at risk, a top-tier member — in English and French, with money in the shop's currency.
import { describe, expect, it } from "vitest";
import { customerValueView, type CustomerValueView } from "../../extensions/clv-admin-customer-block/src/customer-value-view";
import { intlFormatters } from "../../extensions/clv-admin-customer-block/src/formatting";
import {
  ADMIN_EXTENSION,
  baseLoyaltyState,
  baseRetentionState,
  loyaltyNodes,
  readLocale,
  retentionNodes,
  strictTranslate,
  textProblems,
  valuesOf,
} from "./support";

const en = () => strictTranslate(readLocale(ADMIN_EXTENSION, "en"), "en-US");
const fr = () => strictTranslate(readLocale(ADMIN_EXTENSION, "fr"), "fr-FR");
const US = intlFormatters("en-US");

const rowValue = (view: CustomerValueView, id: string) => view.rows.find((r) => r.id === id)!;
const allText = (view: CustomerValueView) =>
  [
    view.summary,
    view.atRiskMessage,
    view.emptyMessage,
    ...view.badges.map((b) => b.label),
    ...view.rows.flatMap((r) => [r.label, r.value, r.detail]),
  ]
    .filter((s) => s !== null)
    .join("\n");

/** Everything the app writes today, plus the prediction's range and the 12-month order chance (not synced yet). */
function fullCustomer(currency = "USD") {
  const nodes = [
    ...retentionNodes(baseRetentionState(), currency),
    ...loyaltyNodes(baseLoyaltyState(), "net_spend", currency, 40),
    { key: "predicted_value_12m_low", type: "number_decimal", value: "300.00" },
    { key: "predicted_value_12m_high", type: "number_decimal", value: "720.00" },
    { key: "probability_order_12m", type: "number_decimal", value: "0.61" },
  ];
  return valuesOf(nodes);
}

describe("admin customer block view model", () => {
  it("shows every value of a customer the app has fully synced", () => {
    const view = customerValueView({ metafields: fullCustomer(), currencyCode: "USD" }, en(), US);
    expect(view.emptyMessage).toBeNull();
    expect(view.atRiskMessage).toBeNull();
    expect(view.rows.filter((r) => r.missing).map((r) => r.id)).toEqual(["winBack"]);
    expect(rowValue(view, "historic").value).toBe("$1,234.50");
    // The sync rounds predictions to whole units: 489.60 → 490.
    expect(rowValue(view, "predicted")).toMatchObject({ value: "$490.00", detail: "Likely between $300.00 and $720.00" });
    expect(rowValue(view, "probabilityOrder").value).toBe("61%");
    expect(rowValue(view, "probabilityAlive").value).toBe("83%");
    expect(rowValue(view, "segment").value).toBe("Champions");
    expect(rowValue(view, "atRisk").value).toBe("No");
    expect(rowValue(view, "winBack")).toMatchObject({ value: "None offered", missing: true });
    expect(rowValue(view, "tier")).toMatchObject({ value: "Silver", detail: "40% of the way to Gold" });
    expect(rowValue(view, "points").value).toBe("1,250 points");
    expect(view.badges).toEqual([
      { label: "Champions", tone: "info" },
      { label: "Silver", tone: "success" },
    ]);
    expect(view.summary).toBe("Next 12 months: $490.00 · Silver");
    expect(textProblems(allText(view))).toEqual([]);
  });

  it("gives every row a meaningful text when the app has written nothing", () => {
    const view = customerValueView({ metafields: new Map(), currencyCode: "USD" }, en(), US);
    expect(view.emptyMessage).toMatch(/Nothing computed for this customer yet/);
    expect(view.summary).toBe("No value computed yet");
    expect(view.badges).toEqual([]);
    expect(view.rows.every((r) => r.missing && r.value.length > 0)).toBe(true);
    expect(rowValue(view, "historic").value).toBe("Not computed yet");
    expect(rowValue(view, "predicted")).toMatchObject({ value: "No prediction yet (needs a fitted model)", detail: null });
    expect(rowValue(view, "probabilityAlive").value).toBe("Not estimated (one-time buyer or no model yet)");
    expect(rowValue(view, "atRisk").value).toBe("Not assessed yet");
    expect(rowValue(view, "tier")).toMatchObject({ value: "No tier yet", detail: null });
    expect(rowValue(view, "points").value).toBe("No points yet");
    expect(textProblems(allText(view))).toEqual([]);
  });

  it("flags a customer at risk with the value at stake and their win-back code", () => {
    const state = baseRetentionState({
      atRisk: true,
      valueAtStakeMinor: 31_260,
      probabilityAlive: null, // a one-time buyer: the sync writes no P(alive)
      segment: "At risk",
      winBack: { code: "WB-1A2B-3C4D-5E6F", expiresOn: "2026-12-31" },
    });
    const values = valuesOf([...retentionNodes(state, "USD"), ...loyaltyNodes(baseLoyaltyState(), "net_spend", "USD", 40)]);
    const view = customerValueView({ metafields: values, currencyCode: "USD" }, en(), US);
    expect(view.badges[0]).toEqual({ label: "At risk", tone: "critical" });
    expect(view.atRiskMessage).toBe("Valuable customer slipping away: $313.00 at stake over the next year.");
    expect(rowValue(view, "atRisk").value).toBe("Yes, $313.00 at stake");
    expect(rowValue(view, "segment").value).toBe("At risk (RFM)");
    expect(rowValue(view, "winBack").value).toBe("WB-1A2B-3C4D-5E6F, valid until Dec 31, 2026");
    expect(rowValue(view, "probabilityAlive").missing).toBe(true);
    expect(rowValue(view, "predicted").detail).toBe("Range not synced yet");
    expect(rowValue(view, "probabilityOrder")).toMatchObject({ value: "Not synced yet", missing: true });
    expect(view.summary).toBe("Next 12 months: $490.00 · At risk · Silver");
    expect(textProblems(allText(view))).toEqual([]);
  });

  it("says a top-tier member has reached the top, with a singular point", () => {
    const loyalty = baseLoyaltyState({ tierName: "Gold", nextTierName: null, amountToNextTier: null, pointsBalance: 1 });
    const nodes = loyaltyNodes(loyalty, "net_spend", "USD", null);
    expect(nodes.map((n) => n.key)).not.toContain("next_tier");
    const view = customerValueView({ metafields: valuesOf(nodes), currencyCode: "USD" }, en(), US);
    expect(rowValue(view, "tier")).toMatchObject({ value: "Gold", detail: "Top tier reached" });
    expect(rowValue(view, "points").value).toBe("1 point");
    expect(view.badges).toEqual([{ label: "Gold", tone: "success" }]);
    expect(view.emptyMessage).toBeNull();
  });

  it("speaks French with French number formats and the shop's currency", () => {
    const view = customerValueView({ metafields: fullCustomer("EUR"), currencyCode: "EUR" }, fr(), intlFormatters("fr-FR"));
    const euros = (n: number) => new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" }).format(n);
    expect(rowValue(view, "historic")).toMatchObject({ label: "Valeur historique", value: euros(1234.5) });
    expect(rowValue(view, "historic").value).toMatch(/^1\s234,50\s€$/u);
    expect(rowValue(view, "points").value).toMatch(/^1\s250 points$/u);
    expect(rowValue(view, "tier").detail).toMatch(/^40\s%\sdu chemin vers Gold$/u);
    expect(rowValue(view, "segment").value).toBe("Champions");
    expect(textProblems(allText(view))).toEqual([]);
  });

  it("uses each currency's own digits (JPY has none)", () => {
    const values = valuesOf(retentionNodes(baseRetentionState({ historicValueMinor: 123_450, predictedValue12mMinor: 48_960 }), "JPY"));
    const view = customerValueView({ metafields: values, currencyCode: "JPY" }, en(), US);
    expect(rowValue(view, "historic").value).toBe("¥123,450");
    expect(rowValue(view, "predicted").value).toBe("¥48,960");
  });

  it("treats unreadable values as missing instead of showing NaN, and numbers without a currency plainly", () => {
    const values = new Map([
      ["historic_value", "abc"],
      ["predicted_value_12m", "NaN"],
      ["probability_alive", "1e999"],
      ["at_risk", "maybe"],
      ["points_balance", "12.5.1"],
      ["tier_progress_percent", "x"],
      ["next_tier", "Gold"],
      ["value_at_stake", "250"],
      ["win_back_expires_on", "31/12/2026"],
      ["win_back_code", "WB-1"],
    ]);
    const view = customerValueView({ metafields: values, currencyCode: null }, en(), US);
    for (const id of ["historic", "predicted", "probabilityAlive", "atRisk", "points"]) expect(rowValue(view, id).missing).toBe(true);
    expect(rowValue(view, "tier")).toMatchObject({ value: "No tier yet", detail: "Next tier: Gold" });
    expect(rowValue(view, "winBack").value).toBe("WB-1");
    expect(textProblems(allText(view))).toEqual([]);

    const plain = customerValueView({ metafields: new Map([["historic_value", "1234.50"]]), currencyCode: null }, en(), US);
    expect(rowValue(plain, "historic").value).toBe("1,235");
  });
});
