import { describe, expect, it } from "vitest";
import { isEmptyDiff, writeBackDiff, writtenAfter, type LoyaltyState, type WriteBackInput } from "../../app/loyalty/index.ts";

const silver: LoyaltyState = {
  tierName: "Silver",
  pointsBalance: 420,
  nextTierName: "Gold",
  amountToNextTier: 12_345,
  referralCode: "REF-ABCDEFGH",
};
const base: WriteBackInput = {
  written: new Map(),
  currentTags: [],
  state: silver,
  basis: "net_spend",
  currencyCode: "USD",
  knownTierNames: ["Silver", "Gold"],
};

describe("write-back diff", () => {
  it("writes every value the first time, typed, in the app's namespace, and the tier tag", () => {
    const diff = writeBackDiff(base);
    expect(diff.metafieldsToSet).toEqual([
      { namespace: "$app", key: "tier", type: "single_line_text_field", value: "Silver" },
      { namespace: "$app", key: "points_balance", type: "number_integer", value: "420" },
      { namespace: "$app", key: "next_tier", type: "single_line_text_field", value: "Gold" },
      { namespace: "$app", key: "amount_to_next_tier", type: "money", value: '{"amount":"123.45","currency_code":"USD"}' },
      { namespace: "$app", key: "referral_code", type: "single_line_text_field", value: "REF-ABCDEFGH" },
    ]);
    expect(diff.metafieldsToDelete).toEqual([]);
    expect(diff.tagsToAdd).toEqual(["tier:Silver"]);
    expect(diff.tagsToRemove).toEqual([]);
  });

  it("writes nothing when nothing changed", () => {
    const first = writeBackDiff(base);
    const again = writeBackDiff({ ...base, written: writtenAfter(new Map(), first), currentTags: ["vip", "tier:Silver"] });
    expect(isEmptyDiff(again)).toBe(true);
  });

  it("writes only the changed values: a points change is one metafield", () => {
    const written = writtenAfter(new Map(), writeBackDiff(base));
    const diff = writeBackDiff({ ...base, written, currentTags: ["tier:Silver"], state: { ...silver, pointsBalance: 470 } });
    expect(diff).toEqual({
      metafieldsToSet: [{ namespace: "$app", key: "points_balance", type: "number_integer", value: "470" }],
      metafieldsToDelete: [],
      tagsToAdd: [],
      tagsToRemove: [],
    });
  });

  it("on promotion to the top: swaps the tag, deletes the next-tier fields, keeps the merchant's own tags", () => {
    const written = writtenAfter(new Map(), writeBackDiff(base));
    const gold: LoyaltyState = { ...silver, tierName: "Gold", nextTierName: null, amountToNextTier: null };
    const diff = writeBackDiff({ ...base, written, state: gold, currentTags: ["TIER:silver", "tier:wholesale", "vip"] });
    expect(diff.metafieldsToSet).toEqual([{ namespace: "$app", key: "tier", type: "single_line_text_field", value: "Gold" }]);
    expect(diff.metafieldsToDelete).toEqual(["next_tier", "amount_to_next_tier"]);
    expect(diff.tagsToAdd).toEqual(["tier:Gold"]);
    expect(diff.tagsToRemove).toEqual(["TIER:silver"]); // compared without case, like Shopify; "tier:wholesale" is not ours
  });

  it("leaving the program removes the tag; count and points bases write their own typed amount", () => {
    const none: LoyaltyState = { tierName: null, pointsBalance: 0, nextTierName: "Silver", amountToNextTier: 2, referralCode: null };
    const diff = writeBackDiff({ ...base, basis: "order_count", state: none, currentTags: ["tier:Gold"] });
    expect(diff.tagsToRemove).toEqual(["tier:Gold"]);
    expect(diff.tagsToAdd).toEqual([]);
    expect(diff.metafieldsToSet.map((write) => [write.key, write.type, write.value])).toEqual([
      ["points_balance", "number_integer", "0"],
      ["next_tier", "single_line_text_field", "Silver"],
      ["orders_to_next_tier", "number_integer", "2"],
    ]);
    const switched = writeBackDiff({ ...base, basis: "points_earned", written: new Map([["amount_to_next_tier", "x"]]) });
    expect(switched.metafieldsToDelete).toEqual(["amount_to_next_tier"]);
    expect(switched.metafieldsToSet.find((write) => write.key === "points_to_next_tier")?.value).toBe("12345");
  });
});
