// Mined suggestions (trigger → offered product) with the statistics behind them, best value score first,
// and the merchant's verdict: accept (the product joins the trigger's offer), reject, or undo a rejection.
import { useFetcher } from "@remix-run/react";
import { Badge, BlockStack, Button, ButtonGroup, Card, DataTable, InlineStack, Pagination, Text } from "@shopify/polaris";
import { useAppHref } from "~/components/app-links";
import { formatMoney, formatNumber, formatPercent } from "~/lib/format";
import type { SuggestionPage, SuggestionRow, Verdict } from "~/data/offers.server";
import type { ProductSummary } from "~/data/products.server";

const TABS: { verdict: Verdict; label: string }[] = [
  { verdict: "new", label: "New" },
  { verdict: "accepted", label: "Accepted" },
  { verdict: "rejected", label: "Rejected" },
];

function ProductName({ product, id }: { product: ProductSummary | null; id: string }) {
  const title = product?.title ?? `Product ${id}`;
  if (!product || product.deleted) return <Text as="span" tone="subdued">{`${title} (deleted)`}</Text>;
  if (product.status !== "ACTIVE") return <Text as="span">{`${title} (${product.status.toLowerCase()})`}</Text>;
  if (!product.published) return <Text as="span">{`${title} (unpublished)`}</Text>;
  return <Text as="span">{title}</Text>;
}

function Verdicts({ row }: { row: SuggestionRow }) {
  const fetcher = useFetcher();
  const submit = (intent: string) =>
    fetcher.submit({ intent, productId: row.productId, offeredProductId: row.offeredProductId }, { method: "post" });
  const busy = fetcher.state !== "idle";
  if (row.verdict === "rejected") {
    return (
      <Button size="slim" loading={busy} onClick={() => submit("reset")}>
        Undo
      </Button>
    );
  }
  return (
    <ButtonGroup>
      {row.verdict === "new" ? (
        <Button size="slim" variant="primary" loading={busy} onClick={() => submit("accept")}>
          Accept
        </Button>
      ) : (
        <Badge tone="success">Accepted</Badge>
      )}
      <Button size="slim" loading={busy} onClick={() => submit("reject")}>
        Reject
      </Button>
    </ButtonGroup>
  );
}

export function SuggestionsTable({
  suggestions,
  verdict,
  currencyCode,
  locale,
}: {
  suggestions: SuggestionPage;
  verdict: Verdict;
  currencyCode: string;
  locale: string;
}) {
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
            Suggestions
          </Text>
          <ButtonGroup variant="segmented">
            {TABS.map((tab) => (
              <Button key={tab.verdict} pressed={tab.verdict === verdict} url={href("/app/offers", { verdict: tab.verdict, page: null })}>
                {`${tab.label} (${formatNumber(suggestions.counts[tab.verdict], locale)})`}
              </Button>
            ))}
          </ButtonGroup>
        </InlineStack>
        {suggestions.lastMinedAt ? (
          <Text as="p" tone="subdued" variant="bodySm">
            Last mined {new Date(suggestions.lastMinedAt).toLocaleString(locale)}.
          </Text>
        ) : null}
        {rows.length === 0 ? (
          <Text as="p" tone="subdued">
            {verdict === "new" ? "No new suggestions: mining runs nightly after the model refit, or now with “Mine now”." : "None."}
          </Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric", "text"]}
            headings={["Pair", "Support", "Confidence", "Lift (shrunk)", "Orders", "Buyers' predicted CLV", "Value score", ""]}
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
              label={`Page ${suggestions.page} of ${suggestions.pages}`}
            />
          </InlineStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}
