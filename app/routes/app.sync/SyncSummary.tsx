// The top of the sync page: one banner that says whether everything is in order, then a line for each of
// the order history, new orders, the predictions, and anything that failed, with what to do.
import { Badge, Banner, BlockStack, Card, InlineStack, Text } from "@shopify/polaris";
import { useI18n } from "~/i18n/context";
import type { AccuracySummary } from "~/data/model-accuracy.server";
import type { Health, Tone } from "./health";
import { ModelAccuracyLine } from "./ModelAccuracyLine";

const BADGE: Record<Tone, "success" | "info" | "warning" | "critical"> = {
  success: "success",
  info: "info",
  warning: "warning",
  critical: "critical",
};
const BADGE_TEXT = {
  success: "health.badge.ok",
  info: "health.badge.info",
  warning: "health.badge.warning",
  critical: "health.badge.critical",
} as const;

export function SyncSummary({ health, accuracy = null }: { health: Health; accuracy?: AccuracySummary | null }) {
  const { t } = useI18n();
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          {t("health.heading")}
        </Text>
        <Banner tone={health.tone}>
          <p data-testid="health-headline">{t(health.headline.key, health.headline.params)}</p>
        </Banner>
        <BlockStack gap="300">
          {health.lines.map((line) => (
            <div key={line.id} data-testid={`health-${line.id}`}>
              <BlockStack gap="100">
                <InlineStack gap="200" blockAlign="center" wrap={false}>
                  <Badge tone={BADGE[line.tone]}>{t(BADGE_TEXT[line.tone])}</Badge>
                  <Text as="h3" variant="headingSm">
                    {t(line.title.key, line.title.params)}
                  </Text>
                </InlineStack>
                {line.detail.map((d) => (
                  <Text as="p" tone="subdued" key={d.key}>
                    {t(d.key, d.params)}
                  </Text>
                ))}
              </BlockStack>
            </div>
          ))}
        </BlockStack>
        <ModelAccuracyLine summary={accuracy} />
      </BlockStack>
    </Card>
  );
}
