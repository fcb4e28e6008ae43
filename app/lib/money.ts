// Money as integer minor units of a currency (cents for USD, yen for JPY, fils for KWD): exact, and
// sums stay exact. Shopify sends decimal strings; we never pass them through floats.

const digitsCache = new Map<string, number>();

/** ISO 4217 minor-unit digits of a currency (2 for USD, 0 for JPY, 3 for KWD). */
export function currencyDigits(currencyCode: string): number {
  const code = currencyCode.toUpperCase();
  let digits = digitsCache.get(code);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      throw new Error(`unknown currency code "${currencyCode}"`);
    }
    digitsCache.set(code, digits);
  }
  return digits;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal amount ("181.09", "1000", "-3.5", or a JSON number) into minor units.
 * Digits beyond the currency's precision must be zero ("1000.00" JPY is fine, "1.005" USD is refused):
 * rounding would silently change a merchant's figures.
 */
export function toMinorUnits(amount: string | number, currencyCode: string): number {
  const text = typeof amount === "number" ? numberToPlainString(amount) : amount.trim();
  const match = DECIMAL.exec(text);
  if (!match) throw new Error(`"${amount}" is not a decimal amount`);
  const [, sign, whole, fraction = ""] = match;
  const digits = currencyDigits(currencyCode);
  const kept = fraction.slice(0, digits).padEnd(digits, "0");
  if (/[^0]/.test(fraction.slice(digits))) {
    throw new Error(`"${amount}" has more decimals than ${currencyCode} allows (${digits})`);
  }
  const minor = Number(whole + kept);
  if (!Number.isSafeInteger(minor)) throw new Error(`"${amount}" is too large`);
  return sign ? -minor : minor;
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`${value} is not a finite amount`);
  // Up to 6 decimals covers every currency; toFixed avoids exponent notation.
  return value.toFixed(6).replace(/\.?0+$/, "");
}

/** Minor units back to a major-unit number, for display and for the statistical models only. */
export function fromMinorUnits(minor: number | bigint, currencyCode: string): number {
  return Number(minor) / 10 ** currencyDigits(currencyCode);
}

/** Minor units as an exact decimal string ("181.09"), for CSV and JSON output. */
export function formatMinorDecimal(minor: number | bigint, currencyCode: string): string {
  const digits = currencyDigits(currencyCode);
  const value = BigInt(minor);
  const negative = value < 0n;
  const abs = (negative ? -value : value).toString().padStart(digits + 1, "0");
  const whole = abs.slice(0, abs.length - digits);
  const fraction = digits > 0 ? "." + abs.slice(abs.length - digits) : "";
  return (negative ? "-" : "") + whole + fraction;
}
