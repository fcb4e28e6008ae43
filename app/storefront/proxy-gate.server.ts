// The door every app proxy answer goes through, in this order: Shopify's signature (verifyProxyRequest; on
// failure 401 or 400 with an empty body: no data, no hint), then the shopper's rate limit (429 with
// Retry-After), and only then the route's own work, for the signed `logged_in_customer_id` alone. No other
// parameter (a `customer_id` in the query, a field in a body) ever names the customer.
//
// Framework-free (a ProxyCall in, a ProxyReply out), so that the Remix routes and a fast path in the
// production server (server.ts) run exactly the same code.
import { config } from "~/config.server";
import { queues } from "~/queues/queues.server";
import { verifyProxyRequest } from "./proxy-signature";
import { takeToken, type RateLimit } from "./rate-limit.server";

/** A proxied request, as much of it as the answers read. */
export interface ProxyCall {
  method: string;
  /** Path and query as received (`/proxy/status?shop=…&signature=…`). */
  url: string;
  header(name: string): string | null;
  /** The body as text; only routes that take one read it. */
  body(): Promise<string>;
}

export interface ProxyReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Requests a shopper may make per window, per kind. Browsing asks for status and offers on most pages. */
export const PROXY_RATE_LIMITS = {
  read: { limit: 120, windowMs: 60_000 },
  redeem: { limit: 10, windowMs: 60_000 },
} as const satisfies Record<string, RateLimit>;
export type ProxyBucket = keyof typeof PROXY_RATE_LIMITS;

export interface Shopper {
  shop: string;
  /** The signed logged_in_customer_id; null for a guest. */
  customerId: string | null;
  /** Where the shop mounts the proxy (`/apps/clv` unless the merchant changed it), for links in pages. */
  pathPrefix: string;
}

export type ProxyGate = { ok: true; shopper: Shopper; params: URLSearchParams } | { ok: false; reply: ProxyReply };

/** Every proxy answer: nothing from here may be kept by a shared cache (Shopify's, a CDN's). */
export const NO_STORE = "private, no-store";

const DEFAULT_PATH_PREFIX = "/apps/clv";
// Shopify's proxy prefixes (apps, a, community, tools) and a subpath; anything else is not used in links.
const PATH_PREFIX = /^\/(?:apps|a|community|tools)\/[A-Za-z0-9_-]{1,64}$/;
const IPV4_OR_V6 = /^[0-9A-Fa-f.:]{2,45}$/;

export function bareReply(status: number, headers: Record<string, string> = {}): ProxyReply {
  return { status, headers: { "Cache-Control": NO_STORE, ...headers }, body: "" };
}

export function jsonReply(data: unknown, status = 200, headers: Record<string, string> = {}): ProxyReply {
  return {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": NO_STORE, ...headers },
    body: JSON.stringify(data),
  };
}

/**
 * A page Shopify renders inside the shop's theme (the body is Liquid). The type is exactly
 * `application/liquid`, as authenticate.public.appProxy's liquid() sends it: whether Shopify would still
 * recognise it with parameters is not documented.
 */
export function liquidReply(body: string): ProxyReply {
  return { status: 200, headers: { "Content-Type": "application/liquid", "Cache-Control": NO_STORE }, body };
}

/**
 * Who the rate limit counts: the logged-in customer, or a guest by the client address Shopify puts first in
 * X-Forwarded-For (every guest of a shop would otherwise share one allowance).
 */
export function shopperKey(shop: string, customerId: string | null, forwardedFor: string | null): string {
  if (customerId !== null) return `${shop}:c:${customerId}`;
  const client = (forwardedFor ?? "").split(",")[0]?.trim() ?? "";
  return `${shop}:g:${IPV4_OR_V6.test(client) ? client : "unknown"}`;
}

function searchParamsOf(url: string): URLSearchParams {
  const at = url.indexOf("?");
  return new URLSearchParams(at < 0 ? "" : url.slice(at + 1));
}

export async function enterProxy(call: ProxyCall, bucket: ProxyBucket, nowMs = Date.now()): Promise<ProxyGate> {
  const params = searchParamsOf(call.url);
  const identity = verifyProxyRequest(params, config.apiSecret, nowMs);
  if (!identity.ok) return { ok: false, reply: bareReply(identity.status) };

  const key = `proxy:${bucket}:${shopperKey(identity.shop, identity.customerId, call.header("x-forwarded-for"))}`;
  const decision = await takeToken(queues().connection, key, PROXY_RATE_LIMITS[bucket], nowMs);
  if (!decision.allowed) return { ok: false, reply: bareReply(429, { "Retry-After": String(decision.retryAfterS) }) };

  const prefix = identity.pathPrefix ?? "";
  return {
    ok: true,
    params,
    shopper: { shop: identity.shop, customerId: identity.customerId, pathPrefix: PATH_PREFIX.test(prefix) ? prefix : DEFAULT_PATH_PREFIX },
  };
}
