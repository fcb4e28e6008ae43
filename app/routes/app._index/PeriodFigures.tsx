// The figures of the chosen date range, each with the comparison period's value and the change.
import { BlockStack, InlineGrid, Text } from "@shopify/polaris";
import type { PeriodFigures } from "~/data/dashboard.server";
import { formatCalendarDate, formatChange, formatMoney, formatNumber } from "~/lib/format";
import { useI18n } from "~/i18n/context";
import { Metric } from "./Metric";

export function PeriodFiguresSection({
  period,
  currencyCode,
}: {
  period: { current: PeriodFigures; previous: PeriodFigures | null };
  currencyCode: string;
}) {
  const { t, locale } = useI18n();
  const { current, previous } = period;
  const money = (minor: string) => formatMoney(minor, currencyCode, locale);
  const range = (p: PeriodFigures) =>
    t("period.dates", { from: formatCalendarDate(p.range.from, locale), to: formatCalendarDate(p.range.to, locale) });
  const compare = (now: number, before: number, shown: string) => {
    const change = formatChange(now, before, locale);
    const text = change === null ? t("period.vs", { value: shown }) : t("period.vsChange", { value: shown, change });
    return { text, tone: now > before ? ("success" as const) : now < before ? ("critical" as const) : ("subdued" as const) };
  };
  const figures = [
    {
      testId: "period-orders",
      label: t("period.orders"),
      value: formatNumber(current.orders, locale),
      comparison: previous ? compare(current.orders, previous.orders, formatNumber(previous.orders, locale)) : null,
    },
    {
      testId: "period-net-revenue",
      label: t("period.netRevenue"),
      value: money(current.netRevenueMinor),
      comparison: previous
        ? compare(Number(current.netRevenueMinor), Number(previous.netRevenueMinor), money(previous.netRevenueMinor))
        : null,
    },
    {
      testId: "period-customers",
      label: t("period.customers"),
      value: formatNumber(current.orderingCustomers, locale),
      comparison: previous
        ? compare(current.orderingCustomers, previous.orderingCustomers, formatNumber(previous.orderingCustomers, locale))
        : null,
    },
    {
      testId: "period-new-customers",
      label: t("period.newCustomers"),
      value: formatNumber(current.newCustomers, locale),
      comparison: previous ? compare(current.newCustomers, previous.newCustomers, formatNumber(previous.newCustomers, locale)) : null,
    },
  ];
  return (
    <BlockStack gap="300">
      <Text as="p" variant="bodySm" tone="subdued">
        <span data-testid="period-dates">{range(current)}</span>
        {previous ? ` · ${t("period.comparedWith", { dates: range(previous) })}` : ""}
      </Text>
      <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
        {figures.map((f) => (
          <Metric key={f.testId} testId={f.testId} label={f.label} value={f.value} comparison={f.comparison} />
        ))}
      </InlineGrid>
      <Text as="p" variant="bodySm" tone="subdued">
        {t("period.help")}
      </Text>
    </BlockStack>
  );
}
