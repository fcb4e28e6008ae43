// The at-risk list: one page of customers, highest value at stake first, each with the chance they are still
// active now against the previous model update and the reasons in the admin's language.
import { BlockStack, Card, DataTable, EmptyState, Link, Pagination, Text } from "@shopify/polaris";
import { useNavigate } from "@remix-run/react";
import type { AtRiskPage } from "~/data/retention.server";
import { customerDisplayName, formatDate, formatMoney, formatPercent } from "~/lib/format";
import { useAppHref } from "~/components/app-links";
import { EMPTY_STATE_IMAGE } from "~/components/empty-state-image";
import { useI18n } from "~/i18n/context";
import { reasonsText } from "./reason-text";

export function AtRiskList({
  list,
  detected,
  currencyCode,
  timeZone,
}: {
  list: AtRiskPage;
  detected: boolean;
  currencyCode: string;
  timeZone: string;
}) {
  const { t, locale } = useI18n();
  const href = useAppHref();
  const navigate = useNavigate();
  const money = (minor: string) => formatMoney(minor, currencyCode, locale);
  const percent = (share: number | null) => formatPercent(share, locale);
  const toPage = (page: number) => navigate(href("/app/retention", { page: String(page) }));
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("retention.list.heading")}
        </Text>
        {list.total === 0 ? (
          <EmptyState heading={t(detected ? "retention.list.empty" : "retention.list.noDetection")} image={EMPTY_STATE_IMAGE}>
            <p>{t("retention.list.help")}</p>
          </EmptyState>
        ) : (
          <>
            <Text as="p" data-testid="at-risk-summary">
              {t("retention.list.summary", { count: list.total, value: money(list.valueAtStakeMinor) })}
            </Text>
            <Text as="p" variant="bodySm" tone="subdued">
              {t("retention.list.help")}
            </Text>
            <DataTable
              columnContentTypes={["text", "numeric", "text", "text", "text"]}
              headings={[
                t("retention.columns.customer"),
                t("retention.columns.valueAtStake"),
                t("retention.columns.probabilityAlive"),
                t("retention.columns.reason"),
                t("retention.columns.lastOrder"),
              ]}
              rows={list.rows.map((row) => [
                <Link key={row.customerId} url={href(`/app/customers/${encodeURIComponent(row.customerId)}`)} removeUnderline>
                  {customerDisplayName(row, (id) => t("customer.anonymous", { id }))}
                </Link>,
                money(row.valueAtStakeMinor),
                row.previousProbabilityAlive === null
                  ? percent(row.probabilityAlive)
                  : t("retention.probability.change", {
                      now: percent(row.probabilityAlive),
                      previous: percent(row.previousProbabilityAlive),
                    }),
                reasonsText(row.reasons, t, locale),
                formatDate(row.lastOrderAt, locale, timeZone),
              ])}
            />
            {list.page > 1 || list.hasNext ? (
              <Pagination
                hasPrevious={list.page > 1}
                previousTooltip={t("retention.previousPage")}
                onPrevious={() => toPage(list.page - 1)}
                hasNext={list.hasNext}
                nextTooltip={t("retention.nextPage")}
                onNext={() => toPage(list.page + 1)}
              />
            ) : null}
          </>
        )}
      </BlockStack>
    </Card>
  );
}
