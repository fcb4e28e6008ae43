// Customers at risk: the valuable customers slipping after the last refit (highest value at stake first,
// with the reasons in plain words), the trend over refits, and the settings that decide who is flagged.
// The detection runs in the refit job (app/data/retention-detection.server.ts); this route reads and saves.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Layout } from "@shopify/polaris";
import { z } from "zod";
import { authenticatePage } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { shopContext } from "~/data/shop.server";
import { atRiskCustomers, loadRetentionSettings, retentionTrendOf, saveRetentionSettings } from "~/data/retention.server";
import { formatMinorDecimal } from "~/lib/money";
import { localeOfRequest } from "~/lib/format";
import { AppPage } from "~/components/AppPage";
import { RouteError } from "~/components/RouteError";
import { useAppHref } from "~/components/app-links";
import { useI18n } from "~/i18n/context";
import { documentTitle } from "~/i18n/meta";
import { AtRiskList } from "./AtRiskList";
import { RetentionSettingsCard } from "./RetentionSettingsCard";
import { TrendTable } from "./TrendTable";
import { parseSettingsForm, type SettingsActionResult } from "./settings-form.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => documentTitle(data?.locale, "retention.documentTitle");

const querySchema = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1) });

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const client = await db();
  const { page } = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const context = await shopContext(client, session.shop);
  const [list, trend, stored] = await Promise.all([
    atRiskCustomers(client, session.shop, { page }),
    retentionTrendOf(client, session.shop),
    loadRetentionSettings(client, session.shop),
  ]);
  return {
    list,
    trend,
    detected: trend.length > 0,
    currencyCode: context.currencyCode,
    timeZone: context.timeZone,
    locale: localeOfRequest(request),
    form: {
      threshold: String(Math.round(stored.settings.probabilityAliveThreshold * 10_000) / 100),
      sharpDrop: String(Math.round(stored.settings.sharpDrop * 10_000) / 100),
      minValue: formatMinorDecimal(stored.settings.minValueAtStakeMinor, context.currencyCode),
      winBack: stored.winBackEnabled ? "on" : "off",
    },
  };
};

export type RetentionLoaderData = Awaited<ReturnType<typeof loader>>;

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const client = await db();
  const { currencyCode } = await shopContext(client, session.shop);
  const parsed = parseSettingsForm(await request.formData(), currencyCode);
  if (!parsed.ok)
    return data<SettingsActionResult>({ ok: false, message: "retention.settings.invalid", errors: parsed.errors }, { status: 400 });
  const saved = await saveRetentionSettings(client, session.shop, parsed.change);
  if (!saved.ok) {
    // The form's own checks are stricter than app/retention's: this only happens if they drift apart.
    const errors: SettingsActionResult["errors"] = {};
    for (const error of saved.errors) {
      if (error.path === "probabilityAliveThreshold") errors.threshold = "retention.settings.error.threshold";
      else if (error.path === "sharpDrop") errors.sharpDrop = "retention.settings.error.sharpDrop";
      else errors.minValue = "retention.settings.error.minValue";
    }
    return data<SettingsActionResult>({ ok: false, message: "retention.settings.invalid", errors }, { status: 400 });
  }
  return data<SettingsActionResult>({ ok: true, message: "retention.settings.saved", errors: {} });
};

export default function RetentionPage() {
  const loaded = useLoaderData<typeof loader>();
  const { t } = useI18n();
  const href = useAppHref();
  return (
    <AppPage
      title={t("retention.title")}
      subtitle={t("retention.subtitle")}
      secondaryActions={[{ content: t("retention.experimentsAction"), url: href("/app/retention/experiments") }]}
    >
      <Layout>
        <Layout.Section>
          <AtRiskList list={loaded.list} detected={loaded.detected} currencyCode={loaded.currencyCode} timeZone={loaded.timeZone} />
        </Layout.Section>
        <Layout.Section>
          <TrendTable trend={loaded.trend} currencyCode={loaded.currencyCode} />
        </Layout.Section>
        <Layout.Section>
          <RetentionSettingsCard initial={loaded.form} currencyCode={loaded.currencyCode} />
        </Layout.Section>
      </Layout>
    </AppPage>
  );
}

export function ErrorBoundary() {
  return <RouteError title="retention.title" />;
}
