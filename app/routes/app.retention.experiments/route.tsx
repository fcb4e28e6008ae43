// Holdout experiments (offers, loyalty perks, win-back codes): the list, and one experiment's report from
// app/experiments: customers per arm, revenue per customer, the difference with its 95 % interval, the cost
// given and the 12-month return from the predicted values, said plainly when the sample is too small.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, DataTable, EmptyState, Layout, Link, Text } from "@shopify/polaris";
import { z } from "zod";
import { authenticatePage } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { shopContext } from "~/data/shop.server";
import { experimentReportOf, SAMPLE_RULE, shopExperiments } from "~/data/experiments.server";
import { formatDate, formatNumber, localeOfRequest } from "~/lib/format";
import { AppPage } from "~/components/AppPage";
import { RouteError } from "~/components/RouteError";
import { useAppHref } from "~/components/app-links";
import { EMPTY_STATE_IMAGE } from "~/components/empty-state-image";
import { useI18n } from "~/i18n/context";
import { documentTitle } from "~/i18n/meta";
import type { MessageKey } from "~/i18n/translate";
import { ExperimentReportCard } from "./ExperimentReportCard";

export const meta: MetaFunction<typeof loader> = ({ data }) => documentTitle(data?.locale, "retention.experiments.documentTitle");

const querySchema = z.object({
  key: z
    .string()
    .regex(/^[A-Za-z0-9_:-]{1,64}$/)
    .optional()
    .catch(undefined),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const client = await db();
  const { key } = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const context = await shopContext(client, session.shop);
  const experiments = await shopExperiments(client, session.shop);
  const selectedKey = key ?? experiments[0]?.key ?? null;
  const selected =
    selectedKey === null ? null : await experimentReportOf(client, session.shop, selectedKey, { currencyCode: context.currencyCode });
  return {
    experiments,
    selected: selected === null ? null : { key: selected.experiment.key, kind: selected.experiment.kind, report: selected.report },
    notFound: key !== undefined && selected === null,
    sampleRule: SAMPLE_RULE,
    currencyCode: context.currencyCode,
    timeZone: context.timeZone,
    locale: localeOfRequest(request),
  };
};

export type ExperimentsLoaderData = Awaited<ReturnType<typeof loader>>;

const KIND_LABEL: Record<string, MessageKey> = {
  offers: "retention.experiments.kind.offers",
  perks: "retention.experiments.kind.perks",
  win_back: "retention.experiments.kind.win_back",
};

export default function ExperimentsPage() {
  const loaded = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const href = useAppHref();
  const date = (iso: string) => formatDate(iso, locale, loaded.timeZone);
  return (
    <AppPage
      title={t("retention.experiments.title")}
      backAction={{ content: t("retention.experiments.back"), url: href("/app/retention") }}
    >
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("retention.experiments.listHeading")}
              </Text>
              {loaded.experiments.length === 0 ? (
                <EmptyState heading={t("retention.experiments.none")} image={EMPTY_STATE_IMAGE} />
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "numeric"]}
                  headings={[
                    t("retention.experiments.key"),
                    t("retention.experiments.kind"),
                    t("retention.experiments.period"),
                    t("retention.experiments.customers"),
                  ]}
                  rows={loaded.experiments.map((e) => [
                    <Link key={e.key} url={href("/app/retention/experiments", { key: e.key })} removeUnderline>
                      {e.key}
                    </Link>,
                    Object.hasOwn(KIND_LABEL, e.kind) ? t(KIND_LABEL[e.kind]) : e.kind,
                    e.endedAt === null
                      ? t("retention.experiments.since", { start: date(e.startedAt) })
                      : t("retention.experiments.between", { start: date(e.startedAt), end: date(e.endedAt) }),
                    `${formatNumber(e.treatment, locale)} / ${formatNumber(e.holdout, locale)}`,
                  ])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        {loaded.notFound ? (
          <Layout.Section>
            <Card>
              <Text as="p">{t("retention.experiments.notFound")}</Text>
            </Card>
          </Layout.Section>
        ) : null}
        {loaded.selected ? (
          <Layout.Section>
            <ExperimentReportCard
              experimentKey={loaded.selected.key}
              report={loaded.selected.report}
              sampleRule={loaded.sampleRule}
              currencyCode={loaded.currencyCode}
            />
          </Layout.Section>
        ) : null}
      </Layout>
    </AppPage>
  );
}

export function ErrorBoundary() {
  return <RouteError title="retention.experiments.title" />;
}
