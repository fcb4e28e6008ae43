// The holdout comparison in words and figures: incremental revenue per exposed customer with its 95 %
// interval, each arm's size, and "too early to tell" when the sample rule is not met.
import { Badge, BlockStack, Card, DataTable, InlineStack, Text } from "@shopify/polaris";
import { formatDate, formatMoney, formatNumber, formatPercent } from "~/lib/format";
import { useI18n } from "~/i18n/context";
import type { ExperimentView, ReportView } from "~/data/offers-page.server";
import { reportSentences } from "./report-text";

const TONE: Record<ReportView["verdict"], "success" | "critical" | "attention" | undefined> = {
  positive: "success",
  negative: "critical",
  inconclusive: "attention",
  too_small: undefined,
};

export function ExperimentResults({
  of,
  experiment,
  report,
  currencyCode,
  timeZone,
}: {
  /** The whole program (overview) or one offer (editor): says which title and description. */
  of: "program" | "offer";
  experiment: ExperimentView | null;
  report: ReportView | null;
  currencyCode: string;
  timeZone: string;
}) {
  const { t, locale } = useI18n();
  const money = (minor: number) => formatMoney(Math.round(minor), currencyCode, locale);
  const title = (
    <Text as="h2" variant="headingMd">
      {t(`offers.results.${of}.title`)}
    </Text>
  );
  if (experiment === null || report === null) {
    return (
      <Card>
        <BlockStack gap="200">
          {title}
          <Text as="p" tone="subdued">
            {t("offers.results.notRunning")}
          </Text>
        </BlockStack>
      </Card>
    );
  }
  const n = (value: number) => formatNumber(value, locale);
  const rows = [
    [t("offers.results.customers"), n(report.treatment.customers), n(report.holdout.customers)],
    [t("offers.results.buyers"), n(report.treatment.buyers), n(report.holdout.buyers)],
    [t("offers.results.revenuePerCustomer"), money(report.treatment.revenuePerCustomer), money(report.holdout.revenuePerCustomer)],
  ];
  const period = {
    key: experiment.key,
    share: formatPercent(experiment.holdoutShare, locale, 1),
    start: formatDate(experiment.startedAt, locale, timeZone),
  };
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          {title}
          <Badge tone={TONE[report.verdict]}>{t(`offers.results.verdict.${report.verdict}`)}</Badge>
        </InlineStack>
        <Text as="p" tone="subdued">
          {t(`offers.results.${of}.description`)}{" "}
          {experiment.running
            ? t("offers.results.running", period)
            : t("offers.results.ended", { ...period, end: formatDate(experiment.endedAt ?? experiment.startedAt, locale, timeZone) })}
        </Text>
        {report.incremental ? (
          <BlockStack gap="100">
            <Text as="p" variant="headingLg" tone={report.sufficient ? undefined : "subdued"}>
              <span data-testid="incremental-estimate">{money(report.incremental.estimate)}</span> {t("offers.results.perCustomer")}
            </Text>
            <Text as="p" tone="subdued">
              {t("offers.results.interval")}{" "}
              <span data-testid="incremental-interval">
                {t("offers.results.range", { low: money(report.incremental.low), high: money(report.incremental.high) })}
              </span>
            </Text>
          </BlockStack>
        ) : null}
        {reportSentences(t, locale, report.summaryMessages).map((sentence) => (
          <Text as="p" key={sentence}>
            {sentence}
          </Text>
        ))}
        <DataTable
          columnContentTypes={["text", "numeric", "numeric"]}
          headings={["", t("offers.results.shown"), t("offers.results.heldOut")]}
          rows={rows}
        />
      </BlockStack>
    </Card>
  );
}
