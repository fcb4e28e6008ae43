// The dashboard in Chromium: the figures render (server-side, then hydrated), the polaris-viz charts draw,
// the empty state shows for a shop without orders, and a running import shows its progress.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startApp } from "../support/app-under-test";
import { seedShop, type SeedSummary } from "../support/seed";
import { installOfflineSession } from "../support/session-token";
import { launchBrowser, openAdmin, screenshot, waitForIdle, type AdminPage } from "../support/browser";
import { formatMoney, formatNumber } from "~/lib/format";

const SHOP = "browser-dashboard.myshopify.com";
const EMPTY = "browser-empty.myshopify.com";
let app: Awaited<ReturnType<typeof startApp>>;
let browser: Browser;
let seeded: SeedSummary;
const pages: AdminPage[] = [];

beforeAll(async () => {
  app = await startApp({ workers: false });
  await installOfflineSession(app.db, SHOP);
  await installOfflineSession(app.db, EMPTY);
  seeded = await seedShop(app.db, { shop: SHOP, customers: 400, seed: 5 });
  await app.db.shop.create({ data: { shop: EMPTY, currencyCode: "USD" } });
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const p of pages) await p.close();
  await browser?.close();
  await app?.stop();
});

async function open(shop: string, path: string) {
  const admin = await openAdmin(browser, { baseUrl: app.baseUrl, shop });
  pages.push(admin);
  await admin.open(path);
  return admin;
}

describe("dashboard in a browser", () => {
  it("renders the figures and draws the charts", async () => {
    const admin = await open(SHOP, "/app");
    const { page } = admin;
    const customers = seeded.customers.filter((c) => c.orderCount > 0).length;
    expect(await page.getByTestId("metric-customers").innerText()).toBe(formatNumber(customers, "en"));
    expect(await page.getByTestId("metric-orders").innerText()).toBe(formatNumber(seeded.countedOrders, "en"));
    expect(await page.getByTestId("metric-net-revenue").innerText()).toBe(formatMoney(seeded.netRevenueMinor, "USD", "en"));
    expect(await page.getByTestId("metric-predicted").innerText()).toBe(formatMoney(seeded.predictedTotalMinor, "USD", "en"));
    // polaris-viz draws SVG once hydrated (the server sent a table in its place).
    await expect.poll(() => page.locator("[data-testid=chart] svg").count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => page.locator("[data-testid=cohort-table] tbody tr").count()).toBeGreaterThan(0);
    await page.waitForTimeout(300); // let the bars finish their first layout
    await screenshot(page, "dashboard");
    expect(admin.errors).toEqual([]);
  });

  it("goes to the customers page from its primary action", async () => {
    const admin = await open(SHOP, "/app");
    const { page } = admin;
    await page
      .getByRole("link", { name: "View customers" })
      .or(page.getByRole("button", { name: "View customers" }))
      .first()
      .click();
    await page.waitForURL(/\/app\/customers\?/);
    await waitForIdle(page);
    await expect.poll(() => page.locator("h1").first().innerText()).toBe("Customers");
    // The link kept the admin's context (locale, shop, host) for the next document load.
    expect(new URL(page.url()).searchParams.get("locale")).toBe("en");
    expect(admin.errors).toEqual([]);
  });

  it("shows the empty state, then the import's progress", async () => {
    const admin = await open(EMPTY, "/app");
    const { page } = admin;
    await expect.poll(() => page.getByText("No orders yet").count()).toBeGreaterThan(0);
    await screenshot(page, "dashboard-empty");

    await app.db.backfillRun.create({
      data: { id: "browser-run", shop: EMPTY, status: "importing", objectCount: 1_200, linesImported: 300 },
    });
    await admin.open("/app");
    await expect.poll(() => page.getByText("300 of 1,200 records imported (25%)").count()).toBeGreaterThan(0);
    await screenshot(page, "dashboard-backfill-running");
    expect(admin.errors).toEqual([]);
  });
});
