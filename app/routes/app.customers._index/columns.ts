// The customers table's columns and the tone of the 12-month order probability badges.
import type { SortKey } from "~/lib/customer-query";
import type { MessageKey } from "~/i18n/translate";

export interface Column {
  /** What the cell shows (the row renderer switches on it). */
  id: "customer" | "segment" | "tier" | "orders" | "historic" | "predicted" | "chance" | "lastOrder";
  title: MessageKey;
  /** The URL sort key of a sortable column. */
  sort?: SortKey;
  numeric?: boolean;
}

const CUSTOMER: Column = { id: "customer", title: "columns.customer" };
const SEGMENT: Column = { id: "segment", title: "columns.segment" };
const TIER: Column = { id: "tier", title: "columns.tier" };
const VALUES: Column[] = [
  { id: "orders", title: "columns.orders", sort: "orders", numeric: true },
  { id: "historic", title: "columns.historic", sort: "historic", numeric: true },
  { id: "predicted", title: "columns.predicted", sort: "predicted", numeric: true },
  // "Likely to order": the probability of an order in the next 12 months, never P(alive) (1 for every one-time buyer).
  { id: "chance", title: "columns.chance", sort: "likely", numeric: true },
  { id: "lastOrder", title: "columns.lastOrder", sort: "last" },
];

/** IndexTable headings in order; the loyalty tier only for a shop with a tier program. */
export function columnsOf(options: { tiers: boolean }): Column[] {
  return [CUSTOMER, SEGMENT, ...(options.tiers ? [TIER] : []), ...VALUES];
}

export function chanceTone(p: number | null): "success" | "attention" | "critical" | undefined {
  if (p === null) return undefined;
  return p >= 0.6 ? "success" : p >= 0.3 ? "attention" : "critical";
}
