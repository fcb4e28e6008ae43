// The app's Admin API gateway (app/shopify/admin-gateway.server.ts) against the local Admin API double:
// pacing under the leaky bucket, retries of 5xx/429/network errors, and what it refuses to retry.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAdminApiDouble, type AdminApiDouble } from "../../testkit/admin-api-double/index";
import { SHOP_QUERY, type ShopQueryData } from "~/shopify/operations";

const SHOP = "gateway-shop.myshopify.com";
const TOKEN = "shpat_gateway";
const target = { shop: SHOP, accessToken: TOKEN };

let double: AdminApiDouble;
let gateway: typeof import("~/shopify/admin-gateway.server");

/** A sleep that records what the gateway asked for and returns at once. */
function recordingSleep() {
  const asked: number[] = [];
  return { asked, sleep: async (ms: number) => void asked.push(ms) };
}

beforeAll(async () => {
  double = await startAdminApiDouble({ shops: [{ shop: SHOP, accessToken: TOKEN }] });
  process.env.SHOPIFY_ADMIN_API_ORIGIN = double.origin;
  process.env.NODE_ENV = "test";
  gateway = await import("~/shopify/admin-gateway.server");
});

afterAll(async () => {
  await double?.close();
});

afterEach(() => {
  double.control.clearFailures();
  double.control.setThrottle({ shop: SHOP, maximumAvailable: 2000, restoreRate: 100, cost: { default: 10 } });
  double.control.clearRequests();
});

const outcomes = () => double.control.requests.filter((r) => r.shop === SHOP || r.shop === null).map((r) => r.outcome);

describe("the gateway against the double", () => {
  it("sends to the double's origin and returns data and cost", async () => {
    const result = await gateway.adminGraphql<ShopQueryData>(target, SHOP_QUERY);
    expect(result.attempts).toBe(1);
    expect(result.data.shop.myshopifyDomain).toBe(SHOP);
    expect(result.cost?.throttleStatus).toMatchObject({ maximumAvailable: 2000, restoreRate: 100 });
    expect(double.control.requests.at(-1)).toMatchObject({ apiVersion: "2026-07", operationName: "ShopDetails", outcome: "ok" });
  });

  it("waits out THROTTLED answers: 5 quick calls of cost 40 on a bucket of 50 restoring 100/s", async () => {
    double.control.setThrottle({ shop: SHOP, maximumAvailable: 50, restoreRate: 100, cost: 40 });
    const started = performance.now();
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await gateway.adminGraphql<ShopQueryData>(target, SHOP_QUERY));
    const elapsed = performance.now() - started;
    expect(results.every((r) => r.data.shop.myshopifyDomain === SHOP)).toBe(true);
    expect(results.some((r) => r.attempts > 1)).toBe(true);
    expect(outcomes().filter((o) => o === "throttled").length).toBeGreaterThanOrEqual(1);
    expect(outcomes().filter((o) => o === "ok").length).toBe(5);
    // 5 × 40 points from a bucket of 50 needs 150 points of refill: at least 1.5 s at 100 points/s.
    expect(elapsed).toBeGreaterThanOrEqual(1_450);
    expect(elapsed).toBeLessThan(4_000);
  });

  it("waits out THROTTLED answers for concurrent calls too", async () => {
    double.control.setThrottle({ shop: SHOP, maximumAvailable: 50, restoreRate: 100, cost: 40 });
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 5 }, () => gateway.adminGraphql<ShopQueryData>(target, SHOP_QUERY)));
    const elapsed = performance.now() - started;
    expect(results).toHaveLength(5);
    expect(outcomes().filter((o) => o === "ok").length).toBe(5);
    expect(outcomes().filter((o) => o === "throttled").length).toBeGreaterThanOrEqual(4);
    expect(elapsed).toBeGreaterThanOrEqual(1_450);
    expect(elapsed).toBeLessThan(8_000);
  });

  /** Backoff doubles from 500 ms, plus up to 25 % jitter. */
  function expectBackoff(asked: number[], bases: number[]) {
    expect(asked).toHaveLength(bases.length);
    asked.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(bases[i]!);
      expect(ms).toBeLessThanOrEqual(bases[i]! * 1.25);
    });
  }

  it("retries HTTP 503 with exponential backoff", async () => {
    double.control.failNext({ status: 503, count: 2 });
    const { asked, sleep } = recordingSleep();
    const result = await gateway.adminGraphql<ShopQueryData>(target, SHOP_QUERY, {}, { sleep });
    expect(result.attempts).toBe(3);
    expectBackoff(asked, [500, 1_000]);
    expect(outcomes()).toEqual(["injected-503", "injected-503", "ok"]);
  });

  it("retries HTTP 429 after the Retry-After it was given", async () => {
    double.control.failNext({ status: 429, retryAfter: 0.3 });
    const { asked, sleep } = recordingSleep();
    const result = await gateway.adminGraphql<ShopQueryData>(target, SHOP_QUERY, {}, { sleep });
    expect(result.attempts).toBe(2);
    expect(asked).toEqual([300]);

    // And with the real clock.
    double.control.failNext({ status: 429, retryAfter: 0.3 });
    const started = performance.now();
    await gateway.adminGraphql<ShopQueryData>(target, SHOP_QUERY);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("retries a dropped connection", async () => {
    double.control.failNext({ status: "reset" });
    const { asked, sleep } = recordingSleep();
    const result = await gateway.adminGraphql<ShopQueryData>(target, SHOP_QUERY, {}, { sleep });
    expect(result.attempts).toBe(2);
    expectBackoff(asked, [500]);
  });

  it("gives up after maxAttempts with a clear AdminApiError", async () => {
    double.control.failNext({ status: 500, count: 10 });
    const { sleep } = recordingSleep();
    const error = await gateway.adminGraphql(target, SHOP_QUERY, {}, { maxAttempts: 3, sleep }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(gateway.AdminApiError);
    expect(error).toMatchObject({ message: "HTTP 500", status: 500, code: "SERVER_ERROR" });
    expect(outcomes()).toEqual(["injected-500", "injected-500", "injected-500"]);
  });

  it("does not sleep after the last attempt before giving up", async () => {
    double.control.failNext({ status: 503, count: 10 });
    const { asked, sleep } = recordingSleep();
    await gateway.adminGraphql(target, SHOP_QUERY, {}, { maxAttempts: 3, sleep }).catch(() => undefined);
    expectBackoff(asked, [500, 1_000]);
  });

  it("spreads the retries of many throttled callers so they all get through", async () => {
    double.control.setThrottle({ shop: SHOP, maximumAvailable: 50, restoreRate: 100, cost: 40, currentlyAvailable: 50 });
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => gateway.adminGraphql<ShopQueryData>(target, SHOP_QUERY)));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
  });

  it("refuses a bad token with status 401 at once, without retrying", async () => {
    const { asked, sleep } = recordingSleep();
    const error = await gateway.adminGraphql({ shop: SHOP, accessToken: "wrong" }, SHOP_QUERY, {}, { sleep }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(gateway.AdminApiError);
    expect(error).toMatchObject({ status: 401, code: "UNAUTHORIZED" });
    expect((error as Error).message).toContain(SHOP);
    expect(asked).toEqual([]);
    expect(outcomes()).toEqual(["unauthorized"]);
  });

  it("does not retry GraphQL errors", async () => {
    const { asked, sleep } = recordingSleep();
    const error = await gateway.adminGraphql(target, "{ shop { nope } }", {}, { sleep }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 200, code: "undefinedField", message: "Field 'nope' doesn't exist on type 'Shop'" });
    expect(asked).toEqual([]);
    expect(outcomes()).toEqual(["graphql-error"]);
  });
});
