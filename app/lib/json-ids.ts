// Shopify's numeric ids can exceed 2^53, and JSON.parse silently rounds them. Before parsing a webhook
// body we turn every integer of 16 or more digits that is the value of an "id" or "*_id" key into a
// string, so ids survive digit for digit. (Amounts are strings in Shopify's payloads and stay untouched.)
const LONG_ID_VALUE = /("(?:[A-Za-z0-9_]*_)?id"\s*:\s*)(-?\d{16,})(?=\s*[,}\]])/g;

export function parseJsonKeepingLongIds(text: string): unknown {
  return JSON.parse(text.replace(LONG_ID_VALUE, '$1"$2"'));
}

/** "gid://shopify/Order/123" or 123 or "123" → "123". */
export function shopifyIdOf(value: string | number | bigint): string {
  const text = String(value);
  const slash = text.lastIndexOf("/");
  return slash >= 0 ? text.slice(slash + 1) : text;
}
