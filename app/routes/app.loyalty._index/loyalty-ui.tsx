// What the loyalty pages share: the section's tabs, number formats, and field errors by path.
import { useLocation, useNavigate } from "@remix-run/react";
import { InlineError, Tabs } from "@shopify/polaris";
import { useAppHref } from "~/components/app-links";
import { formatMoney, formatNumber } from "~/lib/format";

export const LOYALTY_TABS = [
  { id: "overview", content: "Overview", path: "/app/loyalty" },
  { id: "settings", content: "Program", path: "/app/loyalty/settings" },
  { id: "tiers", content: "Tiers", path: "/app/loyalty/tiers" },
  { id: "rewards", content: "Rewards and referrals", path: "/app/loyalty/rewards" },
] as const;

export function LoyaltyTabs() {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const href = useAppHref();
  const selected = Math.max(
    0,
    LOYALTY_TABS.findIndex((tab) => tab.path === pathname.replace(/\/$/, "")),
  );
  return (
    <Tabs
      tabs={LOYALTY_TABS.map((tab) => ({ id: tab.id, content: tab.content }))}
      selected={selected}
      onSelect={(index) => navigate(href(LOYALTY_TABS[index].path))}
    />
  );
}

export interface FieldError {
  path: string;
  message: string;
}

/** The message of one field (dotted path), or undefined. */
export function errorAt(errors: readonly FieldError[] | undefined, path: string): string | undefined {
  return errors?.find((e) => e.path === path)?.message;
}

/** Form-level messages (empty path) and those of fields the form does not show. */
export function FormErrors({ errors, shown }: { errors: readonly FieldError[] | undefined; shown: (path: string) => boolean }) {
  const rest = (errors ?? []).filter((e) => e.path === "" || !shown(e.path));
  return (
    <>
      {rest.map((e) => (
        <InlineError key={`${e.path}:${e.message}`} message={e.path ? `${e.path}: ${e.message}` : e.message} fieldID={e.path || "form"} />
      ))}
    </>
  );
}

export const points = (value: number, locale: string) => `${formatNumber(value, locale)} pts`;
export const money = (minor: number, currencyCode: string, locale: string) => formatMoney(Math.round(minor), currencyCode, locale);

/** A threshold or distance in the ladder's unit, as the merchant reads it. */
export function basisAmount(basis: string | null, value: number, currencyCode: string, locale: string): string {
  if (basis === "net_spend" || basis === "predicted_clv") return money(value, currencyCode, locale);
  if (basis === "order_count") return `${formatNumber(value, locale)} ${value === 1 ? "order" : "orders"}`;
  return points(value, locale);
}
