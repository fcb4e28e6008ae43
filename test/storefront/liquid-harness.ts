// Renders the theme app extension's blocks with liquidjs, standing in for Shopify's Liquid with the few
// Shopify-only filters and objects the blocks use. Each stub does what Shopify documents, no more:
//   - divided_by floors when both operands are integers (Ruby), where liquidjs would return a float;
//   - t looks the key up in the extension's locales (falling back to en.default), picks the plural form by
//     the locale's CLDR rules when given `count`, interpolates {{ name }}, escapes unless the key ends in
//     _html, and prints "translation missing: <locale>.<key>" like Shopify when the key does not exist;
//   - money formats minor units (or a money metafield's value) with the shop's money format;
//   - image_url / image_tag build a sized URL and an <img> with width and height;
//   - sha256 is the hex digest.
// Global objects (app, customer, cart, shop, routes, request) are liquidjs globals, so render'd snippets
// see them as they do in Shopify; `block` and `product` are template variables only.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Liquid } from "liquidjs";

export const EXTENSION_DIR = path.resolve("extensions/clv-storefront");
export const BLOCKS_DIR = path.join(EXTENSION_DIR, "blocks");
export const SNIPPETS_DIR = path.join(EXTENSION_DIR, "snippets");
export const LOCALES_DIR = path.join(EXTENSION_DIR, "locales");
export const ASSETS_DIR = path.join(EXTENSION_DIR, "assets");

export const BLOCK_NAMES = ["loyalty-status", "points-preview", "referral", "offers"] as const;
export type BlockName = (typeof BLOCK_NAMES)[number];

export type Locale = "en" | "fr" | "de";
export const LOCALES: readonly Locale[] = ["en", "fr", "de"];

/** The value of a `money` metafield: Liquid hands money filters a money object, not a number. */
export class MoneyValue {
  constructor(
    readonly cents: number,
    readonly currencyCode: string,
  ) {}
}

/** A metafield as Liquid exposes it; blocks always read `.value`. */
export interface Metafield {
  type: string;
  value: unknown;
}

export function metafield(type: string, value: unknown): Metafield {
  return { type, value };
}

export interface StubImage {
  src: string;
  alt: string;
  width: number;
  height: number;
}

export interface StubVariant {
  id: number;
  price: number;
  available: boolean;
}

export interface StubProduct {
  id: number;
  title: string;
  url: string;
  available: boolean;
  price: number;
  featured_image: StubImage | null;
  selected_or_first_available_variant: StubVariant | null;
  metafields: { $app: Record<string, Metafield> };
}

export interface StubCustomer {
  id: number | string;
  first_name: string;
  metafields: { $app: Record<string, Metafield> };
}

export interface StorefrontContext {
  /** app.metafields.clv.<key> */
  appData: Record<string, Metafield>;
  customer: StubCustomer | null;
  product?: StubProduct | null;
  /** The shopper's currency (cart.currency.iso_code); default USD. */
  currency?: string;
  settings?: Record<string, unknown>;
  blockId?: string;
}

export interface SchemaSetting {
  type: string;
  id?: string;
  label?: string;
  info?: string;
  content?: string;
  default?: unknown;
  min?: number;
  max?: number;
  step?: number;
}

export interface BlockSchema {
  name: string;
  target: string;
  stylesheet?: string;
  javascript?: string;
  available_if?: string;
  enabled_on?: { templates?: string[] };
  settings: SchemaSetting[];
}

const SCHEMA_TAG = /{%-?\s*schema\s*-?%}([\s\S]*?){%-?\s*endschema\s*-?%}/;

export function blockSource(name: BlockName): string {
  return readFileSync(path.join(BLOCKS_DIR, `${name}.liquid`), "utf8");
}

export function blockSchema(name: BlockName): BlockSchema {
  const match = SCHEMA_TAG.exec(blockSource(name));
  if (!match) throw new Error(`${name}: no {% schema %}`);
  return JSON.parse(match[1]) as BlockSchema;
}

/** The settings a merchant gets before touching anything: each setting's default. */
export function defaultSettings(name: BlockName): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const setting of blockSchema(name).settings) {
    if (setting.id !== undefined) settings[setting.id] = setting.default ?? (setting.type === "checkbox" ? false : null);
  }
  return settings;
}

type Translations = { [key: string]: string | Translations };

const localeCache = new Map<string, Translations>();

export function readLocale(file: string): Translations {
  let translations = localeCache.get(file);
  if (!translations) {
    translations = JSON.parse(readFileSync(path.join(LOCALES_DIR, file), "utf8")) as Translations;
    localeCache.set(file, translations);
  }
  return translations;
}

export function localeFile(locale: Locale, schema = false): string {
  return `${locale === "en" ? "en.default" : locale}${schema ? ".schema" : ""}.json`;
}

function lookup(translations: Translations, key: string): string | Translations | undefined {
  let node: string | Translations | undefined = translations;
  for (const part of key.split(".")) {
    if (node === undefined || typeof node === "string" || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return node;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** liquidjs hands keyword arguments to a filter as [name, value] pairs. */
function keywordArguments(args: unknown[]): Map<string, unknown> {
  const named = new Map<string, unknown>();
  for (const arg of args) if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === "string") named.set(arg[0], arg[1]);
  return named;
}

export function translate(locale: Locale, key: string, variables: Map<string, unknown>): string {
  let entry = lookup(readLocale(localeFile(locale)), key);
  if (entry === undefined && locale !== "en") entry = lookup(readLocale(localeFile("en")), key);
  if (entry === undefined) return `translation missing: ${locale}.${key}`;
  if (typeof entry !== "string") {
    const count = variables.get("count");
    const form = typeof count === "number" ? new Intl.PluralRules(locale).select(count) : "other";
    const chosen: string | Translations | undefined = Object.hasOwn(entry, form) ? entry[form] : entry.other;
    if (typeof chosen !== "string") return `translation missing: ${locale}.${key}.${form}`;
    entry = chosen;
  }
  const html = key.endsWith("_html");
  const text = html ? entry : escapeHtml(entry);
  return text.replace(/{{\s*(\w+)\s*}}/g, (whole, name: string) => {
    if (!variables.has(name)) return whole;
    const value = String(variables.get(name) ?? "");
    return html ? value : escapeHtml(value);
  });
}

/** Shopify money formats: {{amount}}, {{amount_no_decimals}}, {{amount_with_comma_separator}}. */
export function formatMoney(cents: number, format: string): string {
  const fixed = (Math.abs(cents) / 100).toFixed(2);
  const [units, decimals] = fixed.split(".");
  const grouped = (separator: string) => units.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  const sign = cents < 0 ? "-" : "";
  return format.replace(/{{\s*(\w+)\s*}}/g, (whole, name: string) => {
    if (name === "amount") return `${sign}${grouped(",")}.${decimals}`;
    if (name === "amount_no_decimals") return `${sign}${grouped(",")}`;
    if (name === "amount_with_comma_separator") return `${sign}${grouped(".")},${decimals}`;
    return whole;
  });
}

class ImageUrl {
  constructor(
    readonly url: string,
    readonly image: StubImage,
  ) {}
  toString(): string {
    return this.url;
  }
}

export interface EngineOptions {
  locale?: Locale;
  moneyFormat?: string;
}

export function createEngine(options: EngineOptions = {}): Liquid {
  const locale = options.locale ?? "en";
  const moneyFormat = options.moneyFormat ?? "${{amount}}";
  const engine = new Liquid({
    root: [BLOCKS_DIR],
    partials: [SNIPPETS_DIR],
    extname: ".liquid",
    relativeReference: false,
    strictFilters: true,
    ownPropertyOnly: true,
  });
  engine.registerFilter("divided_by", (dividend: unknown, divisor: unknown) => {
    const a = Number(dividend);
    const b = Number(divisor);
    if (b === 0) throw new Error("Liquid error: divided by 0");
    return Number.isInteger(a) && Number.isInteger(b) ? Math.floor(a / b) : a / b;
  });
  engine.registerFilter("t", (key: unknown, ...args: unknown[]) => translate(locale, String(key), keywordArguments(args)));
  engine.registerFilter("money", (value: unknown) => {
    if (value == null || value === "") return "";
    const cents = value instanceof MoneyValue ? value.cents : Number(value);
    return formatMoney(cents, moneyFormat);
  });
  engine.registerFilter("sha256", (value: unknown) => createHash("sha256").update(String(value), "utf8").digest("hex"));
  engine.registerFilter("image_url", (image: unknown, ...args: unknown[]) => {
    const source = image as StubImage | null;
    if (!source) return "";
    const width = keywordArguments(args).get("width");
    return new ImageUrl(width === undefined ? source.src : `${source.src}?width=${String(width)}`, source);
  });
  engine.registerFilter("image_tag", (url: unknown, ...args: unknown[]) => {
    if (!(url instanceof ImageUrl)) throw new Error("image_tag expects the result of image_url");
    const named = keywordArguments(args);
    const width = Number(named.get("width") ?? url.image.width);
    const height = Number(named.get("height") ?? Math.round((width * url.image.height) / url.image.width));
    const attributes = [`src="${escapeHtml(url.url)}"`, `alt="${escapeHtml(String(named.get("alt") ?? url.image.alt))}"`];
    attributes.push(`width="${width}"`, `height="${height}"`);
    for (const [name, value] of named)
      if (!["width", "height", "alt"].includes(name)) attributes.push(`${name}="${escapeHtml(String(value))}"`);
    return `<img ${attributes.join(" ")}>`;
  });
  return engine;
}

/** Renders a block as Shopify would: without its {% schema %}, with the context's objects. */
export async function renderBlock(engine: Liquid, name: BlockName, context: StorefrontContext): Promise<string> {
  const source = blockSource(name).replace(SCHEMA_TAG, "");
  const settings = { ...defaultSettings(name), ...context.settings };
  const globals = {
    app: { metafields: { clv: context.appData } },
    customer: context.customer,
    cart: { currency: { iso_code: context.currency ?? "USD" } },
    shop: { url: "https://clv-demo.myshopify.com", currency: "USD" },
    routes: {
      root_url: "/",
      account_login_url: "/account/login",
      account_register_url: "/account/register",
      cart_add_url: "/cart/add",
    },
  };
  const scope = {
    block: { id: context.blockId ?? `AbC${name.replace(/-/g, "")}`, settings, shopify_attributes: "" },
    product: context.product ?? null,
  };
  return engine.parseAndRender(source, scope, { globals });
}

/** UTF-8 bytes, the unit of every size budget. */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** The visible text of rendered HTML, whitespace collapsed (for assertions on what a shopper reads). */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, " ")
    .trim();
}
