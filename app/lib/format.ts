// Display formatting for the admin pages (shop currency, shop time zone, admin locale). Pure functions:
// they run on the server (loaders, SSR) and in the browser, so the same inputs give the same text on both.
import { fromMinorUnits } from "./money";

export const DEFAULT_LOCALE = "en-US";
export const DEFAULT_TIME_ZONE = "UTC";

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

/** An IANA zone the runtime knows ("America/New_York"); anything else is UTC. */
export function resolveTimeZone(value: string | null | undefined): string {
  if (!value) return DEFAULT_TIME_ZONE;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return value;
  } catch {
    return DEFAULT_TIME_ZONE;
  }
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

/** Money in short form for axis labels ("$1.2K", "1,2 k €"). */
export function formatMoneyShort(minor: string | number | bigint, currencyCode: string, locale = DEFAULT_LOCALE): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency: currencyCode, notation: "compact", maximumFractionDigits: 1 }).format(
    fromMinorUnits(BigInt(minor), currencyCode),
  );
}

export function formatNumber(value: number, locale = DEFAULT_LOCALE, maximumFractionDigits = 0): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits }).format(value);
}

/** A ratio 0..1 as a percentage ("82%", or "8.5%" with one decimal when asked). */
export function formatPercent(ratio: number | null | undefined, locale = DEFAULT_LOCALE, maximumFractionDigits = 0): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "—";
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits }).format(ratio);
}

/** A change between two figures as a signed percentage ("+12%", "−3%"); null when there is nothing to compare with. */
export function formatChange(current: number, previous: number, locale = DEFAULT_LOCALE): string | null {
  if (!Number.isFinite(current) || !Number.isFinite(previous) || previous === 0) return null;
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0, signDisplay: "exceptZero" }).format(
    (current - previous) / Math.abs(previous),
  );
}

/** The date of an instant on the shop's calendar ("Nov 28, 2026"). */
export function formatDate(iso: string | null, locale = DEFAULT_LOCALE, timeZone = DEFAULT_TIME_ZONE): string {
  return iso ? new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone }).format(new Date(iso)) : "—";
}

/** Date and time of an instant on the shop's clock, with the zone's short name ("Nov 28, 2026, 7:38 PM EST"). */
export function formatDateTime(iso: string | null, locale = DEFAULT_LOCALE, timeZone = DEFAULT_TIME_ZONE): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZone,
    timeZoneName: "short",
  }).format(new Date(iso));
}

/** A calendar date ("2026-11-28", no zone involved) in the locale ("Nov 28, 2026"). */
export function formatCalendarDate(isoDate: string, locale = DEFAULT_LOCALE): string {
  const [year, month, day] = isoDate.split("-").map(Number);
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(Date.UTC(year, month - 1, day)));
}

/** "2025-03" (a month on the shop's calendar) → "Mar 2025" in the locale. */
export function formatMonth(yearMonth: string, locale = DEFAULT_LOCALE): string {
  const [year, month] = yearMonth.split("-").map(Number);
  return new Intl.DateTimeFormat(locale, { month: "short", year: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(year, month - 1, 1)),
  );
}

type SpanUnit = "day" | "week" | "month" | "year";

/** A span of days in the unit a merchant reads at a glance (rounded): 5 days, 3 weeks, 4 months, 2 years. */
function spanOf(days: number): { value: number; unit: SpanUnit } {
  const d = Math.max(0, Math.round(days));
  if (d < 14) return { value: d, unit: "day" };
  if (d < 60) return { value: Math.round(d / 7), unit: "week" };
  if (d < 365 * 2) return { value: Math.round(d / 30.44), unit: "month" };
  return { value: Math.round(d / 365.25), unit: "year" };
}

/** "6 weeks", "6 semaines": used for "orders every ~6 weeks". */
export function formatDays(days: number, locale = DEFAULT_LOCALE): string {
  const { value, unit } = spanOf(days);
  return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long" }).format(value);
}

/** "3 weeks ago", "il y a 3 semaines", "today". */
export function formatAgo(days: number, locale = DEFAULT_LOCALE): string {
  const { value, unit } = spanOf(days);
  return new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(-value, unit);
}

/** The name to show for a customer whose personal fields may be redacted or withheld. */
export function customerDisplayName(
  c: {
    customerId: string;
    firstName?: string | null;
    lastName?: string | null;
    email?: string | null;
  },
  anonymous: (customerId: string) => string = (id) => `Customer ${id}`,
): string {
  const name = [c.firstName, c.lastName]
    .filter((part) => part && part.trim())
    .join(" ")
    .trim();
  return name || c.email || anonymous(c.customerId);
}
