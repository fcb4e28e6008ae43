// The tiers editor: the ladder (basis, window, up to 10 tiers with retention and perks), a live preview of how
// many customers, how much net revenue and predicted value each draft tier would hold over the whole history,
// and a contextual save bar. Saving re-evaluates every customer in the background, with progress; the program
// stays on throughout.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  DataTable,
  FormLayout,
  InlineStack,
  Layout,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { SaveBar } from "@shopify/app-bridge-react";
import { useEffect, useMemo, useRef, useState } from "react";
import { authenticate } from "~/shopify.server";
import { authenticatePage } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { loadProgram, saveTiers } from "~/data/loyalty-program.server";
import { createEvaluationRun, forgetPreviewPopulation, latestEvaluationRun, previewTierDraft } from "~/data/loyalty-evaluation.server";
import { tierDiscountRecords } from "~/data/loyalty-discounts.server";
import { enqueueTierDiscountSync, enqueueTierEvaluation, EVALUATION_AFTER_EDIT_DELAY_MS } from "~/queues/loyalty.server";
import type { TierSummaryRow } from "~/loyalty";
import { formatNumber, localeOfRequest } from "~/lib/format";
import { AppPage } from "~/components/AppPage";
import { useAppBridge } from "~/components/app-links";
import { RouteError } from "~/components/RouteError";
import { ChoiceInput, rowFieldSetter, SaveResultBanner, TextInput } from "~/components/form-fields";
import { useI18n } from "~/i18n/context";
import { documentTitle } from "~/i18n/meta";
import type { Text as Message, Translate } from "~/i18n/translate";
import { FormErrors, LoyaltyTabs, money, ProgramFirstBanner, useFieldErrors, type FieldError } from "../app.loyalty._index/loyalty-ui";
import { draftOf, emptyRow, isMoneyBasis, programInputOf, type TierDraft, type TierDraftRow } from "./tier-draft";

export const meta: MetaFunction<typeof loader> = ({ data }) => documentTitle(data?.locale, "loyalty.tiers.title");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const client = await db();
  const [program, run, discounts] = await Promise.all([
    loadProgram(client, session.shop),
    latestEvaluationRun(client, session.shop),
    tierDiscountRecords(client, session.shop),
  ]);
  const currencyCode = program?.currencyCode ?? "USD";
  return {
    exists: program !== null,
    currencyCode,
    draft: draftOf(program?.tiers ?? null, currencyCode),
    run: run ? { id: run.id, status: run.status, total: run.total, done: run.done } : null,
    // Each tier's automatic discount in Shopify: written (with its id) or refused (with Shopify's words).
    discounts: Object.fromEntries([...discounts].map(([tierId, r]) => [tierId, { active: r.discountId !== null, error: r.error }])),
    locale: localeOfRequest(request),
  };
};

export type TiersActionResult =
  | { intent: "preview"; ok: true; rows: TierSummaryRow[]; customers: number }
  | { intent: "save"; ok: true; runId: string; message: Message }
  | { intent: "preview" | "save"; ok: false; errors: FieldError[]; message: Message };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const body = (await request.json()) as { intent: "preview" | "save"; draft: TierDraft };
  const client = await db();
  const program = await loadProgram(client, session.shop);
  if (!program)
    return data<TiersActionResult>(
      { intent: body.intent, ok: false, errors: [], message: { key: "loyalty.common.programFirst" } },
      { status: 400 },
    );
  const input = programInputOf(body.draft, program.currencyCode);
  if (body.intent === "preview") {
    const preview = await previewTierDraft(client, session.shop, input);
    if (!preview.ok)
      return data<TiersActionResult>({
        intent: "preview",
        ok: false,
        errors: preview.errors,
        message: { key: "loyalty.tiers.previewFix" },
      });
    return data<TiersActionResult>({ intent: "preview", ok: true, rows: preview.rows, customers: preview.customers });
  }
  const saved = await saveTiers(client, session.shop, input);
  if (!saved.ok)
    return data<TiersActionResult>(
      { intent: "save", ok: false, errors: saved.errors, message: { key: "loyalty.common.checkFields" } },
      { status: 400 },
    );
  const runId = await createEvaluationRun(client, session.shop, "tiers_changed", saved.value.tiersVersion);
  forgetPreviewPopulation(session.shop);
  try {
    await enqueueTierEvaluation({ shop: session.shop, reason: "tiers_changed", runId }, EVALUATION_AFTER_EDIT_DELAY_MS);
    // A tier's automatic discount follows its percentage and name (and goes when the perk is switched off).
    await enqueueTierDiscountSync(session.shop);
  } catch {
    return data<TiersActionResult>({
      intent: "save",
      ok: true,
      runId,
      message: { key: "loyalty.tiers.savedNotQueued" },
    });
  }
  return data<TiersActionResult>({ intent: "save", ok: true, runId, message: { key: "loyalty.tiers.saved" } });
};

type Basis = TierDraft["basis"];
type Window = NonNullable<TierDraft["window"]>;

const basisOptions = (t: Translate): { label: string; value: Basis }[] => [
  { label: t("loyalty.tiers.basisNetSpend"), value: "net_spend" },
  { label: t("loyalty.tiers.basisOrderCount"), value: "order_count" },
  { label: t("loyalty.tiers.basisPointsEarned"), value: "points_earned" },
  { label: t("loyalty.tiers.basisPredicted"), value: "predicted_clv" },
];
const windowOptions = (t: Translate): { label: string; value: Window }[] => [
  { label: t("loyalty.tiers.windowLifetime"), value: "lifetime" },
  { label: t("loyalty.tiers.windowCalendarYear"), value: "calendar_year" },
  { label: t("loyalty.tiers.windowRolling"), value: "rolling_12_months" },
];
const retentionOptions = (t: Translate): { label: string; value: TierDraftRow["retention"] }[] => [
  { label: t("loyalty.tiers.retentionImmediate"), value: "immediate" },
  { label: t("loyalty.tiers.retentionGrace"), value: "grace_period" },
  { label: t("loyalty.tiers.retentionReview"), value: "review_date" },
];

/** The message of a save's answer (a preview that worked has none). */
function messageOf(result: TiersActionResult): Message | null {
  if (!result.ok) return result.message;
  return result.intent === "save" ? result.message : null;
}

type DiscountState = { active: boolean; error: string | null } | undefined;

/** Under the "automatic discount" box: whether Shopify has it, or why it refused. */
function discountHelp(t: Translate, row: TierDraftRow, state: DiscountState): string {
  if (!row.automaticDiscount) return t("loyalty.tiers.automaticDiscountHelp");
  if (state?.error) return t("loyalty.tiers.automaticDiscountRefused", { reason: state.error });
  return state?.active ? t("loyalty.tiers.automaticDiscountActive") : t("loyalty.tiers.automaticDiscountPending");
}

function TierRow({
  row,
  index,
  basis,
  currencyCode,
  errors,
  discount,
  onChange,
  onRemove,
}: {
  row: TierDraftRow;
  index: number;
  basis: string;
  currencyCode: string;
  errors: FieldError[] | undefined;
  discount: DiscountState;
  onChange: (row: TierDraftRow) => void;
  onRemove: (() => void) | null;
}) {
  const { t } = useI18n();
  const errorAt = useFieldErrors(errors);
  const at = (field: string) => errorAt(`tiers.${index}.${field}`);
  const set = rowFieldSetter(row, onChange);
  const thresholdLabel = isMoneyBasis(basis)
    ? t("loyalty.tiers.thresholdMoney", { currency: currencyCode })
    : basis === "order_count"
      ? t("loyalty.tiers.thresholdOrders")
      : t("loyalty.tiers.thresholdPoints");
  return (
    <Box padding="300" borderColor="border" borderWidth="025" borderRadius="200">
      <BlockStack gap="300">
        <FormLayout>
          <FormLayout.Group condensed>
            <TextInput label={t("loyalty.tiers.name")} value={row.name} onChange={set("name")} error={at("name")} />
            <TextInput label={thresholdLabel} value={row.threshold} onChange={set("threshold")} error={at("threshold")} />
            <ChoiceInput
              label={t("loyalty.tiers.retention")}
              options={retentionOptions(t)}
              value={row.retention}
              onChange={set("retention")}
            />
          </FormLayout.Group>
          {row.retention === "grace_period" ? (
            <TextInput
              label={t("loyalty.tiers.graceDays")}
              type="number"
              value={row.graceDays}
              onChange={set("graceDays")}
              error={at("retention.days")}
            />
          ) : null}
          {row.retention === "review_date" ? (
            <FormLayout.Group condensed>
              <TextInput
                label={t("loyalty.tiers.reviewMonth")}
                type="number"
                value={row.reviewMonth}
                onChange={set("reviewMonth")}
                error={at("retention.month")}
              />
              <TextInput
                label={t("loyalty.tiers.reviewDay")}
                type="number"
                value={row.reviewDay}
                onChange={set("reviewDay")}
                error={at("retention.day")}
              />
            </FormLayout.Group>
          ) : null}
          <FormLayout.Group condensed>
            <TextInput
              label={t("loyalty.tiers.pointsMultiplier")}
              value={row.pointsMultiplier}
              onChange={set("pointsMultiplier")}
              error={at("perks.pointsMultiplier")}
            />
            <TextInput
              label={t("loyalty.tiers.percentOff")}
              value={row.percentOff}
              onChange={set("percentOff")}
              error={at("perks.percentOff")}
            />
            <TextInput
              label={t("loyalty.tiers.description")}
              value={row.description}
              onChange={set("description")}
              error={at("perks.description")}
            />
          </FormLayout.Group>
          <Checkbox
            label={t("loyalty.tiers.automaticDiscount")}
            helpText={discountHelp(t, row, discount)}
            checked={row.automaticDiscount}
            onChange={set("automaticDiscount")}
            error={at("perks.automaticDiscount")}
          />
          <Checkbox label={t("loyalty.tiers.freeShipping")} checked={row.freeShipping} onChange={set("freeShipping")} />
        </FormLayout>
        {onRemove ? (
          <InlineStack align="end">
            <Button tone="critical" variant="plain" onClick={onRemove}>
              {t("loyalty.tiers.remove")}
            </Button>
          </InlineStack>
        ) : null}
      </BlockStack>
    </Box>
  );
}

export default function LoyaltyTiersPage() {
  const loaded = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const embedded = useAppBridge();
  const [draft, setDraft] = useState<TierDraft>(loaded.draft);
  const [saved, setSaved] = useState<TierDraft>(loaded.draft);
  const preview = useFetcher<TiersActionResult>();
  const saver = useFetcher<TiersActionResult>();
  const revalidator = useRevalidator();
  const dirty = useMemo(() => JSON.stringify(draft) !== JSON.stringify(saved), [draft, saved]);
  const requestPreview = useRef(preview.submit);
  requestPreview.current = preview.submit;

  // The preview follows the draft, a moment after the merchant stops typing.
  useEffect(() => {
    if (!loaded.exists) return;
    const timer = setTimeout(
      () => requestPreview.current({ intent: "preview", draft } as never, { method: "post", encType: "application/json" }),
      400,
    );
    return () => clearTimeout(timer);
  }, [draft, loaded.exists]);

  useEffect(() => {
    if (saver.data?.intent === "save" && saver.data.ok) setSaved(draft);
    // only when a save answers
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [saver.data]);

  const running = loaded.run?.status === "running";
  useEffect(() => {
    if (!running && !(saver.data?.intent === "save" && saver.data.ok)) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 2_000);
    return () => clearInterval(timer);
  }, [running, saver.data, revalidator]);

  const save = () => saver.submit({ intent: "save", draft } as never, { method: "post", encType: "application/json" });
  const discard = () => setDraft(saved);
  const errors = saver.data && !saver.data.ok ? saver.data.errors : preview.data && !preview.data.ok ? preview.data.errors : undefined;
  const errorAt = useFieldErrors(errors);
  const rows = preview.data?.intent === "preview" && preview.data.ok ? preview.data : null;
  const setRow = (index: number) => (row: TierDraftRow) =>
    setDraft((d) => ({ ...d, tiers: d.tiers.map((r, i) => (i === index ? row : r)) }));
  const shown = (path: string) => path === "basis" || path === "window" || /^tiers\.\d+\./.test(path);
  const saverMessage = saver.data ? messageOf(saver.data) : null;

  return (
    <AppPage
      title={t("loyalty.tiers.title")}
      primaryAction={{ content: t("loyalty.common.save"), onAction: save, disabled: !dirty, loading: saver.state !== "idle" }}
    >
      {embedded ? (
        <SaveBar id="loyalty-tiers-save-bar" open={dirty}>
          <button {...({ variant: "primary" } as Record<string, string>)} onClick={save} disabled={saver.state !== "idle"}></button>
          <button onClick={discard}></button>
        </SaveBar>
      ) : null}
      <Layout>
        <Layout.Section>
          <LoyaltyTabs />
        </Layout.Section>
        {!loaded.exists ? (
          <Layout.Section>
            <ProgramFirstBanner />
          </Layout.Section>
        ) : null}
        {!embedded && dirty ? (
          <Layout.Section>
            <Banner tone="info" title={t("loyalty.tiers.unsaved")}>
              <InlineStack gap="200">
                <Button variant="primary" onClick={save} loading={saver.state !== "idle"}>
                  {t("loyalty.common.save")}
                </Button>
                <Button onClick={discard}>{t("loyalty.tiers.discard")}</Button>
              </InlineStack>
            </Banner>
          </Layout.Section>
        ) : null}
        {saver.data && saverMessage ? (
          <Layout.Section>
            <SaveResultBanner ok={saver.data.ok} message={t(saverMessage.key, saverMessage.params)} />
          </Layout.Section>
        ) : null}
        {loaded.run && running ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="p">
                  {t("loyalty.tiers.progress", {
                    done: formatNumber(loaded.run.done, locale),
                    total: formatNumber(loaded.run.total, locale),
                  })}
                </Text>
                <ProgressBar progress={loaded.run.total > 0 ? Math.round((100 * loaded.run.done) / loaded.run.total) : 0} size="small" />
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <FormLayout>
                <FormLayout.Group>
                  <ChoiceInput
                    label={t("loyalty.tiers.basis")}
                    options={basisOptions(t)}
                    value={draft.basis}
                    onChange={(basis) =>
                      setDraft((d) => ({ ...d, basis, window: basis === "predicted_clv" ? null : (d.window ?? "lifetime") }))
                    }
                    error={errorAt("basis")}
                  />
                  {draft.basis !== "predicted_clv" ? (
                    <ChoiceInput
                      label={t("loyalty.tiers.window")}
                      options={windowOptions(t)}
                      value={draft.window ?? "lifetime"}
                      onChange={(window) => setDraft((d) => ({ ...d, window }))}
                      error={errorAt("window")}
                    />
                  ) : (
                    <Text as="p" tone="subdued">
                      {t("loyalty.tiers.predictedNoWindow")}
                    </Text>
                  )}
                </FormLayout.Group>
              </FormLayout>
              {draft.tiers.map((row, index) => (
                <TierRow
                  key={row.id}
                  row={row}
                  index={index}
                  basis={draft.basis}
                  currencyCode={loaded.currencyCode}
                  errors={errors}
                  discount={loaded.discounts[row.id]}
                  onChange={setRow(index)}
                  onRemove={draft.tiers.length > 1 ? () => setDraft((d) => ({ ...d, tiers: d.tiers.filter((_, i) => i !== index) })) : null}
                />
              ))}
              <InlineStack>
                <Button
                  onClick={() => setDraft((d) => ({ ...d, tiers: [...d.tiers, emptyRow(d.tiers.length)] }))}
                  disabled={draft.tiers.length >= 10}
                >
                  {t("loyalty.tiers.add")}
                </Button>
              </InlineStack>
              <FormErrors errors={errors} shown={shown} />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("loyalty.tiers.previewHeading")}
              </Text>
              {rows ? (
                <>
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                    headings={[
                      t("loyalty.common.tier"),
                      t("loyalty.tiers.previewCustomers"),
                      t("loyalty.tiers.previewRevenue"),
                      t("loyalty.tiers.previewPredicted"),
                    ]}
                    rows={rows.rows.map((r) => [
                      r.name ?? t("loyalty.common.noTier"),
                      formatNumber(r.customers, locale),
                      money(r.netRevenueMinor, loaded.currencyCode, locale),
                      money(r.predictedValueMinor, loaded.currencyCode, locale),
                    ])}
                  />
                  <Text as="p" tone="subdued" variant="bodySm">
                    {t("loyalty.tiers.previewTotal", { count: rows.customers })}
                  </Text>
                </>
              ) : (
                <Text as="p" tone="subdued">
                  {preview.state !== "idle"
                    ? t("loyalty.tiers.previewComputing")
                    : preview.data && !preview.data.ok
                      ? t(preview.data.message.key, preview.data.message.params)
                      : t("loyalty.tiers.previewEmpty")}
                </Text>
              )}
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
