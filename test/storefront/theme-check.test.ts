// Shopify's theme-check on the extension, with the theme-app-extension rules it picks for a folder holding a
// *.extension.toml (app-block tags, asset sizes, translation keys, unknown filters and objects, …).
// Offline, it loads the rule data bundled with the package; its failed fetch of fresher data is harmless.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { themeCheckRun, type Offense } from "@shopify/theme-check-node";
import { afterAll, describe, expect, it } from "vitest";
import { EXTENSION_DIR } from "./liquid-harness.ts";

const ERROR = 0;

function describeOffense(offense: Offense): string {
  return `${offense.check} (severity ${offense.severity}) ${path.basename(offense.uri)}:${offense.start.line + 1} ${offense.message}`;
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe("theme-check", () => {
  it("finds nothing in the extension, with the theme app extension rules", async () => {
    const run = await themeCheckRun(EXTENSION_DIR);
    expect(run.config.context).toBe("app");
    const checked = run.theme.map((file) => path.relative(EXTENSION_DIR, new URL(file.uri).pathname)).sort();
    expect(checked).toEqual(
      expect.arrayContaining(["blocks/loyalty-status.liquid", "blocks/offers.liquid", "snippets/clv-offer-card.liquid"]),
    );
    expect(run.offenses.map(describeOffense)).toEqual([]);
  });

  it("would catch a broken block (the check is really running on these files)", async () => {
    const copy = mkdtempSync(path.join(tmpdir(), "clv-theme-check-"));
    scratch.push(copy);
    cpSync(EXTENSION_DIR, copy, { recursive: true });
    const block = path.join(copy, "blocks", "referral.liquid");
    const broken = readFileSync(block, "utf8").replace(
      '<h2 class="clv-h"',
      "{% include 'clv-style' %}{{ 'clv.no_such_key' | t }}{{ heading | no_such_filter }}<h2 class=\"clv-h\"",
    );
    writeFileSync(block, broken);
    writeFileSync(path.join(copy, "assets", "clv-referral.js"), `// ${"x".repeat(10_500)}\n`);

    const run = await themeCheckRun(copy);
    const errors = new Set(run.offenses.filter((offense) => offense.severity === ERROR).map((offense) => offense.check));
    expect([...errors].sort()).toEqual(
      expect.arrayContaining(["AppBlockValidTags", "AssetSizeAppBlockJavaScript", "TranslationKeyExists", "UnknownFilter"]),
    );
  });
});
