// The app proxy's per-shopper rate limit (real Redis), and a request signed by Shopify's own test helper.
import { RequestType, setUpValidRequest } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../support/app-under-test";
import { TEST_API_SECRET } from "../support/environment";
import { MEMBER_A, MEMBER_B, PATH_PREFIX, proxyUrl, seedProxyShop } from "./proxy-requests";

const STORE = "proxy-limits";
const SHOP = `${STORE}.myshopify.com`;
// The limits of app/storefront/proxy-gate.server.ts, restated: reads 120 and redemptions 10 per minute.
const READS_PER_MINUTE = 120;
const REDEEMS_PER_MINUTE = 10;

let app: Awaited<ReturnType<typeof startApp>>;

beforeAll(async () => {
  app = await startApp({ workers: false });
  await seedProxyShop(app.db, SHOP);
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

/** The limiter counts per clock minute: start a burst early enough in one that it cannot straddle two. */
async function awaitFreshWindow(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 5_000) await new Promise((r) => setTimeout(r, left + 50));
}

/** Statuses of n requests sent one after the other (bodies read, so connections are reused). */
async function statusesInTurn(n: number, send: () => Promise<Response>): Promise<{ statuses: number[]; retryAfters: number[] }> {
  const statuses: number[] = [];
  const retryAfters: number[] = [];
  for (let i = 0; i < n; i++) {
    const response = await send();
    statuses.push(response.status);
    if (response.status === 429) {
      retryAfters.push(Number(response.headers.get("retry-after")));
      expect(await response.text()).toBe("");
    } else await response.arrayBuffer();
  }
  return { statuses, retryAfters };
}

// The limiter lets a request through when Redis does not answer within its budget (it must not take the
// storefront down), so on a loaded machine an occasional request past the allowance may pass. It never
// refuses one within the allowance: the first `limit` answers must all be let in, and most after them refused.
const OVER = 20;

describe("a request signed by Shopify's own test helper", () => {
  it("is accepted and answered for its logged-in customer", async () => {
    const request = await setUpValidRequest(
      { type: RequestType.Public, store: STORE, apiSecretKey: TEST_API_SECRET },
      new Request(`${app.baseUrl}/proxy/status?logged_in_customer_id=${MEMBER_B}&path_prefix=${encodeURIComponent(PATH_PREFIX)}`),
    );
    const response = await fetch(request);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ logged_in: true, member: { tier: { id: "gold" }, points: { balance: 300 } } });
  });
});

describe("per-shopper rate limit", () => {
  it("answers 429 with Retry-After past the shopper's allowance, and nobody else notices", async () => {
    await awaitFreshWindow();
    const { statuses, retryAfters } = await statusesInTurn(READS_PER_MINUTE + OVER, () =>
      fetch(proxyUrl(app.baseUrl, "/proxy/status", { shop: SHOP, customerId: MEMBER_A })),
    );
    expect(statuses.slice(0, READS_PER_MINUTE).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(READS_PER_MINUTE).filter((s) => s === 429).length).toBeGreaterThanOrEqual(OVER - 3);
    for (const seconds of retryAfters) {
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(60);
    }
    // Another customer of the shop, and a guest, still get in.
    expect((await fetch(proxyUrl(app.baseUrl, "/proxy/status", { shop: SHOP, customerId: MEMBER_B }))).status).toBe(200);
    expect((await fetch(proxyUrl(app.baseUrl, "/proxy/status", { shop: SHOP, customerId: null }))).status).toBe(200);
    // A forged request is refused before it counts (401, not 429).
    const forged = proxyUrl(app.baseUrl, "/proxy/status", { shop: SHOP, customerId: MEMBER_A, secret: "wrong" });
    expect((await fetch(forged)).status).toBe(401);
  });

  it("counts guests by the client address Shopify forwards", async () => {
    await awaitFreshWindow();
    const guest = (address: string) => () =>
      fetch(proxyUrl(app.baseUrl, "/proxy/recommendations", { shop: SHOP, customerId: null, extra: [["product_id", "9001"]] }), {
        headers: { "X-Forwarded-For": `${address}, 10.0.0.1` },
      });
    const { statuses } = await statusesInTurn(READS_PER_MINUTE + OVER, guest("203.0.113.7"));
    expect(statuses.slice(0, READS_PER_MINUTE).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(READS_PER_MINUTE).filter((s) => s === 429).length).toBeGreaterThanOrEqual(OVER - 3);
    expect((await guest("198.51.100.20")()).status).toBe(200);
  });

  it("allows fewer redemption attempts than reads", async () => {
    await awaitFreshWindow();
    const { statuses } = await statusesInTurn(REDEEMS_PER_MINUTE + OVER, () =>
      fetch(proxyUrl(app.baseUrl, "/proxy/redeem", { shop: SHOP, customerId: null }), {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Forwarded-For": "192.0.2.44" },
        body: JSON.stringify({ reward_id: "five-off", idempotency_key: "guest-limit-01" }),
      }),
    );
    // Guests cannot redeem (403), but every attempt counts against the allowance first.
    expect(statuses.slice(0, REDEEMS_PER_MINUTE).every((s) => s === 403)).toBe(true);
    expect(statuses.slice(REDEEMS_PER_MINUTE).filter((s) => s === 429).length).toBeGreaterThanOrEqual(OVER - 3);
  });
});
