// One customer of the shop: profile, historic and predicted value, and the order timeline.
import type { Db } from "~/db.server";
import { shopCurrency } from "./shop.server";

/** The timeline shows the latest orders; the page says how many more there are. */
export const TIMELINE_LIMIT = 100;

export interface TimelineOrder {
  id: string;
  name: string | null;
  processedAt: string;
  totalMinor: string;
  refundedMinor: string;
  netMinor: string;
  financialStatus: string | null;
  cancelled: boolean;
  test: boolean;
}

export interface CustomerDetail {
  currencyCode: string;
  customerId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  deletedAt: string | null;
  redactedAt: string | null;
  orderCount: number;
  grossMinor: string;
  refundedMinor: string;
  netRevenueMinor: string;
  aovMinor: string;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  tenureDays: number;
  expectedPurchases: number | null;
  probabilityAlive: number | null;
  expectedAovMinor: string | null;
  predictedClvMinor: string | null;
  segment: string | null;
  predictedAt: string | null;
  orders: TimelineOrder[];
  /** All orders of the customer, including cancelled and test ones. */
  totalOrders: number;
}

/** Null when the shop has no such customer (neither a profile nor a value row): the page answers 404. */
export async function customerDetail(db: Db, shop: string, customerId: string): Promise<CustomerDetail | null> {
  const [profile, value] = await Promise.all([
    db.customer.findUnique({ where: { shop_id: { shop, id: customerId } } }),
    db.customerValue.findUnique({ where: { shop_customerId: { shop, customerId } } }),
  ]);
  if (!profile && !value) return null;
  const [currencyCode, orders, totalOrders] = await Promise.all([
    shopCurrency(db, shop),
    db.order.findMany({
      where: { shop, customerId },
      orderBy: [{ processedAt: "desc" }, { id: "desc" }],
      take: TIMELINE_LIMIT,
      select: {
        id: true,
        name: true,
        processedAt: true,
        totalMinor: true,
        refundedMinor: true,
        financialStatus: true,
        cancelledAt: true,
        test: true,
      },
    }),
    db.order.count({ where: { shop, customerId } }),
  ]);
  const lastOrderAt = value?.lastOrderAt ?? null;
  return {
    currencyCode,
    customerId,
    firstName: profile?.firstName ?? null,
    lastName: profile?.lastName ?? null,
    email: profile?.email ?? null,
    phone: profile?.phone ?? null,
    deletedAt: profile?.deletedAt?.toISOString() ?? null,
    redactedAt: profile?.redactedAt?.toISOString() ?? null,
    orderCount: value?.orderCount ?? 0,
    grossMinor: (value?.grossMinor ?? 0n).toString(),
    refundedMinor: (value?.refundedMinor ?? 0n).toString(),
    netRevenueMinor: (value?.netRevenueMinor ?? 0n).toString(),
    aovMinor: (value?.aovMinor ?? 0n).toString(),
    firstOrderAt: value?.firstOrderAt?.toISOString() ?? null,
    lastOrderAt: lastOrderAt?.toISOString() ?? null,
    tenureDays: value?.tenureDays ?? 0,
    expectedPurchases: value?.expectedPurchases ?? null,
    probabilityAlive: value?.probabilityAlive ?? null,
    expectedAovMinor: value?.expectedAovMinor?.toString() ?? null,
    predictedClvMinor: value?.predictedClvMinor?.toString() ?? null,
    segment: value?.segment ?? null,
    predictedAt: value?.predictedAt?.toISOString() ?? null,
    orders: orders.map((o) => ({
      id: o.id,
      name: o.name,
      processedAt: o.processedAt.toISOString(),
      totalMinor: o.totalMinor.toString(),
      refundedMinor: o.refundedMinor.toString(),
      netMinor: (o.totalMinor - o.refundedMinor).toString(),
      financialStatus: o.financialStatus,
      cancelled: o.cancelledAt !== null,
      test: o.test,
    })),
    totalOrders,
  };
}
