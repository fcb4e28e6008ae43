// npm run bench:webhooks — the order pipeline under load, as deployed: the built web server and one
// worker, each its own process, on local Redis and a fresh SQLite file; autocannon sends signed
// orders/create deliveries.
//   Warm-up: 1,000 deliveries (connections, JIT), not counted in the latency figures.
//   Phase 1 (latency): deliveries at a fixed 500 req/s while the worker ingests → ack p50/p99. An open-loop
//     sender of our own: each request leaves at its scheduled time and its latency counts from that time
//     (no coordinated omission). (autocannon's overallRate delivered only ~270 req/s here.)
//   Phase 2 (throughput): autocannon as fast as the server takes them → requests/s, time to drain, orders/s.
// Then every order and every customer's total is checked: lost or duplicated orders must be 0.
//   Phase 3 (ingest capacity): BENCH_ORDERS / 2 more acknowledged with the queue paused, then drained by the
//     worker alone → orders/s.
// Options: BENCH_ORDERS (default 20000), BENCH_CUSTOMERS (4000), BENCH_RATE (500), BENCH_DUPLICATES (0.02),
// WORKER_NICE (10: the worker's CPU priority below the web server's, as on one shared box).
import { spawn, type ChildProcess, execFileSync } from "node:child_process";
import { Agent, request } from "node:http";
import { randomUUID } from "node:crypto";
import { signWebhookBody } from "../testkit/webhook-signature";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import { Redis } from "ioredis";
import { Queue } from "bullmq";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { orderPayload } from "../test/support/payloads";

const ORDERS = Number(process.env.BENCH_ORDERS ?? 20_000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 4_000);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const DUPLICATE_SHARE = Number(process.env.BENCH_DUPLICATES ?? 0.02);
const SECRET = "bench-secret";
const SHOP = "bench-shop.myshopify.com";
const PORT = 3900 + Math.floor(Math.random() * 50);
const root = path.resolve(import.meta.dirname, "..");
const runId = randomUUID().slice(0, 8);
const dbFile = path.join(root, ".tmp", `bench-webhooks-${runId}.sqlite`);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  PORT: String(PORT),
  DATABASE_URL: `file:${dbFile}`,
  QUEUE_PREFIX: `bench-${runId}`,
  SHOPIFY_API_KEY: "bench-key",
  SHOPIFY_API_SECRET: SECRET,
  SHOPIFY_APP_URL: "https://bench.example.com",
};

interface Delivery {
  body: string;
  headers: Record<string, string>;
}

/** Each order gets a customer (round robin) and an amount; totals per customer are known in advance. */
function buildDeliveries(first: number, count: number, expected: Map<string, bigint>): Delivery[] {
  const deliveries: Delivery[] = [];
  for (let i = first; i < first + count; i++) {
    const customerId = 10_000 + (i % CUSTOMERS);
    const cents = 500 + ((i * 7919) % 20_000);
    const total = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
    const createdAt = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
    const body = JSON.stringify(orderPayload({ id: 1_000_000 + i, customerId, total, createdAt }));
    expected.set(String(customerId), (expected.get(String(customerId)) ?? 0n) + BigInt(cents));
    const eventId = randomUUID();
    const delivery = {
      body,
      headers: {
        "content-type": "application/json",
        "x-shopify-hmac-sha256": signWebhookBody(body, SECRET),
        "x-shopify-topic": "orders/create",
        "x-shopify-shop-domain": SHOP,
        "x-shopify-api-version": "2026-07",
        "x-shopify-webhook-id": randomUUID(),
        "x-shopify-event-id": eventId,
      },
    };
    deliveries.push(delivery);
    // Shopify redelivers some: same body, same event id, new webhook id.
    if (Math.random() < DUPLICATE_SHARE) deliveries.push({ body, headers: { ...delivery.headers, "x-shopify-webhook-id": randomUUID() } });
  }
  return deliveries;
}

function start(command: string, args: string[], name: string, extraEnv: Record<string, string> = {}): ChildProcess {
  const child = spawn(command, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
  child.stderr?.on("data", (d: Buffer) => process.stderr.write(`[${name}] ${d}`));
  return child;
}

async function waitForServer() {
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${PORT}/webhooks/orders/create`);
      if (r.status === 405) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("server did not start");
}

interface RateResult {
  achieved: number;
  p50: number;
  p99: number;
  max: number;
  failures: number;
}

/** Sends each delivery at its scheduled time (rate per second) on keep-alive connections. */
async function fireAtRate(deliveries: Delivery[], rate: number): Promise<RateResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const latencies: number[] = [];
  let failures = 0;
  const send = (d: Delivery, scheduled: number) =>
    new Promise<void>((resolve) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: PORT,
          path: "/webhooks/orders/create",
          method: "POST",
          agent,
          headers: { ...d.headers, "content-length": Buffer.byteLength(d.body) },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            latencies.push(performance.now() - scheduled);
            if (res.statusCode !== 200) failures++;
            resolve();
          });
        },
      );
      req.on("error", () => {
        failures++;
        resolve();
      });
      req.end(d.body);
    });
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < deliveries.length; i++) {
    const scheduled = start + (i * 1000) / rate;
    const wait = scheduled - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(send(deliveries[i]!, scheduled));
  }
  await Promise.all(inFlight);
  const elapsed = performance.now() - start;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]!;
  return { achieved: (deliveries.length / elapsed) * 1000, p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1]!, failures };
}

/** autocannon, as fast as the server answers. */
function fire(deliveries: Delivery[]): Promise<autocannon.Result> {
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${PORT}/webhooks/orders/create`,
        method: "POST",
        connections: 50,
        amount: deliveries.length,
        requests: [
          {
            setupRequest: (request: Record<string, unknown>) => {
              const d = deliveries[next++ % deliveries.length]!;
              return { ...request, method: "POST", body: d.body, headers: d.headers };
            },
          },
        ],
      } as autocannon.Options,
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

async function main() {
  mkdirSync(path.dirname(dbFile), { recursive: true });
  execFileSync("npx", ["prisma", "migrate", "deploy"], { cwd: root, env, stdio: "pipe" });
  console.log(
    `bench:webhooks: ${ORDERS} orders for ${CUSTOMERS} customers, ~${Math.round(DUPLICATE_SHARE * 100)}% redelivered; SQLite ${path.relative(root, dbFile)}`,
  );
  const expected = new Map<string, bigint>();
  const half = Math.floor(ORDERS / 2);
  const warmup = buildDeliveries(0, 1_000, expected);
  const phase1 = buildDeliveries(1_000, half - 1_000, expected);
  const phase2 = buildDeliveries(half, ORDERS - half, expected);

  const web = start("node", ["--import", "tsx", "server.ts"], "web");
  // As deployed on one shared box: the worker below the web process's CPU priority (README, WORKER_NICE).
  const worker = start("node", ["--import", "tsx", "app/worker/worker.ts"], "worker", { WORKER_NICE: process.env.WORKER_NICE ?? "10" });
  const prisma = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${dbFile}`, timeout: 15_000 }) });
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  try {
    await waitForServer();
    await new Promise((r) => setTimeout(r, 1_000)); // let the worker connect

    await fire(warmup);
    const latency = await fireAtRate(phase1, RATE);
    const phase1Done = Date.now();
    await waitForDrain(prisma, half, 120_000);
    const phase1Drain = Date.now() - phase1Done;

    const t0 = Date.now();
    const burst = await fire(phase2);
    const acked = Date.now();
    await waitForDrain(prisma, ORDERS, 300_000);
    const drained = Date.now();

    // Phase 3 (ingest capacity): the queue is paused while the acks are taken, then the worker drains
    // alone, so the web server's CPU does not count against it.
    const phase3 = buildDeliveries(ORDERS, Math.floor(ORDERS / 2), expected);
    const ingestQueue = new Queue("ingest", { connection: redis, prefix: env.QUEUE_PREFIX });
    await ingestQueue.pause();
    await fire(phase3);
    const resumed = Date.now();
    await ingestQueue.resume();
    await waitForDrain(prisma, ORDERS + phase3Orders(phase3), 300_000);
    const drainedAlone = Date.now() - resumed;
    await ingestQueue.close();

    const TOTAL = ORDERS + phase3Orders(phase3);
    const orders = await prisma.order.count({ where: { shop: SHOP } });
    const values = await prisma.customerValue.findMany({
      where: { shop: SHOP },
      select: { customerId: true, netRevenueMinor: true, orderCount: true },
    });
    let wrongTotals = 0;
    for (const v of values) if (expected.get(v.customerId) !== v.netRevenueMinor) wrongTotals++;
    const countedOrders = values.reduce((s, v) => s + v.orderCount, 0);
    const failed = await redis.zcard(`${env.QUEUE_PREFIX}:ingest:failed`);
    const non2xx = latency.failures + burst.non2xx + burst.errors;

    const rows: [string, string][] = [
      ["phase 1: rate asked", `${RATE} req/s`],
      ["phase 1: requests/s achieved", latency.achieved.toFixed(0)],
      ["phase 1: ack latency p50", `${latency.p50.toFixed(1)} ms`],
      ["phase 1: ack latency p99", `${latency.p99.toFixed(1)} ms`],
      ["phase 1: ack latency max", `${latency.max.toFixed(1)} ms`],
      ["phase 1: worker drained after last ack", `${phase1Drain} ms`],
      ["phase 2: requests/s (unthrottled)", ((phase2.length / (acked - t0)) * 1000).toFixed(0)],
      ["phase 2: ack latency p50 / p99", `${burst.latency.p50} / ${burst.latency.p99} ms`],
      ["phase 2: worker drained after last ack", `${drained - acked} ms`],
      ["phase 2: orders ingested/s (first request → drained)", (((ORDERS - half) / (drained - t0)) * 1000).toFixed(0)],
      ["phase 3: worker alone drains (orders)", `${drainedAlone} ms (${phase3Orders(phase3)})`],
      ["phase 3: orders ingested/s (worker alone)", ((phase3Orders(phase3) / drainedAlone) * 1000).toFixed(0)],
      ["non-2xx answers or errors", String(non2xx)],
      ["orders stored / expected", `${orders} / ${TOTAL}`],
      ["lost orders", String(TOTAL - Math.min(orders, countedOrders))],
      ["duplicated orders", String(Math.max(0, countedOrders - TOTAL))],
      ["customers with a wrong total", `${wrongTotals} of ${expected.size}`],
      ["failed jobs", String(failed)],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
    if (orders !== TOTAL || countedOrders !== TOTAL || wrongTotals > 0) process.exitCode = 1;
  } finally {
    web.kill("SIGTERM");
    worker.kill("SIGTERM");
    await prisma.$disconnect();
    const keys = await redis.keys(`${env.QUEUE_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await new Promise((r) => setTimeout(r, 500));
    for (const suffix of ["", "-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
  }
}

/** Orders in a delivery list, redeliveries not counted. */
function phase3Orders(deliveries: Delivery[]): number {
  return new Set(deliveries.map((d) => d.headers["x-shopify-event-id"])).size;
}

async function waitForDrain(prisma: PrismaClient, orders: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stored = await prisma.order.count({ where: { shop: SHOP } });
    if (stored >= orders) {
      // The last batch also wrote the customer values in the same transaction: done.
      return;
    }
    if (Date.now() > deadline) throw new Error(`not drained: ${stored} of ${orders} orders after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

await main();
