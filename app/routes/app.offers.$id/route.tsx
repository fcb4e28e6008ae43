// One offer: the editor (/app/offers/new for a new one) and its results: what was bought from it, and
// what showing it added against the holdout. Validation is app/offers' (via app/data/offers.server.ts).
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import { Banner, BlockStack, Card, FormLayout, InlineGrid, Layout, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { authenticatePage } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { shopContext } from "~/data/shop.server";
import { offerDetail } from "~/data/offers-page.server";
import { createOffer, deleteOffer, updateOffer } from "~/data/offers.server";
import { DEFAULT_MAX_OFFERED_PRODUCTS, MAX_TRIGGER_PRODUCTS } from "~/offers";
import { formatMoney, formatNumber, localeOfRequest } from "~/lib/format";
import { useAppHref } from "~/components/app-links";
import { AppPage } from "~/components/AppPage";
import { RouteError } from "~/components/RouteError";
import { useI18n } from "~/i18n/context";
import { documentTitle } from "~/i18n/meta";
import { ExperimentResults } from "../app.offers/ExperimentResults";
import { field, scheduleWriteBack, type OffersActionResult } from "../app.offers/actions.server";
import { offerErrorTexts } from "../app.offers/error-texts";
import { ActionBanner, problemText, useFieldErrors } from "../app.offers/offers-ui";
import { offerInputFromForm } from "./offer-form";
import { pickedFrom, ProductPicker, type PickedProduct } from "./ProductPicker";

export const meta: MetaFunction<typeof loader> = ({ data: d }) =>
  d?.offer
    ? documentTitle(d.locale, "offers.editor.documentTitle", { title: d.offer.title })
    : documentTitle(d?.locale, "offers.editor.newDocumentTitle");

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const client = await db();
  const context = await shopContext(client, session.shop);
  const id = params.id === "new" ? null : (params.id ?? null);
  const detail = await offerDetail(client, session.shop, id, { currencyCode: context.currencyCode });
  // Another shop's offer, or none: the same answer, so ids say nothing about other shops.
  if (detail === null) throw data({ reason: "not_found" }, { status: 404 });
  return {
    ...detail,
    currencyCode: context.currencyCode,
    timeZone: context.timeZone,
    locale: localeOfRequest(request),
    today: new Date().toISOString().slice(0, 10),
  };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const shop = session.shop;
  const client = await db();
  const form = await request.formData();
  const intent = field(form, "intent");
  const isNew = params.id === "new";
  if (intent === "delete" && !isNew) {
    const deleted = await deleteOffer(client, shop, params.id ?? "");
    if (!deleted) return data<OffersActionResult>({ ok: false, intent, messages: [{ key: "offers.action.noOffer" }] }, { status: 404 });
    const note = await scheduleWriteBack(shop, "offers_changed");
    return data<OffersActionResult>({ ok: true, intent, messages: [note ?? { key: "offers.action.deleted" }] });
  }
  if (intent !== "save") {
    return data<OffersActionResult>(
      { ok: false, intent, messages: [{ key: "offers.action.unknown", params: { intent } }] },
      { status: 400 },
    );
  }
  const input = offerInputFromForm(form);
  const saved = isNew ? await createOffer(client, shop, input) : await updateOffer(client, shop, params.id ?? "", input);
  if (saved === null) return data<OffersActionResult>({ ok: false, intent, messages: [{ key: "offers.action.noOffer" }] }, { status: 404 });
  if (!saved.ok) {
    return data<OffersActionResult>(
      { ok: false, intent, messages: [{ key: "offers.action.notSaved" }], errors: offerErrorTexts(saved.errors) },
      { status: 400 },
    );
  }
  const note = await scheduleWriteBack(shop, "offers_changed");
  // The note about the queue replaces "saved": the storefront is not updated in a few seconds then.
  return data<OffersActionResult>({ ok: true, intent, messages: [note ?? { key: "offers.action.saved" }], offerId: saved.offer.id });
};

export default function OfferPage() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const href = useAppHref();
  const navigate = useNavigate();
  const save = useFetcher<OffersActionResult>();
  const remove = useFetcher<OffersActionResult>();
  const offer = d.offer;
  const byId = new Map(d.products.map((p) => [p.id, pickedFrom(p)]));
  const picked = (ids: string[]): PickedProduct[] => ids.map((id) => byId.get(id) ?? { id, title: null, note: "deleted" });

  const [title, setTitle] = useState(offer?.title ?? "");
  const [triggers, setTriggers] = useState<PickedProduct[]>(picked(offer?.triggerProductIds ?? []));
  const [offered, setOffered] = useState<PickedProduct[]>(picked(offer?.offeredProductIds ?? []));
  const [discount, setDiscount] = useState(offer?.discountPercent?.toString() ?? "");
  const tierName = d.tiers.find((t) => t.id === offer?.tierId)?.name ?? "";
  const [tier, setTier] = useState(tierName);
  const [startsAt, setStartsAt] = useState(offer?.startsAt?.slice(0, 10) ?? d.today);
  const [endsAt, setEndsAt] = useState(offer?.endsAt?.slice(0, 10) ?? "");
  const [priority, setPriority] = useState(String(offer?.priority ?? 0));

  const saved = save.data?.ok ? save.data.offerId : undefined;
  useEffect(() => {
    if (saved && offer === null) navigate(href(`/app/offers/${saved}`));
  }, [saved, offer, navigate, href]);
  useEffect(() => {
    if (remove.data?.ok) navigate(href("/app/offers"));
  }, [remove.data, navigate, href]);

  const errorOf = useFieldErrors(save.data);
  const submit = () =>
    save.submit(
      {
        intent: "save",
        title,
        triggerProductIds: JSON.stringify(triggers.map((p) => p.id)),
        offeredProductIds: JSON.stringify(offered.map((p) => p.id)),
        discountPercent: discount,
        tierName: tier,
        startsAt,
        endsAt,
        priority,
      },
      { method: "post" },
    );
  const money = (minor: string) => formatMoney(minor, d.currencyCode, locale);

  return (
    <AppPage
      title={offer?.title ?? t("offers.editor.new")}
      backAction={{ content: t("offers.title"), url: href("/app/offers") }}
      primaryAction={{ content: t("offers.save"), loading: save.state !== "idle", onAction: submit }}
      secondaryActions={
        offer
          ? [
              {
                content: t("offers.editor.delete"),
                loading: remove.state !== "idle",
                onAction: () => remove.submit({ intent: "delete" }, { method: "post" }),
              },
            ]
          : []
      }
    >
      <Layout>
        <ActionBanner result={remove.data ?? save.data} testId="offer-action-result" />
        {d.problems.length > 0 ? (
          <Layout.Section>
            <Banner tone="warning" title={t("offers.editor.problems")}>
              <BlockStack gap="100">
                {d.problems.map((p) => (
                  <p key={`${p.role}-${p.productId}`}>{problemText(t, p)}</p>
                ))}
              </BlockStack>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <FormLayout>
              <TextField
                label={t("offers.editor.title.label")}
                value={title}
                onChange={setTitle}
                autoComplete="off"
                maxLength={80}
                error={errorOf("title")}
              />
              <ProductPicker
                label={t("offers.editor.triggers.label")}
                products={triggers}
                onChange={setTriggers}
                max={MAX_TRIGGER_PRODUCTS}
              />
              <FieldError message={errorOf("triggerProductIds")} />
              <ProductPicker
                label={t("offers.editor.offered.label")}
                products={offered}
                onChange={setOffered}
                max={DEFAULT_MAX_OFFERED_PRODUCTS}
                ordered
              />
              <FieldError message={errorOf("offeredProductIds")} />
              <FormLayout.Group>
                <TextField
                  label={t("offers.editor.discount.label")}
                  type="number"
                  value={discount}
                  onChange={setDiscount}
                  autoComplete="off"
                  helpText={t("offers.editor.discount.help")}
                  error={errorOf("discountPercent")}
                />
                <Select
                  label={t("offers.editor.tier.label")}
                  options={[
                    { label: t("offers.editor.tier.everyone"), value: "" },
                    ...d.tiers.map((t) => ({ label: t.name, value: t.name })),
                  ]}
                  value={tier}
                  onChange={setTier}
                  disabled={d.tiers.length === 0}
                  helpText={t(d.tiers.length === 0 ? "offers.editor.tier.noTiers" : "offers.editor.tier.help")}
                  error={errorOf("tierName")}
                />
              </FormLayout.Group>
              <FormLayout.Group>
                <TextField
                  label={t("offers.editor.startsAt.label")}
                  type="date"
                  value={startsAt}
                  onChange={setStartsAt}
                  autoComplete="off"
                  error={errorOf("startsAt")}
                />
                <TextField
                  label={t("offers.editor.endsAt.label")}
                  type="date"
                  value={endsAt}
                  onChange={setEndsAt}
                  autoComplete="off"
                  error={errorOf("endsAt")}
                />
                <TextField
                  label={t("offers.editor.priority.label")}
                  type="number"
                  value={priority}
                  onChange={setPriority}
                  autoComplete="off"
                  helpText={t("offers.editor.priority.help")}
                  error={errorOf("priority")}
                />
              </FormLayout.Group>
            </FormLayout>
          </Card>
        </Layout.Section>
        {offer ? (
          <>
            <Layout.Section>
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    {t("offers.editor.bought")}
                  </Text>
                  <InlineGrid columns={3} gap="400">
                    <Figure
                      label={t("offers.editor.orders")}
                      value={formatNumber(d.attribution.orders, locale)}
                      testId="attributed-orders"
                    />
                    <Figure label={t("offers.editor.units")} value={formatNumber(d.attribution.units, locale)} testId="attributed-units" />
                    <Figure label={t("offers.editor.revenue")} value={money(d.attribution.revenueMinor)} testId="attributed-revenue" />
                  </InlineGrid>
                  {d.discountId ? (
                    <Text as="p" tone="subdued">
                      {t("offers.editor.discountId", { id: d.discountId })}
                    </Text>
                  ) : null}
                  {d.discountError ? (
                    <Text as="p" tone="critical">
                      {t("offers.list.discountError", { error: d.discountError })}
                    </Text>
                  ) : null}
                </BlockStack>
              </Card>
            </Layout.Section>
            <Layout.Section>
              <ExperimentResults
                of="offer"
                experiment={d.experiment}
                report={d.report}
                currencyCode={d.currencyCode}
                timeZone={d.timeZone}
              />
            </Layout.Section>
          </>
        ) : null}
      </Layout>
    </AppPage>
  );
}

function FieldError({ message }: { message: string | undefined }) {
  return message ? (
    <Text as="p" tone="critical">
      {message}
    </Text>
  ) : null;
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <BlockStack gap="050">
      <Text as="span" tone="subdued">
        {label}
      </Text>
      <Text as="span" variant="headingLg">
        <span data-testid={testId}>{value}</span>
      </Text>
    </BlockStack>
  );
}

export function ErrorBoundary() {
  return <RouteError title="app.name" />;
}
