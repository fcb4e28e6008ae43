import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  ButtonGroup,
  Card,
  DataTable,
  EmptyState,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  Text,
} from "@shopify/polaris";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { useEffect, useState } from "react";
import { authenticatePage } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { dashboard } from "~/data/dashboard.server";
import { retentionCard } from "~/data/retention.server";
import { shopContext } from "~/data/shop.server";
import { parseDashboardPeriod } from "~/data/dashboard-period.server";
import { customerDisplayName, formatDate, formatDateTime, formatMoney, formatNumber, formatPercent, localeOfRequest } from "~/lib/format";
import { ClvHistogram, LtvChart, SegmentChart, bucketLabel } from "~/components/Charts";
import { CohortTable } from "~/components/CohortTable";
import { AppPage } from "~/components/AppPage";
import { useAppHref } from "~/components/app-links";
import { RouteError } from "~/components/RouteError";
import { EMPTY_STATE_IMAGE } from "~/components/empty-state-image";
import { useI18n } from "~/i18n/context";
import { documentTitle } from "~/i18n/meta";
import { segmentLabel } from "~/i18n/segments";
import type { MessageKey } from "~/i18n/translate";
import { BackfillBanner } from "./BackfillBanner";
import { Metric } from "./Metric";
import { PeriodPicker } from "./PeriodPicker";
import { PeriodFiguresSection } from "./PeriodFigures";
import { RetentionCard } from "./RetentionCard";

export const links = () => [{ rel: "stylesheet", href: polarisVizStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => documentTitle(data?.locale, "dashboard.documentTitle");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const client = await db();
  const context = await shopContext(client, session.shop);
  const period = parseDashboardPeriod(new URL(request.url).searchParams, context.timeZone);
  const [figures, retention] = await Promise.all([
    dashboard(client, session.shop, period, { context }),
    retentionCard(client, session.shop),
  ]);
  return {
    ...figures,
    retention,
    selection: { range: period.range, compare: period.compare, from: period.current.from, to: period.current.to },
    locale: localeOfRequest(request),
  };
};

const FIT_STATUS: Record<string, MessageKey> = {
  fitted: "fit.status.fitted",
  insufficient_data: "fit.status.insufficientData",
  failed: "fit.status.failed",
};

export default function Dashboard() {
  const data = useLoaderData<typeof loader>();
  const href = useAppHref();
  const { t, locale } = useI18n();
  const { currencyCode, timeZone } = data;
  const money = (minor: string) => formatMoney(minor, currencyCode, locale);
  const n = (value: number) => formatNumber(value, locale);
  const revalidator = useRevalidator();
  const [cohortView, setCohortView] = useState<"revenue" | "ltv">("ltv");

  // While a backfill runs, refresh the figures every few seconds.
  const backfillActive = data.backfill?.active ?? false;
  useEffect(() => {
    if (!backfillActive) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 5_000);
    return () => clearInterval(timer);
  }, [backfillActive, revalidator]);

  const predictedText = data.predictedTotalMinor === null ? t("dashboard.notPredicted") : money(data.predictedTotalMinor);
  const predictedHelp =
    data.predictedTotalMinor !== null
      ? t("dashboard.predictedHelp", { count: data.predictedCustomers })
      : data.modelFit
        ? data.modelFit.reason
          ? t("dashboard.predictedNoneReason", { date: formatDate(data.modelFit.fittedAt, locale, timeZone), reason: data.modelFit.reason })
          : t("dashboard.predictedNone", { date: formatDate(data.modelFit.fittedAt, locale, timeZone) })
        : t("dashboard.predictedNoFit");

  const histogramTotal = data.histogram.reduce((s, b) => s + b.customers, 0);
  const lastBucket = data.histogram[data.histogram.length - 1];
  const segmentRows = data.segments.map((s) => ({
    ...s,
    label: s.kind === "refunded" ? t("segments.refunded") : s.kind === "pending" ? t("segments.pending") : segmentLabel(s.segment ?? "", t),
  }));

  return (
    <AppPage
      title={t("dashboard.title")}
      primaryAction={{ content: t("dashboard.viewCustomers"), url: href("/app/customers") }}
      secondaryActions={[{ content: t("nav.sync"), url: href("/app/sync") }]}
    >
      <Layout>
        {data.backfill?.active ? (
          <Layout.Section>
            <BackfillBanner run={data.backfill} firstImport={data.firstImport && data.orders > 0} />
          </Layout.Section>
        ) : null}

        {data.orders === 0 ? (
          <Layout.Section>
            <Card>
              {data.backfill?.active ? (
                <EmptyState heading={t("dashboard.importing.heading")} image={EMPTY_STATE_IMAGE}>
                  <p>{t("dashboard.importing.body")}</p>
                </EmptyState>
              ) : (
                <EmptyState
                  heading={t("dashboard.empty.heading")}
                  image={EMPTY_STATE_IMAGE}
                  action={{ content: t("sync.import"), url: href("/app/sync") }}
                >
                  <p>{t("dashboard.empty.body")}</p>
                </EmptyState>
              )}
            </Card>
          </Layout.Section>
        ) : (
          <>
            <Layout.Section>
              <Card>
                <BlockStack gap="400">
                  <InlineStack align="space-between" blockAlign="end" gap="300" wrap>
                    <Text as="h2" variant="headingMd">
                      {t("period.heading")}
                    </Text>
                    <PeriodPicker selection={data.selection} />
                  </InlineStack>
                  <PeriodFiguresSection period={data.period} currencyCode={currencyCode} />
                </BlockStack>
              </Card>
            </Layout.Section>

            {data.retention ? (
              <Layout.Section>
                <RetentionCard figures={data.retention} currencyCode={currencyCode} />
              </Layout.Section>
            ) : null}

            <Layout.Section>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("dashboard.allTime")}
                </Text>
                <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
                  <Metric
                    testId="metric-customers"
                    label={t("metric.customers")}
                    value={n(data.customers)}
                    help={
                      data.customersWithoutCountedOrders > 0
                        ? t("metric.customersHelpWithout", {
                            count: data.customersWithoutCountedOrders,
                            all: data.customers + data.customersWithoutCountedOrders,
                          })
                        : t("metric.customersHelp")
                    }
                  />
                  <Metric
                    testId="metric-orders"
                    label={t("metric.orders")}
                    value={n(data.orders)}
                    help={t("metric.ordersHelp", { guests: data.guestOrders })}
                  />
                  <Metric
                    testId="metric-net-revenue"
                    label={t("metric.netRevenue")}
                    value={money(data.netRevenueMinor)}
                    help={t("metric.netRevenueHelp", {
                      customers: money(data.customerNetRevenueMinor),
                      guests: money(data.guestNetRevenueMinor),
                    })}
                  />
                  <Metric
                    testId="metric-repeat-rate"
                    label={t("metric.repeatRate")}
                    value={formatPercent(data.repeatRate, locale, 1)}
                    help={t("metric.repeatRateHelp", { count: data.repeatCustomers, customers: data.customers })}
                  />
                  <Metric
                    testId="metric-average-clv"
                    label={t("metric.averageClv")}
                    value={money(data.averageClvMinor)}
                    help={t("metric.averageClvHelp", { net: money(data.customerNetRevenueMinor), customers: data.customers })}
                  />
                  <Metric
                    testId="metric-median-clv"
                    label={t("metric.medianClv")}
                    value={money(data.medianClvMinor)}
                    help={t("metric.medianClvHelp")}
                  />
                  <Metric testId="metric-predicted" label={t("metric.predicted")} value={predictedText} help={predictedHelp} />
                  <Metric
                    testId="metric-last-webhook"
                    label={t("metric.lastUpdate")}
                    value={data.lastWebhookAt ? formatDate(data.lastWebhookAt, locale, timeZone) : "—"}
                    help={data.lastWebhookAt ? formatDateTime(data.lastWebhookAt, locale, timeZone) : t("metric.noWebhook")}
                  />
                </InlineGrid>
              </BlockStack>
            </Layout.Section>

            <Layout.Section variant="oneHalf">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {t("histogram.heading")}
                  </Text>
                  <Text as="p" variant="bodySm" tone="subdued">
                    <span data-testid="histogram-caption">
                      {t("histogram.caption", { count: histogramTotal })}
                      {lastBucket && lastBucket.toMinor === null && histogramTotal > 0
                        ? ` ${t("histogram.captionTop", {
                            range: bucketLabel(lastBucket, currencyCode, locale, t),
                            share: formatPercent(lastBucket.customers / histogramTotal, locale, 1),
                          })}`
                        : ""}
                    </span>
                  </Text>
                  <ClvHistogram buckets={data.histogram} currency={currencyCode} locale={locale} t={t} />
                </BlockStack>
              </Card>
            </Layout.Section>

            <Layout.Section variant="oneHalf">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {t("segments.heading")}
                  </Text>
                  <SegmentChart segments={segmentRows} locale={locale} t={t} />
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                    headings={[t("segments.segment"), t("segments.customers"), t("metric.netRevenue"), t("segments.predicted")]}
                    rows={segmentRows.map((s) => [
                      s.kind === "segment" ? (
                        <Link key="segment" url={href("/app/customers", { segment: s.segment })} removeUnderline>
                          {s.label}
                        </Link>
                      ) : (
                        s.label
                      ),
                      n(s.customers),
                      money(s.netRevenueMinor),
                      s.predictedClvMinor === null ? "—" : money(s.predictedClvMinor),
                    ])}
                  />
                  {segmentRows.some((s) => s.kind !== "segment") ? (
                    <Text as="p" variant="bodySm" tone="subdued">
                      {segmentRows.some((s) => s.kind === "refunded") ? `${t("segments.refundedHelp")} ` : ""}
                      {segmentRows.some((s) => s.kind === "pending")
                        ? t(data.modelFit ? "segments.pendingHelp" : "segments.pendingNoFit")
                        : ""}
                    </Text>
                  ) : null}
                </BlockStack>
              </Card>
            </Layout.Section>

            <Layout.Section>
              <Card>
                <BlockStack gap="300">
                  <InlineStack align="space-between" blockAlign="center" gap="200" wrap>
                    <Text as="h2" variant="headingMd">
                      {t("cohorts.heading")}
                    </Text>
                    <CohortViewSwitch value={cohortView} onChange={setCohortView} />
                  </InlineStack>
                  {data.cohorts.length === 0 ? (
                    <Text as="p" tone="subdued">
                      {t("cohorts.none", { months: data.cohortMonths })}
                    </Text>
                  ) : cohortView === "ltv" ? (
                    <BlockStack gap="200">
                      <Text as="p" variant="bodySm" tone="subdued">
                        {t("ltv.caption", { zone: timeZone })}
                      </Text>
                      <LtvChart cohorts={data.cohorts} currency={currencyCode} locale={locale} t={t} />
                    </BlockStack>
                  ) : (
                    <CohortTable
                      cohorts={data.cohorts}
                      months={data.cohortMonths}
                      currency={currencyCode}
                      locale={locale}
                      timeZone={timeZone}
                      t={t}
                    />
                  )}
                </BlockStack>
              </Card>
            </Layout.Section>

            <Layout.Section>
              <Card>
                <BlockStack gap="300">
                  <InlineStack align="space-between">
                    <Text as="h2" variant="headingMd">
                      {t("top.heading")}
                    </Text>
                    <Link url={href("/app/customers")}>{t("top.all")}</Link>
                  </InlineStack>
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric", "numeric", "text"]}
                    headings={[
                      t("columns.customer"),
                      t("columns.orders"),
                      t("metric.netRevenue"),
                      t("columns.predicted"),
                      t("columns.lastOrder"),
                    ]}
                    rows={data.topCustomers.map((c) => [
                      <Link key={c.customerId} url={href(`/app/customers/${encodeURIComponent(c.customerId)}`)} removeUnderline>
                        {customerDisplayName(c, (id) => t("customer.anonymous", { id }))}
                      </Link>,
                      n(c.orderCount),
                      money(c.netRevenueMinor),
                      c.predictedClvMinor === null ? "—" : money(c.predictedClvMinor),
                      formatDate(c.lastOrderAt, locale, timeZone),
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
                  {t("dashboard.lastFit", { when: formatDateTime(data.modelFit.fittedAt, locale, timeZone) })}
                </Text>
                <Badge tone={data.modelFit.status === "fitted" ? "success" : data.modelFit.status === "failed" ? "critical" : "attention"}>
                  {Object.hasOwn(FIT_STATUS, data.modelFit.status) ? t(FIT_STATUS[data.modelFit.status]) : data.modelFit.status}
                </Badge>
              </InlineStack>
            </Box>
          </Layout.Section>
        ) : null}
      </Layout>
    </AppPage>
  );
}

function CohortViewSwitch({ value, onChange }: { value: "revenue" | "ltv"; onChange: (v: "revenue" | "ltv") => void }) {
  const { t } = useI18n();
  return (
    <div role="group" aria-label={t("cohorts.viewLabel")}>
      <ButtonGroup variant="segmented">
        <Button size="slim" pressed={value === "ltv"} onClick={() => onChange("ltv")}>
          {t("cohorts.viewLtv")}
        </Button>
        <Button size="slim" pressed={value === "revenue"} onClick={() => onChange("revenue")}>
          {t("cohorts.viewRevenue")}
        </Button>
      </ButtonGroup>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError title="dashboard.title" />;
}
