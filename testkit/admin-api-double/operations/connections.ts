// Relay connections as Shopify answers them (edges with opaque cursors, nodes, pageInfo; first/after or
// last/before; at most 250 a page) and the calculated cost of a read: scalars 0, objects 1, connections
// 2 + the objects asked for × each object's cost (Shopify's published rules; the selection decides).
import { argumentsOf, type DocumentNode, type FieldNode, type Selection, type Variables } from "../graphql-lite/index";
import { FieldError, type Arguments, type CostSite } from "./registry";

export const MAX_PAGE_SIZE = 250;

/** Opaque like Shopify's: base64 of a small JSON naming the last item. */
export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ last_id: key })).toString("base64");
}

function decodeCursor(cursor: unknown): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(String(cursor), "base64").toString("utf8"));
    const key = parsed && typeof parsed === "object" ? (parsed as { last_id?: unknown }).last_id : undefined;
    if (typeof key === "string") return key;
  } catch {
    // falls through to the error below
  }
  throw new FieldError("Invalid cursor for current pagination sort.", { code: "argumentLiteralsIncompatible" });
}

function pageSize(args: Arguments, field: string): { size: number; fromEnd: boolean } {
  const first = args.first ?? null;
  const last = args.last ?? null;
  if (first === null && last === null) throw new FieldError("you must provide one of first or last", { field });
  if (first !== null && last !== null) throw new FieldError("providing both first and last is not supported", { field });
  const size = Number(first ?? last);
  if (!Number.isInteger(size) || size < 0)
    throw new FieldError(`Argument '${first !== null ? "first" : "last"}' on Field '${field}' has an invalid value.`, { field });
  if (size > MAX_PAGE_SIZE)
    throw new FieldError(`The ${first !== null ? "first" : "last"} argument cannot exceed ${MAX_PAGE_SIZE}.`, { field });
  return { size, fromEnd: first === null };
}

/**
 * One page of `items` (already filtered and sorted) as a connection. `keyOf` names an item in its cursor;
 * `toNode` makes the answer object of an item.
 */
export function connection<T>(items: T[], args: Arguments, field: string, keyOf: (item: T) => string, toNode: (item: T) => unknown) {
  const { size, fromEnd } = pageSize(args, field);
  const indexOf = (cursor: unknown) => {
    const key = decodeCursor(cursor);
    const i = items.findIndex((item) => keyOf(item) === key);
    if (i < 0) throw new FieldError("Invalid cursor for current pagination sort.", { code: "argumentLiteralsIncompatible" });
    return i;
  };
  let start = args.after != null ? indexOf(args.after) + 1 : 0;
  let end = args.before != null ? indexOf(args.before) : items.length;
  if (fromEnd) start = Math.max(start, end - size);
  else end = Math.min(end, start + size);
  const page = items.slice(start, Math.max(start, end));
  const edges = page.map((item) => ({ cursor: encodeCursor(keyOf(item)), node: toNode(item) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** The object types of a connection answer (`<Name>Connection`, `<Name>Edge`) and PageInfo is in commonSlice. */
export function connectionTypes(node: string): Record<string, Record<string, string>> {
  return {
    [`${node}Connection`]: { edges: `${node}Edge`, nodes: node, pageInfo: "PageInfo" },
    [`${node}Edge`]: { cursor: "String", node },
  };
}

// ---- calculated cost ----

function fields(selections: Selection[], doc: DocumentNode): FieldNode[] {
  const out: FieldNode[] = [];
  for (const sel of selections) {
    if (sel.kind === "Field") out.push(sel);
    else if (sel.kind === "InlineFragment") out.push(...fields(sel.selections, doc));
    else {
      const fragment = doc.fragments.get(sel.name);
      if (fragment) out.push(...fields(fragment.selections, doc));
    }
  }
  return out;
}

/** What one object of a connection costs: the larger of its `edges { node }` and `nodes` selections. */
function perNodeCost(connectionSelections: Selection[], doc: DocumentNode, variables: Variables): number {
  let cost = 0;
  for (const f of fields(connectionSelections, doc)) {
    if (f.name === "nodes" && f.selections) cost = Math.max(cost, selectionCost(f.selections, doc, variables));
    if (f.name === "edges" && f.selections)
      for (const e of fields(f.selections, doc))
        if (e.name === "node" && e.selections) cost = Math.max(cost, selectionCost(e.selections, doc, variables));
  }
  return 1 + cost;
}

export function fieldCost(field: FieldNode, doc: DocumentNode, variables: Variables): number {
  if (!field.selections || field.name === "pageInfo") return 0;
  const args = argumentsOf(field, variables);
  const size = args.first ?? args.last;
  if (typeof size === "number") return 2 + size * perNodeCost(field.selections, doc, variables);
  return 1 + selectionCost(field.selections, doc, variables);
}

export function selectionCost(selections: Selection[], doc: DocumentNode, variables: Variables): number {
  return fields(selections, doc).reduce((sum, f) => sum + fieldCost(f, doc, variables), 0);
}

/** A root read's cost from its selection; without one (a bare call), 1 object or 2 + `first` objects. */
export function readCost(args: Arguments, site?: CostSite): number {
  if (site) return fieldCost(site.field, site.doc, site.variables);
  const size = args.first ?? args.last;
  return typeof size === "number" ? 2 + size : 1;
}
