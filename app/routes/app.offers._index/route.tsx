// Cross-sell: whether offers are on, what they add against the holdout, the offers, and the mined
// suggestions to accept or reject. The work happens in app/data (offers-page, offers, experiments) and in
// the jobs; this route reads and dispatches.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useFetcher, useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Text } from "@shopify/polaris";
import { authenticatePage } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { shopContext } from "~/data/shop.server";
import { offersOverview } from "~/data/offers-page.server";
import {
  acceptSuggestion,
  deleteOffer,
  offerSettings,
  rejectSuggestion,
  resetSuggestion,
  setOfferActive,
  VERDICTS,
  type Verdict,
} from "~/data/offers.server";
import { endOffersExperiment, startOffersExperiment, runningOffersExperiment } from "~/data/experiments.server";
import { enqueueOffersMining } from "~/queues/offers.server";
import { localeOfRequest } from "~/lib/format";
import { useAppHref } from "~/components/app-links";
import { AppPage } from "~/components/AppPage";
import { RouteError } from "~/components/RouteError";
import { useI18n } from "~/i18n/context";
import { documentTitle } from "~/i18n/meta";
import type { MessageKey, Params, Text as Message } from "~/i18n/translate";
import { ExperimentResults } from "../app.offers/ExperimentResults";
import { field, scheduleWriteBack, type OffersActionResult } from "../app.offers/actions.server";
import { offerErrorTexts } from "../app.offers/error-texts";
import { ActionBanner, useNewestAnswer } from "../app.offers/offers-ui";
import { OffersList } from "./OffersList";
import { SuggestionsTable, VERDICT_FETCHER } from "./SuggestionsTable";

export const meta: MetaFunction<typeof loader> = ({ data }) => documentTitle(data?.locale, "offers.documentTitle");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const client = await db();
  const params = new URL(request.url).searchParams;
  const verdictParam = params.get("verdict") ?? "new";
  const verdict: Verdict = (VERDICTS as readonly string[]).includes(verdictParam) ? (verdictParam as Verdict) : "new";
  const page = Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1);
  const context = await shopContext(client, session.shop);
  const overview = await offersOverview(client, session.shop, { verdict, page, currencyCode: context.currencyCode });
  return {
    ...overview,
    currencyCode: context.currencyCode,
    timeZone: context.timeZone,
    locale: localeOfRequest(request),
  };
};

const answer = (result: OffersActionResult, status = result.ok ? 200 : 400) => data<OffersActionResult>(result, { status });
const message = (key: MessageKey, params?: Params): Message => (params ? { key, params } : { key });
/** The message, then the note about the write-back when it could not be queued. */
const withNote = (first: Message, note: Message | null) => (note ? [first, note] : [first]);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const shop = session.shop;
  const client = await db();
  const form = await request.formData();
  const intent = field(form, "intent");

  switch (intent) {
    case "turn-on": {
      if (await runningOffersExperiment(client, shop)) return answer({ ok: true, intent, messages: [message("offers.action.alreadyOn")] });
      const settings = await offerSettings(client, shop);
      const experiment = await startOffersExperiment(client, shop, settings.holdoutShare);
      const note = await scheduleWriteBack(shop, "settings", 0);
      // Mining records the experiment's exposures (and refreshes the lists); without it they wait for tonight.
      await enqueueOffersMining({ shop, reason: "on_demand" }).catch(() => undefined);
      return answer({ ok: true, intent, messages: withNote(message("offers.action.on", { key: experiment.key }), note) });
    }
    case "turn-off": {
      const ended = await endOffersExperiment(client, shop);
      const note = await scheduleWriteBack(shop, "settings", 0);
      return answer({ ok: true, intent, messages: withNote(message(ended ? "offers.action.off" : "offers.action.alreadyOff"), note) });
    }
    case "mine": {
      try {
        await enqueueOffersMining({ shop, reason: "on_demand" });
      } catch {
        return answer({ ok: false, intent, messages: [message("offers.action.queueDown")] }, 503);
      }
      return answer({ ok: true, intent, messages: [message("offers.action.miningStarted")] });
    }
    case "accept":
    case "reject":
    case "reset": {
      const productId = field(form, "productId");
      const offeredProductId = field(form, "offeredProductId");
      if (intent === "accept") {
        const saved = await acceptSuggestion(client, shop, productId, offeredProductId);
        if (saved === null) return answer({ ok: false, intent, messages: [message("offers.action.noSuggestion")] }, 404);
        if (!saved.ok) {
          const errors = offerErrorTexts(saved.errors);
          return answer({ ok: false, intent, messages: Object.values(errors).flat(), errors });
        }
        const note = await scheduleWriteBack(shop, "offers_changed");
        return answer({
          ok: true,
          intent,
          messages: withNote(message("offers.action.accepted", { title: saved.offer.title }), note),
          offerId: saved.offer.id,
        });
      }
      const changed =
        intent === "reject"
          ? await rejectSuggestion(client, shop, productId, offeredProductId)
          : await resetSuggestion(client, shop, productId, offeredProductId);
      if (!changed) return answer({ ok: false, intent, messages: [message("offers.action.noSuggestion")] }, 404);
      const note = await scheduleWriteBack(shop, "offers_changed");
      return answer({
        ok: true,
        intent,
        messages: withNote(message(intent === "reject" ? "offers.action.rejected" : "offers.action.reset"), note),
      });
    }
    case "activate":
    case "deactivate": {
      const changed = await setOfferActive(client, shop, field(form, "id"), intent === "activate");
      if (!changed) return answer({ ok: false, intent, messages: [message("offers.action.noOffer")] }, 404);
      const note = await scheduleWriteBack(shop, "offers_changed");
      return answer({
        ok: true,
        intent,
        messages: withNote(message(intent === "activate" ? "offers.action.activated" : "offers.action.paused"), note),
      });
    }
    case "delete": {
      const deleted = await deleteOffer(client, shop, field(form, "id"));
      if (!deleted) return answer({ ok: false, intent, messages: [message("offers.action.noOffer")] }, 404);
      const note = await scheduleWriteBack(shop, "offers_changed");
      return answer({ ok: true, intent, messages: withNote(message("offers.action.deleted"), note) });
    }
    default:
      return answer({ ok: false, intent, messages: [message("offers.action.unknown", { intent })] });
  }
};

export default function OffersPage() {
  const d = useLoaderData<typeof loader>();
  const { t } = useI18n();
  const href = useAppHref();
  const switcher = useFetcher<OffersActionResult>();
  const miner = useFetcher<OffersActionResult>();
  const verdicts = useFetcher<OffersActionResult>({ key: VERDICT_FETCHER });
  // A verdict posted as a plain form (before the scripts load) answers with the page itself.
  const posted = useActionData<typeof action>();
  const answer = useNewestAnswer([switcher.data, miner.data, verdicts.data, posted]);
  return (
    <AppPage
      title={t("offers.title")}
      subtitle={t(d.offersOn ? "offers.subtitle.on" : "offers.subtitle.off")}
      primaryAction={{
        content: t(d.offersOn ? "offers.turnOff" : "offers.turnOn"),
        loading: switcher.state !== "idle",
        onAction: () => switcher.submit({ intent: d.offersOn ? "turn-off" : "turn-on" }, { method: "post" }),
      }}
      secondaryActions={[
        { content: t("offers.newOffer"), url: href("/app/offers/new") },
        {
          content: t("offers.mineNow"),
          loading: miner.state !== "idle",
          onAction: () => miner.submit({ intent: "mine" }, { method: "post" }),
        },
        { content: t("offers.settingsAction"), url: href("/app/offers/settings") },
      ]}
    >
      <Layout>
        <ActionBanner result={answer} testId="offers-action-result" />
        <Layout.Section>
          <ExperimentResults
            of="program"
            experiment={d.experiment}
            report={d.program}
            currencyCode={d.currencyCode}
            timeZone={d.timeZone}
          />
        </Layout.Section>
        <Layout.Section>
          <OffersList offers={d.offers} automatic={d.automatic} currencyCode={d.currencyCode} />
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="200">
            <SuggestionsTable suggestions={d.suggestions} verdict={d.verdict} currencyCode={d.currencyCode} timeZone={d.timeZone} />
            <Text as="p" tone="subdued">
              {t("offers.pairsHelp")}
            </Text>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </AppPage>
  );
}

export function ErrorBoundary() {
  return <RouteError title="app.name" />;
}
