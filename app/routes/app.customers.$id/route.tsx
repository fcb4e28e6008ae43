import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Card,
  DataTable,
  Divider,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { authenticatePage, type PageErrorData } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { customerDetail, TIMELINE_LIMIT } from "~/data/customer-detail.server";
import { loyaltyMemberPanel } from "~/data/loyalty-overview.server";
import {
  customerDisplayName,
  formatDate,
  formatDateTime,
  formatDays,
  formatMoney,
  formatNumber,
  formatPercent,
  localeOfRequest,
} from "~/lib/format";
import { useAppHref } from "~/components/app-links";
import { AppPage } from "~/components/AppPage";
import { RouteError } from "~/components/RouteError";
import { ShopifyAdminLink, shopifyAdminUrl } from "~/components/ShopifyAdminLink";
import { useI18n } from "~/i18n/context";
import { documentTitle } from "~/i18n/meta";
import { segmentLabel } from "~/i18n/segments";
import { translator } from "~/i18n/translate";
import { LoyaltyPanel } from "../app.loyalty.members.$id/LoyaltyPanel";
import { explainCustomer } from "./explain-customer";

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return documentTitle(undefined, "customer.documentTitle");
  const t = translator(data.locale);
  return documentTitle(
    data.locale,
    "customer.documentTitle",
    undefined,
    customerDisplayName(data, (id) => t("customer.anonymous", { id })),
  );
};

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const id = params.id ?? "";
  // Scoped by the session's shop: another shop's customer id is simply not found.
  const client = await db();
  const detail = /^[0-9A-Za-z_-]{1,64}$/.test(id) ? await customerDetail(client, session.shop, id) : null;
  if (!detail) throw data<PageErrorData>({ reason: "not_found" }, { status: 404, statusText: "Not Found" });
  // The loyalty panel only in a shop that has a loyalty program.
  const panel = await loyaltyMemberPanel(client, session.shop, id);
  return {
    ...detail,
    loyalty: panel.program ? panel : null,
    now: new Date().toISOString(),
    locale: localeOfRequest(request),
    timelineLimit: TIMELINE_LIMIT,
  };
};

function Figure({
  label,
  value,
  testId,
  help,
  helpTestId,
}: {
  label: string;
  value: string;
  testId?: string;
  help?: string;
  helpTestId?: string;
}) {
  return (
    <BlockStack gap="100">
      <Text as="span" variant="bodySm" tone="subdued">
        {label}
      </Text>
      <Text as="span" variant="headingMd" numeric>
        <span data-testid={testId}>{value}</span>
      </Text>
      {help ? (
        <Text as="span" variant="bodySm" tone="subdued">
          <span data-testid={helpTestId}>{help}</span>
        </Text>
      ) : null}
    </BlockStack>
  );
}

const FINANCIAL_STATUS_KEYS = new Set(["paid", "partially_refunded", "refunded", "pending", "authorized", "partially_paid", "voided"]);

export default function CustomerPage() {
  const c = useLoaderData<typeof loader>();
  const href = useAppHref();
  const { t, locale } = useI18n();
  const { currencyCode, timeZone, storeHandle } = c;
  const money = (minor: string) => formatMoney(minor, currencyCode, locale);
  const name = customerDisplayName(c, (id) => t("customer.anonymous", { id }));
  const subtitle = [c.email && name !== c.email ? c.email : null, t("customer.idLabel", { id: c.customerId })].filter(Boolean).join(" · ");
  const explanation = explainCustomer(c, new Date(c.now), locale, timeZone);
  const adminUrl = shopifyAdminUrl(storeHandle, "customers", c.customerId);
  const chance = c.probabilityOrder;
  const financialStatus = (status: string) =>
    FINANCIAL_STATUS_KEYS.has(status) ? t(`order.status.${status}` as Parameters<typeof t>[0]) : status.replaceAll("_", " ");

  return (
    <AppPage
      title={name}
      subtitle={subtitle}
      backAction={{ content: t("customers.title"), url: href("/app/customers") }}
      primaryAction={{
        content: t("customer.openInShopify"),
        onAction: () => window.open(typeof window.shopify === "undefined" ? adminUrl : `shopify://admin/customers/${c.customerId}`, "_top"),
      }}
      titleMetadata={
        <InlineStack gap="100">
          {c.segment ? <Badge tone="info">{segmentLabel(c.segment, t)}</Badge> : null}
          {c.deletedAt ? <Badge tone="critical">{t("customer.deletedInShopify")}</Badge> : null}
          {c.redactedAt ? <Badge>{t("customer.redacted")}</Badge> : null}
        </InlineStack>
      }
    >
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                {t("customer.value")}
              </Text>
              <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
                <BlockStack gap="300">
                  <Text as="h3" variant="headingSm">
                    {t("customer.historic")}
                  </Text>
                  <InlineGrid columns={2} gap="300">
                    <Figure label={t("metric.netRevenue")} value={money(c.netRevenueMinor)} testId="historic-value" />
                    <Figure label={t("columns.orders")} value={formatNumber(c.orderCount, locale)} testId="order-count" />
                    <Figure label={t("customer.averageOrder")} value={money(c.aovMinor)} />
                    <Figure
                      label={t("customer.refunded")}
                      value={money(c.refundedMinor)}
                      testId="refunded"
                      help={
                        c.refundedNotCountedMinor !== "0"
                          ? t("customer.refundedNotCounted", { amount: money(c.refundedNotCountedMinor) })
                          : undefined
                      }
                    />
                    <Figure label={t("customer.firstOrder")} value={formatDate(c.firstOrderAt, locale, timeZone)} testId="first-order" />
                    <Figure label={t("columns.lastOrder")} value={formatDate(c.lastOrderAt, locale, timeZone)} testId="last-order" />
                  </InlineGrid>
                  {c.notCountedOrders > 0 ? (
                    <Text as="p" variant="bodySm" tone="subdued">
                      {t("customer.notCountedOrders", { count: c.notCountedOrders })}
                    </Text>
                  ) : null}
                </BlockStack>
                <BlockStack gap="300">
                  <Text as="h3" variant="headingSm">
                    {t("customer.predicted")}
                  </Text>
                  <InlineGrid columns={2} gap="300">
                    <Figure
                      label={t("customer.predictedValue")}
                      value={c.predictedClvMinor === null ? t("dashboard.notPredicted") : money(c.predictedClvMinor)}
                      testId="predicted-value"
                      help={
                        c.predictedClvMinor !== null && c.clvLowMinor !== null && c.clvHighMinor !== null
                          ? t("customer.predictedRange", { low: money(c.clvLowMinor), high: money(c.clvHighMinor) })
                          : undefined
                      }
                      helpTestId="predicted-value-range"
                    />
                    <Figure
                      label={t("customer.expectedOrders")}
                      value={c.expectedPurchases === null ? "—" : formatNumber(c.expectedPurchases, locale, 1)}
                      testId="expected-orders"
                      help={
                        c.expectedPurchases !== null && c.purchasesLow !== null && c.purchasesHigh !== null
                          ? t("accuracy.customer.ordersRange", {
                              low: formatNumber(c.purchasesLow, locale),
                              high: formatNumber(c.purchasesHigh, locale),
                            })
                          : undefined
                      }
                      helpTestId="expected-orders-range"
                    />
                    <Figure
                      label={t("customer.expectedOrderValue")}
                      value={c.expectedAovMinor === null ? "—" : money(c.expectedAovMinor)}
                    />
                    <Figure label={t("customer.scored")} value={formatDate(c.predictedAt, locale, timeZone)} />
                  </InlineGrid>
                  {c.predictedClvMinor !== null && (c.clvLowMinor !== null || c.purchasesLow !== null) ? (
                    <Text as="p" variant="bodySm" tone="subdued">
                      <span data-testid="range-help">{t("accuracy.customer.rangeHelp")}</span>{" "}
                      <Link url={href("/app/model")}>{t("accuracy.customer.rangeLink")}</Link>
                    </Text>
                  ) : null}
                </BlockStack>
              </InlineGrid>
            </BlockStack>
          </Card>
        </Layout.Section>

        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("customer.willOrder")}
              </Text>
              {chance !== null ? (
                <BlockStack gap="100">
                  <InlineStack align="space-between" blockAlign="center">
                    <Text as="span" variant="bodySm" tone="subdued">
                      <span id="chance-label">{t("customer.chanceLabel")}</span>
                    </Text>
                    <Text as="span" variant="headingLg">
                      <span data-testid="probability-order">{formatPercent(chance, locale)}</span>
                    </Text>
                  </InlineStack>
                  <ProgressBar
                    progress={Math.round(chance * 100)}
                    tone={chance >= 0.6 ? "success" : chance >= 0.3 ? "highlight" : "critical"}
                    size="small"
                    ariaLabelledBy="chance-label"
                  />
                </BlockStack>
              ) : null}
              <div data-testid="alive-explanation" data-state={explanation.state}>
                <BlockStack gap="200">
                  {explanation.sentences.map((s) => (
                    <Text as="p" key={s.key}>
                      {t(s.key, s.params)}
                    </Text>
                  ))}
                </BlockStack>
              </div>
              {c.orderCount >= 2 && c.tenureDays > 0 ? (
                <>
                  <Divider />
                  <Text as="p" variant="bodySm" tone="subdued">
                    {t("customer.activeOver", { span: formatDays(c.tenureDays, locale) })}
                  </Text>
                </>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.Section>

        {c.loyalty ? (
          <Layout.Section>
            <div data-testid="loyalty-panel">
              <LoyaltyPanel panel={c.loyalty} locale={locale} timeZone={timeZone} />
            </div>
          </Layout.Section>
        ) : null}

        <Layout.Section>
          <Card padding="0">
            <Box padding="400">
              <InlineStack align="space-between">
                <Text as="h2" variant="headingMd">
                  {t("customer.orders")}
                </Text>
                <Text as="span" tone="subdued" variant="bodySm">
                  {c.totalOrders > c.timelineLimit
                    ? t("customer.latestOrders", { count: c.timelineLimit, total: c.totalOrders })
                    : t("customer.ordersTotal", { count: c.totalOrders })}
                </Text>
              </InlineStack>
            </Box>
            {c.orders.length === 0 ? (
              <Box padding="400">
                <Text as="p" tone="subdued">
                  {t("customer.noOrders")}
                </Text>
              </Box>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "text"]}
                headings={[t("order.date"), t("order.order"), t("order.total"), t("customer.refunded"), t("order.net"), t("order.status")]}
                rows={c.orders.map((o) => [
                  <span key="date" data-testid="order-date">
                    {formatDateTime(o.processedAt, locale, timeZone)}
                  </span>,
                  <ShopifyAdminLink
                    key="order"
                    storeHandle={storeHandle}
                    resource="orders"
                    id={o.id}
                    accessibilityLabel={t("order.openInShopify", { name: o.name ?? `#${o.id}` })}
                  >
                    {o.name ?? `#${o.id}`}
                  </ShopifyAdminLink>,
                  money(o.totalMinor),
                  o.refundedMinor === "0" ? "—" : money(o.refundedMinor),
                  o.cancelled || o.test ? (
                    <Text as="span" tone="subdued" key="net">
                      {t("order.notCounted")}
                    </Text>
                  ) : (
                    money(o.netMinor)
                  ),
                  <InlineStack gap="100" key="status">
                    {o.cancelled ? <Badge tone="critical">{t("order.cancelled")}</Badge> : null}
                    {o.test ? <Badge tone="attention">{t("order.test")}</Badge> : null}
                    {o.financialStatus ? <Badge>{financialStatus(o.financialStatus)}</Badge> : null}
                  </InlineStack>,
                ])}
              />
            )}
            <Box padding="400">
              <Text as="p" variant="bodySm" tone="subdued">
                {t("customer.timesIn", { zone: timeZone })}
              </Text>
            </Box>
          </Card>
        </Layout.Section>
      </Layout>
    </AppPage>
  );
}

export function ErrorBoundary() {
  return (
    <RouteError title="customer.documentTitle" notFound="customer.notFound" backTo="/app/customers" backLabel="error.backToCustomers" />
  );
}
