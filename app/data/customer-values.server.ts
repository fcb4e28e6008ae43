import type { Prisma } from "@prisma/client";
import { databaseProvider, type Db } from "~/db.server";
import { historicValue, type OrderAggregates } from "~/lib/historic-value";
import { bulkUpsert, takeIncoming } from "./bulk-upsert.server";
import { executeRaw, join, queryRaw, raw, sql } from "./sql.server";

const VALUE_COLUMNS = [
  "shop",
  "customerId",
  "orderCount",
  "grossMinor",
  "refundedMinor",
  "netRevenueMinor",
  "aovMinor",
  "firstOrderAt",
  "lastOrderAt",
  "tenureDays",
  "computedAt",
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
      const v = historicValue(
        byCustomer.get(customerId) ?? { orderCount: 0, grossMinor: 0n, refundedMinor: 0n, firstOrderAt: null, lastOrderAt: null },
      );
      return [
        shop,
        customerId,
        v.orderCount,
        v.grossMinor,
        v.refundedMinor,
        v.netRevenueMinor,
        v.aovMinor,
        v.firstOrderAt,
        v.lastOrderAt,
        v.tenureDays,
        now,
      ];
    });
    await bulkUpsert(tx, {
      table: "CustomerValue",
      columns: VALUE_COLUMNS,
      rows,
      conflict: ["shop", "customerId"],
      set: takeIncoming(VALUE_COLUMNS.slice(2)),
    });
  }
}

/**
 * Per-customer aggregates of counted orders, in one portable statement (Prisma's groupBy costs several
 * times more at batch sizes). SQLite returns times as ISO text and sums as numbers; PostgreSQL as Date
 * and bigint: normalise both.
 */
async function aggregateOrders(tx: Prisma.TransactionClient, shop: string, customerIds: string[]): Promise<Map<string, OrderAggregates>> {
  const rows = await queryRaw<{
    id: string;
    n: number | bigint;
    gross: number | bigint | string;
    refunded: number | bigint | string;
    first: string | Date;
    last: string | Date;
  }>(
    tx,
    sql`SELECT "customerId" AS id, COUNT(*) AS n, SUM("totalMinor") AS gross, SUM("refundedMinor") AS refunded,
               MIN("processedAt") AS first, MAX("processedAt") AS last
          FROM "Order"
         WHERE "shop" = ${shop} AND "cancelledAt" IS NULL AND "test" = false AND "customerId" IN (${join(customerIds)})
         GROUP BY "customerId"`,
  );
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
 * Recomputes every customer of the shop that has orders, in one statement: SQL aggregates the counted
 * orders and upserts the values (after an import of a million orders, the per-customer round trips of
 * recomputeCustomerValues took most of a minute). Same definitions as app/lib/historic-value.ts:
 * average rounded half away from zero, tenure in whole days from the first to the last order.
 * Customers whose orders are all cancelled or test orders get zeros.
 */
export async function recomputeAllCustomerValues(db: Db, shop: string): Promise<number> {
  const pg = databaseProvider() === "postgresql";
  const when = (expression: string) => `CASE WHEN o."cancelledAt" IS NULL AND o."test" = false THEN ${expression} END`;
  // Integer casts: PostgreSQL sums bigints as numeric, whose division would not truncate.
  const n = `CAST(SUM(${when("1")}) AS BIGINT)`;
  const net = `CAST(SUM(${when(`o."totalMinor" - o."refundedMinor"`)}) AS BIGINT)`;
  const first = `MIN(${when(`o."processedAt"`)})`;
  const last = `MAX(${when(`o."processedAt"`)})`;
  // The one expression that differs: whole days between two stored times.
  const days = pg
    ? `CAST(FLOOR(EXTRACT(EPOCH FROM (${last} - ${first})) / 86400) AS INTEGER)`
    : `CAST(julianday(${last}) - julianday(${first}) AS INTEGER)`;
  return executeRaw(
    db,
    sql`INSERT INTO "CustomerValue" ("shop", "customerId", "orderCount", "grossMinor", "refundedMinor", "netRevenueMinor", "aovMinor",
                                     "firstOrderAt", "lastOrderAt", "tenureDays", "computedAt")
        SELECT o."shop", o."customerId", COALESCE(${raw(n)}, 0),
               COALESCE(SUM(${raw(when(`o."totalMinor"`))}), 0),
               COALESCE(SUM(${raw(when(`o."refundedMinor"`))}), 0),
               COALESCE(${raw(net)}, 0),
               CASE WHEN COALESCE(${raw(n)}, 0) = 0 THEN 0
                    WHEN ${raw(net)} >= 0 THEN (2 * ${raw(net)} + ${raw(n)}) / (2 * ${raw(n)})
                    ELSE -((-2 * ${raw(net)} + ${raw(n)}) / (2 * ${raw(n)})) END,
               ${raw(first)}, ${raw(last)}, COALESCE(${raw(days)}, 0), ${new Date()}
          FROM "Order" o
         WHERE o."shop" = ${shop} AND o."customerId" IS NOT NULL
         GROUP BY o."shop", o."customerId"
        HAVING true
        ON CONFLICT ("shop", "customerId") DO UPDATE SET
          "orderCount" = excluded."orderCount", "grossMinor" = excluded."grossMinor", "refundedMinor" = excluded."refundedMinor",
          "netRevenueMinor" = excluded."netRevenueMinor", "aovMinor" = excluded."aovMinor", "firstOrderAt" = excluded."firstOrderAt",
          "lastOrderAt" = excluded."lastOrderAt", "tenureDays" = excluded."tenureDays", "computedAt" = excluded."computedAt"`,
  );
}
