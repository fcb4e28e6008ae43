// The Admin GraphQL read behind the block: the shop's currency and the customer's metafields in the app's
// reserved namespace. "$app" resolves to this app's own namespace (app--<id>), which is where
// app/retention/sync.ts and app/data/loyalty-write-back.server.ts write; the keys come back bare ("tier").
import type { MetafieldValues } from "./metafield-values";

/** The keys the block reads (shopify.app.toml declares each as [customer.metafields.app.<key>]). */
export const CUSTOMER_VALUE_KEYS = [
  // Retention sync (app/retention/sync.ts, RETENTION_METAFIELDS).
  "historic_value",
  "predicted_value_12m",
  "probability_alive",
  "segment",
  "at_risk",
  "value_at_stake",
  "win_back_code",
  "win_back_expires_on",
  // Not written yet: the prediction's range and the chance of an order in 12 months. Read when present
  // (docs/retention.md lists the sync change), shown as "not synced yet" until then.
  "predicted_value_12m_low",
  "predicted_value_12m_high",
  "probability_order_12m",
  // Loyalty write-back (app/loyalty/write-back.ts, LOYALTY_METAFIELDS, plus tier_progress_percent).
  "tier",
  "points_balance",
  "next_tier",
  "tier_progress_percent",
] as const;

// One page is enough: the app owns fewer than 30 customer metafields.
export const CUSTOMER_VALUE_QUERY = `#graphql
query CustomerValueBlock($id: ID!) {
  shop {
    currencyCode
  }
  customer(id: $id) {
    id
    metafields(first: 50, namespace: "$app") {
      nodes {
        key
        type
        value
      }
    }
  }
}`;

interface MetafieldNode {
  key?: string | null;
  type?: string | null;
  value?: string | null;
}

export interface CustomerValueQueryData {
  shop?: { currencyCode?: string | null } | null;
  customer?: { id?: string | null; metafields?: { nodes?: (MetafieldNode | null)[] | null } | null } | null;
}

export interface CustomerValueRead {
  /** False when Shopify returned no customer (deleted, or no access). */
  customerFound: boolean;
  currencyCode: string | null;
  metafields: MetafieldValues;
}

export function readCustomerValue(data: CustomerValueQueryData | null | undefined): CustomerValueRead {
  const metafields = new Map<string, string>();
  for (const node of data?.customer?.metafields?.nodes ?? []) {
    if (node && typeof node.key === "string" && typeof node.value === "string") metafields.set(node.key, node.value);
  }
  const currency = data?.shop?.currencyCode;
  return {
    customerFound: Boolean(data?.customer),
    currencyCode: typeof currency === "string" && /^[A-Z]{3}$/.test(currency) ? currency : null,
    metafields,
  };
}
