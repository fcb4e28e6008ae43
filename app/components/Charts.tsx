// The dashboard's charts. polaris-viz measures its container, so the charts render in the browser only;
// the server-rendered HTML (and any browser without JavaScript) gets the same figures as a table.
import { BarChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { DataTable } from "@shopify/polaris";
import { formatMoneyCompact, formatNumber } from "~/lib/format";
import { ClientOnly } from "./ClientOnly";

export interface HistogramBucketView {
  fromMinor: string;
  toMinor: string | null;
  customers: number;
}

export function bucketLabel(b: HistogramBucketView, currency: string, locale: string): string {
  const from = formatMoneyCompact(b.fromMinor, currency, locale);
  return b.toMinor === null ? `${from}+` : `${from}–${formatMoneyCompact(b.toMinor, currency, locale)}`;
}

function ChartFrame({ height = 280, children }: { height?: number; children: React.ReactNode }) {
  return (
    <div style={{ height }} data-testid="chart">
      <PolarisVizProvider defaultTheme="Light">{children}</PolarisVizProvider>
    </div>
  );
}

/** Short axis label: the bucket's lower bound ("$900", "$1K+"); the tooltip shows the whole range. */
function axisLabel(b: HistogramBucketView, currency: string, locale: string): string {
  const from = new Intl.NumberFormat(locale, { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 }).format(
    Number(b.fromMinor) / 10 ** (new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2),
  );
  return b.toMinor === null ? `${from}+` : from;
}

export function ClvHistogram({ buckets, currency, locale }: { buckets: HistogramBucketView[]; currency: string; locale: string }) {
  const rows = buckets.map((b) => ({
    label: bucketLabel(b, currency, locale),
    short: axisLabel(b, currency, locale),
    customers: b.customers,
  }));
  const shortLabel = new Map(rows.map((r) => [r.label, r.short]));
  const table = (
    <DataTable
      columnContentTypes={["text", "numeric"]}
      headings={["Historic net revenue", "Customers"]}
      rows={rows.map((r) => [r.label, formatNumber(r.customers, locale)])}
    />
  );
  return (
    <ClientOnly fallback={table}>
      {() => (
        <ChartFrame>
          <BarChart
            theme="Light"
            showLegend={false}
            data={[{ name: "Customers", data: rows.map((r) => ({ key: r.label, value: r.customers })) }]}
            xAxisOptions={{ labelFormatter: (v) => shortLabel.get(String(v)) ?? String(v) }}
            yAxisOptions={{ labelFormatter: (v) => formatNumber(Number(v), locale) }}
            isAnimated={false}
          />
        </ChartFrame>
      )}
    </ClientOnly>
  );
}

export interface SegmentView {
  segment: string;
  customers: number;
  netRevenueMinor: string;
  predictedClvMinor: string | null;
}

export function SegmentChart({ segments, locale }: { segments: SegmentView[]; locale: string }) {
  return (
    <ClientOnly fallback={null}>
      {() => (
        <ChartFrame height={Math.max(160, segments.length * 34 + 40)}>
          <BarChart
            theme="Light"
            direction="horizontal"
            showLegend={false}
            data={[{ name: "Customers", data: segments.map((s) => ({ key: s.segment, value: s.customers })) }]}
            xAxisOptions={{ labelFormatter: (v) => formatNumber(Number(v), locale) }}
            isAnimated={false}
          />
        </ChartFrame>
      )}
    </ClientOnly>
  );
}
