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
import { ExperimentResults } from "../app.offers/ExperimentResults";
import { field, scheduleWriteBack, type OffersActionResult } from "../app.offers/actions.server";
import { offerInputFromForm } from "./offer-form";
import { pickedFrom, ProductPicker, type PickedProduct } from "./ProductPicker";

export const meta: MetaFunction<typeof loader> = ({ data: d }) => [{ title: `${d?.offer?.title ?? "New offer"} · Cross-sell` }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const client = await db();
  const context = await shopContext(client, session.shop);
  const id = params.id === "new" ? null : (params.id ?? null);
  const detail = await offerDetail(client, session.shop, id, { currencyCode: context.currencyCode });
  // Another shop's offer, or none: the same answer, so ids say nothing about other shops.
  if (detail === null) throw data({ reason: "not_found" }, { status: 404 });
  return { ...detail, currencyCode: context.currencyCode, locale: localeOfRequest(request), today: new Date().toISOString().slice(0, 10) };
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
    if (!deleted) return data<OffersActionResult>({ ok: false, intent, message: "No such offer." }, { status: 404 });
    const note = await scheduleWriteBack(shop, "offers_changed");
    return data<OffersActionResult>({ ok: true, intent, message: note ?? "The offer is deleted." });
  }
  if (intent !== "save") return data<OffersActionResult>({ ok: false, intent, message: `Unknown action "${intent}".` }, { status: 400 });
  const input = offerInputFromForm(form);
  const saved = isNew ? await createOffer(client, shop, input) : await updateOffer(client, shop, params.id ?? "", input);
  if (saved === null) return data<OffersActionResult>({ ok: false, intent, message: "No such offer." }, { status: 404 });
  if (!saved.ok)
    return data<OffersActionResult>(
      { ok: false, intent, message: "The offer was not saved: see the fields below.", errors: saved.errors },
      { status: 400 },
    );
  const note = await scheduleWriteBack(shop, "offers_changed");
  return data<OffersActionResult>({
    ok: true,
    intent,
    message: note ?? "Saved: the storefront is updated in a few seconds.",
    offerId: saved.offer.id,
  });
};

const errorText = (errors: OffersActionResult["errors"], name: string) => {
  const value = errors?.[name];
  return value === undefined ? undefined : Array.isArray(value) ? value.join(" ") : value;
};

export default function OfferPage() {
  const d = useLoaderData<typeof loader>();
  const href = useAppHref();
  const navigate = useNavigate();
  const save = useFetcher<OffersActionResult>();
  const remove = useFetcher<OffersActionResult>();
  const offer = d.offer;
  const byId = new Map(d.products.map((p) => [p.id, pickedFrom(p)]));
  const picked = (ids: string[]): PickedProduct[] => ids.map((id) => byId.get(id) ?? { id, title: `Product ${id}`, note: "deleted" });

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

  const errors = save.data?.ok === false ? save.data.errors : undefined;
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
  const money = (minor: string) => formatMoney(minor, d.currencyCode, d.locale);

  return (
    <AppPage
      title={offer?.title ?? "New offer"}
      backAction={{ content: "Cross-sell", url: href("/app/offers") }}
      primaryAction={{ content: "Save", loading: save.state !== "idle", onAction: submit }}
      secondaryActions={
        offer
          ? [
              {
                content: "Delete",
                loading: remove.state !== "idle",
                onAction: () => remove.submit({ intent: "delete" }, { method: "post" }),
              },
            ]
          : []
      }
    >
      <Layout>
        {save.data || remove.data ? (
          <Layout.Section>
            <Banner tone={(remove.data ?? save.data)?.ok ? "success" : "critical"}>
              <p data-testid="offer-action-result">{(remove.data ?? save.data)?.message}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {d.problems.length > 0 ? (
          <Layout.Section>
            <Banner tone="warning" title="Some products will not be shown">
              <BlockStack gap="100">
                {d.problems.map((p) => (
                  <p key={`${p.role}-${p.productId}`}>{p.message}</p>
                ))}
              </BlockStack>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <FormLayout>
              <TextField
                label="Title"
                value={title}
                onChange={setTitle}
                autoComplete="off"
                maxLength={80}
                error={errorText(errors, "title")}
              />
              <ProductPicker label="Shown on these products" products={triggers} onChange={setTriggers} max={MAX_TRIGGER_PRODUCTS} />
              {errorText(errors, "triggerProductIds") ? (
                <Text as="p" tone="critical">
                  {errorText(errors, "triggerProductIds")}
                </Text>
              ) : null}
              <ProductPicker
                label="Products offered, in order"
                products={offered}
                onChange={setOffered}
                max={DEFAULT_MAX_OFFERED_PRODUCTS}
                ordered
              />
              {errorText(errors, "offeredProductIds") ? (
                <Text as="p" tone="critical">
                  {errorText(errors, "offeredProductIds")}
                </Text>
              ) : null}
              <FormLayout.Group>
                <TextField
                  label="Discount on the offered products (%)"
                  type="number"
                  value={discount}
                  onChange={setDiscount}
                  autoComplete="off"
                  helpText="Optional. A Shopify automatic discount on the offered products."
                  error={errorText(errors, "discountPercent")}
                />
                <Select
                  label="Discount only for a loyalty tier"
                  options={[{ label: "Every customer", value: "" }, ...d.tiers.map((t) => ({ label: t.name, value: t.name }))]}
                  value={tier}
                  onChange={setTier}
                  disabled={d.tiers.length === 0}
                  helpText={
                    d.tiers.length === 0 ? "Set up loyalty tiers to restrict a discount to one." : "Members carry the tag tier:<name>."
                  }
                  error={errorText(errors, "tierName")}
                />
              </FormLayout.Group>
              <FormLayout.Group>
                <TextField
                  label="Starts"
                  type="date"
                  value={startsAt}
                  onChange={setStartsAt}
                  autoComplete="off"
                  error={errorText(errors, "startsAt")}
                />
                <TextField
                  label="Ends (optional)"
                  type="date"
                  value={endsAt}
                  onChange={setEndsAt}
                  autoComplete="off"
                  error={errorText(errors, "endsAt")}
                />
                <TextField
                  label="Priority"
                  type="number"
                  value={priority}
                  onChange={setPriority}
                  autoComplete="off"
                  helpText="When offers share a product, the highest priority is shown."
                  error={errorText(errors, "priority")}
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
                    Bought from this offer
                  </Text>
                  <InlineGrid columns={3} gap="400">
                    <Figure label="Orders" value={formatNumber(d.attribution.orders, d.locale)} testId="attributed-orders" />
                    <Figure label="Units" value={formatNumber(d.attribution.units, d.locale)} testId="attributed-units" />
                    <Figure label="Revenue" value={money(d.attribution.revenueMinor)} testId="attributed-revenue" />
                  </InlineGrid>
                  {d.discountId ? (
                    <Text as="p" tone="subdued">
                      Shopify discount {d.discountId}
                    </Text>
                  ) : null}
                  {d.discountError ? (
                    <Text as="p" tone="critical">
                      Discount: {d.discountError}
                    </Text>
                  ) : null}
                </BlockStack>
              </Card>
            </Layout.Section>
            <Layout.Section>
              <ExperimentResults
                title="What this offer adds"
                description="Revenue of the offered products per customer who bought a trigger product, shown offers against held out, from that order on."
                experiment={d.experiment}
                report={d.report}
                currencyCode={d.currencyCode}
                locale={d.locale}
              />
            </Layout.Section>
          </>
        ) : null}
      </Layout>
    </AppPage>
  );
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
