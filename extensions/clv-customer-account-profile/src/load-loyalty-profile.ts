// Loads what the profile block shows: the signed-in customer's loyalty metafields through the Customer
// Account API (the extension's global fetch to shopify://customer-account/…, authenticated by Shopify).
import { i18nFormatters, type I18nFormatting, type Translate } from "./formatting";
import {
  CUSTOMER_ACCOUNT_API_URL,
  LOYALTY_PROFILE_QUERY,
  loyaltyProfileVariables,
  readLoyaltyProfile,
  type LoyaltyProfileQueryData,
} from "./loyalty-profile-query";
import { loyaltyProfileView, type LoyaltyProfileView } from "./loyalty-profile-view";

export type LoyaltyProfileState =
  { status: "loading" } | { status: "error"; message: string } | { status: "ready"; view: LoyaltyProfileView };

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{
  ok: boolean;
  json(): Promise<unknown>;
}>;

export async function loadLoyaltyProfile(
  i18n: I18nFormatting & { translate: Translate },
  fetchImpl: FetchLike,
): Promise<LoyaltyProfileState> {
  const t = i18n.translate;
  try {
    const response = await fetchImpl(CUSTOMER_ACCOUNT_API_URL, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query: LOYALTY_PROFILE_QUERY, variables: loyaltyProfileVariables() }),
    });
    if (!response.ok) return { status: "error", message: t("loadError") };
    const body = (await response.json()) as { data?: LoyaltyProfileQueryData } | null;
    const read = readLoyaltyProfile(body?.data);
    if (!read.customerFound) return { status: "error", message: t("loadError") };
    return { status: "ready", view: loyaltyProfileView(read.metafields, t, i18nFormatters(i18n)) };
  } catch {
    return { status: "error", message: t("loadError") };
  }
}
