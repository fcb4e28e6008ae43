import { describe, expect, it } from "vitest";
import {
  codeCreated,
  codeFailed,
  decideReferralReward,
  markDeducted,
  normalizeAddress,
  pointValueMinor,
  redemptionEntry,
  redemptionKey,
  referralCode,
  referralMonth,
  requestRedemption,
  retryRedemption,
  rewardSchema,
  RedemptionTransitionError,
  type Redemption,
  type ReferralDecisionInput,
  type Reward,
} from "../../app/loyalty/index.ts";
import { noon } from "./helpers.ts";

const fiveOff: Reward = rewardSchema.parse({ kind: "amount_off", id: "five", name: "5.00 off", pointsCost: 500, amountMinor: 500 });
const freeShipping: Reward = rewardSchema.parse({
  kind: "free_shipping",
  id: "ship",
  name: "Free shipping",
  pointsCost: 300,
  minimumTierId: "gold",
});
const TIERS = ["silver", "gold"];

function request(balance: number, redemptions: Redemption[], key = "k1", reward: Reward = fiveOff, tierIndex = 0) {
  return requestRedemption({
    programEnabled: true,
    reward,
    balance,
    redemptions,
    tierIndex,
    tierIds: TIERS,
    key,
    customerId: "c1",
    nowMs: 1,
  });
}

describe("redemption", () => {
  it("deducts only once the code exists, and only once", () => {
    const started = request(800, []);
    expect(started.outcome).toBe("created");
    const requested = (started as { redemption: Redemption }).redemption;
    expect(redemptionEntry(requested, 2)).toBeNull(); // no code, no deduction
    const withCode = codeCreated(requested, "LOYAL-ABC", "gid://shopify/DiscountCodeNode/1");
    const entry = redemptionEntry(withCode, 2);
    expect(entry).toEqual({
      key: `redeem:${requested.id}`,
      customerId: "c1",
      kind: "redeem",
      points: -500,
      source: { type: "redemption", redemptionId: requested.id },
      ruleVersionId: null,
      effectiveAtMs: 2,
    });
    const deducted = markDeducted(withCode);
    expect(redemptionEntry(deducted, 3)?.key).toBe(entry?.key); // a second write has the same key: dropped
    expect(markDeducted(deducted)).toBe(deducted);
    expect(codeCreated(deducted, "LOYAL-ABC", "gid://shopify/DiscountCodeNode/1")).toBe(deducted); // a redelivered callback
    expect(() => codeCreated(deducted, "OTHER", "x")).toThrow(RedemptionTransitionError);
    expect(() => codeFailed(withCode, "timeout")).toThrow(RedemptionTransitionError); // the code exists: it happened
  });

  it("a failed code creation deducts nothing and releases the reservation; a retry goes back to requested", () => {
    const requested = (request(800, []) as { redemption: Redemption }).redemption;
    const failed = codeFailed(requested, "Shopify answered 500");
    expect(redemptionEntry(failed, 2)).toBeNull();
    expect(() => markDeducted(failed)).toThrow(RedemptionTransitionError);
    // With the failed one released, 800 points still buy one more 500-point reward.
    expect(request(800, [failed], "k2").outcome).toBe("created");
    expect(retryRedemption(failed)).toMatchObject({ state: "requested", failure: null });
  });

  it("reserves in-flight points (two quick clicks cannot spend them twice) and is idempotent on its key", () => {
    const first = (request(800, []) as { redemption: Redemption }).redemption;
    expect(request(800, [first], "k2")).toEqual({
      outcome: "refused",
      reason: "not_enough_points",
      message: "This reward needs 500 points; 300 are available",
    });
    // The same key retried (a double submit) gets the same redemption, not a refusal for lack of its own points.
    expect(request(800, [first], "k1")).toEqual({ outcome: "existing", redemption: first });
    expect(redemptionKey("c1", "five", "req-1")).toBe(redemptionKey("c1", "five", "req-1"));
    expect(redemptionKey("c1", "five", "req-1")).not.toBe(redemptionKey("c1", "five", "req-2"));
  });

  it("refuses when the program is off, the reward inactive or above the member's tier", () => {
    expect(
      requestRedemption({
        programEnabled: false,
        reward: fiveOff,
        balance: 900,
        redemptions: [],
        tierIndex: 0,
        tierIds: TIERS,
        key: "k",
        customerId: "c1",
        nowMs: 1,
      }),
    ).toMatchObject({
      outcome: "refused",
      reason: "program_off",
    });
    expect(request(900, [], "k", { ...fiveOff, active: false })).toMatchObject({ reason: "reward_inactive" });
    expect(request(900, [], "k", freeShipping, 0)).toMatchObject({ reason: "tier_too_low" });
    expect(request(900, [], "k", freeShipping, 1).outcome).toBe("created");
  });

  it("values a point at the most generous amount-off reward", () => {
    const tenOff = rewardSchema.parse({ kind: "amount_off", id: "ten", name: "10.00 off", pointsCost: 800, amountMinor: 1_000 });
    expect(pointValueMinor([fiveOff, tenOff, freeShipping])).toBe(1.25);
    expect(pointValueMinor([freeShipping])).toBeNull();
  });
});

describe("referral guards", () => {
  const settings = { enabled: true, referrerRewardPoints: 1_000, refundWindowDays: 14, monthlyCapPerReferrer: 2 };
  const address = { address1: "12 Rue de l'Église", address2: null, city: "Lyon", provinceCode: null, zip: "69001", countryCode: "FR" };
  const base: ReferralDecisionInput = {
    settings,
    referrer: { customerId: "r1", email: "Ann@Example.com", defaultAddress: address },
    buyer: { customerId: "b1", email: "bob@example.com", defaultAddress: null },
    order: { orderId: "o1", processedAtMs: noon("2025-05-10"), paid: true, test: false, cancelled: false, fullyRefunded: false },
    buyerEarlierPaidOrders: 0,
    buyerAlreadyRewarded: false,
    referrerRewardMonths: [],
    nowMs: noon("2025-05-25"),
    timeZone: "UTC",
  };
  const decide = (overrides: Partial<ReferralDecisionInput>) => decideReferralReward({ ...base, ...overrides });

  it("rewards the referrer once the refund window has passed, keyed by the referred customer", () => {
    expect(decide({})).toEqual({
      decision: "reward",
      month: "2025-05",
      entry: {
        key: "referral:b1",
        customerId: "r1",
        kind: "referral",
        points: 1_000,
        source: { type: "referral", referredCustomerId: "b1", orderId: "o1" },
        ruleVersionId: null,
        effectiveAtMs: noon("2025-05-24"),
      },
    });
    expect(decide({ nowMs: noon("2025-05-24") - 1 })).toEqual({ decision: "wait", untilMs: noon("2025-05-24") });
    expect(decide({ order: { ...base.order, paid: false } })).toEqual({ decision: "wait", untilMs: null });
  });

  it("refuses self-referral by customer, e-mail (any case) or normalised default address", () => {
    expect(decide({ buyer: { ...base.buyer, customerId: "r1" } })).toEqual({ decision: "reject", reason: "self_referral" });
    expect(decide({ buyer: { ...base.buyer, email: "  ann@EXAMPLE.com " } })).toEqual({ decision: "reject", reason: "same_email" });
    const sameHouse = { address1: "12 rue de l eglise", address2: "", city: "LYON", provinceCode: null, zip: "690 01", countryCode: "fr" };
    expect(decide({ buyer: { ...base.buyer, defaultAddress: sameHouse } })).toEqual({ decision: "reject", reason: "same_address" });
    expect(decide({ buyer: { ...base.buyer, defaultAddress: { ...sameHouse, address1: "14 rue de l eglise" } } }).decision).toBe("reward");
    // Redacted data proves nothing: missing e-mails or addresses never match each other.
    expect(
      decide({
        referrer: { customerId: "r1", email: null, defaultAddress: null },
        buyer: { customerId: "b1", email: null, defaultAddress: null },
      }).decision,
    ).toBe("reward");
    expect(normalizeAddress({ ...address, address1: "  " })).toBeNull();
  });

  it("pays only the buyer's first paid order, once per referred customer, not for cancelled, test or fully refunded orders", () => {
    expect(decide({ buyerEarlierPaidOrders: 1 })).toEqual({ decision: "reject", reason: "repeat_buyer" });
    expect(decide({ buyerAlreadyRewarded: true })).toEqual({ decision: "reject", reason: "already_rewarded" });
    expect(decide({ order: { ...base.order, cancelled: true } })).toEqual({ decision: "reject", reason: "cancelled" });
    expect(decide({ order: { ...base.order, test: true } })).toEqual({ decision: "reject", reason: "test_order" });
    // Refunded within the window: by the time the window ends the order is fully refunded, and nothing is paid.
    expect(decide({ order: { ...base.order, fullyRefunded: true } })).toEqual({ decision: "reject", reason: "fully_refunded" });
    expect(decide({ settings: { ...settings, enabled: false } })).toEqual({ decision: "reject", reason: "program_off" });
  });

  it("caps rewards per referrer per month of the friend's order", () => {
    expect(decide({ referrerRewardMonths: ["2025-05", "2025-04"] }).decision).toBe("reward");
    expect(decide({ referrerRewardMonths: ["2025-05", "2025-05"] })).toEqual({ decision: "reject", reason: "monthly_cap_reached" });
    expect(decide({ referrerRewardMonths: ["2025-05", "2025-05"], settings: { ...settings, monthlyCapPerReferrer: null } }).decision).toBe(
      "reward",
    );
    // Months follow the shop's calendar.
    expect(referralMonth(Date.parse("2025-05-31T23:30:00Z"), "Europe/Berlin")).toBe("2025-06");
  });

  it("derives a stable, readable referral code per member", () => {
    const code = referralCode("gid://shopify/Customer/1", "shop-salt");
    expect(code).toMatch(/^REF-[A-HJ-NP-Z2-9]{8}$/);
    expect(referralCode("gid://shopify/Customer/1", "shop-salt")).toBe(code);
    expect(referralCode("gid://shopify/Customer/2", "shop-salt")).not.toBe(code);
    expect(referralCode("gid://shopify/Customer/1", "other-shop")).not.toBe(code);
  });
});
