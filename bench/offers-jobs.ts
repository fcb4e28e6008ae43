/**
 * Cross-sell jobs on a real database and the Admin API double: the mining run from Order/LineItem (streamed
 * in keyset pages into app/offers, suggestions and personal lists stored), then the write-back of every
 * list (paced metafieldsSet calls of 25), then the same write-back again with nothing changed.
 *
 * Synthetic shop (seeded): BENCH_JOB_ORDERS orders (default 200,000) of BENCH_JOB_PRODUCTS products (2,000)
 * by BENCH_JOB_CUSTOMERS customers (60,000), 1–4 products an order, popularity falling off like 1 / (rank + 10),
 * each product with two complements that join its baskets 40 % of the time; every customer with a prediction.
 * The double's bucket is made large (the figures are the app's own cost, not Shopify's pacing: at a standard
 * plan's 100 points a second, N metafields take about N / 25 × 10 / 100 seconds).
 *
 * Run: npm run bench:offers-jobs   (SQLite file in .tmp/, recreated each run)
 */

import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { startAdminApiDouble } from "../testkit/admin-api-double/index";

const ORDERS = Number(process.env.BENCH_JOB_ORDERS ?? 200_000);
const PRODUCTS = Number(process.env.BENCH_JOB_PRODUCTS ?? 2_000);
const CUSTOMERS = Number(process.env.BENCH_JOB_CUSTOMERS ?? 60_000);
const SHOP = "bench-offers.myshopify.com";
const TOKEN = "shpat_bench_offers";
const DAY = 86_400_000;

let state = 0x9e3779b9;
function random(): number {
  // xorshift32
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
}

const weights = Array.from({ length: PRODUCTS }, (_, rank) => 1 / (rank + 10));
const totalWeight = weights.reduce((s, w) => s + w, 0);
const cumulative: number[] = [];
weights.reduce((s, w) => (cumulative.push((s + w) / totalWeight), s + w), 0);
function pick(): number {
  const u = random();
  let low = 0;
  let high = PRODUCTS - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (cumulative[mid] < u) low = mid + 1;
    else high = mid;
  }
  return low;
}
const complements = Array.from({ length: PRODUCTS }, () => [Math.floor(random() * PRODUCTS), Math.floor(random() * PRODUCTS)]);
const productId = (p: number) => String(p + 1);

/** The process's peak resident memory so far (the database work is synchronous: a timer would not sample it). */
const peakRss = () => process.resourceUsage().maxRSS * 1024;
const mb = (bytes: number) => `${Math.round(bytes / 1_048_576)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const DB_FILE = path.resolve(".tmp", "bench-offers-jobs.sqlite");

/** Seeds the shop's orders, line items and predictions (a phase of its own: its memory is not the jobs'). */
async function seedShop() {
  const { db, disconnectDb } = await import("../app/db.server");
  const { bulkUpsert } = await import("../app/data/bulk-upsert.server");
  const client = await db();
  await client.shop.create({ data: { shop: SHOP, currencyCode: "USD", installedAt: new Date() } });
  const started = performance.now();
  const now = Date.now();
  let line = 0;
  for (let first = 0; first < ORDERS; first += 5_000) {
    const orders: (string | bigint | Date | boolean | null)[][] = [];
    const items: (string | number | bigint)[][] = [];
    for (let o = first; o < Math.min(ORDERS, first + 5_000); o++) {
      const at = new Date(now - Math.floor(random() * 400) * DAY);
      const customer = random() < 0.12 ? null : String(1 + Math.floor(random() * CUSTOMERS));
      const basket = new Set([pick()]);
      const size = 1 + Math.floor(random() * random() * 4);
      while (basket.size < size) {
        const anchor = [...basket][0];
        basket.add(random() < 0.4 ? complements[anchor][Math.floor(random() * 2)] : pick());
      }
      orders.push([SHOP, String(o + 1), customer, "USD", BigInt(2_000 * basket.size), at, at, at, false]);
      for (const p of basket) items.push([SHOP, String(++line), String(o + 1), productId(p), 1, 2_000n]);
    }
    await client.$transaction(async (tx) => {
      await bulkUpsert(tx, {
        table: "Order",
        columns: ["shop", "id", "customerId", "currencyCode", "totalMinor", "shopifyCreatedAt", "processedAt", "shopifyUpdatedAt", "test"],
        rows: orders,
        conflict: ["shop", "id"],
      });
      await bulkUpsert(tx, {
        table: "LineItem",
        columns: ["shop", "id", "orderId", "productId", "quantity", "priceMinor"],
        rows: items,
        conflict: ["shop", "id"],
      });
    });
  }
  const values: (string | bigint | number | Date)[][] = [];
  for (let c = 1; c <= CUSTOMERS; c++) values.push([SHOP, String(c), 1, BigInt(Math.floor(random() * 40_000)), new Date(now - 400 * DAY)]);
  for (let i = 0; i < values.length; i += 5_000) {
    await bulkUpsert(client, {
      table: "CustomerValue",
      columns: ["shop", "customerId", "orderCount", "predictedClvMinor", "firstOrderAt"],
      rows: values.slice(i, i + 5_000),
      conflict: ["shop", "customerId"],
    });
  }
  console.info(
    `seeded ${ORDERS.toLocaleString("en")} orders (${line.toLocaleString("en")} line items) in ${seconds(performance.now() - started)}`,
  );
  await disconnectDb();
}

/** The mining job's work: a complete product refresh, then the mining run. */
async function mine() {
  const { db, disconnectDb } = await import("../app/db.server");
  const { loadBaskets, mineShop } = await import("../app/data/offers-mining.server");
  const { refreshAllProducts } = await import("../app/data/offers-write-back.server");
  const client = await db();
  let started = performance.now();
  await refreshAllProducts(client, target, SHOP);
  console.info(`products refresh (${PRODUCTS.toLocaleString("en")} products): ${seconds(performance.now() - started)}`);
  started = performance.now();
  const baskets = await loadBaskets(client, SHOP, new Date());
  console.info(`load baskets alone: ${seconds(performance.now() - started)} (${baskets.orderCount.toLocaleString("en")} orders)`);
  started = performance.now();
  const mining = await mineShop(client, SHOP, new Date());
  console.info(
    `mining run: ${seconds(performance.now() - started)}; ${mining.pairs.toLocaleString("en")} pairs, ` +
      `${mining.suggestions.toLocaleString("en")} suggestions and ${mining.recommendations.toLocaleString("en")} personal lists stored; ` +
      `peak RSS of the process ${mb(peakRss())}`,
  );
  await disconnectDb();
}

/** The write-back job, twice: everything to write, then nothing changed. */
async function write() {
  const { db, disconnectDb } = await import("../app/db.server");
  const { startOffersExperiment } = await import("../app/data/experiments.server");
  const { writeBackOffers } = await import("../app/data/offers-write-back.server");
  const client = await db();
  await startOffersExperiment(client, SHOP, 0.1);
  let started = performance.now();
  const first = await writeBackOffers(client, target, SHOP);
  console.info(
    `write-back, first: ${seconds(performance.now() - started)}; ${first.products.lists.toLocaleString("en")} product lists, ` +
      `${first.customers.lists.toLocaleString("en")} customer lists, ${first.metafieldCalls.toLocaleString("en")} metafield calls, ` +
      `${first.failures.length} failures`,
  );
  started = performance.now();
  const again = await writeBackOffers(client, target, SHOP);
  console.info(
    `write-back, nothing changed: ${seconds(performance.now() - started)}, ${again.metafieldCalls} metafield calls; peak RSS of the process ${mb(peakRss())}`,
  );
  await disconnectDb();
}

const target = { shop: SHOP, accessToken: TOKEN };

/** Each phase in a process of its own, so that each peak memory figure is that phase's. */
async function main() {
  const phase = process.argv[2];
  if (phase === "seed") return seedShop();
  if (phase === "mine") return mine();
  if (phase === "write") return write();

  mkdirSync(path.dirname(DB_FILE), { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) rmSync(DB_FILE + suffix, { force: true });
  execFileSync("npx", ["prisma", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: `file:${DB_FILE}` }, stdio: "pipe" });
  const double = await startAdminApiDouble({
    shops: [{ shop: SHOP, accessToken: TOKEN }],
    throttle: { maximumAvailable: 1_000_000, restoreRate: 1_000_000, cost: 1 },
  });
  for (let p = 0; p < PRODUCTS; p++)
    double.control.addProduct(SHOP, { id: p + 1, title: `Product ${p + 1}`, publishedAt: "2025-01-01T00:00:00Z" });
  const env = { ...process.env, DATABASE_URL: `file:${DB_FILE}`, NODE_ENV: "test" as const, SHOPIFY_ADMIN_API_ORIGIN: double.origin };
  // The double answers in this process while a phase runs in its child: the child must not block it.
  const run = (name: string) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn("npx", ["tsx", "bench/offers-jobs.ts", name], { env, stdio: "inherit" });
      child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`phase ${name} exited with ${code}`))));
    });
  await run("seed");
  await run("mine");
  await run("write");
  await double.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
