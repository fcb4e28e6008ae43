import { describe, expect, it } from "vitest";
import {
  basketSetFromOrders,
  buildRecommendationModel,
  DAY_MS,
  minePairs,
  productOffers,
  recommendationsForShopper,
  recommendForCustomers,
  Recommender,
  repurchaseStats,
  type MiningResult,
  type OrderBasket,
  type PairStat,
  type RepurchaseStats,
} from "../../app/offers/index.ts";

const AS_OF = Date.UTC(2026, 10, 30);
const daysAgo = (days: number) => AS_OF - days * DAY_MS;

describe("repurchase statistics", () => {
  let id = 0;
  const buy = (customerId: string, productIds: string[], days: number): OrderBasket => ({
    orderId: String(id++),
    customerId,
    processedAtMs: daysAgo(days),
    productIds,
  });
  const orders = [
    buy("c1", ["R"], 90),
    buy("c1", ["R", "S"], 60),
    buy("c1", ["R"], 30), // c1: intervals 30, 30
    buy("c2", ["R"], 50),
    buy("c2", ["R"], 10), // c2: interval 40
    buy("c3", ["R", "S"], 20), // c3 once
    buy("c4", ["R"], 5),
    buy("c4", ["R"], 4.5), // half a day later: one purchase split in two orders
    { ...buy("c5", ["R"], 40), test: true },
    { ...buy("c5", ["R"], 3), test: true },
  ];
  const stats = repurchaseStats(basketSetFromOrders(orders), { asOfMs: AS_OF, minRepeatBuyers: 2 });
  const r = stats.products.find((p) => p.productId === "R");
  const s = stats.products.find((p) => p.productId === "S");

  it("counts buyers, repeat buyers and the median interval", () => {
    expect(r).toEqual({ productId: "R", buyers: 4, repeatBuyers: 2, rate: 0.5, typicalIntervalDays: 30, repurchased: true });
    expect(s).toEqual({ productId: "S", buyers: 2, repeatBuyers: 0, rate: 0, typicalIntervalDays: null, repurchased: false });
  });

  it("needs enough repeat buyers and a high enough rate", () => {
    const strict = repurchaseStats(basketSetFromOrders(orders), { asOfMs: AS_OF, minRepeatBuyers: 3 });
    expect(strict.products.find((p) => p.productId === "R")?.repurchased).toBe(false);
    const rare = repurchaseStats(basketSetFromOrders(orders), { asOfMs: AS_OF, minRepeatBuyers: 2, minRepurchaseRate: 0.51 });
    expect(rare.products.find((p) => p.productId === "R")?.repurchased).toBe(false);
  });
});

/**
 * A hand-built model: products A, B, C, D, R, U with similarities (log shrunk lift)
 * A–B 1, A–C 0.5, B–D 2, A–U 3 (U unpublished), A–R 0.2; R is repurchased every 30 days.
 */
function handModel() {
  const ids = ["A", "B", "C", "D", "R", "U"];
  const index = (id: string) => ids.indexOf(id);
  const pair = (a: string, b: string, similarity: number): PairStat => ({
    productA: a,
    productB: b,
    indexA: index(a),
    indexB: index(b),
    orders: 10,
    support: 0.1,
    confidenceAB: 0.5,
    confidenceBA: 0.5,
    lift: Math.exp(similarity),
    expectedOrders: 1,
    liftShrunk: Math.exp(similarity),
    buyers: 10,
    buyersWithPrediction: 0,
    buyersMeanClv: null,
    valueIndex: 1,
    valueScore: similarity,
  });
  const mining: Pick<MiningResult, "products" | "pairs"> = {
    products: ids.map((productId) => ({ productId, orders: 10, support: 0.1 })),
    pairs: [pair("A", "B", 1), pair("A", "C", 0.5), pair("B", "D", 2), pair("A", "U", 3), pair("A", "R", 0.2)],
  };
  const repurchase: RepurchaseStats = {
    asOfMs: AS_OF,
    products: ids.map((productId) => ({
      productId,
      buyers: 10,
      repeatBuyers: productId === "R" ? 6 : 0,
      rate: productId === "R" ? 0.6 : 0,
      typicalIntervalDays: productId === "R" ? 30 : null,
      repurchased: productId === "R",
    })),
  };
  return buildRecommendationModel({ mining, repurchase, publishedProductIds: new Set(["A", "B", "C", "D", "R"]) });
}

describe("personal recommendations on a hand-built history", () => {
  const recommender = new Recommender(handModel());
  const weight = (days: number) => Math.pow(2, -days / 180);

  it("recommends similar products, never what was bought, and a due repurchase first", () => {
    const history = [
      { productId: "A", timeMs: daysAgo(10) },
      { productId: "B", timeMs: daysAgo(10) },
      { productId: "R", timeMs: daysAgo(28) },
      { productId: "unknown", timeMs: daysAgo(3) },
    ];
    const recommendations = recommender.forHistory(history, { asOfMs: AS_OF });
    expect(recommendations.map((r) => [r.productId, r.reason])).toEqual([
      ["R", "repurchase"],
      ["D", "similar"],
      ["C", "similar"],
    ]);
    expect(recommendations[0].score).toBeCloseTo(28 / 30, 12);
    expect(recommendations[1].score).toBeCloseTo(weight(10) * 2, 12);
    expect(recommendations[2].score).toBeCloseTo(weight(10) * 0.5, 12);
  });

  it("does not offer a repurchased product again before it is due, nor long after", () => {
    const early = recommender.forHistory(
      [
        { productId: "R", timeMs: daysAgo(5) },
        { productId: "A", timeMs: daysAgo(5) },
      ],
      { asOfMs: AS_OF },
    );
    expect(early.map((r) => r.productId)).toEqual(["B", "C"]);
    const lapsed = recommender.forHistory([{ productId: "R", timeMs: daysAgo(200) }], { asOfMs: AS_OF });
    expect(lapsed.map((r) => r.productId)).toEqual(["A"]);
    const due = recommender.forHistory([{ productId: "R", timeMs: daysAgo(45) }], { asOfMs: AS_OF });
    expect(due.map((r) => [r.productId, r.reason])).toEqual([
      ["R", "repurchase"],
      ["A", "similar"],
    ]);
  });

  it("weights recent purchases more and respects the limit", () => {
    // C via A (0.5, bought today) against D via B (2, bought 720 days ago: weight 1/16 → 0.125).
    const recommendations = recommender.forHistory(
      [
        { productId: "A", timeMs: AS_OF },
        { productId: "B", timeMs: daysAgo(720) },
      ],
      { asOfMs: AS_OF, limit: 1 },
    );
    expect(recommendations.map((r) => r.productId)).toEqual(["C"]);
  });

  it("ignores purchases after asOf", () => {
    expect(recommender.forHistory([{ productId: "B", timeMs: AS_OF + DAY_MS }], { asOfMs: AS_OF })).toEqual([]);
  });
});

describe("recommendations from orders, in a batch", () => {
  // A and B go together; R is bought again every ~30 days; C and D go together.
  const orders: OrderBasket[] = [];
  let id = 0;
  const buy = (customerId: string | null, productIds: string[], days: number, extra: Partial<OrderBasket> = {}) =>
    orders.push({ orderId: String(id++), customerId, processedAtMs: daysAgo(days), productIds, ...extra });
  for (let c = 0; c < 30; c++) {
    buy(`ab${c}`, ["A", "B"], 100 + c);
    buy(`cd${c}`, ["C", "D"], 100 + c);
    buy(`r${c}`, ["R"], 90 + c);
    buy(`r${c}`, ["R"], 60 + c);
  }
  buy(null, ["E", "F"], 3); // a guest's order counts in the statistics but belongs to nobody
  buy("alice", ["A"], 20);
  buy("alice", ["R"], 31);
  buy("bob", ["C"], 5);
  buy("bob", ["B"], 6, { cancelled: true });
  buy("carol", ["R"], 2);

  const baskets = basketSetFromOrders(orders);
  const mining = minePairs(baskets, { asOfMs: AS_OF });
  const repurchase = repurchaseStats(baskets, { asOfMs: AS_OF });
  const published = new Set(["A", "B", "C", "D", "R"]);
  const model = buildRecommendationModel({ mining, repurchase, publishedProductIds: published });

  it("recommends per customer from their counted orders", () => {
    expect(repurchase.products.find((p) => p.productId === "R")).toMatchObject({ repurchased: true, typicalIntervalDays: 30 });
    const all = recommendForCustomers(model, baskets, { asOfMs: AS_OF });
    expect(all.get("alice")?.map((r) => r.productId)).toEqual(["R", "B"]);
    // Bob's cancelled order of B does not count as a purchase.
    expect(all.get("bob")?.map((r) => r.productId)).toEqual(["D"]);
    // Carol bought R two days ago: nothing is due, and R has no similar products.
    expect(all.get("carol")).toEqual([]);
    expect(all.has("ab0")).toBe(true);
    expect(all.get("ab0")).toEqual([]);
  });

  it("gives the same lists one by one and in a batch, for chosen customers only", () => {
    const some = recommendForCustomers(model, baskets, { asOfMs: AS_OF, customerIds: ["alice", "bob", "nobody"] });
    expect([...some.keys()]).toEqual(["alice", "bob"]);
    const single = new Recommender(model).forHistory(
      [
        { productId: "A", timeMs: daysAgo(20) },
        { productId: "R", timeMs: daysAgo(31) },
      ],
      { asOfMs: AS_OF },
    );
    expect(some.get("alice")).toEqual(single);
  });

  it("never recommends an unpublished product", () => {
    const withoutB = buildRecommendationModel({ mining, repurchase, publishedProductIds: new Set(["A", "C", "D"]) });
    const all = recommendForCustomers(withoutB, baskets, { asOfMs: AS_OF });
    expect(all.get("alice")).toEqual([]);
    expect([...all.values()].flat().every((r) => r.productId !== "B" && r.productId !== "R")).toBe(true);
  });

  it("gives a guest, or a shopper without a list, the viewed product's offers", () => {
    const offers = productOffers(mining, { publishedProductIds: published });
    const personal = recommendForCustomers(model, baskets, { asOfMs: AS_OF });
    expect(recommendationsForShopper({ customerId: null, viewedProductId: "A", productOffers: offers })).toEqual({
      source: "product",
      productIds: ["B"],
    });
    expect(
      recommendationsForShopper({ customerId: "alice", viewedProductId: "C", personal: personal.get("alice"), productOffers: offers }),
    ).toEqual({ source: "personal", productIds: ["R", "B"] });
    expect(
      recommendationsForShopper({ customerId: "alice", viewedProductId: "R", personal: personal.get("alice"), productOffers: offers }),
    ).toEqual({ source: "personal", productIds: ["B"] });
    expect(recommendationsForShopper({ customerId: "carol", viewedProductId: "C", personal: [], productOffers: offers })).toEqual({
      source: "product",
      productIds: ["D"],
    });
  });
});
