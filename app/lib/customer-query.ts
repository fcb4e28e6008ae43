// The customers list's URL: its search parameters (q, segment, risk, tier, sort, direction, page) as a query,
// and back. Pure: the page builds its links, filters and export URL with it; the server reads the same.
import { SEGMENT_NAMES } from "~/clv/rfm";

/**
 * The list's sort keys (app/data/customers-query.server.ts maps each to an indexed column). "likely" is the
 * probability of at least one order in the next 12 months; there is deliberately no P(alive) key (BG/NBD
 * gives every one-time buyer P(alive) = 1, so that sort listed them first as the likeliest to stay).
 */
export const SORT_KEYS = ["historic", "predicted", "orders", "last", "likely"] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDirection = "asc" | "desc";

export const SEGMENTS: readonly string[] = SEGMENT_NAMES;

/**
 * The loyalty tier filter's value for customers without a tier. The tiers editor names tiers
 * `tier-<time>-<n>`, so no tier id is "none".
 */
export const NO_TIER = "none";
/** Tier ids are at most 64 characters (app/loyalty/tiers.ts): a longer value names no tier. */
const MAX_TIER_ID = 64;

export interface CustomerQuery {
  sort: SortKey;
  direction: SortDirection;
  segment: string | null;
  atRisk: boolean;
  /** A loyalty tier id of the shop, NO_TIER for customers without a tier, or null for every customer. */
  tier: string | null;
  search: string;
  page: number;
}

export const DEFAULT_QUERY: CustomerQuery = {
  sort: "historic",
  direction: "desc",
  segment: null,
  atRisk: false,
  tier: null,
  search: "",
  page: 1,
};

/** True when the query narrows the list (a search, a segment, the at-risk rule or a loyalty tier). */
export function isFiltered(query: CustomerQuery): boolean {
  return Boolean(query.search || query.segment || query.atRisk || query.tier);
}

/** The query as URL search parameters (only what differs from the default), for links and the export. */
export function customerQueryParams(query: CustomerQuery, options: { page?: boolean } = {}): URLSearchParams {
  const params = new URLSearchParams();
  if (query.search) params.set("q", query.search);
  if (query.segment) params.set("segment", query.segment);
  if (query.atRisk) params.set("risk", "1");
  if (query.tier) params.set("tier", query.tier);
  if (query.sort !== DEFAULT_QUERY.sort) params.set("sort", query.sort);
  if (query.direction !== DEFAULT_QUERY.direction) params.set("direction", query.direction);
  if (options.page && query.page > 1) params.set("page", String(query.page));
  return params;
}

/** Reads the list's URL search parameters; anything unknown falls back to the default. */
export function parseCustomerQuery(params: URLSearchParams): CustomerQuery {
  const sort = params.get("sort");
  const direction = params.get("direction");
  const segment = params.get("segment");
  const tier = params.get("tier");
  const page = Number.parseInt(params.get("page") ?? "1", 10);
  return {
    sort: sort && (SORT_KEYS as readonly string[]).includes(sort) ? (sort as SortKey) : DEFAULT_QUERY.sort,
    direction: direction === "asc" || direction === "desc" ? direction : DEFAULT_QUERY.direction,
    segment: segment && SEGMENTS.includes(segment) ? segment : null,
    atRisk: params.get("risk") === "1",
    tier: tier && tier.length <= MAX_TIER_ID ? tier : null,
    search: (params.get("q") ?? "").trim().slice(0, 200),
    page: Number.isFinite(page) && page >= 1 ? Math.min(page, 1_000_000) : 1,
  };
}
