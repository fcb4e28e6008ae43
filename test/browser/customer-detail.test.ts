// The customer page in Chromium for each kind of customer the model sees: a one-time buyer, a repeat buyer,
// a fully refunded customer and a customer too new to be scored; each with a screenshot. The headline is
// the chance of an order in the next 12 months (a labelled progress bar), dates are on the shop's calendar,
// orders link to Shopify admin; plus a French pass.
import { describe, expect, it } from "vitest";
import { addCustomer, addModelFit } from "../support/hand-shop";
import { headingOutline, headingsInOrder, screenshot, type AdminPage } from "../support/browser";
import { browserSuite, type AppUnderTest } from "../support/browser-suite";
import { formatDate } from "~/lib/format";

const SHOP = "browser-detail.myshopify.com";
const ZONE = "Asia/Tokyo";
const NOW = Date.now();
const ago = (days: number) => new Date(NOW - days * 86_400_000);
const asOf = ago(1);

const suite = browserSuite({ shop: SHOP, seed });

// One customer of each kind the page explains, scored (or not) by one model fit.
async function seed(app: AppUnderTest) {
  await app.db.shop.create({ data: { shop: SHOP, currencyCode: "USD", ianaTimezone: ZONE } });
  await addModelFit(app.db, SHOP, { id: "fit-detail", asOf, timeZone: ZONE });
  const scored = (pa: number, segment: string, clv: bigint) => ({
    probabilityAlive: pa,
    expectedPurchases: 0.8,
    predictedClvMinor: clv,
    segment,
    predictedAt: asOf,
    modelFitId: "fit-detail",
  });
  await addCustomer(app.db, SHOP, {
    id: "201",
    firstName: "Grace",
    lastName: "Once",
    email: "grace@detail.example",
    orders: [{ id: "9201", at: ago(300), totalMinor: 6_450n }],
    prediction: scored(1, "Hibernating", 1_210n),
  });
  await addCustomer(app.db, SHOP, {
    id: "202",
    firstName: "Ada",
    lastName: "Often",
    email: "ada@detail.example",
    orders: [
      { id: "9202", at: ago(160), totalMinor: 4_200n },
      { id: "9203", at: ago(120), totalMinor: 5_100n },
      { id: "9204", at: ago(80), totalMinor: 3_900n, refundedMinor: 900n },
      { id: "9205", at: ago(35), totalMinor: 6_000n },
    ],
    prediction: scored(0.87, "Champions", 18_450n),
  });
  await addCustomer(app.db, SHOP, {
    id: "203",
    firstName: "Ken",
    lastName: "Refund",
    orders: [
      { id: "9206", at: ago(90), totalMinor: 4_797n, refundedMinor: 4_797n },
      { id: "9207", at: ago(60), totalMinor: 2_500n, refundedMinor: 2_500n, cancelled: true },
    ],
  });
  await addCustomer(app.db, SHOP, {
    id: "204",
    firstName: "Linus",
    lastName: "New",
    orders: [{ id: "9208", at: ago(0.2), totalMinor: 3_300n }],
  });
}

const explanation = async (admin: AdminPage) => ({
  state: await admin.page.getByTestId("alive-explanation").getAttribute("data-state"),
  text: await admin.page.getByTestId("alive-explanation").innerText(),
});

describe("customer page in a browser", () => {
  it("one-time buyer: the 12-month chance, never “100% chance to order again”", async () => {
    const admin = await suite.open("/app/customers/201");
    const { state, text } = await explanation(admin);
    expect(state).toBe("one_time_buyer");
    expect(text).toMatch(/^We put the chance that they place at least one order in the next 12 months at \d+%\./);
    expect(text).toContain("They have ordered once, 10 months ago.");
    expect(text).not.toMatch(/100%|still an active customer/);
    const chance = await admin.page.getByTestId("probability-order").innerText();
    expect(Number(chance.replace("%", ""))).toBeLessThan(50);
    // The progress bar is labelled by its caption.
    expect(await admin.page.locator("[aria-labelledby=chance-label]").count()).toBe(1);
    expect(await admin.page.locator("#chance-label").innerText()).toBe("Chance of at least one order in the next 12 months");
    expect(headingsInOrder(await headingOutline(admin.page))).toBe(true);
    await screenshot(admin.page, "customer-one-time-buyer");
    expect(admin.errors).toEqual([]);
  });

  it("repeat buyer: rhythm, P(alive) explained, dates on the shop's calendar, links to Shopify admin", async () => {
    const admin = await suite.open("/app/customers/202");
    const { page } = admin;
    const { state, text } = await explanation(admin);
    expect(state).toBe("repeat_buyer");
    expect(text).toContain("Judging by that rhythm, the chance that they are still an active customer is 87%.");
    expect(text).toMatch(/They usually order every ~6 weeks and last ordered 5 weeks ago\./);
    expect(await page.getByTestId("first-order").innerText()).toBe(formatDate(ago(160).toISOString(), "en", ZONE));
    const orderLink = page.getByRole("link", { name: "Open order #9205 in Shopify" });
    expect(await orderLink.getAttribute("href")).toBe("https://admin.shopify.com/store/browser-detail/orders/9205");
    expect(await orderLink.getAttribute("target")).toBe("_top");
    expect(await page.getByText(`Dates and times in the store's time zone (${ZONE}).`, { exact: false }).count()).toBe(1);
    await screenshot(page, "customer-repeat-buyer");
    expect(admin.errors).toEqual([]);
  });

  it("refunded customer: a true sentence, and the refunds shown where they count", async () => {
    const admin = await suite.open("/app/customers/203");
    const { page } = admin;
    const { state, text } = await explanation(admin);
    expect(state).toBe("all_refunded");
    expect(text).toBe("No prediction: their order was refunded in full, so they have no purchase the model can count.");
    expect(await page.getByTestId("refunded").innerText()).toBe("$47.97");
    expect(await page.getByText("Plus $25.00 refunded on cancelled or test orders, which count nowhere.").count()).toBe(1);
    expect(await page.getByTestId("probability-order").count()).toBe(0);
    await screenshot(page, "customer-refunded");
    expect(admin.errors).toEqual([]);
  });

  it("customer newer than the model: says when they will be scored", async () => {
    const admin = await suite.open("/app/customers/204");
    const { state, text } = await explanation(admin);
    expect(state).toBe("newer_than_model");
    expect(text).toContain("their first order came after the last model update");
    expect(text).toContain("They have ordered once, today.");
    await screenshot(admin.page, "customer-unscored");
    expect(admin.errors).toEqual([]);
  });

  it("speaks French, and unknown customers get a styled page", async () => {
    const admin = await suite.open("/app/customers/202", { locale: "fr" });
    const { page } = admin;
    const { text } = await explanation(admin);
    // (Intl writes a no-break space before % in French.)
    expect(text.replace(/\s/g, " ")).toContain("D'après ce rythme, il y a 87 % de chances qu'il soit encore un client actif.");
    expect(await page.getByText("Commandera-t-il à nouveau ?").count()).toBe(1);
    await screenshot(page, "customer-repeat-buyer-fr");

    await page.goto(page.url().replace("/app/customers/202", "/app/customers/999999"));
    await expect.poll(() => page.getByTestId("error-message").innerText()).toBe("Ce client n'existe pas dans votre boutique.");
    expect(
      await page
        .getByRole("link", { name: "Retour aux clients" })
        .or(page.getByRole("button", { name: "Retour aux clients" }))
        .count(),
    ).toBe(1);
    await screenshot(page, "customer-not-found-fr");
  });
});
