// The UI extensions' translations: English and French have the same keys, every key the code names exists,
// and the metafields the blocks read are declared in shopify.app.toml with the access the blocks need.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CUSTOMER_VALUE_KEYS } from "../../extensions/clv-admin-customer-block/src/customer-value-query";
import { LOYALTY_PROFILE_KEYS } from "../../extensions/clv-customer-account-profile/src/loyalty-profile-query";
import { ADMIN_EXTENSION, isPluralGroup, localeKeys, PROFILE_EXTENSION, readLocale, ROOT, type LocaleTree } from "./support";

/**
 * The locale keys an extension's sources name: the first argument of every t(…) / translate(…) call, and every
 * dotted string literal under a top-level locale key ("rows.historic.label", handed to t by the view model).
 */
function keysNamedInCode(extension: string, topLevel: readonly string[]): string[] {
  const dir = path.join(ROOT, "extensions", extension, "src");
  const keys = new Set<string>();
  for (const file of readdirSync(dir)) {
    const source = readFileSync(path.join(dir, file), "utf8");
    for (const m of source.matchAll(/\b(?:t|translate)\(\s*["'`]([^"'`]+)["'`]/g)) keys.add(m[1]);
    for (const m of source.matchAll(/["'`]([a-z][A-Za-z]*(?:\.[a-zA-Z]+)+)["'`]/g)) {
      if (topLevel.includes(m[1].split(".")[0])) keys.add(m[1]);
    }
  }
  return [...keys].sort();
}

function leafOrGroup(tree: LocaleTree, key: string): string | LocaleTree | undefined {
  let node: string | LocaleTree | undefined = tree;
  for (const part of key.split(".")) node = typeof node === "object" && Object.hasOwn(node, part) ? node[part] : undefined;
  return node;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

for (const extension of [ADMIN_EXTENSION, PROFILE_EXTENSION]) {
  describe(`${extension} locales`, () => {
    const en = readLocale(extension, "en");
    const fr = readLocale(extension, "fr");

    it("English and French have the same keys, plural forms and placeholders", () => {
      expect(localeKeys(fr)).toEqual(localeKeys(en));
      for (const key of localeKeys(en)) {
        const a = leafOrGroup(en, key)!;
        const b = leafOrGroup(fr, key)!;
        const texts = (node: string | LocaleTree) => (typeof node === "string" ? [node] : Object.values(node).map(String));
        expect(typeof a === "string", key).toBe(typeof b === "string");
        if (typeof a !== "string") expect(isPluralGroup(a) && isPluralGroup(b as LocaleTree), key).toBe(true);
        expect(new Set(texts(b).flatMap(placeholders)), key).toEqual(new Set(texts(a).flatMap(placeholders)));
        for (const text of [...texts(a), ...texts(b)]) expect(text.trim().length, key).toBeGreaterThan(0);
      }
    });

    it("every key the code names exists in both locales", () => {
      const named = keysNamedInCode(extension, Object.keys(en));
      expect(named.length).toBeGreaterThan(10);
      const enKeys = new Set(localeKeys(en));
      expect(named.filter((key) => !enKeys.has(key))).toEqual([]);
    });
  });
}

describe("metafield definitions the blocks rely on (shopify.app.toml)", () => {
  const toml = readFileSync(path.join(ROOT, "shopify.app.toml"), "utf8");
  const definition = (key: string) =>
    toml.match(new RegExp(`\\[customer\\.metafields\\.app\\.${key}\\]\\n((?:(?!\\n\\[).)*)`, "s"))?.[1] ?? null;
  const NOT_WRITTEN_YET = ["predicted_value_12m_low", "predicted_value_12m_high", "probability_order_12m"];

  it("declares every key the admin block reads with admin access (the range and order chance are not synced yet)", () => {
    const missing = CUSTOMER_VALUE_KEYS.filter(
      (key) => !NOT_WRITTEN_YET.includes(key) && !/access\.admin = "merchant_read/.test(definition(key) ?? ""),
    );
    expect(missing).toEqual([]);
  });

  it("declares every key the profile block reads with customer-account read access", () => {
    const missing = LOYALTY_PROFILE_KEYS.filter((key) => !/access\.customer_account = "read/.test(definition(key) ?? ""));
    expect(missing).toEqual([]);
  });
});
