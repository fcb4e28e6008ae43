// Every admin page and action over real HTTP against the built app: with a valid session token the
// shop's own data comes back; with an invalid one (bad signature, expired, another app's, a shop that
// never installed the app, none at all) no data comes back; and a shop's token never reaches another
// shop's customers, whatever the URL says.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job } from "bullmq";
import { startApp } from "../support/app-under-test";
import { seedShop, type SeedSummary } from "../support/seed";
import {
  BROWSER_USER_AGENT,
  bearerRequest,
  documentRequest,
  embeddedUrl,
  installOfflineSession,
  loaderData,
  actionResult,
  sessionToken,
} from "../support/session-token";

const A = "shop-a.myshopify.com";
const B = "shop-b.myshopify.com";
// Markers of each shop's personal data: emails are customer<id>@<shop handle>.example, last names carry a prefix.
const A_MARKERS = ["@shop-a.example", "Ashop-"];
const B_MARKERS = ["@shop-b.example", "Bshop-"];

let app: Awaited<ReturnType<typeof startApp>>;
let seededA: SeedSummary;
let seededB: SeedSummary;
let sharedId: string; // a customer id both shops have (different people)
let onlyB: string; // a customer id only shop B has

beforeAll(async () => {
  app = await startApp({ workers: false });
  await installOfflineSession(app.db, A);
  await installOfflineSession(app.db, B);
  // Same customer ids in both shops (1000…), B has more of them; the order ids differ.
  seededA = await seedShop(app.db, { shop: A, customers: 60, seed: 1, lastNamePrefix: "Ashop" });
  seededB = await seedShop(app.db, { shop: B, customers: 90, seed: 2, lastNamePrefix: "Bshop", firstOrderId: 8_000_000 });
  sharedId = seededA.customers.find((c) => c.email && c.lastName)!.customerId;
  onlyB = seededB.customers[seededB.customers.length - 1].customerId;
  expect(seededA.customers.some((c) => c.customerId === onlyB)).toBe(false);
});

afterAll(async () => {
  await app?.stop();
});

const tokenFor = (shop: string) => sessionToken({ shop });

/** The invalid tokens, and what the app answers to each on a document request (token in the URL) and a fetch (Bearer). */
const INVALID: { name: string; token: () => string | null; document: number; bearer: number | null }[] = [
  // A bad token on a document request goes to Shopify's bounce page (/auth/session-token), which gets a fresh one.
  { name: "bad signature", token: () => sessionToken({ shop: A, secret: "not-the-app-secret" }), document: 302, bearer: 401 },
  { name: "expired", token: () => sessionToken({ shop: A, expiresIn: -120 }), document: 302, bearer: 401 },
  { name: "another app's token", token: () => sessionToken({ shop: A, apiKey: "another-apps-key" }), document: 302, bearer: 401 },
  { name: "no token", token: () => null, document: 302, bearer: null },
  // Correctly signed, but for a shop with no stored session: token exchange with Shopify is attempted and,
  // unreachable from tests, fails; the app answers 403 with a page that says the app is not installed there
  // (pages and actions alike).
  {
    name: "shop that never installed the app",
    token: () => sessionToken({ shop: "stranger.myshopify.com" }),
    document: 403,
    bearer: 403,
  },
];

const PAGES = [
  { name: "dashboard", path: () => "/app", route: "routes/app._index" },
  { name: "customers", path: () => "/app/customers", route: "routes/app.customers._index" },
  {
    name: "customers, sorted and paged",
    path: () => "/app/customers?sort=orders&direction=asc&page=2",
    route: "routes/app.customers._index",
  },
  { name: "customer detail", path: () => `/app/customers/${sharedId}`, route: "routes/app.customers.$id" },
  { name: "sync status", path: () => "/app/sync", route: "routes/app.sync" },
];

function expectNoCustomerData(body: string) {
  for (const marker of [...A_MARKERS, ...B_MARKERS]) expect(body).not.toContain(marker);
}

describe("pages as the admin iframe loads them (id_token in the URL)", () => {
  for (const page of PAGES) {
    it(`${page.name}: a valid token shows the shop's own data`, async () => {
      const response = await documentRequest(app.baseUrl, page.path(), A, tokenFor(A));
      expect(response.status).toBe(200);
      const html = await response.text();
      if (page.name !== "sync status") expect(A_MARKERS.some((m) => html.includes(m))).toBe(true);
      for (const marker of B_MARKERS) expect(html).not.toContain(marker);
    });

    for (const invalid of INVALID) {
      it(`${page.name}: ${invalid.name} → ${invalid.document}, no data`, async () => {
        const response = await documentRequest(app.baseUrl, page.path(), A, invalid.token());
        expect(response.status).toBe(invalid.document);
        if (invalid.document === 302) expect(response.headers.get("location")).toMatch(/^\/auth\/session-token\?/);
        expectNoCustomerData(await response.text());
      });
    }
  }

  it("export: a valid token downloads the shop's CSV, invalid tokens get nothing", async () => {
    const ok = await documentRequest(app.baseUrl, "/app/customers/export.csv", A, tokenFor(A));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const csv = await ok.text();
    expect(csv).toContain("@shop-a.example");
    expect(csv).not.toContain("@shop-b.example");
    for (const invalid of INVALID) {
      const response = await documentRequest(app.baseUrl, "/app/customers/export.csv", A, invalid.token());
      expect(response.status, invalid.name).toBe(invalid.document);
      expectNoCustomerData(await response.text());
    }
  });

  it("ends a token for a shop without the app on a clear page, never a 500", async () => {
    const response = await documentRequest(
      app.baseUrl,
      "/app/customers",
      "stranger.myshopify.com",
      sessionToken({ shop: "stranger.myshopify.com" }),
    );
    expect(response.status).toBe(403);
    const html = await response.text();
    expect(html).toContain("The app is not installed on this store");
    expect(html).toContain("Open the app from Apps in your Shopify admin to install it again.");
    expectNoCustomerData(html);

    // Uninstalled: app/uninstalled removed the sessions; the data stays until shop/redact, but no page shows it.
    const { markShopUninstalled } = await import("~/data/lifecycle.server");
    const GONE = "gone-shop.myshopify.com";
    await installOfflineSession(app.db, GONE);
    await markShopUninstalled(app.db, GONE);
    const gone = await documentRequest(app.baseUrl, "/app", GONE, tokenFor(GONE));
    expect(gone.status).toBe(403);
    expect(await gone.text()).toContain("The app is not installed on this store");
    const goneData = await bearerRequest(app.baseUrl, "/app.data", tokenFor(GONE));
    expect(goneData.status).toBe(403);

    // Installed, but its access needs renewing and Shopify cannot be reached: 503, "try again".
    const STALE = "stale-shop.myshopify.com";
    await installOfflineSession(app.db, STALE);
    await app.db.session.update({ where: { id: `offline_${STALE}` }, data: { expires: new Date(Date.now() - 3_600_000) } });
    const stale = await documentRequest(app.baseUrl, "/app", STALE, tokenFor(STALE));
    expect(stale.status).toBe(503);
    expect(await stale.text()).toContain("Shopify could not be reached");
  });

  it("answers unknown addresses and the login path with styled pages, never a developer message", async () => {
    const unknown = await documentRequest(app.baseUrl, "/app/no-such-page", A, tokenFor(A));
    expect(unknown.status).toBe(404);
    const unknownHtml = await unknown.text();
    expect(unknownHtml).toContain("Page not found");
    expect(unknownHtml).toContain("Polaris-");

    const outside = await fetch(`${app.baseUrl}/no-such-page?locale=fr`, { headers: { "User-Agent": BROWSER_USER_AGENT } });
    expect(outside.status).toBe(404);
    const outsideHtml = await outside.text();
    expect(outsideHtml).toContain("Page introuvable");
    // (The router's own error travels in the hydration data; what the merchant sees is the styled page.)
    const visible = outsideHtml.replace(/<script[\s\S]*?<\/script>/g, "");
    expect(visible).not.toMatch(/Hey developer|No route matches/);

    const login = await fetch(`${app.baseUrl}/auth/login`, { headers: { "User-Agent": BROWSER_USER_AGENT } });
    expect(login.status).toBe(200);
    const loginHtml = await login.text();
    expect(loginHtml).toContain('name="shop"');
    expect(loginHtml).not.toContain("Detected call to shopify.authenticate.admin()");
    // A store domain leads to the admin's install/open page.
    const go = await fetch(`${app.baseUrl}/auth/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "User-Agent": BROWSER_USER_AGENT },
      body: new URLSearchParams({ shop: "shop-a" }),
    });
    expect(go.status).toBe(302);
    expect(go.headers.get("location")).toMatch(/^https:\/\/admin\.shopify\.com\/store\/shop-a\/oauth\/install\?client_id=/);
  });

  it("answers 410 to a bot user agent, and sends a request without the embedded parameters to login", async () => {
    const bot = await fetch(embeddedUrl(app.baseUrl, "/app/customers", A, tokenFor(A)), { headers: { "User-Agent": "curl/8.5.0" } });
    expect(bot.status).toBe(410);
    expectNoCustomerData(await bot.text());
    const bare = await fetch(`${app.baseUrl}/app/customers`, { headers: { "User-Agent": BROWSER_USER_AGENT }, redirect: "manual" });
    expect(bare.status).toBe(302);
    expect(bare.headers.get("location")).toBe("/auth/login");
  });
});

describe("data requests as App Bridge sends them (Authorization: Bearer)", () => {
  for (const page of PAGES) {
    it(`${page.name}: valid token → 200 with the shop's data; invalid tokens → 401/500 without data`, async () => {
      const [pathname, query = ""] = page.path().split("?");
      const url = `${pathname}.data${query ? `?${query}` : ""}`;
      const ok = await bearerRequest(app.baseUrl, url, tokenFor(A));
      expect(ok.status).toBe(200);
      const text = await ok.text();
      for (const marker of B_MARKERS) expect(text).not.toContain(marker);
      for (const invalid of INVALID) {
        const token = invalid.token();
        if (token === null) continue;
        const response = await bearerRequest(app.baseUrl, url, token);
        expect(response.status, invalid.name).toBe(invalid.bearer);
        expectNoCustomerData(await response.text());
        if (invalid.bearer === 401) expect(response.headers.get("x-shopify-retry-invalid-session-request")).toBe("1");
      }
    });
  }

  it("export over fetch: valid token → CSV of the shop, invalid → 401/500 and an empty body", async () => {
    const ok = await bearerRequest(app.baseUrl, "/app/customers/export.csv", tokenFor(A));
    expect(ok.status).toBe(200);
    const csv = await ok.text();
    expect(csv.trim().split("\r\n")).toHaveLength(1 + seededA.customers.length);
    for (const invalid of INVALID) {
      const token = invalid.token();
      if (token === null) continue;
      const response = await bearerRequest(app.baseUrl, "/app/customers/export.csv", token);
      expect(response.status, invalid.name).toBe(invalid.bearer);
      expectNoCustomerData(await response.text());
    }
  });
});

describe("actions", () => {
  const refitJobs = async (shop: string) =>
    ((await app.queues().analytics.getJobs(["waiting", "delayed", "active", "prioritized"])) as Job[]).filter(
      (j) => j.name === "refit-shop" && j.data?.shop === shop,
    );

  it("refit: refused without a valid token (nothing is queued), accepted with one", async () => {
    for (const invalid of INVALID) {
      const token = invalid.token();
      if (token !== null) {
        const fetchPost = await bearerRequest(app.baseUrl, "/app/sync.data", token, {
          method: "POST",
          body: new URLSearchParams({ intent: "refit" }),
        });
        expect(fetchPost.status, invalid.name).toBe(invalid.bearer);
        const text = await fetchPost.text();
        expectNoCustomerData(text);
        if (invalid.bearer === 403) expect(text).toContain("not_installed");
      }
      // A plain form post (no JavaScript): the document request path.
      const formPost = await fetch(embeddedUrl(app.baseUrl, "/app/sync", A, token), {
        method: "POST",
        redirect: "manual",
        headers: { "User-Agent": BROWSER_USER_AGENT },
        body: new URLSearchParams({ intent: "refit" }),
      });
      expect(formPost.status, invalid.name).toBe(invalid.document);
      // The action ends where the page does: a token for a shop without the app gets the clear page.
      if (invalid.document === 403) expect(await formPost.text()).toContain("The app is not installed on this store");
    }
    expect(await refitJobs(A)).toHaveLength(0);

    const response = await bearerRequest(app.baseUrl, "/app/sync.data", tokenFor(A), {
      method: "POST",
      body: new URLSearchParams({ intent: "refit" }),
    });
    expect(response.status).toBe(200);
    expect((await actionResult(response)).data).toMatchObject({ ok: true, intent: "refit" });
    const jobs = await refitJobs(A);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].data).toEqual({ shop: A, reason: "on_demand" });
    expect(await refitJobs(B)).toHaveLength(0);
  });

  it("retry: only a failed job of the token's shop can be retried", async () => {
    // One failed job per shop, failed by a throwaway worker on the app's analytics queue.
    const { Worker } = await import("bullmq");
    const { Redis } = await import("ioredis");
    const analytics = app.queues().analytics;
    const jobA = await analytics.add("backfill-shop", { shop: A, runId: "run-a" }, { attempts: 1 });
    const jobB = await analytics.add("backfill-shop", { shop: B, runId: "run-b" }, { attempts: 1 });
    const connection = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
    const worker = new Worker(
      analytics.name,
      async (job) => {
        if (job.name === "backfill-shop") throw new Error(`bulk operation for ${job.data.runId} expired`);
      },
      { connection, prefix: app.environment.prefix },
    );
    const deadline = Date.now() + 10_000;
    while (!((await analytics.getJob(jobA.id!))?.failedReason && (await analytics.getJob(jobB.id!))?.failedReason)) {
      if (Date.now() > deadline) throw new Error("jobs did not fail");
      await new Promise((r) => setTimeout(r, 50));
    }
    await worker.close();
    connection.disconnect();

    // The sync page lists A's failed job only.
    const status = await loaderData<{ failedJobs: { id: string; queue: string; failedReason: string; attemptsMade: number }[] }>(
      app.baseUrl,
      "/app/sync",
      "routes/app.sync",
      tokenFor(A),
    );
    expect(status.failedJobs.map((j) => j.id)).toEqual([jobA.id]);
    expect(status.failedJobs[0]).toMatchObject({ queue: "analytics", failedReason: "bulk operation for run-a expired", attemptsMade: 1 });

    const retry = (token: string, jobId: string) =>
      bearerRequest(app.baseUrl, "/app/sync.data", token, {
        method: "POST",
        body: new URLSearchParams({ intent: "retry", queue: "analytics", jobId }),
      });

    // Invalid tokens: refused, the job stays failed.
    for (const invalid of INVALID) {
      const token = invalid.token();
      if (token === null) continue;
      expect((await retry(token, jobA.id!)).status, invalid.name).toBe(invalid.bearer);
    }
    expect(await (await analytics.getJob(jobA.id!))!.getState()).toBe("failed");

    // Shop A's token on shop B's job: "not found", and B's job stays failed.
    const foreign = await retry(tokenFor(A), jobB.id!);
    expect(foreign.status).toBe(404);
    expect((await actionResult(foreign)).data).toMatchObject({ ok: false, message: "No such failed job." });
    expect(await (await analytics.getJob(jobB.id!))!.getState()).toBe("failed");

    // Its own job: retried (waiting again: no worker runs in this file).
    const own = await retry(tokenFor(A), jobA.id!);
    expect(own.status).toBe(200);
    expect((await actionResult(own)).data).toMatchObject({ ok: true, intent: "retry" });
    expect(await (await analytics.getJob(jobA.id!))!.getState()).toBe("waiting");
    // Retrying what is no longer failed is refused.
    expect((await retry(tokenFor(A), jobA.id!)).status).toBe(409);
  });
});

describe("shop isolation", () => {
  it("uses the token's shop, not the shop in the URL", async () => {
    // A's token, with B named in the query: A's customers only.
    const url = embeddedUrl(app.baseUrl, "/app/customers", B, tokenFor(A));
    const response = await fetch(url, { headers: { "User-Agent": BROWSER_USER_AGENT }, redirect: "manual" });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("@shop-a.example");
    for (const marker of B_MARKERS) expect(html).not.toContain(marker);
  });

  it("shows a customer id both shops have as the token's shop's customer", async () => {
    const a = seededA.customers.find((c) => c.customerId === sharedId)!;
    const b = seededB.customers.find((c) => c.customerId === sharedId)!;
    expect(a.email).not.toBe(b.email);
    const asA = await loaderData<{ email: string | null; netRevenueMinor: string }>(
      app.baseUrl,
      `/app/customers/${sharedId}`,
      "routes/app.customers.$id",
      tokenFor(A),
    );
    expect(asA.email).toBe(a.email);
    expect(asA.netRevenueMinor).toBe(a.netRevenueMinor.toString());
    const asB = await loaderData<{ email: string | null }>(
      app.baseUrl,
      `/app/customers/${sharedId}`,
      "routes/app.customers.$id",
      tokenFor(B),
    );
    expect(asB.email).toBe(b.email);
  });

  it("answers 404 for another shop's customer", async () => {
    const page = await documentRequest(app.baseUrl, `/app/customers/${onlyB}`, A, tokenFor(A));
    expect(page.status).toBe(404);
    const html = await page.text();
    expect(html).toContain("This customer does not exist in your store.");
    expectNoCustomerData(html);

    const data = await bearerRequest(app.baseUrl, `/app/customers/${onlyB}.data?_routes=routes/app.customers.$id`, tokenFor(A));
    expect(data.status).toBe(404);
    expectNoCustomerData(await data.text());
  });

  it("lists, searches and exports only the token's shop", async () => {
    const list = await loaderData<{ total: number; rows: { email: string | null }[] }>(
      app.baseUrl,
      "/app/customers?q=example",
      "routes/app.customers._index",
      tokenFor(A),
    );
    expect(list.total).toBe(seededA.customers.filter((c) => c.email).length);
    expect(list.rows.every((r) => r.email?.endsWith("@shop-a.example"))).toBe(true);
    // Searching for B's email domain from A finds nothing.
    const cross = await loaderData<{ total: number }>(
      app.baseUrl,
      "/app/customers?q=shop-b.example",
      "routes/app.customers._index",
      tokenFor(A),
    );
    expect(cross.total).toBe(0);

    const csv = await (await bearerRequest(app.baseUrl, "/app/customers/export.csv", tokenFor(B))).text();
    expect(csv.trim().split("\r\n")).toHaveLength(1 + seededB.customers.length);
    expect(csv).not.toContain("@shop-a.example");
  });
});
