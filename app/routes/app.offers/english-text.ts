// Sentences that reach the pages in English only (app/offers' and app/data's validation, app/experiments'
// report summary: their tests and logs read the English) turned back into message keys. The English message
// of a key is its sentence's pattern, {name} standing for a parameter, so the key says the sentence again
// word for word in English and in the admin's language elsewhere. Anything else (zod's own words) is shown
// as it is.
import { offersEn } from "~/i18n/areas/offers.en";
import type { Params, Text } from "~/i18n/translate";

type Catalog = typeof offersEn;
/** The keys whose English is one sentence (no plural forms): those can be matched. */
export type SentenceKey = { [K in keyof Catalog]: Catalog[K] extends string ? K : never }[keyof Catalog];

// Limits are numbers, said in the admin's locale; product ids, names and amounts stay as they came.
const NUMBERS = new Set(["min", "max"]);

export const literal = (text: string): Text => ({ key: "offers.common.literal", params: { text } });

/** The sentence keys under a prefix, in the catalog's order. */
export function keysUnder(prefix: string): SentenceKey[] {
  return (Object.keys(offersEn) as (keyof Catalog)[]).filter(
    (key): key is SentenceKey => key.startsWith(prefix) && typeof offersEn[key] === "string",
  );
}

const patterns = new Map<SentenceKey, RegExp>();

function patternOf(key: SentenceKey): RegExp {
  let pattern = patterns.get(key);
  if (pattern === undefined) {
    const source = offersEn[key]
      .split(/(\{\w+\})/)
      .map((part) => (/^\{\w+\}$/.test(part) ? `(?<${part.slice(1, -1)}>.+?)` : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("");
    pattern = new RegExp(`^${source}$`);
    patterns.set(key, pattern);
  }
  return pattern;
}

/** The first of `keys` whose English matches the sentence, with its parameters; else the sentence itself. */
export function textOfEnglish(sentence: string, keys: readonly SentenceKey[]): Text {
  for (const key of keys) {
    const match = patternOf(key).exec(sentence);
    if (match === null) continue;
    const groups = Object.entries(match.groups ?? {});
    if (groups.length === 0) return { key };
    const params: Params = {};
    for (const [name, value] of groups) params[name] = NUMBERS.has(name) ? Number(value) : value;
    return { key, params };
  }
  return literal(sentence);
}

const OFFER_ERRORS = keysUnder("offers.editor.error.");

/** The editor's field errors (app/offers' sentences, by field) as message keys. */
export function offerErrorTexts(errors: Partial<Record<string, string[]>>): Record<string, Text[]> {
  const texts: Record<string, Text[]> = {};
  for (const [field, sentences] of Object.entries(errors)) texts[field] = (sentences ?? []).map((s) => textOfEnglish(s, OFFER_ERRORS));
  return texts;
}

/** The settings' field errors (app/data's sentences, one per field) as message keys of that field. */
export function settingsErrorTexts(errors: Partial<Record<string, string>>): Record<string, Text[]> {
  const texts: Record<string, Text[]> = {};
  for (const [field, sentence = ""] of Object.entries(errors)) {
    const keys = keysUnder(`offers.settings.${field}.error.`);
    // zod's own word for a half-life that is neither empty nor a number.
    const notNumber = sentence === "Invalid input" ? keys.find((key) => key.endsWith(".notNumber")) : undefined;
    texts[field] = [notNumber ? { key: notNumber } : textOfEnglish(sentence, keys)];
  }
  return texts;
}
