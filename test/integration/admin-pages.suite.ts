// What the admin pages' loaders and actions return, over real HTTP against the built app, checked
// against figures computed independently from the seeded rows. Run on SQLite (admin-pages.test.ts) and
// on PostgreSQL (admin-pages-postgres.test.ts): the read models are raw SQL that must mean the same on both.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { startApp } from "../support/app-under-test";
import { seedShop, type SeedSummary, type SeededCustomer } from "../support/seed";
import { bearerRequest, documentRequest, installOfflineSession, loaderData, sessionToken } from "../support/session-token";
import { formatMinorDecimal } from "~/lib/money";
import { formatMoney } from "~/lib/format";
import type { Dashboard } from "~/data/dashboard.server";
import type { CustomerPage, CustomerRow } from "~/data/customers-query.server";
import type { CustomerDetail } from "~/data/customer-detail.server";
import type { SyncStatus } from "~/data/sync-status.server";

const SHOP = "pages-shop.myshopify.com";
const EMPTY = "empty-shop.myshopify.com";
const EURO = "euro-shop.myshopify.com";
const YEN = "yen-shop.myshopify.com";
const NOW = new Date();

export function adminPagesSuite(start: () => ReturnType<typeof startApp>) {
  let app: Awaited<ReturnType<typeof startApp>>;
  let seeded: SeedSummary;
  const token = (shop = SHOP) => sessionToken({ shop });
  const dashboardOf = (shop: string, query = "") => loaderData<Dashboard>(app.baseUrl, `/app${query}`, "routes/app._index", token(shop));
  const listOf = (query: string, shop = SHOP) =>
    loaderData<CustomerPage & { currencyCode: string }>(app.baseUrl, `/app/customers${query}`, "routes/app.customers._index", token(shop));

  beforeAll(async () => {
    app = await start();
    for (const shop of [SHOP, EMPTY, EURO, YEN]) await installOfflineSession(app.db, shop);
    seeded = await seedShop(app.db, { shop: SHOP, customers: 130, seed: 7, now: NOW });
    await seedShop(app.db, { shop: EURO, customers: 20, seed: 8, currencyCode: "EUR", firstOrderId: 7_000_000 });
    // Shop.currencyCode unknown: the order currency (JPY) is used. No model fit yet.
    await seedShop(app.db, {
      shop: YEN,
      customers: 15,
      seed: 9,
      currencyCode: "JPY",
      shopCurrency: false,
      predictions: false,
      firstOrderId: 7_500_000,
    });
    await app.db.shop.create({ data: { shop: EMPTY, currencyCode: "USD" } });
  });

  afterAll(async () => {
    await app?.stop();
  });

  function divideRounded(n: bigint, d: bigint): bigint {
    const q = n / d;
    const r = n % d;
    return r * 2n >= d ? q + 1n : q;
  }

  describe("dashboard", () => {
    it("gives the shop's figures, aggregated by the database", async () => {
      const d = await dashboardOf(SHOP);
      const ordered = seeded.customers.filter((c) => c.orderCount > 0);
      const nets = ordered.map((c) => c.netRevenueMinor).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const n = nets.length;
      const median = n % 2 === 1 ? nets[(n - 1) / 2] : divideRounded(nets[n / 2 - 1] + nets[n / 2], 2n);
      const net = ordered.reduce((s, c) => s + c.netRevenueMinor, 0n);

      expect(d.currencyCode).toBe("USD");
      expect(d.customers).toBe(n);
      expect(d.orders).toBe(seeded.countedOrders);
      expect(d.netRevenueMinor).toBe(seeded.netRevenueMinor.toString());
      expect(d.repeatCustomers).toBe(ordered.filter((c) => c.orderCount >= 2).length);
      expect(d.repeatRate).toBeCloseTo(d.repeatCustomers / n, 10);
      expect(d.averageClvMinor).toBe(divideRounded(net, BigInt(n)).toString());
      expect(d.medianClvMinor).toBe(median.toString());
      expect(d.predictedTotalMinor).toBe(seeded.predictedTotalMinor.toString());
      expect(d.modelFit).toMatchObject({ status: "fitted" });

      // Histogram and segments account for every customer with orders.
      expect(d.histogram.reduce((s, b) => s + b.customers, 0)).toBe(n);
      expect(d.histogram).toHaveLength(11);
      expect(d.histogram[10].toMinor).toBeNull();
      expect(d.segments.reduce((s, x) => s + x.customers, 0)).toBe(n);
      const champions = ordered.filter((c) => c.segment === "Champions");
      if (champions.length > 0) {
        expect(d.segments.find((s) => s.segment === "Champions")).toMatchObject({
          customers: champions.length,
          netRevenueMinor: champions.reduce((s, c) => s + c.netRevenueMinor, 0n).toString(),
        });
      }

      // Cohorts: the customers whose first order is in each of the last 12 months, and all their net revenue.
      const monthKey = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
      const firstMonth = new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() - 11, 1));
      const expected = new Map<string, SeededCustomer[]>();
      for (const c of ordered) {
        if (c.firstOrderAt && c.firstOrderAt >= firstMonth)
          expected.set(monthKey(c.firstOrderAt), [...(expected.get(monthKey(c.firstOrderAt)) ?? []), c]);
      }
      expect(d.cohorts.map((c) => c.cohort).sort()).toEqual([...expected.keys()].sort());
      for (const row of d.cohorts) {
        const members = expected.get(row.cohort)!;
        expect(row.customers).toBe(members.length);
        const total = row.revenueByAge.reduce((s, v) => s + BigInt(v ?? "0"), 0n);
        expect(total).toBe(members.reduce((s, c) => s + c.netRevenueMinor, 0n));
      }

      const top = [...ordered]
        .sort((a, b) => (a.netRevenueMinor === b.netRevenueMinor ? 0 : a.netRevenueMinor > b.netRevenueMinor ? -1 : 1))
        .slice(0, 10);
      expect(d.topCustomers.map((c) => c.netRevenueMinor)).toEqual(top.map((c) => c.netRevenueMinor.toString()));
    });

    it("renders the figures server-side, in the shop's currency and the admin's locale", async () => {
      const d = await dashboardOf(EURO);
      const html = await (await documentRequest(app.baseUrl, "/app?locale=fr", EURO, token(EURO))).text();
      expect(html).toContain(formatMoney(d.netRevenueMinor, "EUR", "fr"));
      expect(formatMoney(d.netRevenueMinor, "EUR", "fr")).toMatch(/€$/);
      // The histogram's table fallback is in the HTML (the chart itself draws in the browser).
      expect(html).toContain("Historic net revenue");
      expect(html).toContain("Revenue by first-order cohort");
    });

    it("falls back to an order's currency, and says when nothing is predicted yet", async () => {
      const d = await dashboardOf(YEN);
      expect(d.currencyCode).toBe("JPY");
      expect(d.predictedTotalMinor).toBeNull();
      const html = await (await documentRequest(app.baseUrl, "/app", YEN, token(YEN))).text();
      expect(html).toContain("Not yet predicted");
      expect(html).toContain("¥");
    });

    it("shows an empty state without orders", async () => {
      const d = await dashboardOf(EMPTY);
      expect(d).toMatchObject({ customers: 0, orders: 0, netRevenueMinor: "0", histogram: [], cohorts: [] });
      const html = await (await documentRequest(app.baseUrl, "/app", EMPTY, token(EMPTY))).text();
      expect(html).toContain("No orders yet");
      expect(html).toContain("Import order history");
    });

    it("shows the running backfill's progress", async () => {
      await app.db.backfillRun.create({
        data: { id: "run-progress", shop: EMPTY, status: "importing", objectCount: 200, linesImported: 50 },
      });
      const d = await dashboardOf(EMPTY);
      expect(d.backfill).toMatchObject({ status: "importing", active: true, fraction: 0.25 });
      const html = await (await documentRequest(app.baseUrl, "/app", EMPTY, token(EMPTY))).text();
      expect(html).toContain("50 of 200 records imported (25%)");
    });
  });

  describe("customers list", () => {
    type Key = "historic" | "predicted" | "alive" | "orders" | "last";
    const valueOf: Record<Key, (c: SeededCustomer) => number | bigint | null> = {
      historic: (c) => c.netRevenueMinor,
      predicted: (c) => c.predictedClvMinor,
      alive: (c) => c.probabilityAlive,
      orders: (c) => c.orderCount,
      last: (c) => c.lastOrderAt?.getTime() ?? null,
    };
    /** The documented order: values in the direction asked, ties by customer id in the same direction, nulls last. */
    function expectedOrder(customers: SeededCustomer[], key: Key, direction: "asc" | "desc"): string[] {
      const sign = direction === "asc" ? 1 : -1;
      return [...customers]
        .sort((a, b) => {
          const va = valueOf[key](a);
          const vb = valueOf[key](b);
          if (va === null || vb === null) {
            if (va !== null) return -1;
            if (vb !== null) return 1;
            return sign * (a.customerId < b.customerId ? -1 : 1);
          }
          if (va !== vb) return sign * (va < vb ? -1 : 1);
          return sign * (a.customerId < b.customerId ? -1 : 1);
        })
        .map((c) => c.customerId);
    }
    const ids = (rows: CustomerRow[]) => rows.map((r) => r.customerId);

    for (const key of ["historic", "predicted", "alive", "orders", "last"] as Key[]) {
      for (const direction of ["asc", "desc"] as const) {
        it(`sorts by ${key} ${direction}, 50 a page`, async () => {
          const order = expectedOrder(seeded.customers, key, direction);
          const page1 = await listOf(`?sort=${key}&direction=${direction}`);
          expect(page1).toMatchObject({ total: 130, page: 1, pages: 3, pageSize: 50, hasPrevious: false, hasNext: true });
          expect(ids(page1.rows)).toEqual(order.slice(0, 50));
          const page3 = await listOf(`?sort=${key}&direction=${direction}&page=3`);
          expect(page3).toMatchObject({ page: 3, hasPrevious: true, hasNext: false });
          expect(ids(page3.rows)).toEqual(order.slice(100));
        });
      }
    }

    it("clamps a page past the end to the last page", async () => {
      const page = await listOf("?page=99");
      expect(page.page).toBe(3);
      expect(page.rows).toHaveLength(30);
    });

    it("filters by segment and by the at-risk rule", async () => {
      const segment = seeded.customers.find((c) => c.segment)!.segment!;
      const bySegment = await listOf(`?segment=${encodeURIComponent(segment)}&sort=orders`);
      const expected = seeded.customers.filter((c) => c.segment === segment);
      expect(bySegment.total).toBe(expected.length);
      expect(ids(bySegment.rows)).toEqual(expectedOrder(expected, "orders", "desc").slice(0, 50));

      const atRisk = seeded.customers.filter(
        (c) =>
          (c.probabilityAlive !== null && c.probabilityAlive < 0.3 && c.orderCount >= 2) ||
          c.segment === "At risk" ||
          c.segment === "Can't lose",
      );
      expect(atRisk.length).toBeGreaterThan(0);
      const risky = await listOf("?risk=1&sort=alive&direction=asc");
      expect(risky.total).toBe(atRisk.length);
      expect(ids(risky.rows)).toEqual(expectedOrder(atRisk, "alive", "asc").slice(0, 50));
    });

    it("searches by name, email and id, case-insensitively, without SQL wildcards leaking", async () => {
      const named = seeded.customers.filter((c) => c.lastName === "Lovelace");
      const byName = await listOf("?q=LOVELACE");
      expect(byName.total).toBe(named.length);
      expect(new Set(ids(byName.rows))).toEqual(new Set(named.map((c) => c.customerId)));

      const fullName = seeded.customers.find((c) => c.firstName && c.lastName)!;
      const byFullName = await listOf(`?q=${encodeURIComponent(`${fullName.firstName} ${fullName.lastName}`)}`);
      expect(ids(byFullName.rows)).toContain(fullName.customerId);

      const withEmail = seeded.customers.find((c) => c.email)!;
      const byEmail = await listOf(`?q=${encodeURIComponent(withEmail.email!.toUpperCase())}`);
      expect(ids(byEmail.rows)).toEqual([withEmail.customerId]);

      // An anonymous customer (no personal fields) is found by id and shown as "Customer <id>".
      const anonymous = seeded.customers.find((c) => !c.email && !c.firstName)!;
      const byId = await listOf(`?q=${anonymous.customerId}`);
      expect(ids(byId.rows)).toEqual([anonymous.customerId]);
      const html = await (await documentRequest(app.baseUrl, `/app/customers?q=${anonymous.customerId}`, SHOP, token())).text();
      expect(html).toContain(`Customer ${anonymous.customerId}`);

      expect((await listOf("?q=%25")).total).toBe(0);
      expect((await listOf("?q=_")).total).toBe(0);
    });

    it("renders the table server-side with sortable headings, pagination and the export button", async () => {
      const html = await (await documentRequest(app.baseUrl, "/app/customers?sort=predicted&direction=desc", SHOP, token())).text();
      expect(html).toContain("Polaris-IndexTable");
      expect(html).toContain("Export CSV");
      expect(html).toContain("1–50 of 130");
      // Next page link keeps the sort.
      expect(html).toMatch(/href="\/app\/customers\?[^"]*sort=predicted[^"]*page=2/);
    });
  });

  describe("customer detail", () => {
    it("gives the order timeline, historic and predicted value and P(alive) in words", async () => {
      const repeat = seeded.customers.find((c) => c.orderCount >= 3 && c.probabilityAlive !== null)!;
      const detail = await loaderData<CustomerDetail & { explanation: string[] }>(
        app.baseUrl,
        `/app/customers/${repeat.customerId}`,
        "routes/app.customers.$id",
        token(),
      );
      expect(detail).toMatchObject({
        customerId: repeat.customerId,
        orderCount: repeat.orderCount,
        netRevenueMinor: repeat.netRevenueMinor.toString(),
        predictedClvMinor: repeat.predictedClvMinor!.toString(),
        segment: repeat.segment,
      });
      const orders = await app.db.order.findMany({
        where: { shop: SHOP, customerId: repeat.customerId },
        orderBy: { processedAt: "desc" },
      });
      expect(detail.orders.map((o) => o.id)).toEqual(orders.map((o) => o.id));
      expect(detail.totalOrders).toBe(orders.length);
      expect(detail.explanation[0]).toMatch(/^We estimate an? \d+% chance this customer is still an active buyer and will order again\.$/);
      expect(detail.explanation[1]).toMatch(/^They usually order every ~\d+ (days|weeks|months|years) and last ordered .+ ago\.|today\.$/);

      const html = await (await documentRequest(app.baseUrl, `/app/customers/${repeat.customerId}`, SHOP, token())).text();
      expect(html).toContain("Will they buy again?");
      expect(html).toContain(formatMoney(repeat.netRevenueMinor, "USD", "en"));
    });

    it("badges cancelled and test orders and does not count them", async () => {
      const cancelled = await app.db.order.findFirst({ where: { shop: SHOP, cancelledAt: { not: null } } });
      expect(cancelled).not.toBeNull();
      const detail = await loaderData<CustomerDetail>(
        app.baseUrl,
        `/app/customers/${cancelled!.customerId}`,
        "routes/app.customers.$id",
        token(),
      );
      expect(detail.orders.find((o) => o.id === cancelled!.id)).toMatchObject({ cancelled: true });
      const html = await (await documentRequest(app.baseUrl, `/app/customers/${cancelled!.customerId}`, SHOP, token())).text();
      expect(html).toContain("Cancelled");
      expect(html).toContain("not counted");
    });

    it("answers 404 for an unknown id", async () => {
      const response = await documentRequest(app.baseUrl, "/app/customers/424242424242", SHOP, token());
      expect(response.status).toBe(404);
      expect(await response.text()).toContain("This customer does not exist in your store.");
    });
  });

  describe("export", () => {
    it("streams every customer as CSV with exact decimals and safe quoting", async () => {
      await app.db.customer.create({
        data: { shop: SHOP, id: "99", firstName: 'Ann "The Hammer"', lastName: "O'Neil, Jr.", email: '=HYPERLINK("http://x")' },
      });
      await app.db.customerValue.create({
        data: { shop: SHOP, customerId: "99", orderCount: 1, grossMinor: 1005n, netRevenueMinor: 1005n, aovMinor: 1005n },
      });
      try {
        const response = await bearerRequest(app.baseUrl, "/app/customers/export.csv", token());
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
        expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="customers-pages-shop-\d{4}-\d{2}-\d{2}\.csv"$/);
        const lines = (await response.text()).split("\r\n");
        expect(lines.pop()).toBe("");
        expect(lines[0]).toBe(
          "customer_id,email,first_name,last_name,orders,gross_revenue,refunded,net_revenue,average_order_value,first_order_at,last_order_at,expected_purchases_12m,probability_alive,predicted_clv_12m,segment,currency",
        );
        expect(lines).toHaveLength(1 + seeded.customers.length + 1);
        expect(lines).toContain(`99,"'=HYPERLINK(""http://x"")","Ann ""The Hammer""","O'Neil, Jr.",1,10.05,0.00,10.05,10.05,,,,,,,USD`);
        const sample = seeded.customers[17];
        const row = lines.find((l) => l.startsWith(`${sample.customerId},`))!;
        expect(row.split(",")[7]).toBe(formatMinorDecimal(sample.netRevenueMinor, "USD"));
      } finally {
        await app.db.customerValue.delete({ where: { shop_customerId: { shop: SHOP, customerId: "99" } } });
        await app.db.customer.delete({ where: { shop_id: { shop: SHOP, id: "99" } } });
      }
    });

    it("pages through the database beyond one page of 1,000", async () => {
      const BIG = "export-big.myshopify.com";
      await installOfflineSession(app.db, BIG);
      const big = await seedShop(app.db, { shop: BIG, customers: 2_345, seed: 3, orders: false, firstOrderId: 9_500_000 });
      const csv = await (await bearerRequest(app.baseUrl, "/app/customers/export.csv", sessionToken({ shop: BIG }))).text();
      const rows = csv.trim().split("\r\n").slice(1);
      expect(rows).toHaveLength(big.customers.length);
      expect(new Set(rows.map((r) => r.split(",")[0])).size).toBe(big.customers.length);
    });
  });

  describe("sync status", () => {
    it("shows webhooks per topic, backfill history and the last model fit", async () => {
      const at = (iso: string) => new Date(iso);
      await app.db.webhookDelivery.createMany({
        data: [
          {
            shop: SHOP,
            topic: "orders/create",
            deliveryKey: "k1",
            receivedAt: at("2026-01-01T00:00:00Z"),
            processedAt: at("2026-01-01T00:00:01Z"),
          },
          {
            shop: SHOP,
            topic: "orders/create",
            deliveryKey: "k2",
            receivedAt: at("2026-01-02T00:00:00Z"),
            processedAt: at("2026-01-02T00:00:01Z"),
          },
          {
            shop: SHOP,
            topic: "refunds/create",
            deliveryKey: "k3",
            receivedAt: at("2026-01-03T00:00:00Z"),
            processedAt: at("2026-01-03T00:00:01Z"),
          },
          {
            shop: EMPTY,
            topic: "orders/create",
            deliveryKey: "k4",
            receivedAt: at("2026-02-01T00:00:00Z"),
            processedAt: at("2026-02-01T00:00:01Z"),
          },
        ],
      });
      await app.db.backfillRun.create({
        data: {
          id: "run-done",
          shop: SHOP,
          status: "completed",
          objectCount: 10,
          linesImported: 10,
          startedAt: at("2026-01-01T00:00:00Z"),
          finishedAt: at("2026-01-01T00:05:00Z"),
        },
      });
      const s = await loaderData<SyncStatus>(app.baseUrl, "/app/sync", "routes/app.sync", token());
      expect(s.webhooks).toEqual([
        { topic: "orders/create", deliveries: 2, lastProcessedAt: "2026-01-02T00:00:01.000Z" },
        { topic: "refunds/create", deliveries: 1, lastProcessedAt: "2026-01-03T00:00:01.000Z" },
      ]);
      expect(s.backfills).toEqual([expect.objectContaining({ id: "run-done", status: "completed", fraction: 1, active: false })]);
      expect(s.modelFit).toMatchObject({ status: "fitted", customers: seeded.customers.filter((c) => c.orderCount > 0).length });
      expect(s.modelFit!.params).toContainEqual({ name: "bgnbd.r", value: "0.243" });
      expect(s.queues!.map((q) => q.name)).toEqual(["ingest", "analytics"]);
      expect(s.failedJobs).toEqual([]);

      const html = await (await documentRequest(app.baseUrl, "/app/sync", SHOP, token())).text();
      for (const text of ["Refit now", "Failed jobs", "orders/create", "Order history imports", "bgnbd.r"]) expect(html).toContain(text);
    });

    it("refuses an unknown action", async () => {
      const response = await bearerRequest(app.baseUrl, "/app/sync.data", token(), {
        method: "POST",
        body: new URLSearchParams({ intent: "drop-tables" }),
      });
      expect(response.status).toBe(400);
    });
  });
}
