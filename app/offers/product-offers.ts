/**
 * Product-level offers ("frequently bought together") from mined pairs: for each trigger product, the
 * products to offer with it, best first. These are the suggestions the merchant accepts, the lists written
 * to each trigger's metafield, and what a guest sees.
 */

import type { MiningResult, PairStat } from "./mining.ts";

export interface SuggestedProduct {
  productId: string;
  /** P(offered | trigger). */
  confidence: number;
  liftShrunk: number;
  orders: number;
  valueScore: number;
  buyersMeanClv: number | null;
}

export interface ProductOfferOptions {
  /** Offered products per trigger (default 4). */
  limit?: number;
  /** Minimum P(offered | trigger) (default 0.05). */
  minConfidence?: number;
  /** When given, only these products are offered (published, not draft or deleted). Triggers are not filtered. */
  publishedProductIds?: ReadonlySet<string>;
}

function compareSuggestions(x: SuggestedProduct, y: SuggestedProduct): number {
  return (
    y.valueScore - x.valueScore ||
    y.liftShrunk - x.liftShrunk ||
    y.confidence - x.confidence ||
    y.orders - x.orders ||
    (x.productId < y.productId ? -1 : x.productId > y.productId ? 1 : 0)
  );
}

function suggestion(pair: PairStat, offeredId: string, confidence: number): SuggestedProduct {
  return {
    productId: offeredId,
    confidence,
    liftShrunk: pair.liftShrunk,
    orders: pair.orders,
    valueScore: pair.valueScore,
    buyersMeanClv: pair.buyersMeanClv,
  };
}

/** Trigger product id → offered products, best first. Triggers with nothing to offer are absent. */
export function productOffers(mining: Pick<MiningResult, "pairs">, options: ProductOfferOptions = {}): Map<string, SuggestedProduct[]> {
  const limit = options.limit ?? 4;
  const minConfidence = options.minConfidence ?? 0.05;
  const published = options.publishedProductIds;
  const byTrigger = new Map<string, SuggestedProduct[]>();
  const push = (trigger: string, item: SuggestedProduct) => {
    if (item.confidence < minConfidence) return;
    if (published !== undefined && !published.has(item.productId)) return;
    const list = byTrigger.get(trigger);
    if (list === undefined) byTrigger.set(trigger, [item]);
    else list.push(item);
  };
  for (const pair of mining.pairs) {
    push(pair.productA, suggestion(pair, pair.productB, pair.confidenceAB));
    push(pair.productB, suggestion(pair, pair.productA, pair.confidenceBA));
  }
  const sortedTriggers = [...byTrigger.keys()].sort();
  const result = new Map<string, SuggestedProduct[]>();
  for (const trigger of sortedTriggers) {
    const list = byTrigger.get(trigger) ?? [];
    list.sort(compareSuggestions);
    result.set(trigger, list.slice(0, limit));
  }
  return result;
}
