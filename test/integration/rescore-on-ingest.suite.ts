// Re-scoring on ingest, run against each database: a shop's history arrives as signed webhooks, the shop is
// fitted, and from then on every order change re-scores its customer with the stored fit in the worker's
// ingest transaction, before anything else reads the customer (issue 12, item 1).
import { afterAll, beforeAll, expect, it } from "vitest";
import type { CustomerValue } from "@prisma/client";
import type { startApp } from "../support/app-under-test";
import { orderPayload, refundPayload } from "../support/payloads";
import { installShop } from "../support/shops";
import { sendWebhook } from "../support/webhooks";
import { syntheticOrders, webhookEvents } from "../../testkit/synthetic-shop";
import { summarizeTransactions } from "../../app/clv/summary";
import { prepareScoring, scoreSummaries, type CustomerPrediction, type ScoringFit } from "../../app/clv/score-customer";

const DAY = 86_400_000;

export function rescoreOnIngestSuite(start: () => ReturnType<typeof startApp>) {
  const SHOP = "rescore-shop.myshopify.com";
  const UNFITTED = "rescore-unfitted.myshopify.com";
  let app: Awaited<ReturnType<typeof startApp>>;
  let fitId: string;
  let fitAsOf: Date;

  const value = (customerId: string, shop = SHOP) =>
    app.db.customerValue.findUniqueOrThrow({ where: { shop_customerId: { shop, customerId } } });

  async function deliver(topic: string, body: unknown, shop = SHOP) {
    const response = await sendWebhook(app.baseUrl, { topic, shop, body });
    expect(response.status, response.text).toBe(200);
  }

  /** What the stored fit says for the customer at `asOf`, computed here from their orders with the pure scoring. */
  async function scoredWithStoredFit(customerId: string, asOf: Date): Promise<CustomerPrediction> {
    const fit = await app.db.modelFit.findUniqueOrThrow({ where: { id: fitId } });
    const scoring = (JSON.parse(fit.params) as { scoring: ScoringFit }).scoring;
    const orders = await app.db.order.findMany({
      where: { shop: SHOP, customerId, cancelledAt: null, test: false, currencyMismatch: false },
      orderBy: { id: "asc" },
    });
    const purchases = orders.filter((o) => o.totalMinor > o.refundedMinor && o.processedAt <= asOf);
    const summary = summarizeTransactions(
      {
        customerKeys: purchases.map(() => customerId),
        timesMs: purchases.map((o) => o.processedAt.getTime()),
        amounts: purchases.map((o) => Number(o.totalMinor - o.refundedMinor) / 100),
      },
      { calibrationEndMs: asOf.getTime(), timeZone: scoring.timeZone, period: scoring.period },
    );
    expect(summary.count).toBe(1);
    const [prediction] = scoreSummaries(prepareScoring(scoring), {
      ...summary,
      daysSinceLastPurchase: [summary.calibrationEndDay - summary.lastPurchaseDay[0]],
    });
    return prediction;
  }

  const minor = (major: number | null) => (major === null ? null : BigInt(Math.round(major * 100)));

  /**
   * Money columns agree to the minor unit, give or take one: re-scoring adds a customer's amounts exactly (integer
   * minor units), the refit and the pure scoring here as floats in major units, so the two expected order values
   * differ in the last bits and, when one lands on half a cent, round to neighbouring cents.
   */
  const MONEY_COLUMNS: ReadonlySet<string> = new Set(["expectedAovMinor", "predictedClvMinor", "clvLowMinor", "clvHighMinor"]);
  function expectMoney(got: bigint | null, want: bigint | null, label: string) {
    expect(got === null, label).toBe(want === null);
    if (got !== null && want !== null) expect(got - want <= 1n && want - got <= 1n, `${label}: ${got} against ${want}`).toBe(true);
  }

  function expectStored(row: CustomerValue, expected: CustomerPrediction) {
    expect(row.modelFitId).toBe(fitId);
    expect(row.probabilityAlive!).toBeCloseTo(expected.probabilityAlive!, 9);
    expect(row.expectedPurchases!).toBeCloseTo(expected.expectedPurchases!, 9);
    expect(row.probabilityOrder12m!).toBeCloseTo(expected.probabilityOfPurchase!, 9);
    expect(row.purchasesLow).toBe(expected.purchasesLow);
    expect(row.purchasesHigh).toBe(expected.purchasesHigh);
    expectMoney(row.expectedAovMinor, minor(expected.expectedAverageValue), "expectedAovMinor");
    expectMoney(row.predictedClvMinor, minor(expected.predictedClv), "predictedClvMinor");
    expectMoney(row.clvLowMinor, minor(expected.valueLow), "clvLowMinor");
    expectMoney(row.clvHighMinor, minor(expected.valueHigh), "clvHighMinor");
    expect(row.segment).toBe(expected.segment);
  }

  beforeAll(async () => {
    app = await start();
    await installShop(app.db, SHOP, { currencyCode: "USD", ianaTimezone: "America/New_York" });
    await installShop(app.db, UNFITTED, { currencyCode: "USD", ianaTimezone: "America/New_York" });
    // A year and a half of history that ended three weeks ago, delivered as Shopify sends it.
    const orders = syntheticOrders({ seed: 12, customers: 300, endDate: Date.now() - 21 * DAY, spanDays: 540, refundShare: 0 });
    const events = [...webhookEvents(orders, { timeZone: "UTC" })];
    for (let i = 0; i < events.length; i += 50) {
      const statuses = await Promise.all(
        events.slice(i, i + 50).map((e) => sendWebhook(app.baseUrl, { topic: e.topic, shop: SHOP, body: e.body })),
      );
      expect(statuses.filter((s) => s.status !== 200)).toEqual([]);
    }
    await app.drained(120_000);
    const { refitShop } = await import("~/data/refit.server");
    fitAsOf = new Date(Date.now() - 1_000);
    const fit = await refitShop(app.db, SHOP, { asOf: fitAsOf });
    expect(fit.status, fit.reason).toBe("fitted");
    fitId = fit.fitId;
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
  });

  it("re-scores every customer with the stored fit exactly as the refit scored them at the same as-of", async () => {
    const columns = [
      "expectedPurchases",
      "probabilityAlive",
      "expectedAovMinor",
      "predictedClvMinor",
      "segment",
      "modelFitId",
      "probabilityOrder12m",
      "purchasesLow",
      "purchasesHigh",
      "clvLowMinor",
      "clvHighMinor",
    ] as const;
    const refitted = await app.db.customerValue.findMany({ where: { shop: SHOP, modelFitId: fitId }, orderBy: { customerId: "asc" } });
    expect(refitted.length).toBeGreaterThan(100);
    const { rescoreCustomers } = await import("~/data/rescore.server");
    const written = await app.db.$transaction((tx) =>
      rescoreCustomers(
        tx,
        SHOP,
        refitted.map((r) => r.customerId),
        fitAsOf,
      ),
    );
    expect(written).toBe(refitted.length);
    const rescored = await app.db.customerValue.findMany({ where: { shop: SHOP, modelFitId: fitId }, orderBy: { customerId: "asc" } });
    expect(rescored.map((r) => r.customerId)).toEqual(refitted.map((r) => r.customerId));
    rescored.forEach((row, i) => {
      for (const column of columns) {
        const want = refitted[i][column];
        const got = row[column];
        if (typeof want === "number") expect(Math.abs((got as number) - want), `${column} of ${row.customerId}`).toBeLessThanOrEqual(1e-9);
        else if (MONEY_COLUMNS.has(column)) expectMoney(got as bigint | null, want as bigint | null, `${column} of ${row.customerId}`);
        else expect(got, `${column} of ${row.customerId}`).toEqual(want);
      }
      expect(row.predictedAt).toEqual(fitAsOf);
    });
  });

  let lapsedId: string;
  let afterOrder: CustomerValue;

  it("re-scores a lapsed customer the moment a new order arrives", async () => {
    // The repeat buyer who has gone longest without an order.
    const [lapsed] = await app.db.customerValue.findMany({
      where: { shop: SHOP, modelFitId: fitId, orderCount: { gte: 3 } },
      orderBy: [{ lastOrderAt: "asc" }, { customerId: "asc" }],
      take: 1,
    });
    lapsedId = lapsed.customerId;
    expect(["At risk", "Can't lose", "Hibernating", "Lost", "About to sleep"]).toContain(lapsed.segment);

    const at = new Date(Date.now() - 3_600_000).toISOString();
    await deliver("orders/create", orderPayload({ id: 880_001, customerId: lapsedId, total: "55.00", createdAt: at }));
    await app.drained();

    afterOrder = await value(lapsedId);
    expect(afterOrder.orderCount).toBe(lapsed.orderCount + 1);
    expect(afterOrder.predictedAt!.getTime()).toBeGreaterThan(fitAsOf.getTime());
    expect(afterOrder.predictedAt!.getTime()).toBeGreaterThanOrEqual(afterOrder.computedAt!.getTime() - 1_000);
    expect(afterOrder.probabilityAlive!).toBeGreaterThan(lapsed.probabilityAlive! + 0.05);
    expect(afterOrder.expectedPurchases!).toBeGreaterThan(lapsed.expectedPurchases!);
    expect(afterOrder.predictedClvMinor! > lapsed.predictedClvMinor!).toBe(true);
    expect(["Champions", "Loyal", "Potential loyalist"]).toContain(afterOrder.segment);
    expectStored(afterOrder, await scoredWithStoredFit(lapsedId, afterOrder.predictedAt!));
  });

  it("re-scores on a refund too: refunded in full, the order no longer counts", async () => {
    await deliver("refunds/create", refundPayload({ id: 990_001, orderId: 880_001, amount: "55.00", createdAt: new Date().toISOString() }));
    await app.drained();
    const row = await value(lapsedId);
    expect(row.netRevenueMinor).toBe(afterOrder.netRevenueMinor - 5500n);
    expect(row.predictedAt!.getTime()).toBeGreaterThan(afterOrder.predictedAt!.getTime());
    expect(row.probabilityAlive!).toBeLessThan(afterOrder.probabilityAlive!);
    expectStored(row, await scoredWithStoredFit(lapsedId, row.predictedAt!));
  });

  it("scores a new customer's first order with the fit", async () => {
    const at = new Date(Date.now() - 600_000).toISOString();
    await deliver("orders/create", orderPayload({ id: 880_002, customerId: 77_000_001, total: "30.00", createdAt: at }));
    await app.drained();
    const row = await value("77000001");
    expect(row.segment).toBe("New");
    expectStored(row, await scoredWithStoredFit("77000001", row.predictedAt!));
  });

  it("leaves the row alone on an update that changes nothing it reads, and re-scores on one that does", async () => {
    const createdAt = new Date(Date.now() - 300_000).toISOString();
    const order = { id: 880_003, customerId: 77_000_002, total: "40.00", createdAt };
    await deliver("orders/create", orderPayload(order));
    await app.drained();
    const created = await value("77000002");
    expect(created.orderCount).toBe(1);

    // Fulfilled, tagged, marked paid: a newer version whose total, dates, status and customer are the same.
    await deliver(
      "orders/updated",
      orderPayload({ ...order, updatedAt: new Date(Date.now() - 120_000).toISOString(), email: "new@example.com" }),
    );
    await app.drained();
    const stored = await app.db.order.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: "880003" } } });
    expect(stored.email).toBe("new@example.com"); // the new version was written
    expect(await value("77000002")).toEqual(created);

    // An edit that changes the total: recomputed and re-scored.
    await deliver("orders/updated", orderPayload({ ...order, total: "65.00", updatedAt: new Date(Date.now() - 60_000).toISOString() }));
    await app.drained();
    const edited = await value("77000002");
    expect(edited.netRevenueMinor).toBe(6500n);
    expect(edited.computedAt!.getTime()).toBeGreaterThan(created.computedAt!.getTime());
    expect(edited.predictedAt!.getTime()).toBeGreaterThan(created.predictedAt!.getTime());
    expectStored(edited, await scoredWithStoredFit("77000002", edited.predictedAt!));
  });

  it("takes the prediction away when a customer's only order is refunded in full, as the refit does", async () => {
    const [oneTime] = await app.db.customerValue.findMany({
      where: { shop: SHOP, modelFitId: fitId, orderCount: 1, netRevenueMinor: { gt: 0 } },
      orderBy: { customerId: "asc" },
      take: 1,
    });
    const order = await app.db.order.findFirstOrThrow({ where: { shop: SHOP, customerId: oneTime.customerId } });
    const amount = (Number(order.totalMinor) / 100).toFixed(2);
    await deliver("refunds/create", refundPayload({ id: 990_002, orderId: order.id, amount, createdAt: new Date().toISOString() }));
    await app.drained();
    const row = await value(oneTime.customerId);
    expect(row.netRevenueMinor).toBe(0n);
    expect(row).toMatchObject({
      modelFitId: null,
      probabilityAlive: null,
      predictedClvMinor: null,
      segment: null,
      probabilityOrder12m: null,
    });
  });

  it("after a refit, re-scores the customers whose values changed while it fitted", async () => {
    // A customer recomputed by an ingest that committed after the refit read the orders: the refit's row for
    // them predates that order. Here: a stale prediction on a row recomputed "later".
    const [changed] = await app.db.customerValue.findMany({ where: { shop: SHOP, modelFitId: fitId, orderCount: { gte: 2 } }, take: 1 });
    const readAt = new Date();
    await app.db.customerValue.update({
      where: { shop_customerId: { shop: SHOP, customerId: changed.customerId } },
      data: { computedAt: new Date(readAt.getTime() + 1_000), probabilityAlive: 0.123, segment: "Lost" },
    });
    const { rescoreChangedSince } = await import("~/data/rescore.server");
    expect(await rescoreChangedSince(app.db, SHOP, readAt)).toBe(1);
    const row = await value(changed.customerId);
    expectStored(row, await scoredWithStoredFit(changed.customerId, row.predictedAt!));
  });

  it("leaves predictions empty for a shop without a fit", async () => {
    await deliver("orders/create", orderPayload({ id: 1, customerId: 5, total: "20.00", createdAt: "2026-01-05T10:00:00Z" }), UNFITTED);
    await deliver("orders/create", orderPayload({ id: 2, customerId: 5, total: "25.00", createdAt: "2026-02-05T10:00:00Z" }), UNFITTED);
    await app.drained();
    const row = await value("5", UNFITTED);
    expect(row.orderCount).toBe(2);
    expect(row).toMatchObject({
      modelFitId: null,
      predictedAt: null,
      probabilityAlive: null,
      expectedPurchases: null,
      predictedClvMinor: null,
      probabilityOrder12m: null,
      segment: null,
    });
  });
}
