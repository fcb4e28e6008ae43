// The customers page in Chromium: the table sorts (clicking a heading, announced with aria-sort) and pages,
// filters apply as they are chosen, an empty result offers "Clear filters", the CSV export downloads the
// filtered list, a row opens the customer; a French pass and a keyboard-only pass; the loyalty tier column
// and filter once the shop has tiers (last: the column shifts the others).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { seedShop } from "../support/seed";
import { headingOutline, headingsInOrder, screenshot, tabTo, waitForIdle } from "../support/browser";
import { browserSuite } from "../support/browser-suite";

const SHOP = "browser-customers.myshopify.com";
const suite = browserSuite({ shop: SHOP, seed: (app) => seedShop(app.db, { shop: SHOP, customers: 130, seed: 11 }) });

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

/** aria-sort of the table's own header cells, by heading text. */
async function ariaSort(page: Page): Promise<Record<string, string | null>> {
  return table(page)
    .locator("thead th")
    .evaluateAll((ths) => Object.fromEntries(ths.map((th) => [(th.textContent ?? "").trim(), th.getAttribute("aria-sort")])));
}

const number = (text: string) => Number(text.replace(/[^0-9.-]/g, ""));

/** The router commits the URL a moment before React paints the new rows: wait for the rows to change. */
async function rowsChangedFrom(page: Page, before: string[]): Promise<string[]> {
  await waitForIdle(page);
  await expect.poll(() => rowIds(page)).not.toEqual(before);
  return rowIds(page);
}

describe("customers page in a browser", () => {
  it("lists, sorts by clicking a heading (announced with aria-sort), and pages", async () => {
    const admin = await suite.open("/app/customers");
    const { page } = admin;
    await expect.poll(() => rowIds(page)).toHaveLength(50);
    const firstPage = await rowIds(page);
    // Default: historic value, highest first.
    const historic = (await column(page, 4)).map(number);
    expect(historic).toEqual([...historic].sort((a, b) => b - a));
    await expect.poll(() => page.getByText("1–50 of 130").count()).toBeGreaterThan(0);
    // aria-sort is set by an effect, so it appears once the page has hydrated, a moment after the rows.
    await expect
      .poll(() => ariaSort(page))
      .toMatchObject({
        "Historic value": "descending",
        Orders: "none",
        Customer: null,
        "Chance of an order, 12 m": "none",
      });
    expect(headingsInOrder(await headingOutline(page))).toBe(true);
    expect(await page.title()).toBe("Customers · Customer lifetime value");
    // The chance of an order in the next 12 months: a percentage below 100% for every scored customer.
    const chances = (await column(page, 6)).filter((c) => c !== "—");
    expect(chances.length).toBeGreaterThan(0);
    // (Polaris badges carry their tone as hidden text before the value.)
    for (const c of chances) expect(c).toMatch(/(^|\n)\d{1,2}%$/);
    await screenshot(page, "customers-list", { fullPage: false });

    // Sort by orders: click its heading (descending first), then again (ascending).
    await table(page).locator("thead th button", { hasText: "Orders" }).click();
    await page.waitForURL(/sort=orders/);
    const byOrdersDesc = await rowsChangedFrom(page, firstPage);
    const ordersDesc = (await column(page, 3)).map(number);
    expect(ordersDesc).toEqual([...ordersDesc].sort((a, b) => b - a));
    expect(ordersDesc[0]).toBe(Math.max(...suite.seeded.customers.map((c) => c.orderCount)));
    await expect.poll(() => ariaSort(page)).toMatchObject({ Orders: "descending", "Historic value": "none" });

    await table(page).locator("thead th button", { hasText: "Orders" }).click();
    await page.waitForURL(/direction=asc/);
    await rowsChangedFrom(page, byOrdersDesc);
    const ordersAsc = (await column(page, 3)).map(number);
    expect(ordersAsc).toEqual([...ordersAsc].sort((a, b) => a - b));
    expect(ordersAsc[0]).toBe(Math.min(...suite.seeded.customers.map((c) => c.orderCount)));
    await expect.poll(() => ariaSort(page)).toMatchObject({ Orders: "ascending" });

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
    expect((await column(page, 3)).map(number)[0]).toBeGreaterThanOrEqual(ordersAsc[ordersAsc.length - 1]);
    await expect.poll(() => page.getByText("51–100 of 130").count()).toBeGreaterThan(0);
    await screenshot(page, "customers-page-2", { fullPage: false });

    // The client-side loads above went through the App Bridge stand-in (Bearer token), not document loads.
    expect(admin.signedRequests.some((r) => r.startsWith("/app/customers.data"))).toBe(true);

    // "Likely to order": the chance column sorts too (by the probability of an order in 12 months, not P(alive)).
    await table(page).locator("thead th button", { hasText: "Chance of an order, 12 m" }).click();
    await page.waitForURL(/sort=likely/);
    await expect.poll(() => ariaSort(page)).toMatchObject({ "Chance of an order, 12 m": "descending", Orders: "none" });
    expect(admin.errors).toEqual([]);
  });

  it("applies filters as they are chosen, and clears them from the empty state", async () => {
    const admin = await suite.open("/app/customers");
    const { page } = admin;
    // The search applies as the merchant types (no button).
    await page.getByPlaceholder("Search by name, email or customer id").fill("lovelace");
    await page.waitForURL(/q=lovelace/);
    const expected = suite.seeded.customers.filter((c) => c.lastName?.toLowerCase().includes("lovelace")).map((c) => c.customerId);
    await expect.poll(async () => (await rowIds(page)).sort()).toEqual(expected.sort());
    expect(await page.getByRole("button", { name: "Apply" }).count()).toBe(0);
    await screenshot(page, "customers-search");

    // Choosing a segment applies it at once, on top of the search.
    await page.getByLabel("Segment", { exact: true }).selectOption("Lost");
    await page.waitForURL(/segment=Lost/);
    const lost = suite.seeded.customers
      .filter((c) => c.lastName?.toLowerCase().includes("lovelace") && c.segment === "Lost")
      .map((c) => c.customerId);
    await expect.poll(async () => (await rowIds(page)).sort()).toEqual(lost.sort());
    expect(new Set(await column(page, 2))).toEqual(new Set(lost.length > 0 ? ["Lost"] : []));

    // So does the at-risk box; a search that matches nobody offers to clear the filters.
    await page.getByLabel("At risk only").check();
    await page.waitForURL(/risk=1/);
    await page.getByPlaceholder("Search by name, email or customer id").fill("zz-nobody");
    await page.waitForURL(/q=zz-nobody/);
    await expect.poll(() => page.getByText("No customers match these filters").count()).toBe(1);
    await screenshot(page, "customers-no-match", { fullPage: false });
    await page
      .getByRole("link", { name: "Clear filters" })
      .or(page.getByRole("button", { name: "Clear filters" }))
      .last()
      .click();
    await page.waitForURL((url) => !url.searchParams.has("q") && !url.searchParams.has("risk"));
    await expect.poll(() => rowIds(page)).toHaveLength(50);
    await expect.poll(() => page.getByTestId("customers-count").innerText()).toMatch(/^130 customers/);
    expect(admin.errors).toEqual([]);
  });

  it("exports the filtered list, as it is shown", async () => {
    const admin = await suite.open("/app/customers?risk=1&sort=orders&direction=asc");
    const { page } = admin;
    const listed = await rowIds(page);
    const atRisk = suite.seeded.customers.filter(
      (c) =>
        (c.probabilityAlive !== null && c.probabilityAlive < 0.3 && c.orderCount >= 2) ||
        c.segment === "At risk" ||
        c.segment === "Can't lose",
    );
    expect(listed).toHaveLength(atRisk.length);
    const downloading = page.waitForEvent("download");
    await page.getByRole("button", { name: `Export these ${atRisk.length} customers (CSV)` }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^customers-browser-customers-filtered-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync((await download.path())!, "utf8")
      .trim()
      .split("\r\n");
    expect(lines[0].split(",").slice(0, 5)).toEqual(["customer_id", "email", "first_name", "last_name", "orders"]);
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(listed);
    await screenshot(page, "customers-export-filtered");
    expect(admin.errors).toEqual([]);
  });

  it("opens a customer from the table", async () => {
    const admin = await suite.open("/app/customers?sort=orders&direction=desc");
    const { page } = admin;
    const [firstId] = await rowIds(page);
    const customer = suite.seeded.customers.find((c) => c.customerId === firstId)!;
    // Click the row (Polaris follows the row's primary link).
    await table(page).locator("tbody tr").first().locator("td").nth(2).click();
    await page.waitForURL(new RegExp(`/app/customers/${firstId}`));
    await waitForIdle(page);
    const title = [customer.firstName, customer.lastName].filter(Boolean).join(" ") || customer.email || `Customer ${customer.customerId}`;
    await expect.poll(() => page.locator("h1").first().innerText()).toBe(title);
    expect(await page.getByTestId("order-count").innerText()).toBe(String(customer.orderCount));
    await expect
      .poll(() => page.getByTestId("alive-explanation").innerText())
      .toMatch(/chance that they place at least one order in the next 12 months/);
    await expect.poll(() => page.title()).toBe(`${title} · Customer lifetime value`);
    expect(admin.errors).toEqual([]);
  });

  it("speaks French", async () => {
    const admin = await suite.open("/app/customers", { locale: "fr" });
    const { page } = admin;
    expect(await page.locator("h1").first().innerText()).toBe("Clients");
    // aria-sort is set once the table has hydrated.
    await expect.poll(() => ariaSort(page)).toMatchObject({ "Valeur historique": "descending" });
    expect(await page.getByTestId("customers-count").innerText()).toMatch(
      /^130 clients, dont \d+ n'ont que des commandes annulées ou de test/,
    );
    await expect.poll(() => page.getByText("1–50 sur 130 · page 1 sur 3").count()).toBeGreaterThan(0);
    expect(await page.getByRole("button", { name: "Exporter les 130 clients (CSV)" }).count()).toBe(1);
    await screenshot(page, "customers-fr", { fullPage: false });
    expect(admin.errors).toEqual([]);
  });

  it("works with the keyboard alone: search, segment, sort, open a customer", async () => {
    const admin = await suite.open("/app/customers");
    const { page } = admin;
    await tabTo(page, "input[name=q]");
    await page.keyboard.type("hopper");
    await page.waitForURL(/q=hopper/);
    await waitForIdle(page);
    const hoppers = suite.seeded.customers.filter((c) => c.lastName?.toLowerCase().includes("hopper")).map((c) => c.customerId);
    await expect.poll(async () => (await rowIds(page)).sort()).toEqual(hoppers.sort());

    await tabTo(page, "table.Polaris-IndexTable__Table thead th:nth-child(3) button"); // Orders
    await page.keyboard.press("Enter");
    await page.waitForURL(/sort=orders/);
    await waitForIdle(page);
    await expect.poll(() => ariaSort(page)).toMatchObject({ Orders: "descending" });

    await tabTo(page, "[data-testid=customer-link]");
    const target = await page.evaluate(() => (document.activeElement as HTMLAnchorElement).getAttribute("href")!.split("?")[0]);
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname === target);
    await waitForIdle(page);
    await expect.poll(() => page.getByTestId("alive-explanation").count()).toBe(1);
    // An order's link to Shopify admin is reachable and named.
    await tabTo(page, "a[href^='https://admin.shopify.com/store/browser-customers/orders/']");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toMatch(/^Open order #\d+ in Shopify$/);
    await screenshot(page, "customers-keyboard", { fullPage: false });
    expect(admin.errors).toEqual([]);
  });

  it("shows the loyalty tier and filters by it, and the export follows the filter", async () => {
    const programs = await import("~/data/loyalty-program.server");
    const settings = await programs.saveProgramSettings(suite.app.db, SHOP, {
      settings: { enabled: true, currencyCode: "USD", earning: { pointsPerCurrencyUnit: 1 } },
    });
    if (!settings.ok) throw new Error(JSON.stringify(settings.errors));
    const tiers = await programs.saveTiers(suite.app.db, SHOP, {
      basis: "order_count",
      window: "lifetime",
      tiers: [
        { id: "silver", name: "Silver", threshold: 2 },
        { id: "gold", name: "Gold", threshold: 5 },
      ],
    });
    if (!tiers.ok) throw new Error(JSON.stringify(tiers.errors));
    const ids = suite.seeded.customers.map((c) => c.customerId).sort();
    const gold = ids.slice(0, 7);
    const silver = ids.slice(7, 20);
    const evaluatedAt = new Date();
    await suite.app.db.loyaltyMember.createMany({
      data: [...gold.map((id) => [id, "gold"]), ...silver.map((id) => [id, "silver"])].map(([customerId, tierId]) => ({
        shop: SHOP,
        customerId,
        tierId,
        evaluatedAt,
      })),
    });

    const admin = await suite.open("/app/customers");
    const { page } = admin;
    await expect.poll(() => rowIds(page)).toHaveLength(50);
    // aria-sort is set once the table has hydrated; the tier column is not sortable.
    await expect.poll(() => ariaSort(page)).toMatchObject({ "Loyalty tier": null, "Historic value": "descending" });
    await page.getByLabel("Loyalty tier", { exact: true }).selectOption("Gold");
    await page.waitForURL(/tier=gold/);
    await expect.poll(async () => (await rowIds(page)).sort()).toEqual(gold);
    expect(new Set(await column(page, 3))).toEqual(new Set(["Gold"]));
    await screenshot(page, "customers-tier-filter", { fullPage: false });

    const downloading = page.waitForEvent("download");
    await page.getByRole("button", { name: `Export these ${gold.length} customers (CSV)` }).click();
    const lines = readFileSync((await (await downloading).path())!, "utf8")
      .trim()
      .split("\r\n");
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(await rowIds(page));

    await page.getByLabel("Loyalty tier", { exact: true }).selectOption("No tier");
    await page.waitForURL(/tier=none/);
    await expect.poll(() => page.getByTestId("customers-count").innerText()).toMatch(/^110 customers match/);
    expect(admin.errors).toEqual([]);
  });
});
