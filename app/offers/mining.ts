/**
 * Product pairs bought together: support, confidence both ways, lift, the lift shrunk toward 1 for pairs
 * seen a few times, and a value score from the predicted 12-month value of the customers who bought them.
 * Definitions: docs/offers.md.
 */

import { countedOrderMask, FLAG_CANCELLED, FLAG_TEST, groupOrdersByCustomer, type BasketSet } from "./baskets.ts";
import { PairTable } from "./pair-table.ts";
import { DEFAULT_LIFT_PRIOR, DEFAULT_VALUE_PRIOR_BUYERS, expectedCoOrders, shrunkLift, valueIndex, valueScore } from "./scores.ts";

export const DAY_MS = 86_400_000;
/** A month is a twelfth of a Julian year, so that 12 months are 365.25 days. */
export const MONTH_MS = (365.25 / 12) * DAY_MS;

export interface MiningOptions {
  /** End of the window (inclusive). Default: the time of the latest counted order. */
  asOfMs?: number;
  /** Window length in months (default 12). */
  windowMonths?: number;
  /** Minimum number of orders holding both products (default 3). */
  minOrders?: number;
  /** Minimum support, the (weighted) share of orders holding both (default 0). */
  minSupport?: number;
  /** Minimum confidence in at least one direction (default 0.05). */
  minConfidence?: number;
  /** The shrunk lift must exceed this (default 1: only pairs bought together more than chance). */
  minLift?: number;
  /** α of the lift shrinkage (default 5). */
  liftPrior?: number;
  /** Recency weighting: an order's weight halves every halfLifeDays before asOf. Null or absent: no weighting. */
  halfLifeDays?: number | null;
  /** Orders with more distinct products than this are left out entirely (wholesale, staff orders). Default 50. */
  maxBasketSize?: number;
  /** Customer id → predicted 12-month value in minor units (rounded to integers when summed). */
  predictedClv?: ReadonlyMap<string, number>;
  /** Pseudo-buyers of average value in the value index (default 5). */
  valuePriorBuyers?: number;
}

export interface ProductStat {
  productId: string;
  /** Counted orders holding the product (unweighted). */
  orders: number;
  /** Share of the (weighted) counted orders holding the product. */
  support: number;
}

export interface PairStat {
  /** The two products, productA < productB in string order (so the output does not depend on input order). */
  productA: string;
  productB: string;
  /** Their indexes in the BasketSet the pair was mined from. */
  indexA: number;
  indexB: number;
  /** Counted orders holding both (unweighted): the orders behind the statistics. */
  orders: number;
  /** Share of (weighted) counted orders holding both. */
  support: number;
  /** P(B | A): share of A's orders that also hold B. */
  confidenceAB: number;
  /** P(A | B). */
  confidenceBA: number;
  /** Observed / expected co-occurrence. */
  lift: number;
  /** Orders expected to hold both if independent (weighted units). */
  expectedOrders: number;
  liftShrunk: number;
  /** Distinct customers who bought both in one order. */
  buyers: number;
  /** Of those, the ones with a predicted value. */
  buyersWithPrediction: number;
  /** Their mean predicted 12-month value (minor units); null when none has one. */
  buyersMeanClv: number | null;
  valueIndex: number;
  valueScore: number;
}

export interface MiningResult {
  asOfMs: number;
  windowStartMs: number;
  /** Orders counted (in the window, not test, not cancelled, not oversized). */
  orders: number;
  /** Sum of their weights (= orders without recency weighting). */
  weightTotal: number;
  excluded: { test: number; cancelled: number; outsideWindow: number; oversized: number };
  /** Indexed like baskets.productIds. */
  products: ProductStat[];
  /** Pairs passing the thresholds, best value score first. */
  pairs: PairStat[];
  /** Mean predicted value over every customer in predictedClv; null without predictions. */
  shopMeanClv: number | null;
  /** Distinct pairs seen before the thresholds. */
  distinctPairs: number;
}

interface ResolvedOptions {
  asOfMs: number;
  windowStartMs: number;
  minOrders: number;
  minSupport: number;
  minConfidence: number;
  minLift: number;
  liftPrior: number;
  halfLifeMs: number | null;
  maxBasketSize: number;
  valuePriorBuyers: number;
}

function latestCountedTime(baskets: BasketSet): number {
  let latest = Number.NEGATIVE_INFINITY;
  for (let o = 0; o < baskets.orderCount; o++) {
    if (baskets.orderFlags[o] === 0 && baskets.orderTimeMs[o] > latest) latest = baskets.orderTimeMs[o];
  }
  return Number.isFinite(latest) ? latest : 0;
}

function resolveOptions(baskets: BasketSet, options: MiningOptions): ResolvedOptions {
  const asOfMs = options.asOfMs ?? latestCountedTime(baskets);
  const windowMonths = options.windowMonths ?? 12;
  if (!(windowMonths > 0)) throw new RangeError("windowMonths must be positive");
  const halfLifeDays = options.halfLifeDays ?? null;
  if (halfLifeDays !== null && !(halfLifeDays > 0)) throw new RangeError("halfLifeDays must be positive");
  const liftPrior = options.liftPrior ?? DEFAULT_LIFT_PRIOR;
  if (!(liftPrior > 0)) throw new RangeError("liftPrior must be positive");
  return {
    asOfMs,
    windowStartMs: asOfMs - windowMonths * MONTH_MS,
    minOrders: Math.max(1, options.minOrders ?? 3),
    minSupport: options.minSupport ?? 0,
    minConfidence: options.minConfidence ?? 0.05,
    minLift: options.minLift ?? 1,
    liftPrior,
    halfLifeMs: halfLifeDays === null ? null : halfLifeDays * DAY_MS,
    maxBasketSize: options.maxBasketSize ?? 50,
    valuePriorBuyers: options.valuePriorBuyers ?? DEFAULT_VALUE_PRIOR_BUYERS,
  };
}

function countExclusions(baskets: BasketSet, mask: Uint8Array): MiningResult["excluded"] {
  const excluded = { test: 0, cancelled: 0, outsideWindow: 0, oversized: 0 };
  for (let o = 0; o < baskets.orderCount; o++) {
    if (mask[o] === 1) continue;
    const flags = baskets.orderFlags[o];
    if (flags & FLAG_TEST) excluded.test++;
    else if (flags & FLAG_CANCELLED) excluded.cancelled++;
    else excluded.outsideWindow++;
  }
  return excluded;
}

/** Predicted value per customer index (NaN: none), and the shop mean over the whole map. */
function customerValues(baskets: BasketSet, predictedClv: ReadonlyMap<string, number> | undefined) {
  if (predictedClv === undefined || predictedClv.size === 0) return { byCustomer: null, shopMean: null };
  const byCustomer = new Float64Array(baskets.customerIds.length).fill(Number.NaN);
  for (let c = 0; c < baskets.customerIds.length; c++) {
    const value = predictedClv.get(baskets.customerIds[c]);
    if (value !== undefined && Number.isFinite(value)) byCustomer[c] = Math.round(value);
  }
  let sum = 0;
  let count = 0;
  for (const value of predictedClv.values()) {
    if (!Number.isFinite(value)) continue;
    sum += Math.round(value);
    count++;
  }
  return { byCustomer, shopMean: count > 0 ? sum / count : null };
}

export function minePairs(baskets: BasketSet, options: MiningOptions = {}): MiningResult {
  const resolved = resolveOptions(baskets, options);
  const { asOfMs, halfLifeMs, maxBasketSize } = resolved;
  const mask = countedOrderMask(baskets, resolved.windowStartMs, asOfMs);
  const excluded = countExclusions(baskets, mask);

  // Pass 1: product and pair counts.
  const productCount = baskets.productIds.length;
  const productOrders = new Int32Array(productCount);
  const productWeight = halfLifeMs === null ? null : new Float64Array(productCount);
  const { itemStart, itemProduct, orderTimeMs } = baskets;
  // Distinct pairs are at most the pair occurrences: sizing the table from them saves most rehashing.
  let occurrences = 0;
  for (let o = 0; o < baskets.orderCount; o++) {
    const size = itemStart[o + 1] - itemStart[o];
    if (mask[o] === 1 && size <= maxBasketSize) occurrences += (size * (size - 1)) / 2;
  }
  const table = new PairTable(Math.min(Math.max(occurrences, 1 << 16), 1 << 23), halfLifeMs !== null);
  let orders = 0;
  let weightTotal = 0;
  for (let o = 0; o < baskets.orderCount; o++) {
    if (mask[o] === 0) continue;
    const start = itemStart[o];
    const end = itemStart[o + 1];
    if (end - start > maxBasketSize) {
      mask[o] = 0;
      excluded.oversized++;
      continue;
    }
    const weight = halfLifeMs === null ? 1 : Math.pow(2, -(asOfMs - orderTimeMs[o]) / halfLifeMs);
    orders++;
    weightTotal += weight;
    for (let i = start; i < end; i++) {
      const a = itemProduct[i];
      productOrders[a]++;
      if (productWeight !== null) productWeight[a] += weight;
      for (let j = i + 1; j < end; j++) table.add(a, itemProduct[j], weight);
    }
  }
  const weightOf = (p: number) => (productWeight === null ? productOrders[p] : productWeight[p]);

  const products: ProductStat[] = baskets.productIds.map((productId, p) => ({
    productId,
    orders: productOrders[p],
    support: weightTotal > 0 ? weightOf(p) / weightTotal : 0,
  }));

  // Thresholds.
  const candidateOfSlot = new Int32Array(table.capacity).fill(-1);
  const candidates: Array<{ a: number; b: number; orders: number; co: number; expected: number; liftShrunk: number }> = [];
  table.forEach((slot, a, b, pairOrders, co) => {
    if (pairOrders < resolved.minOrders) return;
    if (weightTotal <= 0 || co / weightTotal < resolved.minSupport) return;
    const weightA = weightOf(a);
    const weightB = weightOf(b);
    if (Math.max(co / weightA, co / weightB) < resolved.minConfidence) return;
    const expected = expectedCoOrders(weightA, weightB, weightTotal);
    const liftShrunk = shrunkLift(co, expected, resolved.liftPrior);
    if (!(liftShrunk > resolved.minLift)) return;
    candidateOfSlot[slot] = candidates.length;
    candidates.push({ a, b, orders: pairOrders, co, expected, liftShrunk });
  });

  // Pass 2: the distinct customers behind each kept pair and their predicted value.
  const values = customerValues(baskets, options.predictedClv);
  const buyers = new Int32Array(candidates.length);
  const buyersWithPrediction = new Int32Array(candidates.length);
  const clvSum = new Float64Array(candidates.length);
  const lastBuyer = new Int32Array(candidates.length).fill(-1);
  if (candidates.length > 0) {
    const groups = groupOrdersByCustomer(baskets, mask);
    for (let c = 0; c < baskets.customerIds.length; c++) {
      const clv = values.byCustomer === null ? Number.NaN : values.byCustomer[c];
      for (let k = groups.start[c]; k < groups.start[c + 1]; k++) {
        const o = groups.order[k];
        const end = itemStart[o + 1];
        for (let i = itemStart[o]; i < end; i++) {
          for (let j = i + 1; j < end; j++) {
            const slot = table.slotOf(itemProduct[i], itemProduct[j]);
            const candidate = slot < 0 ? -1 : candidateOfSlot[slot];
            if (candidate < 0 || lastBuyer[candidate] === c) continue;
            lastBuyer[candidate] = c;
            buyers[candidate]++;
            if (!Number.isNaN(clv)) {
              buyersWithPrediction[candidate]++;
              clvSum[candidate] += clv;
            }
          }
        }
      }
    }
  }

  const pairs: PairStat[] = candidates.map((candidate, k) => {
    const swap = baskets.productIds[candidate.a] > baskets.productIds[candidate.b];
    const first = swap ? candidate.b : candidate.a;
    const second = swap ? candidate.a : candidate.b;
    const index = values.shopMean === null ? 1 : valueIndex(clvSum[k], buyersWithPrediction[k], values.shopMean, resolved.valuePriorBuyers);
    return {
      productA: baskets.productIds[first],
      productB: baskets.productIds[second],
      indexA: first,
      indexB: second,
      orders: candidate.orders,
      support: candidate.co / weightTotal,
      confidenceAB: candidate.co / weightOf(first),
      confidenceBA: candidate.co / weightOf(second),
      lift: candidate.co / candidate.expected,
      expectedOrders: candidate.expected,
      liftShrunk: candidate.liftShrunk,
      buyers: buyers[k],
      buyersWithPrediction: buyersWithPrediction[k],
      buyersMeanClv: buyersWithPrediction[k] > 0 ? clvSum[k] / buyersWithPrediction[k] : null,
      valueIndex: index,
      valueScore: valueScore(candidate.liftShrunk, index),
    };
  });
  pairs.sort(comparePairs);

  return {
    asOfMs,
    windowStartMs: resolved.windowStartMs,
    orders,
    weightTotal,
    excluded,
    products,
    pairs,
    shopMeanClv: values.shopMean,
    distinctPairs: table.size,
  };
}

function compareIds(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Best value score first; ties by shrunk lift, orders, then product ids (a total order: output is deterministic). */
export function comparePairs(x: PairStat, y: PairStat): number {
  return (
    y.valueScore - x.valueScore ||
    y.liftShrunk - x.liftShrunk ||
    y.orders - x.orders ||
    compareIds(x.productA, y.productA) ||
    compareIds(x.productB, y.productB)
  );
}
