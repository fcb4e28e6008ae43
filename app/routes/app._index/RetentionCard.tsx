// The dashboard's at-risk card: "N valuable customers slipping, X at stake" after the last model update, with
// a link to the list. Shown once a refit has been checked for customers at risk.
import { BlockStack, Card, InlineStack, Link, Text } from "@shopify/polaris";
import type { RetentionCardFigures } from "~/data/retention.server";
import { formatMoney } from "~/lib/format";
import { useAppHref } from "~/components/app-links";
import { useI18n } from "~/i18n/context";

export function RetentionCard({ figures, currencyCode }: { figures: RetentionCardFigures; currencyCode: string }) {
  const { t, locale } = useI18n();
  const href = useAppHref();
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {t("retention.card.heading")}
          </Text>
          <Link url={href("/app/retention")}>{t("retention.card.link")}</Link>
        </InlineStack>
        <Text as="p" variant="headingLg">
          <span data-testid="retention-card">
            {figures.atRisk === 0
              ? t("retention.card.none")
              : t("retention.card.body", { count: figures.atRisk, value: formatMoney(figures.valueAtStakeMinor, currencyCode, locale) })}
          </span>
        </Text>
      </BlockStack>
    </Card>
  );
}
