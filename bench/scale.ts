// npm run bench:scale — scale-out on one PostgreSQL and one Redis: the same 20,000 signed orders (2 %
// redelivered, 2 % sent again later as an unchanged orders/updated, 20 customers with ~300 orders each,
// 2 % guest orders) are ingested by 1, 2 and 4 worker processes in turn. Each run has its own Postgres
// schema (migrated with deployPostgres, dropped afterwards) and its own QUEUE_PREFIX.
//   Delivery: through the real web server (build/, started as bench/webhooks.ts does) with signed webhooks,
//   while the ingest queue is paused; the web server is then stopped, the N workers are started, and the
//   time from resuming the queue to an empty queue is the drain time → orders/s.
//   Check: every order stored once, every event recorded once, every customer's order count and net
//   revenue equal to what was sent, no failed job.
// Options: BENCH_ORDERS (20000), BENCH_WORKERS ("1,2,4"), BENCH_DUPLICATES (0.02), BENCH_POSTGRES_URL
// (postgresql://postgres@127.0.0.1:5432/test), BENCH_UPDATES (0.02), WORKER_CONCURRENCY (the worker's default),
// BENCH_WORKER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=.tmp/prof").
// Target: exact at every N; ≥ 2,000 orders/s with 2 workers on a 2-core machine.
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { deployPostgres } from "../scripts/prisma-postgres";
import { createPostgresClient } from "../app/db-postgres.server";
import { markShopInstalled } from "../app/data/lifecycle.server";
import {
  cpuSeconds,
  distinctEvents,
  dropPostgresSchema,
  ExpectedTotals,
  minute,
  printRows,
  removeQueueKeys,
  seededRandom,
  sendAll,
  signedOrderDeliveries,
  startProcess,
  stopProcess,
  waitForOutput,
  waitForWebServer,
  type Delivery,
  type PlannedOrder,
} from "./support/deliveries";

const ORDERS = Number(process.env.BENCH_ORDERS ?? 20_000);
const WORKER_COUNTS = (process.env.BENCH_WORKERS ?? "1,2,4").split(",").map(Number);
const DUPLICATE_SHARE = Number(process.env.BENCH_DUPLICATES ?? 0.02);
/** Orders that come back later as orders/updated with the same version: another batch, maybe another worker, must change nothing. */
const UPDATE_SHARE = Number(process.env.BENCH_UPDATES ?? 0.02);
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SECRET = "bench-secret";
const SHOP = "bench-scale.myshopify.com";
/** 30 % of the orders go to 20 wholesale-like customers (~300 orders each), 2 % are guest orders, the rest to 4,000 others. */
const HOT_CUSTOMERS = 20;
const OTHER_CUSTOMERS = 4_000;

/** The orders, interleaved so that every batch a worker takes touches the busy customers. */
function planOrders(): PlannedOrder[] {
  const random = seededRandom(7);
  const orders: PlannedOrder[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const r = random();
    const customerId =
      r < 0.02 ? null : r < 0.32 ? 10_000 + Math.floor(random() * HOT_CUSTOMERS) : 20_000 + Math.floor(random() * OTHER_CUSTOMERS);
    orders.push({ id: 5_000_000 + i, customerId, cents: 500 + Math.floor(random() * 40_000), createdAt: minute(i) });
  }
  return orders;
}

interface RunResult {
  workers: number;
  accepted: number;
  non2xx: number;
  acksPerSecond: number;
  drainMs: number;
  ordersPerSecond: number;
  workerCpuSeconds: number;
  postgresSeconds: number;
  ordersStored: number;
  deliveriesRecorded: number;
  wrongCustomers: number;
  failedJobs: number;
}

/** CPU seconds of each process of the local PostgreSQL server (Linux /proc). */
function postgresCpu(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === "postgres") byPid.set(Number(entry), cpuSeconds(Number(entry)));
    } catch {
      /* the process has gone */
    }
  }
  return byPid;
}

/** PostgreSQL CPU since a snapshot. The server is shared: other clients' backends count too (an upper bound). */
function postgresCpuSince(before: Map<number, number>): number {
  let seconds = 0;
  for (const [pid, now] of postgresCpu()) seconds += now - (before.get(pid) ?? 0);
  return seconds;
}

async function runWith(workerCount: number, deliveries: Delivery[], expected: ExpectedTotals): Promise<RunResult> {
  const runId = randomUUID().slice(0, 8);
  const schema = `clv_bench_scale_${runId}`;
  const url = `${POSTGRES_URL}?schema=${schema}`;
  const prefix = `bench-scale-${runId}`;
  const port = 4000 + Math.floor(Math.random() * 500);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    DATABASE_URL: url,
    QUEUE_PREFIX: prefix,
    REDIS_URL,
    SHOPIFY_API_KEY: "bench-key",
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: "https://bench.example.com",
  };
  await deployPostgres(url);
  const db = createPostgresClient(url);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const ingest = new Queue("ingest", { connection: redis, prefix });
  const workers: ReturnType<typeof startProcess>[] = [];
  try {
    // Deliveries for a shop that is not installed store nothing: install it first.
    await markShopInstalled(db, SHOP, { name: "Bench scale", currencyCode: "USD", ianaTimezone: "UTC" });
    await ingest.pause();

    const web = startProcess(["--import", "tsx", "server.ts"], "web", env);
    let sent;
    let sendMs;
    try {
      await waitForWebServer(port);
      const t0 = performance.now();
      sent = await sendAll(port, deliveries);
      sendMs = performance.now() - t0;
    } finally {
      await stopProcess(web);
    }
    const queued = await ingest.getJobCounts("wait", "paused", "prioritized");
    const accepted = (queued.wait ?? 0) + (queued.paused ?? 0) + (queued.prioritized ?? 0);

    const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? "").split(" ").filter(Boolean);
    for (let i = 0; i < workerCount; i++)
      workers.push(startProcess([...nodeArgs, "--import", "tsx", "app/worker/worker.ts"], `worker ${i + 1}`, env));
    await Promise.all(workers.map((w) => waitForOutput(w, /worker \d+ started/)));
    const cpuBefore = workers.reduce((s, w) => s + cpuSeconds(w.pid), 0);
    const postgresBefore = postgresCpu();

    const t0 = performance.now();
    await ingest.resume();
    for (;;) {
      const c = await ingest.getJobCounts("wait", "paused", "prioritized", "active", "delayed");
      if (Object.values(c).every((n) => n === 0)) break;
      if (performance.now() - t0 > 600_000) throw new Error(`not drained after 10 minutes: ${JSON.stringify(c)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const drainMs = performance.now() - t0;
    const workerCpuSeconds = workers.reduce((s, w) => s + cpuSeconds(w.pid), 0) - cpuBefore;
    const postgresSeconds = postgresCpuSince(postgresBefore);

    const ordersStored = await db.order.count({ where: { shop: SHOP } });
    const deliveriesRecorded = await db.webhookDelivery.count({ where: { shop: SHOP } });
    const values = await db.customerValue.findMany({
      where: { shop: SHOP },
      select: { customerId: true, orderCount: true, netRevenueMinor: true },
    });
    return {
      workers: workerCount,
      accepted,
      non2xx: sent.non2xx + sent.errors + sent.timeouts,
      acksPerSecond: (deliveries.length / sendMs) * 1000,
      drainMs,
      ordersPerSecond: (expected.orderIds.size / drainMs) * 1000,
      workerCpuSeconds,
      postgresSeconds,
      ordersStored,
      deliveriesRecorded,
      wrongCustomers: expected.wrongCustomers(values),
      failedJobs: await ingest.getFailedCount(),
    };
  } finally {
    await Promise.all(workers.map((w) => stopProcess(w)));
    await ingest.close();
    await removeQueueKeys(redis, prefix);
    redis.disconnect();
    await db.$disconnect();
    await dropPostgresSchema(POSTGRES_URL, schema);
  }
}

async function main() {
  const expected = new ExpectedTotals();
  const deliveries = signedOrderDeliveries(planOrders(), {
    shop: SHOP,
    secret: SECRET,
    duplicateShare: DUPLICATE_SHARE,
    updateShare: UPDATE_SHARE,
    random: seededRandom(11),
    expected,
  });
  const events = distinctEvents(deliveries);
  const busiest = Math.max(...[...expected.customers.values()].map((c) => c.orders));
  console.log(
    `bench:scale: ${expected.orderIds.size} orders in ${deliveries.length} deliveries (${deliveries.length - events} redelivered, ` +
      `${events - expected.orderIds.size} orders/updated of an unchanged order), ` +
      `${expected.customers.size} customers (the busiest with ${busiest} orders); PostgreSQL, ${cpus().length} cores`,
  );
  let exact = true;
  const results: RunResult[] = [];
  for (const n of WORKER_COUNTS) {
    const r = await runWith(n, deliveries, expected);
    results.push(r);
    const ok = r.ordersStored === expected.orderIds.size && r.deliveriesRecorded === events && r.wrongCustomers === 0;
    exact &&= ok && r.failedJobs === 0 && r.non2xx === 0;
    console.log(`\n${n} worker${n === 1 ? "" : "s"}:`);
    printRows([
      ["deliveries acknowledged (req/s)", `${deliveries.length - r.non2xx} (${r.acksPerSecond.toFixed(0)}/s), non-2xx ${r.non2xx}`],
      ["jobs queued (redeliveries refused by their job id)", String(r.accepted)],
      ["drain time", `${(r.drainMs / 1000).toFixed(2)} s`],
      ["orders ingested/s", r.ordersPerSecond.toFixed(0)],
      ["CPU during the drain: workers / PostgreSQL", `${r.workerCpuSeconds.toFixed(1)} s / ${r.postgresSeconds.toFixed(1)} s`],
      ["orders stored / expected", `${r.ordersStored} / ${expected.orderIds.size}`],
      ["deliveries recorded / expected (one per event)", `${r.deliveriesRecorded} / ${events}`],
      ["customers with a wrong count or net revenue", `${r.wrongCustomers} of ${expected.customers.size}`],
      ["failed jobs", String(r.failedJobs)],
      ["exact", ok ? "yes" : "NO"],
    ]);
  }
  console.log("\nworkers  orders/s  drain s  exact");
  for (const r of results) {
    const ok = r.ordersStored === expected.orderIds.size && r.deliveriesRecorded === events && r.wrongCustomers === 0 && r.failedJobs === 0;
    console.log(
      `${String(r.workers).padStart(7)}  ${r.ordersPerSecond.toFixed(0).padStart(8)}  ${(r.drainMs / 1000).toFixed(2).padStart(7)}  ${ok ? "yes" : "NO"}`,
    );
  }
  if (!exact) process.exitCode = 1;
}

await main();
