// What the loyalty pages share: the section's tabs, number formats, field errors by path (translated), the
// "set up the program first" banner, and the messages actions return.
import { useLocation, useNavigate } from "@remix-run/react";
import { Banner, InlineError, Tabs } from "@shopify/polaris";
import { useAppHref } from "~/components/app-links";
import { useI18n } from "~/i18n/context";
import { loyaltyEn } from "~/i18n/areas/loyalty.en";
import type { MessageKey, Params, Text, Translate } from "~/i18n/translate";
import type { FieldError } from "~/loyalty";
import { formatMoney } from "~/lib/format";

export type { FieldError };

export const LOYALTY_TABS = [
  { id: "overview", key: "loyalty.tabs.overview", path: "/app/loyalty" },
  { id: "settings", key: "loyalty.tabs.settings", path: "/app/loyalty/settings" },
  { id: "tiers", key: "loyalty.tabs.tiers", path: "/app/loyalty/tiers" },
  { id: "rewards", key: "loyalty.tabs.rewards", path: "/app/loyalty/rewards" },
] as const satisfies readonly { id: string; key: MessageKey; path: string }[];

export function LoyaltyTabs() {
  const { t } = useI18n();
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const href = useAppHref();
  const selected = Math.max(
    0,
    LOYALTY_TABS.findIndex((tab) => tab.path === pathname.replace(/\/$/, "")),
  );
  return (
    <Tabs
      tabs={LOYALTY_TABS.map((tab) => ({ id: tab.id, content: t(tab.key) }))}
      selected={selected}
      onSelect={(index) => navigate(href(LOYALTY_TABS[index].path))}
    />
  );
}

/** The banner of the pages that need a program (tiers, rewards) before one is saved. */
export function ProgramFirstBanner() {
  const { t } = useI18n();
  return (
    <Banner tone="warning">
      <p>{t("loyalty.common.programFirst")}</p>
    </Banner>
  );
}

// English sentences of the loyalty catalog, for messages that reach the page as English only (those of the
// data modules, and the engine's refusals whose shape carries no key): the same sentence has a key here.
let byEnglish: Map<string, MessageKey> | null = null;

/** A message that is only known in English, as a Text: its key when the catalog has the sentence, else as is. */
export function textOf(message: string, params?: Params): Text {
  if (byEnglish === null) {
    byEnglish = new Map();
    for (const [key, value] of Object.entries(loyaltyEn))
      if (typeof value === "string" && !byEnglish.has(value)) byEnglish.set(value, key as MessageKey);
  }
  const key = byEnglish.get(message);
  return key ? { key, ...(params ? { params } : {}) } : { key: "loyalty.common.literal", params: { text: message } };
}

/** A field error in the admin's language: by its key when the engine gave one, by its English sentence else. */
export function fieldErrorText(t: Translate, error: FieldError): string {
  if (error.key) return t(error.key, error.params);
  const text = textOf(error.message);
  return t(text.key, text.params);
}

/** `at(path)`: the translated message of one field (dotted path), or undefined. */
export function useFieldErrors(errors: readonly FieldError[] | undefined) {
  const { t } = useI18n();
  return (path: string): string | undefined => {
    const error = errors?.find((e) => e.path === path);
    return error ? fieldErrorText(t, error) : undefined;
  };
}

/** Form-level messages (empty path) and those of fields the form does not show. */
export function FormErrors({ errors, shown }: { errors: readonly FieldError[] | undefined; shown: (path: string) => boolean }) {
  const { t } = useI18n();
  const rest = (errors ?? []).filter((e) => e.path === "" || !shown(e.path));
  return (
    <>
      {rest.map((e) => (
        <InlineError
          key={`${e.path}:${e.message}`}
          message={e.path ? `${e.path}: ${fieldErrorText(t, e)}` : fieldErrorText(t, e)}
          fieldID={e.path || "form"}
        />
      ))}
    </>
  );
}

export const points = (t: Translate, value: number) => t("loyalty.common.points", { count: value });
export const money = (minor: number, currencyCode: string, locale: string) => formatMoney(Math.round(minor), currencyCode, locale);

/** A threshold or distance in the ladder's unit, as the merchant reads it. */
export function basisAmount(t: Translate, basis: string | null, value: number, currencyCode: string, locale: string): string {
  if (basis === "net_spend" || basis === "predicted_clv") return money(value, currencyCode, locale);
  if (basis === "order_count") return t("loyalty.common.orders", { count: value });
  return points(t, value);
}
