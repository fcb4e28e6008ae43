// Mined suggestions (trigger → offered product) with the statistics behind them, best value score first,
// and the merchant's verdict: accept (the product joins the trigger's offer), reject, or undo a rejection.
import { useFetcher } from "@remix-run/react";
import { Badge, BlockStack, Button, ButtonGroup, Card, DataTable, InlineStack, Pagination, Text } from "@shopify/polaris";
import { useAppHref } from "~/components/app-links";
import { formatDateTime, formatMoney, formatNumber, formatPercent } from "~/lib/format";
import { useI18n } from "~/i18n/context";
import type { MessageKey } from "~/i18n/translate";
import type { SuggestionPage, SuggestionRow, Verdict } from "~/data/offers.server";
import type { ProductSummary } from "~/data/products.server";
import type { OffersActionResult } from "../app.offers/actions.server";
import { noteOf, noteText, productTitle } from "../app.offers/offers-ui";

const TABS: { verdict: Verdict; label: MessageKey }[] = [
  { verdict: "new", label: "offers.suggestions.tab.new" },
  { verdict: "accepted", label: "offers.suggestions.tab.accepted" },
  { verdict: "rejected", label: "offers.suggestions.tab.rejected" },
];

function ProductName({ product, id }: { product: ProductSummary | null; id: string }) {
  const { t } = useI18n();
  const title = productTitle(t, product?.title, id);
  const note = product ? noteOf(product) : "deleted";
  if (note === null) return <Text as="span">{title}</Text>;
  return (
    <Text as="span" tone={note === "deleted" ? "subdued" : undefined}>
      {t("offers.product.withNote", { title, note: noteText(t, note) })}
    </Text>
  );
}

/**
 * One fetcher for every row's verdict, read by the page too: an accepted row moves to another tab, and the
 * page must still say what its answer was. Forms, so that the verdict posts even before the scripts load.
 */
export const VERDICT_FETCHER = "offers-verdict";

function VerdictForm({ row, intent, primary, children }: { row: SuggestionRow; intent: string; primary?: boolean; children: string }) {
  const fetcher = useFetcher<OffersActionResult>({ key: VERDICT_FETCHER });
  const pending = fetcher.state !== "idle" ? fetcher.formData : undefined;
  const busy = pending?.get("productId") === row.productId && pending.get("offeredProductId") === row.offeredProductId;
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="productId" value={row.productId} />
      <input type="hidden" name="offeredProductId" value={row.offeredProductId} />
      <Button submit size="slim" variant={primary ? "primary" : undefined} loading={busy}>
        {children}
      </Button>
    </fetcher.Form>
  );
}

function Verdicts({ row }: { row: SuggestionRow }) {
  const { t } = useI18n();
  if (row.verdict === "rejected") {
    return (
      <VerdictForm row={row} intent="reset">
        {t("offers.suggestions.undo")}
      </VerdictForm>
    );
  }
  return (
    <ButtonGroup>
      {row.verdict === "new" ? (
        <VerdictForm row={row} intent="accept" primary>
          {t("offers.suggestions.accept")}
        </VerdictForm>
      ) : (
        <Badge tone="success">{t("offers.suggestions.accepted")}</Badge>
      )}
      <VerdictForm row={row} intent="reject">
        {t("offers.suggestions.reject")}
      </VerdictForm>
    </ButtonGroup>
  );
}

export function SuggestionsTable({
  suggestions,
  verdict,
  currencyCode,
  timeZone,
}: {
  suggestions: SuggestionPage;
  verdict: Verdict;
  currencyCode: string;
  timeZone: string;
}) {
  const { t, locale } = useI18n();
  const href = useAppHref();
  const rows = suggestions.rows.map((row) => [
    <BlockStack gap="050" key={`${row.productId}-${row.offeredProductId}`}>
      <ProductName product={row.product} id={row.productId} />
      <Text as="span" tone="subdued" variant="bodySm">
        → <ProductName product={row.offeredProduct} id={row.offeredProductId} />
      </Text>
    </BlockStack>,
    formatPercent(row.support, locale, 2),
    formatPercent(row.confidence, locale, 1),
    `${formatNumber(row.lift, locale, 2)} (${formatNumber(row.shrunkLift, locale, 2)})`,
    formatNumber(row.orders, locale),
    row.buyersMeanClvMinor === null ? "—" : formatMoney(row.buyersMeanClvMinor, currencyCode, locale),
    formatNumber(row.valueScore, locale, 3),
    <Verdicts row={row} key={`${row.productId}-${row.offeredProductId}-verdict`} />,
  ]);
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {t("offers.suggestions.heading")}
          </Text>
          <ButtonGroup variant="segmented">
            {TABS.map((tab) => (
              <Button key={tab.verdict} pressed={tab.verdict === verdict} url={href("/app/offers", { verdict: tab.verdict, page: null })}>
                {t(tab.label, { count: suggestions.counts[tab.verdict] })}
              </Button>
            ))}
          </ButtonGroup>
        </InlineStack>
        {suggestions.lastMinedAt ? (
          <Text as="p" tone="subdued" variant="bodySm">
            {t("offers.suggestions.lastMined", { date: formatDateTime(suggestions.lastMinedAt, locale, timeZone) })}
          </Text>
        ) : null}
        {rows.length === 0 ? (
          <Text as="p" tone="subdued">
            {t(verdict === "new" ? "offers.suggestions.noneNew" : "offers.suggestions.none")}
          </Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric", "text"]}
            headings={[
              t("offers.suggestions.pair"),
              t("offers.suggestions.support"),
              t("offers.suggestions.confidence"),
              t("offers.suggestions.lift"),
              t("offers.suggestions.orders"),
              t("offers.suggestions.buyersClv"),
              t("offers.suggestions.valueScore"),
              "",
            ]}
            rows={rows}
          />
        )}
        {suggestions.pages > 1 ? (
          <InlineStack align="center">
            <Pagination
              hasPrevious={suggestions.page > 1}
              previousURL={href("/app/offers", { verdict, page: String(suggestions.page - 1) })}
              hasNext={suggestions.page < suggestions.pages}
              nextURL={href("/app/offers", { verdict, page: String(suggestions.page + 1) })}
              label={t("offers.suggestions.page", { page: suggestions.page, pages: suggestions.pages })}
            />
          </InlineStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}
