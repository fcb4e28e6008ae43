// One line under the sync summary: how good the model is, in plain words, with a link to the accuracy page.
import { InlineStack, Link, Text } from "@shopify/polaris";
import type { AccuracySummary } from "~/data/model-accuracy.server";
import { useAppHref } from "~/components/app-links";
import { formatPercent } from "~/lib/format";
import { useI18n } from "~/i18n/context";
import type { Text as Message } from "~/i18n/translate";

function lineOf(s: AccuracySummary, locale: string): Message | null {
  if (s.status === "fitted" && s.modelLabel) {
    if (s.improvement === null || s.coverage === null) return { key: "accuracy.sync.untested", params: { model: s.modelLabel } };
    if (s.improvement <= 0) return { key: "accuracy.sync.fittedWorse", params: { model: s.modelLabel } };
    return {
      key: "accuracy.sync.fitted",
      params: { model: s.modelLabel, percent: formatPercent(s.improvement, locale), coverage: formatPercent(s.coverage, locale) },
    };
  }
  if (s.status === "insufficient_data") {
    return s.moreRepeatCustomers
      ? { key: "accuracy.sync.insufficient", params: { count: s.moreRepeatCustomers } }
      : { key: "accuracy.sync.insufficientOther" };
  }
  return null;
}

export function ModelAccuracyLine({ summary }: { summary: AccuracySummary | null }) {
  const { t, locale } = useI18n();
  const href = useAppHref();
  const line = summary ? lineOf(summary, locale) : null;
  if (!line) return null;
  return (
    <div data-testid="model-accuracy-line">
      <InlineStack gap="200" blockAlign="center">
        <Text as="p">{t(line.key, line.params)}</Text>
        <Link url={href("/app/model")}>{t("accuracy.sync.link")}</Link>
      </InlineStack>
    </div>
  );
}
