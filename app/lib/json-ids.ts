// Shopify's numeric ids can exceed 2^53, and JSON.parse silently rounds them (9007199254740993 becomes
// 9007199254740992: the wrong order). Before parsing a webhook body, every integer of 16 or more digits
// that is an id becomes a string, so ids survive digit for digit. An integer is an id when it is
//   - the value of a key named "id", "*_id", "*_ids" or "*Id" (order_id, customer_id, admin ids…), or
//   - an element of a list (orders_to_redact, orders_requested: Shopify's only lists of numbers are ids).
// Amounts are strings in Shopify's payloads; a long number anywhere else is left as it is.

const ID_KEY = /(?:^|_)ids?$|Ids?$/;
const SIXTEEN_DIGITS = /\d{16}/;
const NUMBER_PART = /[\d.eE+-]/;
const [QUOTE, BACKSLASH, MINUS, DOT, ZERO, NINE] = ['"', "\\", "-", ".", "0", "9"].map((c) => c.charCodeAt(0));
const [OPEN_OBJECT, OPEN_ARRAY, CLOSE_OBJECT, CLOSE_ARRAY, COMMA] = ["{", "[", "}", "]", ","].map((c) => c.charCodeAt(0));

interface Container {
  isArray: boolean;
  /** Objects: the key whose value comes next (or came last). */
  key: string;
  /** Objects: the next string is a key (after "{" or ","). */
  expectingKey: boolean;
}

export function parseJsonKeepingLongIds(text: string): unknown {
  // The rewrite costs a pass over the text; most bodies have no 16-digit number at all.
  return JSON.parse(SIXTEEN_DIGITS.test(text) ? quoteLongIds(text) : text);
}

const isDigit = (code: number) => code >= ZERO && code <= NINE;

/** Index just past the string that opens at `start` (its closing quote is the first one not escaped). */
function endOfString(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length; // unterminated: JSON.parse will say so
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/**
 * One pass over the text with a stack of the containers it is in (a hand-written scanner: a regular
 * expression tokenizer took 8 times as long as JSON.parse itself on a large order).
 */
function quoteLongIds(text: string): string {
  const stack: Container[] = [];
  const pieces: string[] = [];
  let copiedUpTo = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (code === QUOTE) {
      const end = endOfString(text, i);
      if (top && !top.isArray && top.expectingKey) {
        const raw = text.slice(i + 1, end - 1);
        top.key = raw.includes("\\") ? (JSON.parse(text.slice(i, end)) as string) : raw;
        top.expectingKey = false;
      }
      i = end;
    } else if (code === MINUS || isDigit(code)) {
      const digitsStart = code === MINUS ? i + 1 : i;
      let end = digitsStart;
      while (isDigit(text.charCodeAt(end))) end++;
      const next = text.charCodeAt(end);
      const integer = next !== DOT && next !== 101 && next !== 69; // not followed by ".", "e" or "E"
      if (integer && end - digitsStart >= 16 && top && (top.isArray || ID_KEY.test(top.key))) {
        pieces.push(text.slice(copiedUpTo, i), `"${text.slice(i, end)}"`);
        copiedUpTo = end;
      }
      while (end < text.length && NUMBER_PART.test(text[end]!)) end++; // the rest of a non-integer
      i = end;
    } else {
      if (code === OPEN_OBJECT || code === OPEN_ARRAY)
        stack.push({ isArray: code === OPEN_ARRAY, key: "", expectingKey: code === OPEN_OBJECT });
      else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) stack.pop();
      else if (code === COMMA && top && !top.isArray) top.expectingKey = true;
      i++;
    }
  }
  if (copiedUpTo === 0) return text;
  pieces.push(text.slice(copiedUpTo));
  return pieces.join("");
}

/** "gid://shopify/Order/123" or 123 or "123" → "123". */
export function shopifyIdOf(value: string | number | bigint): string {
  const text = String(value);
  const slash = text.lastIndexOf("/");
  return slash >= 0 ? text.slice(slash + 1) : text;
}
