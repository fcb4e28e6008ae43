/**
 * Personal recommendations from a shopper's own purchase history: item-to-item similarity from the mined
 * co-purchase statistics, never what they already bought unless it is a product people buy again and
 * theirs is due, only published products. Rules: docs/offers.md.
 */

import { countedOrderMask, groupOrdersByCustomer, type BasketSet } from "./baskets.ts";
import { DAY_MS, type MiningResult } from "./mining.ts";
import type { SuggestedProduct } from "./product-offers.ts";
import type { RepurchaseStats } from "./repurchase.ts";

export interface RecommendationModel {
  /** Product index → id (the indexing of the BasketSet that was mined). */
  readonly productIds: readonly string[];
  readonly productIndex: ReadonlyMap<string, number>;
  /** Neighbours of product p: neighbor[neighborStart[p] … neighborStart[p + 1]), most similar first. */
  readonly neighborStart: Int32Array;
  readonly neighbor: Int32Array;
  readonly similarity: Float64Array;
  readonly published: Uint8Array;
  readonly repurchased: Uint8Array;
  /** NaN when unknown. */
  readonly typicalIntervalDays: Float64Array;
}

export interface ModelInput {
  mining: Pick<MiningResult, "products" | "pairs">;
  repurchase?: RepurchaseStats;
  publishedProductIds: ReadonlySet<string>;
  /** Most similar neighbours kept per product (default 50). */
  neighborsPerProduct?: number;
}

/** Similarity of two products: the log of their shrunk lift (0 for independent products); only positive ones are kept. */
export function buildRecommendationModel(input: ModelInput): RecommendationModel {
  const productIds = input.mining.products.map((p) => p.productId);
  const productCount = productIds.length;
  const keep = input.neighborsPerProduct ?? 50;
  const productIndex = new Map<string, number>();
  productIds.forEach((id, p) => productIndex.set(id, p));

  const degree = new Int32Array(productCount + 1);
  for (const pair of input.mining.pairs) {
    if (!(pair.liftShrunk > 1)) continue;
    degree[pair.indexA + 1]++;
    degree[pair.indexB + 1]++;
  }
  for (let p = 0; p < productCount; p++) degree[p + 1] += degree[p];
  const allNeighbor = new Int32Array(degree[productCount]);
  const allSimilarity = new Float64Array(degree[productCount]);
  const fill = degree.slice(0, productCount);
  for (const pair of input.mining.pairs) {
    if (!(pair.liftShrunk > 1)) continue;
    const similarity = Math.log(pair.liftShrunk);
    allNeighbor[fill[pair.indexA]] = pair.indexB;
    allSimilarity[fill[pair.indexA]++] = similarity;
    allNeighbor[fill[pair.indexB]] = pair.indexA;
    allSimilarity[fill[pair.indexB]++] = similarity;
  }

  // Keep each product's `keep` most similar neighbours (ties by product id, so the model is deterministic).
  const neighborStart = new Int32Array(productCount + 1);
  const neighbor: number[] = [];
  const similarity: number[] = [];
  for (let p = 0; p < productCount; p++) {
    const order: number[] = [];
    for (let k = degree[p]; k < degree[p + 1]; k++) order.push(k);
    order.sort((x, y) => {
      const bySimilarity = allSimilarity[y] - allSimilarity[x];
      if (bySimilarity !== 0) return bySimilarity;
      const idX = productIds[allNeighbor[x]];
      const idY = productIds[allNeighbor[y]];
      return idX < idY ? -1 : idX > idY ? 1 : 0;
    });
    for (const k of order.slice(0, keep)) {
      neighbor.push(allNeighbor[k]);
      similarity.push(allSimilarity[k]);
    }
    neighborStart[p + 1] = neighbor.length;
  }

  const published = new Uint8Array(productCount);
  const repurchased = new Uint8Array(productCount);
  const typicalIntervalDays = new Float64Array(productCount).fill(Number.NaN);
  for (let p = 0; p < productCount; p++) {
    published[p] = input.publishedProductIds.has(productIds[p]) ? 1 : 0;
    const stats = input.repurchase?.products[p];
    if (stats !== undefined && stats.productId === productIds[p] && stats.repurchased && stats.typicalIntervalDays !== null) {
      repurchased[p] = 1;
      typicalIntervalDays[p] = stats.typicalIntervalDays;
    }
  }
  return {
    productIds,
    productIndex,
    neighborStart,
    neighbor: Int32Array.from(neighbor),
    similarity: Float64Array.from(similarity),
    published,
    repurchased,
    typicalIntervalDays,
  };
}

export interface Recommendation {
  productId: string;
  reason: "similar" | "repurchase";
  /** "similar": the recency-weighted sum of similarities to the shopper's purchases. "repurchase": time since
   * their last purchase of it over its typical interval. */
  score: number;
}

export interface RecommendOptions {
  asOfMs: number;
  /** Products per shopper (default 8). */
  limit?: number;
  /** A purchase's weight halves every this many days (default 180). */
  historyHalfLifeDays?: number;
  /** A repurchased product is due from this share of its typical interval… (default 0.8) */
  dueRatio?: number;
  /** …until this many intervals, after which the shopper is taken to have stopped (default 4). */
  maxDueRatio?: number;
  /** At most this many due repurchases, listed first (default 2). */
  maxRepurchase?: number;
}

function customerMask(baskets: BasketSet, customerIds: Iterable<string>): Uint8Array {
  const ids = new Set(customerIds);
  const mask = new Uint8Array(baskets.customerIds.length);
  baskets.customerIds.forEach((id, c) => {
    mask[c] = ids.has(id) ? 1 : 0;
  });
  return mask;
}

export interface PurchaseEvent {
  productId: string;
  timeMs: number;
}

function compareByScoreThenId(x: Recommendation, y: Recommendation): number {
  return y.score - x.score || (x.productId < y.productId ? -1 : x.productId > y.productId ? 1 : 0);
}

/**
 * Holds the scratch arrays one recommendation needs, so that a batch of 100,000 shoppers allocates
 * nothing per product. Not shared between concurrent callers.
 */
export class Recommender {
  private stamp = 0;
  private readonly boughtStamp: Int32Array;
  private readonly lastBought: Float64Array;
  private readonly scoreStamp: Int32Array;
  private readonly score: Float64Array;
  private readonly bought: number[] = [];
  private readonly touched: number[] = [];

  constructor(readonly model: RecommendationModel) {
    const productCount = model.productIds.length;
    this.boughtStamp = new Int32Array(productCount);
    this.lastBought = new Float64Array(productCount);
    this.scoreStamp = new Int32Array(productCount);
    this.score = new Float64Array(productCount);
  }

  /** Recommendations for one shopper's history (purchases of products the model does not know are ignored). */
  forHistory(history: readonly PurchaseEvent[], options: RecommendOptions): Recommendation[] {
    this.begin();
    for (const event of history) {
      if (event.timeMs > options.asOfMs) continue;
      const p = this.model.productIndex.get(event.productId);
      if (p !== undefined) this.addPurchase(p, event.timeMs);
    }
    return this.finish(options);
  }

  /**
   * Recommendations for the customers of `baskets` (the BasketSet the model was mined from), from their
   * counted orders up to asOf; visit gets each customer with at least one counted order.
   */
  forCustomers(
    baskets: BasketSet,
    options: RecommendOptions & { customerIds?: Iterable<string> },
    visit: (customerId: string, recommendations: Recommendation[]) => void,
  ): void {
    if (baskets.productIds.length !== this.model.productIds.length) {
      throw new Error("the model was not built from these baskets");
    }
    const mask = countedOrderMask(baskets, Number.NEGATIVE_INFINITY, options.asOfMs);
    const groups = groupOrdersByCustomer(baskets, mask);
    const wanted = options.customerIds === undefined ? null : customerMask(baskets, options.customerIds);
    for (let c = 0; c < baskets.customerIds.length; c++) {
      if (groups.start[c] === groups.start[c + 1] || (wanted !== null && wanted[c] === 0)) continue;
      this.begin();
      for (let k = groups.start[c]; k < groups.start[c + 1]; k++) {
        const o = groups.order[k];
        const t = baskets.orderTimeMs[o];
        for (let i = baskets.itemStart[o]; i < baskets.itemStart[o + 1]; i++) this.addPurchase(baskets.itemProduct[i], t);
      }
      visit(baskets.customerIds[c], this.finish(options));
    }
  }

  private begin(): void {
    this.stamp++;
    this.bought.length = 0;
    this.touched.length = 0;
  }

  private addPurchase(p: number, timeMs: number): void {
    if (this.boughtStamp[p] !== this.stamp) {
      this.boughtStamp[p] = this.stamp;
      this.lastBought[p] = timeMs;
      this.bought.push(p);
    } else if (timeMs > this.lastBought[p]) {
      this.lastBought[p] = timeMs;
    }
  }

  private finish(options: RecommendOptions): Recommendation[] {
    const { model, stamp } = this;
    const limit = options.limit ?? 8;
    const halfLifeMs = (options.historyHalfLifeDays ?? 180) * DAY_MS;
    const dueRatio = options.dueRatio ?? 0.8;
    const maxDueRatio = options.maxDueRatio ?? 4;
    const maxRepurchase = options.maxRepurchase ?? 2;

    const due: Recommendation[] = [];
    for (const p of this.bought) {
      const weight = Math.pow(2, -Math.max(0, options.asOfMs - this.lastBought[p]) / halfLifeMs);
      for (let k = model.neighborStart[p]; k < model.neighborStart[p + 1]; k++) {
        const q = model.neighbor[k];
        if (model.published[q] === 0) continue;
        if (this.scoreStamp[q] !== stamp) {
          this.scoreStamp[q] = stamp;
          this.score[q] = 0;
          this.touched.push(q);
        }
        this.score[q] += weight * model.similarity[k];
      }
      if (model.repurchased[p] === 1 && model.published[p] === 1) {
        const ratio = (options.asOfMs - this.lastBought[p]) / DAY_MS / model.typicalIntervalDays[p];
        if (ratio >= dueRatio && ratio <= maxDueRatio) due.push({ productId: model.productIds[p], reason: "repurchase", score: ratio });
      }
    }
    // The most timely first: closest to exactly one typical interval since the last purchase.
    due.sort(
      (x, y) => Math.abs(x.score - 1) - Math.abs(y.score - 1) || (x.productId < y.productId ? -1 : x.productId > y.productId ? 1 : 0),
    );
    const result = due.slice(0, Math.min(maxRepurchase, limit));

    const similar: Recommendation[] = [];
    for (const q of this.touched) {
      if (this.boughtStamp[q] === stamp) continue;
      similar.push({ productId: model.productIds[q], reason: "similar", score: this.score[q] });
    }
    similar.sort(compareByScoreThenId);
    for (const item of similar) {
      if (result.length >= limit) break;
      result.push(item);
    }
    return result;
  }
}

/** Recommendations for many customers at once, keyed by customer id. */
export function recommendForCustomers(
  model: RecommendationModel,
  baskets: BasketSet,
  options: RecommendOptions & { customerIds?: Iterable<string> },
): Map<string, Recommendation[]> {
  const result = new Map<string, Recommendation[]>();
  new Recommender(model).forCustomers(baskets, options, (customerId, items) => result.set(customerId, items));
  return result;
}

export interface ShopperContext {
  /** Null for a guest. */
  customerId: string | null;
  /** The product page the shopper is on. */
  viewedProductId: string;
  /** The logged-in shopper's stored personal list, if any. */
  personal?: readonly Recommendation[] | null;
  productOffers: ReadonlyMap<string, readonly SuggestedProduct[]>;
  limit?: number;
}

/**
 * What a shopper sees: a logged-in shopper with a personal list gets it (without the product on screen);
 * a guest, or a shopper without one, gets the viewed product's offers.
 */
export function recommendationsForShopper(context: ShopperContext): { source: "personal" | "product"; productIds: string[] } {
  const limit = context.limit ?? 4;
  if (context.customerId !== null && context.personal && context.personal.length > 0) {
    const productIds = context.personal.map((r) => r.productId).filter((id) => id !== context.viewedProductId);
    if (productIds.length > 0) return { source: "personal", productIds: productIds.slice(0, limit) };
  }
  const offers = context.productOffers.get(context.viewedProductId) ?? [];
  return { source: "product", productIds: offers.map((o) => o.productId).slice(0, limit) };
}
