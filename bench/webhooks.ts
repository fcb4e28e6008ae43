// npm run bench:webhooks — the order pipeline under load, as deployed: the built web server and one
// worker, each its own process, on local Redis and a fresh SQLite file; signed orders/create deliveries.
// Two shops, one after the other, each on its own SQLite file and queue prefix:
//   retail     orders over 4,000 customers (~5 each after the history, ~11 by the end);
//   wholesale  orders over 20 customers (~1,000 each after the history, ~2,250 by the end): every batch
//              touches customers whose value is recomputed from many orders.
// Each shop:
//   History (ingest capacity): BENCH_ORDERS deliveries acknowledged with the ingest queue paused (this also
//     warms the web server up), then drained by the worker alone → orders/s and CPU per 1,000 orders.
//   Worker idle (baseline): BENCH_ORDERS / 4 deliveries at 500 req/s with the queue paused → ack p50/p99
//     without any ingest on the box.
//   Phase 1 (latency): BENCH_ORDERS / 2 deliveries at a fixed 500 req/s while the worker ingests them → ack
//     p50/p99. An open-loop sender of our own: each request leaves at its scheduled time and its latency
//     counts from that time (no coordinated omission). Measured alongside: the web process's event-loop
//     delay, a Redis PING every 5 ms, and the CPU of the web process, the worker, Redis and the sender.
//   Phase 2 (throughput): BENCH_ORDERS / 2 by autocannon as fast as the server takes them → requests/s,
//     time to drain, orders/s.
// Then every order and every customer's count and total are checked: lost or duplicated orders must be 0.
// Options: BENCH_ORDERS (default 20000), BENCH_SHOPS ("retail,wholesale"), BENCH_RATE (500),
// BENCH_DUPLICATES (0.02), WORKER_NICE (10: the worker's CPU priority below the web server's, as on one box),
// BENCH_WORKER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=.tmp/prof" to profile the worker).
import { execFileSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { Queue } from "bullmq";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { markShopInstalled } from "../app/data/lifecycle.server";
import {
  cpuSeconds,
  distinctEvents,
  ExpectedTotals,
  minute,
  printRows,
  quantile,
  root,
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
import { sendAtRate } from "./support/open-loop";

const ORDERS = Number(process.env.BENCH_ORDERS ?? 20_000);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const DUPLICATE_SHARE = Number(process.env.BENCH_DUPLICATES ?? 0.02);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SECRET = "bench-secret";
const SHOP = "bench-shop.myshopify.com";

const SHOPS = {
  retail: { title: "retail: 4,000 customers", customers: 4_000 },
  wholesale: { title: "wholesale: 20 customers", customers: 20 },
} as const;
type ShopKind = keyof typeof SHOPS;

/** Orders first..first+count-1, customers in turn; the amounts vary so that a lost or doubled order shows. */
function planOrders(first: number, count: number, customers: number): PlannedOrder[] {
  const orders: PlannedOrder[] = [];
  for (let i = first; i < first + count; i++) {
    orders.push({ id: 1_000_000 + i, customerId: 10_000 + (i % customers), cents: 500 + ((i * 7919) % 20_000), createdAt: minute(i) });
  }
  return orders;
}

/** Sends each delivery at its scheduled time (rate per second); failures are answers other than 200. */
async function fireAtRate(port: number, deliveries: Delivery[], rate: number) {
  const result = await sendAtRate(port, deliveries, rate, (d) => ({
    options: {
      path: "/webhooks/orders/create",
      method: "POST",
      headers: { ...d.headers, "content-length": Buffer.byteLength(d.body) },
    },
    body: d.body,
  }));
  const ok = result.statuses.get(200) ?? 0;
  return { ...result, failures: deliveries.length - ok };
}

/** Round-trip times of a PING every 5 ms on its own connection, until stopped: Redis's own queueing delay. */
function sampleRedisLatency(): { stop: () => Promise<{ p50: number; p99: number; max: number }> } {
  const redis = new Redis(REDIS_URL);
  const samples: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      await redis.ping();
      samples.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      redis.disconnect();
      samples.sort((a, b) => a - b);
      return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), max: samples[samples.length - 1] ?? Number.NaN };
    },
  };
}

interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

function readLoopDelay(web: ChildProcess): Promise<LoopDelay> {
  return new Promise((resolve) => {
    web.once("message", (m) => resolve(m as LoopDelay));
    web.send("loop-delay:read");
  });
}

async function redisPid(redis: Redis): Promise<number | undefined> {
  const info = await redis.info("server");
  const match = /process_id:(\d+)/.exec(info);
  return match ? Number(match[1]) : undefined;
}

async function waitForDrain(prisma: PrismaClient, orders: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The last batch also wrote the customer values in the same transaction: all stored means done.
    const stored = await prisma.order.count({ where: { shop: SHOP } });
    if (stored >= orders) return;
    if (Date.now() > deadline) throw new Error(`not drained: ${stored} of ${orders} orders after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type Rows = [string, string][];

async function runShop(kind: ShopKind): Promise<{ rows: Rows; exact: boolean }> {
  const { customers } = SHOPS[kind];
  const runId = randomUUID().slice(0, 8);
  const port = 3900 + Math.floor(Math.random() * 50);
  const dbFile = path.join(root, ".tmp", `bench-webhooks-${runId}.sqlite`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    DATABASE_URL: `file:${dbFile}`,
    QUEUE_PREFIX: `bench-${runId}`,
    REDIS_URL,
    SHOPIFY_API_KEY: "bench-key",
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: "https://bench.example.com",
  };
  mkdirSync(path.dirname(dbFile), { recursive: true });
  execFileSync("npx", ["prisma", "migrate", "deploy"], { cwd: root, env, stdio: "pipe" });

  const expected = new ExpectedTotals();
  const random = seededRandom(kind === "retail" ? 1 : 2);
  const deliveriesOf = (first: number, count: number) =>
    signedOrderDeliveries(planOrders(first, count, customers), {
      shop: SHOP,
      secret: SECRET,
      duplicateShare: DUPLICATE_SHARE,
      random,
      expected,
    });
  // History: ORDERS orders, then ORDERS / 2 for the latency phase and ORDERS / 2 unthrottled.
  const history = deliveriesOf(0, ORDERS);
  const quarter = Math.floor(ORDERS / 4);
  const baseline = deliveriesOf(ORDERS, quarter);
  const half = Math.floor(ORDERS / 2);
  const phase1 = deliveriesOf(ORDERS + quarter, half);
  const phase2 = deliveriesOf(ORDERS + quarter + half, ORDERS - half);
  const total = expected.orderIds.size;

  const prisma = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${dbFile}`, timeout: 15_000 }) });
  // Deliveries for a shop that is not installed store nothing.
  await markShopInstalled(prisma, SHOP, { name: "Bench shop", currencyCode: "USD", ianaTimezone: "UTC" });
  const redis = new Redis(REDIS_URL);
  const web = startProcess(["--import", "tsx", "--import", "./bench/support/loop-delay.ts", "server.ts"], "web", env, { ipc: true });
  // As deployed on one shared box: the worker below the web process's CPU priority (README, WORKER_NICE).
  const workerNodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const worker = startProcess([...workerNodeArgs, "--import", "tsx", "app/worker/worker.ts"], "worker", {
    ...env,
    WORKER_NICE: process.env.WORKER_NICE ?? "10",
  });
  try {
    await Promise.all([waitForWebServer(port), waitForOutput(worker, /worker \d+ started/)]);
    const redisProcess = await redisPid(redis);

    // History (and ingest capacity): acknowledged with the queue paused (this also warms the web server
    // up), then drained by the worker alone, so the web server's CPU does not count against it.
    const ingestQueue = new Queue("ingest", { connection: redis, prefix: env.QUEUE_PREFIX });
    await ingestQueue.pause();
    const historyAcks = await sendAll(port, history);
    const historyOrders = distinctEvents(history);
    const resumed = performance.now();
    const cpuHistory = [worker.pid, redisProcess].map(cpuSeconds);
    await ingestQueue.resume();
    await waitForDrain(prisma, historyOrders, 600_000);
    const drainedAlone = performance.now() - resumed;
    const [workerCpuHistory, redisCpuHistory] = [worker.pid, redisProcess].map((pid, i) => cpuSeconds(pid) - cpuHistory[i]!) as [
      number,
      number,
    ];

    // Baseline: the same rate with the queue paused, so the worker is idle: what the ingest costs the acks.
    await ingestQueue.pause();
    web.send("loop-delay:reset");
    const idle = await fireAtRate(port, baseline, RATE);
    const idleLoopDelay = await readLoopDelay(web);
    await ingestQueue.resume();
    await ingestQueue.close();
    await waitForDrain(prisma, ORDERS + quarter, 120_000);

    // Phase 1: a steady 500 req/s while the worker ingests them.
    const load = loadavg()[0]!;
    web.send("loop-delay:reset");
    const cpu0 = [web.pid, worker.pid, redisProcess, process.pid].map(cpuSeconds);
    const redisLatency = sampleRedisLatency();
    const t1 = performance.now();
    const latency = await fireAtRate(port, phase1, RATE);
    const phase1Ms = performance.now() - t1;
    const cpu1 = [web.pid, worker.pid, redisProcess, process.pid].map(cpuSeconds);
    const [redisRtt, loopDelay] = await Promise.all([redisLatency.stop(), readLoopDelay(web)]);
    const phase1Done = performance.now();
    await waitForDrain(prisma, ORDERS + quarter + half, 120_000);
    const phase1Drain = performance.now() - phase1Done;
    const cpuShare = (i: number) => `${(((cpu1[i]! - cpu0[i]!) / phase1Ms) * 100_000).toFixed(0)} %`;

    // Phase 2: as fast as the web server takes them, the worker ingesting meanwhile.
    const t0 = performance.now();
    const burst = await sendAll(port, phase2);
    const acked = performance.now();
    await waitForDrain(prisma, total, 300_000);
    const drained = performance.now();

    const orders = await prisma.order.count({ where: { shop: SHOP } });
    const values = await prisma.customerValue.findMany({
      where: { shop: SHOP },
      select: { customerId: true, netRevenueMinor: true, orderCount: true },
    });
    const wrongCustomers = expected.wrongCustomers(values);
    const countedOrders = values.reduce((s, v) => s + v.orderCount, 0);
    const failed = await redis.zcard(`${env.QUEUE_PREFIX}:ingest:failed`);
    const non2xx = idle.failures + latency.failures + burst.non2xx + burst.errors + historyAcks.non2xx + historyAcks.errors;
    const perThousand = (cpu: number) => `${((cpu / historyOrders) * 1e6).toFixed(0)} ms`;
    const rows: Rows = [
      ["history: worker alone drains (orders)", `${(drainedAlone / 1000).toFixed(1)} s (${historyOrders})`],
      ["history: orders ingested/s (worker alone)", ((historyOrders / drainedAlone) * 1000).toFixed(0)],
      ["history: CPU per 1,000 orders: worker / Redis", `${perThousand(workerCpuHistory)} / ${perThousand(redisCpuHistory)}`],
      ["worker idle: ack latency p50 / p99 / max", `${idle.p50.toFixed(1)} / ${idle.p99.toFixed(1)} / ${idle.max.toFixed(1)} ms`],
      ["worker idle: web event-loop delay p99 / max", `${idleLoopDelay.p99.toFixed(1)} / ${idleLoopDelay.max.toFixed(1)} ms`],
      ["load average (1 min) before phase 1", load.toFixed(1)],
      ["phase 1: rate asked / achieved (req/s)", `${RATE} / ${latency.achieved.toFixed(0)}`],
      ["phase 1: ack latency p50 / p99 / max", `${latency.p50.toFixed(1)} / ${latency.p99.toFixed(1)} / ${latency.max.toFixed(1)} ms`],
      [
        "phase 1: web event-loop delay p50 / p99 / max",
        `${loopDelay.p50.toFixed(1)} / ${loopDelay.p99.toFixed(1)} / ${loopDelay.max.toFixed(1)} ms`,
      ],
      ["phase 1: Redis PING p50 / p99 / max", `${redisRtt.p50.toFixed(2)} / ${redisRtt.p99.toFixed(1)} / ${redisRtt.max.toFixed(1)} ms`],
      ["phase 1: CPU web / worker / Redis / sender", `${cpuShare(0)} / ${cpuShare(1)} / ${cpuShare(2)} / ${cpuShare(3)}`],
      ["phase 1: worker drained after last ack", `${phase1Drain.toFixed(0)} ms`],
      ["phase 2: requests/s (unthrottled)", ((phase2.length / (acked - t0)) * 1000).toFixed(0)],
      ["phase 2: ack latency p50 / p99", `${burst.latency.p50} / ${burst.latency.p99} ms`],
      ["phase 2: worker drained after last ack", `${(drained - acked).toFixed(0)} ms`],
      ["phase 2: orders ingested/s (first request → drained)", ((distinctEvents(phase2) / (drained - t0)) * 1000).toFixed(0)],
      ["non-2xx answers or errors", String(non2xx)],
      ["orders stored / expected", `${orders} / ${total}`],
      ["lost orders", String(total - Math.min(orders, countedOrders))],
      ["duplicated orders", String(Math.max(0, countedOrders - total))],
      ["customers with a wrong count or total", `${wrongCustomers} of ${expected.customers.size}`],
      ["failed jobs", String(failed)],
    ];
    return { rows, exact: orders === total && countedOrders === total && wrongCustomers === 0 && non2xx === 0 && failed === 0 };
  } finally {
    await Promise.all([stopProcess(web), stopProcess(worker)]);
    await prisma.$disconnect();
    const keys = await redis.keys(`${env.QUEUE_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
  }
}

async function main() {
  const kinds = (process.env.BENCH_SHOPS ?? "retail,wholesale").split(",").filter((k): k is ShopKind => Object.hasOwn(SHOPS, k));
  console.log(
    `bench:webhooks: ${ORDERS} orders of history + ${ORDERS + Math.floor(ORDERS / 4)} under load per shop, ~${Math.round(DUPLICATE_SHARE * 100)}% redelivered; ` +
      `SQLite; ${RATE} req/s in phase 1`,
  );
  const results: { kind: ShopKind; rows: Rows; exact: boolean }[] = [];
  for (const kind of kinds) {
    const result = await runShop(kind);
    results.push({ kind, ...result });
    console.log(`\n${SHOPS[kind].title} (~${Math.round(ORDERS / SHOPS[kind].customers)} orders each after the history)`);
    printRows(result.rows);
  }
  if (results.length > 1) {
    console.log("\nside by side");
    const rows: Rows = results[0]!.rows.map(([label], i) => [label, results.map((r) => r.rows[i]![1]).join("  |  ")]);
    printRows([["", results.map((r) => r.kind).join("  |  ")], ...rows]);
  }
  if (results.some((r) => !r.exact)) process.exitCode = 1;
}

await main();
