// npm run bench:customers — the customers page at BENCH_CUSTOMERS customers (default 100,000, plus a
// neighbour shop with a fifth as many in the same tables). The built web server runs as its own process
// on a fresh SQLite file; autocannon sends the requests the page makes (data requests with a Bearer
// session token, as App Bridge sends them: sorts, filters, deep pages, search) and full page loads.
// Prints p50/p95/p99 per kind. Target: p95 ≤ 200 ms.
import { spawn, execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { seedShop } from "../test/support/seed";
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
  "?sort=alive&direction=asc",
  "?sort=orders",
  "?sort=last",
  "?page=2",
  "?page=200",
  "?segment=Champions",
  "?risk=1",
  "?q=lovelace",
];

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
  await installOfflineSession(prisma, SHOP);
  await prisma.$disconnect();
  console.log(`${seeded.orders.toLocaleString("en-US")} orders, ${(seeded.ms / 1000).toFixed(0)} s`);

  const web = spawn("node", ["--import", "tsx", "server.ts"], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
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
