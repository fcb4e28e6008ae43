// The app proxy's reads are answered by server.ts straight from node:http (no Express, no Remix router), with
// the same framework-free code the Remix routes call. Each request is sent twice over real HTTP: once to the
// exact path (the fast path) and once spelled in capitals, which only Remix's case-insensitive router sends
// to the same route. Both must give the same answer, refusals included; the fast path is recognised by its
// Content-Length (it holds the whole body, where Remix's Express adapter streams the answer in chunks).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../support/app-under-test";
import { MEMBER_A, MEMBER_B, proxyUrl, seedProxyShop, tampered, type ProxyParams, type ProxyShop } from "./proxy-requests";

const SHOP = "proxy-fast-path.myshopify.com";

let app: Awaited<ReturnType<typeof startApp>>;
let seeded: ProxyShop;

beforeAll(async () => {
  app = await startApp({ workers: false });
  seeded = await seedProxyShop(app.db, SHOP);
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

/** The same route as Remix alone reaches it (its router ignores case; the fast path takes exact paths only). */
const remixSpelling = (path: string) => path.replace("/proxy", "/PROXY");

interface Answer {
  status: number;
  contentType: string | null;
  cacheControl: string | null;
  retryAfter: string | null;
  allow: string | null;
  contentLength: string | null;
  /** Bytes of the body as received. */
  bytes: number;
  body: string;
}

async function answerOf(url: string, init?: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  const h = response.headers;
  const text = await response.text();
  return {
    status: response.status,
    contentType: h.get("content-type"),
    cacheControl: h.get("cache-control"),
    retryAfter: h.get("retry-after"),
    allow: h.get("allow"),
    contentLength: h.get("content-length"),
    bytes: Buffer.byteLength(text),
    // The Rewards page gives each form a fresh idempotency key: the keys differ, nothing else may.
    body: text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<key>"),
  };
}

/** One signed request through each path (each signed afresh, as Shopify would sign two page views). */
async function bothPaths(path: string, params: Omit<ProxyParams, "shop">, change?: (url: string) => string, init?: RequestInit) {
  const sign = (p: string) => {
    const url = proxyUrl(app.baseUrl, p, { shop: SHOP, ...params });
    return change ? change(url) : url;
  };
  const fast = await answerOf(sign(path), init);
  const remix = await answerOf(sign(remixSpelling(path)), init);
  return { fast, remix };
}

/** Everything but the framing must be the same. */
function expectSameAnswer(fast: Answer, remix: Answer) {
  const framing = ({ contentLength: _length, ...rest }: Answer) => rest;
  expect(framing(fast)).toEqual(framing(remix));
}

describe("app proxy reads through server.ts's fast path", () => {
  it("answers status, recommendations and the Rewards page itself, exactly as the Remix routes do", async () => {
    const cases: [string, Omit<ProxyParams, "shop">][] = [
      ["/proxy/status", { customerId: MEMBER_A }],
      ["/proxy/status", { customerId: MEMBER_B }],
      ["/proxy/status", { customerId: null }],
      ["/proxy/recommendations", { customerId: seeded.treatment, extra: [["product_id", "9001"]] }],
      ["/proxy/recommendations", { customerId: seeded.holdout, extra: [["product_id", "9001"]] }],
      ["/proxy/recommendations", { customerId: null, extra: [["product_id", "9001"]] }],
      ["/proxy/recommendations", { customerId: null, extra: [["product_id", "not-a-number"]] }],
      ["/proxy/", { customerId: MEMBER_A }],
      ["/proxy/", { customerId: null }],
    ];
    for (const [path, params] of cases) {
      const { fast, remix } = await bothPaths(path, params);
      const label = `${path} ${params.customerId ?? "guest"}`;
      expect(fast.status, label).toBe(params.extra?.[0]?.[1] === "not-a-number" ? 400 : 200);
      expect(fast.cacheControl, label).toBe("private, no-store");
      expectSameAnswer(fast, remix);
      // Which path answered: the fast path's whole body with its length; Remix's adapter streams (no length).
      expect(fast.contentLength, label).toBe(String(fast.bytes));
      expect(remix.contentLength, label).toBeNull();
    }
  });

  it("refuses forged, foreign, stale, unsigned and two-customer requests with the same bare status as Remix", async () => {
    const now = Math.floor(Date.now() / 1000);
    const refusals: [string, Omit<ProxyParams, "shop">, ((url: string) => string) | undefined, number][] = [
      ["forged signature", { customerId: MEMBER_A }, (u) => tampered(u, "signature", "0".repeat(64)), 401],
      ["another app's secret", { customerId: MEMBER_A, secret: "not-the-app-secret" }, undefined, 401],
      ["replayed for another customer", { customerId: MEMBER_A }, (u) => tampered(u, "logged_in_customer_id", MEMBER_B), 401],
      ["stale", { customerId: MEMBER_A, timestampS: now - 120 }, undefined, 401],
      ["from the future", { customerId: MEMBER_A, timestampS: now + 120 }, undefined, 401],
      ["unsigned", { customerId: MEMBER_A }, (u) => u.replace(/&signature=[0-9a-f]+/, ""), 401],
      ["two customers", { customerId: MEMBER_A, extra: [["logged_in_customer_id", MEMBER_B]] }, undefined, 400],
    ];
    for (const path of ["/proxy/status", "/proxy/recommendations", "/proxy/"]) {
      for (const [name, params, change, status] of refusals) {
        const { fast, remix } = await bothPaths(path, params, change);
        const label = `${path}: ${name}`;
        expect(fast, label).toEqual({
          status,
          contentType: null,
          cacheControl: "private, no-store",
          retryAfter: null,
          allow: null,
          contentLength: "0",
          bytes: 0,
          body: "",
        });
        expectSameAnswer(fast, remix);
      }
    }
  });

  it("answers HEAD with the GET's headers and no body, and a signed GET of redeem with 405", async () => {
    const head = await bothPaths("/proxy/status", { customerId: MEMBER_A }, undefined, { method: "HEAD" });
    expect(head.fast.status).toBe(200);
    expect(head.fast.body).toBe("");
    expectSameAnswer(head.fast, head.remix);
    expect(Number(head.fast.contentLength)).toBeGreaterThan(0); // the length of the GET's body

    const redeem = await bothPaths("/proxy/redeem", { customerId: MEMBER_A });
    expect(redeem.fast).toMatchObject({ status: 405, allow: "POST", body: "" });
    expectSameAnswer(redeem.fast, redeem.remix);
  });

  it("still answers a POST to a read route (through Remix, which reads bodies with every route's limits)", async () => {
    const post = await answerOf(proxyUrl(app.baseUrl, "/proxy/status", { shop: SHOP, customerId: MEMBER_A }), { method: "POST" });
    expect(post).toMatchObject({ status: 405, allow: "GET, HEAD", body: "" });
  });
});
