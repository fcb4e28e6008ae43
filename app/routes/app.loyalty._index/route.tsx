// Loyalty overview: members per tier, points outstanding and their liability in the shop currency,
// redemptions, tier moves this month, and each tier's cost against the value its members hold.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, EmptyState, InlineGrid, Layout, ProgressBar, Text } from "@shopify/polaris";
import { authenticatePage } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { loyaltyOverview } from "~/data/loyalty-overview.server";
import { formatNumber, formatPercent, localeOfRequest } from "~/lib/format";
import { AppPage } from "~/components/AppPage";
import { useAppHref } from "~/components/app-links";
import { RouteError } from "~/components/RouteError";
import { EMPTY_STATE_IMAGE } from "~/components/empty-state-image";
import { useI18n } from "~/i18n/context";
import { documentTitle } from "~/i18n/meta";
import { LoyaltyTabs, money, points } from "./loyalty-ui";

export const meta: MetaFunction<typeof loader> = ({ data }) => documentTitle(data?.locale, "loyalty.overview.title");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const overview = await loyaltyOverview(await db(), session.shop);
  return { ...overview, locale: localeOfRequest(request) };
};

function Figure({ label, value, help, testId }: { label: string; value: string; help?: string; testId: string }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingXl">
          <span data-testid={testId}>{value}</span>
        </Text>
        {help ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {help}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

export default function LoyaltyOverviewPage() {
  const o = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const href = useAppHref();
  if (!o.program) {
    return (
      <AppPage title={t("loyalty.overview.title")}>
        <LoyaltyTabs />
        <Card>
          <EmptyState
            heading={t("loyalty.overview.emptyHeading")}
            action={{ content: t("loyalty.overview.setUp"), url: href("/app/loyalty/settings") }}
            image={EMPTY_STATE_IMAGE}
          >
            <p>{t("loyalty.overview.emptyBody")}</p>
          </EmptyState>
        </Card>
      </AppPage>
    );
  }
  const currency = o.program.currencyCode;
  const run = o.evaluation;
  return (
    <AppPage
      title={t("loyalty.overview.title")}
      titleMetadata={
        o.program.enabled ? <Badge tone="success">{t("loyalty.overview.on")}</Badge> : <Badge>{t("loyalty.overview.off")}</Badge>
      }
      primaryAction={{ content: t("loyalty.overview.editTiers"), url: href("/app/loyalty/tiers") }}
    >
      <Layout>
        <Layout.Section>
          <LoyaltyTabs />
        </Layout.Section>
        {run && run.status === "running" ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="p">{t("loyalty.overview.reevaluating")}</Text>
                <ProgressBar progress={run.total > 0 ? Math.round((100 * run.done) / run.total) : 0} size="small" />
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
            <Figure label={t("loyalty.overview.members")} value={formatNumber(o.members, locale)} testId="loyalty-members" />
            <Figure
              label={t("loyalty.overview.outstanding")}
              value={points(t, o.pointsOutstanding)}
              help={
                o.liabilityMinor === null
                  ? t("loyalty.overview.noLiability")
                  : t("loyalty.overview.liability", { amount: money(o.liabilityMinor, currency, locale) })
              }
              testId="loyalty-outstanding"
            />
            <Figure
              label={t("loyalty.overview.redemptions")}
              value={formatNumber(o.redemptions.deducted, locale)}
              help={[
                t("loyalty.overview.redeemedThisMonth", { points: points(t, o.redemptions.pointsRedeemedThisMonth) }),
                ...(o.redemptions.failed ? [t("loyalty.overview.failed", { count: o.redemptions.failed })] : []),
              ].join(" · ")}
              testId="loyalty-redemptions"
            />
            <Figure
              label={t("loyalty.overview.moves")}
              value={`↑ ${formatNumber(o.tierMovesThisMonth.up, locale)} · ↓ ${formatNumber(o.tierMovesThisMonth.down, locale)}`}
              help={o.waitingForShopify > 0 ? t("loyalty.overview.waiting", { count: o.waitingForShopify }) : undefined}
              testId="loyalty-moves"
            />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("loyalty.overview.perTier")}
              </Text>
              <DataTable
                columnContentTypes={["text", "numeric", "numeric"]}
                headings={[t("loyalty.common.tier"), t("loyalty.overview.members"), t("loyalty.overview.outstanding")]}
                rows={o.tiers.map((tier) => [
                  tier.name ?? t("loyalty.common.noTier"),
                  formatNumber(tier.members, locale),
                  points(t, tier.pointsOutstanding),
                ])}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
        {o.costValue.length > 0 ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("loyalty.overview.costValue")}
                </Text>
                <Text as="p" tone="subdued">
                  {t("loyalty.overview.costValueBody")}
                </Text>
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                  headings={[
                    t("loyalty.common.tier"),
                    t("loyalty.overview.members"),
                    t("loyalty.overview.historic"),
                    t("loyalty.overview.predicted"),
                    t("loyalty.overview.rewardsUsed"),
                    t("loyalty.overview.pointsLiability"),
                    t("loyalty.overview.costShare"),
                  ]}
                  rows={o.costValue.map((row) => [
                    row.name ?? t("loyalty.common.noTier"),
                    formatNumber(row.members, locale),
                    money(row.historicValueMinor, currency, locale),
                    money(row.predictedValueMinor, currency, locale),
                    money(row.rewardDiscountsMinor, currency, locale),
                    row.pointsLiabilityMinor === null ? "—" : money(row.pointsLiabilityMinor, currency, locale),
                    formatPercent(row.costShareOfPredicted, locale, 1),
                  ])}
                />
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
      </Layout>
    </AppPage>
  );
}

export function ErrorBoundary() {
  return <RouteError title="app.name" />;
}
