// The per-shop refit on the queue, against the pipeline's database: a shop's history arrives as signed
// webhooks, the worker fits the models, and every customer's prediction is readable.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../support/app-under-test";
import { orderPayload } from "../support/payloads";
import { installShops } from "../support/shops";
import { sendWebhook } from "../support/webhooks";
import { syntheticOrders, webhookEvents } from "../../testkit/synthetic-shop";

const SHOP = "refit-shop.myshopify.com";
const TINY = "tiny-shop.myshopify.com";
let app: Awaited<ReturnType<typeof startApp>>;

async function sendAll(events: { topic: string; body: unknown }[], shop: string) {
  for (let i = 0; i < events.length; i += 50) {
    const statuses = await Promise.all(
      events.slice(i, i + 50).map((e) => sendWebhook(app.baseUrl, { topic: e.topic, shop, body: e.body })),
    );
    expect(statuses.filter((s) => s.status !== 200)).toEqual([]);
  }
}

beforeAll(async () => {
  app = await startApp();
  await installShops(app.db, [SHOP, TINY]);
  const orders = syntheticOrders({ seed: 11, customers: 400, endDate: "2026-06-30", spanDays: 540 });
  await sendAll([...webhookEvents(orders, { timeZone: "UTC" })], SHOP);
  await app.db.shop.update({ where: { shop: SHOP }, data: { ianaTimezone: "America/New_York", currencyCode: "USD" } });
  // A shop too small to fit: three customers, one repeat buyer.
  await sendAll(
    [
      orderPayload({ id: 1, customerId: 1, total: "10.00", createdAt: "2026-01-05T10:00:00Z" }),
      orderPayload({ id: 2, customerId: 1, total: "20.00", createdAt: "2026-02-05T10:00:00Z" }),
      orderPayload({ id: 3, customerId: 2, total: "5.00", createdAt: "2026-03-05T10:00:00Z" }),
      orderPayload({ id: 4, customerId: 3, total: "0.00", createdAt: "2026-03-06T10:00:00Z" }),
    ].map((body) => ({ topic: "orders/create", body })),
    TINY,
  );
  await app.drained(60_000);
}, 240_000);
afterAll(async () => {
  await app?.stop();
});

describe("refit job", () => {
  it("fits the shop on the queue and stores every customer's prediction", async () => {
    const { enqueueRefit } = await import("~/queues/queues.server");
    await enqueueRefit({ shop: SHOP, reason: "on_demand" });
    await app.drained(60_000);

    const fit = await app.db.modelFit.findFirstOrThrow({ where: { shop: SHOP }, orderBy: { fittedAt: "desc" } });
    expect(fit.status).toBe("fitted");
    const params = JSON.parse(fit.params);
    expect(params.bgnbd.converged).toBe(true);
    expect(params.timeZone).toBe("America/New_York");

    const values = await app.db.customerValue.findMany({ where: { shop: SHOP, orderCount: { gt: 0 } } });
    expect(values.length).toBeGreaterThan(100);
    expect(fit.customers).toBeGreaterThan(100);
    const predicted = values.filter((v) => v.modelFitId === fit.id);
    expect(predicted.length).toBe(fit.customers);
    for (const v of predicted) {
      expect(v.probabilityAlive).toBeGreaterThanOrEqual(0);
      expect(v.probabilityAlive).toBeLessThanOrEqual(1);
      expect(Number.isFinite(v.expectedPurchases)).toBe(true);
      expect(v.predictedClvMinor).not.toBeNull();
      expect(v.predictedClvMinor! >= 0n).toBe(true);
      expect(v.segment).toBeTruthy();
      // The headline probability and the 80% intervals travel with every prediction.
      expect(v.probabilityOrder12m).toBeGreaterThanOrEqual(0);
      expect(v.probabilityOrder12m).toBeLessThanOrEqual(v.probabilityAlive! + 1e-9);
      expect(v.purchasesLow).toBeLessThanOrEqual(v.purchasesHigh!);
      expect(v.clvLowMinor! <= v.clvHighMinor!).toBe(true);
    }
    // The chosen model and the evidence behind it are stored with the fit.
    expect(["bgnbd", "mbgnbd", "paretonbd"]).toContain(fit.model);
    const accuracy = JSON.parse(fit.accuracy!);
    expect(accuracy.modelChoice.ranking).toContain(fit.model);
    expect(typeof accuracy.modelChoice.reason).toBe("string");
    // Readable per customer, and the same figures a direct analysis of those orders gives.
    const { analyzeShop } = await import("~/clv");
    const { loadOrderTransactions } = await import("~/data/refit.server");
    const tx = await loadOrderTransactions(app.db, SHOP, "USD");
    const direct = analyzeShop(tx, { asOf: fit.asOf, timeZone: "America/New_York", period: "week" });
    expect(direct.bgnbd!.params.r).toBeCloseTo(params.bgnbd.params.r, 6);
    const sample = direct.customers.row(0);
    const stored = predicted.find((v) => v.customerId === sample.customerKey)!;
    expect(stored.probabilityAlive).toBeCloseTo(sample.probabilityAlive!, 9);
    expect(stored.probabilityOrder12m).toBeCloseTo(sample.probabilityOfPurchase!, 9);
    expect(Number(stored.predictedClvMinor)).toBe(Math.round(sample.predictedClv! * 100));
  });

  it("returns historic values with the reason for a shop too small to fit, and no NaN", async () => {
    const { refitShop } = await import("~/data/refit.server");
    const summary = await refitShop(app.db, TINY);
    expect(summary.status).toBe("insufficient_data");
    expect(summary.reason).toBeTruthy();
    const fit = await app.db.modelFit.findUniqueOrThrow({ where: { id: summary.fitId } });
    expect(fit.reason).toBe(summary.reason);
    const values = await app.db.customerValue.findMany({ where: { shop: TINY } });
    expect(values.find((v) => v.customerId === "1")?.netRevenueMinor).toBe(3000n);
    for (const v of values) {
      expect(v.predictedClvMinor).toBeNull();
      expect(v.probabilityAlive).toBeNull();
    }
  });

  it("is safe to run twice at once: every customer ends on one complete fit", async () => {
    const { refitShop } = await import("~/data/refit.server");
    const [a, b] = await Promise.all([refitShop(app.db, SHOP), refitShop(app.db, SHOP)]);
    const values = await app.db.customerValue.findMany({ where: { shop: SHOP, modelFitId: { not: null } }, select: { modelFitId: true } });
    expect(values.length).toBe(a.customers);
    for (const v of values) expect([a.fitId, b.fitId]).toContain(v.modelFitId);
  });
});
