// The trend over refits as a table (one row per day's last model update, newest first): customers at risk
// and value at stake, with the change from the update before and who came in and went out.
import { BlockStack, Card, DataTable, Text } from "@shopify/polaris";
import type { RetentionTrendRow } from "~/data/retention.server";
import { isoDateOf } from "~/loyalty/days";
import { formatDate, formatMoney, formatNumber } from "~/lib/format";
import { useI18n } from "~/i18n/context";

export function TrendTable({ trend, currencyCode }: { trend: RetentionTrendRow[]; currencyCode: string }) {
  const { t, locale } = useI18n();
  const money = (minor: string) => formatMoney(minor, currencyCode, locale);
  const signed = (text: string, negative: boolean, zero: boolean) => (zero ? "±0" : negative ? text : `+${text}`);
  const change = (row: RetentionTrendRow) =>
    row.flaggedChange === null || row.valueAtStakeChangeMinor === null
      ? "—"
      : `${signed(formatNumber(row.flaggedChange, locale), row.flaggedChange < 0, row.flaggedChange === 0)} · ${signed(
          money(row.valueAtStakeChangeMinor),
          row.valueAtStakeChangeMinor.startsWith("-"),
          row.valueAtStakeChangeMinor === "0",
        )}`;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("retention.trend.heading")}
        </Text>
        {trend.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("retention.trend.empty")}
          </Text>
        ) : (
          <>
            <Text as="p" variant="bodySm" tone="subdued">
              {t("retention.trend.caption")}
            </Text>
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "text", "numeric", "numeric", "numeric"]}
              headings={[
                t("retention.trend.date"),
                t("retention.trend.atRisk"),
                t("retention.trend.valueAtStake"),
                t("retention.trend.change"),
                t("retention.trend.newlyAtRisk"),
                t("retention.trend.returned"),
                t("retention.trend.lapsed"),
              ]}
              rows={[...trend].reverse().map((row) => [
                // The as-of day is already a day of the shop's calendar: formatted as a plain date, in UTC.
                formatDate(`${isoDateOf(row.asOfDay)}T12:00:00Z`, locale, "UTC"),
                formatNumber(row.flagged, locale),
                money(row.valueAtStakeMinor),
                change(row),
                formatNumber(row.newlyAtRisk, locale),
                formatNumber(row.returned, locale),
                formatNumber(row.lapsed, locale),
              ])}
            />
          </>
        )}
      </BlockStack>
    </Card>
  );
}
