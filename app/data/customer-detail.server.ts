// One customer of the shop: profile, historic and predicted value, what the model knows of them, and the
// order timeline.
import type { Db } from "~/db.server";
import { shopContext } from "./shop.server";
import { orderProbabilities } from "./order-probability.server";

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

/** The shop's latest model fit, for the sentences that say why a customer has (or has no) prediction. */
export interface LatestFit {
  status: string;
  reason: string | null;
  fittedAt: string;
  asOf: string;
}

export interface CustomerDetail {
  currencyCode: string;
  timeZone: string;
  storeHandle: string;
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
  /** Refunds on orders that do not count (cancelled or test): shown apart, they are in no total above. */
  refundedNotCountedMinor: string;
  /** Cancelled or test orders. */
  notCountedOrders: number;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  tenureDays: number;
  expectedPurchases: number | null;
  probabilityAlive: number | null;
  /** P(at least one order in the next 12 months), from the fit that scored the customer; null when unscored. */
  probabilityOrder: number | null;
  expectedAovMinor: string | null;
  predictedClvMinor: string | null;
  /** 10th–90th percentile of the orders over the next 12 months, when the model gives one. */
  purchasesLow: number | null;
  purchasesHigh: number | null;
  /** 10th–90th percentile of the predicted value, when the model gives one. */
  clvLowMinor: string | null;
  clvHighMinor: string | null;
  segment: string | null;
  predictedAt: string | null;
  latestFit: LatestFit | null;
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
  const [context, orders, totalOrders, notCounted, latestFit, probabilities] = await Promise.all([
    shopContext(db, shop),
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
    db.order.aggregate({
      where: { shop, customerId, OR: [{ cancelledAt: { not: null } }, { test: true }] },
      _count: { _all: true },
      _sum: { refundedMinor: true },
    }),
    db.modelFit.findFirst({
      where: { shop },
      orderBy: { fittedAt: "desc" },
      select: { status: true, reason: true, fittedAt: true, asOf: true },
    }),
    orderProbabilities(db, shop, [
      {
        customerId,
        modelFitId: value?.modelFitId ?? null,
        predictedAt: value?.predictedAt?.toISOString() ?? null,
        probabilityOrder12m: value?.probabilityOrder12m ?? null,
        orderCount: value?.orderCount,
        firstOrderAt: value?.firstOrderAt?.toISOString() ?? null,
      },
    ]),
  ]);
  const lastOrderAt = value?.lastOrderAt ?? null;
  return {
    currencyCode: context.currencyCode,
    timeZone: context.timeZone,
    storeHandle: context.storeHandle,
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
    refundedNotCountedMinor: (notCounted._sum.refundedMinor ?? 0n).toString(),
    notCountedOrders: notCounted._count._all,
    firstOrderAt: value?.firstOrderAt?.toISOString() ?? null,
    lastOrderAt: lastOrderAt?.toISOString() ?? null,
    tenureDays: value?.tenureDays ?? 0,
    expectedPurchases: value?.expectedPurchases ?? null,
    probabilityAlive: value?.probabilityAlive ?? null,
    probabilityOrder: probabilities.get(customerId) ?? null,
    expectedAovMinor: value?.expectedAovMinor?.toString() ?? null,
    predictedClvMinor: value?.predictedClvMinor?.toString() ?? null,
    purchasesLow: value?.purchasesLow ?? null,
    purchasesHigh: value?.purchasesHigh ?? null,
    clvLowMinor: value?.clvLowMinor?.toString() ?? null,
    clvHighMinor: value?.clvHighMinor?.toString() ?? null,
    segment: value?.segment ?? null,
    predictedAt: value?.predictedAt?.toISOString() ?? null,
    latestFit: latestFit
      ? {
          status: latestFit.status,
          reason: latestFit.reason,
          fittedAt: latestFit.fittedAt.toISOString(),
          asOf: latestFit.asOf.toISOString(),
        }
      : null,
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
