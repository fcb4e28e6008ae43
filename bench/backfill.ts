// npm run bench:backfill — imports a bulk operation's JSONL of BENCH_ORDERS orders (default 1,000,000,
// from the seeded synthetic shop, ungrouped like API 2026-01+) served over local HTTP into a fresh SQLite
// file, through the app's real import (the same batch ingest as webhooks, then one pass of customer
// values). Prints orders/s and the process's peak RSS. Targets: ≤ 5 minutes and < 512 MB.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { serveFile } from "../test/support/bulk-file";
import { syntheticOrders, writeBulkJsonl } from "../testkit/synthetic-shop";

const ORDERS = Number(process.env.BENCH_ORDERS ?? 1_000_000);
const SEED = Number(process.env.BENCH_SEED ?? 7);
const root = path.resolve(import.meta.dirname, "..");
const cacheDir = path.join(root, ".tmp", "bench");
const file = path.join(cacheDir, `bulk-${ORDERS}-${SEED}.jsonl`);
const dbFile = path.join(root, ".tmp", `bench-backfill-${randomUUID().slice(0, 8)}.sqlite`);
const SHOP = "bench-backfill.myshopify.com";

mkdirSync(cacheDir, { recursive: true });
if (!existsSync(file)) {
  const t = performance.now();
  process.stdout.write(`generating ${ORDERS.toLocaleString("en-US")} orders (cached in ${path.relative(root, file)})… `);
  await writeBulkJsonl(syntheticOrders({ seed: SEED, orders: ORDERS, maxOrders: ORDERS }), file, { ungrouped: true });
  console.log(`${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const bytes = statSync(file).size;

Object.assign(process.env, { DATABASE_URL: `file:${dbFile}`, QUEUE_PREFIX: `bench-${randomUUID().slice(0, 8)}` });
execFileSync("npx", ["prisma", "migrate", "deploy"], { cwd: root, env: process.env, stdio: "pipe" });
const { db, disconnectDb } = await import("../app/db.server");
const { importBulkFile } = await import("../app/backfill/import-bulk-file.server");

const client = await db();
const served = await serveFile(file);
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
let lastReport = 0;
const started = performance.now();
const cpuStart = process.cpuUsage();
try {
  const result = await importBulkFile(client, SHOP, served.url, {
    onProgress: async (p) => {
      if (p.ordersImported - lastReport >= 100_000) {
        lastReport = p.ordersImported;
        const s = (performance.now() - started) / 1000;
        process.stdout.write(
          `  ${p.ordersImported.toLocaleString("en-US")} orders, ${((p.bytesImported / bytes) * 100).toFixed(0)} %, ${s.toFixed(0)} s\\n`.replace(
            "\\n",
            "\n",
          ),
        );
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const [orders, lineItems, customers] = await Promise.all([
    client.order.count({ where: { shop: SHOP } }),
    client.lineItem.count({ where: { shop: SHOP } }),
    client.customerValue.count({ where: { shop: SHOP } }),
  ]);
  const rows: [string, string][] = [
    ["file", `${(bytes / 2 ** 20).toFixed(0)} MB, ${result.linesImported.toLocaleString("en-US")} lines`],
    ["orders imported", `${result.ordersImported.toLocaleString("en-US")} (stored: ${orders.toLocaleString("en-US")})`],
    ["line items", `${result.lineItemsImported.toLocaleString("en-US")} (stored: ${lineItems.toLocaleString("en-US")})`],
    ["customers valued", customers.toLocaleString("en-US")],
    ["unreadable lines", String(result.badLines)],
    ["time", `${seconds.toFixed(1)} s`],
    ["orders/s", (result.ordersImported / seconds).toFixed(0)],
    ["CPU time (user + system)", `${((process.cpuUsage(cpuStart).user + process.cpuUsage(cpuStart).system) / 1e6).toFixed(1)} s`],
    ["peak RSS", `${(peakRss / 2 ** 20).toFixed(0)} MB`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  if (orders !== result.ordersImported) process.exitCode = 1;
} finally {
  clearInterval(sampler);
  await served.close();
  await disconnectDb();
  for (const suffix of ["", "-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
}
