import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, Layout, Text } from "@shopify/polaris";
import { useCallback, useEffect, useState } from "react";
import { db } from "~/db.server";
import { syncStatus } from "~/data/sync-status.server";
import { authenticatePage } from "~/data/admin-page.server";
import { accuracySummary, modelAccuracy } from "~/data/model-accuracy.server";
import { shopContext } from "~/data/shop.server";
import { retryFailedJob } from "~/queues/inspect.server";
import { enqueueBackfillStep, enqueueRefit, queueCall } from "~/queues/queues.server";
import { formatDateTime, localeOfRequest } from "~/lib/format";
import { useAppHref } from "~/components/app-links";
import { AppPage } from "~/components/AppPage";
import { RouteError } from "~/components/RouteError";
import { useI18n } from "~/i18n/context";
import { documentTitle } from "~/i18n/meta";
import { actionMessage } from "./action-message";
import { Diagnostics } from "./Diagnostics";
import { syncHealth } from "./health";
import { SyncSummary } from "./SyncSummary";
import { useActionBanner } from "./use-action-banner";

export const meta: MetaFunction<typeof loader> = ({ data }) => documentTitle(data?.locale, "nav.sync");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const client = await db();
  const [status, context, accuracy] = await Promise.all([
    syncStatus(client, session.shop),
    shopContext(client, session.shop),
    modelAccuracy(client, session.shop),
  ]);
  return {
    ...status,
    accuracy: accuracySummary(accuracy),
    timeZone: context.timeZone,
    now: new Date().toISOString(),
    locale: localeOfRequest(request),
  };
};

export type SyncActionResult = { ok: boolean; intent: string; message: string };

/** What the merchant reads when Redis is down: the action answers at once instead of spinning. */
const QUEUE_DOWN_MESSAGE = "The job queue is not reachable right now. Nothing was changed; try again in a minute.";

export const action = async ({ request }: ActionFunctionArgs) => {
  // As the loader: a token for a shop without the app ends on the "not installed" page, not a bare 500.
  const { session } = await authenticatePage(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "import") {
      await enqueueBackfillStep({ shop: session.shop });
      return data<SyncActionResult>({ ok: true, intent, message: "Import started: progress shows below." });
    }
    if (intent === "refit") {
      await enqueueRefit({ shop: session.shop, reason: "on_demand" });
      return data<SyncActionResult>({ ok: true, intent, message: "Refit requested: the new predictions appear when it finishes." });
    }
    if (intent === "retry") {
      const queueName = String(form.get("queue") ?? "");
      const jobId = String(form.get("jobId") ?? "");
      const outcome = await queueCall("retry the job", () => retryFailedJob(session.shop, queueName, jobId));
      if (outcome === "retried") return data<SyncActionResult>({ ok: true, intent, message: "The job is queued again." });
      if (outcome === "not_failed")
        return data<SyncActionResult>({ ok: false, intent, message: "That job is no longer failed." }, { status: 409 });
      return data<SyncActionResult>({ ok: false, intent, message: "No such failed job." }, { status: 404 });
    }
  } catch (error) {
    // Every queue call here gives up within QUEUE_CALL_TIMEOUT_MS (or at once while Redis is known to be down).
    console.error(`sync action ${intent} for ${session.shop}: ${(error as Error).message}`);
    return data<SyncActionResult>({ ok: false, intent, message: QUEUE_DOWN_MESSAGE }, { status: 503 });
  }
  return data<SyncActionResult>({ ok: false, intent, message: `Unknown action "${intent}".` }, { status: 400 });
};

export default function SyncStatusPage() {
  const s = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const href = useAppHref();
  const refit = useFetcher<SyncActionResult>();
  const backfill = useFetcher<SyncActionResult>();
  const revalidator = useRevalidator();
  const [confirmImport, setConfirmImport] = useState(false);
  const health = syncHealth(s, new Date(s.now), locale, s.timeZone);

  // While an import runs or jobs are queued, refresh every few seconds.
  const importing = s.backfills.some((b) => b.active);
  const active = importing || (s.queues?.some((q) => q.waiting + q.active > 0) ?? false);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 5_000);
    return () => clearInterval(timer);
  }, [active, revalidator]);

  // Each action's banner: requested → done (when the page's data shows it) → gone.
  const fitMarker = s.modelFit?.fittedAt ?? null;
  const refitBanner = useActionBanner(
    fitMarker,
    refit.data,
    useCallback((now: string | null, from: string | null) => now !== null && now !== from, []),
  );
  const importMarker = s.backfills[0] ? `${s.backfills[0].id}:${s.backfills[0].status}` : null;
  const importBanner = useActionBanner(
    importMarker,
    backfill.data,
    useCallback((now: string | null, from: string | null) => now !== from && now !== null && /:(completed|failed)$/.test(now), []),
  );
  const hasCompletedImport = s.backfills.some((b) => b.status === "completed");
  const startImport = () => {
    setConfirmImport(false);
    backfill.submit({ intent: "import" }, { method: "post" });
  };

  return (
    <AppPage
      title={t("nav.sync")}
      backAction={{ content: t("nav.dashboard"), url: href("/app") }}
      primaryAction={{
        content: t("sync.refit"),
        loading: refit.state !== "idle",
        disabled: refitBanner.phase === "requested",
        onAction: () => refit.submit({ intent: "refit" }, { method: "post" }),
      }}
      secondaryActions={[
        {
          content: t("sync.import"),
          disabled: importing || backfill.state !== "idle",
          onAction: () => (hasCompletedImport ? setConfirmImport(true) : startImport()),
        },
      ]}
    >
      <Layout>
        {confirmImport ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("sync.confirmImport.heading")}
                </Text>
                <Text as="p">{t("sync.confirmImport.body")}</Text>
                <InlineStack gap="200">
                  <Button variant="primary" onClick={startImport}>
                    {t("sync.confirmImport.confirm")}
                  </Button>
                  <Button onClick={() => setConfirmImport(false)}>{t("common.cancel")}</Button>
                </InlineStack>
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
        {refitBanner.phase !== "idle" && refit.data ? (
          <Layout.Section>
            <Banner
              tone={refitBanner.phase === "failed" ? "critical" : refitBanner.phase === "done" ? "success" : "info"}
              onDismiss={refitBanner.dismiss}
            >
              <p data-testid="refit-result">
                {refitBanner.phase === "failed"
                  ? actionMessage(refit.data, t)
                  : refitBanner.phase === "done"
                    ? t("sync.refitDone", { when: formatDateTime(fitMarker, locale, s.timeZone) })
                    : t("sync.refitRequested")}
              </p>
            </Banner>
          </Layout.Section>
        ) : null}
        {importBanner.phase !== "idle" && backfill.data ? (
          <Layout.Section>
            <Banner
              tone={importBanner.phase === "failed" ? "critical" : importBanner.phase === "done" ? "success" : "info"}
              onDismiss={importBanner.dismiss}
            >
              <p data-testid="import-result">
                {importBanner.phase === "failed"
                  ? actionMessage(backfill.data, t)
                  : importBanner.phase === "done"
                    ? t("sync.importDone")
                    : t("sync.importStarted")}
              </p>
            </Banner>
          </Layout.Section>
        ) : null}

        <Layout.Section>
          <SyncSummary health={health} accuracy={s.accuracy} />
        </Layout.Section>

        <Diagnostics s={s} timeZone={s.timeZone} />
      </Layout>
    </AppPage>
  );
}

export function ErrorBoundary() {
  return <RouteError title="nav.sync" />;
}
