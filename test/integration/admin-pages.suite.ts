// What the admin pages' loaders and actions return, over real HTTP against the built app, checked
// against figures computed independently from the seeded rows. Run on SQLite (admin-pages.test.ts) and
// on PostgreSQL (admin-pages-postgres.test.ts): the read models are raw SQL that must mean the same on both.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { startApp } from "../support/app-under-test";
import { seedShop, type SeedSummary, type SeededCustomer } from "../support/seed";
import { addCustomer, addGuestOrders, addModelFit } from "../support/hand-shop";
import { bearerRequest, documentRequest, installOfflineSession, loaderData, sessionToken } from "../support/session-token";
import { formatMinorDecimal } from "~/lib/money";
import { formatDate, formatMoney } from "~/lib/format";
import { probabilityOfAnyPurchase } from "~/data/order-probability.server";
import type { Dashboard } from "~/data/dashboard.server";
import type { CustomerPage, CustomerRow } from "~/data/customers-query.server";
import type { CustomerDetail } from "~/data/customer-detail.server";
import type { SyncStatus } from "~/data/sync-status.server";

const SHOP = "pages-shop.myshopify.com";
const EMPTY = "empty-shop.myshopify.com";
const EURO = "euro-shop.myshopify.com";
const YEN = "yen-shop.myshopify.com";
const RECON = "recon-shop.myshopify.com";
const NEW_YORK = "ny-shop.myshopify.com";
const TOKYO = "tokyo-shop.myshopify.com";
const STATES = "states-shop.myshopify.com";
const NOFIT = "nofit-shop.myshopify.com";
const THIN = "thin-shop.myshopify.com";
const NOW = new Date();
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

type ListData = Omit<CustomerPage, "rows"> & { currencyCode: string; rows: (CustomerRow & { probabilityOrder: number | null })[] };
type DetailData = CustomerDetail & { now: string };

export function adminPagesSuite(start: () => ReturnType<typeof startApp>) {
  let app: Awaited<ReturnType<typeof startApp>>;
  let seeded: SeedSummary;
  const token = (shop = SHOP) => sessionToken({ shop });
  const dashboardOf = (shop: string, query = "") => loaderData<Dashboard>(app.baseUrl, `/app${query}`, "routes/app._index", token(shop));
  const listOf = (query: string, shop = SHOP) =>
    loaderData<ListData>(app.baseUrl, `/app/customers${query}`, "routes/app.customers._index", token(shop));
  const detailOf = (shop: string, id: string) =>
    loaderData<DetailData>(app.baseUrl, `/app/customers/${id}`, "routes/app.customers.$id", token(shop));
  const html = async (shop: string, path: string) => (await documentRequest(app.baseUrl, path, shop, token(shop))).text();
  const csvOf = async (shop: string, query = "") => {
    const response = await bearerRequest(app.baseUrl, `/app/customers/export.csv${query}`, token(shop));
    expect(response.status).toBe(200);
    return { response, lines: (await response.text()).split("\r\n").slice(0, -1) };
  };

  beforeAll(async () => {
    app = await start();
    for (const shop of [SHOP, EMPTY, EURO, YEN, RECON, NEW_YORK, TOKYO, STATES, NOFIT, THIN]) await installOfflineSession(app.db, shop);
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
      expect(d.timeZone).toBe("UTC");
      expect(d.customers).toBe(n);
      expect(d.customersWithoutCountedOrders).toBe(seeded.customers.length - n);
      expect(d.orders).toBe(seeded.countedOrders);
      expect(d.netRevenueMinor).toBe(seeded.netRevenueMinor.toString());
      expect(d.repeatCustomers).toBe(ordered.filter((c) => c.orderCount >= 2).length);
      expect(d.repeatRate).toBeCloseTo(d.repeatCustomers / n, 10);
      expect(d.averageClvMinor).toBe(divideRounded(net, BigInt(n)).toString());
      expect(d.medianClvMinor).toBe(median.toString());
      expect(d.predictedTotalMinor).toBe(seeded.predictedTotalMinor.toString());
      expect(d.modelFit).toMatchObject({ status: "fitted" });

      // Segments account for every customer with orders.
      expect(d.segments.reduce((s, x) => s + x.customers, 0)).toBe(n);
      const champions = ordered.filter((c) => c.segment === "Champions");
      if (champions.length > 0) {
        expect(d.segments.find((s) => s.segment === "Champions")).toMatchObject({
          customers: champions.length,
          netRevenueMinor: champions.reduce((s, c) => s + c.netRevenueMinor, 0n).toString(),
        });
      }

      // Cohorts: the customers whose first order is in each of the last 12 months (UTC: the shop has no zone), and all their net revenue.
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
        const total = members.reduce((s, c) => s + c.netRevenueMinor, 0n);
        expect(row.revenueByAge.reduce((s, v) => s + BigInt(v ?? "0"), 0n)).toBe(total);
        // The LTV curve ends at the cohort's whole net revenue per customer.
        const last = row.cumulativePerCustomer.filter((v) => v !== null).at(-1);
        expect(last).toBe(divideRounded(total, BigInt(members.length)).toString());
      }

      const top = [...ordered]
        .sort((a, b) => (a.netRevenueMinor === b.netRevenueMinor ? 0 : a.netRevenueMinor > b.netRevenueMinor ? -1 : 1))
        .slice(0, 10);
      expect(d.topCustomers.map((c) => c.netRevenueMinor)).toEqual(top.map((c) => c.netRevenueMinor.toString()));
    });

    it("bins the CLV distribution in readable log-spaced ranges, and its caption is true", async () => {
      const d = await dashboardOf(SHOP);
      const nets = seeded.customers.filter((c) => c.orderCount > 0).map((c) => c.netRevenueMinor);
      expect(d.histogram.reduce((s, b) => s + b.customers, 0)).toBe(nets.length);
      // Every range recounted from the seeded values; edges are 1, 2 or 5 × a power of ten (major units).
      for (const b of d.histogram) {
        const inside = nets.filter(
          (v) =>
            (b.fromMinor === null ? v <= 0n : v > 0n && v >= BigInt(b.fromMinor)) &&
            (b.toMinor === null || (b.fromMinor === null ? true : v < BigInt(b.toMinor))),
        );
        expect(b.customers, JSON.stringify(b)).toBe(inside.length);
        for (const edge of [b.fromMinor, b.toMinor]) {
          if (edge === null || edge === "0") continue;
          expect(String(Number(edge) / 100)).toMatch(/^[125]0*$/);
        }
      }
      // The open top range lies above the 95th percentile: it holds at most 5% (the old caption's claim was false).
      const top = d.histogram.at(-1)!;
      expect(top.toMinor).toBeNull();
      expect(top.customers / nets.length).toBeLessThanOrEqual(0.05);
      const page = await html(SHOP, "/app");
      const share = new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 1 }).format(top.customers / nets.length);
      expect(page).toContain(`holds ${share} of them.`);
      expect(page).toContain("Historic net revenue"); // axis title and table heading
      expect(page).not.toContain("top 5%");
    });

    it("reconciles its totals: guest revenue apart, customers without counted orders counted apart", async () => {
      await app.db.shop.create({ data: { shop: RECON, currencyCode: "USD", ianaTimezone: "America/New_York" } });
      await addModelFit(app.db, RECON, { id: "fit-recon", asOf: ago(20) });
      const loyal = {
        probabilityAlive: 0.8,
        expectedPurchases: 1.2,
        predictedClvMinor: 9000n,
        segment: "Loyal",
        predictedAt: ago(20),
        modelFitId: "fit-recon",
      };
      await addCustomer(app.db, RECON, {
        id: "1",
        email: "one@recon.example",
        orders: [
          { id: "r1", at: ago(10), totalMinor: 10_000n },
          { id: "r2", at: ago(40), totalMinor: 5_000n, refundedMinor: 2_000n },
          { id: "r3", at: ago(12), totalMinor: 50_000n, test: true },
        ],
        prediction: loyal,
      });
      await addCustomer(app.db, RECON, { id: "2", orders: [{ id: "r4", at: ago(5), totalMinor: 8_000n, refundedMinor: 8_000n }] });
      await addCustomer(app.db, RECON, { id: "3", orders: [{ id: "r5", at: ago(3), totalMinor: 6_000n, cancelled: true }] });
      await addCustomer(app.db, RECON, { id: "4", orders: [{ id: "r6", at: ago(2), totalMinor: 3_000n }] });
      await addGuestOrders(app.db, RECON, [
        { id: "g1", at: ago(1), totalMinor: 2_500n },
        { id: "g2", at: ago(50), totalMinor: 4_000n, refundedMinor: 500n },
        { id: "g3", at: ago(4), totalMinor: 9_900n, cancelled: true },
      ]);

      const d = await dashboardOf(RECON);
      expect(d).toMatchObject({
        customers: 3,
        customersWithoutCountedOrders: 1,
        orders: 6,
        customerOrders: 4,
        guestOrders: 2,
        customerNetRevenueMinor: "16000",
        guestNetRevenueMinor: "6000",
        netRevenueMinor: "22000",
        averageClvMinor: "5333",
      });
      // The list counts every customer row; the dashboard's customers plus those without counted orders.
      const list = await listOf("", RECON);
      expect(list.total).toBe(d.customers + d.customersWithoutCountedOrders);
      expect(list.withoutCountedOrders).toBe(1);
      // Customers without a segment, by why.
      expect(d.segments).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ segment: "Loyal", kind: "segment", customers: 1 }),
          expect.objectContaining({ segment: null, kind: "refunded", customers: 1, netRevenueMinor: "0" }),
          expect.objectContaining({ segment: null, kind: "pending", customers: 1, netRevenueMinor: "3000" }),
        ]),
      );
      // The last 30 days in New York against the 30 before.
      expect(d.period.current).toMatchObject({ orders: 4, netRevenueMinor: "15500", orderingCustomers: 3, newCustomers: 2 });
      expect(d.period.previous).toMatchObject({ orders: 2, netRevenueMinor: "6500", orderingCustomers: 1, newCustomers: 1 });
      const byYear = await dashboardOf(RECON, "?range=90d&compare=year");
      expect(byYear.period.current).toMatchObject({ orders: 6, netRevenueMinor: "22000", newCustomers: 3 });
      expect(byYear.period.previous).toMatchObject({ orders: 0, netRevenueMinor: "0" });

      const page = await html(RECON, "/app");
      expect(page).toContain("$160.00 from customers plus $60.00 from guest checkouts");
      expect(page).toContain("1 more customer has only cancelled or test orders; the Customers list shows all 4.");
      expect(page).toContain("Every order refunded");
      const listPage = await html(RECON, "/app/customers");
      expect(listPage).toContain(
        "4 customers, 1 of whom has only cancelled or test orders; the dashboard counts the 3 with a counted order.",
      );
    });

    it("puts cohort months and dates on the shop's calendar (New York and Tokyo)", async () => {
      // Two first orders around the start of a month three months ago: 2 h after midnight UTC on the 1st
      // (the evening before in New York, the 1st in Tokyo) and 2 h before it (the 1st in Tokyo already).
      const month = new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() - 3, 1));
      const label = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
      const before = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() - 1, 1));
      const afterMidnight = new Date(month.getTime() + 2 * 3_600_000);
      const beforeMidnight = new Date(month.getTime() - 2 * 3_600_000);
      for (const [shop, zone, first] of [
        [NEW_YORK, "America/New_York", 1],
        [TOKYO, "Asia/Tokyo", 2],
      ] as const) {
        await app.db.shop.create({ data: { shop, currencyCode: "USD", ianaTimezone: zone } });
        await addCustomer(app.db, shop, { id: "1", orders: [{ id: `${first}1`, at: afterMidnight, totalMinor: 1_000n }] });
        await addCustomer(app.db, shop, { id: "2", orders: [{ id: `${first}2`, at: beforeMidnight, totalMinor: 2_000n }] });
      }
      const ny = await dashboardOf(NEW_YORK);
      const tokyo = await dashboardOf(TOKYO);
      expect(ny.cohorts.map((c) => [c.cohort, c.customers])).toEqual([[label(before), 2]]);
      expect(tokyo.cohorts.map((c) => [c.cohort, c.customers])).toEqual([[label(month), 2]]);

      // The customer page shows the order's date on the shop's calendar.
      const nyDate = formatDate(afterMidnight.toISOString(), "en", "America/New_York");
      const tokyoDate = formatDate(afterMidnight.toISOString(), "en", "Asia/Tokyo");
      expect(nyDate).not.toBe(tokyoDate);
      const nyPage = await html(NEW_YORK, "/app/customers/1");
      expect(nyPage).toContain(`data-testid="first-order">${nyDate}<`);
      expect(nyPage).toContain("(America/New_York)");
      expect(await html(TOKYO, "/app/customers/1")).toContain(`data-testid="first-order">${tokyoDate}<`);
      // And the list's last-order column.
      expect(await html(NEW_YORK, "/app/customers")).toContain(nyDate);
    });

    it("renders the figures server-side, in the shop's currency and the admin's language", async () => {
      const d = await dashboardOf(EURO);
      const page = await html(EURO, "/app?locale=fr");
      expect(page).toContain('<html lang="fr">');
      expect(page).toContain(formatMoney(d.netRevenueMinor, "EUR", "fr"));
      expect(formatMoney(d.netRevenueMinor, "EUR", "fr")).toMatch(/€$/);
      expect(page).toContain("Répartition de la valeur vie");
      expect(page).toContain("<title>Tableau de bord · Valeur vie client</title>");
      expect(page).not.toContain("Revenue by first-order cohort");
    });

    it("falls back to an order's currency, and says when nothing is predicted yet", async () => {
      const d = await dashboardOf(YEN);
      expect(d.currencyCode).toBe("JPY");
      expect(d.predictedTotalMinor).toBeNull();
      const page = await html(YEN, "/app");
      expect(page).toContain("Not yet predicted");
      expect(page).toContain("¥");
      expect(page).toContain("<title>Dashboard · Customer lifetime value</title>");
    });

    it("shows an empty state without orders", async () => {
      const d = await dashboardOf(EMPTY);
      expect(d).toMatchObject({ customers: 0, orders: 0, netRevenueMinor: "0", histogram: [], cohorts: [] });
      const page = await html(EMPTY, "/app");
      expect(page).toContain("No orders yet");
      expect(page).toContain("Import order history");
    });

    it("says it is importing, not 0 customers, during the first import", async () => {
      await app.db.backfillRun.create({
        data: { id: "run-progress", shop: EMPTY, status: "importing", objectCount: 200, linesImported: 50 },
      });
      const d = await dashboardOf(EMPTY);
      expect(d.backfill).toMatchObject({ status: "importing", active: true, fraction: 0.25 });
      expect(d.firstImport).toBe(true);
      const page = await html(EMPTY, "/app");
      expect(page).toContain("50 of 200 records imported (25%)");
      expect(page).toContain("Importing your order history");
      expect(page).not.toContain("No orders yet");
      expect(page).toContain('aria-labelledby="backfill-progress-label"');
    });
  });

  describe("customers list", () => {
    type Key = "historic" | "predicted" | "orders" | "last";
    const valueOf: Record<Key, (c: SeededCustomer) => number | bigint | null> = {
      historic: (c) => c.netRevenueMinor,
      predicted: (c) => c.predictedClvMinor,
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

    for (const key of ["historic", "predicted", "orders", "last"] as Key[]) {
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

    it("has no P(alive) sort, which put one-time buyers first as the likeliest to stay", async () => {
      const page = await listOf("?sort=alive&direction=desc");
      expect(page.query.sort).toBe("historic");
      expect(ids(page.rows)).toEqual(expectedOrder(seeded.customers, "historic", "desc").slice(0, 50));
    });

    it("shows each scored customer's chance of an order in the next 12 months, never 100% for a one-time buyer", async () => {
      const page = await listOf("?sort=last&direction=asc");
      const fit = await app.db.modelFit.findFirstOrThrow({ where: { shop: SHOP } });
      for (const row of page.rows) {
        const c = seeded.customers.find((s) => s.customerId === row.customerId)!;
        if (c.probabilityAlive === null) {
          expect(row.probabilityOrder).toBeNull();
          continue;
        }
        expect(row.probabilityOrder).not.toBeNull();
        expect(row.probabilityOrder!).toBeLessThan(1);
        if (c.orderCount !== 1) continue;
        // One purchase day: x = 0, T = weeks from its day to the scoring day (UTC: the fit has no zone).
        const T = (Math.floor(fit.asOf.getTime() / DAY) - Math.floor(c.firstOrderAt!.getTime() / DAY)) / 7;
        expect(row.probabilityOrder!).toBeCloseTo(
          probabilityOfAnyPurchase({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 12 * 4.345, 0, 0, T),
          9,
        );
      }
      // The oldest one-time buyers have the lowest chance.
      const oneTime = page.rows.filter(
        (r) => seeded.customers.find((s) => s.customerId === r.customerId)!.orderCount === 1 && r.probabilityOrder !== null,
      );
      expect(oneTime.length).toBeGreaterThan(2);
      expect(oneTime[0].probabilityOrder!).toBeLessThan(oneTime.at(-1)!.probabilityOrder!);
    });

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
      const risky = await listOf("?risk=1&sort=last&direction=asc");
      expect(risky.total).toBe(atRisk.length);
      expect(ids(risky.rows)).toEqual(expectedOrder(atRisk, "last", "asc").slice(0, 50));
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
      expect(await html(SHOP, `/app/customers?q=${anonymous.customerId}`)).toContain(`Customer ${anonymous.customerId}`);

      expect((await listOf("?q=%25")).total).toBe(0);
      expect((await listOf("?q=_")).total).toBe(0);
    });

    it("renders the table server-side with sortable headings, pagination, the count and the export", async () => {
      const page = await html(SHOP, "/app/customers?sort=predicted&direction=desc");
      expect(page).toContain("Polaris-IndexTable");
      expect(page).toContain("Export all 130 customers (CSV)");
      expect(page).toContain("1–50 of 130");
      expect(page).toContain("Chance of an order, 12 m");
      // Next page link keeps the sort.
      expect(page).toMatch(/href="\/app\/customers\?[^"]*sort=predicted[^"]*page=2/);
      const empty = await html(SHOP, "/app/customers?q=nobody-is-called-this");
      expect(empty).toContain("No customers match these filters");
      expect(empty).toContain("Clear filters");
      expect(await html(SHOP, "/app/customers?segment=Lost")).toMatch(/Export these \d+ customers \(CSV\)|Export 1 customer \(CSV\)/);
    });
  });

  describe("customer detail", () => {
    it("gives the order timeline, historic and predicted value and the chance of an order in words", async () => {
      const repeat = seeded.customers.find((c) => c.orderCount >= 3 && c.probabilityAlive !== null && c.probabilityAlive < 1)!;
      const detail = await detailOf(SHOP, repeat.customerId);
      expect(detail).toMatchObject({
        customerId: repeat.customerId,
        orderCount: repeat.orderCount,
        netRevenueMinor: repeat.netRevenueMinor.toString(),
        predictedClvMinor: repeat.predictedClvMinor!.toString(),
        segment: repeat.segment,
        storeHandle: "pages-shop",
      });
      expect(detail.probabilityOrder).toBeGreaterThan(0);
      expect(detail.probabilityOrder).toBeLessThan(1);
      const orders = await app.db.order.findMany({
        where: { shop: SHOP, customerId: repeat.customerId },
        orderBy: [{ processedAt: "desc" }, { id: "desc" }],
      });
      expect(detail.orders.map((o) => o.id)).toEqual(orders.map((o) => o.id));
      expect(detail.totalOrders).toBe(orders.length);

      const page = await html(SHOP, `/app/customers/${repeat.customerId}`);
      expect(page).toContain("Will they order again?");
      expect(page).toContain('data-state="repeat_buyer"');
      expect(page).toMatch(/We put the chance that they place at least one order in the next 12 months at \d+%\./);
      expect(page).toContain(formatMoney(repeat.netRevenueMinor, "USD", "en"));
      // Links to the customer and its orders in Shopify admin, opened at the top of the admin.
      expect(page).toContain(`href="https://admin.shopify.com/store/pages-shop/orders/${orders[0].id}" target="_top"`);
      expect(page).toMatch(/aria-labelledby="chance-label"/);
    });

    it("has a true sentence for each state: one-time, repeat, refunded, unscored", async () => {
      const asOf = ago(1);
      await app.db.shop.create({ data: { shop: STATES, currencyCode: "USD" } });
      await addModelFit(app.db, STATES, { id: "fit-states", asOf });
      const scored = (pa: number, segment: string) => ({
        probabilityAlive: pa,
        expectedPurchases: 0.4,
        predictedClvMinor: 1_500n,
        segment,
        predictedAt: new Date(asOf.getTime() + 10_000),
        modelFitId: "fit-states",
      });
      await addCustomer(app.db, STATES, {
        id: "101",
        orders: [{ id: "s1", at: ago(400), totalMinor: 4_000n }],
        prediction: scored(1, "Lost"),
      });
      await addCustomer(app.db, STATES, {
        id: "102",
        orders: [
          { id: "s2", at: ago(200), totalMinor: 3_000n },
          { id: "s3", at: ago(150), totalMinor: 3_000n },
          { id: "s4", at: ago(100), totalMinor: 3_000n },
        ],
        prediction: scored(0.62, "Need attention"),
      });
      await addCustomer(app.db, STATES, { id: "103", orders: [{ id: "s5", at: ago(30), totalMinor: 4_797n, refundedMinor: 4_797n }] });
      await addCustomer(app.db, STATES, {
        id: "104",
        orders: [
          { id: "s6", at: ago(60), totalMinor: 2_000n },
          { id: "s7", at: ago(50), totalMinor: 4_797n, refundedMinor: 4_797n, cancelled: true },
        ],
      });
      await addCustomer(app.db, STATES, { id: "105", orders: [{ id: "s8", at: new Date(NOW.getTime() - 3_600_000), totalMinor: 1_000n }] });
      await addCustomer(app.db, STATES, { id: "106", orders: [{ id: "s9", at: ago(20), totalMinor: 1_000n, test: true }] });

      const state = async (id: string) => {
        const page = await html(STATES, `/app/customers/${id}`);
        return { page, state: /data-state="([a-z_]+)"/.exec(page)?.[1] };
      };
      const oneTime = await state("101");
      expect(oneTime.state).toBe("one_time_buyer");
      expect(oneTime.page).toContain("They have ordered once, 13 months ago.");
      expect(oneTime.page).not.toMatch(/100\s?% chance|still an active customer/);
      const d101 = await detailOf(STATES, "101");
      const T = (Math.floor((asOf.getTime() + 10_000) / DAY) - Math.floor(ago(400).getTime() / DAY)) / 7;
      expect(d101.probabilityOrder).toBeCloseTo(
        probabilityOfAnyPurchase({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 52.14, 0, 0, T),
        9,
      );

      const repeat = await state("102");
      expect(repeat.state).toBe("repeat_buyer");
      expect(repeat.page).toContain("They usually order every ~7 weeks and last ordered 3 months ago.");
      expect(repeat.page).toContain("Judging by that rhythm, the chance that they are still an active customer is 62%.");

      const refunded = await state("103");
      expect(refunded.state).toBe("all_refunded");
      expect(refunded.page).toContain("No prediction: their order was refunded in full, so they have no purchase the model can count.");
      expect(refunded.page).not.toContain("repeat buyers");
      expect(refunded.page).toContain('data-testid="refunded">$47.97<');

      const cancelledRefund = await state("104");
      expect(cancelledRefund.state).toBe("awaiting_update");
      expect(cancelledRefund.page).toContain('data-testid="refunded">$0.00<');
      expect(cancelledRefund.page).toContain("Plus $47.97 refunded on cancelled or test orders, which count nowhere.");

      const newer = await state("105");
      expect(newer.state).toBe("newer_than_model");
      expect(newer.page).toContain("their first order came after the last model update");

      expect((await state("106")).state).toBe("no_counted_orders");

      await app.db.shop.create({ data: { shop: NOFIT, currencyCode: "USD" } });
      await addCustomer(app.db, NOFIT, { id: "1", orders: [{ id: "n1", at: ago(10), totalMinor: 1_000n }] });
      const noFit = await html(NOFIT, "/app/customers/1");
      expect(noFit).toContain('data-state="no_model"');
      expect(noFit).toContain("the model has not been fitted for this store");

      await app.db.shop.create({ data: { shop: THIN, currencyCode: "USD" } });
      await addModelFit(app.db, THIN, { id: "fit-thin", asOf: ago(2), status: "insufficient_data", reason: "only 1 repeat customer" });
      await addCustomer(app.db, THIN, { id: "1", orders: [{ id: "t1", at: ago(10), totalMinor: 1_000n }] });
      expect(await html(THIN, "/app/customers/1")).toContain("found too little data to predict from (only 1 repeat customer).");
    });

    it("badges cancelled and test orders and does not count them", async () => {
      const cancelled = await app.db.order.findFirst({ where: { shop: SHOP, cancelledAt: { not: null } } });
      expect(cancelled).not.toBeNull();
      const detail = await detailOf(SHOP, cancelled!.customerId!);
      expect(detail.orders.find((o) => o.id === cancelled!.id)).toMatchObject({ cancelled: true });
      const page = await html(SHOP, `/app/customers/${cancelled!.customerId}`);
      expect(page).toContain("Cancelled");
      expect(page).toContain("not counted");
    });

    it("answers 404 for an unknown id, on a styled page", async () => {
      const response = await documentRequest(app.baseUrl, "/app/customers/424242424242", SHOP, token());
      expect(response.status).toBe(404);
      const page = await response.text();
      expect(page).toContain("This customer does not exist in your store.");
      expect(page).toContain("Back to customers");
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
        const { response, lines } = await csvOf(SHOP);
        expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
        expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="customers-pages-shop-\d{4}-\d{2}-\d{2}\.csv"$/);
        expect(lines[0]).toBe(
          "customer_id,email,first_name,last_name,orders,gross_revenue,refunded,net_revenue,average_order_value,first_order_at,last_order_at,expected_purchases_12m,purchases_low,purchases_high,probability_order_12m,probability_alive,predicted_clv_12m,clv_low,clv_high,segment,currency",
        );
        expect(lines).toHaveLength(1 + seeded.customers.length + 1);
        expect(lines).toContain(
          `99,"'=HYPERLINK(""http://x"")","Ann ""The Hammer""","O'Neil, Jr.",1,10.05,0.00,10.05,10.05,,,,,,,,,,,,USD`,
        );
        const sample = seeded.customers[17];
        const row = lines.find((l) => l.startsWith(`${sample.customerId},`))!;
        expect(row.split(",")[7]).toBe(formatMinorDecimal(sample.netRevenueMinor, "USD"));
      } finally {
        await app.db.customerValue.delete({ where: { shop_customerId: { shop: SHOP, customerId: "99" } } });
        await app.db.customer.delete({ where: { shop_id: { shop: SHOP, id: "99" } } });
      }
    });

    it("exports the list as shown: its filters, search and sort, every page", async () => {
      for (const query of [
        "?risk=1&sort=last&direction=asc",
        "?segment=Lost&sort=orders",
        "?q=lovelace&sort=predicted&direction=asc",
        "?sort=predicted&direction=desc",
      ]) {
        const listed: string[] = [];
        for (let page = 1; ; page++) {
          const list = await listOf(`${query}&page=${page}`);
          listed.push(...list.rows.map((r) => r.customerId));
          if (!list.hasNext) break;
        }
        const { response, lines } = await csvOf(SHOP, query);
        expect(
          lines.slice(1).map((l) => l.split(",")[0]),
          query,
        ).toEqual(listed);
        if (!query.startsWith("?sort")) expect(response.headers.get("content-disposition")).toMatch(/customers-pages-shop-filtered-/);
      }
      // A filtered list is smaller than the shop: the export is too.
      const { lines } = await csvOf(SHOP, "?risk=1");
      expect(lines.length - 1).toBeLessThan(seeded.customers.length);
    });

    it("pages through the database beyond one page of 1,000, in the sort order", async () => {
      const BIG = "export-big.myshopify.com";
      await installOfflineSession(app.db, BIG);
      const big = await seedShop(app.db, { shop: BIG, customers: 2_345, seed: 3, orders: false, firstOrderId: 9_500_000 });
      const { lines } = await csvOf(BIG);
      const rows = lines.slice(1);
      expect(rows).toHaveLength(big.customers.length);
      expect(new Set(rows.map((r) => r.split(",")[0])).size).toBe(big.customers.length);
      const nets = rows.map((r) => Number(r.split(",")[7]));
      expect(nets).toEqual([...nets].sort((a, b) => b - a));
      // Sorted by a nullable column: values first, then the customers without one.
      const byLast = (await csvOf(BIG, "?sort=last&direction=asc")).lines.slice(1).map((r) => r.split(",")[10]);
      expect(byLast).toHaveLength(big.customers.length);
      const firstEmpty = byLast.indexOf("");
      const dated = firstEmpty === -1 ? byLast : byLast.slice(0, firstEmpty);
      expect(dated).toEqual([...dated].sort());
      if (firstEmpty !== -1) expect(byLast.slice(firstEmpty).every((v) => v === "")).toBe(true);
    });
  });

  describe("sync status", () => {
    it("leads with the merchant's summary and keeps the diagnostics", async () => {
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

      const page = await html(SHOP, "/app/sync");
      const summary = page.indexOf("Is your data up to date?");
      const diagnostics = page.indexOf("Diagnostics");
      expect(summary).toBeGreaterThan(0);
      expect(diagnostics).toBeGreaterThan(summary);
      for (const text of [
        "Everything is up to date.",
        "Order history imported on Jan 1, 2026",
        "Predictions updated",
        "Update predictions",
      ])
        expect(page).toContain(text);
      for (const text of ["Failed jobs", "orders/create", "Order history imports", "bgnbd.r"])
        expect(page.indexOf(text)).toBeGreaterThan(diagnostics);
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
