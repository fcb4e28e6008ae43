// Hand-made customers for the admin pages' tests: a few customers with exactly the orders a test needs
// (guest orders, cancelled-only customers, fully refunded customers, orders at a month's edge in a time
// zone), their CustomerValue rows computed from those orders as the app defines them, and optionally a
// prediction. Small and explicit, where test/support/seed.ts is large and random.
import type { PrismaClient } from "@prisma/client";
import { historicValue } from "~/lib/historic-value";

export interface HandOrder {
  id: string;
  at: Date;
  totalMinor: bigint;
  refundedMinor?: bigint;
  cancelled?: boolean;
  test?: boolean;
}

export interface HandPrediction {
  probabilityAlive: number | null;
  expectedPurchases: number | null;
  predictedClvMinor: bigint | null;
  segment: string | null;
  predictedAt: Date;
  modelFitId: string;
}

/** Orders without a customer (guest checkouts). */
export async function addGuestOrders(db: PrismaClient, shop: string, orders: HandOrder[]): Promise<void> {
  for (const o of orders) await db.order.create({ data: orderRow(shop, null, o) });
}

function orderRow(shop: string, customerId: string | null, o: HandOrder) {
  const refunded = o.refundedMinor ?? 0n;
  return {
    shop,
    id: o.id,
    customerId,
    name: `#${o.id}`,
    currencyCode: "USD",
    totalMinor: o.totalMinor,
    refundedMinor: refunded,
    financialStatus: refunded === 0n ? "paid" : refunded >= o.totalMinor ? "refunded" : "partially_refunded",
    test: o.test ?? false,
    shopifyCreatedAt: o.at,
    processedAt: o.at,
    shopifyUpdatedAt: o.at,
    cancelledAt: o.cancelled ? new Date(o.at.getTime() + 3_600_000) : null,
  };
}

/** A customer with a profile, these orders, their value row, and the prediction if given. */
export async function addCustomer(
  db: PrismaClient,
  shop: string,
  customer: { id: string; firstName?: string; lastName?: string; email?: string; orders: HandOrder[]; prediction?: HandPrediction },
): Promise<void> {
  await db.customer.create({
    data: {
      shop,
      id: customer.id,
      firstName: customer.firstName ?? null,
      lastName: customer.lastName ?? null,
      email: customer.email ?? null,
    },
  });
  for (const o of customer.orders) await db.order.create({ data: orderRow(shop, customer.id, o) });
  const counted = customer.orders.filter((o) => !o.cancelled && !o.test).sort((a, b) => a.at.getTime() - b.at.getTime());
  const value = historicValue({
    orderCount: counted.length,
    grossMinor: counted.reduce((s, o) => s + o.totalMinor, 0n),
    refundedMinor: counted.reduce((s, o) => s + (o.refundedMinor ?? 0n), 0n),
    firstOrderAt: counted[0]?.at ?? null,
    lastOrderAt: counted.at(-1)?.at ?? null,
  });
  await db.customerValue.create({
    data: {
      shop,
      customerId: customer.id,
      orderCount: value.orderCount,
      grossMinor: value.grossMinor,
      refundedMinor: value.refundedMinor,
      netRevenueMinor: value.netRevenueMinor,
      aovMinor: value.aovMinor,
      firstOrderAt: value.firstOrderAt,
      lastOrderAt: value.lastOrderAt,
      tenureDays: value.tenureDays,
      computedAt: new Date(),
      ...(customer.prediction
        ? {
            probabilityAlive: customer.prediction.probabilityAlive,
            expectedPurchases: customer.prediction.expectedPurchases,
            expectedAovMinor: customer.prediction.predictedClvMinor === null ? null : value.aovMinor,
            predictedClvMinor: customer.prediction.predictedClvMinor,
            segment: customer.prediction.segment,
            predictedAt: customer.prediction.predictedAt,
            modelFitId: customer.prediction.modelFitId,
          }
        : {}),
    },
  });
}

/** A ModelFit row in the shape app/data/refit.server.ts stores (CDNOW's BG/NBD parameters). */
export async function addModelFit(
  db: PrismaClient,
  shop: string,
  fit: { id: string; status?: string; reason?: string | null; asOf: Date; timeZone?: string },
): Promise<void> {
  await db.modelFit.create({
    data: {
      id: fit.id,
      shop,
      status: fit.status ?? "fitted",
      reason: fit.reason ?? null,
      asOf: fit.asOf,
      fittedAt: new Date(fit.asOf.getTime() + 5_000),
      customers: 100,
      repeatCustomers: 40,
      durationMs: 50,
      params: JSON.stringify({
        period: "week",
        timeZone: fit.timeZone ?? "UTC",
        horizonMonths: 12,
        monthlyDiscountRate: 0.01,
        unitsPerMonth: 4.345,
        bgnbd:
          fit.status && fit.status !== "fitted"
            ? null
            : { params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, logLikelihood: -1, converged: true },
        gammaGamma: null,
      }),
    },
  });
}
