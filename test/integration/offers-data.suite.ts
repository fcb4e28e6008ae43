// Cross-sell storage on a real database (SQLite: offers-data.test.ts; PostgreSQL: offers-data-postgres.test.ts):
// the mining run from Order/LineItem on a hand-checked basket set, the merchant's verdicts across runs,
// personal lists of published products only, attribution from LineItem.offerId, the holdout exposures and
// the program report, and product search; every figure is worked out by hand (or by independent code)
// here, and a second shop's orders must change none of them.
import { createHash } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SHOP = "mine-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";
const DAY = 86_400_000;
const NOW = new Date(Date.UTC(2026, 10, 20, 12));
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

interface Basket {
  id: string;
  customer: string | null;
  products: string[];
  daysAgo: number;
  test?: boolean;
  cancelled?: boolean;
  /** Line items added from an offer: product id → offer id. */
  offers?: Record<string, string>;
  priceMinor?: number;
}

// Products A=11, B=12, C=13, D=14, E=15. Customers 101…107.
const BASKETS: Basket[] = [
  { id: "1001", customer: "101", products: ["11", "12"], daysAgo: 40 },
  { id: "1002", customer: "102", products: ["11", "12"], daysAgo: 39 },
  { id: "1003", customer: "103", products: ["11", "12", "12"], daysAgo: 38 }, // B twice: counts once
  { id: "1004", customer: "104", products: ["11", "12"], daysAgo: 37 },
  { id: "1005", customer: "105", products: ["11", "12", "15"], daysAgo: 36 },
  { id: "1006", customer: null, products: ["11", "13"], daysAgo: 35 },
  { id: "1007", customer: null, products: ["11", "13"], daysAgo: 34 },
  { id: "1008", customer: null, products: ["12", "13"], daysAgo: 33 },
  { id: "1009", customer: "106", products: ["14"], daysAgo: 32 },
  { id: "1010", customer: "106", products: ["14"], daysAgo: 31 },
  { id: "1011", customer: "106", products: ["14"], daysAgo: 30 },
  { id: "1012", customer: "107", products: ["11"], daysAgo: 29 },
  { id: "1013", customer: "101", products: ["11", "12"], daysAgo: 28, test: true },
  { id: "1014", customer: "102", products: ["11", "12"], daysAgo: 27, cancelled: true },
  // Outside the 12-month window: not mined (but part of customer 107's history).
  { id: "1015", customer: "107", products: ["11", "12"], daysAgo: 400 },
];

async function seedOrders(db: PrismaClient, shop: string, baskets: Basket[]) {
  let line = 0;
  for (const b of baskets) {
    const at = ago(b.daysAgo);
    const price = b.priceMinor ?? 1_000;
    await db.order.create({
      data: {
        shop,
        id: b.id,
        customerId: b.customer,
        currencyCode: "USD",
        totalMinor: BigInt(price * b.products.length),
        test: b.test ?? false,
        cancelledAt: b.cancelled ? at : null,
        shopifyCreatedAt: at,
        processedAt: at,
        shopifyUpdatedAt: at,
      },
    });
    for (const productId of b.products) {
      line++;
      await db.lineItem.create({
        data: {
          shop,
          id: `${b.id}-${line}`,
          orderId: b.id,
          productId,
          quantity: 1,
          priceMinor: BigInt(price),
          offerId: b.offers?.[productId] ?? null,
        },
      });
    }
  }
}

async function seedProducts(db: PrismaClient, shop: string, ids: string[], unpublished: string[] = []) {
  for (const id of ids) {
    await db.product.create({
      data: {
        shop,
        id,
        title: `Product ${String.fromCharCode(54 + Number(id))}`,
        handle: `product-${id}`,
        status: "ACTIVE",
        publishedAt: unpublished.includes(id) ? null : ago(500),
        updatedAt: ago(500),
      },
    });
  }
}

/** The holdout hash, written here from its definition (docs/offers.md) rather than taken from the app. */
function armOf(salt: string, customerId: string, key: string, share: number): "holdout" | "treatment" {
  const bucket = createHash("sha256").update(`${salt}:${customerId}:${key}`).digest("hex").slice(0, 4);
  const threshold = Math.floor(share * 65536)
    .toString(16)
    .padStart(4, "0");
  return bucket < threshold ? "holdout" : "treatment";
}

export function offersDataSuite(start: () => Promise<{ db: PrismaClient; stop: () => Promise<void> }>) {
  let db: PrismaClient;
  let stop: () => Promise<void>;
  let data: {
    mining: typeof import("~/data/offers-mining.server");
    offers: typeof import("~/data/offers.server");
    experiments: typeof import("~/data/experiments.server");
    attribution: typeof import("~/data/offer-attribution.server");
    products: typeof import("~/data/products.server");
    recommendations: typeof import("~/data/recommendations.server");
    values: typeof import("~/data/customer-values.server");
  };

  beforeAll(async () => {
    ({ db, stop } = await start());
    data = {
      mining: await import("~/data/offers-mining.server"),
      offers: await import("~/data/offers.server"),
      experiments: await import("~/data/experiments.server"),
      attribution: await import("~/data/offer-attribution.server"),
      products: await import("~/data/products.server"),
      recommendations: await import("~/data/recommendations.server"),
      values: await import("~/data/customer-values.server"),
    };
    for (const shop of [SHOP, OTHER]) await db.shop.create({ data: { shop, currencyCode: "USD", installedAt: ago(600) } });
    await seedOrders(db, SHOP, BASKETS);
    await seedProducts(db, SHOP, ["11", "12", "13", "14", "15"]);
    // The neighbour shop: the same product ids, bought in other pairs, and its own customer 101.
    await seedOrders(
      db,
      OTHER,
      Array.from({ length: 30 }, (_, i) => ({ id: `9${i}`, customer: "101", products: ["11", "13"], daysAgo: 10 + i })),
    );
    await seedProducts(db, OTHER, ["11", "12", "13"]);
    await data.values.recomputeAllCustomerValues(db, SHOP);
    await data.values.recomputeAllCustomerValues(db, OTHER);
    // Predicted 12-month values (minor units) of the pair's buyers and the rest.
    const predicted: Record<string, number> = {
      "101": 1_000,
      "102": 2_000,
      "103": 3_000,
      "104": 4_000,
      "105": 5_000,
      "106": 500,
      "107": 2_500,
    };
    for (const [customerId, value] of Object.entries(predicted)) {
      await db.customerValue.update({ where: { shop_customerId: { shop: SHOP, customerId } }, data: { predictedClvMinor: BigInt(value) } });
    }
  });

  afterAll(async () => {
    await stop?.();
  });

  describe("mining from the database", () => {
    it("mines the counted orders of the window into directional suggestions, figures as worked out by hand", async () => {
      const summary = await data.mining.mineShop(db, SHOP, NOW);
      // Counted in the window: 1001–1012 (12 orders); 1013 test, 1014 cancelled, 1015 too old.
      expect(summary.orders).toBe(12);
      expect(summary.pairs).toBe(1);
      const rows = await db.offerSuggestion.findMany({ where: { shop: SHOP }, orderBy: { productId: "asc" } });
      expect(rows.map((r) => [r.productId, r.offeredProductId])).toEqual([
        ["11", "12"],
        ["12", "11"],
      ]);
      // N = 12, n_A = 8 (1001–1007, 1012), n_B = 6 (1001–1005, 1008), both in 5.
      const [ab, ba] = rows;
      expect(ab.orders).toBe(5);
      expect(ab.support).toBeCloseTo(5 / 12, 12);
      expect(ab.confidence).toBeCloseTo(5 / 8, 12);
      expect(ba.confidence).toBeCloseTo(5 / 6, 12);
      expect(ab.lift).toBeCloseTo((5 * 12) / (8 * 6), 12);
      // Shrunk toward 1 with α = 5: (c + α) / (E + α), E = 8 · 6 / 12 = 4.
      expect(ab.shrunkLift).toBeCloseTo(10 / 9, 12);
      // Buyers 101–105 (one order each): mean 3,000; the shop's mean over all 7 predictions.
      expect(ab.buyersMeanClvMinor).toBe(3_000n);
      const shopMean = (1_000 + 2_000 + 3_000 + 4_000 + 5_000 + 500 + 2_500) / 7;
      const index = (15_000 + 5 * shopMean) / ((5 + 5) * shopMean);
      expect(ab.valueScore).toBeCloseTo(Math.log(10 / 9) * index, 12);
      expect(rows.every((r) => r.verdict === "new" && r.minedAt.getTime() === NOW.getTime())).toBe(true);
    });

    it("recommends to the shopper who bought A alone the product bought with it, published products only", async () => {
      // Customer 107 bought A (and, long ago, A and B: still their history, so B is "already bought").
      // Customers 101–105 bought both; 106 bought D only, which pairs with nothing.
      const lists = await db.customerRecommendation.findMany({ where: { shop: SHOP } });
      expect(lists).toEqual([]);
      await db.order.delete({ where: { shop_id: { shop: SHOP, id: "1015" } } });
      await data.mining.mineShop(db, SHOP, NOW);
      expect(await data.recommendations.recommendationsOf(db, SHOP, "107")).toEqual(["12"]);
      expect(await db.customerRecommendation.count({ where: { shop: SHOP } })).toBe(1);

      // B unpublished: no list for anyone, and the stale one is removed.
      await db.product.update({ where: { shop_id: { shop: SHOP, id: "12" } }, data: { publishedAt: null } });
      await data.mining.mineShop(db, SHOP, NOW);
      expect(await db.customerRecommendation.findMany({ where: { shop: SHOP } })).toEqual([]);
      await db.product.update({ where: { shop_id: { shop: SHOP, id: "12" } }, data: { publishedAt: ago(500) } });
    });

    it("keeps the merchant's verdicts across runs; a rejected pair stays rejected when it is no longer mined", async () => {
      const accepted = await data.offers.acceptSuggestion(db, SHOP, "11", "12", NOW);
      expect(accepted).toMatchObject({ ok: true, offer: { triggerProductIds: ["11"], offeredProductIds: ["12"], source: "suggestion" } });
      expect(await data.offers.rejectSuggestion(db, SHOP, "12", "11")).toBe(true);

      // Two more A+B orders: the statistics change, the verdicts stay.
      await seedOrders(db, SHOP, [
        { id: "1016", customer: "104", products: ["11", "12"], daysAgo: 5 },
        { id: "1017", customer: "105", products: ["11", "12"], daysAgo: 4 },
      ]);
      await data.mining.mineShop(db, SHOP, NOW);
      const rows = await db.offerSuggestion.findMany({ where: { shop: SHOP }, orderBy: { productId: "asc" } });
      expect(rows.map((r) => [r.productId, r.verdict, r.orders])).toEqual([
        ["11", "accepted", 7],
        ["12", "rejected", 7],
      ]);

      // The pair disappears (every A+B order cancelled): the verdict rows stay, new ones would go.
      await db.order.updateMany({
        where: { shop: SHOP, id: { in: ["1001", "1002", "1003", "1004", "1005", "1016", "1017"] } },
        data: { cancelledAt: NOW },
      });
      const later = new Date(NOW.getTime() + 1_000);
      const summary = await data.mining.mineShop(db, SHOP, later);
      expect(summary.pairs).toBe(0);
      const kept = await db.offerSuggestion.findMany({ where: { shop: SHOP }, orderBy: { productId: "asc" } });
      expect(kept.map((r) => [r.productId, r.verdict])).toEqual([
        ["11", "accepted"],
        ["12", "rejected"],
      ]);
      await db.order.updateMany({
        where: { shop: SHOP, id: { in: ["1001", "1002", "1003", "1004", "1005", "1016", "1017"] } },
        data: { cancelledAt: null },
      });
    });

    it("never mixes shops: the neighbour's 30 A+C orders make no suggestion here, and its own run sees only them", async () => {
      expect(await db.offerSuggestion.count({ where: { shop: SHOP, OR: [{ offeredProductId: "13" }, { productId: "13" }] } })).toBe(0);
      const summary = await data.mining.mineShop(db, OTHER, NOW);
      expect(summary.orders).toBe(30);
      const rows = await db.offerSuggestion.findMany({ where: { shop: OTHER } });
      // One customer bought A+C 30 times: lift is exactly 1 (every order holds both), so nothing passes lift > 1.
      expect(rows).toEqual([]);
    });
  });

  describe("attribution from LineItem.offerId", () => {
    it("counts orders, customers, units and revenue per offer; test and cancelled orders do not count", async () => {
      await seedOrders(db, SHOP, [
        { id: "2001", customer: "101", products: ["11", "12"], daysAgo: 3, offers: { "12": "offer-x" }, priceMinor: 1_500 },
        { id: "2002", customer: "101", products: ["12", "13"], daysAgo: 2, offers: { "12": "offer-x", "13": "offer-x" }, priceMinor: 700 },
        { id: "2003", customer: null, products: ["13"], daysAgo: 2, offers: { "13": "cross_sell" }, priceMinor: 900 },
        { id: "2004", customer: "102", products: ["12"], daysAgo: 1, offers: { "12": "offer-x" }, test: true },
        { id: "2005", customer: "102", products: ["12"], daysAgo: 1, offers: { "12": "offer-x" }, cancelled: true },
      ]);
      const all = await data.attribution.offerAttribution(db, SHOP);
      expect([...all.keys()]).toEqual(["cross_sell", "offer-x"]);
      expect(all.get("offer-x")).toEqual({
        offerId: "offer-x",
        orders: 2,
        customers: 1,
        lineItems: 3,
        units: 3,
        revenueMinor: 1_500 + 700 + 700,
      });
      expect(all.get("cross_sell")).toEqual({ offerId: "cross_sell", orders: 1, customers: 0, lineItems: 1, units: 1, revenueMinor: 900 });
      const recent = await data.attribution.offerAttribution(db, SHOP, { from: ago(2.5), offerId: "offer-x" });
      expect(recent.get("offer-x")).toMatchObject({ orders: 1, revenueMinor: 1_400 });
      expect((await data.attribution.offerAttribution(db, OTHER)).size).toBe(0);
    });
  });

  describe("the holdout experiment", () => {
    it("records every customer known while it runs, in the arm of the storefront's hash, and reports revenue per customer by arm", async () => {
      const started = ago(20);
      const experiment = await data.experiments.startOffersExperiment(db, SHOP, 0.5, started);
      expect(experiment.key).toBe("offers-1");
      expect(experiment.salt).toMatch(/^[A-Za-z0-9_-]{24}$/);
      await data.values.recomputeAllCustomerValues(db, SHOP);
      const added = await data.experiments.refreshExposures(db, experiment, NOW);
      const exposures = await db.experimentExposure.findMany({
        where: { shop: SHOP, experimentKey: "offers-1" },
        orderBy: { customerId: "asc" },
      });
      // Customers 101–107 all have a counted order before now.
      expect(added).toBe(7);
      expect(exposures.map((e) => e.customerId)).toEqual(["101", "102", "103", "104", "105", "106", "107"]);
      for (const e of exposures) {
        expect(e.arm, e.customerId).toBe(armOf(experiment.salt, e.customerId, "offers-1", 0.5));
        // Known before the start: exposed from the start.
        expect(e.firstExposedAt.getTime()).toBe(started.getTime());
      }
      // Running it again adds nobody (first exposures are kept).
      expect(await data.experiments.refreshExposures(db, experiment, NOW)).toBe(0);

      // Revenue per customer since the start (refunds subtracted, test/cancelled not counted), by arm.
      const orders = await db.order.findMany({
        where: { shop: SHOP, test: false, cancelledAt: null, processedAt: { gte: started, lt: NOW }, customerId: { not: null } },
      });
      const revenue = new Map<string, number>();
      for (const o of orders) revenue.set(o.customerId!, (revenue.get(o.customerId!) ?? 0) + Number(o.totalMinor - o.refundedMinor));
      const mean = (arm: string) => {
        const members = exposures.filter((e) => e.arm === arm);
        return members.reduce((s, e) => s + (revenue.get(e.customerId) ?? 0), 0) / members.length;
      };
      const report = await data.experiments.offersProgramReport(db, experiment, { currencyCode: "USD", now: NOW });
      const arms = new Set(exposures.map((e) => e.arm));
      expect(report.treatment.customers + report.holdout.customers).toBe(7);
      if (arms.size === 2) expect(report.incrementalRevenuePerCustomer?.estimate).toBeCloseTo(mean("treatment") - mean("holdout"), 9);
      // Seven customers cannot tell anything.
      expect(report.sample.sufficient).toBe(false);
      expect(report.verdict.revenue).toBe("too_small");
      // Said arm by arm, a count of 1 in the singular (the hash may put one customer alone in an arm).
      const { minCustomersPerArm } = data.experiments.SAMPLE_RULE;
      const reasons = (["treatment", "holdout"] as const).map((arm) => {
        const n = report[arm].customers;
        return `only ${n} customer${n === 1 ? "" : "s"} in the ${arm} arm (at least ${minCustomersPerArm} needed)`;
      });
      expect(report.summary[0]).toBe(`Too early to tell: ${reasons.join("; ")}.`);
    });

    it("per offer: trigger buyers while it runs, and the offered products' revenue from that order on", async () => {
      const experiment = (await data.experiments.runningOffersExperiment(db, SHOP))!;
      // Trigger A (11), offered C (13). Since the start (20 days ago): 101 bought A+B at 3 days, B+C at 2 days (C: 700).
      // 104 and 105 bought A+B at 5 and 4 days (no C).
      const report = await data.experiments.offerReport(
        db,
        experiment,
        { id: "t", triggerProductIds: ["11"], offeredProductIds: ["13"] },
        { currencyCode: "USD", now: NOW },
      );
      expect(report.treatment.customers + report.holdout.customers).toBe(3);
      expect(report.treatment.revenueMinor + report.holdout.revenueMinor).toBe(700);
      const arm101 = armOf(experiment.salt, "101", experiment.key, 0.5);
      expect(report[arm101].revenueMinor).toBe(700);
    });

    it("a new share starts a new experiment with the same salt; offers off ends it", async () => {
      const first = (await data.experiments.runningOffersExperiment(db, SHOP))!;
      const second = await data.experiments.startOffersExperiment(db, SHOP, 0.2, NOW);
      expect(second).toMatchObject({ key: "offers-2", salt: first.salt, holdoutShare: 0.2, endedAt: null });
      expect((await db.experiment.findUniqueOrThrow({ where: { shop_key: { shop: SHOP, key: "offers-1" } } })).endedAt).toEqual(NOW);
      expect(await data.experiments.endOffersExperiment(db, SHOP, NOW)).toBe(true);
      expect(await data.experiments.runningOffersExperiment(db, SHOP)).toBeNull();
      expect(await data.experiments.runningOffersExperiment(db, OTHER)).toBeNull();
    });
  });

  describe("products", () => {
    it("searches the shop's own products by title or handle, case-insensitively, with LIKE's wildcards taken literally", async () => {
      await db.product.create({ data: { shop: SHOP, id: "16", title: "100% Cotton_Tee", handle: "tee", status: "DRAFT", updatedAt: NOW } });
      const found = await data.products.searchProducts(db, SHOP, { query: "product" });
      expect(found.map((p) => p.id)).toEqual(["11", "12", "13", "14", "15"]);
      expect((await data.products.searchProducts(db, SHOP, { query: "% c" })).map((p) => p.id)).toEqual(["16"]);
      expect((await data.products.searchProducts(db, SHOP, { query: "n_t" })).map((p) => p.id)).toEqual(["16"]);
      expect((await data.products.searchProducts(db, SHOP, { query: "%" })).map((p) => p.id)).toEqual(["16"]);
      expect((await data.products.searchProducts(db, SHOP, { query: "product", publishedOnly: true })).length).toBe(5);
      expect((await data.products.searchProducts(db, OTHER, { query: "tee" })).length).toBe(0);
    });

    it("keeps the newest version of a product, and a deleted product deleted", async () => {
      const product = (updatedAt: string, status: string) => ({
        id: "17",
        title: "Mug",
        handle: "mug",
        status,
        publishedAt: "2026-01-01T00:00:00.000Z",
        updatedAt,
        imageUrl: null,
        price: "12.50",
      });
      await data.products.upsertProducts(db, SHOP, [product("2026-03-01T00:00:00.000Z", "ACTIVE")]);
      await data.products.upsertProducts(db, SHOP, [product("2026-02-01T00:00:00.000Z", "DRAFT")]);
      expect(await db.product.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: "17" } } })).toMatchObject({
        status: "ACTIVE",
        priceMinor: 1_250n,
      });
      await data.products.markProductsDeleted(db, SHOP, ["17"], NOW);
      await data.products.upsertProducts(db, SHOP, [product("2026-04-01T00:00:00.000Z", "ACTIVE")]);
      const states = await data.products.productStates(db, SHOP, NOW);
      expect(states.has("17")).toBe(false);
      expect(states.get("11")).toEqual({ status: "ACTIVE", publishedOnlineStore: true });
    });
  });
}
