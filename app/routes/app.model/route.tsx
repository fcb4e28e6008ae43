// GET /app/model: how good the shop's predictions are, in words a merchant reads. Which model was chosen and
// why, how it compares with a simple guess, how often the 80% ranges held, the latest test week by week, the
// calibration of the chance of ordering again, and every model's scores; for a shop without predictions, why
// and what it needs. The figures come from the latest fit (app/data/model-accuracy.server.ts).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, EmptyState, InlineGrid, Layout, Text } from "@shopify/polaris";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { authenticatePage } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { modelAccuracy } from "~/data/model-accuracy.server";
import { shopContext } from "~/data/shop.server";
import { formatCalendarDate, formatDateTime, formatNumber, formatPercent, localeOfRequest } from "~/lib/format";
import { AppPage } from "~/components/AppPage";
import { useAppHref } from "~/components/app-links";
import { RouteError } from "~/components/RouteError";
import { EMPTY_STATE_IMAGE } from "~/components/empty-state-image";
import { useI18n } from "~/i18n/context";
import { documentTitle } from "~/i18n/meta";
import { CalibrationChart, TrackingChart } from "./AccuracyCharts";
import { ScoresTable } from "./ScoresTable";
import { Verdict } from "./Verdict";

export const links = () => [{ rel: "stylesheet", href: polarisVizStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => documentTitle(data?.locale, "accuracy.title");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const client = await db();
  const [accuracy, context] = await Promise.all([modelAccuracy(client, session.shop), shopContext(client, session.shop)]);
  return { accuracy, timeZone: context.timeZone, locale: localeOfRequest(request) };
};

export default function ModelAccuracyPage() {
  const { accuracy: a, timeZone } = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const href = useAppHref();
  const percent = (value: number) => formatPercent(value, locale);

  return (
    <AppPage title={t("accuracy.title")} backAction={{ content: t("nav.sync"), url: href("/app/sync") }}>
      <Layout>
        {!a ? (
          <Layout.Section>
            <Card>
              <EmptyState
                heading={t("accuracy.noFit.heading")}
                image={EMPTY_STATE_IMAGE}
                action={{ content: t("nav.sync"), url: href("/app/sync") }}
              >
                <p>{t("accuracy.noFit.body")}</p>
              </EmptyState>
            </Card>
          </Layout.Section>
        ) : (
          <>
            <Layout.Section>
              <Verdict accuracy={a} />
              <Text as="p" variant="bodySm" tone="subdued">
                {t("accuracy.fittedAt", {
                  date: formatDateTime(a.fittedAt, locale, timeZone),
                  customers: a.customers,
                  repeat: a.repeatCustomers,
                })}
              </Text>
            </Layout.Section>

            {a.baselineComparison || a.coverage ? (
              <Layout.Section>
                <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
                  {a.baselineComparison ? (
                    <Card>
                      <BlockStack gap="200">
                        <Text as="h2" variant="headingMd">
                          {t("accuracy.baseline.heading")}
                        </Text>
                        <Text as="p">
                          <span data-testid="baseline-comparison">
                            {a.baselineComparison.improvement > 0
                              ? t("accuracy.baseline.better", {
                                  model: a.shownModelLabel ?? "",
                                  percent: percent(a.baselineComparison.improvement),
                                })
                              : t("accuracy.baseline.worse", {
                                  model: a.shownModelLabel ?? "",
                                  percent: percent(-a.baselineComparison.improvement),
                                })}
                          </span>
                        </Text>
                        <Text as="p" variant="bodySm" tone="subdued">
                          {t("accuracy.baseline.figures", {
                            model: a.shownModelLabel ?? "",
                            modelError: formatNumber(a.baselineComparison.modelRmse, locale, 2),
                            baselineError: formatNumber(a.baselineComparison.baselineRmse, locale, 2),
                          })}
                        </Text>
                      </BlockStack>
                    </Card>
                  ) : null}
                  {a.coverage ? (
                    <Card>
                      <BlockStack gap="200">
                        <Text as="h2" variant="headingMd">
                          {t("accuracy.coverage.heading")}
                        </Text>
                        <Text as="p">
                          <span data-testid="coverage">
                            {t("accuracy.coverage.body", { observed: formatPercent(a.coverage.observed, locale, 1) })}
                          </span>
                        </Text>
                        {a.coverage.expected !== null ? (
                          <Text as="p" variant="bodySm" tone="subdued">
                            {t("accuracy.coverage.expected", { expected: formatPercent(a.coverage.expected, locale, 1) })}
                          </Text>
                        ) : null}
                      </BlockStack>
                    </Card>
                  ) : null}
                </InlineGrid>
              </Layout.Section>
            ) : null}

            {a.evidence ? (
              <>
                <Layout.Section>
                  <Card>
                    <BlockStack gap="300">
                      <Text as="h2" variant="headingMd">
                        {t("accuracy.tracking.heading")}
                      </Text>
                      <Text as="p" variant="bodySm" tone="subdued">
                        {t("accuracy.tracking.caption", {
                          model: a.evidence.modelLabel,
                          from: formatCalendarDate(a.evidence.calibrationEnd, locale),
                          to: formatCalendarDate(a.evidence.holdoutEnd, locale),
                          days: a.evidence.holdoutDays,
                          customers: a.evidence.customers,
                        })}
                      </Text>
                      <TrackingChart weeks={a.evidence.weeks} />
                      <Text as="p">
                        <span data-testid="tracking-totals">
                          {t("accuracy.tracking.totals", {
                            predicted: formatNumber(a.evidence.predictedPurchases, locale),
                            actual: formatNumber(a.evidence.actualPurchases, locale),
                            baseline: formatNumber(a.evidence.baselinePurchases, locale),
                          })}
                        </span>
                      </Text>
                    </BlockStack>
                  </Card>
                </Layout.Section>
                <Layout.Section>
                  <Card>
                    <BlockStack gap="300">
                      <Text as="h2" variant="headingMd">
                        {t("accuracy.calibration.heading")}
                      </Text>
                      <Text as="p" variant="bodySm" tone="subdued">
                        {t("accuracy.calibration.caption")}
                      </Text>
                      <CalibrationChart buckets={a.evidence.calibration} />
                    </BlockStack>
                  </Card>
                </Layout.Section>
              </>
            ) : null}

            {a.choice ? (
              <Layout.Section>
                <Card>
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">
                      {t("accuracy.scores.heading")}
                    </Text>
                    <ScoresTable cutoffs={a.cutoffs} chosen={a.model} />
                  </BlockStack>
                </Card>
              </Layout.Section>
            ) : null}
          </>
        )}
      </Layout>
    </AppPage>
  );
}

export function ErrorBoundary() {
  return <RouteError title="accuracy.title" />;
}
