import type { Db } from "~/db.server";
import type { BulkLineItem } from "~/backfill/bulk-lines";
import { bulkUpsert } from "./bulk-upsert.server";

/**
 * Backfill line items, written apart from their orders (they may come first in the file). An item
 * already stored (e.g. from a newer webhook version of the order) is left as it is.
 */
export async function insertLineItemsIfAbsent(db: Db, shop: string, items: BulkLineItem[]): Promise<void> {
  if (items.length === 0) return;
  await bulkUpsert(db, {
    table: "LineItem",
    columns: ["shop", "id", "orderId", "productId", "variantId", "title", "quantity", "priceMinor"],
    rows: items.map((li) => [shop, li.id, li.orderId, li.productId, li.variantId, li.title, li.quantity, BigInt(li.priceMinor)]),
    conflict: ["shop", "id"],
  });
}
