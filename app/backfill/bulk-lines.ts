// One line of the backfill's bulk JSONL (shape: BULK_ORDERS_QUERY in app/shopify/operations.ts) into the
// same normalised order the webhooks produce, or a line item to attach to its order by __parentId.
// Lines arrive ungrouped (API 2026-01+): a line item may precede its order, so both kinds are written
// on their own and idempotently.
import { shopifyIdOf } from "~/lib/json-ids";
import { toMinorUnits } from "~/lib/money";
import type { CustomerProfile, NormalizedOrder } from "~/orders/types";

// A hand-written schema check rather than zod: it runs on every line of files with millions of lines,
// where zod's object walk was an eighth of the import's time. Same rules, errors name the field path.

type Json = Record<string, unknown>;

class BulkLineError extends Error {}

function fail(path: string, message: string): never {
  throw new BulkLineError(`${path}: ${message}`);
}

function object(value: unknown, path: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(path, "must be an object");
  return value as Json;
}

function optionalObject(value: unknown, path: string): Json | null {
  return value === null || value === undefined ? null : object(value, path);
}

function string(value: unknown, path: string): string {
  if (typeof value !== "string") fail(path, "must be a string");
  return value;
}

function optionalString(value: unknown, path: string): string | null {
  return value === null || value === undefined ? null : string(value, path);
}

function time(value: unknown, path: string): string {
  const text = string(value, path);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) fail(path, "must be an ISO 8601 time");
  return new Date(ms).toISOString();
}

function optionalTime(value: unknown, path: string): string | null {
  return value === null || value === undefined ? null : time(value, path);
}

function gid(value: unknown, type: string, path: string): string {
  const text = string(value, path);
  if (!text.startsWith(`gid://shopify/${type}/`)) fail(path, `must be a ${type} gid`);
  return shopifyIdOf(text);
}

/** { amount, currencyCode } → minor units and currency. */
function money(value: unknown, path: string): { minor: number; currencyCode: string } {
  const m = object(value, path);
  const currencyCode = string(m.currencyCode, `${path}.currencyCode`);
  if (typeof m.amount !== "string" && typeof m.amount !== "number") fail(`${path}.amount`, "must be a decimal amount");
  try {
    return { minor: toMinorUnits(m.amount, currencyCode), currencyCode };
  } catch (error) {
    return fail(`${path}.amount`, (error as Error).message);
  }
}

/**
 * The order's merchandise value (line items after discounts, without shipping and taxes) in shop money, as
 * placed: subtotalPriceSet first (before returns), currentSubtotalPriceSet (after returns) when only that one is
 * there; null when neither (files from before the query asked for them). See subtotalMinorOf in the webhooks.
 */
function subtotal(o: Json, currencyCode: string): number | null {
  for (const field of ["subtotalPriceSet", "currentSubtotalPriceSet"]) {
    const set = optionalObject(o[field], field);
    const shopMoney = set ? optionalObject(set.shopMoney, `${field}.shopMoney`) : null;
    if (!shopMoney) continue;
    const path = `${field}.shopMoney`;
    const { minor, currencyCode: code } = money({ currencyCode, ...shopMoney }, path);
    if (code !== currencyCode) fail(`${path}.currencyCode`, `must be the order's shop currency ${currencyCode}`);
    return minor;
  }
  return null;
}

/** GraphQL's Order.discountCodes ([String!]!): trimmed, without blanks or repeats; none when absent. */
function discountCodes(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) fail("discountCodes", "must be a list");
  const codes = value.map((code, i) => string(code, `discountCodes.${i}`).trim()).filter((code) => code.length > 0);
  return [...new Set(codes)];
}

export interface BulkLineItem {
  id: string;
  orderId: string;
  productId: string | null;
  variantId: string | null;
  title: string | null;
  quantity: number;
  priceMinor: number;
}

export type BulkLine = { kind: "order"; order: NormalizedOrder } | { kind: "line_item"; lineItem: BulkLineItem } | { kind: "other" };

export function parseBulkLine(text: string): BulkLine {
  const raw = object(JSON.parse(text), "(line)");
  const id = typeof raw.id === "string" ? raw.id : "";
  if (id.startsWith("gid://shopify/Order/")) return { kind: "order", order: toOrder(raw) };
  if (id.startsWith("gid://shopify/LineItem/")) return { kind: "line_item", lineItem: toLineItem(raw) };
  return { kind: "other" };
}

function toCustomer(c: Json): CustomerProfile {
  return {
    id: gid(c.id, "Customer", "customer.id"),
    email: optionalString(c.email, "customer.email"),
    firstName: optionalString(c.firstName, "customer.firstName"),
    lastName: optionalString(c.lastName, "customer.lastName"),
    phone: optionalString(c.phone, "customer.phone"),
    tags: null,
    createdAt: optionalTime(c.createdAt, "customer.createdAt"),
    updatedAt: optionalTime(c.updatedAt, "customer.updatedAt"),
  };
}

function toOrder(o: Json): NormalizedOrder {
  const orderId = gid(o.id, "Order", "id");
  const prices = object(o.totalPriceSet, "totalPriceSet");
  const total = money(prices.shopMoney, "totalPriceSet.shopMoney");
  const presentment = prices.presentmentMoney == null ? null : money(prices.presentmentMoney, "totalPriceSet.presentmentMoney");
  const customer = optionalObject(o.customer, "customer");
  const createdAt = time(o.createdAt, "createdAt");
  if (o.test !== undefined && typeof o.test !== "boolean") fail("test", "must be true or false");
  if (o.refunds !== undefined && o.refunds !== null && !Array.isArray(o.refunds)) fail("refunds", "must be a list");
  const status = optionalString(o.displayFinancialStatus, "displayFinancialStatus");
  return {
    id: orderId,
    customer: customer ? toCustomer(customer) : null,
    name: optionalString(o.name, "name"),
    email: optionalString(o.email, "email"),
    currencyCode: total.currencyCode,
    totalMinor: total.minor,
    subtotalMinor: subtotal(o, total.currencyCode),
    discountCodes: discountCodes(o.discountCodes),
    presentmentCurrency: presentment?.currencyCode ?? null,
    presentmentTotalMinor: presentment?.minor ?? null,
    financialStatus: status ? status.toLowerCase() : null,
    sourceName: optionalString(o.sourceName, "sourceName"),
    test: o.test === true,
    createdAt,
    processedAt: optionalTime(o.processedAt, "processedAt") ?? createdAt,
    updatedAt: time(o.updatedAt, "updatedAt"),
    cancelledAt: optionalTime(o.cancelledAt, "cancelledAt"),
    closedAt: optionalTime(o.closedAt, "closedAt"),
    lineItems: null, // they come on their own lines
    refunds: ((o.refunds as unknown[] | null | undefined) ?? []).map((value, i) => {
      const r = object(value, `refunds.${i}`);
      const refunded = money(
        object(r.totalRefundedSet, `refunds.${i}.totalRefundedSet`).shopMoney,
        `refunds.${i}.totalRefundedSet.shopMoney`,
      );
      return {
        id: gid(r.id, "Refund", `refunds.${i}.id`),
        orderId,
        amountMinor: refunded.minor,
        currencyCode: refunded.currencyCode,
        createdAt: time(r.createdAt, `refunds.${i}.createdAt`),
      };
    }),
  };
}

function toLineItem(li: Json): BulkLineItem {
  if (typeof li.quantity !== "number" || !Number.isInteger(li.quantity)) fail("quantity", "must be a whole number");
  const product = optionalObject(li.product, "product");
  const variant = optionalObject(li.variant, "variant");
  return {
    id: gid(li.id, "LineItem", "id"),
    orderId: gid(li.__parentId, "Order", "__parentId"),
    productId: product ? shopifyIdOf(string(product.id, "product.id")) : null,
    variantId: variant ? shopifyIdOf(string(variant.id, "variant.id")) : null,
    title: optionalString(li.title, "title"),
    quantity: li.quantity,
    priceMinor: money(object(li.originalUnitPriceSet, "originalUnitPriceSet").shopMoney, "originalUnitPriceSet.shopMoney").minor,
  };
}
