// Customers' order histories in one read: their historic-value aggregates and their purchase summaries
// (x, t_x, T, spend) on a shop's calendar. Re-scoring on ingest needs both for every customer of a batch,
// inside the ingest transaction, so the read is one statement with one row per customer, whatever their
// number of orders: the database aggregates what needs no calendar (counts, sums, first and last order) and
// lists each purchase as (instant, net amount); the local days are worked out here.
//
// Why not the days in SQL: a GROUP BY (customer, local day) sorts every order, and the zone's offsets took a
// CASE over its transitions per order; a wholesale batch (20 customers, ~1,000 orders each) spent ~40 ms in
// that statement, while the single GROUP BY customer follows the (shop, customerId) index and costs about
// what the values alone cost. The list is one number array per customer (JSON.parse reads it at once).
//
// The definitions are the refit's (app/data/refit.server.ts and app/clv/summary.ts): counted orders (not
// cancelled, not test, in the shop currency) with something left after refunds, at or before the as-of; a
// purchase is a calendar day in the zone. The local day of each instant comes from the zone's UTC offsets
// (app/clv/zone-transitions.ts), the same day numbers as ZonedDayCalculator. Amounts are added in integer
// minor units (the refit adds them as floats: the two agree to the last bits). The values follow
// app/lib/historic-value.ts, like recomputeCustomerValues (customer-values.server.ts).
import type { Prisma } from "@prisma/client";
import { databaseProvider } from "~/db.server";
import type { CustomerSummaryRow } from "~/clv/score-customer";
import { DAYS_PER_PERIOD, type Period } from "~/clv/summary";
import { zoneTransitions, type ZoneTransitions } from "~/clv/zone-transitions";
import type { OrderAggregates } from "~/lib/historic-value";
import { idIn } from "./json-rows.server";
import { queryRaw, raw, sql } from "./sql.server";

type Tx = Prisma.TransactionClient;

const DAY_MS = 86_400_000;
const SINCE_MS = Date.UTC(1970, 0, 1);

/**
 * Each zone's transitions since 1970: the zone's rules, not any shop's data, so each process keeps them
 * (a few dozen zones, ~120 transitions each; computing them costs tens of milliseconds once).
 */
const transitionsByZone = new Map<string, ZoneTransitions>();
const ZONES_KEPT = 64;

function transitionsOf(timeZone: string, nowMs: number): ZoneTransitions {
  let transitions = transitionsByZone.get(timeZone);
  if (!transitions || nowMs > transitions.toMs - 30 * DAY_MS) {
    if (transitionsByZone.size >= ZONES_KEPT) transitionsByZone.delete(transitionsByZone.keys().next().value!);
    transitions = zoneTransitions(timeZone, SINCE_MS, nowMs + 400 * DAY_MS);
    transitionsByZone.set(timeZone, transitions);
  }
  return transitions;
}

/** The offset at the instant: the last transition at or before it (a binary search: orders are many). */
function offsetAt(transitions: ZoneTransitions, utcMs: number): number {
  const { changes } = transitions;
  let low = 0;
  let high = changes.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (changes[mid].atMs <= utcMs) low = mid + 1;
    else high = mid;
  }
  return low === 0 ? transitions.initialOffsetMs : changes[low - 1].offsetMs;
}

export interface PurchaseSummary extends CustomerSummaryRow {
  customerId: string;
  /** The customer's net revenue over all counted orders (CustomerValue): ≤ 0 leaves them unscored. */
  netRevenueMinor: bigint;
}

export interface CustomerOrderHistory {
  customerId: string;
  /** Over every counted order (app/lib/historic-value.ts). */
  aggregates: OrderAggregates;
  /** Null without a purchase at or before the as-of. Amounts in minor units divided by `scale`. */
  summary: CustomerSummaryRow | null;
}

export interface SummaryCalendar {
  asOfMs: number;
  timeZone: string;
  period: Period;
  /** Minor units per major unit of the shop currency. */
  scale: number;
}

/** A stored instant as the database driver returns it (PostgreSQL: a Date; SQLite: ISO text). */
const instant = (value: unknown): Date | null => (value == null ? null : value instanceof Date ? value : new Date(value as string));

/**
 * The histories of those of `customerIds` with at least one counted order (others have none: zeros),
 * in the caller's transaction.
 */
export async function customerOrderHistories(
  tx: Tx,
  shop: string,
  customerIds: readonly string[],
  calendar: SummaryCalendar,
): Promise<CustomerOrderHistory[]> {
  if (customerIds.length === 0) return [];
  const pg = databaseProvider() === "postgresql";
  // Milliseconds since 1970 of the stored instant (PostgreSQL: a UTC timestamp; SQLite: ISO text, whose
  // julianday is exact to well under a millisecond, so rounding gives the instant's milliseconds).
  // PostgreSQL: date_part's double (exact to the microsecond for these dates), not EXTRACT's numeric, whose
  // arithmetic per order cost a wholesale batch (20,000 orders) about 4 ms of its 13.
  const ms = pg
    ? `CAST(date_part('epoch', o."processedAt") * 1000 AS BIGINT)`
    : `CAST(ROUND((julianday(o."processedAt") - 2440587.5) * ${DAY_MS}) AS INTEGER)`;
  // Each purchase (an order with something left after refunds) as "ms,net": one flat list of numbers.
  const purchase = `CASE WHEN o."totalMinor" > o."refundedMinor" THEN CAST(${ms} AS TEXT) || ',' || CAST(o."totalMinor" - o."refundedMinor" AS TEXT) END`;
  const rows = await queryRaw<{
    customerId: string;
    orderCount: unknown;
    grossMinor: unknown;
    refundedMinor: unknown;
    firstOrderAt: unknown;
    lastOrderAt: unknown;
    purchases: string | null;
  }>(
    tx,
    sql`SELECT o."customerId" AS "customerId", COUNT(*) AS "orderCount",
               CAST(SUM(o."totalMinor") AS BIGINT) AS "grossMinor", CAST(SUM(o."refundedMinor") AS BIGINT) AS "refundedMinor",
               MIN(o."processedAt") AS "firstOrderAt", MAX(o."processedAt") AS "lastOrderAt",
               ${raw(pg ? `string_agg(${purchase}, ',')` : `group_concat(${purchase}, ',')`)} AS "purchases"
          FROM "Order" o
         WHERE o."shop" = ${shop} AND ${idIn(`o."customerId"`, customerIds)}
           AND o."cancelledAt" IS NULL AND o."test" = false AND o."currencyMismatch" = false
         GROUP BY o."customerId"`,
  );
  const transitions = transitionsOf(calendar.timeZone, calendar.asOfMs);
  return rows.map((r) => ({
    customerId: r.customerId,
    aggregates: {
      orderCount: Number(r.orderCount),
      grossMinor: BigInt(r.grossMinor as bigint | number),
      refundedMinor: BigInt(r.refundedMinor as bigint | number),
      firstOrderAt: instant(r.firstOrderAt),
      lastOrderAt: instant(r.lastOrderAt),
    },
    summary: r.purchases ? summaryOf(JSON.parse(`[${r.purchases}]`) as number[], transitions, calendar) : null,
  }));
}

/** One customer's summary from their purchases as [ms, net, ms, net, …] (net in minor units, > 0). */
function summaryOf(purchases: number[], transitions: ZoneTransitions, calendar: SummaryCalendar): CustomerSummaryRow | null {
  const asOf = Math.floor(calendar.asOfMs);
  const days = new Float64Array(purchases.length / 2);
  let count = 0;
  let firstDay = Infinity;
  let lastDay = -Infinity;
  let total = 0;
  let firstDayTotal = 0;
  for (let k = 0; k < purchases.length; k += 2) {
    const ms = purchases[k];
    if (ms > asOf) continue;
    const net = purchases[k + 1];
    const day = Math.floor((ms + offsetAt(transitions, ms)) / DAY_MS);
    days[count++] = day;
    total += net;
    if (day < firstDay) {
      firstDay = day;
      firstDayTotal = net;
    } else if (day === firstDay) firstDayTotal += net;
    if (day > lastDay) lastDay = day;
  }
  if (count === 0) return null;
  // Purchase days: distinct local days.
  const sorted = days.subarray(0, count).sort();
  let orders = 1;
  for (let k = 1; k < count; k++) if (sorted[k] !== sorted[k - 1]) orders++;
  const daysPerPeriod = DAYS_PER_PERIOD[calendar.period];
  const endDay = Math.floor((asOf + offsetAt(transitions, asOf)) / DAY_MS);
  const frequency = orders - 1;
  return {
    frequency,
    recency: (lastDay - firstDay) / daysPerPeriod,
    T: (endDay - firstDay) / daysPerPeriod,
    monetary: frequency > 0 ? (total - firstDayTotal) / calendar.scale / frequency : 0,
    totalSpend: total / calendar.scale,
    orders,
    daysSinceLastPurchase: endDay - lastDay,
  };
}

/**
 * The summaries of those of `customerIds` with a purchase up to `asOfMs`, with their net revenue over all
 * counted orders, in the caller's transaction.
 */
export async function purchaseSummaries(
  tx: Tx,
  shop: string,
  customerIds: readonly string[],
  calendar: SummaryCalendar,
): Promise<PurchaseSummary[]> {
  const histories = await customerOrderHistories(tx, shop, customerIds, calendar);
  return histories.flatMap(({ customerId, aggregates, summary }) =>
    summary ? [{ customerId, netRevenueMinor: aggregates.grossMinor - aggregates.refundedMinor, ...summary }] : [],
  );
}
