// Cross-sell settings: the mining window and thresholds, recency weighting, products per mined list, and
// the holdout share. A new holdout share starts a new experiment while offers are on (changing the share of
// a running one would move customers between arms).
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { BlockStack, Card, FormLayout, Layout, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { authenticatePage } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { offerSettings, saveOfferSettings, validateOfferSettings } from "~/data/offers.server";
import { runningOffersExperiment, startOffersExperiment } from "~/data/experiments.server";
import { enqueueOffersMining } from "~/queues/offers.server";
import { useAppHref } from "~/components/app-links";
import { AppPage } from "~/components/AppPage";
import { RouteError } from "~/components/RouteError";
import { useI18n } from "~/i18n/context";
import { documentTitle } from "~/i18n/meta";
import type { Text as Message } from "~/i18n/translate";
import { localeOfRequest } from "~/lib/format";
import { field, QUEUE_DOWN_NOTE, scheduleWriteBack, type OffersActionResult } from "../app.offers/actions.server";
import { settingsErrorTexts } from "../app.offers/error-texts";
import { ActionBanner, useFieldErrors } from "../app.offers/offers-ui";

export const meta: MetaFunction<typeof loader> = ({ data }) => documentTitle(data?.locale, "offers.settings.title");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const client = await db();
  const [settings, running] = await Promise.all([offerSettings(client, session.shop), runningOffersExperiment(client, session.shop)]);
  return {
    settings,
    running: running ? { key: running.key, holdoutShare: running.holdoutShare } : null,
    locale: localeOfRequest(request),
  };
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
      { ok: false, intent: "save", messages: [{ key: "offers.settings.notSaved" }], errors: settingsErrorTexts(result.errors) },
      { status: 400 },
    );
  }
  await saveOfferSettings(client, shop, result.settings);
  const messages: Message[] = [{ key: "offers.settings.saved" }];
  const running = await runningOffersExperiment(client, shop);
  if (running && running.holdoutShare !== result.settings.holdoutShare) {
    const next = await startOffersExperiment(client, shop, result.settings.holdoutShare);
    messages.push({ key: "offers.settings.newExperiment", params: { next: next.key, previous: running.key } });
  }
  try {
    await enqueueOffersMining({ shop, reason: "settings" });
    messages.push({ key: "offers.settings.minedAgain" });
  } catch {
    messages.push(QUEUE_DOWN_NOTE);
  }
  const note = await scheduleWriteBack(shop, "settings");
  if (note && !messages.includes(note)) messages.push(note);
  return data<OffersActionResult>({ ok: true, intent: "save", messages });
};

const percent = (share: number) => String(Math.round(share * 1_000_000) / 10_000);

export default function OfferSettingsPage() {
  const { settings, running } = useLoaderData<typeof loader>();
  const { t } = useI18n();
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
  const error = useFieldErrors(save.data);
  return (
    <AppPage
      title={t("offers.settings.title")}
      backAction={{ content: t("offers.title"), url: href("/app/offers") }}
      primaryAction={{
        content: t("offers.save"),
        loading: save.state !== "idle",
        onAction: () => save.submit(values, { method: "post" }),
      }}
    >
      <Layout>
        <ActionBanner result={save.data} testId="settings-result" />
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("offers.settings.mining")}
              </Text>
              <FormLayout>
                <FormLayout.Group>
                  <TextField
                    label={t("offers.settings.windowMonths.label")}
                    type="number"
                    value={values.windowMonths}
                    onChange={set("windowMonths")}
                    autoComplete="off"
                    error={error("windowMonths")}
                  />
                  <TextField
                    label={t("offers.settings.recencyHalfLifeDays.label")}
                    type="number"
                    value={values.recencyHalfLifeDays}
                    onChange={set("recencyHalfLifeDays")}
                    autoComplete="off"
                    helpText={t("offers.settings.recencyHalfLifeDays.help")}
                    error={error("recencyHalfLifeDays")}
                  />
                </FormLayout.Group>
                <FormLayout.Group>
                  <TextField
                    label={t("offers.settings.minSupport.label")}
                    type="number"
                    value={values.minSupportPercent}
                    onChange={set("minSupportPercent")}
                    autoComplete="off"
                    error={error("minSupport")}
                  />
                  <TextField
                    label={t("offers.settings.minConfidence.label")}
                    type="number"
                    value={values.minConfidencePercent}
                    onChange={set("minConfidencePercent")}
                    autoComplete="off"
                    error={error("minConfidence")}
                  />
                  <TextField
                    label={t("offers.settings.maxOffered.label")}
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
                {t("offers.settings.holdout")}
              </Text>
              <TextField
                label={t("offers.settings.holdoutShare.label")}
                type="number"
                value={values.holdoutPercent}
                onChange={set("holdoutPercent")}
                autoComplete="off"
                error={error("holdoutShare")}
                helpText={
                  running ? t("offers.settings.holdoutShare.helpRunning", { key: running.key }) : t("offers.settings.holdoutShare.help")
                }
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
