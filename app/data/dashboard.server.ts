// Read models for the admin dashboard. Every query is filtered by the session's shop, and every figure
// is aggregated by the database (Prisma aggregate/groupBy or portable raw SQL): nothing here loads the
// shop's customers or orders into memory, so the page stays fast at 100,000 customers.
//
// Money leaves this module as decimal strings of minor units (BigInt does not survive JSON).
import type { Prisma } from "@prisma/client";
import { databaseProvider, type Db } from "~/db.server";
import { queryRaw, raw, sql, type SqlFragment } from "./sql.server";
import { countedOrders } from "./customer-values.server";
import { backfillProgress, shopCurrency, type BackfillProgress } from "./shop.server";
import { divideRounded } from "~/lib/historic-value";

export interface HistogramBucket {
  /** Lower bound, minor units (inclusive). */
  fromMinor: string;
  /** Upper bound, minor units (exclusive); null for the open last bucket. */
  toMinor: string | null;
  customers: number;
}

export interface CohortRow {
  /** "2025-03": the month (UTC) of the customers' first counted order. */
  cohort: string;
  customers: number;
  /** Net revenue by months since the first order: index 0 = the first month. Minor units. */
  revenueByAge: (string | null)[];
}

export interface SegmentRow {
  segment: string;
  customers: number;
  netRevenueMinor: string;
  predictedClvMinor: string | null;
}

export interface TopCustomer {
  customerId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  orderCount: number;
  netRevenueMinor: string;
  predictedClvMinor: string | null;
  lastOrderAt: string | null;
}

export interface Dashboard {
  currencyCode: string;
  customers: number;
  repeatCustomers: number;
  /** Repeat customers / customers with orders, 0..1 (0 without customers). */
  repeatRate: number;
  orders: number;
  netRevenueMinor: string;
  averageClvMinor: string;
  medianClvMinor: string;
  /** Sum of the customers' predicted 12-month value; null when no model fit produced predictions. */
  predictedTotalMinor: string | null;
  predictedCustomers: number;
  modelFit: { status: string; reason: string | null; fittedAt: string; customers: number } | null;
  histogram: HistogramBucket[];
  cohorts: CohortRow[];
  cohortMonths: number;
  segments: SegmentRow[];
  topCustomers: TopCustomer[];
  backfill: BackfillProgress | null;
  lastWebhookAt: string | null;
}

const HISTOGRAM_BUCKETS = 10;
export const COHORT_MONTHS = 12;

export async function dashboard(db: Db, shop: string, now = new Date()): Promise<Dashboard> {
  const withOrders = { shop, orderCount: { gt: 0 } } satisfies Prisma.CustomerValueWhereInput;
  // Totals come from CustomerValue (one row per customer, kept in step with the orders by the ingest),
  // plus the guest orders that have no customer: far fewer rows to read than the Order table.
  const [currencyCode, bySegment, valueRows, repeatCustomers, negative, guests, modelFit, backfillRun, top, lastDelivery] =
    await Promise.all([
      shopCurrency(db, shop),
      db.customerValue.groupBy({
        by: ["segment"],
        where: withOrders,
        _count: { _all: true, predictedClvMinor: true },
        _sum: { orderCount: true, netRevenueMinor: true, predictedClvMinor: true },
      }),
      db.customerValue.count({ where: { shop } }),
      db.customerValue.count({ where: { shop, orderCount: { gte: 2 } } }),
      // (a customer without orders has net revenue 0, so this needs no orderCount condition: an index range)
      db.customerValue.count({ where: { shop, netRevenueMinor: { lt: 0 } } }),
      db.order.aggregate({
        where: { ...countedOrders(shop), customerId: null },
        _count: { _all: true },
        _sum: { totalMinor: true, refundedMinor: true },
      }),
      db.modelFit.findFirst({ where: { shop }, orderBy: { fittedAt: "desc" } }),
      db.backfillRun.findFirst({ where: { shop }, orderBy: { startedAt: "desc" } }),
      topCustomers(db, shop, 10),
      db.webhookDelivery.findFirst({ where: { shop }, orderBy: { processedAt: "desc" }, select: { processedAt: true } }),
    ]);

  let customers = 0;
  let customerOrders = 0;
  let customerNet = 0n;
  let predictedSum = 0n;
  let predictedCustomers = 0;
  for (const g of bySegment) {
    customers += g._count._all;
    customerOrders += g._sum.orderCount ?? 0;
    customerNet += g._sum.netRevenueMinor ?? 0n;
    predictedSum += g._sum.predictedClvMinor ?? 0n;
    predictedCustomers += g._count.predictedClvMinor;
  }
  // Customers whose orders were all cancelled keep a row with net revenue 0: they are left out of the
  // distribution by position (see valueAt) and by count (histogram bucket 0).
  const withoutOrders = valueRows - customers;
  const ranks = { customers, withoutOrders, negative };
  const [median, p95] = await Promise.all([quantile(db, shop, ranks, 0.5), quantile(db, shop, ranks, 0.95)]);
  const [histogram, cohorts] = await Promise.all([clvHistogram(db, shop, p95, withoutOrders), revenueCohorts(db, shop, now)]);

  const guestNet = (guests._sum.totalMinor ?? 0n) - (guests._sum.refundedMinor ?? 0n);
  return {
    currencyCode,
    customers,
    repeatCustomers,
    repeatRate: customers > 0 ? repeatCustomers / customers : 0,
    orders: customerOrders + guests._count._all,
    netRevenueMinor: (customerNet + guestNet).toString(),
    averageClvMinor: customers > 0 ? divideRounded(customerNet, BigInt(customers)).toString() : "0",
    medianClvMinor: median.toString(),
    predictedTotalMinor: modelFit && predictedCustomers > 0 ? predictedSum.toString() : null,
    predictedCustomers,
    modelFit: modelFit
      ? { status: modelFit.status, reason: modelFit.reason, fittedAt: modelFit.fittedAt.toISOString(), customers: modelFit.customers }
      : null,
    histogram,
    cohorts,
    cohortMonths: COHORT_MONTHS,
    segments: bySegment
      .map((s) => ({
        segment: s.segment ?? "Not segmented yet",
        customers: s._count._all,
        netRevenueMinor: (s._sum.netRevenueMinor ?? 0n).toString(),
        predictedClvMinor: s._sum.predictedClvMinor === null ? null : s._sum.predictedClvMinor.toString(),
      }))
      .sort((a, b) => b.customers - a.customers || a.segment.localeCompare(b.segment)),
    topCustomers: top,
    backfill: backfillRun ? backfillProgress(backfillRun) : null,
    lastWebhookAt: lastDelivery?.processedAt.toISOString() ?? null,
  };
}

async function topCustomers(db: Db, shop: string, take: number): Promise<TopCustomer[]> {
  // Both terms descending: one backward walk of the (shop, netRevenueMinor) index.
  const top = await db.customerValue.findMany({
    where: { shop, orderCount: { gt: 0 } },
    orderBy: [{ netRevenueMinor: "desc" }, { customerId: "desc" }],
    take,
  });
  const profiles = await db.customer.findMany({
    where: { shop, id: { in: top.map((t) => t.customerId) } },
    select: { id: true, firstName: true, lastName: true, email: true },
  });
  const byId = new Map(profiles.map((p) => [p.id, p]));
  return top.map((t) => {
    const p = byId.get(t.customerId);
    return {
      customerId: t.customerId,
      firstName: p?.firstName ?? null,
      lastName: p?.lastName ?? null,
      email: p?.email ?? null,
      orderCount: t.orderCount,
      netRevenueMinor: t.netRevenueMinor.toString(),
      predictedClvMinor: t.predictedClvMinor?.toString() ?? null,
      lastOrderAt: t.lastOrderAt?.toISOString() ?? null,
    };
  });
}

interface Ranks {
  /** Customers with at least one counted order. */
  customers: number;
  /** Value rows without counted orders: net revenue 0. */
  withoutOrders: number;
  /** Customers with orders and a negative net revenue (refunds above the order totals: rare). */
  negative: number;
}

/**
 * The net revenue of the k-th customer with orders (0-based, ascending), read off the (shop, netRevenueMinor)
 * index alone with an offset. The rows without orders all hold 0 and sit in the block of zeros, after
 * the negative values: skipping them is a shift of the position.
 */
async function valueAt(db: Db, shop: string, ranks: Ranks, k: number): Promise<bigint> {
  const position = k < ranks.negative ? k : k + ranks.withoutOrders;
  const [row] = await db.customerValue.findMany({
    where: { shop },
    orderBy: { netRevenueMinor: "asc" },
    skip: position,
    take: 1,
    select: { netRevenueMinor: true },
  });
  return row?.netRevenueMinor ?? 0n;
}

/** The q-quantile of historic net revenue among customers with orders (the median averages the two middle values of an even count). */
async function quantile(db: Db, shop: string, ranks: Ranks, q: number): Promise<bigint> {
  const n = ranks.customers;
  if (n === 0) return 0n;
  const k = Math.floor((n - 1) * q);
  if (q === 0.5 && n % 2 === 0) {
    const [a, b] = await Promise.all([valueAt(db, shop, ranks, k), valueAt(db, shop, ranks, k + 1)]);
    return divideRounded(a + b, 2n);
  }
  return valueAt(db, shop, ranks, k);
}

/** A "nice" bucket width (1, 2, 2.5 or 5 × 10^k minor units) so that `buckets` buckets cover `top`. */
export function niceBucketWidth(topMinor: bigint, buckets: number): bigint {
  if (topMinor <= 0n) return 100n;
  const raw = Number(topMinor) / buckets;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 2.5, 5, 10]) {
    const width = step * magnitude;
    if (width >= raw) return BigInt(Math.max(1, Math.ceil(width)));
  }
  return BigInt(Math.ceil(10 * magnitude));
}

/**
 * Customers by historic net revenue: HISTOGRAM_BUCKETS equal buckets up to the 95th percentile and one
 * open bucket above it, counted in one GROUP BY over the (shop, netRevenueMinor) index (integer division
 * works alike on SQLite and PostgreSQL). The rows without orders (net 0) are taken out of bucket 0.
 */
async function clvHistogram(db: Db, shop: string, p95: bigint, withoutOrders: number): Promise<HistogramBucket[]> {
  const width = niceBucketWidth(p95 + 1n, HISTOGRAM_BUCKETS);
  const cap = width * BigInt(HISTOGRAM_BUCKETS);
  const last = BigInt(HISTOGRAM_BUCKETS);
  const rows = await queryRaw<{ bucket: unknown; customers: unknown }>(
    db,
    sql`
    SELECT CASE
             WHEN "netRevenueMinor" <= ${0n} THEN ${0n}
             WHEN "netRevenueMinor" >= ${cap} THEN ${last}
             ELSE "netRevenueMinor" / ${width}
           END AS "bucket",
           COUNT(*) AS "customers"
    FROM "CustomerValue"
    WHERE "shop" = ${shop}
    GROUP BY 1`,
  );
  const counts = new Map(rows.map((r) => [Number(r.bucket), Number(r.customers)]));
  counts.set(0, (counts.get(0) ?? 0) - withoutOrders);
  if ([...counts.values()].every((c) => c <= 0)) return [];
  return Array.from({ length: HISTOGRAM_BUCKETS + 1 }, (_, i) => ({
    fromMinor: (width * BigInt(i)).toString(),
    toMinor: i < HISTOGRAM_BUCKETS ? (width * BigInt(i + 1)).toString() : null,
    customers: counts.get(i) ?? 0,
  }));
}

/**
 * SQL for "months since year 0" of a timestamp column, UTC: the one provider-specific piece. On SQLite,
 * Prisma stores DateTime as ISO-8601 text in UTC ("2025-03-04T05:06:07.000+00:00"), so the year and
 * month are its first characters (substr is about twice as fast as strftime over 100,000 rows).
 */
function monthIndex(column: SqlFragment): SqlFragment {
  return databaseProvider() === "postgresql"
    ? sql`(CAST(EXTRACT(YEAR FROM ${column}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM ${column}) AS INTEGER) - 1)`
    : sql`(CAST(substr(${column}, 1, 4) AS INTEGER) * 12 + CAST(substr(${column}, 6, 2) AS INTEGER) - 1)`;
}

const monthLabel = (index: number) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;

/**
 * Net revenue of the last COHORT_MONTHS first-order cohorts (UTC months), by months since the first
 * order, in one GROUP BY: the customers whose first order falls in the period, joined to their counted
 * orders through the (shop, customerId) index, so no order older than the period is read. CROSS JOIN
 * makes SQLite start from CustomerValue (PostgreSQL plans the join itself). Cohort sizes come from
 * CustomerValue alone.
 */
async function revenueCohorts(db: Db, shop: string, now: Date): Promise<CohortRow[]> {
  const currentMonth = now.getUTCFullYear() * 12 + now.getUTCMonth();
  const firstMonth = currentMonth - (COHORT_MONTHS - 1);
  const since = new Date(Date.UTC(Math.floor(firstMonth / 12), firstMonth % 12, 1));
  const cohortOf = monthIndex(raw(`cv."firstOrderAt"`));
  const monthOf = monthIndex(raw(`o."processedAt"`));
  const [cells, sizes] = await Promise.all([
    queryRaw<{ cohort: unknown; age: unknown; revenue: unknown }>(
      db,
      sql`
      SELECT ${cohortOf} AS "cohort", ${monthOf} - ${cohortOf} AS "age", SUM(o."totalMinor" - o."refundedMinor") AS "revenue"
      FROM "CustomerValue" cv
      CROSS JOIN "Order" o
      WHERE cv."shop" = ${shop} AND cv."orderCount" > 0 AND cv."firstOrderAt" >= ${since}
        AND o."shop" = cv."shop" AND o."customerId" = cv."customerId"
        AND o."cancelledAt" IS NULL AND o."test" = false
      GROUP BY 1, 2`,
    ),
    queryRaw<{ cohort: unknown; customers: unknown }>(
      db,
      sql`
      SELECT ${cohortOf} AS "cohort", COUNT(*) AS "customers"
      FROM "CustomerValue" cv
      WHERE cv."shop" = ${shop} AND cv."orderCount" > 0 AND cv."firstOrderAt" >= ${since}
      GROUP BY 1`,
    ),
  ]);
  const rows = new Map<number, CohortRow>();
  for (const s of sizes) {
    const cohort = Number(s.cohort);
    if (cohort < firstMonth || cohort > currentMonth) continue;
    rows.set(cohort, { cohort: monthLabel(cohort), customers: Number(s.customers), revenueByAge: Array(COHORT_MONTHS).fill(null) });
  }
  for (const c of cells) {
    const row = rows.get(Number(c.cohort));
    const age = Number(c.age);
    if (row && age >= 0 && age < COHORT_MONTHS) row.revenueByAge[age] = toBigInt(c.revenue).toString();
  }
  // Months the cohort has not lived through yet stay null; months it lived through without orders are 0.
  for (const [cohort, row] of rows) {
    for (let age = 0; age <= currentMonth - cohort && age < COHORT_MONTHS; age++) row.revenueByAge[age] ??= "0";
  }
  return [...rows.entries()].sort(([a], [b]) => b - a).map(([, row]) => row);
}

/** Raw SQL sums come back as bigint (SQLite) or Decimal (PostgreSQL numeric). */
export function toBigInt(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (value === null || value === undefined) return 0n;
  return BigInt(String(value).split(".")[0]);
}
