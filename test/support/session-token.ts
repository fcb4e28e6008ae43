// Embedded-admin authentication as Shopify does it, for tests: an offline session stored for the shop,
// and session tokens (HS256 JWTs signed with the app secret) sent in the `id_token` query parameter of
// document requests or in `Authorization: Bearer` for fetch requests (data loads, actions).
import { createHmac, randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { TEST_API_KEY, TEST_API_SECRET } from "./environment";

/** authenticate.admin answers 410 to bot user agents (isbot); tests speak as a desktop Chrome. */
export const BROWSER_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

export interface TokenOptions {
  shop: string;
  /** Signing secret; default the app's (process.env.SHOPIFY_API_SECRET). */
  secret?: string;
  /** Audience; default the app's API key. */
  apiKey?: string;
  /** Seconds until expiry (negative: already expired). Default 3600, longer than Shopify's 60 s so slow tests do not see it expire. */
  expiresIn?: number;
  /** Overrides of the claims (e.g. dest of another shop). */
  claims?: Record<string, unknown>;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

/** A session token as App Bridge issues it (iss, dest, aud, sub, exp, nbf, iat, jti, sid). */
export function sessionToken(options: TokenOptions): string {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = options.expiresIn ?? 3600;
  const payload = {
    iss: `https://${options.shop}/admin`,
    dest: `https://${options.shop}`,
    aud: options.apiKey ?? process.env.SHOPIFY_API_KEY ?? TEST_API_KEY,
    sub: "42",
    exp: now + expiresIn,
    nbf: Math.min(now, now + expiresIn) - 5,
    iat: Math.min(now, now + expiresIn) - 5,
    jti: randomUUID(),
    sid: randomUUID(),
    ...options.claims,
  };
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify(payload));
  const signature = createHmac("sha256", options.secret ?? process.env.SHOPIFY_API_SECRET ?? TEST_API_SECRET)
    .update(`${header}.${body}`)
    .digest("base64url");
  return `${header}.${body}.${signature}`;
}

/** The admin's `host` parameter: base64 of "admin.shopify.com/store/<name>". */
export function hostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`).toString("base64");
}

/** The query Shopify adds when it loads the app's page in the admin iframe. */
export function embeddedQuery(shop: string, token: string | null, extra: Record<string, string> = {}): URLSearchParams {
  const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), locale: "en", ...extra });
  if (token !== null) params.set("id_token", token);
  return params;
}

/** A page URL as the admin iframe loads it: path + its own query + the embedded context and token. */
export function embeddedUrl(baseUrl: string, path: string, shop: string, token: string | null, extra: Record<string, string> = {}): string {
  const [pathname, query = ""] = path.split("?");
  const params = new URLSearchParams(query);
  for (const [k, v] of embeddedQuery(shop, token, extra)) if (!params.has(k)) params.set(k, v);
  return `${baseUrl}${pathname}?${params.toString()}`;
}

/** Document request (the iframe loading a page), token in the URL. */
export function documentRequest(baseUrl: string, path: string, shop: string, token: string | null, init: RequestInit = {}) {
  return fetch(embeddedUrl(baseUrl, path, shop, token), {
    redirect: "manual",
    ...init,
    headers: { "User-Agent": BROWSER_USER_AGENT, Accept: "text/html", ...(init.headers as Record<string, string>) },
  });
}

/** Fetch request as App Bridge sends it: Authorization: Bearer <token>, no embedded query. */
export function bearerRequest(baseUrl: string, path: string, token: string, init: RequestInit = {}) {
  return fetch(`${baseUrl}${path}`, {
    redirect: "manual",
    ...init,
    headers: { "User-Agent": BROWSER_USER_AGENT, Authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
  });
}

/** The offline session a shop has once installed (what token exchange would have stored). */
export async function installOfflineSession(
  db: PrismaClient,
  shop: string,
  scope = "read_orders,read_all_orders,read_customers",
): Promise<void> {
  const row = { shop, state: "", isOnline: false, scope, accessToken: "test-token" };
  await db.session.upsert({ where: { id: `offline_${shop}` }, create: { id: `offline_${shop}`, ...row }, update: row });
}

/**
 * The data of one route from a Remix single-fetch response (`<path>.data`, turbo-stream encoded):
 * { data } for a loader's value, { error } for a thrown response.
 */
export async function routeData<T = unknown>(response: Response, routeId: string): Promise<{ data?: T; error?: unknown }> {
  const { decode } = await import("turbo-stream");
  if (!response.body) throw new Error(`no body (status ${response.status})`);
  const decoded = await decode(response.body);
  await decoded.done;
  const value = decoded.value as Record<string, { data?: T; error?: unknown }>;
  return value[routeId] ?? {};
}

/** GET `<path>.data` (a client-side navigation's data request) for one route, with a Bearer token. */
export async function loaderData<T = unknown>(baseUrl: string, path: string, routeId: string, token: string): Promise<T> {
  const [pathname, query = ""] = path.split("?");
  const params = new URLSearchParams(query);
  params.set("_routes", routeId);
  const response = await bearerRequest(baseUrl, `${pathname}.data?${params}`, token);
  if (response.status !== 200) throw new Error(`${path}: status ${response.status}`);
  const { data, error } = await routeData<T>(response, routeId);
  if (error !== undefined) throw new Error(`${path}: ${JSON.stringify(error)}`);
  return data as T;
}

/** The result of an action from a single-fetch POST (`<path>.data`): { data } or { error }. */
export async function actionResult<T = unknown>(response: Response): Promise<{ data?: T; error?: unknown }> {
  const { decode } = await import("turbo-stream");
  if (!response.body) throw new Error(`no body (status ${response.status})`);
  const decoded = await decode(response.body);
  await decoded.done;
  return decoded.value as { data?: T; error?: unknown };
}
