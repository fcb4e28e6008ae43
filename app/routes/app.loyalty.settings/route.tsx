// Program settings: on/off, the earning rule, bonuses, expiry and the storefront pitch. Every save is a new rule
// version: orders earn under the version in force when they were placed, so nothing already awarded changes.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Card, Checkbox, FormLayout, Layout, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { authenticate } from "~/shopify.server";
import { authenticatePage } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { loadProgram, saveProgramSettings } from "~/data/loyalty-program.server";
import { shopCurrency } from "~/data/shop.server";
import { enqueueLoyaltySync, enqueueTierEvaluation, EVALUATION_AFTER_EDIT_DELAY_MS } from "~/queues/loyalty.server";
import { formatMinorDecimal, toMinorUnits } from "~/lib/money";
import { AppPage } from "~/components/AppPage";
import { RouteError } from "~/components/RouteError";
import { errorAt, FormErrors, LoyaltyTabs, type FieldError } from "../app.loyalty._index/loyalty-ui";

export const meta: MetaFunction = () => [{ title: "Loyalty program" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const client = await db();
  const program = await loadProgram(client, session.shop);
  const currencyCode = program?.currencyCode ?? (await shopCurrency(client, session.shop));
  return {
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
export type SettingsActionResult = { ok: boolean; message: string; errors: FieldError[] };

const optionalNumber = (text: string) => (text.trim() === "" ? null : Number(text));

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = (await request.json()) as Form;
  const client = await db();
  const currencyCode = (await loadProgram(client, session.shop))?.currencyCode ?? (await shopCurrency(client, session.shop));
  let minimumOrderMinor: number | null = null;
  try {
    minimumOrderMinor = form.minimumOrder.trim() === "" ? null : toMinorUnits(form.minimumOrder.trim(), currencyCode);
  } catch {
    return data<SettingsActionResult>(
      {
        ok: false,
        message: "Check the highlighted fields",
        errors: [{ path: "earning.minimumOrderMinor", message: `Enter an amount in ${currencyCode}` }],
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
  if (!saved.ok)
    return data<SettingsActionResult>({ ok: false, message: "Check the highlighted fields", errors: saved.errors }, { status: 400 });
  try {
    if (saved.value.created) await enqueueTierEvaluation({ shop: session.shop, reason: "program_started" }, EVALUATION_AFTER_EDIT_DELAY_MS);
    await enqueueLoyaltySync(session.shop);
  } catch {
    return data<SettingsActionResult>({
      ok: true,
      message: "Saved. The background update could not be queued; it runs with the next nightly pass.",
      errors: [],
    });
  }
  return data<SettingsActionResult>({
    ok: true,
    message: saved.value.created ? "Program created: past orders since the start date are being awarded." : "Saved as a new rule version.",
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
  const fetcher = useFetcher<SettingsActionResult>();
  const [form, setForm] = useState<Form>(loaded.form);
  const set =
    <K extends keyof Form>(key: K) =>
    (value: Form[K]) =>
      setForm((f) => ({ ...f, [key]: value }));
  const errors = fetcher.data?.errors;
  const save = () => fetcher.submit(form, { method: "post", encType: "application/json" });
  return (
    <AppPage title="Loyalty program" primaryAction={{ content: "Save", onAction: save, loading: fetcher.state !== "idle" }}>
      <Layout>
        <Layout.Section>
          <LoyaltyTabs />
        </Layout.Section>
        {fetcher.data ? (
          <Layout.Section>
            <Banner tone={fetcher.data.ok ? "success" : "critical"}>
              <p>{fetcher.data.message}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Checkbox
                label="The program is on"
                helpText="Orders placed while it is off earn nothing; refunds still take back what earlier orders earned."
                checked={form.enabled}
                onChange={set("enabled")}
              />
              <FormLayout>
                <FormLayout.Group>
                  <TextField
                    label={`Points per 1 ${loaded.currencyCode}`}
                    type="number"
                    autoComplete="off"
                    value={form.pointsPerCurrencyUnit}
                    onChange={set("pointsPerCurrencyUnit")}
                    error={errorAt(errors, "earning.pointsPerCurrencyUnit")}
                    helpText="On the order's value after discounts; shipping, taxes and tips earn nothing."
                  />
                  <Select
                    label="Rounding"
                    options={[
                      { label: "Down", value: "down" },
                      { label: "To the nearest point", value: "nearest" },
                      { label: "Up", value: "up" },
                    ]}
                    value={form.rounding}
                    onChange={set("rounding")}
                    error={errorAt(errors, "earning.rounding")}
                  />
                </FormLayout.Group>
                <Checkbox label="Only paid orders earn" checked={form.requirePaid} onChange={set("requirePaid")} />
                <Checkbox
                  label="Test orders earn (for trying the program on a development store)"
                  checked={form.includeTestOrders}
                  onChange={set("includeTestOrders")}
                />
                <TextField
                  label={`Minimum order (${loaded.currencyCode})`}
                  autoComplete="off"
                  value={form.minimumOrder}
                  onChange={set("minimumOrder")}
                  placeholder="None"
                  error={errorAt(errors, "earning.minimumOrderMinor")}
                />
                <FormLayout.Group>
                  <TextField
                    label="Points for creating an account"
                    type="number"
                    autoComplete="off"
                    value={form.accountCreationPoints}
                    onChange={set("accountCreationPoints")}
                    placeholder="None"
                    error={errorAt(errors, "bonuses.accountCreationPoints")}
                  />
                  <TextField
                    label="Points expire after this many months without an order"
                    type="number"
                    autoComplete="off"
                    value={form.expiryMonths}
                    onChange={set("expiryMonths")}
                    placeholder="Never"
                    error={errorAt(errors, "expiry.monthsWithoutOrder")}
                  />
                </FormLayout.Group>
                <TextField
                  label="Pitch shown to guests on the storefront"
                  autoComplete="off"
                  value={form.pitch}
                  onChange={set("pitch")}
                  maxLength={200}
                  error={errorAt(errors, "pitch")}
                />
                {!loaded.exists ? (
                  <TextField
                    label="Past orders earn from"
                    type="date"
                    autoComplete="off"
                    value={form.startFrom}
                    onChange={set("startFrom")}
                    helpText="The program can start in the past: orders since this day earn as if it had been running."
                  />
                ) : (
                  <Text as="p" tone="subdued">
                    {`${loaded.versions} rule version${loaded.versions === 1 ? "" : "s"} so far. A change applies to orders placed from now on.`}
                  </Text>
                )}
              </FormLayout>
              <FormErrors errors={errors} shown={(path) => SHOWN.has(path)} />
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
