// Every model's backtest scores at every cut-off, with the naive baseline, as one table: a row per model and
// test period (a skipped period says why), the chosen model marked.
import { Badge, BlockStack, DataTable, InlineStack, Text } from "@shopify/polaris";
import type { CutoffView, ModelName } from "~/data/model-accuracy.server";
import { formatCalendarDate, formatNumber, formatPercent } from "~/lib/format";
import { useI18n } from "~/i18n/context";

export function ScoresTable({ cutoffs, chosen }: { cutoffs: CutoffView[]; chosen: ModelName | null }) {
  const { t, locale } = useI18n();
  const fixed = (value: number | null, digits: number) => (value === null ? "—" : formatNumber(value, locale, digits));
  const period = (c: CutoffView) => `${formatCalendarDate(c.calibrationEnd, locale)} – ${formatCalendarDate(c.holdoutEnd, locale)}`;
  const rows = cutoffs.flatMap((c) => {
    if (c.status === "skipped") return [[period(c), t("accuracy.scores.skipped", { reason: c.reason ?? "" }), "", "", "", "", ""]];
    return c.scores.map((s) => [
      period(c),
      <InlineStack key={s.name} gap="100" blockAlign="center">
        <Text as="span">{s.name === "baseline" ? t("accuracy.scores.baseline") : s.label}</Text>
        {s.name === chosen ? <Badge tone="success">{t("accuracy.scores.chosen")}</Badge> : null}
      </InlineStack>,
      s.status === "failed" ? t("accuracy.scores.failed") : fixed(s.rmse, 3),
      fixed(s.meanLogScore, 4),
      fixed(s.predictedPurchases, 1),
      fixed(s.actualPurchases, 0),
      s.coverage === null ? "—" : formatPercent(s.coverage, locale, 1),
    ]);
  });
  return (
    <BlockStack gap="200">
      <Text as="p" variant="bodySm" tone="subdued">
        {t("accuracy.scores.help")}
      </Text>
      {rows.length === 0 ? (
        <Text as="p" tone="subdued">
          {t("accuracy.scores.none")}
        </Text>
      ) : (
        <div data-testid="scores-table">
          <DataTable
            columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
            headings={[
              t("accuracy.scores.period"),
              t("accuracy.scores.model"),
              t("accuracy.scores.error"),
              t("accuracy.scores.score"),
              t("accuracy.scores.predicted"),
              t("accuracy.scores.actual"),
              t("accuracy.scores.inRange"),
            ]}
            rows={rows}
          />
        </div>
      )}
    </BlockStack>
  );
}
