// Read models of the app proxy (the storefront's questions). Every per-customer read takes the shop AND the
// customer id the proxy signature verified, and has both in its WHERE clause: nothing here can read another
// customer's rows, whatever the request said. Portable SQL (SQLite and PostgreSQL): raw on the hot paths (a
// raw query costs a fraction of the query compiler's), Prisma's client where a page needs a few rows.
import type { Prisma } from "@prisma/client";
import type { Db } from "~/db.server";
import { assignArm, type Arm } from "~/experiments";
import { bulkUpsert } from "./bulk-upsert.server";
import { runningOffersExperiment } from "./experiments.server";
import { isLive, offerSettings } from "./offers.server";
import { join, queryRaw, sql } from "./sql.server";

type Client = Db | Prisma.TransactionClient;

const toInt = (value: unknown): number => (value === null || value === undefined ? 0 : Math.trunc(Number(value)));

// ---- the member ----

export interface MemberSnapshot {
  /** Sum of the ledger (may be negative after a late refund). */
  balance: number;
  /** Points held by redemptions in flight (requested, or code created and not yet deducted). */
  reserved: number;
  tierId: string | null;
  nextTierId: string | null;
  /** Still to reach nextTierId, in the ladder's basis unit, as the last evaluation left it. */
  amountToNext: number | null;
  referralCode: string | null;
}

/** The customer's balance, reservations and stored tier state in one statement (one round trip per status). */
export async function memberSnapshot(db: Client, shop: string, customerId: string): Promise<MemberSnapshot> {
  const [row] = await queryRaw<{
    balance: unknown;
    reserved: unknown;
    tierId: string | null;
    nextTierId: string | null;
    amountToNext: unknown;
    referralCode: string | null;
  }>(
    db,
    sql`SELECT
          (SELECT SUM(p."points") FROM "PointsEntry" p WHERE p."shop" = ${shop} AND p."customerId" = ${customerId}) AS "balance",
          (SELECT SUM(r."pointsCost") FROM "Redemption" r
            WHERE r."shop" = ${shop} AND r."customerId" = ${customerId} AND r."state" IN ('requested', 'code_created')) AS "reserved",
          m."tierId", m."nextTierId", m."amountToNext", m."referralCode"
        FROM (SELECT 1 AS "one") AS "single"
        LEFT JOIN "LoyaltyMember" m ON m."shop" = ${shop} AND m."customerId" = ${customerId}`,
  );
  return {
    balance: toInt(row?.balance),
    reserved: toInt(row?.reserved),
    tierId: row?.tierId ?? null,
    nextTierId: row?.nextTierId ?? null,
    amountToNext: row?.amountToNext === null || row?.amountToNext === undefined ? null : Number(row.amountToNext),
    referralCode: row?.referralCode ?? null,
  };
}

export interface HistoryLine {
  kind: string;
  points: number;
  sourceType: string;
  effectiveAt: Date;
  /** The order's name (#1001) for the customer's own order entries; null otherwise. */
  orderName: string | null;
}

/**
 * The customer's newest ledger entries. The order name is looked up among the customer's own orders only: a
 * referral entry points at the friend's order, whose name is not the member's to see.
 */
export async function pointsHistory(db: Client, shop: string, customerId: string, limit = 10): Promise<HistoryLine[]> {
  const entries = await db.pointsEntry.findMany({
    where: { shop, customerId },
    select: { kind: true, points: true, sourceType: true, orderId: true, effectiveAt: true },
    orderBy: [{ effectiveAt: "desc" }, { key: "desc" }],
    take: limit,
  });
  const ownOrderIds = [
    ...new Set(entries.filter((e) => e.kind === "earn" || e.kind === "reverse").flatMap((e) => (e.orderId ? [e.orderId] : []))),
  ];
  const orders =
    ownOrderIds.length === 0
      ? []
      : await db.order.findMany({ where: { shop, customerId, id: { in: ownOrderIds } }, select: { id: true, name: true } });
  const names = new Map(orders.map((o) => [o.id, o.name]));
  return entries.map((e) => ({
    kind: e.kind,
    points: e.points,
    sourceType: e.sourceType,
    effectiveAt: e.effectiveAt,
    orderName: (e.kind === "earn" || e.kind === "reverse") && e.orderId ? (names.get(e.orderId) ?? null) : null,
  }));
}

export interface RedeemedCode {
  rewardId: string;
  code: string;
  pointsCost: number;
  redeemedAt: Date;
}

/** The customer's own discount codes from redemptions that went through, newest first. */
export async function redeemedCodes(db: Client, shop: string, customerId: string, limit = 5): Promise<RedeemedCode[]> {
  const rows = await db.redemption.findMany({
    where: { shop, customerId, state: "deducted", code: { not: null } },
    select: { rewardId: true, code: true, pointsCost: true, createdAt: true },
    orderBy: { createdAt: "desc" },
    take: limit,
  });
  return rows.map((r) => ({ rewardId: r.rewardId, code: r.code as string, pointsCost: r.pointsCost, redeemedAt: r.createdAt }));
}

// ---- products and offers ----

export interface StorefrontProduct {
  id: string;
  title: string;
  handle: string;
  imageUrl: string | null;
  priceMinor: string | null;
}

/**
 * The named products the storefront may show, in the order given: active, published to the online store (at
 * or before now), not deleted. Others are dropped (a list never names a draft or an unpublished product).
 */
export async function showableProducts(db: Client, shop: string, ids: readonly string[], nowMs: number): Promise<StorefrontProduct[]> {
  const wanted = [...new Set(ids)].slice(0, 100);
  if (wanted.length === 0) return [];
  // Raw SQL on the storefront's hot paths: a few times cheaper than the query compiler's round trip.
  const rows = await queryRaw<{
    id: string;
    title: string | null;
    handle: string | null;
    status: string;
    publishedAt: unknown;
    imageUrl: string | null;
    priceMinor: unknown;
  }>(
    db,
    sql`SELECT "id", "title", "handle", "status", "publishedAt", "imageUrl", "priceMinor" FROM "Product"
        WHERE "shop" = ${shop} AND "id" IN (${join(wanted)}) AND "deletedAt" IS NULL`,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const shown: StorefrontProduct[] = [];
  for (const id of wanted) {
    const row = byId.get(id);
    const publishedAt = row ? dateOf(row.publishedAt) : null;
    if (!row || row.status.toUpperCase() !== "ACTIVE" || publishedAt === null || publishedAt.getTime() > nowMs) continue;
    // Without a handle there is no product page to link to.
    if (!row.handle) continue;
    const price = row.priceMinor === null || row.priceMinor === undefined ? null : String(row.priceMinor);
    shown.push({ id, title: row.title ?? "", handle: row.handle, imageUrl: row.imageUrl, priceMinor: price });
  }
  return shown;
}

/** A timestamp column as a raw query returns it: a Date, or (depending on the driver) text or epoch milliseconds. */
function dateOf(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const date = typeof value === "number" || typeof value === "bigint" ? new Date(Number(value)) : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The customer's stored personal list (empty when none). */
export async function personalList(db: Client, shop: string, customerId: string): Promise<string[]> {
  const [row] = await queryRaw<{ productIds: string }>(
    db,
    sql`SELECT "productIds" FROM "CustomerRecommendation" WHERE "shop" = ${shop} AND "customerId" = ${customerId}`,
  );
  return row ? stringList(row.productIds) : [];
}

function stringList(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

export interface CandidateList {
  /** The live offer's id, or "cross_sell" for the mined list (the `_clv_offer` property of items added from it). */
  offerId: string;
  productIds: string[];
}

/** Offer id of mined lists, as the offers write-back names it (`cross_sell_offer` absent → `cross_sell`). */
export const MINED_LIST_OFFER_ID = "cross_sell";

/**
 * A product's candidate lists, best first: its live offers (highest priority, then oldest), then the mined
 * suggestions not rejected (best value score first, the shop's `maxOffered` of them). The caller keeps the
 * first list with a showable product, as the offers write-back does for the `cross_sell` metafield.
 */
export async function productOfferLists(
  db: Client,
  shop: string,
  productId: string,
  maxOffered: number,
  nowMs: number,
): Promise<CandidateList[]> {
  const [offerRows, suggestions] = await Promise.all([
    // The trigger list is a JSON array of strings: `"<id>"` with its quotes matches a whole element only
    // (the id is digits: nothing in it is a LIKE wildcard).
    queryRaw<{ id: string; triggerProductIds: string; offeredProductIds: string; startsAt: unknown; endsAt: unknown }>(
      db,
      sql`SELECT "id", "triggerProductIds", "offeredProductIds", "startsAt", "endsAt" FROM "Offer"
          WHERE "shop" = ${shop} AND "active" = true AND "triggerProductIds" LIKE ${`%"${productId}"%`}
          ORDER BY "priority" DESC, "createdAt" ASC, "id" ASC`,
    ),
    queryRaw<{ offeredProductId: string }>(
      db,
      sql`SELECT "offeredProductId" FROM "OfferSuggestion"
          WHERE "shop" = ${shop} AND "productId" = ${productId} AND "verdict" <> 'rejected'
          ORDER BY "valueScore" DESC, "shrunkLift" DESC, "confidence" DESC, "offeredProductId" ASC
          LIMIT 20`,
    ),
  ]);
  const lists: CandidateList[] = [];
  for (const row of offerRows) {
    const live = isLive(
      { active: true, startsAt: dateOf(row.startsAt)?.toISOString() ?? null, endsAt: dateOf(row.endsAt)?.toISOString() ?? null },
      nowMs,
    );
    if (!live || !stringList(row.triggerProductIds).includes(productId)) continue;
    lists.push({ offerId: row.id, productIds: stringList(row.offeredProductIds).filter((id) => id !== productId) });
  }
  const mined = suggestions.map((s) => s.offeredProductId).filter((id) => id !== productId);
  if (mined.length > 0) lists.push({ offerId: MINED_LIST_OFFER_ID, productIds: mined.slice(0, Math.max(1, maxOffered)) });
  return lists;
}

export interface OffersExperiment {
  key: string;
  salt: string;
  holdoutShare: number;
  startedAt: Date;
}

/** The running offers experiment (offers are on exactly while one runs), or null. */
export async function offersExperiment(db: Client, shop: string): Promise<OffersExperiment | null> {
  const row = await runningOffersExperiment(db, shop);
  return row ? { key: row.key, salt: row.salt, holdoutShare: row.holdoutShare, startedAt: row.startedAt } : null;
}

/** The arm app/experiments assigns (the same hash the storefront block computes in Liquid). */
export function armOf(experiment: OffersExperiment, customerId: string): Arm {
  return assignArm({ salt: experiment.salt, customerId, experimentKey: experiment.key, holdoutShare: experiment.holdoutShare });
}

// Exposures already in the table, so a shopper's every page view is not a write. A process forgets some
// after a while (first in, first out); the insert keeps the first exposure anyway.
const recordedExposures = new Set<string>();
const RECORDED_CAPACITY = 50_000;
/** Exposures waiting for the next write: one multi-row insert every EXPOSURE_FLUSH_MS, not one per request. */
const pendingExposures = new Map<string, (string | Date)[]>();
const EXPOSURE_FLUSH_MS = 50;
const EXPOSURE_BATCH = 500;
let flushTimer: NodeJS.Timeout | null = null;

/**
 * Records, in the background, that the customer met the experiment, in the arm the hash gives, the first time
 * only (ON CONFLICT DO NOTHING keeps the first). Both arms are recorded alike, which keeps the comparison fair
 * (docs/offers.md, "Exposures"). Exposures are written in batches a few tens of milliseconds later; one that
 * could not be written is not remembered, so the shopper's next request queues it again.
 */
export function recordExposure(db: Client, shop: string, experiment: OffersExperiment, customerId: string, arm: Arm, at: Date): void {
  const memo = `${shop}\u0000${experiment.key}\u0000${customerId}`;
  if (recordedExposures.has(memo) || pendingExposures.has(memo)) return;
  pendingExposures.set(memo, [shop, experiment.key, customerId, arm, at]);
  if (flushTimer === null) {
    flushTimer = setTimeout(() => void flushExposures(db), EXPOSURE_FLUSH_MS);
    flushTimer.unref();
  }
}

/** Writes the waiting exposures now (also what the timer runs). */
export async function flushExposures(db: Client): Promise<void> {
  if (flushTimer !== null) clearTimeout(flushTimer);
  flushTimer = null;
  const batch = [...pendingExposures].slice(0, EXPOSURE_BATCH);
  for (const [memo] of batch) pendingExposures.delete(memo);
  if (pendingExposures.size > 0) {
    flushTimer = setTimeout(() => void flushExposures(db), EXPOSURE_FLUSH_MS);
    flushTimer.unref();
  }
  if (batch.length === 0) return;
  try {
    await bulkUpsert(db, {
      table: "ExperimentExposure",
      columns: ["shop", "experimentKey", "customerId", "arm", "firstExposedAt"],
      rows: batch.map(([, row]) => row),
      conflict: ["shop", "experimentKey", "customerId"],
    });
  } catch (error) {
    console.warn(`${batch.length} exposures not recorded: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  for (const [memo] of batch) {
    if (recordedExposures.size >= RECORDED_CAPACITY) recordedExposures.delete(recordedExposures.values().next().value as string);
    recordedExposures.add(memo);
  }
}

export interface OffersSetup {
  /** null: offers are off. */
  experiment: OffersExperiment | null;
  /** The shop's currency for prices (Shop.currencyCode; USD when unknown). */
  currencyCode: string;
  /** Products of a mined list at most (OfferSettings.maxOffered). */
  maxOffered: number;
}

/** What the offers answers need of the shop, whoever asks. */
export async function offersSetup(db: Client, shop: string): Promise<OffersSetup> {
  const [experiment, row, settings] = await Promise.all([
    offersExperiment(db, shop),
    db.shop.findUnique({ where: { shop }, select: { currencyCode: true } }),
    offerSettings(db, shop),
  ]);
  return { experiment, currencyCode: row?.currencyCode ?? "USD", maxOffered: settings.maxOffered };
}
