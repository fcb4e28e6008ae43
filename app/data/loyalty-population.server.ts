// Customers' tier facts from the database: one activity per order (its day, net spend, whether it counts as an
// order, the points its stream holds) and one per bonus or referral credit, plus the predicted 12-month value and
// the historic net revenue. The same SQL rows feed a few customers in the ingest transaction (facts objects)
// and the whole shop in the background re-evaluation and the live preview (columns), so that they cannot
// disagree on what counts.
import type { Prisma } from "@prisma/client";
import { shopDayOf, shopDaysOf, type ActivityFact, type CustomerTierFacts, type PopulationColumns, type PreviousTier } from "~/loyalty";
import { jsonIdList, jsonResult, msOfTimestamp, queryJsonRows } from "./json-rows.server";
import { join, queryRaw, raw, sql, SqlFragment } from "./sql.server";
import { ORDER_STREAM_KINDS } from "./loyalty-ledger.server";

type Client = Prisma.TransactionClient;

/** One order as the loyalty facts read it. */
export interface OrderFactRow {
  id: string;
  customerId: string;
  processedAtMs: number;
  netMinor: number;
  counted: boolean;
  /** Sum of the order's stream (earn and reverse entries). */
  points: number;
}

const toNumber = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));
const toMs = (value: unknown) => (value instanceof Date ? value.getTime() : new Date(String(value)).getTime());
const toBool = (value: unknown) => value === true || value === 1 || value === 1n || value === "1" || value === "t";

/**
 * An order's activity: counted orders (not cancelled, not a test) add their net spend (total minus refunds);
 * an order counts as an order only while something of it is kept (a fully refunded order counts for nothing);
 * its points are what its stream holds.
 */
export function orderActivity(order: OrderFactRow, day: number): ActivityFact {
  return {
    day,
    netSpendMinor: order.counted ? order.netMinor : 0,
    countsAsOrder: order.counted && order.netMinor > 0,
    points: order.points,
  };
}

const STREAM_KINDS = raw(ORDER_STREAM_KINDS.map((kind) => `'${kind}'`).join(", "));

/**
 * Orders of the shop with a customer, in the shop currency, filtered by `where`; with their stream's points when
 * asked (only a points-earned ladder needs them: the other bases skip the per-order lookup). Ordered by id only
 * when paging (`limit`): for a list of customers, an ORDER BY id made SQLite walk the shop's whole primary key
 * instead of the customer index (10 ms a batch at 20,000 orders, growing with the shop).
 */
/**
 * An order's facts, in this order: id, customer, processed at, net, counted (1/0), and points when asked for;
 * named (`AS …`) for a row-per-order read, unnamed inside a JSON aggregate.
 */
function orderFactColumns(withPoints: boolean, named: boolean): SqlFragment {
  const as = (name: string) => raw(named ? ` AS "${name}"` : "");
  // Without points the column is left out rather than returned as 0: every value returned costs the driver.
  const points = withPoints
    ? sql`, (SELECT SUM(p."points") FROM "PointsEntry" p
              WHERE p."shop" = o."shop" AND p."orderId" = o."id" AND p."kind" IN (${STREAM_KINDS}))${as("points")}`
    : raw("");
  return sql`o."id"${as("id")}, o."customerId"${as("customerId")}, o."processedAt"${as("processedAt")},
             o."totalMinor" - o."refundedMinor"${as("net")},
             CASE WHEN o."cancelledAt" IS NULL AND o."test" = false THEN 1 ELSE 0 END${as("counted")}${points}`;
}

function orderFactsFrom(shop: string, where: SqlFragment): SqlFragment {
  return sql`FROM "Order" o
              WHERE o."shop" = ${shop} AND o."customerId" IS NOT NULL AND o."currencyMismatch" = false AND ${where}`;
}

function orderFactsQuery(shop: string, where: SqlFragment, limit: number | null, withPoints = true): SqlFragment {
  return sql`SELECT ${orderFactColumns(withPoints, true)} ${orderFactsFrom(shop, where)}
              ${limit === null ? raw("") : sql`ORDER BY o."id" LIMIT ${BigInt(limit)}`}`;
}

/** The batch path: the ids go as one parameter and the facts come back as one JSON value (see json-rows.server.ts). */
export async function orderFactsOfCustomers(client: Client, shop: string, customerIds: readonly string[], withPoints: boolean) {
  return orderFactRowsOfJson(await queryJsonRows(client, orderFactsOfCustomersQuery(shop, customerIds, withPoints)), withPoints);
}

/**
 * `SELECT <one JSON value>`: the facts of these customers' orders, as a statement or as a scalar subquery of a
 * caller's statement (the ingest folds it into its batch read: statements, not rows, are what Prisma charges).
 * Read with `orderFactRowsOfJson(parseJsonRows(…))`.
 */
export function orderFactsOfCustomersQuery(shop: string, customers: readonly string[] | SqlFragment, withPoints: boolean): SqlFragment {
  // `customers`: the ids, or a statement's own list of them (a SELECT of one column).
  const ids = customers instanceof SqlFragment ? customers : jsonIdList(customers);
  return jsonResult(orderFactColumns(withPoints, false), orderFactsFrom(shop, sql`o."customerId" IN (${ids})`));
}

/** Digits of `text` from `from` to `to` (exclusive) as a number; NaN if any is not a digit. */
function digitsOf(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * `msOfTimestamp`, with a fast path for the text SQLite stores ("2025-01-02T03:04:05.678+00:00"): a batch's facts
 * hold every order of its customers, and parsing each with Date's string parser cost about half a millisecond a
 * batch. Any other text (PostgreSQL's, or an unexpected one) goes through `msOfTimestamp`.
 */
/** "dddd-dd-ddTdd:dd:dd.ddd+00:00" (the digits are checked as they are read). */
function isStoredTimestampText(text: string): boolean {
  return (
    text.length === 29 &&
    text[4] === "-" &&
    text[7] === "-" &&
    text[10] === "T" &&
    text[13] === ":" &&
    text[16] === ":" &&
    text[19] === "." &&
    text.endsWith("+00:00")
  );
}

export function msOfStoredTimestamp(value: unknown): number {
  if (typeof value === "string" && isStoredTimestampText(value)) {
    const month = digitsOf(value, 5, 7);
    const day = digitsOf(value, 8, 10);
    const hour = digitsOf(value, 11, 13);
    const minute = digitsOf(value, 14, 16);
    const second = digitsOf(value, 17, 19);
    const year = digitsOf(value, 0, 4);
    // Date.UTC would roll an out-of-range field over where the parser says NaN, and reads years 0 to 99 as
    // 1900 to 1999: those (and days 29 to 31, valid in some months only) take the parser's path.
    if (year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour <= 23 && minute <= 59 && second <= 59) {
      const ms = Date.UTC(year, month - 1, day, hour, minute, second, digitsOf(value, 20, 23));
      if (!Number.isNaN(ms)) return ms;
    }
  }
  return msOfTimestamp(value);
}

export function orderFactRowsOfJson(rows: readonly unknown[][], withPoints: boolean): OrderFactRow[] {
  return rows.map((row): OrderFactRow => ({
    id: String(row[0]),
    customerId: String(row[1]),
    processedAtMs: msOfStoredTimestamp(row[2]),
    netMinor: toNumber(row[3]),
    counted: toBool(row[4]),
    points: withPoints ? toNumber(row[5]) : 0,
  }));
}

function orderFactOf(row: Record<string, unknown>): OrderFactRow {
  return {
    id: String(row.id),
    customerId: String(row.customerId),
    processedAtMs: toMs(row.processedAt),
    netMinor: toNumber(row.net),
    counted: toBool(row.counted),
    points: toNumber(row.points),
  };
}

export interface CreditRow {
  customerId: string;
  effectiveAtMs: number;
  points: number;
}

/** Bonus and referral credits: points earned that no order of the customer holds. */
function creditsQuery(shop: string, where: SqlFragment): SqlFragment {
  return sql`SELECT "customerId" AS "customerId", "effectiveAt" AS "effectiveAt", "points" AS points, "key" AS key FROM "PointsEntry"
              WHERE "shop" = ${shop} AND (("kind" = 'earn' AND "orderId" IS NULL) OR "kind" = 'referral') AND ${where}
              ORDER BY "key"`;
}

export interface ValueRow {
  predictedClvMinor: number | null;
  netRevenueMinor: number;
}

/** Stored tier states (what the previous evaluation wrote). */
export interface MemberRow extends PreviousTier {
  customerId: string;
  metric: number;
  nextTierId: string | null;
  amountToNext: number | null;
  referralCode: string | null;
  tiersVersion: number;
}

function memberOf(row: {
  customerId: string;
  tierId: string | null;
  tierSinceDay: number | null;
  holdUntilDay: number | null;
  metric: number;
  nextTierId: string | null;
  amountToNext: number | null;
  referralCode: string | null;
  tiersVersion: number;
}): MemberRow {
  return {
    customerId: row.customerId,
    tierId: row.tierId,
    sinceDay: row.tierSinceDay,
    holdUntilDay: row.holdUntilDay,
    programVersionId: String(row.tiersVersion),
    metric: row.metric,
    nextTierId: row.nextTierId,
    amountToNext: row.amountToNext,
    referralCode: row.referralCode,
    tiersVersion: row.tiersVersion,
  };
}

const MEMBER_SELECT = {
  customerId: true,
  tierId: true,
  tierSinceDay: true,
  holdUntilDay: true,
  metric: true,
  nextTierId: true,
  amountToNext: true,
  referralCode: true,
  tiersVersion: true,
} as const;

export async function membersOf(client: Client, shop: string, customerIds: readonly string[]): Promise<Map<string, MemberRow>> {
  const members = new Map<string, MemberRow>();
  for (let i = 0; i < customerIds.length; i += 500) {
    const rows = await client.loyaltyMember.findMany({
      where: { shop, customerId: { in: customerIds.slice(i, i + 500) } },
      select: MEMBER_SELECT,
    });
    for (const row of rows) members.set(row.customerId, memberOf(row));
  }
  return members;
}

/** A few customers' facts, with their orders' days (for the earning multiplier) and stored member rows. */
export interface CustomerFacts {
  customerId: string;
  /** Order activities by order id: the pipeline updates an order's points after appending its entries. */
  orders: Map<string, ActivityFact>;
  credits: ActivityFact[];
  predictedClvMinor: number | null;
  netRevenueMinor: number;
}

export function factsOf(customer: CustomerFacts): CustomerTierFacts {
  return {
    activities: [...customer.orders.values(), ...customer.credits],
    predictedClvMinor: customer.predictedClvMinor,
    netRevenueMinor: customer.netRevenueMinor,
  };
}

/** What a ladder's basis reads: points only for points-earned ladders, the prediction only for predicted value. */
export interface FactNeeds {
  points: boolean;
  predictions: boolean;
}

export const ALL_FACTS: FactNeeds = { points: true, predictions: true };

/** The facts a ladder of this basis reads (null: no ladder, nothing to read). */
export function factNeedsOf(basis: string | null | undefined): FactNeeds | null {
  if (!basis) return null;
  return { points: basis === "points_earned", predictions: basis === "predicted_clv" };
}

export async function loadCustomerFacts(
  client: Client,
  shop: string,
  customerIds: readonly string[],
  timeZone: string,
  needs: FactNeeds = ALL_FACTS,
): Promise<Map<string, CustomerFacts>> {
  const rows: OrderFactRow[] = [];
  for (let i = 0; i < customerIds.length; i += 2_000) {
    rows.push(...(await orderFactsOfCustomers(client, shop, customerIds.slice(i, i + 2_000), needs.points)));
  }
  return customerFactsOf(client, shop, customerIds, rows, timeZone, needs);
}

/**
 * The facts of these customers from their order rows, already read (every order of each customer: see
 * `orderFactsOfCustomersQuery`), with what the basis needs beyond orders.
 */
export async function customerFactsOf(
  client: Client,
  shop: string,
  customerIds: readonly string[],
  orderRows: readonly OrderFactRow[],
  timeZone: string,
  needs: FactNeeds,
): Promise<Map<string, CustomerFacts>> {
  const facts = emptyFacts(customerIds);
  addOrderActivities(facts, orderRows, timeZone);
  await addExtras(client, shop, facts, customerIds, timeZone, needs);
  return facts;
}

function emptyFacts(customerIds: readonly string[]): Map<string, CustomerFacts> {
  const facts = new Map<string, CustomerFacts>();
  for (const id of customerIds)
    facts.set(id, { customerId: id, orders: new Map(), credits: [], predictedClvMinor: null, netRevenueMinor: 0 });
  return facts;
}

function addOrderActivities(facts: Map<string, CustomerFacts>, rows: readonly OrderFactRow[], timeZone: string): void {
  const days = shopDaysOf(
    rows.map((row) => row.processedAtMs),
    timeZone,
  );
  rows.forEach((row, n) => facts.get(row.customerId)?.orders.set(row.id, orderActivity(row, days[n])));
}

async function addExtras(
  client: Client,
  shop: string,
  facts: Map<string, CustomerFacts>,
  customerIds: readonly string[],
  timeZone: string,
  needs: FactNeeds,
): Promise<void> {
  for (const [id, extra] of await loadCustomerExtras(client, shop, customerIds, timeZone, needs)) {
    const customer = facts.get(id);
    if (!customer) continue;
    customer.credits.push(...extra.credits);
    customer.predictedClvMinor = extra.predictedClvMinor;
    customer.netRevenueMinor = extra.netRevenueMinor;
  }
}

export interface CustomerExtras {
  credits: ActivityFact[];
  predictedClvMinor: number | null;
  netRevenueMinor: number;
}

/** What a basis needs beyond orders: credits (points ladders) and the prediction (predicted-value ladders). */
export async function loadCustomerExtras(
  client: Client,
  shop: string,
  customerIds: readonly string[],
  timeZone: string,
  needs: FactNeeds,
): Promise<Map<string, CustomerExtras>> {
  const extras = new Map<string, CustomerExtras>();
  if (!needs.points && !needs.predictions) return extras;
  const extraOf = (id: string) => {
    let extra = extras.get(id);
    if (!extra) extras.set(id, (extra = { credits: [], predictedClvMinor: null, netRevenueMinor: 0 }));
    return extra;
  };
  for (let i = 0; i < customerIds.length; i += 500) {
    const chunk = customerIds.slice(i, i + 500);
    const [credits, values] = await Promise.all([
      needs.points ? queryRaw<Record<string, unknown>>(client, creditsQuery(shop, sql`"customerId" IN (${join(chunk)})`)) : [],
      needs.predictions
        ? client.customerValue.findMany({
            where: { shop, customerId: { in: chunk } },
            select: { customerId: true, predictedClvMinor: true, netRevenueMinor: true },
          })
        : [],
    ]);
    for (const credit of credits) {
      const day = shopDayOf(toMs(credit.effectiveAt), timeZone);
      extraOf(String(credit.customerId)).credits.push({ day, netSpendMinor: 0, countsAsOrder: false, points: toNumber(credit.points) });
    }
    for (const value of values) {
      const extra = extraOf(value.customerId);
      extra.predictedClvMinor = value.predictedClvMinor === null ? null : Number(value.predictedClvMinor);
      extra.netRevenueMinor = Number(value.netRevenueMinor);
    }
  }
  return extras;
}

export interface ShopPopulation {
  customerIds: string[];
  population: PopulationColumns;
  /** Stored member rows, by customer index (null where none). */
  members: (MemberRow | null)[];
}

const PAGE = 20_000;

/**
 * Every customer of the shop in columns: those with a value row (anyone seen in an order), with credits, or
 * with a member row. Orders are read in id pages (each with its stream's points), then grouped per customer
 * by a counting sort into the engine's layout.
 */
export async function loadShopPopulation(
  client: Client,
  shop: string,
  timeZone: string,
  onProgress?: (phase: string, rows: number) => void,
): Promise<ShopPopulation> {
  const indexOf = new Map<string, number>();
  const customerIds: string[] = [];
  const predicted: number[] = [];
  const revenue: number[] = [];
  const customerIndex = (id: string) => {
    let index = indexOf.get(id);
    if (index === undefined) {
      index = customerIds.length;
      indexOf.set(id, index);
      customerIds.push(id);
      predicted.push(NaN);
      revenue.push(0);
    }
    return index;
  };

  let after = "";
  for (;;) {
    const page = await client.customerValue.findMany({
      where: { shop, customerId: { gt: after } },
      select: { customerId: true, predictedClvMinor: true, netRevenueMinor: true },
      orderBy: { customerId: "asc" },
      take: PAGE,
    });
    if (page.length === 0) break;
    for (const row of page) {
      const k = customerIndex(row.customerId);
      predicted[k] = row.predictedClvMinor === null ? NaN : Number(row.predictedClvMinor);
      revenue[k] = Number(row.netRevenueMinor);
    }
    after = page[page.length - 1].customerId;
    onProgress?.("customers", customerIds.length);
  }

  // Activities in arrival order; grouped per customer afterwards.
  const activityCustomer: number[] = [];
  const activityMs: number[] = [];
  const activityNet: number[] = [];
  const activityOrders: number[] = [];
  const activityPoints: number[] = [];
  after = "";
  for (;;) {
    const rows = await queryRaw<Record<string, unknown>>(client, orderFactsQuery(shop, sql`o."id" > ${after}`, PAGE));
    if (rows.length === 0) break;
    for (const raw of rows) {
      const order = orderFactOf(raw);
      const activity = orderActivity(order, 0);
      if (activity.netSpendMinor === 0 && !activity.countsAsOrder && activity.points === 0) continue;
      activityCustomer.push(customerIndex(order.customerId));
      activityMs.push(order.processedAtMs);
      activityNet.push(activity.netSpendMinor);
      activityOrders.push(activity.countsAsOrder ? 1 : 0);
      activityPoints.push(activity.points);
    }
    after = String(rows[rows.length - 1].id);
    onProgress?.("orders", activityCustomer.length);
  }
  let afterKey = "";
  for (;;) {
    const rows = await queryRaw<Record<string, unknown>>(
      client,
      sql`${creditsQuery(shop, sql`"key" > ${afterKey}`)} LIMIT ${BigInt(PAGE)}`,
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      activityCustomer.push(customerIndex(String(row.customerId)));
      activityMs.push(toMs(row.effectiveAt));
      activityNet.push(0);
      activityOrders.push(0);
      activityPoints.push(toNumber(row.points));
    }
    afterKey = String(rows[rows.length - 1].key);
  }

  const memberByIndex: (MemberRow | null)[] = [];
  after = "";
  for (;;) {
    const page = await client.loyaltyMember.findMany({
      where: { shop, customerId: { gt: after } },
      select: MEMBER_SELECT,
      orderBy: { customerId: "asc" },
      take: PAGE,
    });
    if (page.length === 0) break;
    for (const row of page) memberByIndex[customerIndex(row.customerId)] = memberOf(row);
    after = page[page.length - 1].customerId;
  }

  const customers = customerIds.length;
  const rows = activityCustomer.length;
  const days = shopDaysOf(activityMs, timeZone);
  const population: PopulationColumns = {
    customerCount: customers,
    activityStart: new Int32Array(customers + 1),
    day: new Int32Array(rows),
    netSpendMinor: new Float64Array(rows),
    orders: new Float64Array(rows),
    points: new Float64Array(rows),
    predictedClvMinor: Float64Array.from(predicted),
    netRevenueMinor: Float64Array.from(revenue),
  };
  // Counting sort by customer, then each customer's rows by day.
  for (let i = 0; i < rows; i++) population.activityStart[activityCustomer[i] + 1] += 1;
  for (let k = 0; k < customers; k++) population.activityStart[k + 1] += population.activityStart[k];
  const cursor = population.activityStart.slice(0, customers);
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[cursor[activityCustomer[i]]++] = i;
  for (let k = 0; k < customers; k++) {
    const from = population.activityStart[k];
    const to = population.activityStart[k + 1];
    if (to - from > 1) order.subarray(from, to).sort((a, b) => days[a] - days[b]);
  }
  for (let r = 0; r < rows; r++) {
    const i = order[r];
    population.day[r] = days[i];
    population.netSpendMinor[r] = activityNet[i];
    population.orders[r] = activityOrders[i];
    population.points[r] = activityPoints[i];
  }
  const members: (MemberRow | null)[] = Array.from({ length: customers }, (_, k) => memberByIndex[k] ?? null);
  return { customerIds, population, members };
}
