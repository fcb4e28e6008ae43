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
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { SaveBar } from "@shopify/app-bridge-react";
import { useEffect, useMemo, useRef, useState } from "react";
import { authenticate } from "~/shopify.server";
import { authenticatePage } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { loadProgram, saveTiers } from "~/data/loyalty-program.server";
import { createEvaluationRun, forgetPreviewPopulation, latestEvaluationRun, previewTierDraft } from "~/data/loyalty-evaluation.server";
import { enqueueTierEvaluation, EVALUATION_AFTER_EDIT_DELAY_MS } from "~/queues/loyalty.server";
import type { TierSummaryRow } from "~/loyalty";
import { formatNumber, localeOfRequest } from "~/lib/format";
import { AppPage } from "~/components/AppPage";
import { useAppBridge } from "~/components/app-links";
import { RouteError } from "~/components/RouteError";
import { useI18n } from "~/i18n/context";
import { errorAt, FormErrors, LoyaltyTabs, money, type FieldError } from "../app.loyalty._index/loyalty-ui";
import { draftOf, emptyRow, isMoneyBasis, programInputOf, type TierDraft, type TierDraftRow } from "./tier-draft";

export const meta: MetaFunction = () => [{ title: "Loyalty tiers" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const client = await db();
  const [program, run] = await Promise.all([loadProgram(client, session.shop), latestEvaluationRun(client, session.shop)]);
  const currencyCode = program?.currencyCode ?? "USD";
  return {
    exists: program !== null,
    currencyCode,
    draft: draftOf(program?.tiers ?? null, currencyCode),
    run: run ? { id: run.id, status: run.status, total: run.total, done: run.done } : null,
    locale: localeOfRequest(request),
  };
};

export type TiersActionResult =
  | { intent: "preview"; ok: true; rows: TierSummaryRow[]; customers: number }
  | { intent: "save"; ok: true; runId: string; message: string }
  | { intent: "preview" | "save"; ok: false; errors: FieldError[]; message: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const body = (await request.json()) as { intent: "preview" | "save"; draft: TierDraft };
  const client = await db();
  const program = await loadProgram(client, session.shop);
  if (!program)
    return data<TiersActionResult>({ intent: body.intent, ok: false, errors: [], message: "Set up the program first" }, { status: 400 });
  const input = programInputOf(body.draft, program.currencyCode);
  if (body.intent === "preview") {
    const preview = await previewTierDraft(client, session.shop, input);
    if (!preview.ok)
      return data<TiersActionResult>({
        intent: "preview",
        ok: false,
        errors: preview.errors,
        message: "Fix the highlighted fields to see the preview",
      });
    return data<TiersActionResult>({ intent: "preview", ok: true, rows: preview.rows, customers: preview.customers });
  }
  const saved = await saveTiers(client, session.shop, input);
  if (!saved.ok)
    return data<TiersActionResult>(
      { intent: "save", ok: false, errors: saved.errors, message: "Check the highlighted fields" },
      { status: 400 },
    );
  const runId = await createEvaluationRun(client, session.shop, "tiers_changed", saved.value.tiersVersion);
  forgetPreviewPopulation(session.shop);
  try {
    await enqueueTierEvaluation({ shop: session.shop, reason: "tiers_changed", runId }, EVALUATION_AFTER_EDIT_DELAY_MS);
  } catch {
    return data<TiersActionResult>({
      intent: "save",
      ok: true,
      runId,
      message: "Saved. The re-evaluation could not be queued now; it runs with the nightly pass.",
    });
  }
  return data<TiersActionResult>({ intent: "save", ok: true, runId, message: "Saved: every customer is being re-evaluated." });
};

const BASES = [
  { label: "Net spend", value: "net_spend" },
  { label: "Number of orders", value: "order_count" },
  { label: "Points earned", value: "points_earned" },
  { label: "Predicted 12-month value", value: "predicted_clv" },
];
const WINDOWS = [
  { label: "Lifetime", value: "lifetime" },
  { label: "Calendar year", value: "calendar_year" },
  { label: "Rolling 12 months", value: "rolling_12_months" },
];
const RETENTIONS = [
  { label: "Demote at once", value: "immediate" },
  { label: "Grace period", value: "grace_period" },
  { label: "Keep until a review date", value: "review_date" },
];

function TierRow({
  row,
  index,
  basis,
  currencyCode,
  errors,
  onChange,
  onRemove,
}: {
  row: TierDraftRow;
  index: number;
  basis: string;
  currencyCode: string;
  errors: FieldError[] | undefined;
  onChange: (row: TierDraftRow) => void;
  onRemove: (() => void) | null;
}) {
  const at = (field: string) => errorAt(errors, `tiers.${index}.${field}`);
  const set =
    <K extends keyof TierDraftRow>(key: K) =>
    (value: TierDraftRow[K]) =>
      onChange({ ...row, [key]: value });
  return (
    <Box padding="300" borderColor="border" borderWidth="025" borderRadius="200">
      <BlockStack gap="300">
        <FormLayout>
          <FormLayout.Group condensed>
            <TextField label="Name" autoComplete="off" value={row.name} onChange={set("name")} error={at("name")} />
            <TextField
              label={
                isMoneyBasis(basis) ? `Threshold (${currencyCode})` : basis === "order_count" ? "Threshold (orders)" : "Threshold (points)"
              }
              autoComplete="off"
              value={row.threshold}
              onChange={set("threshold")}
              error={at("threshold")}
            />
            <Select
              label="When the member falls below"
              options={RETENTIONS}
              value={row.retention}
              onChange={(v) => set("retention")(v as TierDraftRow["retention"])}
            />
          </FormLayout.Group>
          {row.retention === "grace_period" ? (
            <TextField
              label="Grace period (days)"
              type="number"
              autoComplete="off"
              value={row.graceDays}
              onChange={set("graceDays")}
              error={at("retention.days")}
            />
          ) : null}
          {row.retention === "review_date" ? (
            <FormLayout.Group condensed>
              <TextField
                label="Review month"
                type="number"
                autoComplete="off"
                value={row.reviewMonth}
                onChange={set("reviewMonth")}
                error={at("retention.month")}
              />
              <TextField
                label="Review day"
                type="number"
                autoComplete="off"
                value={row.reviewDay}
                onChange={set("reviewDay")}
                error={at("retention.day")}
              />
            </FormLayout.Group>
          ) : null}
          <FormLayout.Group condensed>
            <TextField
              label="Points multiplier"
              autoComplete="off"
              value={row.pointsMultiplier}
              onChange={set("pointsMultiplier")}
              error={at("perks.pointsMultiplier")}
            />
            <TextField
              label="Discount (%)"
              autoComplete="off"
              value={row.percentOff}
              onChange={set("percentOff")}
              error={at("perks.percentOff")}
            />
            <TextField
              label="Perk description"
              autoComplete="off"
              value={row.description}
              onChange={set("description")}
              error={at("perks.description")}
            />
          </FormLayout.Group>
          <Checkbox label="Free shipping" checked={row.freeShipping} onChange={set("freeShipping")} />
        </FormLayout>
        {onRemove ? (
          <InlineStack align="end">
            <Button tone="critical" variant="plain" onClick={onRemove}>
              Remove tier
            </Button>
          </InlineStack>
        ) : null}
      </BlockStack>
    </Box>
  );
}

export default function LoyaltyTiersPage() {
  const loaded = useLoaderData<typeof loader>();
  const { locale } = useI18n();
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
  const rows = preview.data?.intent === "preview" && preview.data.ok ? preview.data : null;
  const setRow = (index: number) => (row: TierDraftRow) =>
    setDraft((d) => ({ ...d, tiers: d.tiers.map((r, i) => (i === index ? row : r)) }));
  const shown = (path: string) => path === "basis" || path === "window" || /^tiers\.\d+\./.test(path);

  return (
    <AppPage title="Loyalty tiers" primaryAction={{ content: "Save", onAction: save, disabled: !dirty, loading: saver.state !== "idle" }}>
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
            <Banner tone="warning">
              <p>Save the program settings first.</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {!embedded && dirty ? (
          <Layout.Section>
            <Banner tone="info" title="Unsaved changes">
              <InlineStack gap="200">
                <Button variant="primary" onClick={save} loading={saver.state !== "idle"}>
                  Save
                </Button>
                <Button onClick={discard}>Discard</Button>
              </InlineStack>
            </Banner>
          </Layout.Section>
        ) : null}
        {saver.data ? (
          <Layout.Section>
            <Banner tone={saver.data.ok ? "success" : "critical"}>
              <p>{saver.data.ok && saver.data.intent === "save" ? saver.data.message : !saver.data.ok ? saver.data.message : ""}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {loaded.run && running ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="p">{`Re-evaluating: ${formatNumber(loaded.run.done, locale)} of ${formatNumber(loaded.run.total, locale)} customers`}</Text>
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
                  <Select
                    label="Tiers count"
                    options={BASES}
                    value={draft.basis}
                    onChange={(basis) =>
                      setDraft((d) => ({
                        ...d,
                        basis: basis as TierDraft["basis"],
                        window: basis === "predicted_clv" ? null : (d.window ?? "lifetime"),
                      }))
                    }
                    error={errorAt(errors, "basis")}
                  />
                  {draft.basis !== "predicted_clv" ? (
                    <Select
                      label="Over"
                      options={WINDOWS}
                      value={draft.window ?? "lifetime"}
                      onChange={(window) => setDraft((d) => ({ ...d, window: window as TierDraft["window"] }))}
                      error={errorAt(errors, "window")}
                    />
                  ) : (
                    <Text as="p" tone="subdued">
                      Predicted 12-month value already looks a year ahead: it takes no window. It changes with each refit.
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
                  onChange={setRow(index)}
                  onRemove={draft.tiers.length > 1 ? () => setDraft((d) => ({ ...d, tiers: d.tiers.filter((_, i) => i !== index) })) : null}
                />
              ))}
              <InlineStack>
                <Button
                  onClick={() => setDraft((d) => ({ ...d, tiers: [...d.tiers, emptyRow(d.tiers.length)] }))}
                  disabled={draft.tiers.length >= 10}
                >
                  Add tier
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
                Preview over the whole history
              </Text>
              {rows ? (
                <>
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                    headings={["Tier", "Customers", "Net revenue", "Predicted"]}
                    rows={rows.rows.map((r) => [
                      r.name ?? "No tier",
                      formatNumber(r.customers, locale),
                      money(r.netRevenueMinor, loaded.currencyCode, locale),
                      money(r.predictedValueMinor, loaded.currencyCode, locale),
                    ])}
                  />
                  <Text as="p" tone="subdued" variant="bodySm">
                    {`${formatNumber(rows.customers, locale)} customers, evaluated exactly as saving will.`}
                  </Text>
                </>
              ) : (
                <Text as="p" tone="subdued">
                  {preview.state !== "idle"
                    ? "Computing…"
                    : preview.data && !preview.data.ok
                      ? preview.data.message
                      : "The preview appears here."}
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
