// Same as extensions/clv-admin-customer-block/src/formatting.ts: each extension is bundled on its own by Shopify's CLI.
// Locale-aware formatting for the view model, kept behind a small interface so the view model stays pure:
// in Shopify the block passes shopify.i18n's formatters (Intl in the viewer's locale); tests and
// other callers use intlFormatters(locale).

export type Translate = (key: string, params?: Record<string, string | number>) => string;

export interface Formatters {
  /** An amount in a currency's major unit ("181.09" → 181.09), e.g. "$181.09". */
  money(amount: number, currencyCode: string): string;
  /** A fraction 0–1 as a whole percent, e.g. "83%". */
  percent(fraction: number): string;
  /** A whole number with grouping, e.g. "1,250". */
  integer(value: number): string;
  /** An ISO day ("2026-12-31") as a medium date. */
  day(isoDay: string): string;
}

/** The part of Shopify's I18n API the formatters need (admin and customer-account share it). */
export interface I18nFormatting {
  formatNumber(value: number | bigint, options?: Intl.NumberFormatOptions): string;
  formatCurrency(value: number | bigint, options?: Intl.NumberFormatOptions): string;
  formatDate(date: Date, options?: Intl.DateTimeFormatOptions): string;
}

const PERCENT: Intl.NumberFormatOptions = { style: "percent", maximumFractionDigits: 0 };
const INTEGER: Intl.NumberFormatOptions = { maximumFractionDigits: 0 };
const DAY: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeZone: "UTC" };

const dayDate = (isoDay: string) => new Date(`${isoDay}T00:00:00Z`);

export function i18nFormatters(i18n: I18nFormatting): Formatters {
  return {
    money: (amount, currency) => i18n.formatCurrency(amount, { currency }),
    percent: (fraction) => i18n.formatNumber(fraction, PERCENT),
    integer: (value) => i18n.formatNumber(value, INTEGER),
    day: (isoDay) => i18n.formatDate(dayDate(isoDay), DAY),
  };
}

export function intlFormatters(locale: string): Formatters {
  const percent = new Intl.NumberFormat(locale, PERCENT);
  const integer = new Intl.NumberFormat(locale, INTEGER);
  const day = new Intl.DateTimeFormat(locale, DAY);
  return {
    money: (amount, currency) => new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount),
    percent: (fraction) => percent.format(fraction),
    integer: (value) => integer.format(value),
    day: (isoDay) => day.format(dayDate(isoDay)),
  };
}
