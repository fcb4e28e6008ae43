import { describe, expect, it } from "vitest";
import { basketSetFromOrders, DAY_MS, minePairs, productOffers, type OrderBasket } from "../../app/offers/index.ts";

const AS_OF = Date.UTC(2026, 10, 30);
let nextId = 0;
function order(customerId: string | null, productIds: string[]): OrderBasket {
  return { orderId: String(nextId++), customerId, processedAtMs: AS_OF - DAY_MS, productIds };
}

/**
 * Pairs X+Y and Z+W have identical counts (4 orders each, every product in exactly those 4, N = 20:
 * lift 4·20/16 = 5, expected 0.8, shrunk (4 + 5) / (0.8 + 5)), but X+Y is bought by three valuable
 * customers (h3 twice) and Z+W by four of little value.
 */
const ORDERS: OrderBasket[] = [
  order("h1", ["X", "Y"]),
  order("h2", ["X", "Y"]),
  order("h3", ["X", "Y"]),
  order("h3", ["X", "Y"]),
  order("l1", ["Z", "W"]),
  order("l2", ["Z", "W"]),
  order("l3", ["Z", "W"]),
  order("l4", ["Z", "W"]),
  ...Array.from({ length: 12 }, () => order(null, ["F"])),
];

// Shop mean over the whole map: (3·30,000 + 4·1,000 + 3·5,000) / 10 = 10,900.
const CLV = new Map<string, number>([
  ["h1", 30_000],
  ["h2", 30_000],
  ["h3", 30_000],
  ["l1", 1_000],
  ["l2", 1_000],
  ["l3", 1_000],
  ["l4", 1_000],
  ["g1", 5_000],
  ["g2", 5_000],
  ["g3", 5_000],
]);

describe("value-weighted ranking", () => {
  const mined = minePairs(basketSetFromOrders(ORDERS), { asOfMs: AS_OF, predictedClv: CLV });
  const xy = mined.pairs.find((p) => p.productA === "X");
  const wz = mined.pairs.find((p) => p.productA === "W");

  it("counts each buyer once and averages their predicted value", () => {
    expect(mined.shopMeanClv).toBeCloseTo(10_900, 9);
    expect(xy?.buyers).toBe(3);
    expect(xy?.buyersMeanClv).toBeCloseTo(30_000, 9);
    expect(wz?.buyers).toBe(4);
    expect(wz?.buyersMeanClv).toBeCloseTo(1_000, 9);
  });

  it("computes the value index and score as documented", () => {
    const liftShrunk = 9 / 5.8;
    expect(xy?.liftShrunk).toBeCloseTo(liftShrunk, 12);
    expect(wz?.liftShrunk).toBeCloseTo(liftShrunk, 12);
    // (Σ buyers' value + 5 · mean) / ((buyers + 5) · mean)
    expect(xy?.valueIndex).toBeCloseTo((90_000 + 5 * 10_900) / (8 * 10_900), 12);
    expect(wz?.valueIndex).toBeCloseTo((4_000 + 5 * 10_900) / (9 * 10_900), 12);
    expect(xy?.valueScore).toBeCloseTo(Math.log(liftShrunk) * (144_500 / 87_200), 12);
  });

  it("ranks the pair bought by valuable customers first", () => {
    expect(mined.pairs.map((p) => p.productA + p.productB)).toEqual(["XY", "WZ"]);
    // Without predictions the two pairs tie and fall back to the product ids.
    const plain = minePairs(basketSetFromOrders(ORDERS), { asOfMs: AS_OF });
    expect(plain.pairs.map((p) => p.productA + p.productB)).toEqual(["WZ", "XY"]);
    expect(plain.pairs[0].valueIndex).toBe(1);
  });

  it("gives buyers without a prediction the shop's average value", () => {
    const withoutH = new Map([...CLV].filter(([id]) => !id.startsWith("h")));
    const result = minePairs(basketSetFromOrders(ORDERS), { asOfMs: AS_OF, predictedClv: withoutH });
    const pair = result.pairs.find((p) => p.productA === "X");
    expect(pair?.buyers).toBe(3);
    expect(pair?.buyersWithPrediction).toBe(0);
    expect(pair?.buyersMeanClv).toBeNull();
    expect(pair?.valueIndex).toBeCloseTo(1, 12);
  });
});

describe("product offers from mined pairs", () => {
  const orders: OrderBasket[] = [];
  const add = (products: string[], times: number) => {
    for (let i = 0; i < times; i++) orders.push(order(`c${orders.length % 7}`, products));
  };
  // A with B 6 times, A with C 3 times, A alone 3 times, B alone 2, C alone 6, D alone 20.
  add(["A", "B"], 6);
  add(["A", "C"], 3);
  add(["A"], 3);
  add(["B"], 2);
  add(["C"], 6);
  add(["D"], 20);
  const mined = minePairs(basketSetFromOrders(orders), { asOfMs: AS_OF });

  it("lists each trigger's offered products with the confidence of that direction, best first", () => {
    const offers = productOffers(mined);
    expect([...offers.keys()]).toEqual(["A", "B", "C"]);
    expect(offers.get("A")?.map((o) => o.productId)).toEqual(["B", "C"]);
    // n_A = 12, n_B = 8, n_C = 9.
    expect(offers.get("A")?.[0].confidence).toBeCloseTo(6 / 12, 12);
    expect(offers.get("B")?.[0]).toMatchObject({ productId: "A", orders: 6 });
    expect(offers.get("B")?.[0].confidence).toBeCloseTo(6 / 8, 12);
    expect(offers.get("C")?.[0].confidence).toBeCloseTo(3 / 9, 12);
  });

  it("applies the limit, the directional confidence and the published set", () => {
    expect(
      productOffers(mined, { limit: 1 })
        .get("A")
        ?.map((o) => o.productId),
    ).toEqual(["B"]);
    const confident = productOffers(mined, { minConfidence: 0.4 });
    expect(confident.get("A")?.map((o) => o.productId)).toEqual(["B"]);
    expect(confident.has("C")).toBe(false);
    const published = productOffers(mined, { publishedProductIds: new Set(["A", "C"]) });
    expect(published.get("A")?.map((o) => o.productId)).toEqual(["C"]);
    expect(published.get("B")?.map((o) => o.productId)).toEqual(["A"]);
  });
});
