// shop and currentAppInstallation: what the app reads on install (SHOP_QUERY).
import { createHash } from "node:crypto";
import type { ApiSlice } from "./registry";

function timezoneAbbreviation(timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "short" }).formatToParts(new Date());
  return parts.find((p) => p.type === "timeZoneName")?.value ?? "UTC";
}

export const shopSlice: ApiSlice = {
  fields: [
    {
      root: "QueryRoot",
      name: "shop",
      returns: "Shop",
      cost: 1,
      resolve: (_args, { shop }) => ({
        __typename: "Shop",
        // A stable numeric id per domain.
        id: `gid://shopify/Shop/${parseInt(createHash("sha1").update(shop.shop).digest("hex").slice(0, 10), 16)}`,
        name: shop.name,
        email: shop.email,
        contactEmail: shop.email,
        myshopifyDomain: shop.shop,
        url: `https://${shop.shop}`,
        currencyCode: shop.currencyCode,
        ianaTimezone: shop.ianaTimezone,
        timezoneAbbreviation: timezoneAbbreviation(shop.ianaTimezone),
        plan: { displayName: "Basic", partnerDevelopment: true, shopifyPlus: false },
      }),
    },
    {
      root: "QueryRoot",
      name: "currentAppInstallation",
      returns: "AppInstallation",
      cost: 1,
      resolve: (_args, { shop, appId }) => ({
        __typename: "AppInstallation",
        id: `gid://shopify/AppInstallation/${appId}`,
        launchUrl: `https://admin.shopify.com/store/${shop.shop.replace(/\.myshopify\.com$/, "")}/apps/${appId}`,
        accessScopes: shop.scopes.map((handle) => ({ __typename: "AccessScope", handle, description: handle.replace(/_/g, " ") })),
      }),
    },
  ],
  types: {
    Shop: {
      id: "ID",
      name: "String",
      email: "String",
      contactEmail: "String",
      myshopifyDomain: "String",
      url: "URL",
      currencyCode: "CurrencyCode",
      ianaTimezone: "String",
      timezoneAbbreviation: "String",
      plan: "ShopPlan",
    },
    ShopPlan: { displayName: "String", partnerDevelopment: "Boolean", shopifyPlus: "Boolean" },
    AppInstallation: { id: "ID", accessScopes: "AccessScope", launchUrl: "URL" },
    AccessScope: { handle: "String", description: "String" },
  },
};
