// The shop's offers with what was bought from each (orders and revenue with the `_clv_offer` property),
// their state, and anything that keeps products off the storefront.
import { Link as RemixLink, useFetcher } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, DataTable, InlineStack, Text } from "@shopify/polaris";
import { useAppHref } from "~/components/app-links";
import { formatMoney, formatNumber } from "~/lib/format";
import type { AttributionView, OfferRow } from "~/data/offers-page.server";

function names(titles: string[], max = 3): string {
  return titles.length <= max ? titles.join(", ") : `${titles.slice(0, max).join(", ")} and ${titles.length - max} more`;
}

function OfferState({ offer }: { offer: OfferRow }) {
  if (!offer.active) return <Badge>Paused</Badge>;
  if (!offer.live) return <Badge tone="attention">Outside its dates</Badge>;
  const hidden = offer.problems.filter((p) => p.role === "offered").length;
  if (hidden === offer.offeredProductIds.length) return <Badge tone="critical">Nothing to show</Badge>;
  return <Badge tone="success">Live</Badge>;
}

function ActiveToggle({ offer }: { offer: OfferRow }) {
  const fetcher = useFetcher();
  return (
    <Button
      size="slim"
      loading={fetcher.state !== "idle"}
      onClick={() => fetcher.submit({ intent: offer.active ? "deactivate" : "activate", id: offer.id }, { method: "post" })}
    >
      {offer.active ? "Pause" : "Resume"}
    </Button>
  );
}

export function OffersList({
  offers,
  automatic,
  currencyCode,
  locale,
}: {
  offers: OfferRow[];
  automatic: { mined: AttributionView; personal: AttributionView };
  currencyCode: string;
  locale: string;
}) {
  const href = useAppHref();
  const money = (minor: string) => formatMoney(minor, currencyCode, locale);
  const rows = offers.map((offer) => [
    <BlockStack gap="100" key={`${offer.id}-title`}>
      <RemixLink to={href(`/app/offers/${offer.id}`)} data-testid="offer-link">
        {offer.title}
      </RemixLink>
      <Text as="span" tone="subdued" variant="bodySm">
        {names(offer.triggerTitles)} → {names(offer.offeredTitles)}
      </Text>
      {offer.problems.length > 0 ? (
        <Text as="span" tone="critical" variant="bodySm">
          {offer.problems.map((p) => p.message).join("; ")}
        </Text>
      ) : null}
      {offer.discountError ? (
        <Text as="span" tone="critical" variant="bodySm">
          Discount: {offer.discountError}
        </Text>
      ) : null}
    </BlockStack>,
    <OfferState offer={offer} key={`${offer.id}-state`} />,
    offer.discountPercent === null ? "—" : `${offer.discountPercent}%${offer.tierId ? " (tier)" : ""}`,
    formatNumber(offer.priority, locale),
    formatNumber(offer.attribution.orders, locale),
    money(offer.attribution.revenueMinor),
    <ActiveToggle offer={offer} key={`${offer.id}-toggle`} />,
  ]);
  const automaticRows = [
    ["Frequently bought together (mined lists)", automatic.mined],
    ["Recommended for you (personal lists)", automatic.personal],
  ] as const;
  for (const [label, figures] of automaticRows) {
    rows.push([
      label,
      <Badge key={`${label}-state`}>Automatic</Badge>,
      "—",
      "—",
      formatNumber(figures.orders, locale),
      money(figures.revenueMinor),
      "",
    ]);
  }
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Offers
          </Text>
          <Button url={href("/app/offers/new")}>New offer</Button>
        </InlineStack>
        {offers.length === 0 ? (
          <Text as="p" tone="subdued">
            No offers of your own yet: products show their mined lists. Accept a suggestion below or create an offer.
          </Text>
        ) : null}
        <DataTable
          columnContentTypes={["text", "text", "text", "numeric", "numeric", "numeric", "text"]}
          headings={["Offer", "State", "Discount", "Priority", "Orders", "Revenue", ""]}
          rows={rows}
        />
        <Text as="p" tone="subdued" variant="bodySm">
          Orders and revenue count the items added to the cart from each offer (quantity × price, as ordered), since the current experiment
          started.
        </Text>
      </BlockStack>
    </Card>
  );
}
