// The offers write-back: what the storefront's offers block reads (docs/storefront.md), written through the
// gateway in paced batches, only where a value changed since the last write:
//   - per trigger product, `$app.cross_sell` (list.product_reference, best first) and `$app.cross_sell_offer`
//     (the offer id the block puts in the `_clv_offer` line-item property);
//   - per customer, `$app.recommendations` (list.product_reference);
//   - on the app installation, `clv.offers_enabled`, `holdout_salt`, `offers_experiment`, `offers_holdout_threshold`;
//   - the offers' Shopify discounts (offer-discounts.server.ts).
// Product states are refreshed from the Admin API first, so no list ever names a deleted, draft, archived
// or unpublished product.
import { customerGid } from "~/shopify/customer-operations";
import type { Db } from "~/db.server";
import { holdoutThreshold } from "~/experiments";
import { showableOfferedProducts, type ProductState } from "~/offers";
import { adminGraphql, type AdminTarget } from "~/shopify/admin-gateway.server";
import { APP_INSTALLATION_QUERY, type AppInstallationData } from "~/shopify/offers-operations";
import { offersExperiments, type ExperimentRow } from "./experiments.server";
import {
  MetafieldWriter,
  ownerDiff,
  type MetafieldIdentifier,
  type MetafieldInput,
  type OwnerDiff,
  type WriterOptions,
} from "./metafield-writer.server";
import { syncOfferDiscounts, type DiscountSyncSummary } from "./offer-discounts.server";
import { isLive, listOffers, minedLists, offerSettings, type OfferRecord } from "./offers.server";
import { readSyncState, readSyncStates, SYNC_CHANNEL, writeSyncStates, type SyncChannel, type Written } from "./offers-sync-state.server";
import { productStates, refreshProductsFromShopify, type ProductRefresh } from "./products.server";
import { recommendationPages } from "./recommendations.server";

/** App-owned product and customer metafields (declared in shopify.app.toml). */
export const APP_NAMESPACE = "$app";
/** App-data metafields on the installation: Liquid reads app.metafields.clv.<key>. */
export const APP_DATA_NAMESPACE = "clv";
/** The offer id of mined lists (a product without a live offer) and of personal recommendations. */
export const MINED_OFFER_ID = "cross_sell";
export const PERSONAL_OFFER_ID = "personal";
/** Products in a `cross_sell` list at most (the block shows up to 4). */
export const MAX_LIST = 10;

const LIST_TYPE = "list.product_reference";
const TEXT_TYPE = "single_line_text_field";
const productGid = (id: string) => `gid://shopify/Product/${id}`;
/** Products changed within this much before the last refresh are read again (clocks and indexing lag). */
const REFRESH_OVERLAP_MS = 10 * 60_000;

export interface ProductList {
  productIds: string[];
  offerId: string;
}

/**
 * Each trigger product's list. The live offers come first, highest priority first (then the oldest): a
 * trigger gets the first one with a product left to show, under that offer's id. A trigger without one
 * gets its mined list (suggestions not rejected, published products only, `maxOffered` of them) under
 * MINED_OFFER_ID. Deleted triggers get nothing (there is nothing to write to), nor does a list name its
 * own trigger.
 */
export function productLists(
  offers: readonly OfferRecord[],
  mined: ReadonlyMap<string, readonly string[]>,
  products: ReadonlyMap<string, ProductState>,
  nowMs: number,
  maxOffered: number,
): Map<string, ProductList> {
  const lists = new Map<string, ProductList>();
  const ordered = offers
    .filter((o) => isLive(o, nowMs))
    .sort((x, y) => y.priority - x.priority || x.createdAt.localeCompare(y.createdAt) || x.id.localeCompare(y.id));
  for (const offer of ordered) {
    for (const trigger of offer.triggerProductIds) {
      if (lists.has(trigger) || !products.has(trigger)) continue;
      const shown = showableOfferedProducts(offer.offeredProductIds, products).filter((id) => id !== trigger);
      if (shown.length > 0) lists.set(trigger, { productIds: shown.slice(0, MAX_LIST), offerId: offer.id });
    }
  }
  for (const [trigger, candidates] of mined) {
    if (lists.has(trigger) || !products.has(trigger)) continue;
    const shown = showableOfferedProducts(candidates, products)
      .filter((id) => id !== trigger)
      .slice(0, Math.min(maxOffered, MAX_LIST));
    if (shown.length > 0) lists.set(trigger, { productIds: shown, offerId: MINED_OFFER_ID });
  }
  return lists;
}

/** The app-data metafields: on/off, and the experiment the storefront's holdout hash needs. */
export function appDataValues(latest: ExperimentRow | null): Map<string, { type: string; value: string }> {
  const running = latest !== null && latest.endedAt === null;
  const values = new Map<string, { type: string; value: string }>([["offers_enabled", { type: "boolean", value: String(running) }]]);
  if (latest !== null) {
    values.set("holdout_salt", { type: TEXT_TYPE, value: latest.salt });
    values.set("offers_experiment", { type: TEXT_TYPE, value: latest.key });
    values.set("offers_holdout_threshold", { type: TEXT_TYPE, value: holdoutThreshold(latest.holdoutShare) });
  }
  return values;
}

export interface WriteBackSummary {
  offersOn: boolean;
  refresh: ProductRefresh;
  discounts: DiscountSyncSummary;
  products: { lists: number; changed: number; removed: number };
  customers: { lists: number; changed: number; removed: number; skipped: number };
  failures: { ownerId: string; key: string; message: string }[];
  /** metafieldsSet and metafieldsDelete calls. */
  metafieldCalls: number;
  pacedMs: number;
  durationMs: number;
}

interface OwnerChange {
  key: string;
  diff: OwnerDiff;
}

/** Sends the diffs (sets, then removals) and records, per owner, what now is in Shopify. */
async function apply(
  db: Db,
  shop: string,
  channel: SyncChannel,
  writer: MetafieldWriter,
  changes: OwnerChange[],
  ownerOf: (key: string) => string,
  failures: WriteBackSummary["failures"],
  now: Date,
) {
  const sets: MetafieldInput[] = changes.flatMap((c) => c.diff.set);
  const removes: MetafieldIdentifier[] = changes.flatMap((c) => c.diff.remove);
  const failed = [...(await writer.set(sets)), ...(await writer.delete(removes))];
  failures.push(...failed);
  const failedOwners = new Set(failed.map((f) => f.ownerId));
  const records: [string, Written | null][] = changes.filter((c) => !failedOwners.has(ownerOf(c.key))).map((c) => [c.key, c.diff.next]);
  await writeSyncStates(db, shop, channel, records, now);
  return changes.length - failedOwners.size;
}

const isChange = (diff: OwnerDiff) => diff.set.length + diff.remove.length > 0;

async function writeProductLists(
  db: Db,
  shop: string,
  writer: MetafieldWriter,
  lists: Map<string, ProductList>,
  products: ReadonlyMap<string, ProductState>,
  summary: WriteBackSummary,
  now: Date,
) {
  const written = await readSyncStates(db, shop, SYNC_CHANNEL.product);
  const changes: OwnerChange[] = [];
  const forgotten: [string, Written | null][] = [];
  for (const key of new Set([...lists.keys(), ...written.keys()])) {
    const list = lists.get(key);
    if (!products.has(key)) {
      // Deleted in Shopify: its metafields went with it.
      if (written.has(key)) forgotten.push([key, null]);
      continue;
    }
    const wanted = list
      ? new Map([
          ["cross_sell", { type: LIST_TYPE, value: JSON.stringify(list.productIds.map(productGid)) }],
          ["cross_sell_offer", { type: TEXT_TYPE, value: list.offerId }],
        ])
      : null;
    const diff = ownerDiff(productGid(key), APP_NAMESPACE, written.get(key), wanted);
    if (isChange(diff)) changes.push({ key, diff });
    if (!list && diff.remove.length > 0) summary.products.removed++;
  }
  await writeSyncStates(db, shop, SYNC_CHANNEL.product, forgotten, now);
  summary.products.lists = lists.size;
  summary.products.changed = await apply(db, shop, SYNC_CHANNEL.product, writer, changes, productGid, summary.failures, now);
}

/** Customers deleted or redacted in Shopify: nothing can be written to them (500 ids a query: Prisma's SQLite limit is 999). */
async function unreachableCustomers(db: Db, shop: string, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.customer.findMany({
      where: { shop, id: { in: ids.slice(i, i + 500) }, OR: [{ deletedAt: { not: null } }, { redactedAt: { not: null } }] },
      select: { id: true },
    });
    for (const row of rows) found.add(row.id);
  }
  return found;
}

async function writeRecommendations(
  db: Db,
  shop: string,
  writer: MetafieldWriter,
  products: ReadonlyMap<string, ProductState>,
  summary: WriteBackSummary,
  now: Date,
) {
  const seen = new Set<string>();
  for await (const page of recommendationPages(db, shop)) {
    const ids = [...page.keys()];
    const [written, unreachable] = await Promise.all([
      readSyncStates(db, shop, SYNC_CHANNEL.customer, ids),
      unreachableCustomers(db, shop, ids),
    ]);
    const changes: OwnerChange[] = [];
    for (const [customerId, productIds] of page) {
      seen.add(customerId);
      if (unreachable.has(customerId)) {
        summary.customers.skipped++;
        continue;
      }
      const shown = showableOfferedProducts(productIds, products);
      if (shown.length > 0) summary.customers.lists++;
      const wanted =
        shown.length > 0 ? new Map([["recommendations", { type: LIST_TYPE, value: JSON.stringify(shown.map(productGid)) }]]) : null;
      const diff = ownerDiff(customerGid(customerId), APP_NAMESPACE, written.get(customerId), wanted);
      if (isChange(diff)) changes.push({ key: customerId, diff });
      if (shown.length === 0 && diff.remove.length > 0) summary.customers.removed++;
    }
    summary.customers.changed += await apply(db, shop, SYNC_CHANNEL.customer, writer, changes, customerGid, summary.failures, now);
  }
  // Customers written before who have no list any more.
  const stale = [...(await readSyncStates(db, shop, SYNC_CHANNEL.customer)).entries()].filter(([id]) => !seen.has(id));
  for (let i = 0; i < stale.length; i += 5_000) {
    const slice = stale.slice(i, i + 5_000);
    const unreachable = await unreachableCustomers(
      db,
      shop,
      slice.map(([id]) => id),
    );
    const changes: OwnerChange[] = [];
    const forgotten: [string, Written | null][] = [];
    for (const [customerId, written] of slice) {
      if (unreachable.has(customerId)) forgotten.push([customerId, null]);
      else changes.push({ key: customerId, diff: ownerDiff(customerGid(customerId), APP_NAMESPACE, written, null) });
    }
    await writeSyncStates(db, shop, SYNC_CHANNEL.customer, forgotten, now);
    summary.customers.removed += changes.length;
    summary.customers.changed += await apply(db, shop, SYNC_CHANNEL.customer, writer, changes, customerGid, summary.failures, now);
  }
}

/** Products refreshed since the last refresh (all of them the first time), and the refresh's clock kept. */
async function refreshProducts(db: Db, target: AdminTarget, shop: string, now: Date): Promise<ProductRefresh> {
  const clock = await readSyncState(db, shop, SYNC_CHANNEL.app, "products");
  const last = clock?.refreshedAt ? Date.parse(clock.refreshedAt) : Number.NaN;
  const since = Number.isFinite(last) ? new Date(last - REFRESH_OVERLAP_MS) : undefined;
  const refresh = await refreshProductsFromShopify(db, target, shop, { since });
  await writeSyncStates(db, shop, SYNC_CHANNEL.app, [["products", { refreshedAt: now.toISOString() }]], now);
  return refresh;
}

/** A complete product listing (nightly, with the mining run): finds deletions a lost webhook missed. */
export async function refreshAllProducts(db: Db, target: AdminTarget, shop: string, now = new Date()): Promise<ProductRefresh> {
  const refresh = await refreshProductsFromShopify(db, target, shop);
  await writeSyncStates(db, shop, SYNC_CHANNEL.app, [["products", { refreshedAt: now.toISOString() }]], now);
  return refresh;
}

async function writeAppData(
  db: Db,
  target: AdminTarget,
  shop: string,
  writer: MetafieldWriter,
  latest: ExperimentRow | null,
  summary: WriteBackSummary,
  now: Date,
) {
  const written = (await readSyncState(db, shop, SYNC_CHANNEL.app, "installation")) ?? undefined;
  const values = appDataValues(latest);
  const metafields = written ? Object.fromEntries(Object.entries(written).filter(([key]) => key !== "installationId")) : undefined;
  const diff = ownerDiff("pending", APP_DATA_NAMESPACE, metafields, values);
  if (!isChange(diff)) return;
  const { data } = await adminGraphql<AppInstallationData>(target, APP_INSTALLATION_QUERY);
  const ownerId = data.currentAppInstallation.id;
  const set = diff.set.map((m) => ({ ...m, ownerId }));
  const remove = diff.remove.map((m) => ({ ...m, ownerId }));
  const failed = [...(await writer.set(set)), ...(await writer.delete(remove))];
  summary.failures.push(...failed);
  if (failed.length === 0)
    await writeSyncStates(db, shop, SYNC_CHANNEL.app, [["installation", { ...(diff.next ?? {}), installationId: ownerId }]], now);
}

/**
 * The whole write-back of a shop. With offers off (no running experiment) only `offers_enabled = false`
 * and the discounts' removal are written; the lists stay as they were and are brought up to date when the
 * offers are turned on again.
 */
export async function writeBackOffers(
  db: Db,
  target: AdminTarget,
  shop: string,
  options: { now?: Date; writer?: WriterOptions } = {},
): Promise<WriteBackSummary> {
  const started = Date.now();
  const now = options.now ?? new Date();
  const writer = new MetafieldWriter(target, options.writer);
  const experiments = await offersExperiments(db, shop);
  const latest = experiments[0] ?? null;
  const offersOn = latest !== null && latest.endedAt === null;
  // With offers off no list is written and discounts are only removed: no fresh product states needed.
  const refresh = offersOn ? await refreshProducts(db, target, shop, now) : { products: 0, pages: 0, deleted: 0, complete: false };
  const [products, offers, settings] = await Promise.all([productStates(db, shop, now), listOffers(db, shop), offerSettings(db, shop)]);
  const summary: WriteBackSummary = {
    offersOn,
    refresh,
    discounts: { created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0 },
    products: { lists: 0, changed: 0, removed: 0 },
    customers: { lists: 0, changed: 0, removed: 0, skipped: 0 },
    failures: [],
    metafieldCalls: 0,
    pacedMs: 0,
    durationMs: 0,
  };
  await writeAppData(db, target, shop, writer, latest, summary, now);
  summary.discounts = await syncOfferDiscounts(db, target, shop, offers, products, offersOn, now);
  if (offersOn) {
    const lists = productLists(offers, await minedLists(db, shop), products, now.getTime(), settings.maxOffered);
    await writeProductLists(db, shop, writer, lists, products, summary, now);
    await writeRecommendations(db, shop, writer, products, summary, now);
  }
  summary.metafieldCalls = writer.stats.calls;
  summary.pacedMs = writer.stats.pacedMs;
  summary.durationMs = Date.now() - started;
  return summary;
}
