// The Cross-sell pages in Chromium, in French: the overview (suggestions with their products, the
// actions of the title bar), a suggestion accepted with the keyboard alone (the tabs count it and a banner
// says so, in French),
// and the editor refusing an offer with its field errors in French. The pages hydrate without a mismatch
// (a translation or a date formatted differently on the server and in the browser would show up as one).
import { describe, expect, it } from "vitest";
import { seedProduct, suggestionRow } from "../support/offers-seed";
import { headingOutline, headingsInOrder, screenshot, tabTo } from "../support/browser";
import { browserSuite, type AppUnderTest } from "../support/browser-suite";

const SHOP = "browser-offers.myshopify.com";

const suite = browserSuite({ shop: SHOP, seed });

// Three products of the catalogue and two mined suggestions, both new.
async function seed(app: AppUnderTest) {
  await app.db.shop.create({ data: { shop: SHOP, currencyCode: "EUR", ianaTimezone: "Europe/Paris", installedAt: new Date() } });
  await seedProduct(app.db, SHOP, "11", "Grains d'espresso");
  await seedProduct(app.db, SHOP, "12", "Mousseur à lait");
  await seedProduct(app.db, SHOP, "14", "Moulin");
  const minedAt = new Date();
  await app.db.offerSuggestion.createMany({
    data: [suggestionRow(SHOP, "11", "12", 0.9, 40, minedAt), suggestionRow(SHOP, "14", "11", 0.7, 25, minedAt)],
  });
}

describe("cross-sell pages in a browser, in French", () => {
  it("shows the overview in French and accepts a suggestion with the keyboard alone", async () => {
    const admin = await suite.open("/app/offers", { locale: "fr" });
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
    await expect
      .poll(() => suite.app.db.offerSuggestion.count({ where: { shop: SHOP, verdict: "accepted" } }), { timeout: 10_000 })
      .toBe(1);
    await expect.poll(() => page.getByText("Acceptées (1)", { exact: true }).count()).toBe(1);
    expect(await page.getByText("Nouvelles (1)", { exact: true }).count()).toBe(1);
    // And the page says what happened, though the row has left the tab it was accepted on.
    await expect
      .poll(() => page.getByTestId("offers-action-result").allInnerTexts())
      .toEqual([expect.stringMatching(/^Acceptée : l’offre « .+ » la propose\.$/)]);
    expect(admin.errors).toEqual([]);
  });

  it("refuses an offer without title or products, with the field errors in French", async () => {
    const admin = await suite.open("/app/offers/new", { locale: "fr" });
    const { page } = admin;
    expect(await page.locator("h1").first().innerText()).toBe("Nouvelle offre");
    await page.getByLabel("Titre", { exact: true }).fill("   ");
    await page.getByRole("button", { name: "Enregistrer" }).first().click();
    await expect.poll(() => page.getByText("Donnez un titre à l’offre").count()).toBe(1);
    expect(await page.getByText("Choisissez au moins un produit déclencheur").count()).toBe(1);
    expect(await page.getByText("Give the offer a title").count()).toBe(0);
    await screenshot(page, "offers-editor-errors-fr");
    expect(await suite.app.db.offer.count({ where: { shop: SHOP, source: "manual" } })).toBe(0);
    expect(admin.errors).toEqual([]);
  });
});
