// Issue 10, item 12: /auth/login answered 500 (its route called authenticate.admin). It is Shopify's
// login flow: a form for the shop domain; a valid shop is sent to its admin to install or open the app,
// an invalid one gets the form back with the reason.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../support/app-under-test";
import { TEST_API_KEY } from "../support/environment";
import { BROWSER_USER_AGENT } from "../support/session-token";

let app: Awaited<ReturnType<typeof startApp>>;

beforeAll(async () => {
  app = await startApp({ workers: false });
});
afterAll(async () => {
  await app?.stop();
});

const get = (path: string) => fetch(`${app.baseUrl}${path}`, { redirect: "manual", headers: { "User-Agent": BROWSER_USER_AGENT } });
const post = (shop: string) =>
  fetch(`${app.baseUrl}/auth/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "User-Agent": BROWSER_USER_AGENT },
    body: new URLSearchParams({ shop }),
  });

/** Where Shopify installs (or opens) an app for a shop: its admin's install page with the app's client id. */
const installUrl = (handle: string) => `https://admin.shopify.com/store/${handle}/oauth/install?client_id=${TEST_API_KEY}`;

describe("/auth/login", () => {
  it("GET shows the form for the shop domain", async () => {
    const response = await get("/auth/login");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/<form[^>]*method="post"/i);
    expect(html).toMatch(/<input[^>]*name="shop"/);
    expect(html).toContain("Shop domain");
  });

  it("POST with an invalid shop domain shows the form again with the reason", async () => {
    const invalid = await post("not a shop!");
    expect(invalid.status).toBe(200);
    expect(await invalid.text()).toContain("Enter a valid shop domain");
    const missing = await post("");
    expect(missing.status).toBe(200);
    expect(await missing.text()).toContain("Enter your shop domain");
  });

  it("POST with a valid shop redirects to the shop's admin to install or open the app", async () => {
    for (const shop of ["valid-shop.myshopify.com", "valid-shop", "https://valid-shop.myshopify.com/"]) {
      const response = await post(shop);
      expect(response.status, shop).toBe(302);
      expect(response.headers.get("location"), shop).toBe(installUrl("valid-shop"));
    }
    const query = await get("/auth/login?shop=valid-shop.myshopify.com");
    expect(query.status).toBe(302);
    expect(query.headers.get("location")).toBe(installUrl("valid-shop"));
  });

  it("the app's bare address leads to the login form", async () => {
    const response = await get("/");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/auth/login");
  });
});
