import type { Db } from "~/db.server";

/** The shop's offline access token (stored by Shopify's session storage at install), for workers. */
export async function offlineAccessToken(db: Db, shop: string): Promise<string> {
  const session = await db.session.findFirst({ where: { shop, isOnline: false }, select: { accessToken: true } });
  if (!session) throw new Error(`no offline session for ${shop}: the app is not installed there (or was uninstalled)`);
  return session.accessToken;
}
