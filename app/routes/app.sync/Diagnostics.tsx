// The sync page's diagnostics, below the merchant's summary: queue depths, the last fit's parameters,
// failed jobs with Retry, webhooks per topic, and the import history.
import { Badge, Banner, BlockStack, Card, DataTable, InlineGrid, InlineStack, Layout, Text } from "@shopify/polaris";
import type { SyncStatus } from "~/data/sync-status.server";
import { formatDateTime, formatNumber, formatPercent } from "~/lib/format";
import { TableCard } from "~/components/TableCard";
import { useI18n } from "~/i18n/context";
import { RetryButton } from "./RetryButton";
import { statusTone } from "./status-tone";

export function Diagnostics({ s, timeZone }: { s: SyncStatus; timeZone: string }) {
  const { t, locale } = useI18n();
  const n = (v: number) => formatNumber(v, locale);
  const when = (iso: string | null) => formatDateTime(iso, locale, timeZone);
  return (
    <>
      <Layout.Section>
        <BlockStack gap="200">
          <Text as="h2" variant="headingLg">
            {t("diagnostics.heading")}
          </Text>
          <Text as="p" tone="subdued">
            {t("diagnostics.intro")}
          </Text>
        </BlockStack>
      </Layout.Section>
      <Layout.Section>
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <Card>
            <BlockStack gap="300">
              <Text as="h3" variant="headingMd">
                {t("diagnostics.queues")}
              </Text>
              {s.queues ? (
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
                  headings={[
                    t("diagnostics.queue"),
                    t("diagnostics.waiting"),
                    t("diagnostics.active"),
                    t("diagnostics.delayed"),
                    t("diagnostics.failed"),
                  ]}
                  rows={s.queues.map((q) => [q.name, n(q.waiting), n(q.active), n(q.delayed), n(q.failed)])}
                />
              ) : (
                <Banner tone="warning">
                  <p>{t("diagnostics.queuesUnavailable", { error: s.queueError ?? "" })}</p>
                </Banner>
              )}
              <Text as="p" variant="bodySm" tone="subdued">
                {t("diagnostics.queuesNote")}
              </Text>
            </BlockStack>
          </Card>
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h3" variant="headingMd">
                  {t("diagnostics.lastFit")}
                </Text>
                {s.modelFit ? <Badge tone={statusTone(s.modelFit.status)}>{s.modelFit.status.replaceAll("_", " ")}</Badge> : null}
              </InlineStack>
              {s.modelFit ? (
                <BlockStack gap="200">
                  <Text as="p">
                    {t("diagnostics.fitLine", {
                      when: when(s.modelFit.fittedAt),
                      customers: s.modelFit.customers,
                      repeat: s.modelFit.repeatCustomers,
                      ms: s.modelFit.durationMs,
                    })}
                  </Text>
                  {s.modelFit.reason ? (
                    <Text as="p" tone="subdued">
                      {s.modelFit.reason}
                    </Text>
                  ) : null}
                  {s.modelFit.params.length > 0 ? (
                    <DataTable
                      columnContentTypes={["text", "numeric"]}
                      headings={[t("diagnostics.parameter"), t("diagnostics.value")]}
                      rows={s.modelFit.params.map((p) => [p.name, p.value])}
                    />
                  ) : null}
                </BlockStack>
              ) : (
                <Text as="p" tone="subdued">
                  {t("health.model.neverDetail")}
                </Text>
              )}
            </BlockStack>
          </Card>
        </InlineGrid>
      </Layout.Section>

      <TableCard
        title={t("diagnostics.failedJobs")}
        emptyText={t("diagnostics.noFailedJobs")}
        isEmpty={s.failedJobs.length === 0}
        headingLevel="h3"
      >
        <DataTable
          columnContentTypes={["text", "text", "text", "numeric", "text", "text"]}
          headings={[
            t("diagnostics.job"),
            t("diagnostics.detail"),
            t("diagnostics.reason"),
            t("diagnostics.attempts"),
            t("diagnostics.failedAt"),
            "",
          ]}
          rows={s.failedJobs.map((j) => [
            `${j.queue} · ${j.name}`,
            j.detail ?? "—",
            <span key="reason" style={{ whiteSpace: "normal", wordBreak: "break-word" }}>
              {j.failedReason}
            </span>,
            n(j.attemptsMade),
            when(j.failedAt),
            <RetryButton key="retry" job={j} />,
          ])}
        />
      </TableCard>

      <TableCard
        title={t("diagnostics.webhooks")}
        emptyText={t("diagnostics.noWebhooks")}
        isEmpty={s.webhooks.length === 0}
        headingLevel="h3"
      >
        <DataTable
          columnContentTypes={["text", "numeric", "text"]}
          headings={[t("diagnostics.topic"), t("diagnostics.deliveries"), t("diagnostics.lastProcessed")]}
          rows={s.webhooks.map((w) => [w.topic, n(w.deliveries), when(w.lastProcessedAt)])}
        />
      </TableCard>

      <TableCard
        title={t("diagnostics.imports")}
        emptyText={t("diagnostics.noImports")}
        isEmpty={s.backfills.length === 0}
        headingLevel="h3"
      >
        <DataTable
          columnContentTypes={["text", "text", "numeric", "text"]}
          headings={[t("diagnostics.started"), t("diagnostics.status"), t("diagnostics.progress"), t("diagnostics.finished")]}
          rows={s.backfills.map((b) => [
            when(b.startedAt),
            <BlockStack gap="100" key="status" inlineAlign="start">
              <Badge tone={statusTone(b.status)}>{b.status}</Badge>
              {b.error ? (
                <Text as="span" tone="critical" variant="bodySm">
                  {b.error}
                </Text>
              ) : null}
              {b.onlyLast60Days ? (
                <Text as="span" tone="subdued" variant="bodySm">
                  {t("diagnostics.last60")}
                </Text>
              ) : null}
            </BlockStack>,
            b.objectCount > 0 ? `${n(b.linesImported)} / ${n(b.objectCount)} (${formatPercent(b.fraction, locale)})` : n(b.linesImported),
            b.finishedAt ? when(b.finishedAt) : "—",
          ])}
        />
      </TableCard>
    </>
  );
}
