// The folder tree is the architecture (README, "Architecture"): these rules keep its arrows pointing down.
// Each rule lists the imports a folder must never make; a violation names the file and the import.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const APP = path.resolve(import.meta.dirname, "../../app");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** Every module a file imports, resolved to a path under app/ ("worker/workers.server") or kept bare ("bullmq"). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']/g)].map((m) => m[1]);
  specifiers.push(...[...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]));
  return specifiers.map((s) => {
    if (s.startsWith("~/")) return s.slice(2);
    if (s.startsWith(".")) return path.relative(APP, path.resolve(path.dirname(file), s));
    return s;
  });
}

function violations(folders: string[], forbidden: RegExp): string[] {
  return folders.flatMap((folder) =>
    sourceFiles(path.join(APP, folder)).flatMap((file) =>
      importsOf(file)
        .filter((target) => forbidden.test(target))
        .map((target) => `${path.relative(APP, file)} imports ${target}`),
    ),
  );
}

const existing = (folders: string[]) => folders.filter((f) => readdirSync(APP).includes(f));

describe("import layering", () => {
  it("finds imports at all (the rules below would pass vacuously otherwise)", () => {
    expect(importsOf(path.join(APP, "worker/workers.server.ts"))).toContain("queues/queues.server");
  });

  it("data, webhooks, backfill, queues and shopify never import the worker side", () => {
    expect(violations(["data", "webhooks", "backfill", "queues", "shopify", "orders", "lib"], /^worker\//)).toEqual([]);
  });

  it("the producer side (queues) imports no processor, route or data module", () => {
    expect(violations(["queues"], /^(worker|routes|data|backfill)\//)).toEqual([]);
  });

  it("pure domain folders do no I/O and know no framework", () => {
    const pure = existing(["clv", "loyalty", "offers", "experiments", "retention", "orders", "lib"]);
    const io =
      /^(node:(fs|net|http|https|child_process|dgram|worker_threads)|fs|bullmq|ioredis|pg|better-sqlite3|@prisma\/|@remix-run\/|@shopify\/|react)|^(db|db-postgres)\.server|^(data|queues|worker|routes|webhooks|backfill|shopify)\//;
    expect(violations(pure, io)).toEqual([]);
  });

  it("routes do not reach into the worker", () => {
    expect(violations(["routes"], /^worker\//)).toEqual([]);
  });
});
