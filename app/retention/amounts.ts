// Amounts as the app writes them to Shopify: decimals of the shop currency's major unit.
import { currencyDigits, formatMinorDecimal } from "../lib/money.ts";

/** Minor units rounded to whole units of the currency: predictions are not precise to the cent, and cents would change every night. */
export function roundToWholeUnits(minor: number, currencyCode: string): number {
  const unit = 10 ** currencyDigits(currencyCode);
  return Math.round(minor / unit) * unit;
}

/** Minor units (rounded to an integer) as an exact decimal string of the major unit ("181.09"). */
export function decimalOfMinor(minor: number, currencyCode: string): string {
  return formatMinorDecimal(Math.round(minor), currencyCode);
}
