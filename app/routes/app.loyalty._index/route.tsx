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
import { LoyaltyTabs, money, points } from "./loyalty-ui";

export const meta: MetaFunction = () => [{ title: "Loyalty" }];

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
  const { locale } = useI18n();
  const href = useAppHref();
  if (!o.program) {
    return (
      <AppPage title="Loyalty">
        <LoyaltyTabs />
        <Card>
          <EmptyState
            heading="Reward your valuable customers"
            action={{ content: "Set up the program", url: href("/app/loyalty/settings") }}
            image={EMPTY_STATE_IMAGE}
          >
            <p>Points on every order, tiers on spend, orders, points or predicted value, rewards and referrals, written to Shopify.</p>
          </EmptyState>
        </Card>
      </AppPage>
    );
  }
  const currency = o.program.currencyCode;
  const run = o.evaluation;
  return (
    <AppPage
      title="Loyalty"
      titleMetadata={o.program.enabled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
      primaryAction={{ content: "Edit tiers", url: href("/app/loyalty/tiers") }}
    >
      <Layout>
        <Layout.Section>
          <LoyaltyTabs />
        </Layout.Section>
        {run && run.status === "running" ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="p">Re-evaluating every customer…</Text>
                <ProgressBar progress={run.total > 0 ? Math.round((100 * run.done) / run.total) : 0} size="small" />
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
            <Figure label="Members" value={formatNumber(o.members, locale)} testId="loyalty-members" />
            <Figure
              label="Points outstanding"
              value={points(o.pointsOutstanding, locale)}
              help={
                o.liabilityMinor === null
                  ? "No amount-off reward gives points a value yet"
                  : `Liability ${money(o.liabilityMinor, currency, locale)}`
              }
              testId="loyalty-outstanding"
            />
            <Figure
              label="Redemptions"
              value={formatNumber(o.redemptions.deducted, locale)}
              help={`${points(o.redemptions.pointsRedeemedThisMonth, locale)} redeemed this month${o.redemptions.failed ? ` · ${o.redemptions.failed} failed` : ""}`}
              testId="loyalty-redemptions"
            />
            <Figure
              label="Tier moves this month"
              value={`↑ ${formatNumber(o.tierMovesThisMonth.up, locale)} · ↓ ${formatNumber(o.tierMovesThisMonth.down, locale)}`}
              help={
                o.waitingForShopify > 0
                  ? `${formatNumber(o.waitingForShopify, locale)} members waiting to be written to Shopify`
                  : undefined
              }
              testId="loyalty-moves"
            />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Members per tier
              </Text>
              <DataTable
                columnContentTypes={["text", "numeric", "numeric"]}
                headings={["Tier", "Members", "Points outstanding"]}
                rows={o.tiers.map((t) => [t.name ?? "No tier", formatNumber(t.members, locale), points(t.pointsOutstanding, locale)])}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
        {o.costValue.length > 0 ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Cost against value
                </Text>
                <Text as="p" tone="subdued">
                  What each tier has cost so far (rewards redeemed, points still owed) beside what its members have spent and are predicted
                  to spend in the next 12 months.
                </Text>
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                  headings={[
                    "Tier",
                    "Members",
                    "Historic value",
                    "Predicted 12 months",
                    "Rewards used",
                    "Points liability",
                    "Cost / predicted",
                  ]}
                  rows={o.costValue.map((row) => [
                    row.name ?? "No tier",
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
