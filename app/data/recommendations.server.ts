// Personal recommendations, one stored list per customer: written by the mining job (app/offers
// Recommender), read by the write-back (customer metafield `recommendations`) and by the app proxy.
import type { Prisma } from "@prisma/client";
import type { Db } from "~/db.server";
import { bulkUpsert } from "./bulk-upsert.server";

type Client = Db | Prisma.TransactionClient;

const CHUNK = 2_000;

/**
 * Stores a run's lists (customer id → product ids, best first), then removes the lists the run did not
 * produce (customers without a recommendation any more). Call `write` for each list, then `finish`.
 */
export function recommendationWriter(db: Db, shop: string, computedAt: Date) {
  let pending: [string, string, string, Date][] = [];
  let written = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    await bulkUpsert(db, {
      table: "CustomerRecommendation",
      columns: ["shop", "customerId", "productIds", "computedAt"],
      rows,
      conflict: ["shop", "customerId"],
      set: [`"productIds" = excluded."productIds"`, `"computedAt" = excluded."computedAt"`],
    });
    written += rows.length;
  };
  return {
    async write(customerId: string, productIds: readonly string[]): Promise<void> {
      if (productIds.length === 0) return;
      pending.push([shop, customerId, JSON.stringify(productIds), computedAt]);
      if (pending.length >= CHUNK) await flush();
    },
    async finish(): Promise<{ written: number; removed: number }> {
      await flush();
      const { count } = await db.customerRecommendation.deleteMany({ where: { shop, computedAt: { lt: computedAt } } });
      return { written, removed: count };
    },
  };
}

function parseIds(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

/** One customer's stored list (empty when none): what the app proxy answers. */
export async function recommendationsOf(db: Client, shop: string, customerId: string): Promise<string[]> {
  const row = await db.customerRecommendation.findUnique({
    where: { shop_customerId: { shop, customerId } },
    select: { productIds: true },
  });
  return row ? parseIds(row.productIds) : [];
}

/** Every stored list of the shop, a page at a time (customer id order), for the write-back. */
export async function* recommendationPages(db: Client, shop: string, pageSize = 5_000): AsyncGenerator<Map<string, string[]>> {
  let after = "";
  for (;;) {
    const rows = await db.customerRecommendation.findMany({
      where: { shop, customerId: { gt: after } },
      select: { customerId: true, productIds: true },
      orderBy: { customerId: "asc" },
      take: pageSize,
    });
    if (rows.length === 0) return;
    after = rows[rows.length - 1].customerId;
    yield new Map(rows.map((r) => [r.customerId, parseIds(r.productIds)]));
  }
}
