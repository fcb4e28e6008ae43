// Webhook payload schemas (zod) and their normalisation into the compact events the worker applies.
// Only the fields the app uses are required; everything else Shopify sends is ignored.
import { z } from "zod";
import { toMinorUnits } from "~/lib/money";
import { shopifyIdOf } from "~/lib/json-ids";
import type { CustomerProfile, NormalizedLineItem, NormalizedOrder, NormalizedRefund } from "~/orders/types";
import type { WebhookEvent } from "~/queues/jobs";
import { offerIdOfLineItem } from "~/offers";
import { productTopicParsers } from "./product-payloads";

// Everything acknowledged must be storable on both databases (a 200 that the worker can never write is a
// lost delivery), so values are checked here against what SQLite and PostgreSQL columns hold.

// Numbers first: that is how ids usually come, and a union that misses its first branch pays for an issue.
// Ids above 2^53 arrive as strings (parseJsonKeepingLongIds); a number must still be exact. 30 digits is
// far beyond Shopify's 64-bit ids and keeps key columns well inside PostgreSQL's index entry limit.
const id = z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,30}$/, "must be a numeric id")]);

// ISO 8601 date-times as Shopify writes them ("2025-04-03T10:00:00-05:00", "…T15:00:00.123Z"): an
// explicit offset (a time without one names no instant), and a real calendar date (Date.parse rolls
// "02-30" over to March). The range keeps every value a JavaScript Date, SQLite and PostgreSQL share:
// "+275760-09-13" parses in JavaScript, and PostgreSQL refuses it.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;
const EARLIEST_MS = Date.UTC(1970, 0, 1);
const LATEST_MS = Date.UTC(2101, 0, 1); // exclusive: the last accepted year is 2100

function isStorableDateTime(value: string): boolean {
  const parts = ISO_DATE_TIME.exec(value);
  if (!parts) return false;
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = parts.slice(1).map((p) => Number(p ?? 0));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return false;
  if (offsetHours > 23 || offsetMinutes > 59) return false;
  const ms = Date.parse(value);
  return ms >= EARLIEST_MS && ms < LATEST_MS;
}
const timestamp = z.string().refine(isStorableDateTime, "must be an ISO 8601 date-time with an offset (Z or ±hh:mm), in 1970–2100");

// Text that cannot be stored is refused rather than silently altered: PostgreSQL text cannot hold NUL
// (SQLite can), and a lone UTF-16 surrogate (JSON allows "\ud800") cannot be encoded as UTF-8 at all:
// Prisma fails on it with either database.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const storable = <T extends z.ZodString>(schema: T) =>
  schema
    .refine((value) => !value.includes("\u0000"), "must not contain NUL characters")
    .refine((value) => !LONE_SURROGATE.test(value), "must be valid Unicode (a lone surrogate cannot be stored)");
const text = storable(z.string());
// E-mails are indexed (Customer): bounded well inside PostgreSQL's index entry limit (RFC 5321 allows 254).
const email = storable(z.string().max(320, "must be at most 320 characters"));

const isNegative = (value: string | number) => (typeof value === "number" ? value < 0 : /^\s*-(?=.*[1-9])/.test(value));
const amount = z.union([z.string(), z.number()]);
// Totals, prices and refunds are never negative in Shopify; a negative one would lower a customer's value.
const nonNegativeAmount = amount.refine((value) => !isNegative(value), "must not be negative");
const moneySet = z
  .object({
    shop_money: z.object({ amount: nonNegativeAmount, currency_code: text }),
    presentment_money: z.object({ amount: nonNegativeAmount, currency_code: text }).nullish(),
  })
  .nullish();

const customerSchema = z.object({
  id,
  email: email.nullish(),
  first_name: text.nullish(),
  last_name: text.nullish(),
  phone: text.nullish(),
  tags: text.nullish(),
  created_at: timestamp.nullish(),
  updated_at: timestamp.nullish(),
});

const transactionSchema = z
  .object({
    kind: text,
    status: text.nullish(),
    amount,
    currency: text.nullish(),
  })
  .superRefine((t, context) => {
    // Only refund transactions count (normalizeRefund); other kinds are not checked for what they do not affect.
    if (t.kind === "refund" && isNegative(t.amount))
      context.addIssue({ code: "custom", path: ["amount"], message: "must not be negative" });
  });

const refundSchema = z.object({
  id,
  order_id: id,
  created_at: timestamp,
  processed_at: timestamp.nullish(),
  transactions: z.array(transactionSchema).default([]),
});

const lineItemSchema = z.object({
  id,
  product_id: id.nullish(),
  variant_id: id.nullish(),
  title: text.nullish(),
  quantity: z.number().int().nonnegative().max(2_147_483_647, "must fit a 32-bit integer"),
  price: nonNegativeAmount,
  price_set: moneySet,
  // Cart attributes of the line (the storefront's offers block adds _clv_offer). Never refuses an order:
  // a malformed list reads as none.
  properties: z
    .array(z.object({ name: z.string(), value: z.unknown() }))
    .nullish()
    .catch(null),
});

// A discount code as the order lists it ({ code, amount, type }); only the code is kept: referrals match on it
// (Shopify's own limit is 255 characters). Like the offers' line properties, codes never refuse an order: an
// entry that is malformed or could not be stored is left out (the order's money still counts; at worst a
// referral is not recognised), and a list that is not a list reads as none.
const discountCodeSchema = z.object({
  code: storable(z.string().max(255, "must be at most 255 characters")),
  amount: amount.nullish(),
  type: z.string().nullish(),
});
const discountCodesSchema = z
  .array(z.unknown())
  .nullish()
  .catch(null)
  .transform((entries) =>
    (entries ?? []).flatMap((entry) => {
      const parsed = discountCodeSchema.safeParse(entry);
      return parsed.success ? [parsed.data.code] : [];
    }),
  );

const orderSchema = z.object({
  id,
  name: text.nullish(),
  email: email.nullish(),
  currency: storable(z.string().length(3)),
  presentment_currency: text.nullish(),
  total_price: nonNegativeAmount,
  total_price_set: moneySet,
  // Line items after discounts, without shipping and taxes: as placed (subtotal_*) and after returns (current_*).
  subtotal_price: nonNegativeAmount.nullish(),
  subtotal_price_set: moneySet,
  current_subtotal_price: nonNegativeAmount.nullish(),
  current_subtotal_price_set: moneySet,
  discount_codes: discountCodesSchema,
  financial_status: text.nullish(),
  source_name: text.nullish(),
  test: z.boolean().default(false),
  created_at: timestamp,
  processed_at: timestamp.nullish(),
  updated_at: timestamp,
  cancelled_at: timestamp.nullish(),
  closed_at: timestamp.nullish(),
  customer: customerSchema.nullish(),
  line_items: z.array(lineItemSchema).default([]),
  refunds: z.array(refundSchema).default([]),
});

const customerRedactSchema = z.object({
  customer: z.object({ id }),
  orders_to_redact: z.array(id).default([]),
});
const dataRequestSchema = z.object({
  customer: z.object({ id }),
  orders_requested: z.array(id).default([]),
  data_request: z.object({ id }),
});
const customerDeleteSchema = z.object({ id });
const scopesUpdateSchema = z.object({ current: z.array(text).default([]), previous: z.array(text).default([]) });
const bulkFinishSchema = z.object({
  admin_graphql_api_id: text,
  status: text,
  error_code: text.nullish(),
  type: text.nullish(),
});

const iso = (value: string) => new Date(value).toISOString();

function normalizeCustomer(c: z.infer<typeof customerSchema>): CustomerProfile {
  return {
    id: shopifyIdOf(c.id),
    email: c.email ?? null,
    firstName: c.first_name ?? null,
    lastName: c.last_name ?? null,
    phone: c.phone ?? null,
    tags: c.tags ?? null,
    createdAt: c.created_at ? iso(c.created_at) : null,
    updatedAt: c.updated_at ? iso(c.updated_at) : null,
  };
}

/** A refund's money is what its successful refund transactions returned, in their currency. */
function normalizeRefund(r: z.infer<typeof refundSchema>, fallbackCurrency: string): NormalizedRefund {
  const refunds = r.transactions.filter((t) => t.kind === "refund" && (t.status == null || t.status === "success"));
  const currencyCode = refunds[0]?.currency ?? fallbackCurrency;
  let amountMinor = 0;
  for (const t of refunds) {
    if ((t.currency ?? currencyCode) !== currencyCode) throw new Error(`refund ${r.id} mixes currencies`);
    amountMinor += toMinorUnits(t.amount, currencyCode);
  }
  return {
    id: shopifyIdOf(r.id),
    orderId: shopifyIdOf(r.order_id),
    amountMinor,
    currencyCode,
    createdAt: iso(r.processed_at ?? r.created_at),
  };
}

/**
 * The order's merchandise value in shop money: line items after discounts, without shipping and taxes (with
 * them when the shop's prices include tax), as placed. The as-placed subtotal comes first: the current one
 * already leaves out returned items, and the refunds that returned them reverse points again (proportionally to
 * the money refunded), so earning on it would take a return off twice. The current subtotal is the fallback (it
 * equals the placed one until something is returned); null when the payload carries neither.
 */
function subtotalMinorOf(o: z.infer<typeof orderSchema>, currencyCode: string): number | null {
  const amount =
    o.subtotal_price_set?.shop_money.amount ??
    o.subtotal_price ??
    o.current_subtotal_price_set?.shop_money.amount ??
    o.current_subtotal_price ??
    null;
  if (amount === null) return null;
  try {
    return toMinorUnits(amount, currencyCode);
  } catch (error) {
    throw new Error(`subtotal_price: ${(error as Error).message}`);
  }
}

/** The codes as entered, trimmed, without blanks or repeats (in the payload's order). */
function discountCodesOf(o: z.infer<typeof orderSchema>): string[] {
  return [...new Set(o.discount_codes.map((code) => code.trim()).filter((code) => code.length > 0))];
}

function normalizeOrder(o: z.infer<typeof orderSchema>): NormalizedOrder {
  const currencyCode = o.total_price_set?.shop_money.currency_code ?? o.currency;
  const totalMinor = toMinorUnits(o.total_price_set?.shop_money.amount ?? o.total_price, currencyCode);
  const presentment = o.total_price_set?.presentment_money;
  const lineItems: NormalizedLineItem[] = o.line_items.map((li) => ({
    id: shopifyIdOf(li.id),
    productId: li.product_id == null ? null : shopifyIdOf(li.product_id),
    variantId: li.variant_id == null ? null : shopifyIdOf(li.variant_id),
    title: li.title ?? null,
    quantity: li.quantity,
    priceMinor: toMinorUnits(li.price_set?.shop_money.amount ?? li.price, currencyCode),
    offerId: offerIdOfLineItem(li.properties?.map(({ name, value }) => ({ name, value })) ?? null),
  }));
  return {
    id: shopifyIdOf(o.id),
    customer: o.customer ? normalizeCustomer(o.customer) : null,
    name: o.name ?? null,
    email: o.email ?? null,
    currencyCode,
    totalMinor,
    subtotalMinor: subtotalMinorOf(o, currencyCode),
    discountCodes: discountCodesOf(o),
    presentmentCurrency: presentment?.currency_code ?? o.presentment_currency ?? null,
    presentmentTotalMinor: presentment ? toMinorUnits(presentment.amount, presentment.currency_code) : null,
    financialStatus: o.financial_status ?? null,
    sourceName: o.source_name ?? null,
    test: o.test,
    createdAt: iso(o.created_at),
    processedAt: iso(o.processed_at ?? o.created_at),
    updatedAt: iso(o.updated_at),
    cancelledAt: o.cancelled_at ? iso(o.cancelled_at) : null,
    closedAt: o.closed_at ? iso(o.closed_at) : null,
    lineItems,
    refunds: o.refunds.map((r) => normalizeRefund(r, presentment?.currency_code ?? currencyCode)),
  };
}

/** Topics the app subscribes to, with the parser of each. Anything else is refused with 404. */
const parsers: Record<string, (body: unknown) => WebhookEvent> = {
  "orders/create": (b) => ({ kind: "order", order: normalizeOrder(orderSchema.parse(b)) }),
  "orders/updated": (b) => ({ kind: "order", order: normalizeOrder(orderSchema.parse(b)) }),
  "orders/cancelled": (b) => ({ kind: "order", order: normalizeOrder(orderSchema.parse(b)) }),
  "refunds/create": (b) => {
    const refund = refundSchema.parse(b);
    return { kind: "refund", refund: normalizeRefund(refund, refund.transactions[0]?.currency ?? "USD") };
  },
  "customers/create": (b) => ({ kind: "customer", customer: normalizeCustomer(customerSchema.parse(b)) }),
  "customers/update": (b) => ({ kind: "customer", customer: normalizeCustomer(customerSchema.parse(b)) }),
  "customers/delete": (b) => ({ kind: "customer_delete", customerId: shopifyIdOf(customerDeleteSchema.parse(b).id) }),
  "customers/redact": (b) => {
    const p = customerRedactSchema.parse(b);
    return { kind: "customer_redact", customerId: shopifyIdOf(p.customer.id), orderIds: p.orders_to_redact.map(shopifyIdOf) };
  },
  "customers/data_request": (b) => {
    const p = dataRequestSchema.parse(b);
    return {
      kind: "customer_data_request",
      requestId: shopifyIdOf(p.data_request.id),
      customerId: shopifyIdOf(p.customer.id),
      orderIds: p.orders_requested.map(shopifyIdOf),
    };
  },
  "shop/redact": () => ({ kind: "shop_redact" }),
  "app/uninstalled": () => ({ kind: "app_uninstalled" }),
  "app/scopes_update": (b) => ({ kind: "scopes_update", scopes: scopesUpdateSchema.parse(b).current }),
  ...productTopicParsers,
  "bulk_operations/finish": (b) => {
    const p = bulkFinishSchema.parse(b);
    return { kind: "bulk_operation_finish", bulkOperationId: p.admin_graphql_api_id, status: p.status, errorCode: p.error_code ?? null };
  },
};

export class PayloadError extends Error {}

/** Shopify's X-Shopify-Topic is "orders/create"; compare case-insensitively. */
export function normalizeTopic(topic: string): string {
  return topic.trim().toLowerCase();
}

export function isSupportedTopic(topic: string): boolean {
  return Object.hasOwn(parsers, topic);
}

/** Validates a parsed body for its topic and returns the event; throws PayloadError with a readable reason. */
export function parseWebhookPayload(topic: string, body: unknown): WebhookEvent {
  const parse = Object.hasOwn(parsers, topic) ? parsers[topic] : undefined;
  if (!parse) throw new PayloadError(`unsupported topic ${topic}`);
  try {
    return parse(body);
  } catch (error) {
    if (error instanceof z.ZodError) {
      const reasons = error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`);
      throw new PayloadError(`invalid ${topic} payload: ${reasons.join("; ")}`);
    }
    throw new PayloadError(`invalid ${topic} payload: ${(error as Error).message}`);
  }
}
