// The customers table's columns and the tone of its P(alive) badges.
import type { SortKey } from "~/data/customers-query.server";

/** IndexTable headings; `sort` names the URL sort key of a sortable column. */
export const COLUMNS: { title: string; sort?: SortKey; numeric?: boolean }[] = [
  { title: "Customer" },
  { title: "Segment" },
  { title: "Orders", sort: "orders", numeric: true },
  { title: "Historic value", sort: "historic", numeric: true },
  { title: "Predicted 12 m", sort: "predicted", numeric: true },
  { title: "P(alive)", sort: "alive", numeric: true },
  { title: "Last order", sort: "last" },
];

export function aliveTone(p: number | null): "success" | "attention" | "critical" | undefined {
  if (p === null) return undefined;
  return p >= 0.6 ? "success" : p >= 0.3 ? "attention" : "critical";
}
