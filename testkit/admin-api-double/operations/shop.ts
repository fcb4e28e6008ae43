// shop and currentAppInstallation: what the app reads on install (SHOP_QUERY), and the installation's
// app-data metafields (metafield(namespace:, key:), metafields(first:)).
import { shopNumericId } from "./common";
import { connection } from "./connections";
import { resolveNamespace } from "./metafields";
import type { ApiSlice, Arguments, ResolveContext } from "./registry";

function timezoneAbbreviation(timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "short" }).formatToParts(new Date());
  return parts.find((p) => p.type === "timeZoneName")?.value ?? "UTC";
}

/** The app's installation on the shop; its app-data metafields are those metafieldsSet stored on its id. */
export function appInstallationObject({ shop, appId }: ResolveContext) {
  const id = `gid://shopify/AppInstallation/${appId}`;
  const owned = () => [...(shop.metafields.get(id)?.values() ?? [])];
  return {
    __typename: "AppInstallation",
    id,
    launchUrl: `https://admin.shopify.com/store/${shop.shop.replace(/\.myshopify\.com$/, "")}/apps/${appId}`,
    accessScopes: shop.scopes.map((handle) => ({ __typename: "AccessScope", handle, description: handle.replace(/_/g, " ") })),
    metafield: (args: Arguments) => {
      const namespace = resolveNamespace(args.namespace, appId);
      const found = owned().find((m) => m.namespace === namespace && m.key === args.key);
      return found ? { __typename: "Metafield", ...found } : null;
    },
    metafields: (args: Arguments) =>
      connection(
        owned(),
        args,
        "metafields",
        (m) => m.id,
        (m) => ({ __typename: "Metafield", ...m }),
      ),
  };
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
        id: `gid://shopify/Shop/${shopNumericId(shop.shop)}`,
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
      resolve: (_args, ctx) => appInstallationObject(ctx),
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
    AppInstallation: { id: "ID", accessScopes: "AccessScope", launchUrl: "URL", metafield: "Metafield", metafields: "MetafieldConnection" },
    AccessScope: { handle: "String", description: "String" },
  },
};
