// Shared by the UI extension tests: a strict stand-in for shopify.i18n (translate from the extension's own
// locale JSON, as Shopify does: dotted keys, {{name}} interpolation, `count` picking the plural form) and
// customers' `$app` metafields made by the app's own writers, so the tests read exactly what the sync writes.
import { readFileSync } from "node:fs";
import path from "node:path";
import { desiredMetafields, LOYALTY_METAFIELDS, type LoyaltyState, type TierBasis } from "~/loyalty";
import { desiredRetentionMetafields, RETENTION_METAFIELDS, type RetentionCustomerState } from "~/retention";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const ADMIN_EXTENSION = "clv-admin-customer-block";
export const PROFILE_EXTENSION = "clv-customer-account-profile";
export const LOCALE_FILES = { en: "en.default.json", fr: "fr.json" } as const;

export type LocaleTree = { [key: string]: string | LocaleTree };

export function readLocale(extension: string, locale: keyof typeof LOCALE_FILES): LocaleTree {
  return JSON.parse(readFileSync(path.join(ROOT, "extensions", extension, "locales", LOCALE_FILES[locale]), "utf8")) as LocaleTree;
}

/** Every leaf key, dotted; a plural group ({one, other}) counts as one key. */
export function localeKeys(tree: LocaleTree, prefix = ""): string[] {
  const keys: string[] = [];
  for (const [name, value] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (typeof value === "string") keys.push(key);
    else if (isPluralGroup(value)) keys.push(key);
    else keys.push(...localeKeys(value, key));
  }
  return keys.sort();
}

const PLURAL_CATEGORIES = new Set(["zero", "one", "two", "few", "many", "other"]);
export function isPluralGroup(value: LocaleTree): boolean {
  const names = Object.keys(value);
  return names.includes("other") && names.every((n) => PLURAL_CATEGORIES.has(n) && typeof value[n] === "string");
}

export interface StrictTranslate {
  (key: string, params?: Record<string, string | number>): string;
  used: Set<string>;
}

/** Throws on an unknown key, a missing placeholder value or a plural group without `count`. */
export function strictTranslate(tree: LocaleTree, locale: string): StrictTranslate {
  const plural = new Intl.PluralRules(locale);
  const used = new Set<string>();
  const translate = ((key: string, params: Record<string, string | number> = {}) => {
    let node: string | LocaleTree | undefined = tree;
    for (const part of key.split(".")) node = typeof node === "object" && Object.hasOwn(node, part) ? node[part] : undefined;
    if (node === undefined) throw new Error(`Unknown locale key ${key}`);
    let template: string;
    if (typeof node === "string") template = node;
    else {
      if (!isPluralGroup(node) || typeof params.count !== "number") throw new Error(`${key} needs a count`);
      const form = node[plural.select(params.count)] ?? node.other;
      template = form as string;
    }
    used.add(key);
    return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
      if (!Object.hasOwn(params, name)) throw new Error(`${key}: no value for {{${name}}}`);
      return String(params[name]);
    });
  }) as StrictTranslate;
  translate.used = used;
  return translate;
}

/** shopify.i18n as Shopify gives it: Intl in the viewer's locale, translate from the extension's locale file. */
export function stubI18n(extension: string, locale: keyof typeof LOCALE_FILES) {
  const intlLocale = locale === "fr" ? "fr-FR" : "en-US";
  const translate = strictTranslate(readLocale(extension, locale), intlLocale);
  return {
    translate,
    formatNumber: (value: number | bigint, options?: Intl.NumberFormatOptions) => new Intl.NumberFormat(intlLocale, options).format(value),
    formatCurrency: (value: number | bigint, options?: Intl.NumberFormatOptions) =>
      new Intl.NumberFormat(intlLocale, { style: "currency", ...options }).format(value),
    formatDate: (date: Date, options?: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(intlLocale, options).format(date),
  };
}

export interface MetafieldNode {
  key: string;
  type: string;
  value: string;
}

/** The retention sync's metafields for a customer state, as metafield nodes (absent ones left out). */
export function retentionNodes(state: RetentionCustomerState, currencyCode: string): MetafieldNode[] {
  return [...desiredRetentionMetafields(state, currencyCode)]
    .filter((entry): entry is [keyof typeof RETENTION_METAFIELDS, string] => entry[1] !== null)
    .map(([key, value]) => ({ key, type: RETENTION_METAFIELDS[key], value }));
}

/** The loyalty write-back's metafields, plus tier_progress_percent as that job adds it. */
export function loyaltyNodes(state: LoyaltyState, basis: TierBasis, currencyCode: string, progressPercent: number | null): MetafieldNode[] {
  const nodes: MetafieldNode[] = [...desiredMetafields(state, basis, currencyCode)]
    .filter((entry): entry is [keyof typeof LOYALTY_METAFIELDS, string] => entry[1] !== null)
    .map(([key, value]) => ({ key, type: LOYALTY_METAFIELDS[key], value }));
  if (progressPercent !== null) nodes.push({ key: "tier_progress_percent", type: "number_integer", value: String(progressPercent) });
  return nodes;
}

export const valuesOf = (nodes: readonly MetafieldNode[]) => new Map(nodes.map((n) => [n.key, n.value]));

export function baseRetentionState(overrides: Partial<RetentionCustomerState> = {}): RetentionCustomerState {
  return {
    customerId: "gid://shopify/Customer/1001",
    historicValueMinor: 123_450,
    predictedValue12mMinor: 48_960,
    probabilityAlive: 0.834,
    segment: "Champions",
    atRisk: false,
    valueAtStakeMinor: 0,
    reason: "",
    winBack: null,
    ...overrides,
  };
}

export function baseLoyaltyState(overrides: Partial<LoyaltyState> = {}): LoyaltyState {
  return {
    tierName: "Silver",
    pointsBalance: 1250,
    nextTierName: "Gold",
    amountToNextTier: 4_000,
    referralCode: "REF-7K3M9QXA",
    ...overrides,
  };
}

/** Text a person would see: no template leaks or broken numbers. */
export function textProblems(html: string): string[] {
  const problems: string[] = [];
  for (const bad of ["undefined", "NaN", "null", "[object Object]", "{{", "}}", "Infinity"]) if (html.includes(bad)) problems.push(bad);
  return problems;
}
