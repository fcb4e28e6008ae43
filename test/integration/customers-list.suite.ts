// The customers list's "likely to order" sort and its loyalty tier column and filter, over real HTTP against
// the built app (loaders and the CSV export). Run on SQLite (customers-list.test.ts) and on PostgreSQL
// (customers-list-postgres.test.ts): the list is raw SQL that must mean the same on both.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { startApp } from "../support/app-under-test";
import { seedShop } from "../support/seed";
import { bearerRequest, documentRequest, installOfflineSession, loaderData, sessionToken } from "../support/session-token";
import { addModelFit } from "../support/hand-shop";
import type { CustomerPage, CustomerRow } from "~/data/customers-query.server";
import { fitScoring, probabilityFromTimes } from "~/data/order-probability.server";
import { bgnbdProbabilityAlive } from "~/clv/bgnbd";

/** A shop without a loyalty program. */
const SHOP = "list-shop.myshopify.com";
const NOW = new Date();
const DAY = 86_400_000;
/** The BG/NBD parameters of test/support/hand-shop.ts's fits (CDNOW). */
const CDNOW = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

type ListData = Omit<CustomerPage, "rows"> & {
  rows: (CustomerRow & { probabilityOrder: number | null })[];
  tiers: { id: string; name: string }[] | null;
};

export function customersListSuite(start: () => ReturnType<typeof startApp>) {
  let app: Awaited<ReturnType<typeof startApp>>;
  const token = (shop: string) => sessionToken({ shop });
  const listOf = (query: string, shop = SHOP) =>
    loaderData<ListData>(app.baseUrl, `/app/customers${query}`, "routes/app.customers._index", token(shop));
  const html = async (shop: string, path: string) => (await documentRequest(app.baseUrl, path, shop, token(shop))).text();
  const csvOf = async (shop: string, query = "") => {
    const response = await bearerRequest(app.baseUrl, `/app/customers/export.csv${query}`, token(shop));
    expect(response.status).toBe(200);
    return { response, lines: (await response.text()).split("\r\n").slice(0, -1) };
  };

  beforeAll(async () => {
    app = await start();
    await installOfflineSession(app.db, SHOP);
    await seedShop(app.db, { shop: SHOP, customers: 60, seed: 7, now: NOW, orders: false });
  });

  afterAll(async () => {
    await app?.stop();
  });

  describe("customers list: the likely-to-order sort", () => {
    // A shop scored with BG/NBD: the probability of an order in the next 12 months is stored per customer, and
    // every one-time buyer has P(alive) = 1 (what a P(alive) sort listed first).
    const LIKELY = "likely-shop.myshopify.com";
    type Scored = { customerId: string; orderCount: number; probabilityOrder12m: number | null; probabilityAlive: number | null };
    let scored: Scored[];
    /** Stored probability in the direction asked, ties by customer id in the same direction, nulls last (ids in that direction). */
    const likelyOrder = (rows: Scored[], direction: "asc" | "desc") => {
      const sign = direction === "asc" ? 1 : -1;
      return [...rows]
        .sort((a, b) => {
          const va = a.probabilityOrder12m;
          const vb = b.probabilityOrder12m;
          if (va === null || vb === null) {
            if (va !== null) return -1;
            if (vb !== null) return 1;
          } else if (va !== vb) return sign * (va < vb ? -1 : 1);
          return sign * (a.customerId < b.customerId ? -1 : 1);
        })
        .map((c) => c.customerId);
    };
    const allPages = async (query: string, shop = LIKELY) => {
      const listed: string[] = [];
      const first = await listOf(query, shop);
      listed.push(...first.rows.map((r) => r.customerId));
      for (let page = 2; page <= first.pages; page++)
        listed.push(...(await listOf(`${query}&page=${page}`, shop)).rows.map((r) => r.customerId));
      return { first, listed };
    };

    beforeAll(async () => {
      await installOfflineSession(app.db, LIKELY);
      await seedShop(app.db, { shop: LIKELY, customers: 130, seed: 12, now: NOW, predictions: false, firstOrderId: 8_000_000 });
      await addModelFit(app.db, LIKELY, { id: "fit-likely", asOf: NOW });
      // Score every buyer as a BG/NBD refit does (CDNOW's parameters, weeks, UTC): P(alive), which is 1 for every
      // one-time buyer, and the stored probability of an order in the next 12 months.
      const purchases = await app.db.order.findMany({
        where: { shop: LIKELY, customerId: { not: null }, cancelledAt: null, test: false },
        select: { customerId: true, processedAt: true, totalMinor: true, refundedMinor: true },
      });
      const times = new Map<string, number[]>();
      for (const o of purchases) {
        if (o.totalMinor <= o.refundedMinor) continue;
        times.set(o.customerId!, [...(times.get(o.customerId!) ?? []), o.processedAt.getTime()]);
      }
      const fit = fitScoring(
        JSON.stringify({ period: "week", timeZone: "UTC", horizonMonths: 12, unitsPerMonth: 4.345, bgnbd: { params: CDNOW } }),
        NOW,
      )!;
      const day = (ms: number) => Math.floor(ms / DAY);
      for (const [customerId, list] of times) {
        const days = [...new Set(list.map(day))].sort((a, b) => a - b);
        const tx = (days.at(-1)! - days[0]) / 7;
        const T = (day(NOW.getTime()) - days[0]) / 7;
        await app.db.customerValue.update({
          where: { shop_customerId: { shop: LIKELY, customerId } },
          data: {
            modelFitId: "fit-likely",
            predictedAt: NOW,
            probabilityAlive: bgnbdProbabilityAlive(CDNOW, days.length - 1, tx, T),
            probabilityOrder12m: probabilityFromTimes(fit, list, NOW.getTime()),
          },
        });
      }
      // Rows scored before the column existed have a prediction but no stored probability: listed after the others.
      const legacy = await app.db.customerValue.findMany({
        where: { shop: LIKELY, probabilityOrder12m: { not: null } },
        orderBy: { customerId: "asc" },
        take: 3,
      });
      await app.db.customerValue.updateMany({
        where: { shop: LIKELY, customerId: { in: legacy.map((v) => v.customerId) } },
        data: { probabilityOrder12m: null },
      });
      scored = await app.db.customerValue.findMany({
        where: { shop: LIKELY },
        select: { customerId: true, orderCount: true, probabilityOrder12m: true, probabilityAlive: true },
      });
    }, 120_000);

    for (const direction of ["desc", "asc"] as const) {
      it(`sorts by the 12-month order probability ${direction}, nulls last, every customer once across the pages`, async () => {
        const expected = likelyOrder(scored, direction);
        const nulls = scored.filter((c) => c.probabilityOrder12m === null).length;
        expect(nulls).toBeGreaterThanOrEqual(3);
        const { first, listed } = await allPages(`?sort=likely&direction=${direction}`);
        expect(first).toMatchObject({ total: 130, pages: 3, query: { sort: "likely", direction } });
        expect(listed).toEqual(expected);
        expect(new Set(listed).size).toBe(130);
        // The customers without a stored probability are the last ones whichever the direction.
        const without = new Set(scored.filter((c) => c.probabilityOrder12m === null).map((c) => c.customerId));
        expect(listed.slice(-nulls).every((id) => without.has(id))).toBe(true);
        // The page shows the figure it sorts by.
        const shown = first.rows.map((r) => r.probabilityOrder);
        expect(shown).toEqual(first.rows.map((r) => scored.find((c) => c.customerId === r.customerId)!.probabilityOrder12m));
      });
    }

    it("never puts one-time buyers first as the likeliest to order (a P(alive) sort did)", async () => {
      const byId = new Map(
        (await app.db.customerValue.findMany({ where: { shop: LIKELY } })).map((v) => [
          v.customerId,
          { orderCount: v.orderCount, daysAgo: v.lastOrderAt ? (NOW.getTime() - v.lastOrderAt.getTime()) / DAY : null },
        ]),
      );
      const oneTime = scored.filter((c) => c.orderCount === 1 && c.probabilityOrder12m !== null);
      expect(oneTime.length).toBeGreaterThan(50);
      // What a P(alive) sort listed first: every one-time buyer (P(alive) = 1) before any repeat buyer (< 1).
      expect(oneTime.every((c) => c.probabilityAlive === 1)).toBe(true);
      expect(scored.filter((c) => c.orderCount >= 2 && c.probabilityAlive !== null).every((c) => c.probabilityAlive! < 1)).toBe(true);

      const { first, listed } = await allPages("?sort=likely&direction=desc");
      expect(byId.get(listed[0])!.orderCount).toBeGreaterThanOrEqual(2);
      expect(first.rows.filter((r) => byId.get(r.customerId)!.orderCount === 1).length).toBeLessThan(50);
      // One-time buyers rank by how long ago they bought: the most recent first.
      const oneTimeIds = new Set(oneTime.map((c) => c.customerId));
      const ages = listed.filter((id) => oneTimeIds.has(id)).map((id) => byId.get(id)!.daysAgo!);
      expect(ages).toEqual([...ages].sort((a, b) => a - b));
      // A one-time buyer of more than a year ago is never ahead of a repeat buyer of the last 60 days.
      const lastOldOneTime = listed.findIndex((id) => oneTimeIds.has(id) && byId.get(id)!.daysAgo! > 365);
      const recentRepeat = listed.filter((id) => byId.get(id)!.orderCount >= 2 && byId.get(id)!.daysAgo! <= 60);
      expect(lastOldOneTime).toBeGreaterThan(0);
      expect(recentRepeat.length).toBeGreaterThan(3);
      for (const id of recentRepeat) expect(listed.indexOf(id)).toBeLessThan(lastOldOneTime);
      // The default sort (net revenue) reads neither P(alive) nor the probability.
      expect((await listOf("", LIKELY)).query.sort).toBe("historic");
    });

    it("keeps nulls last when searching, and the export follows the sort", async () => {
      const customers = await app.db.customer.findMany({ where: { shop: LIKELY, email: { contains: "@" } }, select: { id: true } });
      const matching = new Set(customers.map((c) => c.id));
      expect(matching.size).toBeGreaterThan(50);
      const { listed } = await allPages("?q=%40&sort=likely&direction=asc");
      expect(listed).toEqual(
        likelyOrder(
          scored.filter((c) => matching.has(c.customerId)),
          "asc",
        ),
      );

      const { lines } = await csvOf(LIKELY, "?sort=likely&direction=asc");
      expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(likelyOrder(scored, "asc"));
    });

    it("renders the chance column as the sortable likely-to-order heading", async () => {
      const page = await html(LIKELY, "/app/customers?sort=likely&direction=desc");
      expect(page).toContain("Chance of an order, 12 m");
      expect(page).toMatch(/href="\/app\/customers\?[^"]*sort=likely[^"]*page=2/);
    });
  });

  describe("customers list: loyalty tiers", () => {
    // Two shops with the same customer ids and the same tier ids: a member of shop B is never one of shop A.
    const TIER_A = "tiers-a.myshopify.com";
    const TIER_B = "tiers-b.myshopify.com";
    const memberTier = new Map<string, string | null>();
    let idsA: string[];

    beforeAll(async () => {
      const programs = await import("~/data/loyalty-program.server");
      for (const [shop, names] of [
        [TIER_A, ["Silver", "Gold"]],
        [TIER_B, ["Argent", "Or"]],
      ] as const) {
        await installOfflineSession(app.db, shop);
        await seedShop(app.db, { shop, customers: 20, seed: 14, orders: false, predictions: false, firstCustomerId: 5_000 });
        const settings = await programs.saveProgramSettings(app.db, shop, {
          settings: { enabled: true, currencyCode: "USD", earning: { pointsPerCurrencyUnit: 1 } },
        });
        if (!settings.ok) throw new Error(JSON.stringify(settings.errors));
        const tiers = await programs.saveTiers(app.db, shop, {
          basis: "order_count",
          window: "lifetime",
          tiers: [
            { id: "silver", name: names[0], threshold: 2 },
            { id: "gold", name: names[1], threshold: 5 },
          ],
        });
        if (!tiers.ok) throw new Error(JSON.stringify(tiers.errors));
      }
      idsA = (await app.db.customerValue.findMany({ where: { shop: TIER_A }, orderBy: { customerId: "asc" } })).map((v) => v.customerId);
      // Shop A: 5 gold, 5 silver, 1 member below the first tier (a row without a tier), 9 without a member row.
      idsA.forEach((id, i) => {
        if (i < 5) memberTier.set(id, "gold");
        else if (i < 10) memberTier.set(id, "silver");
        else if (i === 10) memberTier.set(id, null);
      });
      const evaluatedAt = new Date();
      await app.db.loyaltyMember.createMany({
        data: [...memberTier].map(([customerId, tierId]) => ({ shop: TIER_A, customerId, tierId, evaluatedAt })),
      });
      // Shop B: every customer (the same ids) is gold.
      await app.db.loyaltyMember.createMany({
        data: idsA.map((customerId) => ({ shop: TIER_B, customerId, tierId: "gold", evaluatedAt })),
      });
    });

    const ofTier = (tier: string | null) => idsA.filter((id) => (memberTier.get(id) ?? null) === tier);

    it("shows each customer's tier of this shop, and lists the shop's tiers for the filter", async () => {
      const page = await listOf("?sort=orders", TIER_A);
      expect(page.total).toBe(20);
      expect(page.tiers).toEqual([
        { id: "silver", name: "Silver" },
        { id: "gold", name: "Gold" },
      ]);
      for (const row of page.rows) expect([row.customerId, row.tierId]).toEqual([row.customerId, memberTier.get(row.customerId) ?? null]);
      const b = await listOf("", TIER_B);
      expect(b.rows.every((r) => r.tierId === "gold")).toBe(true);
    });

    it("filters by a tier and by no tier, in this shop only", async () => {
      for (const [tier, expected] of [
        ["gold", ofTier("gold")],
        ["silver", ofTier("silver")],
        ["none", [...ofTier(null)]],
      ] as const) {
        const page = await listOf(`?tier=${tier}&sort=orders&direction=asc`, TIER_A);
        expect(page.query.tier, tier).toBe(tier);
        expect(new Set(page.rows.map((r) => r.customerId)), tier).toEqual(new Set(expected));
        expect(page.total, tier).toBe(expected.length);
        expect(page.withoutCountedOrders).toBeNull(); // a filtered list
      }
      expect(ofTier(null)).toHaveLength(10); // 9 without a member row and 1 member below the first tier
      // In shop B everyone is gold: nobody without a tier, and A's silver members are not B's.
      expect((await listOf("?tier=none", TIER_B)).total).toBe(0);
      expect((await listOf("?tier=silver", TIER_B)).total).toBe(0);
      expect((await listOf("?tier=gold", TIER_B)).total).toBe(20);
      // With a search and a tier: both apply.
      const named = await app.db.customer.findFirstOrThrow({ where: { shop: TIER_A, id: ofTier("gold")[0] } });
      const searched = await listOf(`?tier=silver&q=${named.id}`, TIER_A);
      expect(searched.total).toBe(0);
      expect((await listOf(`?tier=gold&q=${named.id}`, TIER_A)).rows.map((r) => r.customerId)).toEqual([named.id]);
    });

    it("ignores a tier filter the shop cannot have chosen, and shows no tier column without a program", async () => {
      expect((await listOf("?tier=platinum", TIER_A)).total).toBe(20);
      const withoutProgram = await listOf("?tier=gold", SHOP);
      expect(withoutProgram.query.tier).toBeNull();
      expect(withoutProgram.total).toBe(60);
      expect(withoutProgram.tiers).toBeNull();
      expect(await html(SHOP, "/app/customers")).not.toContain("Loyalty tier");
      const page = await html(TIER_A, "/app/customers?tier=gold");
      expect(page).toContain("Loyalty tier");
      expect(page).toContain("No tier");
      expect(page).toContain("Export these 5 customers (CSV)");
    });

    it("exports only the customers of the chosen tier", async () => {
      for (const tier of ["gold", "none"]) {
        const listed = (await listOf(`?tier=${tier}`, TIER_A)).rows.map((r) => r.customerId);
        const { response, lines } = await csvOf(TIER_A, `?tier=${tier}`);
        expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(listed);
        expect(response.headers.get("content-disposition")).toMatch(/customers-tiers-a-filtered-/);
      }
      expect((await csvOf(TIER_A, "?tier=gold")).lines).toHaveLength(1 + 5);
    });
  });
}
