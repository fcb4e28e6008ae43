// The order's subtotal and discount codes through the real pipeline (SQLite): stored from signed webhooks and
// from the backfill's bulk file (as the Admin API double writes it), points earned on the merchandise only and
// reversed in proportion to the money refunded, a referral code on a first order recorded by the ingest itself,
// and orders in another currency than the shop's left out of the loyalty population.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderNode } from "../../testkit/synthetic-shop/bulk-jsonl";
import type { SyntheticOrder } from "../../testkit/synthetic-shop/model";
import { startApp } from "../support/app-under-test";
import { serveFile } from "../support/bulk-file";
import { orderPayload, refundPayload } from "../support/payloads";
import { installShop } from "../support/shops";
import { sendWebhook } from "../support/webhooks";

type App = Awaited<ReturnType<typeof startApp>>;

const SHOP = "loyalty-fields.myshopify.com";
const REFERRAL_CODE = "REF-FIELDS23";
let app: App;
let population: typeof import("~/data/loyalty-population.server");
const dir = path.resolve(".tmp", `loyalty-fields-${process.pid}`);

beforeAll(async () => {
  app = await startApp();
  population = await import("~/data/loyalty-population.server");
  mkdirSync(dir, { recursive: true });
  await installShop(app.db, SHOP, { currencyCode: "USD", ianaTimezone: "UTC" });
  const programs = await import("~/data/loyalty-program.server");
  const saved = await programs.saveProgramSettings(app.db, SHOP, {
    settings: { enabled: true, currencyCode: "USD", earning: { pointsPerCurrencyUnit: 1, rounding: "down" } },
    effectiveFromMs: Date.UTC(2024, 0, 1),
  });
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  const referral = await programs.saveReferralConfig(app.db, SHOP, {
    enabled: true,
    referrerRewardPoints: 200,
    refundWindowDays: 14,
    friendDiscount: { kind: "percentage", percent: 15 },
    friendRewardText: "15% off your first order",
  });
  if (!referral.ok) throw new Error(JSON.stringify(referral.errors));
  // A member whose referral code exists (as ensureReferralCode leaves it once Shopify created the discount).
  await app.db.loyaltyMember.create({ data: { shop: SHOP, customerId: "7000", referralCode: REFERRAL_CODE, evaluatedAt: new Date(0) } });
});
afterAll(async () => {
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const deliver = async (topic: string, body: unknown) => {
  const response = await sendWebhook(app.baseUrl, { topic, shop: SHOP, body });
  expect(response.status).toBe(200);
  await app.drained();
};
const storedOrder = (id: string) => app.db.order.findUnique({ where: { shop_id: { shop: SHOP, id } } });
const stream = (orderId: string) =>
  app.db.pointsEntry.findMany({ where: { shop: SHOP, orderId, kind: { in: ["earn", "reverse"] } }, orderBy: { key: "asc" } });

/** A payload in the shop money `currency` (the fixture's amounts otherwise). */
function inCurrency(body: Record<string, unknown>, currency: string): Record<string, unknown> {
  const sets = ["total_price_set", "subtotal_price_set", "current_subtotal_price_set"];
  for (const key of sets) (body[key] as { shop_money: { currency_code: string } }).shop_money.currency_code = currency;
  return { ...body, currency };
}

describe("signed webhooks", () => {
  it("stores the subtotal as placed and the codes, and a later version without them keeps them", async () => {
    const body = orderPayload({
      id: 61001,
      customerId: 6101,
      total: "110.00",
      subtotal: "100.00",
      discountCodes: ["SPRING10", " spring10 ", "SPRING10", "VIP"],
      createdAt: "2025-05-01T10:00:00Z",
    });
    // After a return Shopify's current subtotal drops; the placed one does not.
    (body.current_subtotal_price_set as { shop_money: { amount: string } }).shop_money.amount = "60.00";
    body.current_subtotal_price = "60.00";
    await deliver("orders/create", body);
    expect(await storedOrder("61001")).toMatchObject({ totalMinor: 11000n, subtotalMinor: 10000n });
    expect(JSON.parse((await storedOrder("61001"))?.discountCodes ?? "null")).toEqual(["SPRING10", "spring10", "VIP"]);

    const later = { ...body, updated_at: "2025-05-02T10:00:00Z", financial_status: "partially_refunded" };
    for (const key of ["subtotal_price", "subtotal_price_set", "current_subtotal_price", "current_subtotal_price_set", "discount_codes"])
      delete (later as Record<string, unknown>)[key];
    await deliver("orders/updated", later);
    expect(await storedOrder("61001")).toMatchObject({ financialStatus: "partially_refunded", subtotalMinor: 10000n });
    expect(JSON.parse((await storedOrder("61001"))?.discountCodes ?? "null")).toEqual(["SPRING10", "spring10", "VIP"]);
  });

  it("earns on the merchandise only (not shipping) and reverses in proportion to the money refunded", async () => {
    // 100.00 of merchandise + 10.00 shipping: 100 points, on a basis of 10000.
    await deliver(
      "orders/create",
      orderPayload({ id: 61002, customerId: 6102, total: "110.00", subtotal: "100.00", createdAt: "2025-05-03T10:00:00Z" }),
    );
    const earned = await stream("61002");
    expect(earned).toHaveLength(1);
    expect(earned[0]).toMatchObject({ kind: "earn", points: 100, basisMinor: 10000n });
    // Half of the money back (55.00 of 110.00): half the points go.
    await deliver("refunds/create", refundPayload({ id: 62002, orderId: 61002, amount: "55.00", createdAt: "2025-05-05T10:00:00Z" }));
    const after = await stream("61002");
    expect(after.map((e) => [e.kind, e.points])).toEqual([
      ["earn", 100],
      ["reverse", -50],
    ]);
    // The rest of it: nothing kept.
    await deliver("refunds/create", refundPayload({ id: 62003, orderId: 61002, amount: "55.00", createdAt: "2025-05-06T10:00:00Z" }));
    expect((await stream("61002")).reduce((sum, e) => sum + e.points, 0)).toBe(0);
  });

  it("earns on the total for an order that carries no subtotal (stored before the column existed)", async () => {
    const body = orderPayload({ id: 61003, customerId: 6103, total: "42.00", createdAt: "2025-05-07T10:00:00Z" });
    for (const key of ["subtotal_price", "subtotal_price_set", "current_subtotal_price", "current_subtotal_price_set"]) delete body[key];
    await deliver("orders/create", body);
    expect(await storedOrder("61003")).toMatchObject({ subtotalMinor: null });
    expect(await stream("61003")).toMatchObject([{ kind: "earn", points: 42, basisMinor: 4200n }]);
  });

  it("records a referral when a new customer's first order uses a member's code (any case)", async () => {
    await deliver(
      "orders/create",
      orderPayload({
        id: 61004,
        customerId: 6104,
        total: "80.00",
        discountCodes: ["WELCOME", REFERRAL_CODE.toLowerCase()],
        createdAt: "2025-05-08T10:00:00Z",
      }),
    );
    const referral = await app.db.referral.findUnique({ where: { shop_referredCustomerId: { shop: SHOP, referredCustomerId: "6104" } } });
    expect(referral).toMatchObject({ referrerCustomerId: "7000", orderId: "61004", code: REFERRAL_CODE, state: "waiting" });
    // A code that is no member's records nothing.
    await deliver("orders/create", orderPayload({ id: 61005, customerId: 6105, total: "80.00", discountCodes: ["REF-NOBODY99"] }));
    expect(await app.db.referral.count({ where: { shop: SHOP, referredCustomerId: "6105" } })).toBe(0);
  });

  it("leaves orders in another currency than the shop's out of the points and the population", async () => {
    await deliver("orders/create", orderPayload({ id: 61006, customerId: 6106, total: "50.00", createdAt: "2025-05-09T10:00:00Z" }));
    await deliver(
      "orders/create",
      inCurrency(orderPayload({ id: 61007, customerId: 6106, total: "500.00", createdAt: "2025-05-10T10:00:00Z" }), "EUR"),
    );
    expect(await storedOrder("61007")).toMatchObject({ currencyCode: "EUR", currencyMismatch: true });
    expect(await stream("61007")).toEqual([]);

    const facts = await population.loadCustomerFacts(app.db, SHOP, ["6106"], "UTC");
    expect([...(facts.get("6106")?.orders.keys() ?? [])]).toEqual(["61006"]);
    const shop = await population.loadShopPopulation(app.db, SHOP, "UTC");
    const k = shop.customerIds.indexOf("6106");
    const columns = shop.population;
    const rows = Array.from({ length: columns.activityStart[k + 1] - columns.activityStart[k] }, (_, i) => columns.activityStart[k] + i);
    expect(rows.map((r) => columns.netSpendMinor[r])).toEqual([5000]);
    expect(rows.map((r) => columns.points[r])).toEqual([50]);
  });
});

describe("backfill import", () => {
  it("stores the subtotal and codes of the double's bulk lines", async () => {
    const shop = "loyalty-fields-bulk.myshopify.com";
    await installShop(app.db, shop, { currencyCode: "USD", ianaTimezone: "UTC" });
    const at = Date.UTC(2024, 5, 1);
    const order = (id: number, shippingMinor: number | undefined, discountCodes: string[] | undefined): SyntheticOrder => ({
      id,
      number: id,
      name: `#${id}`,
      email: null,
      phone: null,
      createdAt: at,
      processedAt: at,
      updatedAt: at + 86_400_000,
      cancelledAt: null,
      cancelReason: null,
      closedAt: null,
      test: false,
      sourceName: "web",
      financialStatus: "PARTIALLY_REFUNDED",
      currencyCode: "USD",
      presentmentCurrencyCode: "USD",
      totalMinor: 12_500,
      presentmentTotalMinor: 12_500,
      shippingMinor,
      discountCodes,
      customer: { id: id + 1, email: null, firstName: null, lastName: null, phone: null, createdAt: at, updatedAt: at },
      lineItems: [],
      refunds: [{ id: id + 2, createdAt: at + 86_400_000, amountMinor: 2_500, note: null, transactionId: id + 3 }],
    });
    const file = path.join(dir, "bulk.jsonl");
    writeFileSync(
      file,
      [orderNode(order(63001, 1_000, ["BULK5", "bulk5 "])), orderNode(order(63002, undefined, undefined))]
        .map((n) => JSON.stringify(n))
        .join("\n") + "\n",
    );
    const served = await serveFile(file);
    try {
      const { importBulkFile } = await import("~/backfill/import-bulk-file.server");
      const result = await importBulkFile(app.db, shop, served.url);
      expect(result).toMatchObject({ ordersImported: 2, badLines: 0 });
    } finally {
      await served.close();
    }
    const stored = await app.db.order.findMany({
      where: { shop },
      orderBy: { id: "asc" },
      select: { id: true, subtotalMinor: true, discountCodes: true },
    });
    // As placed (12,500 − 1,000 shipping), not after the 25.00 refund.
    expect(stored).toEqual([
      { id: "63001", subtotalMinor: 11_500n, discountCodes: JSON.stringify(["BULK5", "bulk5"]) },
      { id: "63002", subtotalMinor: 12_500n, discountCodes: null },
    ]);
  });
});
