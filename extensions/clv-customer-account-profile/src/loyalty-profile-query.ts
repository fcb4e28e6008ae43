// The Customer Account API read behind the profile block: the signed-in customer's loyalty metafields in
// the app's reserved namespace. Only definitions granting access.customer_account = "read" (shopify.app.toml)
// are visible here; a key the customer does not have comes back as null.
import type { MetafieldValues } from "./metafield-values";

/** Written by the loyalty write-back (app/loyalty/write-back.ts, plus tier_progress_percent). */
export const LOYALTY_PROFILE_KEYS = [
  "tier",
  "points_balance",
  "next_tier",
  "amount_to_next_tier",
  "orders_to_next_tier",
  "points_to_next_tier",
  "tier_progress_percent",
  "referral_code",
] as const;

export const CUSTOMER_ACCOUNT_API_VERSION = "2026-07";
export const CUSTOMER_ACCOUNT_API_URL = `shopify://customer-account/api/${CUSTOMER_ACCOUNT_API_VERSION}/graphql.json`;

export const LOYALTY_PROFILE_QUERY = `#graphql
query LoyaltyProfileBlock($identifiers: [HasMetafieldsIdentifier!]!) {
  customer {
    id
    metafields(identifiers: $identifiers) {
      key
      type
      value
    }
  }
}`;

export const loyaltyProfileVariables = () => ({
  identifiers: LOYALTY_PROFILE_KEYS.map((key) => ({ namespace: "$app", key })),
});

interface MetafieldNode {
  key?: string | null;
  type?: string | null;
  value?: string | null;
}

export interface LoyaltyProfileQueryData {
  customer?: { id?: string | null; metafields?: (MetafieldNode | null)[] | null } | null;
}

export interface LoyaltyProfileRead {
  customerFound: boolean;
  metafields: MetafieldValues;
}

export function readLoyaltyProfile(data: LoyaltyProfileQueryData | null | undefined): LoyaltyProfileRead {
  const metafields = new Map<string, string>();
  for (const node of data?.customer?.metafields ?? []) {
    if (node && typeof node.key === "string" && typeof node.value === "string") metafields.set(node.key, node.value);
  }
  return { customerFound: Boolean(data?.customer), metafields };
}
