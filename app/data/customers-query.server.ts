// The customers list: one page of CustomerValue rows, sorted, filtered and searched by the database.
//
// Cost per request at 100,000 customers: one COUNT (the total and, for a nullable sort column, how many
// rows have a value, in the same statement), one page query that walks the (shop, <sort column>) index
// in order (two ranges of it for a nullable column: values, then the rows without one), and one statement
// that reads the page's ≤ 50 profiles and loyalty tiers by primary key (CustomerValue LEFT JOIN Customer
// and LoyaltyMember). A search adds a scan of the shop's Customer rows inside those statements; a tier
// filter a range of the (shop, tierId) index of LoyaltyMember, "No tier" one primary-key probe of
// LoyaltyMember per candidate row. No query loads more than a page; no per-row query. (The page's loader
// adds the read of the shop's LoyaltyProgram row, for the tier names and whether to show tiers at all.)
//
// The statements are portable SQL (fragments rendered per database; identifiers from a fixed list): the search
// needs Customer and CustomerValue together, which the schema does not relate, and a sub-select
// keeps it one statement instead of a list of ids too long for SQLite's parameter limit.
import type { Db } from "~/db.server";
import { isFiltered, NO_TIER, type CustomerQuery, type SortKey } from "~/lib/customer-query";
import { empty, join, queryRaw, raw, sql, type SqlFragment } from "./sql.server";

// The URL side of the list (parsing, defaults, links) is shared with the page: app/lib/customer-query.ts.
export {
  customerQueryParams,
  DEFAULT_QUERY,
  isFiltered,
  NO_TIER,
  parseCustomerQuery,
  SEGMENTS,
  SORT_KEYS,
  type CustomerQuery,
  type SortDirection,
  type SortKey,
} from "~/lib/customer-query";

export const PAGE_SIZE = 50;

/**
 * URL sort keys → CustomerValue columns, each with a (shop, column, customerId) index in the schema. There
 * is no sort by P(alive): BG/NBD gives every one-time buyer P(alive) = 1, so that sort put customers who
 * ordered once, two years ago, first as "most likely to stay". "likely" sorts by the probability of at
 * least one order in the next 12 months, as the refit stores it; rows scored without it (before the
 * column existed) have none and are listed after the others, like customers not scored at all, although
 * the page computes a figure for them (order-probability.server.ts) until the next refit stores it.
 */
export const SORT_COLUMNS = {
  historic: "netRevenueMinor",
  predicted: "predictedClvMinor",
  orders: "orderCount",
  last: "lastOrderAt",
  likely: "probabilityOrder12m",
} as const satisfies Record<SortKey, string>;
type SortColumn = (typeof SORT_COLUMNS)[SortKey];

/** Columns that are null until something fills them (a model fit, a first counted order). */
const NULLABLE: ReadonlySet<SortColumn> = new Set(["predictedClvMinor", "lastOrderAt", "probabilityOrder12m"]);

/**
 * "At risk" filter. A customer is at risk when either
 *  - the model gives them P(alive) < 0.3 although they have ordered at least twice (a one-time buyer
 *    with a low P(alive) is the normal case, not a customer slipping away), or
 *  - their RFM segment is "At risk" or "Can't lose" (bought often, but not recently),
 * so the filter works before the first model fit too (segments are filled without predictions);
 * and in either case they have not ordered since they were scored (an order placed after the scoring
 * makes the old label wrong: that customer just came back).
 */
export const AT_RISK_PROBABILITY = 0.3;
export const AT_RISK_SEGMENTS = ["At risk", "Can't lose"] as const;
const atRiskSql = sql`((cv."probabilityAlive" < ${AT_RISK_PROBABILITY} AND cv."orderCount" >= 2) OR cv."segment" IN (${join([...AT_RISK_SEGMENTS])}))
  AND (cv."predictedAt" IS NULL OR cv."lastOrderAt" IS NULL OR cv."lastOrderAt" <= cv."predictedAt")`;

export interface CustomerRow {
  customerId: string;
  /** When the predictions were made and by which fit (to compute the 12-month order probability when not stored). */
  predictedAt: string | null;
  modelFitId: string | null;
  probabilityOrder12m: number | null;
  firstOrderAt: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  deleted: boolean;
  orderCount: number;
  netRevenueMinor: string;
  predictedClvMinor: string | null;
  probabilityAlive: number | null;
  lastOrderAt: string | null;
  segment: string | null;
  /** The customer's loyalty tier id (LoyaltyMember.tierId), null without one. */
  tierId: string | null;
}

export interface CustomerPage {
  query: CustomerQuery;
  rows: CustomerRow[];
  total: number;
  /** Unfiltered list only: rows of customers known only from cancelled or test orders (the dashboard does not count them). */
  withoutCountedOrders: number | null;
  page: number;
  pages: number;
  pageSize: number;
  hasPrevious: boolean;
  hasNext: boolean;
}

/** SQL LIKE pattern for "contains", with the wildcard characters of the input escaped. */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The search as a condition on cv: the customer's email, name ("first last") or id matches.
 * LOWER + LIKE is case-insensitive on SQLite and PostgreSQL alike.
 */
function searchSql(shop: string, search: string): SqlFragment {
  const pattern = containsPattern(search);
  return sql`cv."customerId" IN (
    SELECT c."id" FROM "Customer" c
    WHERE c."shop" = ${shop}
      AND (c."id" = ${search}
        OR LOWER(COALESCE(c."email", '')) LIKE ${pattern} ESCAPE '\\'
        OR LOWER(COALESCE(c."firstName", '') || ' ' || COALESCE(c."lastName", '')) LIKE ${pattern} ESCAPE '\\'))`;
}

/**
 * The loyalty tier filter as a condition on cv: members of that tier of this shop (a range of the
 * (shop, tierId) index), or customers of this shop without a tier (no LoyaltyMember row, or one whose
 * tierId is null: a primary-key probe). The shop is in both sub-selects: a tier id of another shop
 * never matches.
 */
function tierSql(shop: string, tier: string): SqlFragment {
  if (tier === NO_TIER)
    return sql`NOT EXISTS (
    SELECT 1 FROM "LoyaltyMember" m
    WHERE m."shop" = ${shop} AND m."customerId" = cv."customerId" AND m."tierId" IS NOT NULL)`;
  return sql`cv."customerId" IN (
    SELECT m."customerId" FROM "LoyaltyMember" m WHERE m."shop" = ${shop} AND m."tierId" = ${tier})`;
}

interface ValueRow {
  customerId: string;
  predictedAt: unknown;
  modelFitId: string | null;
  probabilityOrder12m: unknown;
  firstOrderAt: unknown;
  orderCount: unknown;
  netRevenueMinor: unknown;
  predictedClvMinor: unknown;
  probabilityAlive: unknown;
  lastOrderAt: unknown;
  segment: string | null;
}

const VALUE_COLUMNS = raw(
  `cv."customerId", cv."orderCount", cv."netRevenueMinor", cv."predictedClvMinor", cv."probabilityAlive", cv."lastOrderAt", cv."segment", ` +
    `cv."predictedAt", cv."modelFitId", cv."probabilityOrder12m", cv."firstOrderAt"`,
);

/** The WHERE condition of a query (shared with the CSV export, so the export lists what the page lists). */
export function customerConditions(shop: string, query: CustomerQuery): SqlFragment {
  const conditions: SqlFragment[] = [sql`cv."shop" = ${shop}`];
  if (query.segment) conditions.push(sql`cv."segment" = ${query.segment}`);
  if (query.atRisk) conditions.push(atRiskSql);
  if (query.tier) conditions.push(tierSql(shop, query.tier));
  if (query.search) conditions.push(searchSql(shop, query.search));
  return join(conditions, " AND ");
}

/** The sort column of a query, and whether it has rows without a value (listed after the others). */
export function sortColumn(query: CustomerQuery): { name: SortColumn; nullable: boolean } {
  const name = SORT_COLUMNS[query.sort];
  return { name, nullable: NULLABLE.has(name) };
}

function statementParts(shop: string, query: CustomerQuery) {
  const column = SORT_COLUMNS[query.sort];
  return {
    where: customerConditions(shop, query),
    col: raw(`cv."${column}"`),
    nullable: NULLABLE.has(column),
    direction: raw(query.direction === "asc" ? "ASC" : "DESC"),
  };
}

/** The page of rows that have a value in the sort column (exported for query-plan checks). */
export function valuesPageSql(shop: string, query: CustomerQuery, offset: number, limit = PAGE_SIZE): SqlFragment {
  const { where, col, nullable, direction } = statementParts(shop, query);
  return sql`
    SELECT ${VALUE_COLUMNS} FROM "CustomerValue" cv
    WHERE ${where}${nullable ? sql` AND ${col} IS NOT NULL` : empty}
    ORDER BY ${col} ${direction}, cv."customerId" ${direction}
    LIMIT ${BigInt(limit)} OFFSET ${BigInt(offset)}`;
}

export async function listCustomers(db: Db, shop: string, query: CustomerQuery): Promise<CustomerPage> {
  const { where, col, nullable, direction } = statementParts(shop, query);

  if (query.search) {
    // A search reads the matching rows once: they are sorted whole anyway, so the page and the
    // count (a window function) come from the same statement.
    const found = await searchPage(db, where, col, direction, query.page);
    return finish(db, shop, query, found.rows, found.total, found.page);
  }

  // The one count of the request: all matching rows, and how many have a value in the sort column.
  const [counted] = await queryRaw<{ total: unknown; withValue: unknown }>(
    db,
    sql`
    SELECT COUNT(*) AS "total", COUNT(${col}) AS "withValue" FROM "CustomerValue" cv WHERE ${where}`,
  );
  const total = Number(counted?.total ?? 0);
  const withValue = Number(counted?.withValue ?? 0);
  const page = Math.min(query.page, pageCount(total));
  const offset = (page - 1) * PAGE_SIZE;

  // Rows with a value come first in the chosen direction, rows without one (not predicted yet) after
  // them in both directions: two plain ranges of the (shop, column) index instead of a NULLS LAST sort
  // that SQLite and PostgreSQL would order differently. The tie-break on customerId runs in the same
  // direction as the sort, so an index on (shop, column, customerId) gives the whole order.
  const values: ValueRow[] = [];
  if (offset < withValue) {
    values.push(...(await queryRaw<ValueRow>(db, valuesPageSql(shop, query, offset))));
  }
  if (nullable && values.length < PAGE_SIZE && total > withValue) {
    values.push(
      ...(await queryRaw<ValueRow>(
        db,
        sql`
        SELECT ${VALUE_COLUMNS} FROM "CustomerValue" cv
        WHERE ${where} AND ${col} IS NULL
        ORDER BY cv."customerId" ${direction}
        LIMIT ${BigInt(PAGE_SIZE - values.length)} OFFSET ${BigInt(Math.max(0, offset - withValue))}`,
      )),
    );
  }

  return finish(db, shop, query, values, total, page);
}

const pageCount = (total: number) => Math.max(1, Math.ceil(total / PAGE_SIZE));

async function searchPage(
  db: Db,
  where: SqlFragment,
  col: SqlFragment,
  direction: SqlFragment,
  requestedPage: number,
): Promise<{ rows: ValueRow[]; total: number; page: number }> {
  const read = (page: number) =>
    queryRaw<ValueRow & { total: unknown }>(
      db,
      sql`
    SELECT ${VALUE_COLUMNS}, COUNT(*) OVER () AS "total"
    FROM "CustomerValue" cv
    WHERE ${where}
    ORDER BY CASE WHEN ${col} IS NULL THEN 1 ELSE 0 END, ${col} ${direction}, cv."customerId" ${direction}
    LIMIT ${BigInt(PAGE_SIZE)} OFFSET ${BigInt((page - 1) * PAGE_SIZE)}`,
    );
  let page = requestedPage;
  let rows = await read(page);
  if (rows.length === 0 && page > 1) {
    // Past the end: count, then show the last page.
    const [counted] = await queryRaw<{ total: unknown }>(db, sql`SELECT COUNT(*) AS "total" FROM "CustomerValue" cv WHERE ${where}`);
    page = pageCount(Number(counted?.total ?? 0));
    rows = page > 1 ? await read(page) : await read(1);
    if (rows.length === 0) return { rows: [], total: Number(counted?.total ?? 0), page: 1 };
  }
  return { rows, total: rows.length > 0 ? Number(rows[0].total) : 0, page };
}

interface ProfileRow {
  customerId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  deletedAt: unknown;
  tierId: string | null;
}

/**
 * The page's profiles and loyalty tiers in one statement: ≤ 50 primary-key reads of each table. The tier
 * is joined here, after the page is cut, rather than in the page query, where an OFFSET would make the
 * join run for every skipped row too. A customer without a Customer row or a LoyaltyMember row still comes
 * back (LEFT JOIN), with nulls.
 */
function profilesOf(db: Db, shop: string, ids: string[]): Promise<ProfileRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return queryRaw<ProfileRow>(
    db,
    sql`
    SELECT cv."customerId", c."firstName", c."lastName", c."email", c."deletedAt", m."tierId"
    FROM "CustomerValue" cv
    LEFT JOIN "Customer" c ON c."shop" = cv."shop" AND c."id" = cv."customerId"
    LEFT JOIN "LoyaltyMember" m ON m."shop" = cv."shop" AND m."customerId" = cv."customerId"
    WHERE cv."shop" = ${shop} AND cv."customerId" IN (${join(ids)})`,
  );
}

async function finish(db: Db, shop: string, query: CustomerQuery, values: ValueRow[], total: number, page: number): Promise<CustomerPage> {
  const pages = pageCount(total);
  const ids = values.map((v) => v.customerId);
  const [profiles, withoutCountedOrders] = await Promise.all([
    profilesOf(db, shop, ids),
    // A range of the (shop, orderCount) index: cheap, and it lets the page reconcile its count with the dashboard's.
    isFiltered(query)
      ? null
      : queryRaw<{ n: unknown }>(db, sql`SELECT COUNT(*) AS "n" FROM "CustomerValue" WHERE "shop" = ${shop} AND "orderCount" = 0`).then(
          ([row]) => Number(row?.n ?? 0),
        ),
  ]);
  const byId = new Map(profiles.map((p) => [p.customerId, p]));
  return {
    query: { ...query, page },
    rows: values.map((v) => {
      const p = byId.get(v.customerId);
      return {
        customerId: v.customerId,
        predictedAt: toIso(v.predictedAt),
        modelFitId: v.modelFitId,
        probabilityOrder12m: v.probabilityOrder12m === null ? null : Number(v.probabilityOrder12m),
        firstOrderAt: toIso(v.firstOrderAt),
        firstName: p?.firstName ?? null,
        lastName: p?.lastName ?? null,
        email: p?.email ?? null,
        deleted: p?.deletedAt !== null && p?.deletedAt !== undefined,
        orderCount: Number(v.orderCount),
        netRevenueMinor: String(v.netRevenueMinor),
        predictedClvMinor: v.predictedClvMinor === null ? null : String(v.predictedClvMinor),
        probabilityAlive: v.probabilityAlive === null ? null : Number(v.probabilityAlive),
        lastOrderAt: toIso(v.lastOrderAt),
        segment: v.segment,
        tierId: p?.tierId ?? null,
      };
    }),
    total,
    withoutCountedOrders,
    page,
    pages,
    pageSize: PAGE_SIZE,
    hasPrevious: page > 1,
    hasNext: page < pages,
  };
}

/** Raw timestamps come back as Date (both drivers); a string is accepted too. */
function toIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
