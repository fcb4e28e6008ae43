// One experiment's report in the admin's language: the two arms side by side, then the difference in revenue
// per customer with its 95 % interval, the cost given, the 12-month return, and "too early to tell" in plain
// words while the sample is below the rule.
import { BlockStack, Card, DataTable, Text } from "@shopify/polaris";
import type { ArmSummary, ExperimentReport } from "~/experiments";
import { formatMoney, formatNumber } from "~/lib/format";
import { useI18n } from "~/i18n/context";

export function ExperimentReportCard({
  experimentKey,
  report,
  sampleRule,
  currencyCode,
}: {
  experimentKey: string;
  report: ExperimentReport;
  sampleRule: { minCustomersPerArm: number; minBuyersPerArm: number };
  currencyCode: string;
}) {
  const { t, locale } = useI18n();
  const money = (minor: number) => formatMoney(Math.round(minor), currencyCode, locale);
  const n = (value: number) => formatNumber(value, locale);
  const arm = (summary: ArmSummary) => [
    t(summary.arm === "treatment" ? "retention.experiments.arm.treatment" : "retention.experiments.arm.holdout"),
    n(summary.customers),
    n(summary.buyers),
    money(summary.revenuePerCustomer),
    money(summary.costPerCustomer),
    summary.predictedValuePerCustomer === null ? "—" : money(summary.predictedValuePerCustomer),
  ];
  const revenue = report.incrementalRevenuePerCustomer;
  const twelve = report.twelveMonth.netPerCustomer;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("retention.experiments.reportHeading", { key: experimentKey })}
        </Text>
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
          headings={[
            t("retention.experiments.arm"),
            t("retention.experiments.armCustomers"),
            t("retention.experiments.armBuyers"),
            t("retention.experiments.revenuePerCustomer"),
            t("retention.experiments.costPerCustomer"),
            t("retention.experiments.predictedPerCustomer"),
          ]}
          rows={[arm(report.treatment), arm(report.holdout)]}
        />
        {!report.sample.sufficient ? (
          <Text as="p" fontWeight="semibold" data-testid="sample-too-small">
            {t("retention.experiments.tooSmall", {
              minCustomers: sampleRule.minCustomersPerArm,
              minBuyers: sampleRule.minBuyersPerArm,
              treatment: report.treatment.customers,
              holdout: report.holdout.customers,
              treatmentBuyers: report.treatment.buyers,
              holdoutBuyers: report.holdout.buyers,
            })}
          </Text>
        ) : null}
        {revenue ? (
          <BlockStack gap="100">
            <Text as="p">
              {t("retention.experiments.difference", {
                estimate: money(revenue.estimate),
                low: money(revenue.low),
                high: money(revenue.high),
              })}
            </Text>
            {report.sample.sufficient ? (
              <Text as="p" tone="subdued">
                {t(`retention.experiments.verdict.${report.verdict.revenue}`)}
              </Text>
            ) : null}
          </BlockStack>
        ) : null}
        <Text as="p">
          {t("retention.experiments.cost", {
            cost: money(report.treatment.costMinor + report.holdout.costMinor),
            perCustomer: money(report.twelveMonth.costPerCustomer),
          })}
        </Text>
        {twelve ? (
          <BlockStack gap="100">
            <Text as="p">
              {t("retention.experiments.twelveMonth", {
                estimate: money(twelve.estimate),
                low: money(twelve.low),
                high: money(twelve.high),
              })}
            </Text>
            {report.sample.sufficient ? (
              <Text as="p" tone="subdued">
                {t(`retention.experiments.twelveMonthVerdict.${report.verdict.twelveMonth}`)}
              </Text>
            ) : null}
          </BlockStack>
        ) : (
          <Text as="p" tone="subdued">
            {t("retention.experiments.twelveMonthNone")}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
