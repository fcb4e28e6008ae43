// The customers page in Chromium: the table sorts (clicking a heading) and pages (next page), a row
// opens the customer, and the CSV export downloads the whole list.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startApp } from "../support/app-under-test";
import { seedShop, type SeedSummary } from "../support/seed";
import { installOfflineSession } from "../support/session-token";
import { launchBrowser, openAdmin, screenshot, waitForIdle, type AdminPage } from "../support/browser";

const SHOP = "browser-customers.myshopify.com";
let app: Awaited<ReturnType<typeof startApp>>;
let browser: Browser;
let admin: AdminPage;
let seeded: SeedSummary;

beforeAll(async () => {
  app = await startApp({ workers: false });
  await installOfflineSession(app.db, SHOP);
  seeded = await seedShop(app.db, { shop: SHOP, customers: 130, seed: 11 });
  browser = await launchBrowser();
});

afterAll(async () => {
  await admin?.close();
  await browser?.close();
  await app?.stop();
});

const table = (page: Page) => page.locator("table.Polaris-IndexTable__Table");

/** Customer ids of the visible rows, from their links. */
async function rowIds(page: Page): Promise<string[]> {
  const hrefs = await table(page)
    .locator("tbody [data-testid=customer-link]")
    .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  return hrefs.map((href) => decodeURIComponent(href.split("?")[0].split("/").pop()!));
}

/** Text of one column (1-based) in every visible row. */
async function column(page: Page, index: number): Promise<string[]> {
  return table(page).locator(`tbody tr td:nth-child(${index})`).allInnerTexts();
}

const number = (text: string) => Number(text.replace(/[^0-9.-]/g, ""));

/** The router commits the URL a moment before React paints the new rows: wait for the rows to change. */
async function rowsChangedFrom(page: Page, before: string[]): Promise<string[]> {
  await waitForIdle(page);
  await expect.poll(() => rowIds(page)).not.toEqual(before);
  return rowIds(page);
}

describe("customers page in a browser", () => {
  it("lists, sorts by clicking a heading, and pages", async () => {
    admin = await openAdmin(browser, { baseUrl: app.baseUrl, shop: SHOP });
    const { page } = admin;
    await admin.open("/app/customers");
    await expect.poll(() => rowIds(page)).toHaveLength(50);
    const firstPage = await rowIds(page);
    // Default: historic value, highest first.
    const historic = (await column(page, 4)).map(number);
    expect(historic).toEqual([...historic].sort((a, b) => b - a));
    await expect.poll(() => page.getByText("1–50 of 130").count()).toBeGreaterThan(0);
    await screenshot(page, "customers-list", { fullPage: false });

    // Sort by orders: click its heading (descending first), then again (ascending).
    await table(page).locator("thead th button", { hasText: "Orders" }).click();
    await page.waitForURL(/sort=orders/);
    const byOrdersDesc = await rowsChangedFrom(page, firstPage);
    const ordersDesc = (await column(page, 3)).map(number);
    expect(ordersDesc).toEqual([...ordersDesc].sort((a, b) => b - a));
    const most = Math.max(...seeded.customers.map((c) => c.orderCount));
    expect(ordersDesc[0]).toBe(most);

    await table(page).locator("thead th button", { hasText: "Orders" }).click();
    await page.waitForURL(/direction=asc/);
    await rowsChangedFrom(page, byOrdersDesc);
    const ordersAsc = (await column(page, 3)).map(number);
    expect(ordersAsc).toEqual([...ordersAsc].sort((a, b) => a - b));
    expect(ordersAsc[0]).toBe(Math.min(...seeded.customers.map((c) => c.orderCount)));
    await screenshot(page, "customers-sorted-by-orders", { fullPage: false });

    // Next page: other customers, same order.
    const pageOne = await rowIds(page);
    await page
      .getByRole("link", { name: "Next page" })
      .or(page.getByRole("button", { name: "Next page" }))
      .first()
      .click();
    await page.waitForURL(/page=2/);
    const pageTwo = await rowsChangedFrom(page, pageOne);
    expect(pageTwo).toHaveLength(50);
    expect(pageTwo.filter((id) => pageOne.includes(id))).toEqual([]);
    const ordersPageTwo = (await column(page, 3)).map(number);
    expect(ordersPageTwo[0]).toBeGreaterThanOrEqual(ordersAsc[ordersAsc.length - 1]);
    await expect.poll(() => page.getByText("51–100 of 130").count()).toBeGreaterThan(0);
    await screenshot(page, "customers-page-2", { fullPage: false });

    // The client-side loads above went through the App Bridge stand-in (Bearer token), not document loads.
    expect(admin.signedRequests.some((r) => r.startsWith("/app/customers.data"))).toBe(true);
    expect(admin.errors).toEqual([]);
  });

  it("filters by search and segment", async () => {
    const { page } = admin;
    await admin.open("/app/customers");
    await page.getByPlaceholder("Search by name, email or customer id").fill("lovelace");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/q=lovelace/);
    const expected = seeded.customers.filter((c) => c.lastName?.toLowerCase().includes("lovelace")).map((c) => c.customerId);
    await expect.poll(async () => (await rowIds(page)).sort()).toEqual(expected.sort());
    await screenshot(page, "customers-search");

    // Narrow the same search to one segment.
    await page.getByLabel("Segment").selectOption("Lost");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/segment=Lost/);
    const lost = seeded.customers
      .filter((c) => c.lastName?.toLowerCase().includes("lovelace") && c.segment === "Lost")
      .map((c) => c.customerId);
    await expect.poll(async () => (await rowIds(page)).sort()).toEqual(lost.sort());
    expect(new Set(await column(page, 2))).toEqual(new Set(lost.length > 0 ? ["Lost"] : []));
    expect(admin.errors).toEqual([]);
  });

  it("opens a customer from the table", async () => {
    const { page } = admin;
    await admin.open("/app/customers?sort=orders&direction=desc");
    const [firstId] = await rowIds(page);
    const customer = seeded.customers.find((c) => c.customerId === firstId)!;
    // Click the row (Polaris follows the row's primary link).
    await table(page).locator("tbody tr").first().locator("td").nth(2).click();
    await page.waitForURL(new RegExp(`/app/customers/${firstId}`));
    await waitForIdle(page);
    const title = [customer.firstName, customer.lastName].filter(Boolean).join(" ") || customer.email || `Customer ${customer.customerId}`;
    await expect.poll(() => page.locator("h1").first().innerText()).toBe(title);
    expect(await page.getByTestId("order-count").innerText()).toBe(String(customer.orderCount));
    await expect.poll(() => page.getByTestId("alive-explanation").innerText()).toMatch(/chance this customer is still an active buyer/);
    await screenshot(page, "customer-detail");
    expect(admin.errors).toEqual([]);
  });

  it("downloads the CSV export", async () => {
    const { page } = admin;
    await admin.open("/app/customers");
    const downloading = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export CSV" }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^customers-browser-customers-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, "utf8");
    const lines = csv.trim().split("\r\n");
    expect(lines[0].split(",").slice(0, 5)).toEqual(["customer_id", "email", "first_name", "last_name", "orders"]);
    expect(lines).toHaveLength(1 + seeded.customers.length);
    await screenshot(page, "customers-export");
    expect(admin.errors).toEqual([]);
  });
});
