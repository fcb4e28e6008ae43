import type { Prisma } from "@prisma/client";
import { databaseProvider, type Db } from "~/db.server";
import { historicValue, type OrderAggregates } from "~/lib/historic-value";
import { bulkUpsert, takeIncoming } from "./bulk-upsert.server";

const VALUE_COLUMNS = [
  "shop", "customerId", "orderCount", "grossMinor", "refundedMinor", "netRevenueMinor", "aovMinor", "firstOrderAt", "lastOrderAt", "tenureDays", "computedAt",
];

/** The orders that count toward a customer's value: not cancelled, not test orders. */
export const countedOrders = (shop: string) => ({ shop, cancelledAt: null, test: false }) satisfies Prisma.OrderWhereInput;

/**
 * Recomputes the historic value of these customers from their orders. Recomputing from the source
 * (rather than adding deltas) is what makes retries, duplicates and reordering harmless.
 */
export async function recomputeCustomerValues(tx: Prisma.TransactionClient, shop: string, customerIds: string[]): Promise<void> {
  if (customerIds.length === 0) return;
  const now = new Date();
  for (let i = 0; i < customerIds.length; i += 500) {
    const chunk = customerIds.slice(i, i + 500);
    const byCustomer = await aggregateOrders(tx, shop, chunk);
    const rows = chunk.map((customerId) => {
      const v = historicValue(byCustomer.get(customerId) ?? { orderCount: 0, grossMinor: 0n, refundedMinor: 0n, firstOrderAt: null, lastOrderAt: null });
      return [shop, customerId, v.orderCount, v.grossMinor, v.refundedMinor, v.netRevenueMinor, v.aovMinor, v.firstOrderAt, v.lastOrderAt, v.tenureDays, now];
    });
    await bulkUpsert(tx, { table: "CustomerValue", columns: VALUE_COLUMNS, rows, conflict: ["shop", "customerId"], set: takeIncoming(VALUE_COLUMNS.slice(2)) });
  }
}

/**
 * Per-customer aggregates of counted orders, in one portable statement (Prisma's groupBy costs several
 * times more at batch sizes). SQLite returns times as ISO text and sums as numbers; PostgreSQL as Date
 * and bigint: normalise both.
 */
async function aggregateOrders(tx: Prisma.TransactionClient, shop: string, customerIds: string[]): Promise<Map<string, OrderAggregates>> {
  const pg = databaseProvider() === "postgresql";
  const placeholders = customerIds.map((_, i) => (pg ? `$${i + 2}` : "?")).join(", ");
  const rows = (await tx.$queryRawUnsafe(
    `SELECT "customerId" AS id, COUNT(*) AS n, SUM("totalMinor") AS gross, SUM("refundedMinor") AS refunded,
            MIN("processedAt") AS first, MAX("processedAt") AS last
       FROM "Order"
      WHERE "shop" = ${pg ? "$1" : "?"} AND "cancelledAt" IS NULL AND "test" = false AND "customerId" IN (${placeholders})
      GROUP BY "customerId"`,
    shop,
    ...customerIds,
  )) as { id: string; n: number | bigint; gross: number | bigint | string; refunded: number | bigint | string; first: string | Date; last: string | Date }[];
  return new Map(
    rows.map((r) => [
      r.id,
      {
        orderCount: Number(r.n),
        grossMinor: BigInt(r.gross),
        refundedMinor: BigInt(r.refunded),
        firstOrderAt: new Date(r.first),
        lastOrderAt: new Date(r.last),
      },
    ]),
  );
}

/**
 * Recomputes every customer of the shop that has orders, in transactions of `chunk` customers, walking
 * the customer ids in order (keyset paging: no offset scans, constant memory).
 */
export async function recomputeAllCustomerValues(db: Db, shop: string, chunk = 1_000): Promise<number> {
  let after = "";
  let total = 0;
  for (;;) {
    // Raw: Prisma may apply `distinct` after fetching every row; the (shop, customerId) index answers this.
    const rows = await db.$queryRaw<{ customerId: string }[]>`
      SELECT DISTINCT "customerId" FROM "Order"
       WHERE "shop" = ${shop} AND "customerId" IS NOT NULL AND "customerId" > ${after}
       ORDER BY "customerId" LIMIT ${chunk}`;
    const ids = rows.map((r) => r.customerId);
    if (ids.length === 0) return total;
    await db.$transaction(async (tx) => recomputeCustomerValues(tx, shop, ids), { maxWait: 60_000, timeout: 120_000 });
    total += ids.length;
    after = ids[ids.length - 1]!;
  }
}
