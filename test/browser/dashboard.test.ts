// The dashboard in Chromium: the figures render (server-side, then hydrated), the polaris-viz charts draw
// with their axis titles, the date range applies as it is chosen, the cohorts switch between LTV curves and
// monthly revenue, the empty and importing states, a French pass and a keyboard-only pass.
import { describe, expect, it } from "vitest";
import { seedShop } from "../support/seed";
import { installOfflineSession } from "../support/session-token";
import { headingOutline, headingsInOrder, screenshot, tabTo, waitForIdle } from "../support/browser";
import { browserSuite, type AppUnderTest } from "../support/browser-suite";
import { formatMoney, formatNumber } from "~/lib/format";

const SHOP = "browser-dashboard.myshopify.com";
const EMPTY = "browser-empty.myshopify.com";

const suite = browserSuite({ shop: SHOP, seed });

// The seeded shop, and a second one installed without any order yet (the empty and importing states).
async function seed(app: AppUnderTest) {
  await installOfflineSession(app.db, EMPTY);
  const seeded = await seedShop(app.db, { shop: SHOP, customers: 400, seed: 5, ianaTimezone: "America/New_York" });
  await app.db.shop.create({ data: { shop: EMPTY, currencyCode: "USD" } });
  return seeded;
}

describe("dashboard in a browser", () => {
  it("renders the figures, draws the charts with their axis titles, and keeps headings in order", async () => {
    const admin = await suite.open("/app");
    const { page } = admin;
    const customers = suite.seeded.customers.filter((c) => c.orderCount > 0).length;
    expect(await page.getByTestId("metric-customers").innerText()).toBe(formatNumber(customers, "en"));
    expect(await page.getByTestId("metric-orders").innerText()).toBe(formatNumber(suite.seeded.countedOrders, "en"));
    expect(await page.getByTestId("metric-net-revenue").innerText()).toBe(formatMoney(suite.seeded.netRevenueMinor, "USD", "en"));
    expect(await page.getByTestId("metric-predicted").innerText()).toBe(formatMoney(suite.seeded.predictedTotalMinor, "USD", "en"));
    // polaris-viz draws SVG once hydrated (the server sent tables in their place): histogram, segments, LTV curves.
    await expect.poll(() => page.locator("[data-testid=chart] svg").count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId("axis-x").first().innerText()).toBe("Historic net revenue");
    expect(await page.getByTestId("axis-y").first().innerText()).toBe("Customers");
    expect(await page.getByTestId("histogram-caption").innerText()).toMatch(
      /^\d[\d,]* customers with a counted order, .* The last bar, .+ or more, holds \d+(\.\d)?% of them\.$/,
    );
    expect(headingsInOrder(await headingOutline(page))).toBe(true);
    expect(await page.title()).toBe("Dashboard · Customer lifetime value");
    await page.waitForTimeout(300); // let the bars finish their first layout
    await screenshot(page, "dashboard");

    // Monthly revenue per cohort instead of the LTV curves.
    await page.getByRole("button", { name: "Monthly revenue" }).click();
    await expect.poll(() => page.locator("[data-testid=cohort-table] tbody tr").count()).toBeGreaterThan(0);
    expect(await page.getByText(/months on the store's calendar \(America\/New_York\)/).count()).toBe(1);
    expect(admin.errors).toEqual([]);
  });

  it("applies a date range and a comparison as they are chosen", async () => {
    const admin = await suite.open("/app");
    const { page } = admin;
    const before = await page.getByTestId("period-orders").innerText();
    // A choice made before React has hydrated the select changes nothing yet: choose again until it applies.
    await expect
      .poll(async () => {
        await page.getByLabel("Date range", { exact: true }).selectOption("365d");
        return page.url();
      })
      .toMatch(/range=365d/);
    await waitForIdle(page);
    await expect.poll(() => page.getByTestId("period-orders").innerText()).not.toBe(before);
    await page.getByLabel("Compare with").selectOption("year");
    await page.waitForURL(/compare=year/);
    await waitForIdle(page);
    await expect.poll(() => page.getByTestId("period-dates").innerText()).toMatch(/^\w{3} \d+, \d{4} – \w{3} \d+, \d{4}$/);
    expect(await page.getByTestId("period-orders-comparison").innerText()).toMatch(/^vs \d/);
    // The link still carries the admin's context, and the session token (no App Bridge here to add one).
    const url = new URL(page.url());
    expect(url.searchParams.get("shop")).toBe(SHOP);
    expect(url.searchParams.get("id_token")).not.toBeNull();
    await screenshot(page, "dashboard-period");
    expect(admin.errors).toEqual([]);
  });

  it("goes to the customers page from its primary action", async () => {
    const admin = await suite.open("/app");
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

  it("speaks French", async () => {
    const admin = await suite.open("/app", { locale: "fr" });
    const { page } = admin;
    expect(await page.locator("h1").first().innerText()).toBe("Valeur vie client");
    expect(await page.getByTestId("metric-net-revenue").innerText()).toBe(formatMoney(suite.seeded.netRevenueMinor, "USD", "fr"));
    expect(await page.getByTestId("axis-x").first().innerText()).toBe("Chiffre d'affaires net historique");
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    expect(await page.title()).toBe("Tableau de bord · Valeur vie client");
    await expect.poll(() => page.locator("[data-testid=chart] svg").count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await page.waitForTimeout(300);
    await screenshot(page, "dashboard-fr");
    expect(admin.errors).toEqual([]);
  });

  it("works with the keyboard alone", async () => {
    const admin = await suite.open("/app");
    const { page } = admin;
    await tabTo(page, "select[name=range]");
    await page.keyboard.press("ArrowDown"); // Last 30 days → Last 90 days
    await page.waitForURL(/range=90d/);
    await waitForIdle(page);
    await tabTo(page, "a[href*='/app/customers/']");
    const target = await page.evaluate(() => (document.activeElement as HTMLAnchorElement).getAttribute("href"));
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname === target!.split("?")[0]);
    await waitForIdle(page);
    await expect.poll(() => page.getByTestId("alive-explanation").count()).toBe(1);
    expect(admin.errors).toEqual([]);
  });

  it("says it is importing instead of showing 0 customers, then shows the import's progress", async () => {
    const admin = await suite.open("/app", { shop: EMPTY });
    const { page } = admin;
    await expect.poll(() => page.getByText("No orders yet").count()).toBeGreaterThan(0);
    await screenshot(page, "dashboard-empty");

    await suite.app.db.backfillRun.create({
      data: { id: "browser-run", shop: EMPTY, status: "importing", objectCount: 1_200, linesImported: 300 },
    });
    await admin.open("/app");
    await expect.poll(() => page.getByText("300 of 1,200 records imported (25%).").count()).toBeGreaterThan(0);
    expect(await page.getByText("Importing your order history", { exact: true }).count()).toBe(1);
    expect(await page.getByText("No orders yet").count()).toBe(0);
    // The progress bar is labelled by the sentence above it.
    expect(await page.locator("[aria-labelledby=backfill-progress-label]").count()).toBe(1);
    await screenshot(page, "dashboard-backfill-running");
    expect(admin.errors).toEqual([]);
  });
});
