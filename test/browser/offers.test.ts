// The Cross-sell pages in Chromium, in French: the overview (suggestions with their products, the
// actions of the title bar), a suggestion accepted with the keyboard alone (the tabs count it, in French),
// and the editor refusing an offer with its field errors in French. The pages hydrate without a mismatch
// (a translation or a date formatted differently on the server and in the browser would show up as one).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startApp } from "../support/app-under-test";
import { seedProduct, suggestionRow } from "../support/offers-seed";
import { installOfflineSession } from "../support/session-token";
import { headingOutline, headingsInOrder, launchBrowser, openAdmin, screenshot, tabTo, type AdminPage } from "../support/browser";

const SHOP = "browser-offers.myshopify.com";
let app: Awaited<ReturnType<typeof startApp>>;
let browser: Browser;
const pages: AdminPage[] = [];

beforeAll(async () => {
  app = await startApp({ workers: false });
  await installOfflineSession(app.db, SHOP);
  await app.db.shop.create({ data: { shop: SHOP, currencyCode: "EUR", ianaTimezone: "Europe/Paris", installedAt: new Date() } });
  await seedProduct(app.db, SHOP, "11", "Grains d'espresso");
  await seedProduct(app.db, SHOP, "12", "Mousseur à lait");
  await seedProduct(app.db, SHOP, "14", "Moulin");
  const minedAt = new Date();
  await app.db.offerSuggestion.createMany({
    data: [suggestionRow(SHOP, "11", "12", 0.9, 40, minedAt), suggestionRow(SHOP, "14", "11", 0.7, 25, minedAt)],
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const p of pages) await p.close();
  await browser?.close();
  await app?.stop();
});

async function open(path: string) {
  const admin = await openAdmin(browser, { baseUrl: app.baseUrl, shop: SHOP, locale: "fr" });
  pages.push(admin);
  await admin.open(path);
  return admin;
}

describe("cross-sell pages in a browser, in French", () => {
  it("shows the overview in French and accepts a suggestion with the keyboard alone", async () => {
    const admin = await open("/app/offers");
    const { page } = admin;
    expect(await page.locator("h1").first().innerText()).toBe("Ventes croisées");
    expect(await page.getByRole("heading", { name: "Suggestions" }).count()).toBeGreaterThan(0);
    expect(await page.getByText("Mousseur à lait").count()).toBeGreaterThan(0);
    for (const english of ["Turn offers on", "New offer", "Accept", "Reject", "Orders"])
      expect(await page.getByText(english, { exact: true }).count(), english).toBe(0);
    expect(headingsInOrder(await headingOutline(page))).toBe(true);
    expect(await page.title()).toContain("Ventes croisées");
    await screenshot(page, "offers-fr");

    await tabTo(page, "button", { text: "Accepter" });
    await page.keyboard.press("Enter");
    // The suggestion moves to the accepted tab (its trigger's offer now offers it); the tabs count in French.
    await expect.poll(() => app.db.offerSuggestion.count({ where: { shop: SHOP, verdict: "accepted" } }), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.getByText("Acceptées (1)", { exact: true }).count()).toBe(1);
    expect(await page.getByText("Nouvelles (1)", { exact: true }).count()).toBe(1);
    expect(admin.errors).toEqual([]);
  });

  it("refuses an offer without title or products, with the field errors in French", async () => {
    const admin = await open("/app/offers/new");
    const { page } = admin;
    expect(await page.locator("h1").first().innerText()).toBe("Nouvelle offre");
    await page.getByLabel("Titre", { exact: true }).fill("   ");
    await page.getByRole("button", { name: "Enregistrer" }).first().click();
    await expect.poll(() => page.getByText("Donnez un titre à l’offre").count()).toBe(1);
    expect(await page.getByText("Choisissez au moins un produit déclencheur").count()).toBe(1);
    expect(await page.getByText("Give the offer a title").count()).toBe(0);
    await screenshot(page, "offers-editor-errors-fr");
    expect(await app.db.offer.count({ where: { shop: SHOP, source: "manual" } })).toBe(0);
    expect(admin.errors).toEqual([]);
  });
});
