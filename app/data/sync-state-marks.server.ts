// Marks customers for a Shopify write-back channel (ShopifySyncState: dirty, and "changed since the last claim",
// syncedAt null). The ingest's loyalty step marks every customer of a batch: as a plain multi-row upsert that is
// six parameters a row, and parameters, not statements, are what the driver spends its time on (profiled: a
// 200-row batch's marks cost as much as its whole points insert). Here the ids travel as one JSON parameter and
// the shop and channel once per statement (json-rows.server.ts); `WHERE true` lets SQLite tell the upsert's
// ON CONFLICT from a join's ON. A row already marked (dirty, syncedAt null) is left as it is: rewriting it would
// change nothing but cost the database a row and index write (most of a busy shop's customers are marked
// between two write-backs).
import type { Prisma } from "@prisma/client";
import { constant, jsonIdList } from "./json-rows.server";
import { executeRaw, sql } from "./sql.server";

const PER_STATEMENT = 5_000;

/** Marks the customers dirty on `channel` (written stays as it is; new rows start from nothing written). */
export async function markSyncDirty(
  tx: Prisma.TransactionClient,
  shop: string,
  channel: string,
  customerIds: Iterable<string>,
): Promise<number> {
  // Sorted: concurrent batches then lock the rows in one order.
  const ids = [...new Set(customerIds)].sort();
  for (let i = 0; i < ids.length; i += PER_STATEMENT) {
    await executeRaw(
      tx,
      sql`INSERT INTO "ShopifySyncState" ("shop", "customerId", "channel", "written", "dirty")
          SELECT ${constant(shop, "text")}, ids."id", ${constant(channel, "text")}, ${constant("{}", "text")}, ${constant(true, "bool")}
            FROM (${jsonIdList(ids.slice(i, i + PER_STATEMENT))}) AS ids
           WHERE true
          ON CONFLICT ("shop", "customerId", "channel") DO UPDATE SET "dirty" = excluded."dirty", "syncedAt" = NULL
           WHERE "ShopifySyncState"."dirty" = false OR "ShopifySyncState"."syncedAt" IS NOT NULL`,
    );
  }
  return ids.length;
}
