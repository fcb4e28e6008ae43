// Applies order, refund and customer events to the database: idempotent (a redelivery changes nothing),
// order-insensitive (an older version never overwrites a newer one; a refund may precede its order) and
// safe under concurrency (one transaction per shop and batch, customer rows locked on PostgreSQL).
// The same function serves webhooks and the backfill.
import type { Prisma } from "@prisma/client";
import { databaseProvider, type Db } from "~/db.server";
import type { CustomerProfile, NormalizedOrder, NormalizedRefund } from "~/webhooks/events";
import { recomputeCustomerValues } from "./customer-values.server";
import { recomputeOrderRefunds } from "./order-refunds.server";

type Tx = Prisma.TransactionClient;

export interface IngestDelivery {
  topic: string;
  deliveryKey: string;
  receivedAt: string;
}

export interface IngestItem {
  /** Present for webhook deliveries (recorded for deduplication); absent for backfill rows. */
  delivery?: IngestDelivery;
  orders?: NormalizedOrder[];
  refunds?: NormalizedRefund[];
  customers?: CustomerProfile[];
}

export interface IngestResult {
  /** Customers whose value was recomputed: the hook for loyalty re-evaluation later. */
  customersChanged: string[];
  duplicates: number;
  ordersWritten: number;
}

const ms = (iso: string) => new Date(iso).getTime();

/** Keeps the newest version of each id (ties: the later one in the batch, they are equal states). */
function newestById<T extends { id: string }>(items: T[], version: (item: T) => number): Map<string, T> {
  const newest = new Map<string, T>();
  for (const item of items) {
    const current = newest.get(item.id);
    if (!current || version(item) >= version(current)) newest.set(item.id, item);
  }
  return newest;
}

export async function ingestBatch(db: Db, shop: string, items: IngestItem[]): Promise<IngestResult> {
  const provider = databaseProvider();
  return db.$transaction(
    async (tx) => {
      // First statement is a write: SQLite takes its single write lock now, before anything is read,
      // so the reads below cannot be invalidated by another process (no SQLITE_BUSY_SNAPSHOT).
      await tx.$executeRaw`UPDATE "Shop" SET "name" = "name" WHERE "shop" = ${shop}`;
      await tx.shop.upsert({ where: { shop }, create: { shop }, update: {} });

      const fresh = await dropDuplicateDeliveries(tx, shop, items);
      const duplicates = items.length - fresh.length;
      const orders = newestById(fresh.flatMap((i) => i.orders ?? []), (o) => ms(o.updatedAt));
      const refunds = newestById(
        fresh.flatMap((i) => [...(i.refunds ?? []), ...(i.orders ?? []).flatMap((o) => o.refunds)]),
        () => 0,
      );
      const profiles = newestById(
        fresh.flatMap((i) => [...(i.customers ?? []), ...(i.orders ?? []).flatMap((o) => (o.customer ? [o.customer] : []))]),
        (c) => (c.updatedAt ? ms(c.updatedAt) : 0),
      );

      const customersChanged = new Set<string>();
      await upsertCustomerProfiles(tx, shop, [...profiles.values()]);
      for (const o of orders.values()) if (o.customer) customersChanged.add(o.customer.id);
      await lockCustomerValues(tx, provider, shop, customersChanged);

      const written = await upsertOrders(tx, shop, [...orders.values()]);
      for (const id of written.previousCustomers) customersChanged.add(id);
      const newRefundOrders = await insertRefunds(tx, shop, [...refunds.values()]);

      const touchedOrders = new Set([...written.orderIds, ...newRefundOrders]);
      const refundCustomers = await recomputeOrderRefunds(tx, shop, [...touchedOrders]);
      const lateCustomers = refundCustomers.filter((c) => !customersChanged.has(c));
      if (lateCustomers.length > 0) {
        await lockCustomerValues(tx, provider, shop, new Set(lateCustomers));
        for (const c of lateCustomers) customersChanged.add(c);
      }
      await recomputeCustomerValues(tx, shop, [...customersChanged]);

      const deliveries = fresh.flatMap((i) => (i.delivery ? [i.delivery] : []));
      if (deliveries.length > 0) {
        await tx.webhookDelivery.createMany({
          data: deliveries.map((d) => ({ shop, topic: d.topic, deliveryKey: d.deliveryKey, receivedAt: new Date(d.receivedAt) })),
        });
      }
      return { customersChanged: [...customersChanged], duplicates, ordersWritten: written.orderIds.length };
    },
    { maxWait: 60_000, timeout: 120_000 },
  );
}

/** Removes deliveries already applied (recorded earlier) or repeated within the batch. */
async function dropDuplicateDeliveries(tx: Tx, shop: string, items: IngestItem[]): Promise<IngestItem[]> {
  const keys = [...new Set(items.flatMap((i) => (i.delivery ? [i.delivery.deliveryKey] : [])))];
  if (keys.length === 0) return items;
  const seen = new Set(
    (
      await tx.webhookDelivery.findMany({ where: { shop, deliveryKey: { in: keys } }, select: { topic: true, deliveryKey: true } })
    ).map((d) => `${d.topic}|${d.deliveryKey}`),
  );
  return items.filter((i) => {
    if (!i.delivery) return true;
    const key = `${i.delivery.topic}|${i.delivery.deliveryKey}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Customer rows exist for every customer with an order; on PostgreSQL they are locked in id order. */
async function lockCustomerValues(tx: Tx, provider: string, shop: string, customerIds: Set<string>): Promise<void> {
  if (customerIds.size === 0) return;
  const ids = [...customerIds].sort();
  // Portable upsert-if-absent (SQLite and PostgreSQL both speak ON CONFLICT DO NOTHING).
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const values = chunk.map((id) => `(${quote(shop)}, ${quote(id)})`).join(", ");
    await tx.$executeRawUnsafe(`INSERT INTO "CustomerValue" ("shop", "customerId") VALUES ${values} ON CONFLICT DO NOTHING`);
  }
  if (provider === "postgresql") {
    // Serialises concurrent batches touching the same customer, so each recompute sees the other's orders.
    await tx.$queryRaw`SELECT "customerId" FROM "CustomerValue" WHERE "shop" = ${shop} AND "customerId" = ANY(${ids}) ORDER BY "customerId" FOR UPDATE`;
  }
}

/** Ids and shop domains are validated ([0-9] ids, *.myshopify.com); quoting still escapes defensively. */
function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

async function upsertCustomerProfiles(tx: Tx, shop: string, profiles: CustomerProfile[]): Promise<void> {
  if (profiles.length === 0) return;
  const existing = new Map(
    (
      await tx.customer.findMany({
        where: { shop, id: { in: profiles.map((p) => p.id) } },
        select: { id: true, shopifyUpdatedAt: true, redactedAt: true },
      })
    ).map((c) => [c.id, c]),
  );
  const toCreate: Prisma.CustomerCreateManyInput[] = [];
  for (const p of profiles) {
    const row = {
      email: p.email,
      firstName: p.firstName,
      lastName: p.lastName,
      phone: p.phone,
      tags: p.tags,
      shopifyCreatedAt: p.createdAt ? new Date(p.createdAt) : null,
      shopifyUpdatedAt: p.updatedAt ? new Date(p.updatedAt) : null,
    };
    const current = existing.get(p.id);
    if (!current) {
      toCreate.push({ shop, id: p.id, ...row });
      continue;
    }
    const incoming = p.updatedAt ? ms(p.updatedAt) : 0;
    if (current.shopifyUpdatedAt && current.shopifyUpdatedAt.getTime() >= incoming) continue;
    // A redacted customer keeps no personal fields, whatever later payloads carry.
    const data = current.redactedAt ? { tags: row.tags, shopifyCreatedAt: row.shopifyCreatedAt, shopifyUpdatedAt: row.shopifyUpdatedAt } : row;
    await tx.customer.update({ where: { shop_id: { shop, id: p.id } }, data });
  }
  if (toCreate.length > 0) await tx.customer.createMany({ data: toCreate });
}

function orderRow(shop: string, o: NormalizedOrder) {
  return {
    shop,
    id: o.id,
    customerId: o.customer?.id ?? null,
    name: o.name,
    email: o.email,
    currencyCode: o.currencyCode,
    totalMinor: BigInt(o.totalMinor),
    presentmentCurrency: o.presentmentCurrency,
    presentmentTotalMinor: o.presentmentTotalMinor == null ? null : BigInt(o.presentmentTotalMinor),
    financialStatus: o.financialStatus,
    sourceName: o.sourceName,
    test: o.test,
    shopifyCreatedAt: new Date(o.createdAt),
    processedAt: new Date(o.processedAt),
    shopifyUpdatedAt: new Date(o.updatedAt),
    cancelledAt: o.cancelledAt ? new Date(o.cancelledAt) : null,
    closedAt: o.closedAt ? new Date(o.closedAt) : null,
    syncedAt: new Date(),
  };
}

/** Writes each order unless the stored version is as new or newer; replaces its line items with the new version's. */
async function upsertOrders(tx: Tx, shop: string, orders: NormalizedOrder[]) {
  const result = { orderIds: [] as string[], previousCustomers: [] as string[] };
  if (orders.length === 0) return result;
  const existing = new Map(
    (
      await tx.order.findMany({
        where: { shop, id: { in: orders.map((o) => o.id) } },
        select: { id: true, shopifyUpdatedAt: true, customerId: true, email: true },
      })
    ).map((o) => [o.id, o]),
  );
  const created: NormalizedOrder[] = [];
  const updated: NormalizedOrder[] = [];
  for (const o of orders) {
    const current = existing.get(o.id);
    if (!current) created.push(o);
    else if (current.shopifyUpdatedAt.getTime() < ms(o.updatedAt)) {
      updated.push(o);
      if (current.customerId && current.customerId !== (o.customer?.id ?? null)) result.previousCustomers.push(current.customerId);
    }
  }
  if (created.length > 0) await tx.order.createMany({ data: created.map((o) => orderRow(shop, o)) });
  for (const o of updated) {
    const { shop: _s, id: _i, ...data } = orderRow(shop, o);
    // The version check is repeated in the write itself, so it also holds against a concurrent writer.
    await tx.order.updateMany({ where: { shop, id: o.id, shopifyUpdatedAt: { lt: data.shopifyUpdatedAt } }, data });
  }
  if (updated.length > 0) await tx.lineItem.deleteMany({ where: { shop, orderId: { in: updated.map((o) => o.id) } } });
  const items = [...created, ...updated].flatMap((o) =>
    o.lineItems.map((li) => ({
      shop,
      id: li.id,
      orderId: o.id,
      productId: li.productId,
      variantId: li.variantId,
      title: li.title,
      quantity: li.quantity,
      priceMinor: BigInt(li.priceMinor),
    })),
  );
  if (items.length > 0) await tx.lineItem.createMany({ data: items });
  result.orderIds = [...created, ...updated].map((o) => o.id);
  return result;
}

/** Refunds are immutable in Shopify: insert the ones not stored yet; returns the orders they belong to. */
async function insertRefunds(tx: Tx, shop: string, refunds: NormalizedRefund[]): Promise<string[]> {
  if (refunds.length === 0) return [];
  const known = new Set(
    (await tx.refund.findMany({ where: { shop, id: { in: refunds.map((r) => r.id) } }, select: { id: true } })).map((r) => r.id),
  );
  const fresh = refunds.filter((r) => !known.has(r.id));
  if (fresh.length === 0) return [];
  await tx.refund.createMany({
    data: fresh.map((r) => ({
      shop,
      id: r.id,
      orderId: r.orderId,
      amountMinor: BigInt(r.amountMinor),
      currencyCode: r.currencyCode,
      createdAt: new Date(r.createdAt),
    })),
  });
  return [...new Set(fresh.map((r) => r.orderId))];
}
