// Display formatting for the admin pages (shop currency and locale).
import { fromMinorUnits } from "./money";

export function formatMoney(minor: string | number | bigint, currencyCode: string, locale = "en-US"): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency: currencyCode }).format(fromMinorUnits(BigInt(minor), currencyCode));
}

export function formatDate(iso: string | null, locale = "en-US"): string {
  return iso ? new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(new Date(iso)) : "—";
}
