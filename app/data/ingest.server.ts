// Applies order, refund and customer events to the database: idempotent (a redelivery changes nothing),
// order-insensitive (an older version never overwrites a newer one; a refund may precede its order) and
// safe under concurrency (one transaction per shop and batch, customer rows locked on PostgreSQL).
// The same function serves webhooks and the backfill. Only an installed shop's data is stored, and what
// customers/redact erased stays erased (see lockShop and RedactedOrder).
import type { Prisma } from "@prisma/client";
import { databaseProvider, type Db } from "~/db.server";
import type { CustomerProfile, NormalizedOrder, NormalizedRefund } from "~/orders/types";
import { bulkUpsert, takeIncoming } from "./bulk-upsert.server";
import { applyLoyalty } from "./loyalty-pipeline.server";
import { withoutValues } from "./database-errors.server";
import { recomputeOrderRefunds } from "./order-refunds.server";
import { recomputeValuesAndRescore } from "./rescore.server";
import { lockShop } from "./shop-lock.server";

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
  /** False: the shop is not installed (never, or no longer): nothing was stored. */
  installed: boolean;
  /** Customers whose value was recomputed: the hook for loyalty re-evaluation later. */
  customersChanged: string[];
  duplicates: number;
  ordersWritten: number;
  /** Customers and orders of the batch that customers/redact erased: stored without their personal fields. */
  redactedCustomers: string[];
  redactedOrders: string[];
  /** Members whose loyalty state changed and must be written to Shopify. */
  loyaltyDirty: number;
}

const NOTHING_STORED: IngestResult = {
  installed: false,
  customersChanged: [],
  duplicates: 0,
  ordersWritten: 0,
  redactedCustomers: [],
  redactedOrders: [],
  loyaltyDirty: 0,
};

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

export interface IngestOptions {
  /**
   * Leave customer values for the caller to recompute once at the end (the backfill: a customer appears
   * in many batches of an import, and one pass per customer afterwards is much cheaper).
   */
  deferCustomerValues?: boolean;
  /**
   * Customers whose profile this run already wrote: their profile is not written again. (A bulk export
   * is one snapshot, so every order line carries the same customer object.) Filled on commit.
   */
  profilesWritten?: Set<string>;
}

export async function ingestBatch(db: Db, shop: string, items: IngestItem[], options: IngestOptions = {}): Promise<IngestResult> {
  const provider = databaseProvider();
  return db
    .$transaction(
      async (tx) => {
        // First, before anything is read: the shop lock (on SQLite a write, which takes the single write
        // lock now, so the reads below cannot be invalidated by another process: no SQLITE_BUSY_SNAPSHOT).
        // A redaction of the shop or of a customer commits either wholly before this batch or after it.
        const shopState = await lockShop(tx, shop, "shared");
        if (!shopState?.installed) return { ...NOTHING_STORED, newProfiles: [] };
        const redacted = await redactedAmong(tx, shop, items);
        const fresh = (await recordDeliveries(tx, shop, items)).map((i) => withoutRedacted(i, redacted));
        const duplicates = items.length - fresh.length;
        const orders = newestById(
          fresh.flatMap((i) => i.orders ?? []),
          (o) => ms(o.updatedAt),
        );
        const refunds = newestById(
          fresh.flatMap((i) => [...(i.refunds ?? []), ...(i.orders ?? []).flatMap((o) => o.refunds)]),
          () => 0,
        );
        const profiles = newestById(
          fresh.flatMap((i) => [...(i.customers ?? []), ...(i.orders ?? []).flatMap((o) => (o.customer ? [o.customer] : []))]),
          (c) => (c.updatedAt ? ms(c.updatedAt) : 0),
        );

        // Lock order (deadlock safety on PostgreSQL, where concurrent batches may share orders and customers):
        // first every stored order the batch touches (its orders and its refunds' orders) in one sorted lock, so
        // that the order upsert and the later refund recompute (two statements) cannot each hold an order the
        // other batch waits for; then the batch's own rows (orders, their line items, refunds), each statement in
        // id order; then every affected customer's value row in one sorted lock; then profiles (id order) and what
        // is keyed by the locked customers (values, predictions, loyalty), so nothing after the lock waits on a
        // batch that waits on us. Recomputes read after the lock, so they see every order committed before it.
        await lockTouchedOrders(tx, provider, shop, [...orders.keys(), ...[...refunds.values()].map((r) => r.orderId)]);
        const written = await upsertOrders(tx, shop, [...orders.values()], shopState.currencyCode);
        const newRefundOrders = await insertRefunds(tx, shop, [...refunds.values()]);
        const touchedOrders = new Set([...written.orderIds, ...newRefundOrders]);
        const refundCustomers = await recomputeOrderRefunds(tx, shop, [...touchedOrders].sort());

        // Touched: every customer of the batch's orders (locked, and loyalty looks at them all). Changed: those
        // whose counted orders differ (a new order, a changed total, date, status or customer, a new refund);
        // only they are recomputed and re-scored: most orders/updated deliveries (fulfilled, tagged, paid) change
        // nothing the values or the model read, and leave predictions as of the customer's last order change.
        const customersTouched = new Set<string>();
        for (const o of orders.values()) if (o.customer) customersTouched.add(o.customer.id);
        const customersChanged = new Set([...written.valueChangedCustomers, ...written.previousCustomers, ...refundCustomers]);
        for (const id of customersChanged) customersTouched.add(id);
        await lockCustomerValues(tx, provider, shop, customersTouched);

        const known = options.profilesWritten;
        const newProfiles = known ? [...profiles.values()].filter((p) => !known.has(p.id)) : [...profiles.values()];
        await upsertCustomerProfiles(tx, shop, newProfiles);
        if (!options.deferCustomerValues) {
          // Values, and predictions with the shop's current fit, from one read of their orders (the refit only
          // re-estimates the parameters); the backfill's deferred pass ends with a refit instead.
          await recomputeValuesAndRescore(tx, shop, [...customersChanged], new Date());
        }
        // Points and tiers move with the order, in the same transaction (the backfill awards its orders
        // in one pass after the import instead). Without a loyalty program this is one read.
        const loyalty = options.deferCustomerValues
          ? null
          : await applyLoyalty(tx, shop, {
              orderIds: [...touchedOrders],
              customerIds: [...customersTouched],
              orders: [...orders.values()],
              newOrderIds: written.createdIds,
            });

        return {
          installed: true,
          loyaltyDirty: loyalty?.dirty ?? 0,
          customersChanged: [...customersChanged],
          duplicates,
          ordersWritten: written.orderIds.length,
          redactedCustomers: [...redacted.customers],
          redactedOrders: [...redacted.orders],
          newProfiles,
        };
      },
      { maxWait: 60_000, timeout: 120_000 },
    )
    .then(
      ({ newProfiles, ...result }) => {
        for (const p of newProfiles) options.profilesWritten?.add(p.id);
        return result;
      },
      (error: unknown) => {
        throw withoutValues(error, "ingest");
      },
    );
}

interface Redacted {
  customers: Set<string>;
  orders: Set<string>;
}

/** Which customers and orders of these items customers/redact erased (customers: Customer.redactedAt; orders: RedactedOrder). */
export async function redactedAmong(tx: Tx, shop: string, items: IngestItem[]): Promise<Redacted> {
  const customerIds = new Set<string>();
  const orderIds = new Set<string>();
  for (const i of items) {
    for (const c of i.customers ?? []) customerIds.add(c.id);
    for (const o of i.orders ?? []) {
      orderIds.add(o.id);
      if (o.customer) customerIds.add(o.customer.id);
    }
  }
  const [customers, orders] = await Promise.all([
    customerIds.size === 0
      ? []
      : tx.customer.findMany({ where: { shop, id: { in: [...customerIds] }, redactedAt: { not: null } }, select: { id: true } }),
    orderIds.size === 0 ? [] : tx.redactedOrder.findMany({ where: { shop, id: { in: [...orderIds] } }, select: { id: true } }),
  ]);
  return { customers: new Set(customers.map((c) => c.id)), orders: new Set(orders.map((o) => o.id)) };
}

const ERASED_PROFILE = { email: null, firstName: null, lastName: null, phone: null, tags: null } as const;

/** The item with the personal fields of its redacted customers and orders left out (the money still counts). */
function withoutRedacted(item: IngestItem, redacted: Redacted): IngestItem {
  if (redacted.customers.size === 0 && redacted.orders.size === 0) return item;
  const profile = (c: CustomerProfile): CustomerProfile => (redacted.customers.has(c.id) ? { ...c, ...ERASED_PROFILE } : c);
  return {
    ...item,
    customers: item.customers?.map(profile),
    orders: item.orders?.map((o) => {
      const erased = redacted.orders.has(o.id) || (o.customer !== null && redacted.customers.has(o.customer.id));
      return { ...o, email: erased ? null : o.email, customer: o.customer && profile(o.customer) };
    }),
  };
}

/**
 * Records this batch's deliveries and returns the items that were not applied before: a delivery whose
 * (shop, topic, key) is already stored, or repeated within the batch, is a duplicate and is dropped.
 * Recorded in the same transaction as its effects, so a failed batch records nothing.
 */
async function recordDeliveries(tx: Tx, shop: string, items: IngestItem[]): Promise<IngestItem[]> {
  const deliveries = new Map<string, IngestDelivery>();
  for (const i of items) if (i.delivery) deliveries.set(`${i.delivery.topic}|${i.delivery.deliveryKey}`, i.delivery);
  if (deliveries.size === 0) return items;
  const now = new Date();
  const inserted = await bulkUpsert<{ topic: string; deliveryKey: string }>(tx, {
    table: "WebhookDelivery",
    columns: ["shop", "topic", "deliveryKey", "receivedAt", "processedAt"],
    // In key order, like every other multi-row write here: two batches sharing deliveries lock them in one order.
    rows: [...deliveries.keys()].sort().map((key) => {
      const d = deliveries.get(key) as IngestDelivery;
      return [shop, d.topic, d.deliveryKey, new Date(d.receivedAt), now];
    }),
    conflict: ["shop", "topic", "deliveryKey"],
    returning: ["topic", "deliveryKey"],
  });
  const firstTime = new Set(inserted.map((d) => `${d.topic}|${d.deliveryKey}`));
  return items.filter((i) => {
    if (!i.delivery) return true;
    const key = `${i.delivery.topic}|${i.delivery.deliveryKey}`;
    return firstTime.delete(key); // true once per new delivery, false for repeats
  });
}

/**
 * PostgreSQL only: customer value rows exist and are locked in id order, so concurrent batches that touch
 * one customer run one after the other and each recompute sees the other's orders. (SQLite has a single
 * writer: the transaction's first write already serialises batches.)
 */
async function lockCustomerValues(tx: Tx, provider: string, shop: string, customerIds: Set<string>): Promise<void> {
  if (customerIds.size === 0 || provider !== "postgresql") return;
  const ids = [...customerIds].sort();
  await bulkUpsert(tx, {
    table: "CustomerValue",
    columns: ["shop", "customerId"],
    rows: ids.map((id) => [shop, id]),
    conflict: ["shop", "customerId"],
  });
  await tx.$queryRaw`SELECT "customerId" FROM "CustomerValue" WHERE "shop" = ${shop} AND "customerId" = ANY(${ids}) ORDER BY "customerId" FOR UPDATE`;
}

/**
 * PostgreSQL only: locks the stored orders among these ids, in id order, before any of them is written. Without
 * it, batch A's order upsert could lock order 1 while batch B's locked order 2, each then waiting in its refund
 * recompute (a later statement) for the other's order. Orders not stored yet are not locked here: whoever inserts
 * one first holds it, and the other batch waits for that insert while holding only orders locked here, which the
 * first batch does not need (it locked its own before). SQLite has a single writer: the shop lock's write
 * already serialises batches.
 */
async function lockTouchedOrders(tx: Tx, provider: string, shop: string, orderIds: string[]): Promise<void> {
  if (orderIds.length === 0 || provider !== "postgresql") return;
  const ids = [...new Set(orderIds)].sort();
  await tx.$queryRaw`SELECT "id" FROM "Order" WHERE "shop" = ${shop} AND "id" = ANY(${ids}) ORDER BY "id" FOR UPDATE`;
}

// Tags too: merchants tag customers with anything, names included; customers/redact erases them.
const PERSONAL = ["email", "firstName", "lastName", "phone", "tags"];

/** Newer profiles replace older ones; a redacted customer keeps no personal fields, whatever later payloads carry. */
async function upsertCustomerProfiles(tx: Tx, shop: string, profiles: CustomerProfile[]): Promise<void> {
  const now = new Date();
  await bulkUpsert(tx, {
    table: "Customer",
    columns: ["shop", "id", ...PERSONAL, "shopifyCreatedAt", "shopifyUpdatedAt", "createdAt"],
    rows: byId(profiles).map((p) => [
      shop,
      p.id,
      p.email,
      p.firstName,
      p.lastName,
      p.phone,
      p.tags,
      p.createdAt ? new Date(p.createdAt) : null,
      p.updatedAt ? new Date(p.updatedAt) : null,
      now,
    ]),
    conflict: ["shop", "id"],
    set: [
      ...PERSONAL.map((c) => `"${c}" = CASE WHEN "Customer"."redactedAt" IS NULL THEN excluded."${c}" ELSE NULL END`),
      ...takeIncoming(["shopifyCreatedAt", "shopifyUpdatedAt"]),
    ],
    where: `"Customer"."shopifyUpdatedAt" IS NULL OR excluded."shopifyUpdatedAt" > "Customer"."shopifyUpdatedAt"`,
  });
}

/** Rows in id order: concurrent multi-row writes then take their row locks in one order (no deadlock). */
function byId<T extends { id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const ORDER_COLUMNS = [
  "shop",
  "id",
  "customerId",
  "name",
  "email",
  "currencyCode",
  "totalMinor",
  "subtotalMinor",
  "discountCodes",
  "presentmentCurrency",
  "presentmentTotalMinor",
  "financialStatus",
  "sourceName",
  "test",
  "shopifyCreatedAt",
  "processedAt",
  "shopifyUpdatedAt",
  "cancelledAt",
  "closedAt",
  "syncedAt",
  "currencyMismatch",
];

// Fixed when the order is placed, and absent from versions that do not carry them (ingest jobs queued by an
// earlier version, bulk files from before the query asked for them): such a version keeps the stored value.
const KEPT_WHEN_ABSENT = ["subtotalMinor", "discountCodes"];
const keepWhenAbsent = (c: string) => `"${c}" = COALESCE(excluded."${c}", "Order"."${c}")`;

/** shopCurrency: the shop's currency when known; an order whose shop money is in another one is flagged. */
function orderValues(shop: string, o: NormalizedOrder, now: Date, shopCurrency: string | null) {
  return [
    shop,
    o.id,
    o.customer?.id ?? null,
    o.name,
    o.email,
    o.currencyCode,
    BigInt(o.totalMinor),
    o.subtotalMinor == null ? null : BigInt(o.subtotalMinor),
    o.discountCodes && o.discountCodes.length > 0 ? JSON.stringify(o.discountCodes) : null,
    o.presentmentCurrency,
    o.presentmentTotalMinor == null ? null : BigInt(o.presentmentTotalMinor),
    o.financialStatus,
    o.sourceName,
    o.test,
    new Date(o.createdAt),
    new Date(o.processedAt),
    new Date(o.updatedAt),
    o.cancelledAt ? new Date(o.cancelledAt) : null,
    o.closedAt ? new Date(o.closedAt) : null,
    now,
    shopCurrency !== null && o.currencyCode !== shopCurrency,
  ];
}

/** What a customer's values and predictions read from an order row (besides its refunds, recomputed apart). */
const VALUE_FIELDS = {
  id: true,
  customerId: true,
  totalMinor: true,
  processedAt: true,
  cancelledAt: true,
  test: true,
  currencyMismatch: true,
} as const satisfies Prisma.OrderSelect;
const VALUE_COLUMNS = Object.keys(VALUE_FIELDS).filter((c) => c !== "id");
const VALUE_INDEXES = VALUE_COLUMNS.map((c) => ORDER_COLUMNS.indexOf(c));

/** Whether a written order row (orderValues) differs from the stored one in a field VALUE_FIELDS lists; a new order does. */
function valueFieldsDiffer(stored: Record<string, unknown> | undefined, row: unknown[]): boolean {
  if (!stored) return true;
  return VALUE_COLUMNS.some((column, k) => !sameValue(Object.hasOwn(stored, column) ? stored[column] : undefined, row[VALUE_INDEXES[k]]));
}
const sameValue = (a: unknown, b: unknown) =>
  a instanceof Date && b instanceof Date
    ? a.getTime() === b.getTime()
    : typeof a === "bigint" || typeof b === "bigint"
      ? String(a) === String(b)
      : a === b;

/**
 * Writes each order unless the stored version is as new or newer (the check is in the statement itself,
 * so it also holds against a concurrent writer), and replaces the written orders' line items.
 */
async function upsertOrders(tx: Tx, shop: string, unsorted: NormalizedOrder[], shopCurrency: string | null) {
  const result = {
    orderIds: [] as string[],
    createdIds: [] as string[],
    previousCustomers: [] as string[],
    valueChangedCustomers: [] as string[],
  };
  if (unsorted.length === 0) return result;
  const orders = byId(unsorted);
  const stored = new Map(
    (await tx.order.findMany({ where: { shop, id: { in: orders.map((o) => o.id) } }, select: VALUE_FIELDS })).map((o) => [o.id, o]),
  );
  const now = new Date();
  const rows = orders.map((o) => orderValues(shop, o, now, shopCurrency));
  const written = await bulkUpsert<{ id: string }>(tx, {
    table: "Order",
    columns: ORDER_COLUMNS,
    rows,
    conflict: ["shop", "id"],
    set: [...takeIncoming(ORDER_COLUMNS.slice(2).filter((c) => !KEPT_WHEN_ABSENT.includes(c))), ...KEPT_WHEN_ABSENT.map(keepWhenAbsent)],
    where: `excluded."shopifyUpdatedAt" > "Order"."shopifyUpdatedAt"`,
    returning: ["id"],
  });
  const writtenIds = new Set(written.map((w) => w.id));
  const writtenOrders = orders.filter((o) => writtenIds.has(o.id));
  const replaced = writtenOrders.filter((o) => stored.has(o.id));
  const itemsReplaced = replaced.filter((o) => o.lineItems !== null);
  for (const o of replaced) {
    const previous = stored.get(o.id)?.customerId;
    if (previous && previous !== (o.customer?.id ?? null)) result.previousCustomers.push(previous);
  }
  orders.forEach((o, k) => {
    if (o.customer && writtenIds.has(o.id) && valueFieldsDiffer(stored.get(o.id), rows[k]))
      result.valueChangedCustomers.push(o.customer.id);
  });
  if (itemsReplaced.length > 0) await tx.lineItem.deleteMany({ where: { shop, orderId: { in: itemsReplaced.map((o) => o.id) } } });
  const items = writtenOrders.flatMap((o) =>
    (o.lineItems ?? []).map((li) => ({
      shop,
      id: li.id,
      orderId: o.id,
      productId: li.productId,
      variantId: li.variantId,
      title: li.title,
      quantity: li.quantity,
      priceMinor: BigInt(li.priceMinor),
      offerId: li.offerId ?? null,
    })),
  );
  await bulkUpsert(tx, {
    table: "LineItem",
    columns: ["shop", "id", "orderId", "productId", "variantId", "title", "quantity", "priceMinor", "offerId"],
    rows: byId(items).map((li) => [
      li.shop,
      li.id,
      li.orderId,
      li.productId,
      li.variantId,
      li.title,
      li.quantity,
      li.priceMinor,
      li.offerId,
    ]),
    conflict: ["shop", "id"],
    set: takeIncoming(["orderId", "productId", "variantId", "title", "quantity", "priceMinor", "offerId"]),
  });
  result.orderIds = writtenOrders.map((o) => o.id);
  result.createdIds = writtenOrders.filter((o) => !stored.has(o.id)).map((o) => o.id);
  return result;
}

/** Refunds are immutable in Shopify: insert the ones not stored yet; returns the orders they belong to. */
async function insertRefunds(tx: Tx, shop: string, refunds: NormalizedRefund[]): Promise<string[]> {
  const inserted = await bulkUpsert<{ orderId: string }>(tx, {
    table: "Refund",
    columns: ["shop", "id", "orderId", "amountMinor", "currencyCode", "createdAt"],
    rows: byId(refunds).map((r) => [shop, r.id, r.orderId, BigInt(r.amountMinor), r.currencyCode, new Date(r.createdAt)]),
    conflict: ["shop", "id"],
    returning: ["orderId"],
  });
  return [...new Set(inserted.map((r) => r.orderId))];
}

/** Records a delivery applied outside a batch (lifecycle and compliance topics), for the sync page. */
export async function recordDelivery(db: Tx, shop: string, d: IngestDelivery): Promise<void> {
  await bulkUpsert(db, {
    table: "WebhookDelivery",
    columns: ["shop", "topic", "deliveryKey", "receivedAt", "processedAt"],
    rows: [[shop, d.topic, d.deliveryKey, new Date(d.receivedAt), new Date()]],
    conflict: ["shop", "topic", "deliveryKey"],
  });
}
