// Program settings: on/off, the earning rule, bonuses, expiry and the storefront pitch. Every save is a new rule
// version: orders earn under the version in force when they were placed, so nothing already awarded changes.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { BlockStack, Card, Checkbox, FormLayout, Layout, Text } from "@shopify/polaris";
import { useState } from "react";
import { authenticate } from "~/shopify.server";
import { authenticatePage } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { loadProgram, saveProgramSettings } from "~/data/loyalty-program.server";
import { shopCurrency } from "~/data/shop.server";
import {
  enqueueLoyaltySync,
  enqueueTierDiscountSync,
  enqueueTierEvaluation,
  EVALUATION_AFTER_EDIT_DELAY_MS,
} from "~/queues/loyalty.server";
import { formatMinorDecimal, toMinorUnits } from "~/lib/money";
import { AppPage } from "~/components/AppPage";
import { RouteError } from "~/components/RouteError";
import { ChoiceInput, SaveResultBanner, TextInput, useFieldSetter } from "~/components/form-fields";
import { useI18n } from "~/i18n/context";
import { documentTitle } from "~/i18n/meta";
import type { Text as Message } from "~/i18n/translate";
import { localeOfRequest } from "~/lib/format";
import { englishMessage } from "~/loyalty/messages";
import { FormErrors, LoyaltyTabs, useFieldErrors, type FieldError } from "../app.loyalty._index/loyalty-ui";

export const meta: MetaFunction<typeof loader> = ({ data }) => documentTitle(data?.locale, "loyalty.settings.title");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const client = await db();
  const program = await loadProgram(client, session.shop);
  const currencyCode = program?.currencyCode ?? (await shopCurrency(client, session.shop));
  return {
    locale: localeOfRequest(request),
    exists: program !== null,
    currencyCode,
    versions: program?.ruleVersions.length ?? 0,
    form: {
      enabled: program?.enabled ?? false,
      pointsPerCurrencyUnit: String(program?.settings.earning.pointsPerCurrencyUnit ?? 1),
      rounding: program?.settings.earning.rounding ?? "down",
      requirePaid: program?.settings.earning.requirePaid ?? true,
      includeTestOrders: program?.settings.earning.includeTestOrders ?? false,
      minimumOrder:
        program?.settings.earning.minimumOrderMinor == null
          ? ""
          : formatMinorDecimal(program.settings.earning.minimumOrderMinor, currencyCode),
      accountCreationPoints:
        program?.settings.bonuses.accountCreationPoints == null ? "" : String(program.settings.bonuses.accountCreationPoints),
      expiryMonths: program?.settings.expiry ? String(program.settings.expiry.monthsWithoutOrder) : "",
      pitch: program?.pitch ?? "",
      startFrom: new Date().toISOString().slice(0, 10),
    },
  };
};

type Form = Awaited<ReturnType<typeof loader>>["form"];
export type SettingsActionResult = { ok: boolean; message: Message; errors: FieldError[] };

const optionalNumber = (text: string) => (text.trim() === "" ? null : Number(text));
const CHECK_FIELDS: Message = { key: "loyalty.common.checkFields" };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = (await request.json()) as Form;
  const client = await db();
  const currencyCode = (await loadProgram(client, session.shop))?.currencyCode ?? (await shopCurrency(client, session.shop));
  let minimumOrderMinor: number | null = null;
  try {
    minimumOrderMinor = form.minimumOrder.trim() === "" ? null : toMinorUnits(form.minimumOrder.trim(), currencyCode);
  } catch {
    const params = { currency: currencyCode };
    return data<SettingsActionResult>(
      {
        ok: false,
        message: CHECK_FIELDS,
        errors: [
          {
            path: "earning.minimumOrderMinor",
            message: englishMessage("loyalty.error.settings.amountIn", params),
            key: "loyalty.error.settings.amountIn",
            params,
          },
        ],
      },
      { status: 400 },
    );
  }
  const months = optionalNumber(form.expiryMonths);
  const startFromMs = Date.parse(`${form.startFrom}T00:00:00Z`);
  const saved = await saveProgramSettings(client, session.shop, {
    settings: {
      enabled: form.enabled,
      currencyCode,
      earning: {
        pointsPerCurrencyUnit: Number(form.pointsPerCurrencyUnit),
        rounding: form.rounding,
        requirePaid: form.requirePaid,
        includeTestOrders: form.includeTestOrders,
        minimumOrderMinor,
      },
      bonuses: { accountCreationPoints: optionalNumber(form.accountCreationPoints) },
      expiry: months === null ? null : { monthsWithoutOrder: months },
    },
    pitch: form.pitch,
    effectiveFromMs: Number.isFinite(startFromMs) ? Math.min(startFromMs, Date.now()) : undefined,
  });
  if (!saved.ok) return data<SettingsActionResult>({ ok: false, message: CHECK_FIELDS, errors: saved.errors }, { status: 400 });
  try {
    if (saved.value.created) await enqueueTierEvaluation({ shop: session.shop, reason: "program_started" }, EVALUATION_AFTER_EDIT_DELAY_MS);
    await enqueueLoyaltySync(session.shop);
    // Switching the program on or off adds or removes the tiers' automatic discounts.
    await enqueueTierDiscountSync(session.shop);
  } catch {
    return data<SettingsActionResult>({ ok: true, message: { key: "loyalty.settings.savedNotQueued" }, errors: [] });
  }
  return data<SettingsActionResult>({
    ok: true,
    message: { key: saved.value.created ? "loyalty.settings.created" : "loyalty.settings.savedVersion" },
    errors: [],
  });
};

const SHOWN = new Set([
  "earning.pointsPerCurrencyUnit",
  "earning.rounding",
  "earning.minimumOrderMinor",
  "bonuses.accountCreationPoints",
  "expiry.monthsWithoutOrder",
  "pitch",
]);

export default function LoyaltySettingsPage() {
  const loaded = useLoaderData<typeof loader>();
  const { t } = useI18n();
  const fetcher = useFetcher<SettingsActionResult>();
  const [form, setForm] = useState<Form>(loaded.form);
  const set = useFieldSetter(setForm);
  const at = useFieldErrors(fetcher.data?.errors);
  const currency = { currency: loaded.currencyCode };
  const save = () => fetcher.submit(form, { method: "post", encType: "application/json" });
  return (
    <AppPage
      title={t("loyalty.settings.title")}
      primaryAction={{ content: t("loyalty.common.save"), onAction: save, loading: fetcher.state !== "idle" }}
    >
      <Layout>
        <Layout.Section>
          <LoyaltyTabs />
        </Layout.Section>
        {fetcher.data ? (
          <Layout.Section>
            <SaveResultBanner ok={fetcher.data.ok} message={t(fetcher.data.message.key, fetcher.data.message.params)} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Checkbox
                label={t("loyalty.settings.enabled")}
                helpText={t("loyalty.settings.enabledHelp")}
                checked={form.enabled}
                onChange={set("enabled")}
              />
              <FormLayout>
                <FormLayout.Group>
                  <TextInput
                    label={t("loyalty.settings.pointsPerUnit", currency)}
                    type="number"
                    value={form.pointsPerCurrencyUnit}
                    onChange={set("pointsPerCurrencyUnit")}
                    error={at("earning.pointsPerCurrencyUnit")}
                    helpText={t("loyalty.settings.pointsPerUnitHelp")}
                  />
                  <ChoiceInput
                    label={t("loyalty.settings.rounding")}
                    options={[
                      { label: t("loyalty.settings.roundingDown"), value: "down" },
                      { label: t("loyalty.settings.roundingNearest"), value: "nearest" },
                      { label: t("loyalty.settings.roundingUp"), value: "up" },
                    ]}
                    value={form.rounding}
                    onChange={set("rounding")}
                    error={at("earning.rounding")}
                  />
                </FormLayout.Group>
                <Checkbox label={t("loyalty.settings.requirePaid")} checked={form.requirePaid} onChange={set("requirePaid")} />
                <Checkbox
                  label={t("loyalty.settings.includeTestOrders")}
                  checked={form.includeTestOrders}
                  onChange={set("includeTestOrders")}
                />
                <TextInput
                  label={t("loyalty.settings.minimumOrder", currency)}
                  value={form.minimumOrder}
                  onChange={set("minimumOrder")}
                  placeholder={t("loyalty.common.none")}
                  error={at("earning.minimumOrderMinor")}
                />
                <FormLayout.Group>
                  <TextInput
                    label={t("loyalty.settings.accountCreationPoints")}
                    type="number"
                    value={form.accountCreationPoints}
                    onChange={set("accountCreationPoints")}
                    placeholder={t("loyalty.common.none")}
                    error={at("bonuses.accountCreationPoints")}
                  />
                  <TextInput
                    label={t("loyalty.settings.expiryMonths")}
                    type="number"
                    value={form.expiryMonths}
                    onChange={set("expiryMonths")}
                    placeholder={t("loyalty.settings.never")}
                    error={at("expiry.monthsWithoutOrder")}
                  />
                </FormLayout.Group>
                <TextInput
                  label={t("loyalty.settings.pitch")}
                  value={form.pitch}
                  onChange={set("pitch")}
                  maxLength={200}
                  error={at("pitch")}
                />
                {!loaded.exists ? (
                  <TextInput
                    label={t("loyalty.settings.startFrom")}
                    type="date"
                    value={form.startFrom}
                    onChange={set("startFrom")}
                    helpText={t("loyalty.settings.startFromHelp")}
                  />
                ) : (
                  <Text as="p" tone="subdued">
                    {t("loyalty.settings.versions", { count: loaded.versions })}
                  </Text>
                )}
              </FormLayout>
              <FormErrors errors={fetcher.data?.errors} shown={(path) => SHOWN.has(path)} />
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
