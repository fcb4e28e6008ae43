// App proxy signatures: the exact string Shopify signs, and every way a request must be refused.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { proxySignedString, signProxyParams, verifyProxyRequest } from "~/storefront/proxy-signature";

const SECRET = "proxy-test-secret";
const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);

function signed(entries: [string, string][], secret = SECRET): URLSearchParams {
  const params = new URLSearchParams(entries);
  params.append("signature", signProxyParams(params, secret));
  return params;
}

const base = (customer: string): [string, string][] => [
  ["shop", "shop-a.myshopify.com"],
  ["logged_in_customer_id", customer],
  ["path_prefix", "/apps/clv"],
  ["timestamp", String(NOW / 1000)],
];

describe("app proxy signature", () => {
  it("signs sorted key=value pairs with no separator, repeated keys joined by commas", () => {
    const params = new URLSearchParams("shop=s.myshopify.com&b=2&a=1&extra=x&extra=y&signature=zz");
    expect(proxySignedString(params)).toBe("a=1b=2extra=x,yshop=s.myshopify.com");
    // Computed independently of the module: hex HMAC-SHA256 of that string.
    expect(signProxyParams(params, SECRET)).toBe(createHmac("sha256", SECRET).update("a=1b=2extra=x,yshop=s.myshopify.com").digest("hex"));
  });

  it("accepts a valid request and returns the logged-in customer", () => {
    expect(verifyProxyRequest(signed(base("7501234567890123456")), SECRET, NOW)).toEqual({
      ok: true,
      shop: "shop-a.myshopify.com",
      customerId: "7501234567890123456",
      pathPrefix: "/apps/clv",
    });
  });

  it("treats the empty logged_in_customer_id (still signed) as a guest", () => {
    const params = signed(base(""));
    expect(proxySignedString(params)).toContain("logged_in_customer_id=");
    expect(verifyProxyRequest(params, SECRET, NOW)).toMatchObject({ ok: true, customerId: null });
  });

  it("refuses a forged signature, a missing one and one made with another secret", () => {
    const forged = new URLSearchParams(base("1"));
    forged.append("signature", "0".repeat(64));
    expect(verifyProxyRequest(forged, SECRET, NOW)).toMatchObject({ ok: false, status: 401 });
    expect(verifyProxyRequest(new URLSearchParams(base("1")), SECRET, NOW)).toMatchObject({ ok: false, status: 401 });
    expect(verifyProxyRequest(signed(base("1"), "other-secret"), SECRET, NOW)).toMatchObject({ ok: false, status: 401 });
  });

  it("refuses a request replayed with another customer id", () => {
    const original = signed(base("111"));
    const replayed = new URLSearchParams(original);
    replayed.set("logged_in_customer_id", "222");
    expect(verifyProxyRequest(replayed, SECRET, NOW)).toMatchObject({ ok: false, status: 401, reason: "invalid signature" });
    // Adding a second customer id to a signed URL changes the signed string as well.
    const doubled = new URLSearchParams(original);
    doubled.append("logged_in_customer_id", "222");
    expect(verifyProxyRequest(doubled, SECRET, NOW)).toMatchObject({ ok: false });
  });

  it("refuses a stale or future timestamp beyond 90 s, accepts within", () => {
    expect(verifyProxyRequest(signed(base("1")), SECRET, NOW + 91_000)).toMatchObject({ ok: false, reason: "stale timestamp" });
    expect(verifyProxyRequest(signed(base("1")), SECRET, NOW - 91_000)).toMatchObject({ ok: false, reason: "stale timestamp" });
    expect(verifyProxyRequest(signed(base("1")), SECRET, NOW + 89_000)).toMatchObject({ ok: true });
  });

  it("refuses signed but malformed identities", () => {
    const badShop = signed([
      ["shop", "evil.example.com"],
      ["logged_in_customer_id", "1"],
      ["timestamp", String(NOW / 1000)],
    ]);
    expect(verifyProxyRequest(badShop, SECRET, NOW)).toMatchObject({ ok: false, status: 400 });
    const badCustomer = signed(base("1 OR 1=1"));
    expect(verifyProxyRequest(badCustomer, SECRET, NOW)).toMatchObject({ ok: false, status: 400 });
  });
});
