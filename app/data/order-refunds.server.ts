import type { Prisma } from "@prisma/client";
import { databaseProvider } from "~/db.server";
import { executeRaw, join, sql } from "./sql.server";
import { refundInShopMoney } from "~/lib/refunds";

/**
 * Sets each order's refundedMinor to the sum of its stored refunds (in shop money). Orders that do not
 * exist yet are skipped: their refunds wait in the Refund table and are applied when the order arrives.
 * Returns the customers whose orders changed.
 */
export async function recomputeOrderRefunds(tx: Prisma.TransactionClient, shop: string, orderIds: string[]): Promise<string[]> {
  if (orderIds.length === 0) return [];
  // Refunds are never deleted, so an order without refunds keeps refundedMinor = 0: only orders that
  // have refunds need looking at (most batches have none).
  const refunds = await tx.refund.findMany({
    where: { shop, orderId: { in: orderIds } },
    select: { orderId: true, amountMinor: true, currencyCode: true },
  });
  if (refunds.length === 0) return [];
  const orders = await tx.order.findMany({
    where: { shop, id: { in: [...new Set(refunds.map((r) => r.orderId))] } },
    select: {
      id: true,
      customerId: true,
      currencyCode: true,
      totalMinor: true,
      presentmentCurrency: true,
      presentmentTotalMinor: true,
      refundedMinor: true,
    },
  });
  const byOrder = new Map<string, typeof refunds>();
  for (const r of refunds) {
    const list = byOrder.get(r.orderId);
    if (list) list.push(r);
    else byOrder.set(r.orderId, [r]);
  }
  const customers = new Set<string>();
  const changed: [string, bigint][] = [];
  for (const order of orders) {
    let refunded = 0n;
    for (const r of byOrder.get(order.id) ?? []) refunded += refundInShopMoney(r.amountMinor, r.currencyCode, order);
    if (refunded === order.refundedMinor) continue;
    changed.push([order.id, refunded]);
    if (order.customerId) customers.add(order.customerId);
  }
  // One statement per 400 orders instead of one per order.
  const pg = databaseProvider() === "postgresql";
  for (let i = 0; i < changed.length; i += 400) {
    const chunk = changed.slice(i, i + 400);
    const cases = chunk.map(([id, amount]) => (pg ? sql`WHEN ${id} THEN CAST(${amount} AS BIGINT)` : sql`WHEN ${id} THEN ${amount}`));
    await executeRaw(
      tx,
      sql`UPDATE "Order" SET "refundedMinor" = CASE "id" ${join(cases, " ")} END
           WHERE "shop" = ${shop} AND "id" IN (${join(chunk.map(([id]) => id))})`,
    );
  }
  return [...customers];
}
