// The accuracy page's two charts: predicted against actual orders per week of the latest test, and predicted
// against observed chance of ordering again by group. polaris-viz measures its container, so the charts render
// in the browser only; the server-rendered page (and a browser without JavaScript) shows the same figures as a
// table, and in the browser the table stays one click away ("Show the figures as a table") for screen readers.
import { BarChart, LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { BlockStack, DataTable, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import { ClientOnly } from "~/components/ClientOnly";
import type { CalibrationBucketView, TrackingWeekView } from "~/data/model-accuracy.server";
import { formatCalendarDate, formatNumber, formatPercent } from "~/lib/format";
import { useI18n } from "~/i18n/context";
import type { Translate } from "~/i18n/translate";

function ChartWithAxes({ label, x, y, table, children }: { label: string; x: string; y: string; table: ReactNode; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <BlockStack gap="200">
      <Text as="p" variant="bodySm" tone="subdued">
        <span data-testid="axis-y">{y}</span>
      </Text>
      <div style={{ height: 280 }} data-testid="chart" role="img" aria-label={label}>
        <PolarisVizProvider defaultTheme="Light">{children}</PolarisVizProvider>
      </div>
      <div style={{ textAlign: "center" }}>
        <Text as="p" variant="bodySm" tone="subdued">
          <span data-testid="axis-x">{x}</span>
        </Text>
      </div>
      <details>
        <summary>{t("accuracy.tableToggle")}</summary>
        {table}
      </details>
    </BlockStack>
  );
}

function orders(value: number, locale: string): string {
  return formatNumber(value, locale, value < 10 ? 1 : 0);
}

export function TrackingChart({ weeks }: { weeks: TrackingWeekView[] }) {
  const { t, locale } = useI18n();
  const table = (
    <DataTable
      columnContentTypes={["text", "numeric", "numeric", "numeric"]}
      headings={[t("accuracy.tracking.axisX"), t("accuracy.series.predicted"), t("accuracy.series.actual"), t("accuracy.series.baseline")]}
      rows={weeks.map((w) => [
        formatCalendarDate(w.start, locale),
        orders(w.predicted, locale),
        formatNumber(w.actual, locale),
        orders(w.baseline, locale),
      ])}
    />
  );
  const key = (w: TrackingWeekView) => formatCalendarDate(w.start, locale);
  return (
    <div data-testid="tracking">
      <ClientOnly fallback={table}>
        {() => (
          <ChartWithAxes
            label={t("accuracy.tracking.chartLabel")}
            x={t("accuracy.tracking.axisX")}
            y={t("accuracy.tracking.axisY")}
            table={table}
          >
            <LineChart
              theme="Light"
              isAnimated={false}
              data={[
                { name: t("accuracy.series.predicted"), data: weeks.map((w) => ({ key: key(w), value: w.predicted })) },
                { name: t("accuracy.series.actual"), data: weeks.map((w) => ({ key: key(w), value: w.actual })) },
                {
                  name: t("accuracy.series.baseline"),
                  data: weeks.map((w) => ({ key: key(w), value: w.baseline })),
                  isComparison: true,
                },
              ]}
              yAxisOptions={{ labelFormatter: (v) => formatNumber(Number(v), locale) }}
            />
          </ChartWithAxes>
        )}
      </ClientOnly>
    </div>
  );
}

export function bucketRange(b: CalibrationBucketView, locale: string, t: Translate): string {
  return t("accuracy.calibration.range", { from: formatPercent(b.lower, locale), to: formatPercent(b.upper, locale) });
}

export function CalibrationChart({ buckets }: { buckets: CalibrationBucketView[] }) {
  const { t, locale } = useI18n();
  const table = (
    <DataTable
      columnContentTypes={["text", "numeric", "numeric", "numeric"]}
      headings={[
        t("accuracy.calibration.axisX"),
        t("accuracy.calibration.customers"),
        t("accuracy.calibration.predicted"),
        t("accuracy.calibration.observed"),
      ]}
      rows={buckets.map((b) => [
        bucketRange(b, locale, t),
        formatNumber(b.customers, locale),
        formatPercent(b.predicted, locale, 1),
        formatPercent(b.observed, locale, 1),
      ])}
    />
  );
  return (
    <div data-testid="calibration">
      <ClientOnly fallback={table}>
        {() => (
          <ChartWithAxes
            label={t("accuracy.calibration.chartLabel")}
            x={t("accuracy.calibration.axisX")}
            y={t("accuracy.calibration.axisY")}
            table={table}
          >
            <BarChart
              theme="Light"
              isAnimated={false}
              data={[
                {
                  name: t("accuracy.calibration.predicted"),
                  data: buckets.map((b) => ({ key: bucketRange(b, locale, t), value: b.predicted })),
                },
                {
                  name: t("accuracy.calibration.observed"),
                  data: buckets.map((b) => ({ key: bucketRange(b, locale, t), value: b.observed })),
                },
              ]}
              yAxisOptions={{ labelFormatter: (v) => formatPercent(Number(v), locale) }}
            />
          </ChartWithAxes>
        )}
      </ClientOnly>
    </div>
  );
}
