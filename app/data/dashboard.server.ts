// Read models for the admin dashboard. Every query is filtered by the session's shop, and every figure
// is aggregated by the database (Prisma aggregate/groupBy or portable raw SQL): nothing here loads the
// shop's customers or orders into memory, so the page stays fast at 100,000 customers.
//
// What each figure counts (the page says the same):
// - a counted order is neither cancelled nor a test order; guest orders (no customer) are counted orders
//   that belong to no customer;
// - "customers" are the customers with at least one counted order; customers whose every order was
//   cancelled or a test are reported apart (the customers list shows them too);
// - net revenue = order totals minus refunds; customers' net revenue + guest net revenue = shop net revenue;
// - average historic CLV = customers' net revenue / customers (guest revenue belongs to nobody).
// Dates, months and cohorts are on the shop's calendar (Shop.ianaTimezone).
//
// Money leaves this module as decimal strings of minor units (BigInt does not survive JSON).
import type { Prisma } from "@prisma/client";
import type { Db } from "~/db.server";
import { dayNumberInZone, isoDateOfDayNumber, startOfDayInZone } from "~/clv/time-zone";
import { divideRounded } from "~/lib/historic-value";
import { currencyDigits } from "~/lib/money";
import { queryRaw, raw, sql, type SqlFragment } from "./sql.server";
import { countedOrders } from "./customer-values.server";
import { backfillProgress, shopContext, type BackfillProgress, type ShopContext } from "./shop.server";
import type { DashboardPeriod, DayRange } from "./dashboard-period.server";

export interface HistogramBucket {
  /** Lower bound, minor units (inclusive); null for the bucket of customers whose net revenue is 0 or less. */
  fromMinor: string | null;
  /** Upper bound, minor units (exclusive); null for the open last bucket. */
  toMinor: string | null;
  customers: number;
}

export interface CohortRow {
  /** "2025-03": the month, on the shop's calendar, of the customers' first counted order. */
  cohort: string;
  customers: number;
  /** Net revenue by months since the first order: index 0 = the first month. Minor units; null = not reached yet. */
  revenueByAge: (string | null)[];
  /** Cumulative net revenue per customer of the cohort by the end of each month since the first order (LTV curve). */
  cumulativePerCustomer: (string | null)[];
}

export interface SegmentRow {
  /** The RFM segment; null for customers without one (see `kind`). */
  segment: string | null;
  /** "refunded": every order refunded (nothing to segment); "pending": not segmented yet (new since the last model update, or no update yet). */
  kind: "segment" | "refunded" | "pending";
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

export interface PeriodFigures {
  range: Pick<DayRange, "from" | "to" | "days">;
  /** Counted orders placed in the range (guest orders included). */
  orders: number;
  /** Their totals minus their refunds. */
  netRevenueMinor: string;
  /** Customers with a counted order in the range. */
  orderingCustomers: number;
  /** Customers whose first counted order is in the range. */
  newCustomers: number;
}

export interface Dashboard {
  currencyCode: string;
  timeZone: string;
  /** Customers with at least one counted order. */
  customers: number;
  /** Customers known only from cancelled or test orders (in the customers list, not in `customers`). */
  customersWithoutCountedOrders: number;
  repeatCustomers: number;
  /** Repeat customers / customers, 0..1 (0 without customers). */
  repeatRate: number;
  /** Counted orders: customers' + guests'. */
  orders: number;
  customerOrders: number;
  guestOrders: number;
  /** customerNetRevenueMinor + guestNetRevenueMinor. */
  netRevenueMinor: string;
  customerNetRevenueMinor: string;
  guestNetRevenueMinor: string;
  /** customerNetRevenueMinor / customers. */
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
  /** True while the shop's first import runs: the figures are still growing. */
  firstImport: boolean;
  lastWebhookAt: string | null;
  period: { current: PeriodFigures; previous: PeriodFigures | null };
}

export const COHORT_MONTHS = 12;

export async function dashboard(
  db: Db,
  shop: string,
  period: DashboardPeriod,
  options: { now?: Date; context?: ShopContext } = {},
): Promise<Dashboard> {
  const now = options.now ?? new Date();
  const withOrders = { shop, orderCount: { gt: 0 } } satisfies Prisma.CustomerValueWhereInput;
  const context = options.context ?? (await shopContext(db, shop));
  const { timeZone } = context;
  // Totals come from CustomerValue (one row per customer, kept in step with the orders by the ingest),
  // plus the guest orders that have no customer: far fewer rows to read than the Order table.
  const [
    bySegment,
    valueRows,
    repeatCustomers,
    negative,
    refundedUnsegmented,
    guests,
    modelFit,
    backfillRun,
    completedRuns,
    top,
    lastDelivery,
  ] = await Promise.all([
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
    db.customerValue.aggregate({
      where: { ...withOrders, segment: null, netRevenueMinor: { lte: 0 } },
      _count: { _all: true },
      _sum: { netRevenueMinor: true },
    }),
    db.order.aggregate({
      where: { ...countedOrders(shop), currencyMismatch: false, customerId: null },
      _count: { _all: true },
      _sum: { totalMinor: true, refundedMinor: true },
    }),
    db.modelFit.findFirst({ where: { shop }, orderBy: { fittedAt: "desc" } }),
    db.backfillRun.findFirst({ where: { shop }, orderBy: { startedAt: "desc" } }),
    db.backfillRun.count({ where: { shop, status: "completed" } }),
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
  // distribution by position (see valueAt) and by count (the histogram's bucket of zeros).
  const withoutOrders = valueRows - customers;
  const ranks = { customers, withoutOrders, negative };
  const [median, low, high] = await Promise.all([
    quantile(db, shop, ranks, 0.5),
    quantile(db, shop, ranks, 0.05),
    quantile(db, shop, ranks, 0.95),
  ]);
  const [histogram, cohorts, current, previous] = await Promise.all([
    clvHistogram(db, shop, withoutOrders, low, high, context.currencyCode),
    revenueCohorts(db, shop, timeZone, now),
    periodFigures(db, shop, period.current),
    period.previous ? periodFigures(db, shop, period.previous) : Promise.resolve(null),
  ]);

  const guestNet = (guests._sum.totalMinor ?? 0n) - (guests._sum.refundedMinor ?? 0n);
  const backfill = backfillRun ? backfillProgress(backfillRun) : null;
  return {
    currencyCode: context.currencyCode,
    timeZone,
    customers,
    customersWithoutCountedOrders: withoutOrders,
    repeatCustomers,
    repeatRate: customers > 0 ? repeatCustomers / customers : 0,
    orders: customerOrders + guests._count._all,
    customerOrders,
    guestOrders: guests._count._all,
    netRevenueMinor: (customerNet + guestNet).toString(),
    customerNetRevenueMinor: customerNet.toString(),
    guestNetRevenueMinor: guestNet.toString(),
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
    segments: segmentRows(bySegment, refundedUnsegmented._count._all, refundedUnsegmented._sum.netRevenueMinor ?? 0n),
    topCustomers: top,
    backfill,
    firstImport: Boolean(backfill?.active) && completedRuns === 0,
    lastWebhookAt: lastDelivery?.processedAt.toISOString() ?? null,
    period: { current, previous },
  };
}

type SegmentGroup = {
  segment: string | null;
  _count: { _all: number; predictedClvMinor: number };
  _sum: { netRevenueMinor: bigint | null; predictedClvMinor: bigint | null };
};

/** Segments, with the customers that have none split by why: every order refunded, or not segmented yet. */
function segmentRows(groups: SegmentGroup[], refundedCount: number, refundedNet: bigint): SegmentRow[] {
  const rows: SegmentRow[] = [];
  for (const g of groups) {
    const row = {
      customers: g._count._all,
      netRevenueMinor: (g._sum.netRevenueMinor ?? 0n).toString(),
      predictedClvMinor: g._sum.predictedClvMinor === null ? null : g._sum.predictedClvMinor.toString(),
    };
    if (g.segment !== null) {
      rows.push({ segment: g.segment, kind: "segment", ...row });
      continue;
    }
    // Customers without a segment: the refit clears it for customers with no counted purchase left.
    if (refundedCount > 0) {
      rows.push({
        segment: null,
        kind: "refunded",
        customers: refundedCount,
        netRevenueMinor: refundedNet.toString(),
        predictedClvMinor: null,
      });
    }
    const pending = g._count._all - refundedCount;
    if (pending > 0) {
      rows.push({
        segment: null,
        kind: "pending",
        customers: pending,
        netRevenueMinor: ((g._sum.netRevenueMinor ?? 0n) - refundedNet).toString(),
        predictedClvMinor: row.predictedClvMinor,
      });
    }
  }
  return rows.sort((a, b) => b.customers - a.customers || (a.segment ?? a.kind).localeCompare(b.segment ?? b.kind));
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

/** Orders, net revenue and customers of one date range (the (shop, processedAt) index bounds the read). */
async function periodFigures(db: Db, shop: string, range: DayRange): Promise<PeriodFigures> {
  const inRange = { gte: range.startsAt, lt: range.endsBefore };
  const [orders, ordering, newCustomers] = await Promise.all([
    db.order.aggregate({
      where: { ...countedOrders(shop), currencyMismatch: false, processedAt: inRange },
      _count: { _all: true },
      _sum: { totalMinor: true, refundedMinor: true },
    }),
    queryRaw<{ customers: unknown }>(
      db,
      sql`SELECT COUNT(DISTINCT o."customerId") AS "customers" FROM "Order" o
          WHERE o."shop" = ${shop} AND o."processedAt" >= ${range.startsAt} AND o."processedAt" < ${range.endsBefore}
            AND o."cancelledAt" IS NULL AND o."test" = false AND o."currencyMismatch" = false AND o."customerId" IS NOT NULL`,
    ),
    db.customerValue.count({ where: { shop, orderCount: { gt: 0 }, firstOrderAt: inRange } }),
  ]);
  return {
    range: { from: range.from, to: range.to, days: range.days },
    orders: orders._count._all,
    netRevenueMinor: ((orders._sum.totalMinor ?? 0n) - (orders._sum.refundedMinor ?? 0n)).toString(),
    orderingCustomers: Number(ordering[0]?.customers ?? 0),
    newCustomers,
  };
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

/** 1, 2, 5, 10, 20, 50 … major units, as minor units: round edges a merchant reads at once. */
function niceEdges(lowMinor: bigint, highMinor: bigint, unit: bigint): bigint[] {
  const edges: bigint[] = [];
  for (let magnitude = unit; edges.length < 40; magnitude *= 10n) {
    for (const step of [1n, 2n, 5n]) {
      const edge = step * magnitude;
      // From the largest edge at or below the low quantile to the first edge above the high one.
      if (edge > highMinor) return edges.length > 0 ? [...edges, edge] : [edge];
      if (edge <= lowMinor) edges.length = 0;
      edges.push(edge);
    }
  }
  return edges;
}

/**
 * Customers by historic net revenue in log-spaced ranges with round edges (1–2–5 steps), from the 5th to
 * the 95th percentile, with an open range below the first edge and above the last one, plus the customers
 * whose net revenue is 0 or less (every order refunded) apart. One GROUP BY over the (shop, netRevenueMinor)
 * index; the rows without counted orders (net 0) are taken out of the zero bucket.
 */
export async function clvHistogram(
  db: Db,
  shop: string,
  withoutOrders: number,
  lowMinor: bigint,
  highMinor: bigint,
  currencyCode: string,
): Promise<HistogramBucket[]> {
  const unit = 10n ** BigInt(currencyDigits(currencyCode));
  const edges = niceEdges(lowMinor, highMinor > lowMinor ? highMinor : lowMinor + 1n, unit);
  // Bucket 0: net ≤ 0; bucket i (1..edges.length): below edges[i−1]; bucket edges.length + 1: the top edge and above.
  // Bucket numbers are written as literals: PostgreSQL would type CASE results from parameters as text.
  const whens = edges.map((edge, i) => sql` WHEN "netRevenueMinor" < ${edge} THEN ${raw(String(i + 1))}`);
  const rows = await queryRaw<{ bucket: unknown; customers: unknown }>(
    db,
    sql`
    SELECT CASE WHEN "netRevenueMinor" <= ${0n} THEN 0${joinFragments(whens)} ELSE ${raw(String(edges.length + 1))} END AS "bucket",
           COUNT(*) AS "customers"
    FROM "CustomerValue"
    WHERE "shop" = ${shop}
    GROUP BY 1`,
  );
  const counts = new Map(rows.map((r) => [Number(r.bucket), Number(r.customers)]));
  counts.set(0, (counts.get(0) ?? 0) - withoutOrders);
  if ([...counts.values()].every((c) => c <= 0)) return [];
  const buckets: HistogramBucket[] = [{ fromMinor: null, toMinor: "0", customers: counts.get(0) ?? 0 }];
  for (let i = 0; i <= edges.length; i++) {
    buckets.push({
      fromMinor: i === 0 ? "0" : edges[i - 1].toString(),
      toMinor: i < edges.length ? edges[i].toString() : null,
      customers: counts.get(i + 1) ?? 0,
    });
  }
  // Empty ranges at either end say nothing; the refunded bucket shows only when it holds someone.
  while (buckets.length > 2 && buckets[1].customers === 0) buckets.splice(1, 1);
  while (buckets.length > 2 && buckets[buckets.length - 1].customers === 0) buckets.pop();
  return buckets[0].customers > 0 ? buckets : buckets.slice(1);
}

function joinFragments(fragments: SqlFragment[]): SqlFragment {
  return fragments.reduce((all, f) => sql`${all}${f}`, raw(""));
}

/** "Months since year 0" of a month on the shop's calendar, and its label. */
const monthLabel = (index: number) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;

/** The month index (year·12 + month − 1) on the shop's calendar of an instant. */
function localMonthIndex(utcMs: number, timeZone: string): number {
  const [year, month] = isoDateOfDayNumber(dayNumberInZone(utcMs, timeZone)).split("-").map(Number);
  return year * 12 + month - 1;
}

/** The instant the shop's calendar enters a month (its first day's midnight). */
function monthStart(index: number, timeZone: string): Date {
  const year = Math.floor(index / 12);
  const month = index % 12;
  const day = Math.floor(Date.UTC(year, month, 1) / 86_400_000);
  return new Date(startOfDayInZone(day, timeZone));
}

/**
 * SQL for the month (0 = the first month of the window) of a timestamp on the shop's calendar: a CASE over
 * the window's month starts as instants, so the shop's zone (and its DST changes) needs no database support.
 */
function monthOfWindow(column: SqlFragment, starts: Date[]): SqlFragment {
  const whens = starts
    .map((start, i) => ({ start, i }))
    .reverse()
    .map(({ start, i }) => sql` WHEN ${column} >= ${start} THEN ${raw(String(i))}`);
  // Month numbers are literals (trusted integers): PostgreSQL types CASE results from parameters as text.
  return sql`(CASE${joinFragments(whens)} ELSE -1 END)`;
}

/**
 * Net revenue of the last COHORT_MONTHS first-order cohorts (months on the shop's calendar), by months since
 * the first order, in one GROUP BY: the customers whose first order falls in the period, joined to their
 * counted orders through the (shop, customerId) index, so no order older than the period is read. CROSS
 * JOIN makes SQLite start from CustomerValue (PostgreSQL plans the join itself). Cohort sizes come from
 * CustomerValue alone.
 */
async function revenueCohorts(db: Db, shop: string, timeZone: string, now: Date): Promise<CohortRow[]> {
  const currentMonth = localMonthIndex(now.getTime(), timeZone);
  const firstMonth = currentMonth - (COHORT_MONTHS - 1);
  const starts = Array.from({ length: COHORT_MONTHS }, (_, i) => monthStart(firstMonth + i, timeZone));
  const since = starts[0];
  const cohortOf = monthOfWindow(raw(`cv."firstOrderAt"`), starts);
  const monthOf = monthOfWindow(raw(`o."processedAt"`), starts);
  const [cells, sizes] = await Promise.all([
    queryRaw<{ cohort: unknown; age: unknown; revenue: unknown }>(
      db,
      sql`
      SELECT ${cohortOf} AS "cohort", ${monthOf} - ${cohortOf} AS "age", SUM(o."totalMinor" - o."refundedMinor") AS "revenue"
      FROM "CustomerValue" cv
      CROSS JOIN "Order" o
      WHERE cv."shop" = ${shop} AND cv."orderCount" > 0 AND cv."firstOrderAt" >= ${since}
        AND o."shop" = cv."shop" AND o."customerId" = cv."customerId"
        AND o."cancelledAt" IS NULL AND o."test" = false AND o."currencyMismatch" = false
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
    if (cohort < 0) continue;
    rows.set(cohort, {
      cohort: monthLabel(firstMonth + cohort),
      customers: Number(s.customers),
      revenueByAge: Array(COHORT_MONTHS).fill(null),
      cumulativePerCustomer: Array(COHORT_MONTHS).fill(null),
    });
  }
  for (const c of cells) {
    const row = rows.get(Number(c.cohort));
    const age = Number(c.age);
    if (row && age >= 0 && age < COHORT_MONTHS) row.revenueByAge[age] = toBigInt(c.revenue).toString();
  }
  for (const [cohort, row] of rows) {
    // Months the cohort has lived through without orders are 0; months still ahead stay null.
    let cumulative = 0n;
    const lived = COHORT_MONTHS - 1 - cohort;
    for (let age = 0; age <= lived; age++) {
      row.revenueByAge[age] ??= "0";
      cumulative += BigInt(row.revenueByAge[age]!);
      row.cumulativePerCustomer[age] = divideRounded(cumulative, BigInt(row.customers)).toString();
    }
  }
  return [...rows.entries()].sort(([a], [b]) => b - a).map(([, row]) => row);
}

/** Raw SQL sums come back as bigint (SQLite) or Decimal (PostgreSQL numeric). */
export function toBigInt(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (value === null || value === undefined) return 0n;
  return BigInt(String(value).split(".")[0]);
}
