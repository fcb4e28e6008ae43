// Issue 10, item 10: with Redis unreachable, the admin's actions (Refit, Retry, Import history) and the
// install hook's first backfill must answer within 3 s with a clear error instead of hanging, through
// real signed session-token requests.
import { MockAgent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../support/app-under-test";
import {
  BROWSER_USER_AGENT,
  actionResult,
  bearerRequest,
  embeddedUrl,
  installOfflineSession,
  sessionToken,
} from "../support/session-token";

const SHOP = "redis-down.myshopify.com";
const NEW_SHOP = "first-install.myshopify.com";
const ANSWER_WITHIN_MS = 3_000;

let app: Awaited<ReturnType<typeof startApp>>;
let previousDispatcher: Dispatcher;

beforeAll(async () => {
  // Port 9 (discard) on loopback: nothing listens there.
  app = await startApp({ workers: false, env: { REDIS_URL: "redis://127.0.0.1:9" } });
  await installOfflineSession(app.db, SHOP);
});
afterAll(async () => {
  if (previousDispatcher) setGlobalDispatcher(previousDispatcher);
  await app?.stop();
});

/** A POST of the sync page's form as App Bridge's fetcher sends it, timed. Gives up after 10 s (the bug: it hung). */
async function syncAction(fields: Record<string, string>) {
  const started = Date.now();
  const response = await bearerRequest(app.baseUrl, "/app/sync.data", sessionToken({ shop: SHOP }), {
    method: "POST",
    body: new URLSearchParams(fields),
    signal: AbortSignal.timeout(10_000),
  });
  const result = await actionResult<{ ok: boolean; intent: string; message: string }>(response);
  return { status: response.status, data: result.data, elapsed: Date.now() - started };
}

describe("admin actions while Redis is down", () => {
  const actions: Record<string, string>[] = [
    { intent: "refit" },
    { intent: "import" },
    { intent: "retry", queue: "analytics", jobId: "42" },
  ];
  for (const fields of actions) {
    it(`${fields.intent}: answers 503 with a clear error within 3 s`, async () => {
      const { status, data, elapsed } = await syncAction(fields);
      expect(elapsed).toBeLessThan(ANSWER_WITHIN_MS);
      expect(status).toBe(503);
      expect(data).toMatchObject({ ok: false, intent: fields.intent });
      expect(data!.message).toMatch(/job queue is not reachable/i);
    });
  }

  it("a plain form post (no JavaScript) gets its answer within 3 s too", async () => {
    const started = Date.now();
    const response = await fetch(embeddedUrl(app.baseUrl, "/app/sync", SHOP, sessionToken({ shop: SHOP })), {
      method: "POST",
      redirect: "manual",
      headers: { "User-Agent": BROWSER_USER_AGENT },
      body: new URLSearchParams({ intent: "refit" }),
      signal: AbortSignal.timeout(10_000),
    });
    await response.text();
    expect(Date.now() - started).toBeLessThan(ANSWER_WITHIN_MS);
    expect(response.status).toBe(503);
  });
});

describe("the install hook while Redis is down", () => {
  it("finishes the install and opens the app within 3 s, though the first import cannot be queued", async () => {
    // Shopify's token exchange, answered locally: the first request of a new shop exchanges its session
    // token for an offline access token, then runs the afterAuth hook (which queues the first import).
    const shopify = new MockAgent();
    shopify.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
    shopify
      .get(`https://${NEW_SHOP}`)
      .intercept({ path: "/admin/oauth/access_token", method: "POST" })
      .reply(200, { access_token: "shpat_first_install", scope: "read_orders,read_all_orders,read_customers" })
      .persist(); // each route's loader authenticates, so the page may exchange more than once
    previousDispatcher = getGlobalDispatcher();
    setGlobalDispatcher(shopify);

    const started = Date.now();
    const response = await fetch(embeddedUrl(app.baseUrl, "/app", NEW_SHOP, sessionToken({ shop: NEW_SHOP })), {
      redirect: "manual",
      headers: { "User-Agent": BROWSER_USER_AGENT, Accept: "text/html" },
      signal: AbortSignal.timeout(10_000),
    });
    await response.text();
    const elapsed = Date.now() - started;
    setGlobalDispatcher(previousDispatcher);

    expect(elapsed).toBeLessThan(ANSWER_WITHIN_MS);
    expect(response.status).toBe(200);
    // The install itself happened: the offline session is stored and the shop is marked installed.
    expect(await app.db.session.findUnique({ where: { id: `offline_${NEW_SHOP}` } })).toMatchObject({ accessToken: "shpat_first_install" });
    expect(await app.db.shop.findUnique({ where: { shop: NEW_SHOP } })).not.toBeNull();
  });
});
