// Shopify's numeric ids can exceed 2^53, and JSON.parse silently rounds them. Before parsing a webhook
// body we turn every integer of 16 or more digits that is the value of an "id" or "*_id" key into a
// string, so ids survive digit for digit. (Amounts are strings in Shopify's payloads and stay untouched.)
const LONG_ID_VALUE = /("(?:[A-Za-z0-9_]*_)?id"\s*:\s*)(-?\d{16,})(?=\s*[,}\]])/g;

const SIXTEEN_DIGITS = /\d{16}/;

export function parseJsonKeepingLongIds(text: string): unknown {
  // The id rewrite is costly on a large order; most bodies have no 16-digit number at all.
  return JSON.parse(SIXTEEN_DIGITS.test(text) ? text.replace(LONG_ID_VALUE, '$1"$2"') : text);
}

/** "gid://shopify/Order/123" or 123 or "123" → "123". */
export function shopifyIdOf(value: string | number | bigint): string {
  const text = String(value);
  const slash = text.lastIndexOf("/");
  return slash >= 0 ? text.slice(slash + 1) : text;
}
