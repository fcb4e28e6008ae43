// The shop's own facts that several read models need: its currency, time zone and admin handle, and its
// backfill runs' progress.
import type { Db } from "~/db.server";
import { isActiveBackfillStatus } from "~/backfill/statuses";
import { resolveTimeZone } from "~/lib/format";

/** The shop's currency: Shop.currencyCode, else the currency of one of its orders, else USD. */
export async function shopCurrency(db: Db, shop: string): Promise<string> {
  const row = await db.shop.findUnique({ where: { shop }, select: { currencyCode: true } });
  if (row?.currencyCode) return row.currencyCode;
  const order = await db.order.findFirst({ where: { shop }, select: { currencyCode: true } });
  return order?.currencyCode ?? "USD";
}

export interface ShopContext {
  currencyCode: string;
  /** The shop's IANA zone (Shop.ianaTimezone): every date, time and month on the pages is on its calendar. UTC when unknown. */
  timeZone: string;
  /** The store's handle in admin.shopify.com/store/<handle> (the myshopify subdomain). */
  storeHandle: string;
}

/** Currency, time zone and admin handle of the shop, in one primary-key read (plus the currency fallback). */
export async function shopContext(db: Db, shop: string): Promise<ShopContext> {
  const row = await db.shop.findUnique({ where: { shop }, select: { currencyCode: true, ianaTimezone: true } });
  const currencyCode = row?.currencyCode ?? (await shopCurrency(db, shop));
  return { currencyCode, timeZone: resolveTimeZone(row?.ianaTimezone), storeHandle: storeHandle(shop) };
}

export function storeHandle(shop: string): string {
  return shop.replace(/\.myshopify\.com$/, "");
}

export interface BackfillProgress {
  id: string;
  status: string;
  active: boolean;
  objectCount: number;
  linesImported: number;
  /** linesImported / objectCount, 0..1; null while the count is unknown. */
  fraction: number | null;
  onlyLast60Days: boolean;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export function backfillProgress(run: {
  id: string;
  status: string;
  objectCount: number;
  linesImported: number;
  onlyLast60Days: boolean;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}): BackfillProgress {
  return {
    id: run.id,
    status: run.status,
    active: isActiveBackfillStatus(run.status),
    objectCount: run.objectCount,
    linesImported: run.linesImported,
    fraction: run.objectCount > 0 ? Math.min(1, run.linesImported / run.objectCount) : null,
    onlyLast60Days: run.onlyLast60Days,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    error: run.error,
  };
}
