// The UI extensions bundle as Shopify's CLI would build them (scripts/build-ui-extensions.ts: esbuild, Preact
// JSX, ESM, minified, ES2020), each under Shopify's 64 KB compressed limit, with the target's default export.
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundleUiExtension, COMPRESSED_LIMIT_BYTES, listUiExtensions } from "../../scripts/build-ui-extensions";
import { ADMIN_EXTENSION, PROFILE_EXTENSION, ROOT } from "./support";

const OUT_DIR = path.join(ROOT, ".tmp", `ui-extensions-test-${process.pid}`);
afterAll(() => rmSync(OUT_DIR, { recursive: true, force: true }));

describe("UI extension bundles", () => {
  it("finds both UI extensions and their target modules, and not the theme or Flow extensions", () => {
    const found = listUiExtensions();
    expect(found.map((e) => e.name)).toEqual([ADMIN_EXTENSION, PROFILE_EXTENSION]);
    expect(found.map((e) => path.relative(ROOT, e.modules[0]))).toEqual([
      "extensions/clv-admin-customer-block/src/CustomerValueBlock.tsx",
      "extensions/clv-customer-account-profile/src/LoyaltyProfileBlock.tsx",
    ]);
  });

  for (const name of [ADMIN_EXTENSION, PROFILE_EXTENSION]) {
    it(`${name} builds, renders with Preact (not React) and stays under 64 KB compressed`, async () => {
      const extension = listUiExtensions().find((e) => e.name === name)!;
      const [bundle] = await bundleUiExtension(extension, OUT_DIR);
      const code = readFileSync(bundle.outFile, "utf8");
      console.log(`${name}: raw ${bundle.rawBytes} B, gzip ${bundle.gzipBytes} B`);
      expect(bundle.gzipBytes).toBeGreaterThan(1000);
      expect(bundle.gzipBytes).toBeLessThan(COMPRESSED_LIMIT_BYTES);
      expect(code).toMatch(/export\s*\{[^}]*\bas default\b[^}]*\}/);
      expect(code).not.toMatch(/from\s*["'](react|preact)/); // everything bundled, nothing left to resolve
      expect(code).not.toContain("react/jsx-runtime");
      expect(code).toContain(name === ADMIN_EXTENSION ? "s-admin-block" : "s-clipboard-item");
    });
  }
});
