import { describe, expect, it } from "vitest";
import {
  basketSetFromOrders,
  DAY_MS,
  minePairs,
  MONTH_MS,
  productOffers,
  shrunkLift,
  type OrderBasket,
  type PairStat,
} from "../../app/offers/index.ts";
import { Random } from "../experiments/random.ts";

const AS_OF = Date.UTC(2026, 10, 30);

function order(orderId: string, productIds: (string | null)[], extra: Partial<OrderBasket> = {}): OrderBasket {
  return { orderId, customerId: `c${orderId}`, processedAtMs: AS_OF - DAY_MS, productIds, ...extra };
}

/**
 * Ten counted orders (hand-counted below) and three that must not count.
 * n_A = 6, n_B = 5, n_C = 4, n_D = 3, n_E = 1; AB in 4 orders, AC 2, BC 2, AD 1, BD 1, DE 1; N = 10.
 */
const HAND_ORDERS: OrderBasket[] = [
  order("1", ["A", "B"]),
  order("2", ["A", "A", "B"]), // the same product on two lines counts once
  order("3", ["A", "B", "C"]),
  order("4", ["A", "C"]),
  order("5", ["B", "C"]),
  order("6", ["D"]),
  order("7", ["D", "E", null]),
  order("8", ["A"]),
  order("9", ["C"]),
  order("10", ["B", "A", "D"]),
  order("t", ["A", "E"], { test: true }),
  order("x", ["A", "E"], { cancelled: true }),
  order("old", ["A", "E"], { processedAtMs: AS_OF - 13 * MONTH_MS }),
];

function pairOf(pairs: PairStat[], a: string, b: string): PairStat | undefined {
  return pairs.find((p) => p.productA === a && p.productB === b);
}

const everyPair = { asOfMs: AS_OF, minOrders: 1, minConfidence: 0, minLift: 0 };

describe("pair mining on a hand-checked basket set", () => {
  const result = minePairs(basketSetFromOrders(HAND_ORDERS), everyPair);

  it("counts only the ten orders in the window that are neither test nor cancelled", () => {
    expect(result.orders).toBe(10);
    expect(result.weightTotal).toBe(10);
    expect(result.excluded).toEqual({ test: 1, cancelled: 1, outsideWindow: 1, oversized: 0 });
    const orders = Object.fromEntries(result.products.map((p) => [p.productId, p.orders]));
    expect(orders).toEqual({ A: 6, B: 5, C: 4, D: 3, E: 1 });
    expect(result.products.find((p) => p.productId === "A")?.support).toBeCloseTo(0.6, 12);
  });

  it("gives exact support, confidence both ways and lift", () => {
    const ab = pairOf(result.pairs, "A", "B");
    expect(ab).toBeDefined();
    expect(ab?.orders).toBe(4);
    expect(ab?.support).toBeCloseTo(4 / 10, 12);
    expect(ab?.confidenceAB).toBeCloseTo(4 / 6, 12);
    expect(ab?.confidenceBA).toBeCloseTo(4 / 5, 12);
    expect(ab?.lift).toBeCloseTo((4 * 10) / (6 * 5), 12);
    expect(ab?.expectedOrders).toBeCloseTo(3, 12);
    expect(ab?.liftShrunk).toBeCloseTo((4 + 5) / (3 + 5), 12);

    const ac = pairOf(result.pairs, "A", "C");
    expect(ac?.lift).toBeCloseTo((2 * 10) / (6 * 4), 12);
    expect(ac?.confidenceAB).toBeCloseTo(2 / 6, 12);
    expect(ac?.confidenceBA).toBeCloseTo(2 / 4, 12);
    expect(ac?.liftShrunk).toBeCloseTo((2 + 5) / (2.4 + 5), 12);

    const de = pairOf(result.pairs, "D", "E");
    expect(de?.lift).toBeCloseTo((1 * 10) / (3 * 1), 12);
    expect(de?.liftShrunk).toBeCloseTo((1 + 5) / (0.3 + 5), 12);
  });

  it("never pairs a product with itself and never counts the excluded orders' pair A–E", () => {
    expect(result.pairs.map((p) => `${p.productA}${p.productB}`).sort()).toEqual(["AB", "AC", "AD", "BC", "BD", "DE"]);
    expect(result.distinctPairs).toBe(6);
    expect(result.pairs.every((p) => p.productA < p.productB)).toBe(true);
  });

  it("counts the window from asOf back 12 months, both ends included", () => {
    const baskets = basketSetFromOrders([
      order("in", ["P", "Q"], { processedAtMs: AS_OF - 12 * MONTH_MS }),
      order("edge", ["P", "Q"], { processedAtMs: AS_OF }),
      order("out", ["P", "Q"], { processedAtMs: AS_OF - 12 * MONTH_MS - 1 }),
      order("late", ["P", "Q"], { processedAtMs: AS_OF + 1 }),
    ]);
    const mined = minePairs(baskets, everyPair);
    expect(mined.orders).toBe(2);
    expect(mined.excluded.outsideWindow).toBe(2);
    expect(minePairs(baskets, { ...everyPair, windowMonths: 24 }).orders).toBe(3);
  });

  it("defaults asOf to the latest counted order", () => {
    const mined = minePairs(basketSetFromOrders(HAND_ORDERS), { minOrders: 1, minConfidence: 0, minLift: 0 });
    expect(mined.asOfMs).toBe(AS_OF - DAY_MS);
    expect(mined.orders).toBe(10);
  });

  it("leaves oversized baskets out entirely", () => {
    const big = order("big", ["A", "B", "C", "D"]);
    const mined = minePairs(basketSetFromOrders([...HAND_ORDERS, big]), { ...everyPair, maxBasketSize: 3 });
    expect(mined.orders).toBe(10);
    expect(mined.excluded.oversized).toBe(1);
    expect(pairOf(mined.pairs, "A", "B")?.orders).toBe(4);
  });
});

describe("thresholds", () => {
  const baskets = basketSetFromOrders(HAND_ORDERS);
  const names = (pairs: PairStat[]) => pairs.map((p) => `${p.productA}${p.productB}`).sort();

  it("keeps pairs with at least minOrders orders", () => {
    expect(names(minePairs(baskets, { ...everyPair, minOrders: 2 }).pairs)).toEqual(["AB", "AC", "BC"]);
    expect(names(minePairs(baskets, { ...everyPair, minOrders: 3 }).pairs)).toEqual(["AB"]);
  });

  it("keeps pairs with at least minSupport", () => {
    expect(names(minePairs(baskets, { ...everyPair, minSupport: 0.2 }).pairs)).toEqual(["AB", "AC", "BC"]);
    expect(names(minePairs(baskets, { ...everyPair, minSupport: 0.21 }).pairs)).toEqual(["AB"]);
  });

  it("keeps pairs whose confidence reaches minConfidence in either direction", () => {
    // D→E is 1/3, E→D is 1: kept at 0.9; A→C 1/3, C→A 1/2: dropped at 0.6; B→A 0.8 kept at 0.8.
    expect(names(minePairs(baskets, { ...everyPair, minConfidence: 0.8 }).pairs)).toEqual(["AB", "DE"]);
    expect(names(minePairs(baskets, { ...everyPair, minConfidence: 0.81 }).pairs)).toEqual(["DE"]);
  });

  it("by default keeps only pairs whose shrunk lift exceeds 1", () => {
    // Shrunk lifts: AB 9/8, AC 7/7.4, BC 7/7, AD 6/6.8, BD 6/6.5, DE 6/5.3.
    expect(names(minePairs(baskets, { asOfMs: AS_OF, minOrders: 1, minConfidence: 0 }).pairs)).toEqual(["AB", "DE"]);
    // Default minOrders is 3.
    expect(names(minePairs(baskets, { asOfMs: AS_OF }).pairs)).toEqual(["AB"]);
  });
});

describe("lift shrinkage", () => {
  it("ranks a real pattern above two coincidences between rare products", () => {
    // 1,000 orders: P and Q in 100 each, together in 40 (expected 10, lift 4); X and Y only ever bought twice, together (lift 500).
    const orders: OrderBasket[] = [];
    let id = 0;
    const add = (products: string[]) => orders.push(order(String(id++), products));
    for (let i = 0; i < 40; i++) add(["P", "Q"]);
    for (let i = 0; i < 60; i++) add(["P"]);
    for (let i = 0; i < 60; i++) add(["Q"]);
    add(["X", "Y"]);
    add(["X", "Y"]);
    while (orders.length < 1000) add(["H"]);
    const baskets = basketSetFromOrders(orders);
    const shrunk = minePairs(baskets, { asOfMs: AS_OF, minOrders: 2 });
    const pq = pairOf(shrunk.pairs, "P", "Q");
    const xy = pairOf(shrunk.pairs, "X", "Y");
    expect(xy?.lift).toBeCloseTo(500, 9);
    expect(pq?.lift).toBeCloseTo(4, 9);
    expect(pq?.liftShrunk).toBeCloseTo(45 / 15, 12);
    expect(xy?.liftShrunk).toBeCloseTo(7 / 5.004, 12);
    expect(shrunk.pairs[0].productA).toBe("P");

    // Without shrinkage worth the name, the coincidence wins: the test can fail.
    const raw = minePairs(baskets, { asOfMs: AS_OF, minOrders: 2, liftPrior: 1e-9 });
    expect(raw.pairs[0].productA).toBe("X");
  });

  it("keeps any pair seen twice below any pair seen 20 times at a raw lift of 2 or more", () => {
    // Seen twice: (2 + 5) / (e + 5) < 1.4 for every expected count e > 0.
    // Seen c ≥ 20 times at raw lift L ≥ 2: (c + 5) / (c / L + 5) ≥ 25 / 15.
    for (const expected of [1e-6, 0.01, 0.5, 1, 2]) {
      const coincidence = shrunkLift(2, expected);
      for (const co of [20, 30, 100, 1000]) {
        for (const lift of [2, 3, 10]) expect(shrunkLift(co, co / lift)).toBeGreaterThan(coincidence);
      }
    }
  });
});

describe("recency weighting", () => {
  it("halves an order's weight every half-life", () => {
    const baskets = basketSetFromOrders([
      order("now", ["A", "B"], { processedAtMs: AS_OF }),
      order("30d", ["A"], { processedAtMs: AS_OF - 30 * DAY_MS }),
      order("60d", ["C"], { processedAtMs: AS_OF - 60 * DAY_MS }),
    ]);
    const mined = minePairs(baskets, { ...everyPair, halfLifeDays: 30 });
    // Weights 1, 1/2, 1/4: W = 1.75, w_A = 1.5, w_B = 1, w_AB = 1.
    expect(mined.weightTotal).toBeCloseTo(1.75, 12);
    const ab = pairOf(mined.pairs, "A", "B");
    expect(ab?.orders).toBe(1);
    expect(ab?.support).toBeCloseTo(1 / 1.75, 12);
    expect(ab?.confidenceAB).toBeCloseTo(1 / 1.5, 12);
    expect(ab?.confidenceBA).toBeCloseTo(1, 12);
    expect(ab?.lift).toBeCloseTo(1.75 / 1.5, 12);
    expect(ab?.liftShrunk).toBeCloseTo((1 + 5) / (1.5 / 1.75 + 5), 12);
  });
});

describe("determinism", () => {
  function randomOrders(seed: number): OrderBasket[] {
    const random = new Random(seed);
    const orders: OrderBasket[] = [];
    for (let i = 0; i < 3000; i++) {
      const size = 1 + random.int(4);
      const products: string[] = [];
      for (let k = 0; k < size; k++) products.push(`p${Math.floor(random.next() ** 2 * 40)}`);
      orders.push({
        orderId: `o${i}`,
        customerId: random.next() < 0.2 ? null : `c${random.int(800)}`,
        processedAtMs: AS_OF - random.int(300) * DAY_MS,
        productIds: products,
        test: random.next() < 0.01,
      });
    }
    return orders;
  }

  it("gives the same result for the same orders in any order", () => {
    const orders = randomOrders(7);
    const clv = new Map(Array.from({ length: 800 }, (_, c) => [`c${c}`, 1000 + ((c * 7919) % 50_000)] as const));
    const options = { asOfMs: AS_OF, minOrders: 2, predictedClv: clv };
    const first = minePairs(basketSetFromOrders(orders), options);
    const shuffled = minePairs(basketSetFromOrders(new Random(99).shuffle([...orders])), options);
    const strip = (pairs: PairStat[]) => pairs.map(({ indexA: _a, indexB: _b, ...rest }) => rest);
    expect(first.pairs.length).toBeGreaterThan(20);
    expect(strip(shuffled.pairs)).toEqual(strip(first.pairs));
    expect(productOffers(shuffled)).toEqual(productOffers(first));
  });

  it("orders ties by lift, orders, then product ids", () => {
    // Two pairs with identical statistics: the one with the smaller ids first.
    const baskets = basketSetFromOrders([
      order("1", ["Z", "Y"]),
      order("2", ["Z", "Y"]),
      order("3", ["B", "A"]),
      order("4", ["B", "A"]),
      order("5", ["K"]),
      order("6", ["K"]),
    ]);
    const mined = minePairs(baskets, { ...everyPair, minOrders: 2 });
    expect(mined.pairs.map((p) => p.productA + p.productB)).toEqual(["AB", "YZ"]);
  });
});
