// Cross-sell settings: the mining window and thresholds, recency weighting, products per mined list, and
// the holdout share. A new holdout share starts a new experiment while offers are on (changing the share of
// a running one would move customers between arms).
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Card, FormLayout, Layout, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { authenticatePage } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { offerSettings, saveOfferSettings, validateOfferSettings } from "~/data/offers.server";
import { runningOffersExperiment, startOffersExperiment } from "~/data/experiments.server";
import { enqueueOffersMining } from "~/queues/offers.server";
import { useAppHref } from "~/components/app-links";
import { AppPage } from "~/components/AppPage";
import { RouteError } from "~/components/RouteError";
import { field, QUEUE_DOWN_NOTE, scheduleWriteBack, type OffersActionResult } from "../app.offers/actions.server";

export const meta: MetaFunction = () => [{ title: "Cross-sell settings · Customer lifetime value" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const client = await db();
  const [settings, running] = await Promise.all([offerSettings(client, session.shop), runningOffersExperiment(client, session.shop)]);
  return { settings, running: running ? { key: running.key, holdoutShare: running.holdoutShare } : null };
};

/** Percent fields ("10" = 10 %) as shares; "" stays "" so that the schema names the field. */
function share(text: string): number | string {
  if (text === "") return text;
  const value = Number(text);
  return Number.isFinite(value) ? value / 100 : text;
}

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const shop = session.shop;
  const client = await db();
  const form = await request.formData();
  const halfLife = field(form, "recencyHalfLifeDays");
  const result = validateOfferSettings({
    windowMonths: field(form, "windowMonths"),
    minSupport: share(field(form, "minSupportPercent")),
    minConfidence: share(field(form, "minConfidencePercent")),
    recencyHalfLifeDays: halfLife === "" ? null : halfLife,
    holdoutShare: share(field(form, "holdoutPercent")),
    maxOffered: field(form, "maxOffered"),
  });
  if (!result.ok) {
    return data<OffersActionResult>(
      { ok: false, intent: "save", message: "The settings were not saved: see the fields below.", errors: result.errors },
      { status: 400 },
    );
  }
  await saveOfferSettings(client, shop, result.settings);
  const messages = ["Saved."];
  const running = await runningOffersExperiment(client, shop);
  if (running && running.holdoutShare !== result.settings.holdoutShare) {
    const next = await startOffersExperiment(client, shop, result.settings.holdoutShare);
    messages.push(`The new holdout share starts a new experiment (${next.key}); ${running.key}'s results stay as they were.`);
  }
  try {
    await enqueueOffersMining({ shop, reason: "settings" });
    messages.push("The suggestions are mined again with these settings.");
  } catch {
    messages.push(QUEUE_DOWN_NOTE);
  }
  const note = await scheduleWriteBack(shop, "settings");
  if (note && !messages.includes(note)) messages.push(note);
  return data<OffersActionResult>({ ok: true, intent: "save", message: messages.join(" ") });
};

const percent = (share: number) => String(Math.round(share * 1_000_000) / 10_000);

export default function OfferSettingsPage() {
  const { settings, running } = useLoaderData<typeof loader>();
  const href = useAppHref();
  const save = useFetcher<OffersActionResult>();
  const [values, setValues] = useState({
    windowMonths: String(settings.windowMonths),
    minSupportPercent: percent(settings.minSupport),
    minConfidencePercent: percent(settings.minConfidence),
    recencyHalfLifeDays: settings.recencyHalfLifeDays === null ? "" : String(settings.recencyHalfLifeDays),
    holdoutPercent: percent(settings.holdoutShare),
    maxOffered: String(settings.maxOffered),
  });
  const set = (name: keyof typeof values) => (value: string) => setValues((v) => ({ ...v, [name]: value }));
  const errors = save.data?.ok === false ? save.data.errors : undefined;
  const error = (name: string) => {
    const value = errors?.[name];
    return value === undefined ? undefined : Array.isArray(value) ? value.join(" ") : value;
  };
  return (
    <AppPage
      title="Cross-sell settings"
      backAction={{ content: "Cross-sell", url: href("/app/offers") }}
      primaryAction={{ content: "Save", loading: save.state !== "idle", onAction: () => save.submit(values, { method: "post" }) }}
    >
      <Layout>
        {save.data ? (
          <Layout.Section>
            <Banner tone={save.data.ok ? "success" : "critical"}>
              <p data-testid="settings-result">{save.data.message}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Mining
              </Text>
              <FormLayout>
                <FormLayout.Group>
                  <TextField
                    label="Window (months of orders)"
                    type="number"
                    value={values.windowMonths}
                    onChange={set("windowMonths")}
                    autoComplete="off"
                    error={error("windowMonths")}
                  />
                  <TextField
                    label="Recency half-life (days)"
                    type="number"
                    value={values.recencyHalfLifeDays}
                    onChange={set("recencyHalfLifeDays")}
                    autoComplete="off"
                    helpText="Optional: an order counts half as much every this many days. Empty: every order counts the same."
                    error={error("recencyHalfLifeDays")}
                  />
                </FormLayout.Group>
                <FormLayout.Group>
                  <TextField
                    label="Minimum support (% of orders)"
                    type="number"
                    value={values.minSupportPercent}
                    onChange={set("minSupportPercent")}
                    autoComplete="off"
                    error={error("minSupport")}
                  />
                  <TextField
                    label="Minimum confidence (%)"
                    type="number"
                    value={values.minConfidencePercent}
                    onChange={set("minConfidencePercent")}
                    autoComplete="off"
                    error={error("minConfidence")}
                  />
                  <TextField
                    label="Products per mined list"
                    type="number"
                    value={values.maxOffered}
                    onChange={set("maxOffered")}
                    autoComplete="off"
                    error={error("maxOffered")}
                  />
                </FormLayout.Group>
              </FormLayout>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Holdout
              </Text>
              <TextField
                label="Customers held out (%)"
                type="number"
                value={values.holdoutPercent}
                onChange={set("holdoutPercent")}
                autoComplete="off"
                error={error("holdoutShare")}
                helpText={`Logged-in customers who see no offer, to measure what the offers add.${running ? ` Changing it ends experiment ${running.key} and starts a new one.` : ""}`}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </AppPage>
  );
}

export function ErrorBoundary() {
  return <RouteError title="app.name" />;
}
