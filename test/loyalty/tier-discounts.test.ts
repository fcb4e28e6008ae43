// Which tiers get an automatic discount, and the steps from what was written to what the program asks.
import { describe, expect, it } from "vitest";
import {
  planTierDiscounts,
  shopifyPercentage,
  tierDiscountSpecs,
  tierSegmentQuery,
  validateTierProgram,
  type TierDiscountRecord,
  type TierProgram,
} from "../../app/loyalty/index.ts";

function ladder(
  perks: Record<string, { percentOff: number; automaticDiscount?: boolean }>,
  names: Record<string, string> = {},
): TierProgram {
  const tiers = Object.entries(perks).map(([id, perk], index) => ({
    id,
    name: names[id] ?? id.toUpperCase(),
    threshold: index * 100,
    perks: perk,
  }));
  const result = validateTierProgram({ basis: "order_count", window: "lifetime", tiers }, "USD");
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

const recordOf = (spec: ReturnType<typeof tierDiscountSpecs>[number]): TierDiscountRecord => ({
  segmentId: "gid://shopify/Segment/1",
  discountId: "gid://shopify/DiscountAutomaticNode/2",
  percent: spec.percent,
  title: spec.title,
  segmentQuery: spec.segmentQuery,
  error: null,
});

describe("tier discount specs", () => {
  it("only for tiers whose percentage is on as an automatic discount, in a program that is on", () => {
    const tiers = ladder({
      member: { percentOff: 0, automaticDiscount: true },
      silver: { percentOff: 5 },
      gold: { percentOff: 12.5, automaticDiscount: true },
    });
    const specs = tierDiscountSpecs({ enabled: true, tiers });
    expect(specs).toEqual([
      {
        tierId: "gold",
        tierName: "GOLD",
        percent: 12.5,
        title: "Loyalty GOLD: 12.5% off",
        segmentName: "Loyalty tier GOLD",
        segmentQuery: "customer_tags CONTAINS 'tier:GOLD'",
      },
    ]);
    expect(tierDiscountSpecs({ enabled: false, tiers })).toEqual([]);
    expect(tierDiscountSpecs({ enabled: true, tiers: null })).toEqual([]);
    expect(shopifyPercentage(12.5)).toBe(0.125);
    expect(shopifyPercentage(33.33)).toBe(0.3333);
  });

  it("escapes a quote in the tier's tag", () => {
    expect(tierSegmentQuery("O'Brien")).toBe("customer_tags CONTAINS 'tier:O\\'Brien'");
  });
});

describe("planning", () => {
  const gold = tierDiscountSpecs({ enabled: true, tiers: ladder({ gold: { percentOff: 10, automaticDiscount: true } }) })[0];

  it("creates what is missing or was refused, and leaves an unchanged tier alone", () => {
    expect(planTierDiscounts([gold], new Map())).toEqual([{ kind: "create", spec: gold, record: null }]);
    const refused = { ...recordOf(gold), discountId: null, error: "too many" };
    expect(planTierDiscounts([gold], new Map([["gold", refused]]))).toEqual([{ kind: "create", spec: gold, record: refused }]);
    expect(planTierDiscounts([gold], new Map([["gold", recordOf(gold)]]))).toEqual([{ kind: "unchanged", tierId: "gold" }]);
  });

  it("updates only what changed: the discount for a new percentage, the segment too for a new name", () => {
    const record = recordOf(gold);
    const richer = { ...gold, percent: 15, title: "Loyalty GOLD: 15% off" };
    expect(planTierDiscounts([richer], new Map([["gold", record]]))).toEqual([
      { kind: "update", spec: richer, record, segment: false, discount: true },
    ]);
    const renamed = tierDiscountSpecs({
      enabled: true,
      tiers: ladder({ gold: { percentOff: 10, automaticDiscount: true } }, { gold: "Or" }),
    })[0];
    expect(planTierDiscounts([renamed], new Map([["gold", record]]))).toEqual([
      { kind: "update", spec: renamed, record, segment: true, discount: true },
    ]);
  });

  it("deletes the discount of a tier switched off or removed", () => {
    const record = recordOf(gold);
    expect(planTierDiscounts([], new Map([["gold", record]]))).toEqual([{ kind: "delete", tierId: "gold", record }]);
    // Once deleted, the record only remembers the segment: nothing more to do, and switching on reuses it.
    const remembered = { ...record, discountId: null, percent: null, title: null };
    expect(planTierDiscounts([], new Map([["gold", remembered]]))).toEqual([]);
    expect(planTierDiscounts([gold], new Map([["gold", remembered]]))).toEqual([{ kind: "create", spec: gold, record: remembered }]);
  });
});
