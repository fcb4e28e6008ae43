// Storage of the retention sync (app/data/retention-write-back.server.ts): the customers' current retention
// figures next to what was last written to Shopify, the record of what was written, the shop's sync lease,
// and the ids of the Shopify segments the app keeps. All in ShopifySyncState, on three channels of its own:
//   "retention"          one row per customer: written = { metafields: {key: value, flow marker}, tags: [...] }
//   "retention_lease"    one row per shop (customerId "$shop"): syncedAt = the lease's expiry, dirty = a sync
//                        was asked for while the lease was held; written = { lastCompletedAt }
//   "retention_win_back" one row per customer offered (or held out of) a win-back code: the WinBackRecord
//   "shopify_segment"    one row per segment the app keeps (customerId = our key, e.g. "clv-champions"):
//                        written = { segmentId, name, query }; the loyalty tiers' segments may share the channel
import type { Prisma } from "@prisma/client";
import type { Db } from "~/db.server";
import { bulkUpsert } from "./bulk-upsert.server";
import { parseWritten, type WrittenState } from "./loyalty-write-back.server";
import { lockShop } from "./shop-lock.server";
import { queryRaw, sql } from "./sql.server";

type Client = Prisma.TransactionClient;

export const RETENTION_CHANNEL = "retention";
export const RETENTION_LEASE_CHANNEL = "retention_lease";
export const SEGMENT_CHANNEL = "shopify_segment";
/** Win-back decisions (app/data/retention-win-back.server.ts). */
export const WIN_BACK_CHANNEL = "retention_win_back";
const LEASE_KEY = "$shop";

export { parseWritten, type WrittenState };

/** One customer's current figures and what was last written for them. */
export interface RetentionRow {
  customerId: string;
  netRevenueMinor: number;
  predictedClvMinor: number | null;
  clvLowMinor: number | null;
  clvHighMinor: number | null;
  probabilityOrder12m: number | null;
  probabilityAlive: number | null;
  segment: string | null;
  /** Two orders or more on different days: the model's P(alive) means something for them. */
  repeatBuyer: boolean;
  atRisk: boolean;
  valueAtStakeMinor: number;
  /** CustomerRisk.reason as stored (JSON of RetentionReason[], or text). */
  reason: string | null;
  episodeStartDay: number | null;
  written: WrittenState;
  /** The customer's tags in Shopify as last received (webhooks, backfill), comma-separated. */
  shopifyTags: string | null;
  /** The last win-back decision (WinBackRecord JSON, channel "retention_win_back"), or null. */
  winBackWritten: string | null;
}

const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

function timeOf(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number" || typeof value === "bigint") return Number(value);
  const text = String(value);
  return /^\d+$/.test(text) ? Number(text) : Date.parse(text);
}

const truthy = (value: unknown) => value === true || value === 1 || value === 1n || value === "1" || value === "true";

/**
 * A page of the shop's scored customers after `afterId` (keyset on customerId), with their risk, what was
 * last written and their tags. Customers deleted in Shopify, and ids that are not Shopify customers, are left out.
 */
export async function retentionRowsPage(
  db: Client,
  shop: string,
  afterId: string,
  limit: number,
): Promise<{ rows: RetentionRow[]; lastId: string | null }> {
  const raw = await queryRaw<Record<string, unknown>>(
    db,
    sql`SELECT v."customerId", v."netRevenueMinor", v."predictedClvMinor", v."clvLowMinor", v."clvHighMinor", v."probabilityOrder12m",
               v."probabilityAlive", v."segment", v."orderCount",
               v."firstOrderAt", v."lastOrderAt", r."atRisk", r."valueAtStakeMinor", r."reason", r."episodeStartDay",
               s."written", w."written" AS "winBackWritten", c."tags", c."deletedAt"
          FROM "CustomerValue" v
          LEFT JOIN "CustomerRisk" r ON r."shop" = v."shop" AND r."customerId" = v."customerId"
          LEFT JOIN "ShopifySyncState" s ON s."shop" = v."shop" AND s."customerId" = v."customerId" AND s."channel" = ${RETENTION_CHANNEL}
          LEFT JOIN "ShopifySyncState" w ON w."shop" = v."shop" AND w."customerId" = v."customerId" AND w."channel" = ${WIN_BACK_CHANNEL}
          LEFT JOIN "Customer" c ON c."shop" = v."shop" AND c."id" = v."customerId"
         WHERE v."shop" = ${shop} AND v."customerId" > ${afterId}
         ORDER BY v."customerId"
         LIMIT ${BigInt(limit)}`,
  );
  const rows: RetentionRow[] = [];
  for (const row of raw) {
    const customerId = String(row.customerId);
    if (!/^\d+$/.test(customerId) || row.deletedAt != null) continue;
    const first = timeOf(row.firstOrderAt);
    const last = timeOf(row.lastOrderAt);
    rows.push({
      customerId,
      netRevenueMinor: Number(row.netRevenueMinor ?? 0),
      predictedClvMinor: numberOrNull(row.predictedClvMinor),
      clvLowMinor: numberOrNull(row.clvLowMinor),
      clvHighMinor: numberOrNull(row.clvHighMinor),
      probabilityOrder12m: numberOrNull(row.probabilityOrder12m),
      probabilityAlive: numberOrNull(row.probabilityAlive),
      segment: row.segment == null ? null : String(row.segment),
      repeatBuyer: Number(row.orderCount ?? 0) >= 2 && first !== null && last !== null && last > first,
      atRisk: truthy(row.atRisk),
      valueAtStakeMinor: Number(row.valueAtStakeMinor ?? 0),
      reason: row.reason == null ? null : String(row.reason),
      episodeStartDay: numberOrNull(row.episodeStartDay),
      written: parseWritten(row.written == null ? null : String(row.written)),
      shopifyTags: row.tags == null ? null : String(row.tags),
      winBackWritten: row.winBackWritten == null ? null : String(row.winBackWritten),
    });
  }
  return { rows, lastId: raw.length > 0 ? String(raw[raw.length - 1].customerId) : null };
}

/**
 * Records what was written for these customers. Under the shop's shared lock: after a shop/redact (no Shop
 * row) or an uninstall nothing is recorded, and a redaction waits for the commit. Returns false when skipped.
 */
export async function recordWritten(
  db: Db,
  shop: string,
  written: readonly { customerId: string; state: WrittenState }[],
  atMs: number,
): Promise<boolean> {
  if (written.length === 0) return true;
  const at = new Date(atMs);
  for (let i = 0; i < written.length; i += 2_000) {
    const chunk = written.slice(i, i + 2_000);
    const kept = await db.$transaction(async (tx) => {
      const state = await lockShop(tx, shop, "shared");
      if (!state?.installed) return false;
      await bulkUpsert(tx, {
        table: "ShopifySyncState",
        columns: ["shop", "customerId", "channel", "written", "dirty", "syncedAt"],
        rows: chunk.map((w) => [shop, w.customerId, RETENTION_CHANNEL, JSON.stringify(w.state), false, at]),
        conflict: ["shop", "customerId", "channel"],
        set: [`"written" = excluded."written"`, `"dirty" = excluded."dirty"`, `"syncedAt" = excluded."syncedAt"`],
      });
      return true;
    });
    if (!kept) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------
// The shop's lease: one sync at a time per shop, across processes.

export interface Lease {
  shop: string;
  /** The lease's expiry as stored: renewals and the release match on it, so a lease taken over is noticed. */
  expiresAt: Date;
  /** No sync of this shop ever completed (the first sync sends no Flow triggers for the backlog). */
  firstSync: boolean;
}

const leaseWhere = (shop: string) => ({ shop, customerId: LEASE_KEY, channel: RETENTION_LEASE_CHANNEL });

/**
 * Takes the shop's lease for `leaseMs`, or, when another sync holds it, asks that sync to run once more
 * (its data may predate this request) and returns null.
 */
export async function acquireLease(db: Db, shop: string, leaseMs: number, nowMs = Date.now()): Promise<Lease | null> {
  await bulkUpsert(db, {
    table: "ShopifySyncState",
    columns: ["shop", "customerId", "channel", "written", "dirty", "syncedAt"],
    rows: [[shop, LEASE_KEY, RETENTION_LEASE_CHANNEL, "{}", false, null]],
    conflict: ["shop", "customerId", "channel"],
  });
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = new Date(nowMs);
    // Distinct per taker: two takers in the same millisecond cannot both match a later renewal.
    const expiresAt = new Date(nowMs + leaseMs + Math.floor(Math.random() * 1_000));
    const taken = await db.shopifySyncState.updateMany({
      where: { ...leaseWhere(shop), OR: [{ syncedAt: null }, { syncedAt: { lt: now } }] },
      data: { syncedAt: expiresAt, dirty: false },
    });
    if (taken.count === 1) {
      const row = await db.shopifySyncState.findUnique({
        where: { shop_customerId_channel: { shop, customerId: LEASE_KEY, channel: RETENTION_LEASE_CHANNEL } },
        select: { written: true },
      });
      const record = JSON.parse(row?.written ?? "{}") as { lastCompletedAt?: string };
      return { shop, expiresAt, firstSync: record.lastCompletedAt === undefined };
    }
    const flagged = await db.shopifySyncState.updateMany({
      where: { ...leaseWhere(shop), syncedAt: { gte: now } },
      data: { dirty: true },
    });
    if (flagged.count === 1) return null;
    // Released in between: try to take it again.
  }
  return null;
}

/** Extends the lease; false when it was lost (expired and taken by another sync). */
export async function renewLease(db: Db, lease: Lease, leaseMs: number, nowMs = Date.now()): Promise<boolean> {
  const expiresAt = new Date(Math.max(nowMs + leaseMs, lease.expiresAt.getTime() + 1));
  const renewed = await db.shopifySyncState.updateMany({
    where: { ...leaseWhere(lease.shop), syncedAt: lease.expiresAt },
    data: { syncedAt: expiresAt },
  });
  if (renewed.count !== 1) return false;
  lease.expiresAt = expiresAt;
  return true;
}

/**
 * Ends a pass: when another sync asked for a run meanwhile, keeps the lease and returns "again" (the caller
 * runs another pass); otherwise records the completion and releases the lease.
 */
export async function finishPass(db: Db, lease: Lease, completedAtMs: number): Promise<"again" | "released" | "lost"> {
  const rerun = await db.shopifySyncState.updateMany({
    where: { ...leaseWhere(lease.shop), syncedAt: lease.expiresAt, dirty: true },
    data: { dirty: false },
  });
  if (rerun.count === 1) return "again";
  const released = await db.shopifySyncState.updateMany({
    where: { ...leaseWhere(lease.shop), syncedAt: lease.expiresAt, dirty: false },
    data: { syncedAt: null, written: JSON.stringify({ lastCompletedAt: new Date(completedAtMs).toISOString() }) },
  });
  if (released.count === 1) return "released";
  // Either a request arrived between the two statements (dirty is set now) or the lease was lost.
  const row = await db.shopifySyncState.findUnique({
    where: { shop_customerId_channel: { shop: lease.shop, customerId: LEASE_KEY, channel: RETENTION_LEASE_CHANNEL } },
    select: { syncedAt: true },
  });
  return row?.syncedAt?.getTime() === lease.expiresAt.getTime() ? finishPass(db, lease, completedAtMs) : "lost";
}

/** Lets the lease go without recording a completion (the pass failed). */
export async function abandonLease(db: Db, lease: Lease): Promise<void> {
  await db.shopifySyncState.updateMany({ where: { ...leaseWhere(lease.shop), syncedAt: lease.expiresAt }, data: { syncedAt: null } });
}

// ---------------------------------------------------------------------------------------------------
// The Shopify segments the app keeps.

export interface StoredSegment {
  key: string;
  segmentId: string;
  name: string;
  query: string;
}

export async function storedSegments(db: Client, shop: string, keys: readonly string[]): Promise<StoredSegment[]> {
  const rows = await db.shopifySyncState.findMany({
    where: { shop, channel: SEGMENT_CHANNEL, customerId: { in: [...keys] } },
    select: { customerId: true, written: true },
  });
  const segments: StoredSegment[] = [];
  for (const row of rows) {
    const value = JSON.parse(row.written) as Partial<StoredSegment>;
    if (typeof value.segmentId === "string" && typeof value.name === "string" && typeof value.query === "string") {
      segments.push({ key: row.customerId, segmentId: value.segmentId, name: value.name, query: value.query });
    }
  }
  return segments;
}

export async function saveSegment(db: Client, shop: string, segment: StoredSegment, atMs: number): Promise<void> {
  const written = JSON.stringify({ segmentId: segment.segmentId, name: segment.name, query: segment.query });
  await db.shopifySyncState.upsert({
    where: { shop_customerId_channel: { shop, customerId: segment.key, channel: SEGMENT_CHANNEL } },
    create: { shop, customerId: segment.key, channel: SEGMENT_CHANNEL, written, dirty: false, syncedAt: new Date(atMs) },
    update: { written, dirty: false, syncedAt: new Date(atMs) },
  });
}

export async function forgetSegment(db: Client, shop: string, key: string): Promise<void> {
  await db.shopifySyncState.deleteMany({ where: { shop, channel: SEGMENT_CHANNEL, customerId: key } });
}
