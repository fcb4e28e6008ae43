// Formatting shared by the generator, the JSONL writer, the REST payloads and the API double:
// Shopify-style timestamps and money as exact decimal strings of minor units.
import { currencyDigits, formatMinorDecimal } from "../../app/lib/money";

export { currencyDigits };

/** Minor units → "181.09" (USD), "1810" (JPY), "1.250" (KWD). Exact: no floating point involved. */
export function money(minor: number, currencyCode: string): string {
  return formatMinorDecimal(minor, currencyCode);
}

/** GraphQL DateTime as Shopify returns it: UTC, whole seconds, "Z". */
export function isoUtc(ms: number): string {
  const text = new Date(ms).toISOString();
  return text.slice(0, 19) + "Z";
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = zoneFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    zoneFormatters.set(timeZone, f);
  }
  return f;
}

/** REST timestamp as Shopify writes it in webhooks: the shop's local time with its offset ("2025-04-02T11:31:38-05:00"). */
export function isoInZone(ms: number, timeZone: string): string {
  const whole = Math.floor(ms / 1000) * 1000;
  const parts: Record<string, string> = {};
  for (const p of zoneFormatter(timeZone).formatToParts(new Date(whole))) parts[p.type] = p.value;
  const local = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
  const offsetMinutes = Math.round((Date.parse(`${local}Z`) - whole) / 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}
