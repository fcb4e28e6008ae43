// The set-up every browser test of an admin page shares, registered as the file's beforeAll/afterAll:
// the built app, an installed offline session for the shop, the file's own data (`seed`), one Chromium,
// and admin pages opened as the admin's iframe loads them; everything closed after the file's tests.
import { afterAll, beforeAll } from "vitest";
import type { Browser } from "playwright-core";
import { startApp } from "./app-under-test";
import { launchBrowser, openAdmin, type AdminPage } from "./browser";
import { installOfflineSession } from "./session-token";

export type AppUnderTest = Awaited<ReturnType<typeof startApp>>;

export interface BrowserSuite<Seeded> {
  /** The running app. */
  readonly app: AppUnderTest;
  /** What `seed` returned. */
  readonly seeded: Seeded;
  /**
   * Opens an app page in a new admin page (closed after the file's tests), for the suite's shop unless
   * `shop` names another, in English unless `locale` says otherwise.
   */
  open(path: string, options?: { locale?: string; shop?: string }): Promise<AdminPage>;
}

export function browserSuite<Seeded>(options: { shop: string; seed: (app: AppUnderTest) => Promise<Seeded> }): BrowserSuite<Seeded> {
  let app: AppUnderTest | undefined;
  let browser: Browser | undefined;
  let seeded: Seeded;
  const pages: AdminPage[] = [];

  beforeAll(async () => {
    // No workers: the pages are checked against what `seed` wrote, and no background job may change it
    // under them (a test that needs a job's result writes it as the worker would).
    app = await startApp({ workers: false });
    await installOfflineSession(app.db, options.shop);
    seeded = await options.seed(app);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const page of pages) await page.close();
    await browser?.close();
    await app?.stop();
  });

  // The browser is launched last, so once it is there the app and the seeded data are too.
  function started(): { app: AppUnderTest; browser: Browser } {
    if (!app || !browser) throw new Error("browserSuite: used before its beforeAll ran (use it inside a test)");
    return { app, browser };
  }

  return {
    get app() {
      return started().app;
    },
    get seeded() {
      started();
      return seeded;
    },
    async open(path, { locale, shop = options.shop } = {}) {
      const { app, browser } = started();
      const admin = await openAdmin(browser, { baseUrl: app.baseUrl, shop, locale });
      pages.push(admin);
      await admin.open(path);
      return admin;
    },
  };
}
