// The dashboard's charts. polaris-viz measures its container, so the charts render in the browser only;
// the server-rendered HTML (and any browser without JavaScript) gets the same figures as a table. Axis
// titles are plain text around the chart (polaris-viz draws none), so screen readers get them too.
import { BarChart, LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { DataTable, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import { formatMoney, formatMoneyCompact, formatMoneyShort, formatMonth, formatNumber, formatPercent } from "~/lib/format";
import type { Translate } from "~/i18n/translate";
import { ClientOnly } from "./ClientOnly";

export interface HistogramBucketView {
  fromMinor: string | null;
  toMinor: string | null;
  customers: number;
}

/**
 * A bucket as a range a merchant reads: "$20 – $50", "under $10", "$2,000 or more", "$0 or less (refunded)";
 * short, for the chart's axis: "$20–50", "<$10", "$2K+", "≤$0".
 */
export function bucketLabel(b: HistogramBucketView, currency: string, locale: string, t: Translate, short = false): string {
  const money = (minor: string) => (short ? formatMoneyShort(minor, currency, locale) : formatMoneyCompact(minor, currency, locale));
  if (b.fromMinor === null) return t(short ? "histogram.refundedShort" : "histogram.refunded", { amount: money(b.toMinor ?? "0") });
  if (b.toMinor === null) return t(short ? "histogram.orMoreShort" : "histogram.orMore", { amount: money(b.fromMinor) });
  if (b.fromMinor === "0") return t(short ? "histogram.underShort" : "histogram.under", { amount: money(b.toMinor) });
  return t(short ? "histogram.rangeShort" : "histogram.range", { from: money(b.fromMinor), to: money(b.toMinor) });
}

function ChartFrame({ height = 280, label, children }: { height?: number; label: string; children: ReactNode }) {
  return (
    <div style={{ height }} data-testid="chart" role="img" aria-label={label}>
      <PolarisVizProvider defaultTheme="Light">{children}</PolarisVizProvider>
    </div>
  );
}

/** The y-axis title above the chart and the x-axis title below it. */
function Axes({ x, y, children }: { x: string; y: string; children: ReactNode }) {
  return (
    <div>
      <Text as="p" variant="bodySm" tone="subdued">
        <span data-testid="axis-y">{y}</span>
      </Text>
      {children}
      <div style={{ textAlign: "center" }}>
        <Text as="p" variant="bodySm" tone="subdued">
          <span data-testid="axis-x">{x}</span>
        </Text>
      </div>
    </div>
  );
}

export function ClvHistogram({
  buckets,
  currency,
  locale,
  t,
}: {
  buckets: HistogramBucketView[];
  currency: string;
  locale: string;
  t: Translate;
}) {
  const total = buckets.reduce((s, b) => s + b.customers, 0);
  const rows = buckets.map((b) => ({
    label: bucketLabel(b, currency, locale, t),
    short: bucketLabel(b, currency, locale, t, true),
    customers: b.customers,
  }));
  const shortLabel = new Map(rows.map((r) => [r.label, r.short]));
  const table = (
    <DataTable
      columnContentTypes={["text", "numeric", "numeric"]}
      headings={[t("histogram.axisX"), t("histogram.axisY"), t("histogram.share")]}
      rows={rows.map((r) => [r.label, formatNumber(r.customers, locale), formatPercent(total > 0 ? r.customers / total : 0, locale, 1)])}
    />
  );
  return (
    <ClientOnly fallback={table}>
      {() => (
        <Axes x={t("histogram.axisX")} y={t("histogram.axisY")}>
          <ChartFrame label={t("histogram.chartLabel")}>
            <BarChart
              theme="Light"
              showLegend={false}
              data={[{ name: t("histogram.axisY"), data: rows.map((r) => ({ key: r.label, value: r.customers })) }]}
              xAxisOptions={{ labelFormatter: (v) => shortLabel.get(String(v)) ?? String(v), allowLineWrap: true }}
              yAxisOptions={{ labelFormatter: (v) => formatNumber(Number(v), locale), integersOnly: true }}
              isAnimated={false}
            />
          </ChartFrame>
        </Axes>
      )}
    </ClientOnly>
  );
}

export interface SegmentView {
  label: string;
  customers: number;
}

export function SegmentChart({ segments, locale, t }: { segments: SegmentView[]; locale: string; t: Translate }) {
  return (
    <ClientOnly fallback={null}>
      {() => (
        <Axes x={t("segments.axisX")} y={t("segments.axisY")}>
          <ChartFrame height={Math.max(160, segments.length * 34 + 40)} label={t("segments.chartLabel")}>
            <BarChart
              theme="Light"
              direction="horizontal"
              showLegend={false}
              data={[{ name: t("segments.axisX"), data: segments.map((s) => ({ key: s.label, value: s.customers })) }]}
              xAxisOptions={{ labelFormatter: (v) => formatNumber(Number(v), locale) }}
              isAnimated={false}
            />
          </ChartFrame>
        </Axes>
      )}
    </ClientOnly>
  );
}

export interface LtvCohortView {
  cohort: string;
  customers: number;
  cumulativePerCustomer: (string | null)[];
}

/** Cumulative net revenue per customer by months since the first order: one line per cohort (the latest few). */
export function LtvChart({ cohorts, currency, locale, t }: { cohorts: LtvCohortView[]; currency: string; locale: string; t: Translate }) {
  const months = cohorts.reduce((m, c) => Math.max(m, c.cumulativePerCustomer.length), 0);
  const table = (
    <div style={{ overflowX: "auto" }}>
      <DataTable
        columnContentTypes={["text", "numeric", ...Array<"numeric">(months).fill("numeric")]}
        headings={[t("cohorts.firstOrder"), t("cohorts.customers"), ...Array.from({ length: months }, (_, age) => monthHeading(age, t))]}
        rows={cohorts.map((c) => [
          formatMonth(c.cohort, locale),
          formatNumber(c.customers, locale),
          ...c.cumulativePerCustomer.map((v) => (v === null ? "" : formatMoney(v, currency, locale))),
        ])}
      />
    </div>
  );
  // Lines for the cohorts with at least three months behind them: shorter ones say little yet.
  const drawn = cohorts.filter((c) => c.cumulativePerCustomer.filter((v) => v !== null).length >= 3).slice(0, 6);
  return (
    <>
      <ClientOnly fallback={null}>
        {() =>
          drawn.length === 0 ? null : (
            <Axes x={t("ltv.axisX")} y={t("ltv.axisY")}>
              <ChartFrame label={t("ltv.chartLabel")}>
                <LineChart
                  theme="Light"
                  isAnimated={false}
                  data={drawn.map((c) => ({
                    name: formatMonth(c.cohort, locale),
                    data: c.cumulativePerCustomer.flatMap((v, age) =>
                      v === null ? [] : [{ key: monthHeading(age, t), value: Number(v) }],
                    ),
                  }))}
                  yAxisOptions={{ labelFormatter: (v) => formatMoneyShort(String(Math.round(Number(v))), currency, locale) }}
                />
              </ChartFrame>
            </Axes>
          )
        }
      </ClientOnly>
      {table}
    </>
  );
}

export function monthHeading(age: number, t: Translate): string {
  return age === 0 ? t("cohorts.month0") : t("cohorts.monthN", { n: age });
}
