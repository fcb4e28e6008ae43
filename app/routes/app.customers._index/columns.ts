// The customers table's columns and the tone of the 12-month order probability badges.
import type { SortKey } from "~/lib/customer-query";
import type { MessageKey } from "~/i18n/translate";

/** IndexTable headings; `sort` names the URL sort key of a sortable column. */
export const COLUMNS: { title: MessageKey; sort?: SortKey; numeric?: boolean }[] = [
  { title: "columns.customer" },
  { title: "columns.segment" },
  { title: "columns.orders", sort: "orders", numeric: true },
  { title: "columns.historic", sort: "historic", numeric: true },
  { title: "columns.predicted", sort: "predicted", numeric: true },
  { title: "columns.chance", numeric: true },
  { title: "columns.lastOrder", sort: "last" },
];

export function chanceTone(p: number | null): "success" | "attention" | "critical" | undefined {
  if (p === null) return undefined;
  return p >= 0.6 ? "success" : p >= 0.3 ? "attention" : "critical";
}
