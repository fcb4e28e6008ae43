// What theme-check does not verify offline (its bundled rules validate only the locale files' JSON for an
// extension): the block schemas, the translations behind every key, and the folder layout Shopify accepts.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOYALTY_METAFIELDS } from "../../app/loyalty/index.ts";
import {
  ASSETS_DIR,
  BLOCK_NAMES,
  blockSchema,
  blockSource,
  EXTENSION_DIR,
  LOCALES,
  localeFile,
  readLocale,
  SNIPPETS_DIR,
  type BlockName,
} from "./liquid-harness.ts";

// Setting types an app block may use (shopify.dev, "Input settings" and "Sidebar settings").
const SETTING_TYPES = new Set([
  "checkbox",
  "number",
  "radio",
  "range",
  "select",
  "text",
  "textarea",
  "color",
  "color_background",
  "font_picker",
  "html",
  "image_picker",
  "inline_richtext",
  "link_list",
  "richtext",
  "url",
  "video_url",
  "product",
  "collection",
  "page",
  "blog",
  "article",
  "header",
  "paragraph",
]);

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(full, value);
    else for (const [k, v] of leaves(value, full)) out.set(k, v);
  }
  return out;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort();
}

/** Every `'key' | t` in the extension's Liquid. */
function translationKeysUsed(): Set<string> {
  const files = [
    ...BLOCK_NAMES.map((name) => blockSource(name)),
    ...readdirSync(SNIPPETS_DIR).map((file) => readFileSync(path.join(SNIPPETS_DIR, file), "utf8")),
  ];
  const keys = new Set<string>();
  for (const text of files) for (const match of text.matchAll(/'([a-z0-9_.]+)'\s*\|\s*t\b/g)) keys.add(match[1]);
  return keys;
}

/** Keys of a translation that may be plural: "a.b" for a.b.one / a.b.other. */
function resolvable(keys: Map<string, string>, key: string): boolean {
  return keys.has(key) || keys.has(`${key}.other`);
}

describe("extension layout", () => {
  it("holds only shopify.extension.toml, blocks/, snippets/, assets/ and locales/, with allowed asset types", () => {
    expect(readdirSync(EXTENSION_DIR).sort()).toEqual(["assets", "blocks", "locales", "shopify.extension.toml", "snippets"]);
    for (const dir of ["assets", "blocks", "locales", "snippets"]) {
      for (const entry of readdirSync(path.join(EXTENSION_DIR, dir)))
        expect(statSync(path.join(EXTENSION_DIR, dir, entry)).isFile()).toBe(true);
    }
    for (const asset of readdirSync(ASSETS_DIR)) expect(asset).toMatch(/\.(js|css|json|png|jpg|svg|wasm)$/);
    expect(readdirSync(path.join(EXTENSION_DIR, "blocks")).sort()).toEqual(BLOCK_NAMES.map((name) => `${name}.liquid`).sort());
    const toml = readFileSync(path.join(EXTENSION_DIR, "shopify.extension.toml"), "utf8");
    expect(toml).toMatch(/^type = "theme"$/m);
    expect(toml).toMatch(/^name = "[^"]+"$/m);
  });
});

describe("block schemas", () => {
  const schemaLocales = LOCALES.map((locale) => leaves(readLocale(localeFile(locale, true)) as Tree));

  function label(value: string | undefined, where: string): void {
    expect(value, where).toBeDefined();
    if (!value!.startsWith("t:")) return;
    for (const [i, keys] of schemaLocales.entries()) expect(keys.has(value!.slice(2)), `${where}: ${value} in ${LOCALES[i]}`).toBe(true);
  }

  it.each(BLOCK_NAMES)("%s is a valid app block", (name: BlockName) => {
    const schema = blockSchema(name);
    expect(schema.target).toBe("section");
    label(schema.name, `${name}.name`);
    for (const keys of schemaLocales) expect([...(keys.get(schema.name.slice(2)) ?? "")].length).toBeLessThanOrEqual(25);
    expect(schema.stylesheet).toBe("clv-storefront.css");
    for (const asset of [schema.stylesheet, schema.javascript]) if (asset) expect(readdirSync(ASSETS_DIR)).toContain(asset);

    const ids = new Set<string>();
    for (const setting of schema.settings) {
      expect(SETTING_TYPES.has(setting.type), `${name}: setting type ${setting.type}`).toBe(true);
      if (setting.type === "header" || setting.type === "paragraph") {
        label(setting.content, `${name}.${setting.type}`);
        continue;
      }
      expect(setting.id, `${name}: a setting without an id`).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(ids.has(setting.id!), `${name}: duplicate id ${setting.id}`).toBe(false);
      ids.add(setting.id!);
      label(setting.label, `${name}.${setting.id}.label`);
      if (setting.info !== undefined) label(setting.info, `${name}.${setting.id}.info`);
      if (setting.type === "color" && setting.default !== undefined) expect(setting.default).toMatch(/^#[0-9a-f]{6}$/i);
      if (setting.type === "range") {
        const { min, max, step, default: value } = setting;
        expect(typeof min === "number" && typeof max === "number" && typeof step === "number" && typeof value === "number").toBe(true);
        expect(min!).toBeLessThan(max!);
        // Shopify wants 3 to 101 steps and a default on a step.
        const steps = (max! - min!) / step!;
        expect(steps).toBeGreaterThanOrEqual(3);
        expect(steps).toBeLessThanOrEqual(101);
        expect(((value as number) - min!) % step!).toBe(0);
        expect(value as number).toBeGreaterThanOrEqual(min!);
        expect(value as number).toBeLessThanOrEqual(max!);
      }
    }
  });

  it("gates every block on an app-data boolean, the loyalty ones on the program and the offers on offers", () => {
    const gate = (name: BlockName) => blockSchema(name).available_if;
    expect(gate("loyalty-status")).toBe("{{ app.metafields.clv.program_enabled }}");
    expect(gate("points-preview")).toBe("{{ app.metafields.clv.program_enabled }}");
    expect(gate("referral")).toBe("{{ app.metafields.clv.program_enabled }}");
    expect(gate("offers")).toBe("{{ app.metafields.clv.offers_enabled }}");
    expect(blockSchema("points-preview").enabled_on).toEqual({ templates: ["product"] });
    expect(blockSchema("offers").enabled_on).toEqual({ templates: ["product"] });
  });

  it("has every schema translation in French and German", () => {
    const [english, ...others] = schemaLocales;
    for (const keys of others) expect([...keys.keys()].sort()).toEqual([...english.keys()].sort());
  });
});

describe("storefront translations", () => {
  const locales = LOCALES.map((locale) => leaves(readLocale(localeFile(locale)) as Tree));
  const [english] = locales;

  it("resolves every key the Liquid uses in every locale, without falling back to English", () => {
    const used = translationKeysUsed();
    expect(used.size).toBeGreaterThan(30);
    for (const [i, keys] of locales.entries()) {
      const missing = [...used].filter((key) => !resolvable(keys, key));
      expect(missing, LOCALES[i]).toEqual([]);
    }
  });

  it("leaves no key unused", () => {
    const used = translationKeysUsed();
    const unused = [...english.keys()].filter((key) => !used.has(key) && !used.has(key.replace(/\.(one|other)$/, "")));
    expect(unused).toEqual([]);
  });

  it("has the same keys and the same placeholders in French and German", () => {
    for (const keys of locales.slice(1)) {
      expect([...keys.keys()].sort()).toEqual([...english.keys()].sort());
      for (const [key, text] of english) expect(placeholders(keys.get(key)!), key).toEqual(placeholders(text));
    }
  });

  it("puts markup only in _html keys and interpolates money only there", () => {
    for (const keys of locales) {
      for (const [key, text] of keys) {
        if (!/_html(\.|$)/.test(key)) expect(text, key).not.toMatch(/[<>"]/);
        if (placeholders(text).includes("amount")) expect(key).toMatch(/_html$/);
      }
    }
  });
});

describe("metafield contract (docs/storefront.md)", () => {
  const doc = readFileSync(path.resolve("docs/storefront.md"), "utf8");
  const liquid = [
    ...BLOCK_NAMES.map((name) => blockSource(name)),
    ...readdirSync(SNIPPETS_DIR).map((file) => readFileSync(path.join(SNIPPETS_DIR, file), "utf8")),
  ].join("\n");

  /** [owner.metafields.app.key] tables of the TOML snippet: key → { type, storefront access }. */
  function declared(owner: "customer" | "product"): Map<string, { type: string; storefront: string | undefined }> {
    const out = new Map<string, { type: string; storefront: string | undefined }>();
    for (const match of doc.matchAll(new RegExp(`^\\[${owner}\\.metafields\\.app\\.(\\w+)\\]\\n((?:[^\\[\\n][^\\n]*\\n)*)`, "gm"))) {
      const body = match[2];
      out.set(match[1], {
        type: /^type = "([^"]+)"/m.exec(body)?.[1] ?? "",
        storefront: /^access\.storefront = "([^"]+)"/m.exec(body)?.[1],
      });
    }
    return out;
  }

  function read(pattern: RegExp): Set<string> {
    return new Set([...liquid.matchAll(pattern)].map((match) => match[1]));
  }

  it("declares every customer and product metafield a block reads, readable by the storefront", () => {
    for (const owner of ["customer", "product"] as const) {
      const keys = read(new RegExp(`${owner}\\.metafields\\["\\$app"\\]\\.(\\w+)`, "g"));
      expect(keys.size).toBeGreaterThan(owner === "customer" ? 8 : 1);
      const definitions = declared(owner);
      for (const key of keys) expect(definitions.get(key)?.storefront, `${owner}.${key}`).toBe("public_read");
    }
  });

  it("documents every app-data metafield a block reads", () => {
    const keys = read(/app\.metafields\.clv\.(\w+)/g);
    expect(keys.size).toBeGreaterThanOrEqual(6);
    for (const key of keys) expect(doc, key).toMatch(new RegExp(`^\\| \`${key}\` \\|`, "m"));
  });

  it("declares what the loyalty write-back writes, with the same types", () => {
    const definitions = declared("customer");
    for (const [key, type] of Object.entries(LOYALTY_METAFIELDS)) expect(definitions.get(key)?.type, key).toBe(type);
  });
});
