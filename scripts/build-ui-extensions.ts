// npx tsx scripts/build-ui-extensions.ts [name…] — bundles each UI extension in extensions/ (type
// "ui_extension" in its shopify.extension.toml) as Shopify's CLI would, with esbuild: the target module as
// the entry, JSX for Preact, ES modules, minified, ES2020. Writes .tmp/ui-extensions/<name>.js (or
// UI_EXTENSIONS_OUT_DIR) and prints raw and gzip sizes against Shopify's 64 KB compressed limit; exits 1 when a
// build fails or a bundle is over. Shopify's CLI does the real build on `shopify app deploy`: this one exists
// because the CLI cannot be downloaded here, so the bundle and its size are checked offline.
import { mkdirSync, readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** Shopify's limit for a UI extension's compiled script, compressed. */
export const COMPRESSED_LIMIT_BYTES = 64 * 1024;

const ROOT = path.resolve(import.meta.dirname, "..");
const EXTENSIONS_DIR = path.join(ROOT, "extensions");

export interface UiExtension {
  name: string;
  dir: string;
  /** The entry modules of its targets (one bundle each; ours have one target). */
  modules: string[];
}

export interface UiExtensionBundle {
  name: string;
  entry: string;
  outFile: string;
  rawBytes: number;
  gzipBytes: number;
}

/** The ui_extension folders in extensions/, with the `module` of each [[extensions.targeting]]. */
export function listUiExtensions(extensionsDir = EXTENSIONS_DIR): UiExtension[] {
  const found: UiExtension[] = [];
  for (const name of readdirSync(extensionsDir).sort()) {
    const toml = path.join(extensionsDir, name, "shopify.extension.toml");
    if (!existsSync(toml)) continue;
    const text = readFileSync(toml, "utf8");
    if (!/^\s*type\s*=\s*"ui_extension"\s*$/m.test(text)) continue;
    const modules = [...text.matchAll(/^\s*module\s*=\s*"([^"]+)"\s*$/gm)].map((m) => path.join(extensionsDir, name, m[1]));
    found.push({ name, dir: path.join(extensionsDir, name), modules });
  }
  return found;
}

export async function bundleUiExtension(extension: UiExtension, outDir: string): Promise<UiExtensionBundle[]> {
  mkdirSync(outDir, { recursive: true });
  const bundles: UiExtensionBundle[] = [];
  for (const [i, entry] of extension.modules.entries()) {
    const outFile = path.join(outDir, extension.modules.length === 1 ? `${extension.name}.js` : `${extension.name}.${i}.js`);
    await build({
      entryPoints: [entry],
      outfile: outFile,
      bundle: true,
      format: "esm",
      target: "es2020",
      minify: true,
      jsx: "automatic",
      jsxImportSource: "preact",
      platform: "browser",
      // The extension's own tsconfig (jsxImportSource preact), not the app's React one.
      tsconfig: existsSync(path.join(extension.dir, "tsconfig.json")) ? path.join(extension.dir, "tsconfig.json") : undefined,
      define: { "process.env.NODE_ENV": '"production"' },
      legalComments: "none",
      logLevel: "silent",
    });
    const code = readFileSync(outFile);
    bundles.push({ name: extension.name, entry, outFile, rawBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length });
  }
  return bundles;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const outDir = path.resolve(ROOT, process.env.UI_EXTENSIONS_OUT_DIR ?? ".tmp/ui-extensions");
  const extensions = listUiExtensions().filter((e) => wanted.length === 0 || wanted.includes(e.name));
  if (extensions.length === 0) throw new Error(`No UI extension${wanted.length ? ` named ${wanted.join(", ")}` : ""} in extensions/`);
  let failed = false;
  for (const extension of extensions) {
    try {
      for (const b of await bundleUiExtension(extension, outDir)) {
        const over = b.gzipBytes > COMPRESSED_LIMIT_BYTES;
        failed ||= over;
        console.log(
          `${b.name}: ${path.relative(ROOT, b.outFile)} raw ${kb(b.rawBytes)} (${b.rawBytes} B), gzip ${kb(b.gzipBytes)} (${b.gzipBytes} B)` +
            ` of ${kb(COMPRESSED_LIMIT_BYTES)}${over ? " — OVER the limit" : ""}`,
        );
      }
    } catch (error) {
      failed = true;
      console.error(`${extension.name}: build failed\n${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failed) process.exitCode = 1;
}

const isEntry = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (isEntry) await main();
