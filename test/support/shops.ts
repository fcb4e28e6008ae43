// A shop is installed before its webhooks count: the worker stores nothing for a shop that is not
// (in production Shopify's afterAuth hook calls markShopInstalled). Tests install their shops the same way.
import type { PrismaClient } from "@prisma/client";

export async function installShop(
  db: PrismaClient,
  shop: string,
  details: { currencyCode?: string | null; ianaTimezone?: string | null } = {},
): Promise<void> {
  const { markShopInstalled } = await import("~/data/lifecycle.server");
  await markShopInstalled(db, shop, details);
}

export async function installShops(db: PrismaClient, shops: string[]): Promise<void> {
  for (const shop of shops) await installShop(db, shop);
}
