// Verifies an app proxy request as Shopify signs it: every query parameter but `signature`, each as
// `key=value` (a repeated key's values joined by ","), sorted, concatenated with no separator, then
// HMAC-SHA256 with the app secret, hex. The only identity a proxy request carries is
// `logged_in_customer_id` (empty when nobody is logged in), and it is trustworthy only once this passes.
// Same strictness as authenticate.public.appProxy (timestamp within 90 s), without a Request object or a
// session lookup, so the storefront's hot endpoints stay cheap.
import { createHmac, timingSafeEqual } from "node:crypto";

/** Shopify's own tolerance for the proxy's timestamp, in seconds either way. */
export const PROXY_TIMESTAMP_SKEW_S = 90;

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const CUSTOMER_ID = /^\d{1,20}$/;

export type ProxyIdentity =
  { ok: true; shop: string; customerId: string | null; pathPrefix: string | null } | { ok: false; status: 400 | 401; reason: string };

/** The string Shopify signs for these parameters. */
export function proxySignedString(params: URLSearchParams): string {
  const values = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (key === "signature") continue;
    const list = values.get(key);
    if (list) list.push(value);
    else values.set(key, [value]);
  }
  return [...values.keys()]
    .sort()
    .map((key) => `${key}=${values.get(key)!.join(",")}`)
    .join("");
}

export function signProxyParams(params: URLSearchParams, secret: string): string {
  return createHmac("sha256", secret).update(proxySignedString(params)).digest("hex");
}

export function verifyProxyRequest(params: URLSearchParams, secret: string, nowMs = Date.now()): ProxyIdentity {
  const signatures = params.getAll("signature");
  if (signatures.length !== 1 || !/^[0-9a-f]{64}$/i.test(signatures[0])) {
    return { ok: false, status: 401, reason: "missing or malformed signature" };
  }
  const expected = Buffer.from(signProxyParams(params, secret), "hex");
  const given = Buffer.from(signatures[0], "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, status: 401, reason: "invalid signature" };

  // Signed, so these are Shopify's own values; still, refuse shapes we would not store or look up.
  const timestamp = Number(params.get("timestamp"));
  if (!Number.isInteger(timestamp)) return { ok: false, status: 400, reason: "missing timestamp" };
  if (Math.abs(nowMs / 1000 - timestamp) > PROXY_TIMESTAMP_SKEW_S) return { ok: false, status: 401, reason: "stale timestamp" };
  const shop = (params.get("shop") ?? "").toLowerCase();
  if (!SHOP_DOMAIN.test(shop)) return { ok: false, status: 400, reason: "shop is not a *.myshopify.com domain" };
  if (params.getAll("logged_in_customer_id").length > 1) return { ok: false, status: 400, reason: "repeated logged_in_customer_id" };
  const customer = params.get("logged_in_customer_id") ?? "";
  if (customer !== "" && !CUSTOMER_ID.test(customer)) return { ok: false, status: 400, reason: "malformed logged_in_customer_id" };
  return { ok: true, shop, customerId: customer === "" ? null : customer, pathPrefix: params.get("path_prefix") };
}
