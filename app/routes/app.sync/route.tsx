import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import { Badge, Banner, BlockStack, Card, DataTable, InlineGrid, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { useEffect } from "react";
import { authenticate } from "~/shopify.server";
import { db } from "~/db.server";
import { syncStatus } from "~/data/sync-status.server";
import { retryFailedJob } from "~/queues/inspect.server";
import { enqueueBackfillStep, enqueueRefit } from "~/queues/queues.server";
import { formatDateTime, formatNumber, formatPercent, localeOfRequest } from "~/lib/format";
import { useAppHref } from "~/components/app-links";
import { TableCard } from "~/components/TableCard";
import { RouteError } from "~/components/RouteError";
import { RetryButton } from "./RetryButton";
import { statusTone } from "./status-tone";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { ...(await syncStatus(await db(), session.shop)), locale: localeOfRequest(request) };
};

export type SyncActionResult = { ok: boolean; intent: string; message: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === "import") {
    await enqueueBackfillStep({ shop: session.shop });
    return data<SyncActionResult>({ ok: true, intent, message: "Import started: progress shows below." });
  }
  if (intent === "refit") {
    await enqueueRefit({ shop: session.shop, reason: "on_demand" });
    return data<SyncActionResult>({ ok: true, intent, message: "Refit requested: the new predictions appear when it finishes." });
  }
  if (intent === "retry") {
    const outcome = await retryFailedJob(session.shop, String(form.get("queue") ?? ""), String(form.get("jobId") ?? ""));
    if (outcome === "retried") return data<SyncActionResult>({ ok: true, intent, message: "The job is queued again." });
    if (outcome === "not_failed")
      return data<SyncActionResult>({ ok: false, intent, message: "That job is no longer failed." }, { status: 409 });
    return data<SyncActionResult>({ ok: false, intent, message: "No such failed job." }, { status: 404 });
  }
  return data<SyncActionResult>({ ok: false, intent, message: `Unknown action "${intent}".` }, { status: 400 });
};

export default function SyncStatusPage() {
  const s = useLoaderData<typeof loader>();
  const { locale } = s;
  const href = useAppHref();
  const refit = useFetcher<SyncActionResult>();
  const backfill = useFetcher<SyncActionResult>();
  const revalidator = useRevalidator();

  const active = s.backfills.some((b) => b.active) || (s.queues?.some((q) => q.waiting + q.active > 0) ?? false);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 5_000);
    return () => clearInterval(timer);
  }, [active, revalidator]);

  const n = (v: number) => formatNumber(v, locale);

  return (
    <Page
      title="Sync status"
      backAction={{ content: "Dashboard", url: href("/app") }}
      primaryAction={{
        content: "Refit now",
        loading: refit.state !== "idle",
        onAction: () => refit.submit({ intent: "refit" }, { method: "post" }),
      }}
      secondaryActions={[
        {
          content: "Import order history",
          disabled: s.backfills.some((b) => b.active) || backfill.state !== "idle",
          onAction: () => backfill.submit({ intent: "import" }, { method: "post" }),
        },
      ]}
    >
      <Layout>
        {refit.data ? (
          <Layout.Section>
            <Banner tone={refit.data.ok ? "success" : "critical"} onDismiss={undefined}>
              <p data-testid="refit-result">{refit.data.message}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {backfill.data ? (
          <Layout.Section>
            <Banner tone={backfill.data.ok === false ? "critical" : "success"}>
              <p>{backfill.data.message}</p>
            </Banner>
          </Layout.Section>
        ) : null}

        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Queues
                </Text>
                {s.queues ? (
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
                    headings={["Queue", "Waiting", "Active", "Delayed", "Failed"]}
                    rows={s.queues.map((q) => [q.name, n(q.waiting), n(q.active), n(q.delayed), n(q.failed)])}
                  />
                ) : (
                  <Banner tone="warning">
                    <p>Queue status is unavailable right now ({s.queueError}).</p>
                  </Banner>
                )}
                <Text as="p" variant="bodySm" tone="subdued">
                  Queue depths count the jobs of all stores served by this app; the failed jobs below are your store’s.
                </Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Last model fit
                  </Text>
                  {s.modelFit ? <Badge tone={statusTone(s.modelFit.status)}>{s.modelFit.status.replaceAll("_", " ")}</Badge> : null}
                </InlineStack>
                {s.modelFit ? (
                  <BlockStack gap="200">
                    <Text as="p">
                      {formatDateTime(s.modelFit.fittedAt, locale)} · {n(s.modelFit.customers)} customers, {n(s.modelFit.repeatCustomers)}{" "}
                      repeat customers · {n(s.modelFit.durationMs)} ms
                    </Text>
                    {s.modelFit.reason ? (
                      <Text as="p" tone="subdued">
                        {s.modelFit.reason}
                      </Text>
                    ) : null}
                    {s.modelFit.params.length > 0 ? (
                      <DataTable
                        columnContentTypes={["text", "numeric"]}
                        headings={["Parameter", "Value"]}
                        rows={s.modelFit.params.map((p) => [p.name, p.value])}
                      />
                    ) : null}
                  </BlockStack>
                ) : (
                  <Text as="p" tone="subdued">
                    The model has not been fitted for this store yet. It is fitted after the order history import, every night, and when you
                    press “Refit now”.
                  </Text>
                )}
              </BlockStack>
            </Card>
          </InlineGrid>
        </Layout.Section>

        <TableCard title="Failed jobs" emptyText="No failed jobs for your store." isEmpty={s.failedJobs.length === 0}>
          <DataTable
            columnContentTypes={["text", "text", "text", "numeric", "text", "text"]}
            headings={["Job", "Detail", "Reason", "Attempts", "Failed", ""]}
            rows={s.failedJobs.map((j) => [
              `${j.queue} · ${j.name}`,
              j.detail ?? "—",
              <span key="reason" style={{ whiteSpace: "normal", wordBreak: "break-word" }}>
                {j.failedReason}
              </span>,
              n(j.attemptsMade),
              formatDateTime(j.failedAt, locale),
              <RetryButton key="retry" job={j} />,
            ])}
          />
        </TableCard>

        <TableCard title="Webhooks" emptyText="No webhook processed yet." isEmpty={s.webhooks.length === 0}>
          <DataTable
            columnContentTypes={["text", "numeric", "text"]}
            headings={["Topic", "Deliveries", "Last processed"]}
            rows={s.webhooks.map((w) => [w.topic, n(w.deliveries), formatDateTime(w.lastProcessedAt, locale)])}
          />
        </TableCard>

        <TableCard title="Order history imports" emptyText="No import has run yet." isEmpty={s.backfills.length === 0}>
          <DataTable
            columnContentTypes={["text", "text", "numeric", "text"]}
            headings={["Started", "Status", "Progress", "Finished"]}
            rows={s.backfills.map((b) => [
              formatDateTime(b.startedAt, locale),
              <BlockStack gap="100" key="status" inlineAlign="start">
                <Badge tone={statusTone(b.status)}>{b.status}</Badge>
                {b.error ? (
                  <Text as="span" tone="critical" variant="bodySm">
                    {b.error}
                  </Text>
                ) : null}
                {b.onlyLast60Days ? (
                  <Text as="span" tone="subdued" variant="bodySm">
                    last 60 days only
                  </Text>
                ) : null}
              </BlockStack>,
              b.objectCount > 0 ? `${n(b.linesImported)} / ${n(b.objectCount)} (${formatPercent(b.fraction, locale)})` : n(b.linesImported),
              b.finishedAt ? formatDateTime(b.finishedAt, locale) : "—",
            ])}
          />
        </TableCard>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Sync status" />;
}
