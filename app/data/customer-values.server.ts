import type { Prisma } from "@prisma/client";
import { databaseProvider, type Db } from "~/db.server";
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

/** The orders that count toward a customer's value: not cancelled, not test orders, in the shop's currency. */
export const countedOrders = (shop: string) =>
  ({ shop, cancelledAt: null, test: false, currencyMismatch: false }) satisfies Prisma.OrderWhereInput;

/**
 * Recomputes the historic value of these customers from their orders. Recomputing from the source
 * (rather than adding deltas) is what makes retries, duplicates and reordering harmless.
 * One statement per 500 customers aggregates and writes in the database: a wholesale customer has
 * thousands of orders, and ingest holds these customers' locks (PostgreSQL) until it commits, so the
 * recompute is one round trip with one parameter per customer, not an aggregate read back and a
 * 2,000-parameter upsert (bench:scale: 1,173 → 1,439 orders/s with 2 workers on hot customers).
 */
export async function recomputeCustomerValues(tx: Prisma.TransactionClient, shop: string, customerIds: string[]): Promise<void> {
  for (let i = 0; i < customerIds.length; i += 500) {
    const chunk = customerIds.slice(i, i + 500);
    const written = await queryRaw<{ customerId: string }>(tx, valuesFromOrders(shop, chunk));
    // A customer with no order left at all (its only order moved to another customer) gets zeros.
    const withOrders = new Set(written.map((r) => r.customerId));
    const now = new Date();
    await bulkUpsert(tx, {
      table: "CustomerValue",
      columns: VALUE_COLUMNS,
      rows: chunk.filter((id) => !withOrders.has(id)).map((id) => [shop, id, 0, 0n, 0n, 0n, 0n, null, null, 0, now]),
      conflict: ["shop", "customerId"],
      set: takeIncoming(VALUE_COLUMNS.slice(2)),
    });
  }
}

/**
 * Recomputes every customer of the shop that has orders, in one statement (after an import of a million
 * orders, per-customer round trips took most of a minute).
 */
export async function recomputeAllCustomerValues(db: Db, shop: string): Promise<number> {
  return executeRaw(db, valuesFromOrders(shop, null));
}

/**
 * The statement that aggregates the counted orders of the shop's customers (or of `customerIds`, then
 * returning the ids it wrote) and upserts their values. Same definitions as app/lib/historic-value.ts:
 * average rounded half away from zero, tenure in whole days from the first to the last counted order.
 * Customers whose orders are all cancelled, test or in another currency get zeros.
 */
function valuesFromOrders(shop: string, customerIds: string[] | null) {
  const pg = databaseProvider() === "postgresql";
  const when = (expression: string) =>
    `CASE WHEN o."cancelledAt" IS NULL AND o."test" = false AND o."currencyMismatch" = false THEN ${expression} END`;
  // Integer casts: PostgreSQL sums bigints as numeric, whose division would not truncate.
  const n = `CAST(SUM(${when("1")}) AS BIGINT)`;
  const net = `CAST(SUM(${when(`o."totalMinor" - o."refundedMinor"`)}) AS BIGINT)`;
  const first = `MIN(${when(`o."processedAt"`)})`;
  const last = `MAX(${when(`o."processedAt"`)})`;
  // The one expression that differs: whole days between two stored times. SQLite's julianday is a
  // fraction of a day, so the difference is rounded to whole milliseconds before the division
  // (exactly 73 days must not come out as 72.999…).
  const days = pg
    ? `CAST(FLOOR(EXTRACT(EPOCH FROM (${last} - ${first})) / 86400) AS INTEGER)`
    : `(CAST(ROUND((julianday(${last}) - julianday(${first})) * 86400000) AS INTEGER) / 86400000)`;
  const which = customerIds ? sql`o."customerId" IN (${join(customerIds)})` : raw(`o."customerId" IS NOT NULL`);
  return sql`INSERT INTO "CustomerValue" ("shop", "customerId", "orderCount", "grossMinor", "refundedMinor", "netRevenueMinor", "aovMinor",
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
         WHERE o."shop" = ${shop} AND ${which}
         GROUP BY o."shop", o."customerId"
        HAVING true
        ON CONFLICT ("shop", "customerId") DO UPDATE SET
          "orderCount" = excluded."orderCount", "grossMinor" = excluded."grossMinor", "refundedMinor" = excluded."refundedMinor",
          "netRevenueMinor" = excluded."netRevenueMinor", "aovMinor" = excluded."aovMinor", "firstOrderAt" = excluded."firstOrderAt",
          "lastOrderAt" = excluded."lastOrderAt", "tenureDays" = excluded."tenureDays", "computedAt" = excluded."computedAt"
        ${raw(customerIds ? `RETURNING "customerId"` : "")}`;
}
