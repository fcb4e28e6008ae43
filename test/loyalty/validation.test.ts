import { describe, expect, it } from "vitest";
import {
  validateProgramSettings,
  validateReferralSettings,
  validateReward,
  validateTierProgram,
  type FieldError,
} from "../../app/loyalty/index.ts";

const tier = (id: string, name: string, threshold: number, extra: Record<string, unknown> = {}) => ({ id, name, threshold, ...extra });

function errorsOf(result: { ok: true } | { ok: false; errors: FieldError[] }): Record<string, string> {
  return result.ok ? {} : Object.fromEntries(result.errors.map((error) => [error.path, error.message]));
}

describe("tier program validation", () => {
  it("accepts a valid ladder and fills defaults", () => {
    const result = validateTierProgram(
      { basis: "net_spend", window: "rolling_12_months", tiers: [tier("s", "Silver", 10_000), tier("g", "Gold", 50_000)] },
      "USD",
    );
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value.tiers[0].retention).toEqual({ kind: "immediate" });
      expect(result.value.tiers[0].perks).toEqual({ percentOff: 0, pointsMultiplier: 1, freeShipping: false, description: "" });
    }
  });

  it("needs strictly increasing thresholds, naming the tier below and its threshold in the shop currency", () => {
    const result = validateTierProgram(
      {
        basis: "net_spend",
        window: "lifetime",
        tiers: [tier("s", "Silver", 50_000), tier("g", "Gold", 50_000), tier("p", "Platinum", 40_000)],
      },
      "USD",
    );
    expect(errorsOf(result)).toEqual({
      "tiers.1.threshold": "Gold must need more than Silver (500.00 USD)",
      "tiers.2.threshold": "Platinum must need more than Gold (500.00 USD)",
    });
    const orders = validateTierProgram({ basis: "order_count", window: "lifetime", tiers: [tier("a", "A", 1), tier("b", "B", 1)] }, "USD");
    expect(errorsOf(orders)).toEqual({ "tiers.1.threshold": "B must need more than A (1 order)" });
  });

  it("needs unique names (case-insensitive, since they become tags) and ids, without commas", () => {
    const result = validateTierProgram(
      {
        basis: "points_earned",
        window: "lifetime",
        tiers: [tier("a", "Gold", 100), tier("b", "gold ", 200), tier("a", "VIP, inner circle", 300)],
      },
      "USD",
    );
    expect(errorsOf(result)).toEqual({
      "tiers.1.name": 'Tier 1 is already called "Gold"',
      "tiers.2.id": 'Two tiers share the id "a"',
      "tiers.2.name": "A tier name cannot contain a comma (it becomes a customer tag)",
    });
  });

  it("pairs basis and window: predicted value takes none, the others need one", () => {
    expect(errorsOf(validateTierProgram({ basis: "predicted_clv", window: "calendar_year", tiers: [tier("a", "A", 1)] }, "USD"))).toEqual({
      window: "Predicted 12-month value already looks one year ahead: it takes no window",
    });
    expect(errorsOf(validateTierProgram({ basis: "order_count", window: null, tiers: [tier("a", "A", 1)] }, "USD"))).toEqual({
      window: "Choose the window over which number of orders is counted",
    });
    expect(validateTierProgram({ basis: "predicted_clv", window: null, tiers: [tier("a", "A", 1)] }, "USD").ok).toBe(true);
    expect(errorsOf(validateTierProgram({ basis: "lifetime_value", window: "lifetime", tiers: [tier("a", "A", 1)] }, "USD"))).toEqual({
      basis: "Choose what tiers count: net spend, number of orders, points earned or predicted 12-month value",
    });
  });

  it("allows at most 10 tiers and at least one", () => {
    const eleven = Array.from({ length: 11 }, (_, i) => tier(`t${i}`, `T${i}`, i * 10));
    expect(errorsOf(validateTierProgram({ basis: "order_count", window: "lifetime", tiers: eleven }, "USD"))).toEqual({
      tiers: "A program has at most 10 tiers",
    });
    expect(errorsOf(validateTierProgram({ basis: "order_count", window: "lifetime", tiers: [] }, "USD"))).toEqual({
      tiers: "Add at least one tier",
    });
  });

  it("explains each bad field of a tier: threshold, retention, perks", () => {
    const result = validateTierProgram(
      {
        basis: "net_spend",
        window: "calendar_year",
        tiers: [
          tier("a", "", 10.5, { retention: { kind: "grace_period", days: 0 }, perks: { percentOff: 120, pointsMultiplier: 0.5 } }),
          tier("b", "B", -1, { retention: { kind: "review_date", month: 2, day: 29 }, perks: { pointsMultiplier: 1.255 } }),
          tier("c", "C", 90_000, { retention: { kind: "review_date", month: 4, day: 31 } }),
          tier("d", "D", 95_000, { retention: { kind: "forever" } }),
        ],
      },
      "EUR",
    );
    expect(errorsOf(result)).toEqual({
      "tiers.0.name": "Name the tier",
      "tiers.0.threshold": "The threshold must be a whole number (amounts in the currency's smallest unit)",
      "tiers.0.retention.days": "The grace period must be at least 1 day",
      "tiers.0.perks.percentOff": "The discount can be at most 100%",
      "tiers.0.perks.pointsMultiplier": "The points multiplier must be at least 1×",
      "tiers.1.threshold": "The threshold cannot be negative",
      "tiers.1.retention.day": "29 February is not in every year: choose 28 February or 1 March",
      "tiers.1.perks.pointsMultiplier": "The points multiplier can have at most 2 decimals",
      "tiers.2.retention.day": "That month has only 30 days",
      "tiers.3.retention.kind": "Choose how members keep the tier: demote at once, a grace period, or a review date",
    });
  });
});

describe("program settings validation", () => {
  it("accepts the minimal settings and fills defaults", () => {
    const result = validateProgramSettings({ enabled: true, currencyCode: "USD", earning: { pointsPerCurrencyUnit: 1.5 } });
    expect(result).toEqual({
      ok: true,
      value: {
        enabled: true,
        currencyCode: "USD",
        earning: { pointsPerCurrencyUnit: 1.5, rounding: "down", requirePaid: true, includeTestOrders: false, minimumOrderMinor: null },
        bonuses: { accountCreationPoints: null, birthdayPoints: null },
        expiry: null,
      },
    });
  });

  it("gives one message per bad field", () => {
    const result = validateProgramSettings({
      enabled: "yes",
      currencyCode: "XXY",
      earning: { pointsPerCurrencyUnit: 0.125, rounding: "sideways", minimumOrderMinor: -5 },
      bonuses: { accountCreationPoints: 0, birthdayPoints: 2.5 },
      expiry: { monthsWithoutOrder: 0 },
    });
    expect(errorsOf(result)).toEqual({
      enabled: "Choose whether the program is on",
      currencyCode: '"XXY" is not an ISO 4217 currency code',
      "earning.pointsPerCurrencyUnit": "Points per unit can have at most 2 decimals",
      "earning.rounding": "Rounding must be down, nearest or up",
      "earning.minimumOrderMinor": "Minimum order cannot be negative",
      "bonuses.accountCreationPoints": "Account creation bonus must be at least 1 point (or switch the bonus off)",
      "bonuses.birthdayPoints": "Birthday bonus must be a whole number of points",
      "expiry.monthsWithoutOrder": "Points can expire after 1 month at the earliest",
    });
    expect(errorsOf(validateProgramSettings({ enabled: true, currencyCode: "USD", earning: { pointsPerCurrencyUnit: 0 } }))).toEqual({
      "earning.pointsPerCurrencyUnit": "Points per unit must be more than 0",
    });
  });
});

describe("rewards and referral settings validation", () => {
  it("explains reward fields", () => {
    expect(errorsOf(validateReward({ kind: "amount_off", id: "r", name: "", pointsCost: 0, amountMinor: 0 }))).toEqual({
      name: "Name the reward",
      pointsCost: "A reward costs at least 1 point",
      amountMinor: "The amount off must be more than 0",
    });
    expect(errorsOf(validateReward({ kind: "percentage_off", id: "r", name: "10%", pointsCost: 100, percent: 0 }))).toEqual({
      percent: "The percentage must be more than 0",
    });
    expect(errorsOf(validateReward({ kind: "cashback", id: "r", name: "x", pointsCost: 1 }))).toEqual({
      kind: "Choose the reward: an amount off, a percentage off or free shipping",
    });
  });

  it("defaults the refund window to 14 days and explains bad values", () => {
    expect(validateReferralSettings({ enabled: true, referrerRewardPoints: 500 })).toEqual({
      ok: true,
      value: { enabled: true, referrerRewardPoints: 500, refundWindowDays: 14, monthlyCapPerReferrer: null },
    });
    expect(
      errorsOf(validateReferralSettings({ enabled: true, referrerRewardPoints: 500, refundWindowDays: -1, monthlyCapPerReferrer: 0 })),
    ).toEqual({
      refundWindowDays: "The refund window cannot be negative",
      monthlyCapPerReferrer: "The monthly cap must be at least 1 (or switch the cap off)",
    });
  });
});
