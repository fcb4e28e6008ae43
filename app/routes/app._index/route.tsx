import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { Badge, BlockStack, Box, Card, DataTable, EmptyState, InlineGrid, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { useEffect } from "react";
import { authenticate } from "~/shopify.server";
import { db } from "~/db.server";
import { dashboard } from "~/data/dashboard.server";
import { customerDisplayName, formatDate, formatDateTime, formatMoney, formatNumber, formatPercent, localeOfRequest } from "~/lib/format";
import { ClvHistogram, SegmentChart } from "~/components/Charts";
import { CohortTable } from "~/components/CohortTable";
import { useAppHref } from "~/components/app-links";
import { RouteError } from "~/components/RouteError";
import { EMPTY_STATE_IMAGE } from "~/components/empty-state-image";
import { BackfillBanner } from "./BackfillBanner";
import { Metric } from "./Metric";

export const links = () => [{ rel: "stylesheet", href: polarisVizStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { ...(await dashboard(await db(), session.shop)), locale: localeOfRequest(request) };
};

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  const href = useAppHref();
  const { locale, currencyCode } = data;
  const money = (minor: string) => formatMoney(minor, currencyCode, locale);
  const revalidator = useRevalidator();

  // While a backfill runs, refresh the figures every few seconds.
  const backfillActive = data.backfill?.active ?? false;
  useEffect(() => {
    if (!backfillActive) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 5_000);
    return () => clearInterval(timer);
  }, [backfillActive, revalidator]);

  const predictedText = data.predictedTotalMinor === null ? "Not yet predicted" : money(data.predictedTotalMinor);
  const predictedHelp =
    data.predictedTotalMinor !== null
      ? `Sum over ${formatNumber(data.predictedCustomers, locale)} customers scored by the model.`
      : data.modelFit
        ? `The last model fit (${formatDate(data.modelFit.fittedAt, locale)}) did not produce predictions${data.modelFit.reason ? `: ${data.modelFit.reason}` : "."}`
        : "The model has not been fitted for this store yet.";

  return (
    <Page
      title="Customer lifetime value"
      primaryAction={{ content: "View customers", url: href("/app/customers") }}
      secondaryActions={[{ content: "Sync status", url: href("/app/sync") }]}
    >
      <Layout>
        {data.backfill?.active ? (
          <Layout.Section>
            <BackfillBanner run={data.backfill} locale={locale} />
          </Layout.Section>
        ) : null}

        {data.orders === 0 ? (
          <Layout.Section>
            <Card>
              {data.backfill?.active ? (
                <EmptyState heading="No orders yet" image={EMPTY_STATE_IMAGE}>
                  <p>Your order history is being imported: customer values appear here as the orders come in.</p>
                </EmptyState>
              ) : (
                <EmptyState
                  heading="No orders yet"
                  image={EMPTY_STATE_IMAGE}
                  action={{ content: "Import order history", url: href("/app/sync") }}
                >
                  <p>
                    Customer values appear here once orders arrive. New orders come in by webhook as they are placed; import your existing
                    order history from the sync page.
                  </p>
                </EmptyState>
              )}
            </Card>
          </Layout.Section>
        ) : (
          <>
            <Layout.Section>
              <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
                <Metric
                  testId="metric-customers"
                  label="Customers"
                  value={formatNumber(data.customers, locale)}
                  help="With at least one counted order."
                />
                <Metric
                  testId="metric-orders"
                  label="Orders"
                  value={formatNumber(data.orders, locale)}
                  help="Not cancelled, not test orders."
                />
                <Metric
                  testId="metric-net-revenue"
                  label="Net revenue"
                  value={money(data.netRevenueMinor)}
                  help="Order totals minus refunds."
                />
                <Metric
                  testId="metric-repeat-rate"
                  label="Repeat purchase rate"
                  value={formatPercent(data.repeatRate, locale, 1)}
                  help={`${formatNumber(data.repeatCustomers, locale)} customers ordered more than once.`}
                />
                <Metric
                  testId="metric-average-clv"
                  label="Average historic CLV"
                  value={money(data.averageClvMinor)}
                  help="Net revenue per customer."
                />
                <Metric
                  testId="metric-median-clv"
                  label="Median historic CLV"
                  value={money(data.medianClvMinor)}
                  help="Half the customers are worth less."
                />
                <Metric testId="metric-predicted" label="Predicted value, next 12 months" value={predictedText} help={predictedHelp} />
                <Metric
                  testId="metric-last-webhook"
                  label="Last order update"
                  value={data.lastWebhookAt ? formatDate(data.lastWebhookAt, locale) : "—"}
                  help={data.lastWebhookAt ? formatDateTime(data.lastWebhookAt, locale) : "No webhook received yet."}
                />
              </InlineGrid>
            </Layout.Section>

            <Layout.Section variant="oneHalf">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    CLV distribution
                  </Text>
                  <Text as="p" variant="bodySm" tone="subdued">
                    Customers by historic net revenue; the last bar holds the top 5%.
                  </Text>
                  <ClvHistogram buckets={data.histogram} currency={currencyCode} locale={locale} />
                </BlockStack>
              </Card>
            </Layout.Section>

            <Layout.Section variant="oneHalf">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Segments
                  </Text>
                  <SegmentChart segments={data.segments} locale={locale} />
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                    headings={["Segment", "Customers", "Net revenue", "Predicted 12 m"]}
                    rows={data.segments.map((s) => [
                      s.segment,
                      formatNumber(s.customers, locale),
                      money(s.netRevenueMinor),
                      s.predictedClvMinor === null ? "—" : money(s.predictedClvMinor),
                    ])}
                  />
                </BlockStack>
              </Card>
            </Layout.Section>

            <Layout.Section>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Revenue by first-order cohort
                  </Text>
                  {data.cohorts.length === 0 ? (
                    <Text as="p" tone="subdued">
                      No customer placed a first order in the last {data.cohortMonths} months.
                    </Text>
                  ) : (
                    <CohortTable cohorts={data.cohorts} months={data.cohortMonths} currency={currencyCode} locale={locale} />
                  )}
                </BlockStack>
              </Card>
            </Layout.Section>

            <Layout.Section>
              <Card>
                <BlockStack gap="300">
                  <InlineStack align="space-between">
                    <Text as="h2" variant="headingMd">
                      Top customers by historic value
                    </Text>
                    <Link url={href("/app/customers")}>All customers</Link>
                  </InlineStack>
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric", "numeric", "text"]}
                    headings={["Customer", "Orders", "Net revenue", "Predicted 12 m", "Last order"]}
                    rows={data.topCustomers.map((c) => [
                      <Link key={c.customerId} url={href(`/app/customers/${encodeURIComponent(c.customerId)}`)} removeUnderline>
                        {customerDisplayName(c)}
                      </Link>,
                      formatNumber(c.orderCount, locale),
                      money(c.netRevenueMinor),
                      c.predictedClvMinor === null ? "—" : money(c.predictedClvMinor),
                      formatDate(c.lastOrderAt, locale),
                    ])}
                  />
                </BlockStack>
              </Card>
            </Layout.Section>
          </>
        )}

        {data.modelFit ? (
          <Layout.Section>
            <Box paddingBlockEnd="400">
              <InlineStack gap="200" blockAlign="center">
                <Text as="span" variant="bodySm" tone="subdued">
                  Last model fit {formatDateTime(data.modelFit.fittedAt, locale)}
                </Text>
                <Badge tone={data.modelFit.status === "fitted" ? "success" : data.modelFit.status === "failed" ? "critical" : "attention"}>
                  {data.modelFit.status.replaceAll("_", " ")}
                </Badge>
              </InlineStack>
            </Box>
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Customer lifetime value" />;
}
