// The holdout comparison in words and figures: incremental revenue per exposed customer with its 95 %
// interval, each arm's size, and "too early to tell" when the sample rule is not met.
import { Badge, BlockStack, Card, DataTable, InlineStack, Text } from "@shopify/polaris";
import { formatMoney, formatNumber, formatPercent } from "~/lib/format";
import type { ExperimentView, ReportView } from "~/data/offers-page.server";

const VERDICT: Record<ReportView["verdict"], { label: string; tone: "success" | "critical" | "attention" | undefined }> = {
  positive: { label: "Adds revenue", tone: "success" },
  negative: { label: "Loses revenue", tone: "critical" },
  inconclusive: { label: "No clear difference yet", tone: "attention" },
  too_small: { label: "Too early to tell", tone: undefined },
};

export function ExperimentResults({
  title,
  description,
  experiment,
  report,
  currencyCode,
  locale,
}: {
  title: string;
  description: string;
  experiment: ExperimentView | null;
  report: ReportView | null;
  currencyCode: string;
  locale: string;
}) {
  const money = (minor: number) => formatMoney(Math.round(minor), currencyCode, locale);
  if (experiment === null || report === null) {
    return (
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            {title}
          </Text>
          <Text as="p" tone="subdued">
            Turn the offers on to start measuring: a share of logged-in customers is held out and sees no offer, and the difference in
            revenue per customer is what the offers add.
          </Text>
        </BlockStack>
      </Card>
    );
  }
  const verdict = VERDICT[report.verdict];
  const rows = [
    ["Customers", formatNumber(report.treatment.customers, locale), formatNumber(report.holdout.customers, locale)],
    ["Customers who bought", formatNumber(report.treatment.buyers, locale), formatNumber(report.holdout.buyers, locale)],
    ["Revenue per customer", money(report.treatment.revenuePerCustomer), money(report.holdout.revenuePerCustomer)],
  ];
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {title}
          </Text>
          <Badge tone={verdict.tone}>{verdict.label}</Badge>
        </InlineStack>
        <Text as="p" tone="subdued">
          {description} Experiment {experiment.key}, {formatPercent(experiment.holdoutShare, locale, 1)} held out, since{" "}
          {new Date(experiment.startedAt).toLocaleDateString(locale)}
          {experiment.running ? "" : ` until ${new Date(experiment.endedAt ?? experiment.startedAt).toLocaleDateString(locale)}`}.
        </Text>
        {report.incremental ? (
          <BlockStack gap="100">
            <Text as="p" variant="headingLg" tone={report.sufficient ? undefined : "subdued"}>
              <span data-testid="incremental-estimate">{money(report.incremental.estimate)}</span> per customer
            </Text>
            <Text as="p" tone="subdued">
              95 % interval{" "}
              <span data-testid="incremental-interval">
                {money(report.incremental.low)} to {money(report.incremental.high)}
              </span>
            </Text>
          </BlockStack>
        ) : null}
        {report.summary.map((sentence) => (
          <Text as="p" key={sentence}>
            {sentence}
          </Text>
        ))}
        <DataTable columnContentTypes={["text", "numeric", "numeric"]} headings={["", "Shown offers", "Held out"]} rows={rows} />
      </BlockStack>
    </Card>
  );
}
