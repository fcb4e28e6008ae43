// The mining run of a shop: its counted orders become baskets (streamed from Order and LineItem in keyset
// pages into app/offers' column store), the pairs are mined with the buyers' predicted 12-month value, the
// suggestions are stored with the merchant's verdicts kept, and every customer's personal list is
// recomputed from published products only. Nightly after the refit, after a backfill, and on demand.
import type { Db } from "~/db.server";
import {
  BasketSetBuilder,
  buildRecommendationModel,
  minePairs,
  productOffers,
  Recommender,
  repurchaseStats,
  type BasketSet,
  type PairStat,
  type SuggestedProduct,
} from "~/offers";
import { timeMsOf } from "./experiments.server";
import { offerSettings, storeSuggestions, type SuggestionInput } from "./offers.server";
import { queryRaw, sql } from "./sql.server";
import { publishedProductIds } from "./products.server";
import { recommendationWriter } from "./recommendations.server";

/** Orders read per page (their line items are read by the range of their ids). */
const ORDER_PAGE = 5_000;
/** Suggestions kept per trigger product: the admin's table and the source of the mined lists. */
export const SUGGESTIONS_PER_TRIGGER = 10;
/** Personal recommendations per customer (the block shows up to 4 after removing the product on screen). */
export const RECOMMENDATIONS_PER_CUSTOMER = 8;

/**
 * The shop's counted orders processed up to `asOf` (all time: the mining window is applied by minePairs,
 * while a shopper's history spans everything) as a BasketSet. Test and cancelled orders are left out here
 * already; line items without a product are ignored.
 */
export async function loadBaskets(db: Db, shop: string, asOf: Date): Promise<BasketSet> {
  const builder = new BasketSetBuilder();
  let after = "";
  for (;;) {
    // Raw SQL: at a million orders Prisma's row mapping costs more than the database.
    const orders = await queryRaw<{ id: string; customerId: string | null; processedAt: unknown }>(
      db,
      sql`SELECT o."id", o."customerId", o."processedAt" FROM "Order" o
          WHERE o."shop" = ${shop} AND o."test" = false AND o."cancelledAt" IS NULL AND o."processedAt" <= ${asOf} AND o."id" > ${after}
          ORDER BY o."id" LIMIT ${BigInt(ORDER_PAGE)}`,
    );
    if (orders.length === 0) break;
    const first = after;
    after = orders[orders.length - 1].id;
    // The page's line items by the range of its order ids (the (shop, orderId) index), not an IN list: line
    // items of orders in the range that do not count (test, cancelled, later) are ignored below.
    const items = await queryRaw<{ orderId: string; productId: string }>(
      db,
      sql`SELECT li."orderId", li."productId" FROM "LineItem" li
          WHERE li."shop" = ${shop} AND li."orderId" > ${first} AND li."orderId" <= ${after} AND li."productId" IS NOT NULL`,
    );
    const byOrder = new Map<string, string[]>();
    for (const item of items) {
      const list = byOrder.get(item.orderId);
      if (list) list.push(item.productId);
      else byOrder.set(item.orderId, [item.productId]);
    }
    for (const order of orders) {
      builder.add({
        orderId: order.id,
        customerId: order.customerId,
        processedAtMs: timeMsOf(order.processedAt),
        productIds: byOrder.get(order.id) ?? [],
      });
    }
  }
  return builder.build();
}

/** Customer id → predicted 12-month value (minor units), for the value score. */
export async function predictedClvByCustomer(db: Db, shop: string): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  let after = "";
  for (;;) {
    const rows = await db.customerValue.findMany({
      where: { shop, customerId: { gt: after }, predictedClvMinor: { not: null } },
      select: { customerId: true, predictedClvMinor: true },
      orderBy: { customerId: "asc" },
      take: 20_000,
    });
    if (rows.length === 0) return result;
    after = rows[rows.length - 1].customerId;
    for (const row of rows) if (row.predictedClvMinor !== null) result.set(row.customerId, Number(row.predictedClvMinor));
  }
}

/** The directional suggestions with the pair's support and raw lift (productOffers keeps the rest). */
function suggestionsOf(pairs: readonly PairStat[], offers: ReadonlyMap<string, readonly SuggestedProduct[]>): SuggestionInput[] {
  const key = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  const wanted = new Set<string>();
  for (const [trigger, list] of offers) for (const item of list) wanted.add(key(trigger, item.productId));
  const pairOf = new Map<string, PairStat>();
  for (const pair of pairs) {
    const k = key(pair.productA, pair.productB);
    if (wanted.has(k)) pairOf.set(k, pair);
  }
  const suggestions: SuggestionInput[] = [];
  for (const [trigger, list] of offers) {
    for (const item of list) {
      const pair = pairOf.get(key(trigger, item.productId));
      if (pair) suggestions.push({ ...item, triggerProductId: trigger, support: pair.support, lift: pair.lift });
    }
  }
  return suggestions;
}

export interface MiningSummary {
  orders: number;
  products: number;
  customers: number;
  pairs: number;
  suggestions: number;
  recommendations: number;
  recommendationsRemoved: number;
  durationMs: number;
}

/**
 * The run's stamp: `now`, or just after the previous run's when that is not earlier. Rows a run did not
 * write are the ones stamped before it, so two runs must never share a stamp.
 */
async function runStamp(db: Db, shop: string, now: Date): Promise<Date> {
  const [suggestions, lists] = await Promise.all([
    db.offerSuggestion.aggregate({ where: { shop }, _max: { minedAt: true } }),
    db.customerRecommendation.aggregate({ where: { shop }, _max: { computedAt: true } }),
  ]);
  const previous = Math.max(suggestions._max.minedAt?.getTime() ?? 0, lists._max.computedAt?.getTime() ?? 0);
  return previous >= now.getTime() ? new Date(previous + 1) : now;
}

export async function mineShop(db: Db, shop: string, now = new Date()): Promise<MiningSummary> {
  const started = Date.now();
  const settings = await offerSettings(db, shop);
  const [baskets, predictedClv, published] = await Promise.all([
    loadBaskets(db, shop, now),
    predictedClvByCustomer(db, shop),
    publishedProductIds(db, shop, now),
  ]);
  const asOfMs = now.getTime();
  const mining = minePairs(baskets, {
    asOfMs,
    windowMonths: settings.windowMonths,
    minSupport: settings.minSupport,
    minConfidence: settings.minConfidence,
    halfLifeDays: settings.recencyHalfLifeDays,
    predictedClv,
  });
  // Suggestions are stored whatever the products' state (the admin says which are not shown); the
  // write-back keeps published products only.
  const offers = productOffers(mining, { limit: SUGGESTIONS_PER_TRIGGER, minConfidence: settings.minConfidence });
  const suggestions = suggestionsOf(mining.pairs, offers);
  const stamp = await runStamp(db, shop, now);
  await storeSuggestions(db, shop, suggestions, stamp);

  const model = buildRecommendationModel({ mining, repurchase: repurchaseStats(baskets, { asOfMs }), publishedProductIds: published });
  const lists: [string, string[]][] = [];
  new Recommender(model).forCustomers(baskets, { asOfMs, limit: RECOMMENDATIONS_PER_CUSTOMER }, (customerId, items) => {
    if (items.length > 0) lists.push([customerId, items.map((r) => r.productId)]);
  });
  const writer = recommendationWriter(db, shop, stamp);
  for (const [customerId, productIds] of lists) await writer.write(customerId, productIds);
  const stored = await writer.finish();

  return {
    orders: mining.orders,
    products: baskets.productIds.length,
    customers: baskets.customerIds.length,
    pairs: mining.pairs.length,
    suggestions: suggestions.length,
    recommendations: stored.written,
    recommendationsRemoved: stored.removed,
    durationMs: Date.now() - started,
  };
}
