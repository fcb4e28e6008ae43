// Cross-sell: whether offers are on, what they add against the holdout, the offers, and the mined
// suggestions to accept or reject. The work happens in app/data (offers-page, offers, experiments) and in
// the jobs; this route reads and dispatches.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Layout, Text } from "@shopify/polaris";
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
import { ExperimentResults } from "../app.offers/ExperimentResults";
import { field, scheduleWriteBack, type OffersActionResult } from "../app.offers/actions.server";
import { OffersList } from "./OffersList";
import { SuggestionsTable } from "./SuggestionsTable";

export const meta: MetaFunction = () => [{ title: "Cross-sell · Customer lifetime value" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const client = await db();
  const params = new URL(request.url).searchParams;
  const verdictParam = params.get("verdict") ?? "new";
  const verdict: Verdict = (VERDICTS as readonly string[]).includes(verdictParam) ? (verdictParam as Verdict) : "new";
  const page = Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1);
  const context = await shopContext(client, session.shop);
  const overview = await offersOverview(client, session.shop, { verdict, page, currencyCode: context.currencyCode });
  return { ...overview, currencyCode: context.currencyCode, locale: localeOfRequest(request) };
};

const answer = (result: OffersActionResult, status = result.ok ? 200 : 400) => data<OffersActionResult>(result, { status });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const shop = session.shop;
  const client = await db();
  const form = await request.formData();
  const intent = field(form, "intent");
  const withNote = (message: string, note: string | null) => (note ? `${message} ${note}` : message);

  switch (intent) {
    case "turn-on": {
      if (await runningOffersExperiment(client, shop)) return answer({ ok: true, intent, message: "Offers are already on." });
      const settings = await offerSettings(client, shop);
      const experiment = await startOffersExperiment(client, shop, settings.holdoutShare);
      const note = await scheduleWriteBack(shop, "settings", 0);
      // Mining records the experiment's exposures (and refreshes the lists); without it they wait for tonight.
      await enqueueOffersMining({ shop, reason: "on_demand" }).catch(() => undefined);
      return answer({ ok: true, intent, message: withNote(`Offers are on; experiment ${experiment.key} measures them.`, note) });
    }
    case "turn-off": {
      const ended = await endOffersExperiment(client, shop);
      const note = await scheduleWriteBack(shop, "settings", 0);
      return answer({
        ok: true,
        intent,
        message: withNote(ended ? "Offers are off; the storefront shows none." : "Offers were already off.", note),
      });
    }
    case "mine": {
      try {
        await enqueueOffersMining({ shop, reason: "on_demand" });
      } catch {
        return answer(
          { ok: false, intent, message: "The job queue is not reachable right now. Nothing was changed; try again in a minute." },
          503,
        );
      }
      return answer({ ok: true, intent, message: "Mining started: the suggestions are refreshed when it finishes." });
    }
    case "accept":
    case "reject":
    case "reset": {
      const productId = field(form, "productId");
      const offeredProductId = field(form, "offeredProductId");
      if (intent === "accept") {
        const saved = await acceptSuggestion(client, shop, productId, offeredProductId);
        if (saved === null) return answer({ ok: false, intent, message: "No such suggestion." }, 404);
        if (!saved.ok) return answer({ ok: false, intent, message: Object.values(saved.errors).flat().join(" "), errors: saved.errors });
        const note = await scheduleWriteBack(shop, "offers_changed");
        return answer({
          ok: true,
          intent,
          message: withNote(`Accepted: "${saved.offer.title}" offers it.`, note),
          offerId: saved.offer.id,
        });
      }
      const changed =
        intent === "reject"
          ? await rejectSuggestion(client, shop, productId, offeredProductId)
          : await resetSuggestion(client, shop, productId, offeredProductId);
      if (!changed) return answer({ ok: false, intent, message: "No such suggestion." }, 404);
      const note = await scheduleWriteBack(shop, "offers_changed");
      return answer({
        ok: true,
        intent,
        message: withNote(intent === "reject" ? "Rejected: it will not be offered." : "Back among the new suggestions.", note),
      });
    }
    case "activate":
    case "deactivate": {
      const changed = await setOfferActive(client, shop, field(form, "id"), intent === "activate");
      if (!changed) return answer({ ok: false, intent, message: "No such offer." }, 404);
      const note = await scheduleWriteBack(shop, "offers_changed");
      return answer({ ok: true, intent, message: withNote(intent === "activate" ? "The offer is on." : "The offer is paused.", note) });
    }
    case "delete": {
      const deleted = await deleteOffer(client, shop, field(form, "id"));
      if (!deleted) return answer({ ok: false, intent, message: "No such offer." }, 404);
      const note = await scheduleWriteBack(shop, "offers_changed");
      return answer({ ok: true, intent, message: withNote("The offer is deleted.", note) });
    }
    default:
      return answer({ ok: false, intent, message: `Unknown action "${intent}".` });
  }
};

export default function OffersPage() {
  const d = useLoaderData<typeof loader>();
  const href = useAppHref();
  const switcher = useFetcher<OffersActionResult>();
  const miner = useFetcher<OffersActionResult>();
  const banner = switcher.data ?? miner.data;
  return (
    <AppPage
      title="Cross-sell"
      subtitle={
        d.offersOn ? "Offers are on: the storefront shows them to everyone but the holdout." : "Offers are off: the storefront shows none."
      }
      primaryAction={{
        content: d.offersOn ? "Turn offers off" : "Turn offers on",
        loading: switcher.state !== "idle",
        onAction: () => switcher.submit({ intent: d.offersOn ? "turn-off" : "turn-on" }, { method: "post" }),
      }}
      secondaryActions={[
        { content: "New offer", url: href("/app/offers/new") },
        { content: "Mine now", loading: miner.state !== "idle", onAction: () => miner.submit({ intent: "mine" }, { method: "post" }) },
        { content: "Settings", url: href("/app/offers/settings") },
      ]}
    >
      <Layout>
        {banner ? (
          <Layout.Section>
            <Banner tone={banner.ok ? "success" : "critical"}>
              <p data-testid="offers-action-result">{banner.message}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <ExperimentResults
            title="What the offers add"
            description="Revenue per logged-in customer, shown offers against held out, from each customer's first exposure."
            experiment={d.experiment}
            report={d.program}
            currencyCode={d.currencyCode}
            locale={d.locale}
          />
        </Layout.Section>
        <Layout.Section>
          <OffersList offers={d.offers} automatic={d.automatic} currencyCode={d.currencyCode} locale={d.locale} />
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="200">
            <SuggestionsTable suggestions={d.suggestions} verdict={d.verdict} currencyCode={d.currencyCode} locale={d.locale} />
            <Text as="p" tone="subdued">
              Pairs are mined from your orders in the window set in the settings, ranked by value score: the strength of the pairing (lift,
              shrunk toward 1 for pairs seen in few orders) times how valuable the customers who buy it are.
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
