// npm run bench:customers — the customers page at BENCH_CUSTOMERS customers (default 100,000, plus a
// neighbour shop with a fifth as many in the same tables). The built web server runs as its own process
// on a fresh SQLite file; autocannon sends the requests the page makes (data requests with a Bearer
// session token, as App Bridge sends them: sorts, filters, deep pages, search) and full page loads.
// The scored customers get a stored 12-month order probability (what a refit stores; the seed leaves it
// empty) so that the "likely to order" sort walks real values, and the shop a loyalty program with three
// tiers and members (the neighbour too, with the same tier ids) for the tier column and filter.
// Prints p50/p95/p99 per kind. Target: p95 ≤ 200 ms. BENCH_BUILD_DIR: a build other than build/.
import { spawn, execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { seedShop } from "../test/support/seed";
import { orderProbabilities } from "../app/data/order-probability.server";
import { bulkUpsert, takeIncoming } from "../app/data/bulk-upsert.server";
import { saveProgramSettings, saveTiers } from "../app/data/loyalty-program.server";
import { BROWSER_USER_AGENT, embeddedUrl, installOfflineSession, sessionToken } from "../test/support/session-token";

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1); // one merchant browsing; try 4 for several at once
const SHOP = "bench-customers.myshopify.com";
const SECRET = "bench-secret";
const API_KEY = "bench-key";
const PORT = 3950 + Math.floor(Math.random() * 40);
const root = path.resolve(import.meta.dirname, "..");
const dbFile = path.join(root, ".tmp", `bench-customers-${randomUUID().slice(0, 8)}.sqlite`);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  PORT: String(PORT),
  DATABASE_URL: `file:${dbFile}`,
  QUEUE_PREFIX: `bench-${randomUUID().slice(0, 8)}`,
  SHOPIFY_API_KEY: API_KEY,
  SHOPIFY_API_SECRET: SECRET,
  SHOPIFY_APP_URL: "https://bench.example.com",
};

const DATA_QUERIES = [
  "",
  "?sort=historic&direction=asc",
  "?sort=predicted",
  "?sort=likely",
  "?sort=likely&direction=asc",
  "?sort=likely&page=200",
  "?sort=orders",
  "?sort=last",
  "?page=2",
  "?page=200",
  "?segment=Champions",
  "?risk=1",
  "?q=lovelace",
  "?tier=gold",
  "?tier=none",
  "?tier=silver&sort=likely",
];

const TIERS = [
  { id: "bronze", name: "Bronze", threshold: 1_000 },
  { id: "silver", name: "Silver", threshold: 20_000 },
  { id: "gold", name: "Gold", threshold: 60_000 },
];

/** Stores each scored customer's 12-month order probability, as a refit would (computed from the seeded fit). */
async function storeOrderProbabilities(prisma: PrismaClient, shop: string): Promise<number> {
  const scored = await prisma.customerValue.findMany({
    where: { shop, modelFitId: { not: null } },
    select: { customerId: true, modelFitId: true, predictedAt: true, orderCount: true, firstOrderAt: true },
  });
  const rows: [string, string, number][] = [];
  for (let i = 0; i < scored.length; i += 5_000) {
    const chunk = scored.slice(i, i + 5_000).map((c) => ({
      customerId: c.customerId,
      modelFitId: c.modelFitId,
      predictedAt: c.predictedAt?.toISOString() ?? null,
      orderCount: c.orderCount,
      firstOrderAt: c.firstOrderAt?.toISOString() ?? null,
    }));
    for (const [customerId, p] of await orderProbabilities(prisma, shop, chunk)) if (p !== null) rows.push([shop, customerId, p]);
  }
  const columns = ["shop", "customerId", "probabilityOrder12m"];
  await bulkUpsert(prisma, {
    table: "CustomerValue",
    columns,
    rows,
    conflict: ["shop", "customerId"],
    set: takeIncoming(columns.slice(2)),
  });
  return rows.length;
}

/** A program with TIERS, and members by net spend: half the customers have no member row at all. */
async function seedLoyalty(prisma: PrismaClient, shop: string): Promise<void> {
  const settings = await saveProgramSettings(prisma, shop, {
    settings: { enabled: true, currencyCode: "USD", earning: { pointsPerCurrencyUnit: 1 } },
  });
  if (!settings.ok) throw new Error(JSON.stringify(settings.errors));
  const tiers = await saveTiers(prisma, shop, { basis: "net_spend", window: "lifetime", tiers: TIERS });
  if (!tiers.ok) throw new Error(JSON.stringify(tiers.errors));
  const values = await prisma.customerValue.findMany({ where: { shop }, select: { customerId: true, netRevenueMinor: true } });
  const now = new Date();
  const rows = values
    .filter((_, i) => i % 2 === 0)
    .map((v) => {
      const net = Number(v.netRevenueMinor);
      const tier = [...TIERS].reverse().find((t) => net >= t.threshold)?.id ?? null;
      return [shop, v.customerId, tier, net, tiers.value.tiersVersion, now];
    });
  await bulkUpsert(prisma, {
    table: "LoyaltyMember",
    columns: ["shop", "customerId", "tierId", "metric", "tiersVersion", "evaluatedAt"],
    rows,
    conflict: ["shop", "customerId"],
  });
}

function run(url: string, headers: Record<string, string>): Promise<autocannon.Result> {
  return new Promise((resolve, reject) =>
    autocannon({ url, headers, connections: CONNECTIONS, duration: DURATION }, (error, result) =>
      error ? reject(error) : resolve(result),
    ),
  );
}

async function main() {
  mkdirSync(path.dirname(dbFile), { recursive: true });
  execFileSync("npx", ["prisma", "migrate", "deploy"], { cwd: root, env, stdio: "pipe" });
  const prisma = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${dbFile}` }) });
  process.stdout.write(`seeding ${CUSTOMERS.toLocaleString("en-US")} customers… `);
  const seeded = await seedShop(prisma, { shop: SHOP, customers: CUSTOMERS, seed: 42 });
  await seedShop(prisma, { shop: "neighbour.myshopify.com", customers: Math.round(CUSTOMERS / 5), seed: 43, firstOrderId: 90_000_000 });
  const stored = await storeOrderProbabilities(prisma, SHOP);
  for (const shop of [SHOP, "neighbour.myshopify.com"]) await seedLoyalty(prisma, shop);
  await installOfflineSession(prisma, SHOP);
  await prisma.$disconnect();
  console.log(
    `${seeded.orders.toLocaleString("en-US")} orders, ${(seeded.ms / 1000).toFixed(0)} s; ${stored.toLocaleString("en-US")} stored order probabilities`,
  );

  const start = `import("./server.ts").then((m) => m.startWebServer({ buildDir: process.env.BENCH_BUILD_DIR || undefined }))`;
  const web = spawn("node", ["--import", "tsx", "--input-type=module", "-e", start], {
    cwd: root,
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${PORT}/`)).ok) break;
      } catch {
        if (i > 200) throw new Error("server did not start");
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const token = () => sessionToken({ shop: SHOP, secret: SECRET, apiKey: API_KEY, expiresIn: 600 });
    const rows: string[] = [];
    const line = (label: string, r: autocannon.Result) =>
      rows.push(
        `${label.padEnd(34)} ${String(Math.round(r.requests.average)).padStart(5)} req/s  p50 ${String(r.latency.p50).padStart(4)} ms  ` +
          `p90 ${String(r.latency.p90).padStart(4)} ms  p97.5 ${String(r.latency.p97_5).padStart(4)} ms  p99 ${String(r.latency.p99).padStart(4)} ms  non-2xx ${r.non2xx}`,
      );
    console.log(`autocannon: ${CONNECTIONS} connections, ${DURATION} s per kind`);
    for (const query of DATA_QUERIES) {
      const url = `http://127.0.0.1:${PORT}/app/customers.data${query ? `${query}&` : "?"}_routes=routes/app.customers._index`;
      line(`data ${query || "(default sort)"}`, await run(url, { "User-Agent": BROWSER_USER_AGENT, Authorization: `Bearer ${token()}` }));
    }
    const page = embeddedUrl(`http://127.0.0.1:${PORT}`, "/app/customers", SHOP, token());
    line("document /app/customers (SSR)", await run(page, { "User-Agent": BROWSER_USER_AGENT, Accept: "text/html" }));
    for (const r of rows) console.log(r);
    console.log("(autocannon reports p90, p97.5 and p99 but no p95: p95 ≤ p97.5)");
  } finally {
    web.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    for (const suffix of ["", "-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
  }
}

await main();
