// Whether a shop's data may be written, and the lock that orders those writes against its redactions.
// A shop counts while it is installed: its Shop row has installedAt and no uninstalledAt. shop/redact
// deletes the row, so a redacted shop stays "not installed" until it installs again (afterAuth →
// markShopInstalled); deliveries for it meanwhile are acknowledged and store nothing.
import type { Prisma } from "@prisma/client";
import { databaseProvider } from "~/db.server";
import { queryRaw, raw, sql } from "./sql.server";

type Tx = Prisma.TransactionClient;

export interface ShopState {
  installed: boolean;
  /** The shop's currency, once known (the backfill reads it from the Admin API). */
  currencyCode: string | null;
}

/**
 * "shared": ingest and the other writes of a shop's data; any number hold it at once.
 * "exclusive": redactions; they wait until every shared holder has committed, and later writers wait for
 * them, so no write can slip in between a redaction and its commit. Any UPDATE of the Shop row (install,
 * uninstall, scopes) also waits for the shared holders and holds later ones back until it commits.
 */
export type ShopLockMode = "shared" | "exclusive";

/**
 * Locks the shop's row until the transaction ends and returns its state; null when there is no row
 * (never installed, or redacted). Take it first in the transaction, before anything is read.
 *
 * PostgreSQL: FOR SHARE / FOR UPDATE on the row. SQLite has one writer at a time: any write statement
 * takes the database's write lock, so both modes are a no-op UPDATE (it takes the lock even when no row
 * matches).
 */
export async function lockShop(tx: Tx, shop: string, mode: ShopLockMode): Promise<ShopState | null> {
  const statement =
    databaseProvider() === "postgresql"
      ? sql`SELECT "installedAt", "uninstalledAt", "currencyCode" FROM "Shop" WHERE "shop" = ${shop} ${raw(
          mode === "exclusive" ? "FOR UPDATE" : "FOR SHARE",
        )}`
      : sql`UPDATE "Shop" SET "shop" = "shop" WHERE "shop" = ${shop} RETURNING "installedAt", "uninstalledAt", "currencyCode"`;
  const [row] = await queryRaw<{ installedAt: unknown; uninstalledAt: unknown; currencyCode: string | null }>(tx, statement);
  if (!row) return null;
  return { installed: row.installedAt != null && row.uninstalledAt == null, currencyCode: row.currencyCode };
}
