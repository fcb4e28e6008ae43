// The top of the accuracy page: which model makes the predictions and why, in plain words; or, for a shop
// whose data cannot support predictions, why not and what the shop needs. The model's own sentence (English,
// from app/clv) follows under "In detail" for whoever wants the numbers behind the choice.
import { Banner, BlockStack, Card, Text } from "@shopify/polaris";
import type { ModelAccuracy } from "~/data/model-accuracy.server";
import { useI18n } from "~/i18n/context";
import type { Text as Message } from "~/i18n/translate";

function needsMessage(a: ModelAccuracy): Message {
  if (a.shortfall?.moreCustomers) return { key: "accuracy.needs.customers", params: { count: a.shortfall.moreCustomers } };
  if (a.shortfall?.moreRepeatCustomers) return { key: "accuracy.needs.repeat", params: { count: a.shortfall.moreRepeatCustomers } };
  if (a.needs) return { key: "accuracy.needs.other", params: { needs: a.needs } };
  return { key: "accuracy.needs.history" };
}

function whyMessage(a: ModelAccuracy): Message {
  const model = a.modelLabel ?? "";
  if (a.choice?.status === "chosen") {
    return { key: "accuracy.why.chosen", params: { model, days: a.choice.holdoutDays, tests: a.choice.scoredCutoffs } };
  }
  if (a.choice?.status === "fixed") return { key: "accuracy.why.fixed", params: { model } };
  return { key: "accuracy.why.notRun", params: { model } };
}

export function Verdict({ accuracy: a }: { accuracy: ModelAccuracy }) {
  const { t } = useI18n();
  const detail = a.choice?.reason ?? null;

  if (a.status === "fitted" && a.model) {
    const why = whyMessage(a);
    return (
      <Card>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            {t("accuracy.why.heading")}
          </Text>
          <Text as="p">
            <span data-testid="accuracy-why" data-model={a.model}>
              {t(why.key, why.params)}
            </span>
          </Text>
          {detail ? <Detail text={detail} /> : null}
        </BlockStack>
      </Card>
    );
  }

  if (a.status === "insufficient_data") {
    const needs = needsMessage(a);
    return (
      <Banner tone="warning" title={t("accuracy.insufficient.heading")}>
        <BlockStack gap="200">
          <p data-testid="accuracy-reason">{t("accuracy.insufficient.reason", { reason: a.reason ?? "" })}</p>
          <p data-testid="accuracy-needs">{t(needs.key, needs.params)}</p>
          {a.shownModelLabel && a.choice?.status === "baseline_not_beaten" ? (
            <p>{t("accuracy.insufficient.tested", { model: a.shownModelLabel })}</p>
          ) : null}
        </BlockStack>
      </Banner>
    );
  }

  return (
    <Banner tone="critical">
      <p data-testid="accuracy-reason">{a.reason ? `${t("accuracy.failed")} (${a.reason})` : t("accuracy.failed")}</p>
    </Banner>
  );
}

function Detail({ text }: { text: string }) {
  const { t } = useI18n();
  return (
    <details>
      <summary>{t("accuracy.why.detail")}</summary>
      <Text as="p" variant="bodySm" tone="subdued">
        <span data-testid="accuracy-detail">{text}</span>
      </Text>
    </details>
  );
}
