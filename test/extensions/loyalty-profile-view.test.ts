// The customer account profile block's view model (extensions/clv-customer-account-profile): from the
// loyalty write-back's metafields, what the shopper reads — a member mid-way on each ladder basis, nothing
// synced yet, a top-tier member — in English and French.
import { describe, expect, it } from "vitest";
import { intlFormatters } from "../../extensions/clv-customer-account-profile/src/formatting";
import {
  loyaltyProfileView,
  moneyValue,
  type LoyaltyProfileView,
} from "../../extensions/clv-customer-account-profile/src/loyalty-profile-view";
import { baseLoyaltyState, loyaltyNodes, PROFILE_EXTENSION, readLocale, strictTranslate, textProblems, valuesOf } from "./support";

const en = () => strictTranslate(readLocale(PROFILE_EXTENSION, "en"), "en-US");
const fr = () => strictTranslate(readLocale(PROFILE_EXTENSION, "fr"), "fr-FR");
const US = intlFormatters("en-US");
const allText = (v: LoyaltyProfileView) =>
  [v.tierLabel, v.tierText, v.pointsText, v.progressText, v.referralText, v.referralCode ?? ""].join("\n");

describe("customer account profile view model", () => {
  it("shows a member mid-way on a spend ladder: tier, points, the amount left and the bar, the referral code", () => {
    const nodes = loyaltyNodes(baseLoyaltyState(), "net_spend", "USD", 40);
    expect(nodes.find((n) => n.key === "amount_to_next_tier")?.value).toBe('{"amount":"40.00","currency_code":"USD"}');
    const view = loyaltyProfileView(valuesOf(nodes), en(), US);
    expect(view).toEqual({
      tierLabel: "Your tier",
      tierText: "Silver",
      hasTier: true,
      pointsText: "You have 1,250 points",
      progressPercent: 40,
      progressText: "Spend $40.00 more to reach Gold",
      referralCode: "REF-7K3M9QXA",
      referralText: "Share your referral code with friends:",
    });
  });

  it("counts orders and points on the other ladder bases, singular and plural", () => {
    const orders = loyaltyProfileView(
      valuesOf(loyaltyNodes(baseLoyaltyState({ amountToNextTier: 1 }), "order_count", "USD", 75)),
      en(),
      US,
    );
    expect(orders.progressText).toBe("1 more order to reach Gold");
    const points = loyaltyProfileView(
      valuesOf(loyaltyNodes(baseLoyaltyState({ amountToNextTier: 1500 }), "points_earned", "USD", 10)),
      en(),
      US,
    );
    expect(points.progressText).toBe("Earn 1,500 more points to reach Gold");
    expect(points.progressPercent).toBe(10);
  });

  it("has a text for everything when nothing is synced yet", () => {
    const view = loyaltyProfileView(new Map(), en(), US);
    expect(view).toMatchObject({
      tierText: "No tier yet",
      hasTier: false,
      pointsText: "You have no points yet. Your next order earns your first ones.",
      progressPercent: null,
      progressText: "Shop with us to start earning points and rewards.",
      referralCode: null,
      referralText: "Your referral code is on its way.",
    });
    expect(textProblems(allText(view))).toEqual([]);
  });

  it("says a top-tier member has reached the top and draws no bar", () => {
    const state = baseLoyaltyState({ tierName: "Gold", nextTierName: null, amountToNextTier: null, pointsBalance: 1 });
    const view = loyaltyProfileView(valuesOf(loyaltyNodes(state, "net_spend", "USD", null)), en(), US);
    expect(view).toMatchObject({
      tierText: "Gold",
      pointsText: "You have 1 point",
      progressPercent: null,
      progressText: "You have reached our top tier. Thank you!",
    });
  });

  it("a member without a tier yet still sees the way to the first one", () => {
    const state = baseLoyaltyState({ tierName: null, nextTierName: "Bronze", amountToNextTier: 2_550, pointsBalance: 0 });
    const view = loyaltyProfileView(valuesOf(loyaltyNodes(state, "net_spend", "EUR", 0)), en(), US);
    expect(view).toMatchObject({
      tierText: "No tier yet",
      pointsText: "You have 0 points",
      progressPercent: 0,
      progressText: "Spend €25.50 more to reach Bronze",
    });
  });

  it("speaks French with French formats (0 and 1 are singular there)", () => {
    const state = baseLoyaltyState({ pointsBalance: 0, amountToNextTier: 4_000 });
    const view = loyaltyProfileView(valuesOf(loyaltyNodes(state, "net_spend", "EUR", 40)), fr(), intlFormatters("fr-FR"));
    expect(view.tierLabel).toBe("Votre niveau");
    expect(view.pointsText).toBe("Vous avez 0 point");
    expect(view.progressText).toMatch(/^Plus que 40,00\s€ d'achats pour atteindre Gold$/u);
    expect(textProblems(allText(view))).toEqual([]);
  });

  it("ignores unreadable values and clamps the bar", () => {
    const values = new Map([
      ["tier", "  "],
      ["points_balance", "lots"],
      ["next_tier", "Gold"],
      ["amount_to_next_tier", '{"amount":"abc","currency_code":"USD"}'],
      ["tier_progress_percent", "140"],
    ]);
    const view = loyaltyProfileView(values, en(), US);
    expect(view).toMatchObject({ tierText: "No tier yet", progressPercent: 100, progressText: "Keep shopping to reach Gold" });
    expect(view.pointsText).toMatch(/no points yet/);
    expect(moneyValue(new Map([["m", "not json"]]), "m")).toBeNull();
    expect(moneyValue(new Map([["m", '{"amount":"5.00","currency_code":"usd"}']]), "m")).toBeNull();
    expect(moneyValue(new Map([["m", '{"amount":"5.00","currency_code":"CAD"}']]), "m")).toEqual({ amount: 5, currencyCode: "CAD" });
    expect(textProblems(allText(view))).toEqual([]);
  });
});
