// The shop's offers with what was bought from each (orders and revenue with the `_clv_offer` property),
// their state, and anything that keeps products off the storefront.
import { Link as RemixLink, useFetcher } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, DataTable, InlineStack, Text } from "@shopify/polaris";
import { useAppHref } from "~/components/app-links";
import { formatMoney, formatNumber, formatPercent } from "~/lib/format";
import { useI18n } from "~/i18n/context";
import type { Translate } from "~/i18n/translate";
import type { AttributionView, OfferRow } from "~/data/offers-page.server";
import { problemText } from "../app.offers/offers-ui";

function names(t: Translate, titles: string[], max = 3): string {
  if (titles.length <= max) return titles.join(", ");
  return t("offers.list.andMore", { names: titles.slice(0, max).join(", "), count: titles.length - max });
}

function OfferState({ offer }: { offer: OfferRow }) {
  const { t } = useI18n();
  if (!offer.active) return <Badge>{t("offers.state.paused")}</Badge>;
  if (!offer.live) return <Badge tone="attention">{t("offers.state.outsideDates")}</Badge>;
  const hidden = offer.problems.filter((p) => p.role === "offered").length;
  if (hidden === offer.offeredProductIds.length) return <Badge tone="critical">{t("offers.state.nothingToShow")}</Badge>;
  return <Badge tone="success">{t("offers.state.live")}</Badge>;
}

function ActiveToggle({ offer }: { offer: OfferRow }) {
  const { t } = useI18n();
  const fetcher = useFetcher();
  return (
    <Button
      size="slim"
      loading={fetcher.state !== "idle"}
      onClick={() => fetcher.submit({ intent: offer.active ? "deactivate" : "activate", id: offer.id }, { method: "post" })}
    >
      {t(offer.active ? "offers.list.pause" : "offers.list.resume")}
    </Button>
  );
}

export function OffersList({
  offers,
  automatic,
  currencyCode,
}: {
  offers: OfferRow[];
  automatic: { mined: AttributionView; personal: AttributionView };
  currencyCode: string;
}) {
  const { t, locale } = useI18n();
  const href = useAppHref();
  const money = (minor: string) => formatMoney(minor, currencyCode, locale);
  const discount = (offer: OfferRow) => {
    if (offer.discountPercent === null) return "—";
    const percent = formatPercent(offer.discountPercent / 100, locale);
    return offer.tierId ? t("offers.list.discountTier", { percent }) : percent;
  };
  const rows = offers.map((offer) => [
    <BlockStack gap="100" key={`${offer.id}-title`}>
      <RemixLink to={href(`/app/offers/${offer.id}`)} data-testid="offer-link">
        {offer.title}
      </RemixLink>
      <Text as="span" tone="subdued" variant="bodySm">
        {names(t, offer.triggerTitles)} → {names(t, offer.offeredTitles)}
      </Text>
      {offer.problems.length > 0 ? (
        <Text as="span" tone="critical" variant="bodySm">
          {offer.problems.map((p) => problemText(t, p)).join("; ")}
        </Text>
      ) : null}
      {offer.discountError ? (
        <Text as="span" tone="critical" variant="bodySm">
          {t("offers.list.discountError", { error: offer.discountError })}
        </Text>
      ) : null}
    </BlockStack>,
    <OfferState offer={offer} key={`${offer.id}-state`} />,
    discount(offer),
    formatNumber(offer.priority, locale),
    formatNumber(offer.attribution.orders, locale),
    money(offer.attribution.revenueMinor),
    <ActiveToggle offer={offer} key={`${offer.id}-toggle`} />,
  ]);
  const automaticRows = [
    ["mined", t("offers.list.mined"), automatic.mined],
    ["personal", t("offers.list.personal"), automatic.personal],
  ] as const;
  for (const [id, label, figures] of automaticRows) {
    rows.push([
      label,
      <Badge key={`${id}-state`}>{t("offers.state.automatic")}</Badge>,
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
            {t("offers.list.heading")}
          </Text>
          <Button url={href("/app/offers/new")}>{t("offers.newOffer")}</Button>
        </InlineStack>
        {offers.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("offers.list.empty")}
          </Text>
        ) : null}
        <DataTable
          columnContentTypes={["text", "text", "text", "numeric", "numeric", "numeric", "text"]}
          headings={[
            t("offers.list.offer"),
            t("offers.list.state"),
            t("offers.list.discount"),
            t("offers.list.priority"),
            t("offers.list.orders"),
            t("offers.list.revenue"),
            "",
          ]}
          rows={rows}
        />
        <Text as="p" tone="subdued" variant="bodySm">
          {t("offers.list.help")}
        </Text>
      </BlockStack>
    </Card>
  );
}
