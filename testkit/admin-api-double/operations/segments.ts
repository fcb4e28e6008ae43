// Customer segments: segmentCreate / segmentUpdate / segmentDelete, segment(id:) and segments(first:),
// kept per shop (read back with control.getSegments). Names are unique per shop. The query is checked
// the way ShopifyQL's parser would catch the usual mistakes: unknown filter names, a condition without
// an operator, unbalanced quotes or parentheses.
import type { StoredSegment } from "../state";
import { connection, connectionTypes, readCost } from "./connections";
import { accessDenied, parseGid, userError, utcNow } from "./common";
import type { ApiSlice, Arguments, ResolveContext } from "./registry";

/** Filters of the segment query language (metafields.<namespace>.<key> and dotted app/channel facts pass too). */
const FILTERS = new Set([
  "abandoned_checkout_date",
  "amount_spent",
  "anniversary",
  "companies",
  "customer_account_status",
  "customer_added_date",
  "customer_cities",
  "customer_countries",
  "customer_email_domain",
  "customer_language",
  "customer_regions",
  "customer_tags",
  "customer_within_distance",
  "email_subscription_status",
  "first_order_date",
  "last_order_date",
  "number_of_orders",
  "orders_placed",
  "predicted_spend_tier",
  "product_subscription_status",
  "products_purchased",
  "rfm_group",
  "sms_subscription_status",
  "store_credit_accounts",
]);

const OPERATOR = /^(=|!=|>=|<=|>|<|CONTAINS\b|NOT CONTAINS\b|BETWEEN\b|IS NULL\b|IS NOT NULL\b|MATCHES\b|NOT MATCHES\b|\()/i;

/** The first problem of a segment query, in ShopifyQL's words, or null. */
export function segmentQueryError(query: string): string | null {
  let depth = 0;
  let quote: string | null = null;
  let escaped = false;
  for (const ch of query) {
    if (quote) {
      // Inside a value a backslash escapes the next character ('\'VIP\'' in Shopify's reference).
      if (escaped) escaped = false;
      else if (ch === "\\") escaped = true;
      else if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")" && --depth < 0) return "Query Line 1: unexpected ')'.";
  }
  if (quote) return "Query Line 1: unterminated string.";
  if (depth !== 0) return "Query Line 1: missing ')'.";
  // Conditions start the query and follow each AND / OR outside quotes.
  const starts = [0];
  const connective = /\s+(AND|OR)\s+/gi;
  const masked = query.replace(/'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"/g, (m) => "_".repeat(m.length));
  for (let m = connective.exec(masked); m; m = connective.exec(masked)) starts.push(m.index + m[0].length);
  for (const start of starts) {
    let at = start;
    const rest = () => query.slice(at);
    const skip = (re: RegExp) => {
      const m = re.exec(rest());
      if (m) at += m[0].length;
    };
    skip(/^[\s(]*/);
    skip(/^NOT\s+/i);
    const name = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(rest())?.[0];
    if (!name) return `Query Line 1 Column ${at}: a filter was expected.`;
    const known = FILTERS.has(name) || name.startsWith("metafields.") || (name.includes(".") && !name.endsWith("."));
    if (!known) return `Query Line 1 Column ${at}: '${name}' filter cannot be found.`;
    at += name.length;
    skip(/^\s*/);
    if (!OPERATOR.test(rest()))
      return `Query Line 1 Column ${at}: '${name}' needs a comparison (=, !=, <, >, CONTAINS, BETWEEN, IS NULL…).`;
  }
  return null;
}

export function segmentObject(segment: StoredSegment) {
  return { __typename: "Segment", ...segment };
}

function checkedName(name: unknown, ctx: ResolveContext, except: string | null) {
  const value = typeof name === "string" ? name.trim() : "";
  if (value === "") return { error: userError(["name"], "Name can't be blank") };
  if (value.length > 255) return { error: userError(["name"], "Name is too long (maximum is 255 characters)") };
  for (const s of ctx.shop.segments.values())
    if (s.id !== except && s.name.toLowerCase() === value.toLowerCase())
      return { error: userError(["name"], "Name has already been taken") };
  return { value };
}

function checkedQuery(query: unknown) {
  const value = typeof query === "string" ? query.trim() : "";
  if (value === "") return { error: userError(["query"], "Query can't be blank") };
  const problem = segmentQueryError(value);
  return problem ? { error: userError(["query"], problem) } : { value };
}

function writeScopes(field: string, ctx: ResolveContext): void {
  for (const scope of ["read_customers", "write_customers"]) if (!ctx.shop.scopes.includes(scope)) throw accessDenied(field, scope);
}

function existing(args: Arguments, ctx: ResolveContext): StoredSegment | null {
  parseGid(args.id);
  return ctx.shop.segments.get(String(args.id)) ?? null;
}

export const segmentsSlice: ApiSlice = {
  fields: [
    {
      root: "Mutation",
      name: "segmentCreate",
      returns: "SegmentCreatePayload",
      requiredArguments: ["name", "query"],
      cost: 10,
      resolve: (args, ctx) => {
        writeScopes("segmentCreate", ctx);
        const name = checkedName(args.name, ctx, null);
        const query = checkedQuery(args.query);
        const errors = [name.error, query.error].flatMap((e) => (e ? [e] : []));
        if (errors.length > 0 || name.value === undefined || query.value === undefined) return { segment: null, userErrors: errors };
        const now = utcNow();
        const segment: StoredSegment = {
          id: `gid://shopify/Segment/${ctx.newId()}`,
          name: name.value,
          query: query.value,
          creationDate: now,
          lastEditDate: now,
        };
        ctx.shop.segments.set(segment.id, segment);
        return { segment: segmentObject(segment), userErrors: [] };
      },
    },
    {
      root: "Mutation",
      name: "segmentUpdate",
      returns: "SegmentUpdatePayload",
      requiredArguments: ["id"],
      cost: 10,
      resolve: (args, ctx) => {
        writeScopes("segmentUpdate", ctx);
        const segment = existing(args, ctx);
        if (!segment) return { segment: null, userErrors: [userError(["id"], "Segment does not exist")] };
        const name = args.name == null ? { value: segment.name } : checkedName(args.name, ctx, segment.id);
        const query = args.query == null ? { value: segment.query } : checkedQuery(args.query);
        const errors = [name.error, query.error].flatMap((e) => (e ? [e] : []));
        if (errors.length > 0 || name.value === undefined || query.value === undefined) return { segment: null, userErrors: errors };
        Object.assign(segment, { name: name.value, query: query.value, lastEditDate: utcNow() });
        return { segment: segmentObject(segment), userErrors: [] };
      },
    },
    {
      root: "Mutation",
      name: "segmentDelete",
      returns: "SegmentDeletePayload",
      requiredArguments: ["id"],
      cost: 10,
      resolve: (args, ctx) => {
        writeScopes("segmentDelete", ctx);
        const segment = existing(args, ctx);
        if (!segment) return { deletedSegmentId: null, userErrors: [userError(["id"], "Segment does not exist")] };
        ctx.shop.segments.delete(segment.id);
        return { deletedSegmentId: segment.id, userErrors: [] };
      },
    },
    {
      root: "QueryRoot",
      name: "segment",
      returns: "Segment",
      requiredArguments: ["id"],
      cost: 1,
      resolve: (args, ctx) => {
        if (!ctx.shop.scopes.includes("read_customers")) throw accessDenied("segment", "read_customers");
        const segment = existing(args, ctx);
        return segment ? segmentObject(segment) : null;
      },
    },
    {
      root: "QueryRoot",
      name: "segments",
      returns: "SegmentConnection",
      cost: readCost,
      resolve: (args, ctx) => {
        if (!ctx.shop.scopes.includes("read_customers")) throw accessDenied("segments", "read_customers");
        const term = typeof args.query === "string" ? args.query.trim().toLowerCase() : "";
        const list = [...ctx.shop.segments.values()].filter((s) => term === "" || s.name.toLowerCase().includes(term));
        if (args.reverse === true) list.reverse();
        return connection(list, args, "segments", (s) => s.id, segmentObject);
      },
    },
  ],
  types: {
    Segment: { id: "ID", name: "String", query: "String", creationDate: "DateTime", lastEditDate: "DateTime" },
    ...connectionTypes("Segment"),
    SegmentCreatePayload: { segment: "Segment", userErrors: "UserError" },
    SegmentUpdatePayload: { segment: "Segment", userErrors: "UserError" },
    SegmentDeletePayload: { deletedSegmentId: "ID", userErrors: "UserError" },
  },
  interfaces: { Node: ["Segment"] },
};
