// The shop's products as the storefront sees them: kept current by products/* webhooks and refreshed from
// the Admin API `products` query before every write-back, so that an offer never points at a deleted,
// draft or unpublished product (docs/offers.md, "Storage and write-back").
import type { Prisma } from "@prisma/client";
import type { Db } from "~/db.server";
import type { ProductState } from "~/offers";
import { toMinorUnits } from "~/lib/money";
import { shopifyIdOf } from "~/lib/json-ids";
import type { NormalizedProduct, ProductEvent } from "~/webhooks/product-payloads";
import { adminGraphql, type AdminTarget } from "~/shopify/admin-gateway.server";
import { OFFER_PRODUCTS_QUERY, PRODUCTS_PAGE_SIZE, type ApiProduct, type OfferProductsData } from "~/shopify/offers-operations";
import { bulkUpsert, takeIncoming } from "./bulk-upsert.server";
import { empty, queryRaw, sql } from "./sql.server";

type Client = Db | Prisma.TransactionClient;

/** Ids per `in` list: Prisma refuses queries with more parameters than SQLite's 999. */
const IN_LIST = 500;

/** The status a product is stored with when it was deleted before the app ever saw it. */
export const DELETED_STATUS = "DELETED";

const PRODUCT_COLUMNS = ["shop", "id", "title", "handle", "status", "publishedAt", "imageUrl", "priceMinor", "updatedAt"];

function priceMinorOf(price: string | null, currencyCode: string): bigint | null {
  if (price === null) return null;
  try {
    return BigInt(toMinorUnits(price, currencyCode));
  } catch {
    return null; // a price with more decimals than the currency has is shown as unknown, not refused
  }
}

async function shopCurrency(db: Client, shop: string): Promise<string> {
  const row = await db.shop.findUnique({ where: { shop }, select: { currencyCode: true } });
  return row?.currencyCode ?? "USD";
}

/**
 * Stores product versions; an older version never overwrites a newer one (updatedAt), and a deleted
 * product stays deleted (Shopify never reuses a product id). Returns the ids written.
 */
export async function upsertProducts(db: Client, shop: string, products: NormalizedProduct[], currencyCode?: string): Promise<string[]> {
  if (products.length === 0) return [];
  const currency = currencyCode ?? (await shopCurrency(db, shop));
  const rows = products.map((p) => [
    shop,
    p.id,
    p.title,
    p.handle,
    p.status,
    p.publishedAt === null ? null : new Date(p.publishedAt),
    p.imageUrl,
    priceMinorOf(p.price, currency),
    new Date(p.updatedAt),
  ]);
  const written = await bulkUpsert<{ id: string }>(db, {
    table: "Product",
    columns: PRODUCT_COLUMNS,
    rows,
    conflict: ["shop", "id"],
    set: takeIncoming(PRODUCT_COLUMNS.slice(2)),
    where: `excluded."updatedAt" >= "Product"."updatedAt" AND "Product"."deletedAt" IS NULL`,
    returning: ["id"],
  });
  return written.map((w) => w.id);
}

/** Marks products deleted (a products/delete delivery, or absent from a complete refresh). */
export async function markProductsDeleted(db: Client, shop: string, productIds: string[], at: Date): Promise<void> {
  if (productIds.length === 0) return;
  await bulkUpsert(db, {
    table: "Product",
    columns: ["shop", "id", "status", "updatedAt", "deletedAt"],
    rows: productIds.map((id) => [shop, id, DELETED_STATUS, at, at]),
    conflict: ["shop", "id"],
    set: [`"deletedAt" = excluded."deletedAt"`],
    where: `"Product"."deletedAt" IS NULL`,
  });
}

/**
 * Applies a products/* webhook. Returns true when the storefront's view of the product may have changed
 * (status, publication, deletion): the caller then schedules an offers write-back.
 */
export async function applyProductEvent(db: Client, shop: string, event: ProductEvent, receivedAt: Date): Promise<boolean> {
  if (event.kind === "product_delete") {
    await markProductsDeleted(db, shop, [event.productId], receivedAt);
    return true;
  }
  const before = await db.product.findUnique({
    where: { shop_id: { shop, id: event.product.id } },
    select: { status: true, publishedAt: true, deletedAt: true },
  });
  const written = await upsertProducts(db, shop, [event.product]);
  if (written.length === 0) return false;
  const publishedNow = event.product.publishedAt === null ? null : Date.parse(event.product.publishedAt);
  return before === null || before.status !== event.product.status || (before.publishedAt?.getTime() ?? null) !== publishedNow;
}

export interface ProductRefresh {
  products: number;
  pages: number;
  deleted: number;
  complete: boolean;
}

const STATE_COLUMNS = ["shop", "id", "title", "handle", "status", "publishedAt", "updatedAt"];

/** Stores what the products query returns; the image and price (from webhooks) stay as they are. */
async function upsertProductStates(db: Db, shop: string, products: ApiProduct[]): Promise<void> {
  await bulkUpsert(db, {
    table: "Product",
    columns: STATE_COLUMNS,
    rows: products.map((p) => [
      shop,
      shopifyIdOf(p.id),
      p.title,
      p.handle,
      p.status.toUpperCase(),
      p.publishedAt === null ? null : new Date(p.publishedAt),
      new Date(p.updatedAt),
    ]),
    conflict: ["shop", "id"],
    set: takeIncoming(STATE_COLUMNS.slice(2)),
    where: `excluded."updatedAt" >= "Product"."updatedAt" AND "Product"."deletedAt" IS NULL`,
  });
}

/** Shopify's search syntax for "changed since": products updated at or after the instant. */
export function updatedSinceQuery(since: Date): string {
  return `updated_at:>='${since.toISOString().slice(0, 19)}Z'`;
}

/**
 * Reads the shop's products through the gateway (pages of PRODUCTS_PAGE_SIZE, paced by the gateway's
 * throttle handling) and stores each page. Complete (no `since`): stored products the listing no longer
 * has are marked deleted. With `since`: only products updated since then (deletions arrive by webhook).
 */
export async function refreshProductsFromShopify(
  db: Db,
  target: AdminTarget,
  shop: string,
  options: { since?: Date } = {},
): Promise<ProductRefresh> {
  const seen = new Set<string>();
  let after: string | null = null;
  let pages = 0;
  const startedAt = new Date();
  const query = options.since ? updatedSinceQuery(options.since) : null;
  for (;;) {
    const { data }: { data: OfferProductsData } = await adminGraphql<OfferProductsData>(target, OFFER_PRODUCTS_QUERY, {
      first: PRODUCTS_PAGE_SIZE,
      after,
      query,
    });
    pages++;
    for (const p of data.products.nodes) seen.add(shopifyIdOf(p.id));
    await upsertProductStates(db, shop, data.products.nodes);
    if (!data.products.pageInfo.hasNextPage || data.products.pageInfo.endCursor === null) break;
    after = data.products.pageInfo.endCursor;
  }
  if (options.since) return { products: seen.size, pages, deleted: 0, complete: false };
  // Only products stored before this refresh began can be missing from it (a products/create delivered
  // meanwhile is newer than the listing).
  const stored = await db.product.findMany({ where: { shop, deletedAt: null, updatedAt: { lt: startedAt } }, select: { id: true } });
  const gone = stored.map((p) => p.id).filter((id) => !seen.has(id));
  await markProductsDeleted(db, shop, gone, startedAt);
  return { products: seen.size, pages, deleted: gone.length, complete: true };
}

/** Whether the storefront shows the product: active and published to the online store (now or earlier). */
export function isShowable(state: ProductState): boolean {
  return state.status.toUpperCase() === "ACTIVE" && state.publishedOnlineStore;
}

/** Every product not deleted, with what offerProductProblems needs (a product absent from the map is deleted). */
export async function productStates(db: Client, shop: string, now = new Date()): Promise<Map<string, ProductState>> {
  const rows = await db.product.findMany({ where: { shop, deletedAt: null }, select: { id: true, status: true, publishedAt: true } });
  return new Map(
    rows.map((r) => [r.id, { status: r.status, publishedOnlineStore: r.publishedAt !== null && r.publishedAt.getTime() <= now.getTime() }]),
  );
}

/** The products a storefront list may name. */
export async function publishedProductIds(db: Client, shop: string, now = new Date()): Promise<Set<string>> {
  const states = await productStates(db, shop, now);
  return new Set([...states].filter(([, state]) => isShowable(state)).map(([id]) => id));
}

export interface ProductSummary {
  id: string;
  title: string | null;
  handle: string | null;
  status: string;
  published: boolean;
  deleted: boolean;
  imageUrl: string | null;
  priceMinor: string | null;
}

type ProductRow = {
  id: string;
  title: string | null;
  handle: string | null;
  status: string;
  publishedAt: Date | null;
  deletedAt: Date | null;
  imageUrl: string | null;
  priceMinor: bigint | null;
};

const SUMMARY_SELECT = {
  id: true,
  title: true,
  handle: true,
  status: true,
  publishedAt: true,
  deletedAt: true,
  imageUrl: true,
  priceMinor: true,
} as const;

function summaryOf(row: ProductRow, now: Date): ProductSummary {
  return {
    id: row.id,
    title: row.title,
    handle: row.handle,
    status: row.status,
    published: row.publishedAt !== null && row.publishedAt.getTime() <= now.getTime(),
    deleted: row.deletedAt !== null,
    imageUrl: row.imageUrl,
    priceMinor: row.priceMinor?.toString() ?? null,
  };
}

/** The named products (deleted ones too, so the admin can say so), by id. */
export async function productSummaries(
  db: Client,
  shop: string,
  ids: Iterable<string>,
  now = new Date(),
): Promise<Map<string, ProductSummary>> {
  const wanted = [...new Set(ids)];
  const result = new Map<string, ProductSummary>();
  for (let i = 0; i < wanted.length; i += IN_LIST) {
    const rows = await db.product.findMany({ where: { shop, id: { in: wanted.slice(i, i + IN_LIST) } }, select: SUMMARY_SELECT });
    for (const row of rows) result.set(row.id, summaryOf(row, now));
  }
  return result;
}

/** LIKE pattern of a search text: %, _ and the escape character match themselves. */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The product picker without App Bridge (offline, or its script failed): products whose title or handle
 * contains the text, case-insensitively, title order; deleted products never.
 */
export async function searchProducts(
  db: Client,
  shop: string,
  options: { query?: string; limit?: number; publishedOnly?: boolean } = {},
  now = new Date(),
): Promise<ProductSummary[]> {
  const limit = Math.min(Math.max(options.limit ?? 25, 1), 100);
  const text = (options.query ?? "").trim().slice(0, 100);
  const matches =
    text === ""
      ? empty
      : sql` AND (LOWER(COALESCE(p."title", '')) LIKE ${containsPattern(text)} ESCAPE '\\' OR LOWER(COALESCE(p."handle", '')) LIKE ${containsPattern(text)} ESCAPE '\\')`;
  const published = options.publishedOnly
    ? sql` AND p."status" = 'ACTIVE' AND p."publishedAt" IS NOT NULL AND p."publishedAt" <= ${now}`
    : empty;
  const rows = await queryRaw<ProductRow>(
    db,
    sql`SELECT p."id", p."title", p."handle", p."status", p."publishedAt", p."deletedAt", p."imageUrl", p."priceMinor"
        FROM "Product" p
        WHERE p."shop" = ${shop} AND p."deletedAt" IS NULL${matches}${published}
        ORDER BY LOWER(COALESCE(p."title", '')), p."id"
        LIMIT ${BigInt(limit)}`,
  );
  return rows.map((row) =>
    summaryOf(
      {
        ...row,
        publishedAt: row.publishedAt === null ? null : new Date(row.publishedAt),
        deletedAt: null,
        priceMinor: row.priceMinor === null ? null : BigInt(row.priceMinor as unknown as string | number | bigint),
      },
      now,
    ),
  );
}
