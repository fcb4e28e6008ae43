// The storefront blocks in Chromium, on a minimal theme-like product page built from their liquidjs renders
// (test/storefront/theme-page.ts): no layout shift while images and the deferred script arrive, no
// render-blocking script, the copy button works with JavaScript, and everything a shopper needs is there and
// usable without it. A control page with the two faults (an image without dimensions, a classic script in
// <head>) shows that the measurements catch them.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot } from "../support/browser";
import { OFFER_ID } from "../storefront/fixtures";
import { IMAGE_DELAY_MS, renderThemePage, startThemeServer, type ThemeServer } from "../storefront/theme-page";

let browser: Browser;
let server: ThemeServer;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = await startThemeServer(await renderThemePage());
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.close();
});

async function open(path: string, options: { javaScriptEnabled: boolean }): Promise<{ page: Page; errors: string[] }> {
  // A tall viewport keeps every block in view, so lazy images load and can shift things if they are going to.
  const context = await browser.newContext({ viewport: { width: 1100, height: 1500 }, javaScriptEnabled: options.javaScriptEnabled });
  contexts.push(context);
  if (options.javaScriptEnabled) await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.baseUrl });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.goto(server.baseUrl + path, { waitUntil: "load" });
  return { page, errors };
}

/** Cumulative layout shift so far, counting shifts not caused by input (the CLS definition). */
async function layoutShift(page: Page): Promise<number> {
  await page.waitForFunction(() => Array.from(document.images).every((image) => image.complete));
  await page.waitForTimeout(300); // let the last images paint
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let total = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
            if (!entry.hadRecentInput) total += entry.value;
          }
        }).observe({ type: "layout-shift", buffered: true });
        setTimeout(() => resolve(total), 100);
      }),
  );
}

/** Scripts the browser treated as render-blocking, and classic external scripts without defer or async. */
async function blockingScripts(page: Page): Promise<{ timing: string[]; markup: string[] }> {
  return page.evaluate(() => {
    const entries = performance.getEntriesByType("resource") as (PerformanceResourceTiming & { renderBlockingStatus?: string })[];
    return {
      timing: entries
        .filter((entry) => entry.initiatorType === "script" && entry.renderBlockingStatus === "blocking")
        .map((entry) => entry.name),
      markup: Array.from(document.querySelectorAll("script"))
        .filter((script) => !script.defer && !script.async && script.type !== "module")
        .map((script) => script.src || `inline: ${script.textContent?.slice(0, 40)}`),
    };
  });
}

describe("storefront blocks in a browser", () => {
  it("measurements catch an image without dimensions and a classic script in <head> (control page)", async () => {
    const { page } = await open("/control", { javaScriptEnabled: true });
    expect(await layoutShift(page)).toBeGreaterThan(0.01);
    const blocking = await blockingScripts(page);
    expect(blocking.markup).toEqual([`${server.baseUrl}/blocking.js`]);
    expect(blocking.timing).toEqual([`${server.baseUrl}/blocking.js`]);
  });

  it("shifts nothing while images and the deferred script arrive, and blocks rendering with no script", async () => {
    const started = Date.now();
    const { page, errors } = await open("/", { javaScriptEnabled: true });
    expect(await page.locator(".clv-card__media img").count()).toBe(3); // one offered product has no image
    expect(await layoutShift(page)).toBe(0);
    expect(Date.now() - started).toBeGreaterThan(IMAGE_DELAY_MS); // the images really came late
    expect(await blockingScripts(page)).toEqual({ timing: [], markup: [] });
    // Image boxes are square and sized before and after their (4:3) images arrive.
    for (const box of await page
      .locator(".clv-card__media")
      .evaluateAll((boxes) => boxes.map((b) => b.getBoundingClientRect().toJSON() as DOMRect))) {
      expect(Math.abs(box.width - box.height)).toBeLessThan(1);
      expect(box.width).toBeGreaterThan(100);
    }
    expect(errors).toEqual([]);
    await screenshot(page, "storefront-blocks");
  });

  it("copies the referral link with JavaScript, without moving anything", async () => {
    const { page, errors } = await open("/", { javaScriptEnabled: true });
    const button = page.locator("button.clv-copy");
    await expect.poll(() => button.getAttribute("data-ready")).toBe("");
    expect(await button.isVisible()).toBe(true);
    const link = (await page.locator(".clv-ref code").innerText()).trim();
    expect(link).toBe("https://clv-demo.myshopify.com/discount/REF-KM7PQ2RS");
    await button.click();
    await expect.poll(() => button.innerText()).toBe("Copied!");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    expect(await layoutShift(page)).toBe(0);
    expect(errors).toEqual([]);
  });

  it("shows every block's content and adds an offered product to the cart with JavaScript disabled", async () => {
    const { page } = await open("/", { javaScriptEnabled: false });
    expect(await page.evaluate(() => typeof (window as unknown as { __never?: unknown }).__never)).toBe("undefined"); // evaluate still works
    const loyalty = page.locator("#shopify-block-loyalty-status");
    await expect.poll(() => loyalty.locator(".clv-tier").innerText()).toBe("Silver");
    expect(await loyalty.locator(".clv-points").innerText()).toBe("900 points");
    expect(await loyalty.innerText()).toContain("$5 off your next order");
    // The bar is drawn by CSS alone: its fill is 40 % of the track.
    const track = await loyalty.locator(".clv-bar").boundingBox();
    const fill = await loyalty.locator(".clv-bar > span").boundingBox();
    expect(track && fill && track.width > 0).toBe(true);
    expect(fill!.width / track!.width).toBeCloseTo(0.4, 2);
    expect(fill!.height).toBeGreaterThan(0);

    expect(await page.locator("#shopify-block-points-preview").innerText()).toContain("Earn 231 points with this purchase");

    // The referral link is on the page and selects whole with one click; the copy button, useless without
    // JavaScript, keeps its place but stays invisible.
    const referral = page.locator("#shopify-block-referral");
    const code = referral.locator(".clv-ref code");
    expect(await code.isVisible()).toBe(true);
    expect(await code.evaluate((element) => getComputedStyle(element).userSelect)).toBe("all");
    await code.click();
    expect(await page.evaluate(() => window.getSelection()?.toString().trim())).toBe(
      "https://clv-demo.myshopify.com/discount/REF-KM7PQ2RS",
    );
    expect(await referral.locator(".clv-code").innerText()).toBe("REF-KM7PQ2RS");
    expect(await referral.locator("button.clv-copy").isVisible()).toBe(false);

    const offers = page.locator("#shopify-block-offers");
    expect(await offers.locator("h2").innerText()).toBe("Frequently bought together");
    const titles = await offers.locator(".clv-card__title").allInnerTexts();
    expect(titles).toEqual(["Espresso beans 1 kg", "Burr grinder", "Espresso cups, set of 4", "Descaler"]);
    const buttons = offers.getByRole("button", { name: "Add to cart" });
    expect(await buttons.count()).toBe(4);
    // A plain form post, as Shopify's /cart/add accepts it: the variant, a quantity and the offer id.
    await buttons.nth(1).click();
    await page.waitForURL(/\/cart\/add$/);
    const added = server.cartAdds.at(-1)!;
    expect(added.get("quantity")).toBe("1");
    expect(added.get("properties[_clv_offer]")).toBe(OFFER_ID);
    expect(added.get("id")).toMatch(/^\d+$/);
    expect(await page.locator("body").innerText()).toContain("Added to cart");
  });
});
