// Read models for the admin pages. Every query is filtered by the session's shop.
import type { Db } from "~/db.server";
import { countedOrders } from "./customer-values.server";

export interface TopCustomer {
  customerId: string;
  name: string | null;
  email: string | null;
  orderCount: number;
  netRevenueMinor: string;
  predictedClvMinor: string | null;
  lastOrderAt: string | null;
}

export interface SyncOverview {
  currencyCode: string;
  ordersSynced: number;
  customersWithOrders: number;
  netRevenueMinor: string;
  topCustomers: TopCustomer[];
  lastWebhookAt: string | null;
}

export async function syncOverview(db: Db, shop: string): Promise<SyncOverview> {
  const [shopRow, ordersSynced, customersWithOrders, revenue, top, lastDelivery, anyOrder] = await Promise.all([
    db.shop.findUnique({ where: { shop }, select: { currencyCode: true } }),
    db.order.count({ where: { shop } }),
    db.customerValue.count({ where: { shop, orderCount: { gt: 0 } } }),
    db.order.aggregate({ where: countedOrders(shop), _sum: { totalMinor: true, refundedMinor: true } }),
    db.customerValue.findMany({
      where: { shop, orderCount: { gt: 0 } },
      orderBy: [{ netRevenueMinor: "desc" }, { customerId: "asc" }],
      take: 10,
    }),
    db.webhookDelivery.findFirst({ where: { shop }, orderBy: { processedAt: "desc" }, select: { processedAt: true } }),
    db.order.findFirst({ where: { shop }, select: { currencyCode: true } }),
  ]);
  const profiles = await db.customer.findMany({
    where: { shop, id: { in: top.map((t) => t.customerId) } },
    select: { id: true, firstName: true, lastName: true, email: true },
  });
  const byId = new Map(profiles.map((p) => [p.id, p]));
  const net = (revenue._sum.totalMinor ?? 0n) - (revenue._sum.refundedMinor ?? 0n);
  return {
    currencyCode: shopRow?.currencyCode ?? anyOrder?.currencyCode ?? "USD",
    ordersSynced,
    customersWithOrders,
    netRevenueMinor: net.toString(),
    lastWebhookAt: lastDelivery?.processedAt.toISOString() ?? null,
    topCustomers: top.map((t) => {
      const p = byId.get(t.customerId);
      const name = [p?.firstName, p?.lastName].filter(Boolean).join(" ");
      return {
        customerId: t.customerId,
        name: name || null,
        email: p?.email ?? null,
        orderCount: t.orderCount,
        netRevenueMinor: t.netRevenueMinor.toString(),
        predictedClvMinor: t.predictedClvMinor?.toString() ?? null,
        lastOrderAt: t.lastOrderAt?.toISOString() ?? null,
      };
    }),
  };
}
