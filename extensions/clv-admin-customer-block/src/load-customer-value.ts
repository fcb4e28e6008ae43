// Loads what the block shows: the customer on screen (shopify.data.selected), their `$app` metafields and the
// shop's currency through the Admin API (shopify.query, authenticated as the app), turned into the view.
import { CUSTOMER_VALUE_QUERY, readCustomerValue, type CustomerValueQueryData } from "./customer-value-query";
import { customerValueView, type CustomerValueView } from "./customer-value-view";
import { i18nFormatters, type I18nFormatting, type Translate } from "./formatting";

export type CustomerValueState =
  { status: "loading" } | { status: "message"; message: string; tone: "info" | "critical" } | { status: "ready"; view: CustomerValueView };

/** The slice of the block API used here (admin.customer-details.block.render provides it). */
export interface CustomerValueApi {
  data: { selected: readonly { id: string }[] };
  i18n: I18nFormatting & { translate: Translate };
  query: <Data>(query: string, options?: { variables?: Record<string, unknown> }) => Promise<{ data?: Data; errors?: unknown[] }>;
}

export async function loadCustomerValue(api: CustomerValueApi): Promise<CustomerValueState> {
  const t = api.i18n.translate;
  const customerId = api.data.selected[0]?.id;
  if (!customerId) return { status: "message", message: t("noCustomer"), tone: "info" };
  try {
    const result = await api.query<CustomerValueQueryData>(CUSTOMER_VALUE_QUERY, { variables: { id: customerId } });
    if (!result.data) return { status: "message", message: t("loadError"), tone: "critical" };
    const read = readCustomerValue(result.data);
    if (!read.customerFound) return { status: "message", message: t("customerNotFound"), tone: "critical" };
    return { status: "ready", view: customerValueView(read, t, i18nFormatters(api.i18n)) };
  } catch {
    return { status: "message", message: t("loadError"), tone: "critical" };
  }
}
