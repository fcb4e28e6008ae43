// Money and numbers as the storefront answers print them (en-US), with the Intl formatters built once per
// currency: constructing an Intl.NumberFormat costs more than the rest of a status answer.
import { fromMinorUnits } from "~/lib/money";

const moneyFormats = new Map<string, Intl.NumberFormat>();
const numberFormats = new Map<number, Intl.NumberFormat>();

export function moneyText(minor: string | number | bigint, currencyCode: string): string {
  let format = moneyFormats.get(currencyCode);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { style: "currency", currency: currencyCode });
    moneyFormats.set(currencyCode, format);
  }
  return format.format(fromMinorUnits(BigInt(minor), currencyCode));
}

export function numberText(value: number, maximumFractionDigits = 0): string {
  let format = numberFormats.get(maximumFractionDigits);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { maximumFractionDigits });
    numberFormats.set(maximumFractionDigits, format);
  }
  return format.format(value);
}
