// One line of the backfill's bulk JSONL (shape: BULK_ORDERS_QUERY in app/shopify/operations.ts) into the
// same normalised order the webhooks produce, or a line item to attach to its order by __parentId.
// Lines arrive ungrouped (API 2026-01+): a line item may precede its order, so both kinds are written
// on their own and idempotently.
import { z } from "zod";
import { shopifyIdOf } from "~/lib/json-ids";
import { toMinorUnits } from "~/lib/money";
import type { CustomerProfile, NormalizedOrder } from "~/webhooks/events";

const money = z.object({ amount: z.union([z.string(), z.number()]), currencyCode: z.string() });
const time = z.string().refine((v) => !Number.isNaN(Date.parse(v)), "must be an ISO 8601 time");
const gid = (type: string) => z.string().refine((v) => v.startsWith(`gid://shopify/${type}/`), `must be a ${type} gid`);

const orderLine = z.object({
  id: gid("Order"),
  name: z.string().nullish(),
  email: z.string().nullish(),
  createdAt: time,
  processedAt: time.nullish(),
  updatedAt: time,
  cancelledAt: time.nullish(),
  closedAt: time.nullish(),
  test: z.boolean().default(false),
  sourceName: z.string().nullish(),
  displayFinancialStatus: z.string().nullish(),
  currencyCode: z.string(),
  totalPriceSet: z.object({ shopMoney: money, presentmentMoney: money.nullish() }),
  customer: z
    .object({
      id: gid("Customer"),
      email: z.string().nullish(),
      firstName: z.string().nullish(),
      lastName: z.string().nullish(),
      phone: z.string().nullish(),
      createdAt: time.nullish(),
      updatedAt: time.nullish(),
    })
    .nullish(),
  refunds: z
    .array(z.object({ id: gid("Refund"), createdAt: time, totalRefundedSet: z.object({ shopMoney: money }) }))
    .default([]),
});

const lineItemLine = z.object({
  id: gid("LineItem"),
  __parentId: gid("Order"),
  title: z.string().nullish(),
  quantity: z.number().int(),
  product: z.object({ id: z.string() }).nullish(),
  variant: z.object({ id: z.string() }).nullish(),
  originalUnitPriceSet: z.object({ shopMoney: money }),
});

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

const iso = (v: string) => new Date(v).toISOString();

export function parseBulkLine(text: string): BulkLine {
  const raw = JSON.parse(text) as { id?: unknown; __parentId?: unknown };
  const id = typeof raw.id === "string" ? raw.id : "";
  if (id.startsWith("gid://shopify/Order/")) return { kind: "order", order: toOrder(orderLine.parse(raw)) };
  if (id.startsWith("gid://shopify/LineItem/")) return { kind: "line_item", lineItem: toLineItem(lineItemLine.parse(raw)) };
  return { kind: "other" };
}

function toOrder(o: z.infer<typeof orderLine>): NormalizedOrder {
  const currencyCode = o.totalPriceSet.shopMoney.currencyCode;
  const presentment = o.totalPriceSet.presentmentMoney;
  const c = o.customer;
  const customer: CustomerProfile | null = c
    ? {
        id: shopifyIdOf(c.id),
        email: c.email ?? null,
        firstName: c.firstName ?? null,
        lastName: c.lastName ?? null,
        phone: c.phone ?? null,
        tags: null,
        createdAt: c.createdAt ? iso(c.createdAt) : null,
        updatedAt: c.updatedAt ? iso(c.updatedAt) : null,
      }
    : null;
  const orderId = shopifyIdOf(o.id);
  return {
    id: orderId,
    customer,
    name: o.name ?? null,
    email: o.email ?? null,
    currencyCode,
    totalMinor: toMinorUnits(o.totalPriceSet.shopMoney.amount, currencyCode),
    presentmentCurrency: presentment?.currencyCode ?? null,
    presentmentTotalMinor: presentment ? toMinorUnits(presentment.amount, presentment.currencyCode) : null,
    financialStatus: o.displayFinancialStatus ? o.displayFinancialStatus.toLowerCase() : null,
    sourceName: o.sourceName ?? null,
    test: o.test,
    createdAt: iso(o.createdAt),
    processedAt: iso(o.processedAt ?? o.createdAt),
    updatedAt: iso(o.updatedAt),
    cancelledAt: o.cancelledAt ? iso(o.cancelledAt) : null,
    closedAt: o.closedAt ? iso(o.closedAt) : null,
    lineItems: null, // they come on their own lines
    refunds: o.refunds.map((r) => ({
      id: shopifyIdOf(r.id),
      orderId,
      amountMinor: toMinorUnits(r.totalRefundedSet.shopMoney.amount, r.totalRefundedSet.shopMoney.currencyCode),
      currencyCode: r.totalRefundedSet.shopMoney.currencyCode,
      createdAt: iso(r.createdAt),
    })),
  };
}

function toLineItem(li: z.infer<typeof lineItemLine>): BulkLineItem {
  const price = li.originalUnitPriceSet.shopMoney;
  return {
    id: shopifyIdOf(li.id),
    orderId: shopifyIdOf(li.__parentId),
    productId: li.product ? shopifyIdOf(li.product.id) : null,
    variantId: li.variant ? shopifyIdOf(li.variant.id) : null,
    title: li.title ?? null,
    quantity: li.quantity,
    priceMinor: toMinorUnits(price.amount, price.currencyCode),
  };
}
