// What was bought from each offer: the line items ingest stored with the offer id of their `_clv_offer`
// property (LineItem.offerId), counted by app/offers' attributeOrders (orders, customers, units, revenue as
// placed: quantity × unit price; refunds not subtracted; test and cancelled orders not counted).
import type { Prisma } from "@prisma/client";
import type { Db } from "~/db.server";
import { attributeOrders, OFFER_PROPERTY, type AttributionOrder, type OfferAttribution } from "~/offers";
import { bigintOf, timeMsOf } from "./experiments.server";
import { empty, queryRaw, sql } from "./sql.server";

type Client = Db | Prisma.TransactionClient;

export interface AttributionRange {
  from?: Date;
  to?: Date;
  /** Only this offer's lines. */
  offerId?: string;
}

/** Per offer id: orders, customers, line items, units and revenue (minor units), offer ids in order. */
export async function offerAttribution(db: Client, shop: string, range: AttributionRange = {}): Promise<Map<string, OfferAttribution>> {
  const rows = await queryRaw<{
    orderId: string;
    customerId: string | null;
    processedAt: unknown;
    offerId: string;
    quantity: unknown;
    priceMinor: unknown;
  }>(
    db,
    sql`SELECT o."id" AS "orderId", o."customerId", o."processedAt", li."offerId", li."quantity", li."priceMinor"
        FROM "LineItem" li
        JOIN "Order" o ON o."shop" = li."shop" AND o."id" = li."orderId"
        WHERE li."shop" = ${shop} AND li."offerId" IS NOT NULL
          AND o."cancelledAt" IS NULL AND o."test" = false AND o."currencyMismatch" = false
          ${range.offerId === undefined ? empty : sql`AND li."offerId" = ${range.offerId}`}
          ${range.from === undefined ? empty : sql`AND o."processedAt" >= ${range.from}`}
          ${range.to === undefined ? empty : sql`AND o."processedAt" < ${range.to}`}`,
  );
  const orders = new Map<string, AttributionOrder & { lineItems: AttributionOrder["lineItems"][number][] }>();
  for (const row of rows) {
    let order = orders.get(row.orderId);
    if (!order) {
      order = { orderId: row.orderId, customerId: row.customerId, processedAtMs: timeMsOf(row.processedAt), lineItems: [] };
      orders.set(row.orderId, order);
    }
    order.lineItems.push({
      quantity: Number(row.quantity),
      priceMinor: Number(bigintOf(row.priceMinor)),
      properties: [{ name: OFFER_PROPERTY, value: row.offerId }],
    });
  }
  return attributeOrders(orders.values());
}
