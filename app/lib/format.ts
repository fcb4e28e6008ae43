// Display formatting for the admin pages (shop currency and locale). Pure functions: they run on the
// server (loaders, SSR) and in the browser, so the same inputs give the same text on both sides.
import { fromMinorUnits } from "./money";

export const DEFAULT_LOCALE = "en-US";

/**
 * The locale Shopify passes in the `locale` search parameter ("en", "fr", "pt-BR"), checked and
 * canonicalised; anything unusable falls back to en-US.
 */
export function resolveLocale(value: string | null | undefined): string {
  if (!value) return DEFAULT_LOCALE;
  try {
    const [canonical] = Intl.getCanonicalLocales(value);
    if (!canonical) return DEFAULT_LOCALE;
    // Intl accepts any well-formed tag; keep it only if the runtime has data for it.
    return Intl.NumberFormat.supportedLocalesOf([canonical]).length > 0 ? canonical : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

/** The locale of a request: its `locale` search parameter. */
export function localeOfRequest(request: Request): string {
  return resolveLocale(new URL(request.url).searchParams.get("locale"));
}

export function formatMoney(minor: string | number | bigint, currencyCode: string, locale = DEFAULT_LOCALE): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency: currencyCode }).format(fromMinorUnits(BigInt(minor), currencyCode));
}

/** Money without the minor digits ("$1,235"), for chart axes and dense tables. */
export function formatMoneyCompact(minor: string | number | bigint, currencyCode: string, locale = DEFAULT_LOCALE): string {
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency: currencyCode,
    maximumFractionDigits: 0,
    minimumFractionDigits: 0,
  }).format(fromMinorUnits(BigInt(minor), currencyCode));
}

export function formatNumber(value: number, locale = DEFAULT_LOCALE, maximumFractionDigits = 0): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits }).format(value);
}

/** A ratio 0..1 as a percentage ("82%", or "8.5%" with one decimal when asked). */
export function formatPercent(ratio: number | null | undefined, locale = DEFAULT_LOCALE, maximumFractionDigits = 0): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "—";
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits }).format(ratio);
}

export function formatDate(iso: string | null, locale = DEFAULT_LOCALE): string {
  return iso ? new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(iso)) : "—";
}

export function formatDateTime(iso: string | null, locale = DEFAULT_LOCALE): string {
  return iso
    ? new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(new Date(iso)) + " UTC"
    : "—";
}

/** "2025-03" → "Mar 2025" in the locale. */
export function formatMonth(yearMonth: string, locale = DEFAULT_LOCALE): string {
  const [year, month] = yearMonth.split("-").map(Number);
  return new Intl.DateTimeFormat(locale, { month: "short", year: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(year, month - 1, 1)),
  );
}

/**
 * A span of days in words a merchant reads at a glance: "today", "5 days", "3 weeks", "4 months", "2 years".
 * Rounded to the nearest unit; used for "orders every ~6 weeks" and "last ordered 3 weeks ago".
 */
export function formatDays(days: number): string {
  const d = Math.max(0, Math.round(days));
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (d < 14) return unit(d, "day");
  if (d < 60) return unit(Math.round(d / 7), "week");
  if (d < 365 * 2) return unit(Math.round(d / 30.44), "month");
  return unit(Math.round(d / 365.25), "year");
}

/** "3 weeks ago" / "today". */
export function formatAgo(days: number): string {
  return Math.round(days) <= 0 ? "today" : `${formatDays(days)} ago`;
}

/** The name to show for a customer whose personal fields may be redacted or withheld. */
export function customerDisplayName(c: {
  customerId: string;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
}): string {
  const name = [c.firstName, c.lastName]
    .filter((part) => part && part.trim())
    .join(" ")
    .trim();
  return name || c.email || `Customer ${c.customerId}`;
}
