import { describe, expect, it } from "vitest";
import {
  isOfferActive,
  offerProductProblems,
  showableOfferedProducts,
  validateManualOffer,
  type ProductState,
} from "../../app/offers/index.ts";

const valid = {
  title: "  Pair the grinder  ",
  triggerProductIds: ["gid://shopify/Product/101"],
  offeredProductIds: ["202", 303],
  discountPercent: 15,
  tierName: "Gold",
  startsAt: "2026-12-01T00:00:00Z",
  endsAt: "2027-01-01T00:00:00Z",
  priority: 5,
};

/** The English messages of a refused offer, by field. */
function errorsOf(input: unknown, options = {}): Record<string, string[]> {
  const result = validateManualOffer(input, options);
  if (result.ok) throw new Error("expected the offer to be refused");
  return Object.fromEntries(Object.entries(result.errors).map(([field, errors = []]) => [field, errors.map((e) => e.message)]));
}

describe("manual offer validation", () => {
  it("accepts a valid offer and normalizes it", () => {
    const result = validateManualOffer(valid, { tierNames: ["Silver", "Gold"] });
    expect(result).toEqual({
      ok: true,
      offer: {
        title: "Pair the grinder",
        triggerProductIds: ["101"],
        offeredProductIds: ["202", "303"],
        discountPercent: 15,
        tierName: "Gold",
        startsAt: new Date("2026-12-01T00:00:00Z"),
        endsAt: new Date("2027-01-01T00:00:00Z"),
        priority: 5,
      },
    });
  });

  it("makes discount, tier, end and priority optional", () => {
    const { discountPercent: _d, tierName: _t, endsAt: _e, priority: _p, ...minimal } = valid;
    const result = validateManualOffer({ ...minimal, tierName: "" });
    expect(result.ok && result.offer).toMatchObject({ discountPercent: null, tierName: null, endsAt: null, priority: 0 });
  });

  it("says what is wrong with each field", () => {
    expect(errorsOf({ ...valid, title: " " }).title).toEqual(["Give the offer a title"]);
    expect(errorsOf({ ...valid, triggerProductIds: [] }).triggerProductIds).toEqual(["Choose at least one trigger product"]);
    expect(errorsOf({ ...valid, offeredProductIds: ["12", "abc"] }).offeredProductIds).toEqual(["must be a Shopify product id"]);
    expect(errorsOf({ ...valid, offeredProductIds: ["12", "12"] }).offeredProductIds).toEqual([
      "The offered products lists product 12 twice",
    ]);
    expect(errorsOf({ ...valid, offeredProductIds: ["1", "2", "3"] }, { maxOfferedProducts: 2 }).offeredProductIds).toEqual([
      "Choose at most 2 products to offer",
    ]);
    expect(errorsOf({ ...valid, offeredProductIds: ["101"] }).offeredProductIds).toEqual([
      "Product 101 is also a trigger: an offer cannot offer the product it is shown with",
    ]);
    for (const discountPercent of [0, 101, 12.5]) {
      expect(errorsOf({ ...valid, discountPercent }).discountPercent).toEqual(["The discount must be a whole percentage from 1 to 100"]);
    }
    expect(errorsOf({ ...valid, discountPercent: "10" }).discountPercent).toEqual(["The discount must be a number"]);
    expect(errorsOf({ ...valid, tierName: "Platinum" }, { tierNames: ["Silver", "Gold"] }).tierName).toEqual([
      'There is no tier "Platinum": choose one of Silver, Gold',
    ]);
    expect(errorsOf({ ...valid, startsAt: "soon" }).startsAt).toEqual(["must be a valid date"]);
    expect(errorsOf({ ...valid, endsAt: valid.startsAt }).endsAt).toEqual(["The end must be after the start"]);
    expect(errorsOf({ ...valid, priority: -1 }).priority).toEqual(["The priority must be a whole number from 0 to 1000"]);
  });

  it("names a missing field", () => {
    const { title: _t, ...withoutTitle } = valid;
    expect(errorsOf(withoutTitle).title).toEqual(["Give the offer a title"]);
    const { startsAt: _s, ...withoutStart } = valid;
    expect(Object.keys(errorsOf(withoutStart))).toEqual(["startsAt"]);
  });

  it("knows when an offer is active", () => {
    const result = validateManualOffer(valid);
    if (!result.ok) throw new Error("valid offer refused");
    expect(isOfferActive(result.offer, Date.parse("2026-11-30T23:59:59Z"))).toBe(false);
    expect(isOfferActive(result.offer, Date.parse("2026-12-01T00:00:00Z"))).toBe(true);
    expect(isOfferActive(result.offer, Date.parse("2027-01-01T00:00:00Z"))).toBe(false);
    expect(isOfferActive({ ...result.offer, endsAt: null }, Date.parse("2030-01-01T00:00:00Z"))).toBe(true);
  });
});

describe("an offer never points at a product shoppers cannot buy", () => {
  const products = new Map<string, ProductState>([
    ["1", { status: "ACTIVE", publishedOnlineStore: true }],
    ["2", { status: "DRAFT", publishedOnlineStore: false }],
    ["3", { status: "ARCHIVED", publishedOnlineStore: false }],
    ["4", { status: "ACTIVE", publishedOnlineStore: false }],
    ["5", { status: "ACTIVE", publishedOnlineStore: true }],
    ["6", { status: "UNLISTED", publishedOnlineStore: true }],
  ]);

  it("reports every deleted, draft, archived, inactive or unpublished product with its role", () => {
    const problems = offerProductProblems({ triggerProductIds: ["1", "9"], offeredProductIds: ["2", "3", "4", "5", "6", "8"] }, products);
    expect(problems.map((p) => [p.productId, p.role, p.problem])).toEqual([
      ["9", "trigger", "deleted"],
      ["2", "offered", "draft"],
      ["3", "offered", "archived"],
      ["4", "offered", "unpublished"],
      ["6", "offered", "inactive"],
      ["8", "offered", "deleted"],
    ]);
    expect(problems[3].message).toBe("Offered product 4 is not published to the online store");
    expect(offerProductProblems({ triggerProductIds: ["1"], offeredProductIds: ["5"] }, products)).toEqual([]);
  });

  it("keeps only the showable offered products, in order", () => {
    expect(showableOfferedProducts(["5", "2", "1", "8", "4"], products)).toEqual(["5", "1"]);
  });
});
