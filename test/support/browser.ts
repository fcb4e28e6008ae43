// Real-browser tests: Debian's Chromium driven by playwright-core (never a downloaded browser), opening
// the embedded pages the way the Shopify admin's iframe does.
//
// Authentication without App Bridge. In the admin, the app's iframe is loaded with ?embedded=1&shop&host
// &id_token=<session token>, and App Bridge (a script from cdn.shopify.com) then adds
// "Authorization: Bearer <fresh session token>" to every fetch the page makes to its own backend, which is
// how Remix's client-side data loads, form actions and our CSV download authenticate. cdn.shopify.com is
// unreachable here, so the harness
//   - aborts requests to cdn.shopify.com (the page must work without App Bridge's script), and
//   - does App Bridge's part at the network layer: every fetch/XHR from the page to the app's origin gets
//     a freshly signed session token in its Authorization header (page.route), exactly what App Bridge
//     would send. Document loads are not touched: they carry id_token in the URL like the admin's iframe.
// So client-side navigation (sorting, paging, opening a customer) is exercised as in production.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { BROWSER_USER_AGENT, embeddedUrl, sessionToken } from "./session-token";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const SCREENSHOT_DIR = path.resolve("test-results", "screenshots");

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS, headless: true });
}

export interface AdminPage {
  context: BrowserContext;
  page: Page;
  /** Loads an app page as the admin iframe does (full document load, id_token in the URL). */
  open(appPath: string, extra?: Record<string, string>): Promise<void>;
  /** Errors the page threw or logged (hydration mismatches show up here), CDN failures left out. */
  errors: string[];
  /** Requests the harness signed for, by path (what App Bridge would have authenticated). */
  signedRequests: string[];
  close(): Promise<void>;
}

export async function openAdmin(
  browser: Browser,
  options: { baseUrl: string; shop: string; locale?: string; viewport?: { width: number; height: number } },
): Promise<AdminPage> {
  // A desktop Chrome user agent: authenticate.admin answers 410 to "HeadlessChrome" (isbot).
  const context = await browser.newContext({
    userAgent: BROWSER_USER_AGENT,
    viewport: options.viewport ?? { width: 1280, height: 900 },
    acceptDownloads: true,
    locale: "en-US",
  });
  const errors: string[] = [];
  const signedRequests: string[] = [];
  await context.route(/^https:\/\/cdn\.shopify\.com\//, (route) => route.abort("internetdisconnected"));
  await context.route(
    (url) => url.origin === options.baseUrl,
    async (route) => {
      const request = route.request();
      const type = request.resourceType();
      if (type === "fetch" || type === "xhr") {
        const url = new URL(request.url());
        signedRequests.push(url.pathname + url.search);
        await route.continue({
          headers: { ...request.headers(), authorization: `Bearer ${sessionToken({ shop: options.shop, expiresIn: 60 })}` },
        });
      } else {
        await route.continue();
      }
    },
  );
  const page = await context.newPage();
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    // The App Bridge script from the CDN cannot load here; that is expected.
    if (/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(text)) return;
    errors.push(`console: ${text}`);
  });
  return {
    context,
    page,
    errors,
    signedRequests,
    async open(appPath, extra = {}) {
      const url = embeddedUrl(options.baseUrl, appPath, options.shop, sessionToken({ shop: options.shop }), {
        locale: options.locale ?? "en",
        ...extra,
      });
      const response = await page.goto(url, { waitUntil: "load" });
      if (!response || response.status() !== 200) throw new Error(`${appPath}: status ${response?.status()}`);
      await waitForHydration(page);
    },
    close: () => context.close(),
  };
}

/** Waits until React has hydrated the page (Remix sets window.__remixRouter once the client router runs). */
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const w = window as unknown as { __remixRouter?: { state: { initialized: boolean; navigation: { state: string } } } };
    return Boolean(w.__remixRouter?.state.initialized) && w.__remixRouter!.state.navigation.state === "idle";
  });
}

/** Waits for a client-side navigation to settle. */
export async function waitForIdle(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const w = window as unknown as { __remixRouter?: { state: { navigation: { state: string }; revalidation: string } } };
    return w.__remixRouter?.state.navigation.state === "idle";
  });
}

/**
 * Presses Tab (only the keyboard) until the focused element matches the selector (and, when given, has
 * exactly this text); fails after `max` presses.
 */
export async function tabTo(page: Page, selector: string, options: { text?: string; max?: number } = {}): Promise<void> {
  for (let i = 0; i < (options.max ?? 60); i++) {
    await page.keyboard.press("Tab");
    const found = await page.evaluate(
      ([s, text]) => {
        const active = document.activeElement;
        return Boolean(active?.matches(s) && (text === null || (active.textContent ?? "").trim() === text));
      },
      [selector, options.text ?? null] as const,
    );
    if (found) return;
  }
  throw new Error(`Tab never reached ${selector}${options.text ? ` "${options.text}"` : ""}`);
}

/**
 * The page's headings in document order (levels 1–6, with their text). Headings hidden from everyone
 * (display: none) are left out; visually hidden ones count, as screen readers read them.
 */
export async function headingOutline(page: Page): Promise<{ level: number; text: string }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
      .filter(
        (h) => (h as HTMLElement).offsetParent !== null || getComputedStyle(h).position === "fixed" || h.closest("[class*=visuallyHidden]"),
      )
      .map((h) => ({ level: Number(h.tagName[1]), text: (h.textContent ?? "").trim() })),
  );
}

/** Headings start at h1 and never skip a level on the way down (h2 → h4). */
export function headingsInOrder(outline: { level: number }[]): boolean {
  if (outline.length === 0 || outline[0].level !== 1) return false;
  return outline.every((h, i) => i === 0 || h.level <= outline[i - 1].level + 1);
}

/**
 * Saves test-results/screenshots/<name>.png. Full page by default; `fullPage: false` keeps the viewport,
 * where sticky footers (the IndexTable's pagination) sit where a merchant sees them.
 */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true });
  return file;
}
