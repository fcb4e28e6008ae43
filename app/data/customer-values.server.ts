import type { Prisma } from "@prisma/client";
import { historicValue } from "~/lib/historic-value";

/** The orders that count toward a customer's value: not cancelled, not test orders. */
export const countedOrders = (shop: string) => ({ shop, cancelledAt: null, test: false }) satisfies Prisma.OrderWhereInput;

/**
 * Recomputes the historic value of these customers from their orders. Recomputing from the source
 * (rather than adding deltas) is what makes retries, duplicates and reordering harmless.
 */
export async function recomputeCustomerValues(tx: Prisma.TransactionClient, shop: string, customerIds: string[]): Promise<void> {
  if (customerIds.length === 0) return;
  const now = new Date();
  for (let i = 0; i < customerIds.length; i += 500) {
    const chunk = customerIds.slice(i, i + 500);
    const groups = await tx.order.groupBy({
      by: ["customerId"],
      where: { ...countedOrders(shop), customerId: { in: chunk } },
      _count: { _all: true },
      _sum: { totalMinor: true, refundedMinor: true },
      _min: { processedAt: true },
      _max: { processedAt: true },
    });
    const byCustomer = new Map(groups.map((g) => [g.customerId, g]));
    for (const customerId of chunk) {
      const g = byCustomer.get(customerId);
      const value = historicValue({
        orderCount: g?._count._all ?? 0,
        grossMinor: g?._sum.totalMinor ?? 0n,
        refundedMinor: g?._sum.refundedMinor ?? 0n,
        firstOrderAt: g?._min.processedAt ?? null,
        lastOrderAt: g?._max.processedAt ?? null,
      });
      await tx.customerValue.upsert({
        where: { shop_customerId: { shop, customerId } },
        create: { shop, customerId, ...value, computedAt: now },
        update: { ...value, computedAt: now },
      });
    }
  }
}
