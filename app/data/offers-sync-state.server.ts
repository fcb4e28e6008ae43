// What the offers write-back last wrote to Shopify, per owner, so that only changes are sent. Kept in
// ShopifySyncState (shop, key, channel), the table the loyalty write-back keeps per customer: its
// `customerId` column holds the owner's key here (a customer id for the `offers` channel, a product id for
// `offers_product`, an offer id for `offers_discount`, a tier id for `offers_segment`, a fixed name for
// `offers_app`). The channels never overlap loyalty's or retention's.
import type { Prisma } from "@prisma/client";
import type { Db } from "~/db.server";
import { bulkUpsert } from "./bulk-upsert.server";

type Client = Db | Prisma.TransactionClient;

export const SYNC_CHANNEL = {
  /** Customer metafield `recommendations`. */
  customer: "offers",
  /** Product metafields `cross_sell` and `cross_sell_offer`. */
  product: "offers_product",
  /** App-data metafields and the product refresh's clock. */
  app: "offers_app",
  /** The Shopify discount of an offer. */
  discount: "offers_discount",
  /** The customer segment of a loyalty tier. */
  segment: "offers_segment",
} as const;
export type SyncChannel = (typeof SYNC_CHANNEL)[keyof typeof SYNC_CHANNEL];

export type Written = Record<string, string>;

/** Keys per `in` list: Prisma refuses queries with more parameters than SQLite's 999. */
const IN_LIST = 500;

function parse(json: string): Written {
  try {
    const value: unknown = JSON.parse(json);
    if (!value || typeof value !== "object" || Array.isArray(value)) return {};
    const out: Written = {};
    for (const [k, v] of Object.entries(value)) if (typeof v === "string") out[k] = v;
    return out;
  } catch {
    return {};
  }
}

/** The channel's records (all of them, or those of `keys`). */
export async function readSyncStates(
  db: Client,
  shop: string,
  channel: SyncChannel,
  keys?: readonly string[],
): Promise<Map<string, Written>> {
  const result = new Map<string, Written>();
  const select = { customerId: true, written: true } as const;
  if (keys === undefined) {
    for (const row of await db.shopifySyncState.findMany({ where: { shop, channel }, select }))
      result.set(row.customerId, parse(row.written));
    return result;
  }
  for (let i = 0; i < keys.length; i += IN_LIST) {
    const rows = await db.shopifySyncState.findMany({ where: { shop, channel, customerId: { in: keys.slice(i, i + IN_LIST) } }, select });
    for (const row of rows) result.set(row.customerId, parse(row.written));
  }
  return result;
}

export async function readSyncState(db: Client, shop: string, channel: SyncChannel, key: string): Promise<Written | null> {
  const row = await db.shopifySyncState.findUnique({
    where: { shop_customerId_channel: { shop, customerId: key, channel } },
    select: { written: true },
  });
  return row ? parse(row.written) : null;
}

/** Records what was written (null: nothing is written for that owner any more: the record goes). */
export async function writeSyncStates(
  db: Client,
  shop: string,
  channel: SyncChannel,
  entries: readonly (readonly [string, Written | null])[],
  now = new Date(),
): Promise<void> {
  const kept = entries.filter(([, written]) => written !== null);
  const gone = entries.filter(([, written]) => written === null).map(([key]) => key);
  if (kept.length > 0) {
    await bulkUpsert(db, {
      table: "ShopifySyncState",
      columns: ["shop", "customerId", "channel", "written", "dirty", "syncedAt"],
      rows: kept.map(([key, written]) => [shop, key, channel, JSON.stringify(written), false, now]),
      conflict: ["shop", "customerId", "channel"],
      set: [`"written" = excluded."written"`, `"dirty" = excluded."dirty"`, `"syncedAt" = excluded."syncedAt"`],
    });
  }
  for (let i = 0; i < gone.length; i += IN_LIST) {
    await db.shopifySyncState.deleteMany({ where: { shop, channel, customerId: { in: gone.slice(i, i + IN_LIST) } } });
  }
}
