// The app's translation layer: message catalogs per UI language, selected by the admin's locale, with
// {name} placeholders and plural forms chosen by Intl.PluralRules. Pure: runs on the server and in the
// browser alike. Numbers, money and dates are formatted by app/lib/format.ts with the full locale.
import { en, type MessageKey } from "./messages.en";
import { fr } from "./messages.fr";

/** A plural message: Intl.PluralRules picks the form ("one" covers 0 and 1 in French). */
export interface PluralMessage {
  one: string;
  other: string;
}
export type Message = string | PluralMessage;
export type Catalog = Record<MessageKey, Message>;
export type Params = Record<string, string | number>;
export type { MessageKey };

export const LANGUAGES = { en, fr } as const satisfies Record<string, Catalog>;
export type Language = keyof typeof LANGUAGES;

/** The UI language of a locale ("fr-CA" → fr); languages without a catalog get English. */
export function languageOf(locale: string): Language {
  const language = locale.toLowerCase().split("-")[0];
  return Object.hasOwn(LANGUAGES, language) ? (language as Language) : "en";
}

/** A message with its parameters, to be translated where it is shown (loaders return these, not sentences). */
export interface Text {
  key: MessageKey;
  params?: Params;
}

export type Translate = (key: MessageKey, params?: Params) => string;

/** The translate function of a locale: `t("customers.title")`, `t("customers.count", { count: 3 })`. */
export function translator(locale: string): Translate {
  const catalog: Catalog = LANGUAGES[languageOf(locale)];
  const plural = new Intl.PluralRules(locale);
  const numbers = new Intl.NumberFormat(locale);
  return (key, params) => {
    const message = Object.hasOwn(catalog, key) ? catalog[key] : en[key];
    let template: string;
    if (typeof message === "string") template = message;
    else {
      const count = Number(params?.count ?? 0);
      template = plural.select(count) === "one" ? message.one : message.other;
    }
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      if (!Object.hasOwn(params, name)) return whole;
      const value = params[name];
      return typeof value === "number" ? numbers.format(value) : value;
    });
  };
}
