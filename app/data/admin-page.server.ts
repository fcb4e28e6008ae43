// authenticate.admin for the app's pages, with a clear answer where the library has none. When a valid
// session token arrives for a shop we hold no offline session for (the app was uninstalled, or never
// installed), the library tries a token exchange with Shopify and, when that fails, throws a bare 500.
// Here that becomes 403 "not installed" (we hold no access to that store) or 503 "Shopify unreachable"
// (we do, but could not refresh it), which the error pages explain. Every other answer of the library
// (redirects, the bounce page, 401 with the retry header) passes through untouched.
import { createHmac, timingSafeEqual } from "node:crypto";
import { data } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { config } from "~/config.server";
import { db } from "~/db.server";

/** What an error page needs to say why the page could not load. */
export interface PageErrorData {
  reason: "not_installed" | "shopify_unreachable" | "not_found";
}

export async function authenticatePage(request: Request) {
  try {
    return await authenticate.admin(request);
  } catch (thrown) {
    if (!(thrown instanceof Response) || thrown.status !== 500 || (await thrown.clone().text()) !== "") throw thrown;
    const shop = shopOfVerifiedToken(request);
    if (!shop) throw thrown;
    const session = await (await db()).session.findFirst({ where: { shop, isOnline: false }, select: { id: true } });
    throw data<PageErrorData>({ reason: session ? "shopify_unreachable" : "not_installed" }, { status: session ? 503 : 403 });
  }
}

/** The shop of the request's session token (URL id_token or Bearer), only if its signature is the app's. */
function shopOfVerifiedToken(request: Request): string | null {
  const bearer = /^Bearer (.+)$/.exec(request.headers.get("Authorization") ?? "")?.[1];
  const token = bearer ?? new URL(request.url).searchParams.get("id_token");
  const [header, payload, signature] = token?.split(".") ?? [];
  if (!header || !payload || !signature) return null;
  const expected = createHmac("sha256", config.apiSecret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { dest?: unknown };
    return typeof claims.dest === "string" ? new URL(claims.dest).hostname : null;
  } catch {
    return null;
  }
}
