/**
 * Re-scoring on ingest, measured on the whole pipeline (target: it costs ≤ 10 % of ingest throughput).
 *
 * bench:rescore times `ingestBatch` alone; this times what a shop's orders go through in production: signed
 * webhooks acknowledged by the real web server (server.ts), queued in Redis, and applied by real worker
 * processes (app/worker/worker.ts: BullMQ jobs, the ingest batcher, one transaction per batch in which the
 * orders, line items, values and, for a fitted shop, the predictions are written).
 *
 * Two shops in one database with the same history (4,000 customers who buy and drop out as BG/NBD says, ~20,000
 * orders over 18 months, zone America/New_York); one has a fit (its new orders re-score their customers), the
 * other none (the values alone). Then an untimed warm-up round and BENCH_RESCORE_ROUNDS timed rounds; in each, for each shop in turn (which goes
 * first alternates): the ingest queue is paused, BENCH_RESCORE_ROUND_ORDERS orders of the shop's customers are
 * sent as signed orders/create webhooks (the fixture's payload: line items, customer, addresses), and the time
 * from resuming the queue to an empty queue is that shop's drain time. Printed: orders/s per shop over all
 * rounds, the share of throughput re-scoring costs, and that share's median and range over the rounds (one
 * round's figure can be several points off the whole run's: the drains are seconds long). On SQLite each drain starts from an empty WAL and
 * includes the checkpoint of the pages it left there (bench/support/wal-checkpoints.ts). Checked: every order
 * stored, the fitted shop's customers re-scored, none of the other shop's scored.
 *
 * BENCH_RESCORE_MIX=wholesale adds, as bench:rescore's wholesale mix, 20 customers with 20,000 orders between them
 * to the history, and they place every new order (each batch re-scores customers with ~1,000 orders).
 *
 * BENCH_RESCORE_LATER_VERSIONS=N: each order also comes back N times as orders/updated with a newer version that
 * changes nothing its value reads (paid, fulfilled, tagged), as a shop's orders do; those cost both shops the same
 * (ingest recomputes and re-scores only customers whose counted orders changed). Orders/s still counts orders.
 *
 * Options: BENCH_RESCORE_DB (postgresql, the production database; or sqlite), BENCH_POSTGRES_URL,
 * BENCH_RESCORE_WORKERS (2 on PostgreSQL, 1 on SQLite), BENCH_RESCORE_ROUNDS (4), BENCH_RESCORE_ROUND_ORDERS (2,500).
 * Run: npm run bench:rescore-pipeline
 */
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { deployPostgres } from "../scripts/prisma-postgres";
import {
  dropPostgresSchema,
  ExpectedTotals,
  printRows,
  removeQueueKeys,
  root,
  seededRandom,
  sendAll,
  signedOrderDeliveries,
  startProcess,
  stopProcess,
  waitForOutput,
  waitForWebServer,
  type PlannedOrder,
} from "./support/deliveries";
import { ordersOf, populationHistory } from "./support/bench-orders";
import { BenchDatabases } from "./support/sync-bench";
import { truncatingCheckpoint } from "./support/wal-checkpoints";

const POSTGRES = (process.env.BENCH_RESCORE_DB ?? "postgresql") === "postgresql";
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const WORKERS = Number(process.env.BENCH_RESCORE_WORKERS ?? (POSTGRES ? 2 : 1));
const ROUNDS = Number(process.env.BENCH_RESCORE_ROUNDS ?? 4);
const ROUND_ORDERS = Number(process.env.BENCH_RESCORE_ROUND_ORDERS ?? 2_500);
const MIX = process.env.BENCH_RESCORE_MIX === "wholesale" ? "wholesale" : "retail";
const LATER_VERSIONS = Number(process.env.BENCH_RESCORE_LATER_VERSIONS ?? 0);
const HEAVY_HISTORY = 20_000;
const SECRET = "bench-rescore-secret";
const TIME_ZONE = "America/New_York";
const DAY = 86_400_000;
const HISTORY_BATCH = 200;
const FITTED = "bench-rescore-pipeline-fitted.myshopify.com";
const UNFITTED = "bench-rescore-pipeline-unfitted.myshopify.com";

const runId = randomUUID().slice(0, 8);
const databases = new BenchDatabases("rescore-pipeline");
const schema = `clv_bench_rescore_pipeline_${runId}`;
const url = POSTGRES ? `${POSTGRES_URL}?schema=${schema}` : `file:${databases.fresh("db")}`;
if (POSTGRES) await deployPostgres(url);
process.env.DATABASE_URL = url;

const { db, disconnectDb } = await import("../app/db.server");
const { markShopInstalled } = await import("../app/data/lifecycle.server");
const { ingestBatch } = await import("../app/data/ingest.server");
const { refitShop } = await import("../app/data/refit.server");
const { recomputeAllCustomerValues } = await import("../app/data/customer-values.server");

const prefix = `bench-rescore-pipeline-${runId}`;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const ingest = new Queue("ingest", { connection: redis, prefix });
const port = 4500 + Math.floor(Math.random() * 400);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
  PORT: String(port),
  DATABASE_URL: url,
  QUEUE_PREFIX: prefix,
  REDIS_URL,
  SHOPIFY_API_KEY: "bench-key",
  SHOPIFY_API_SECRET: SECRET,
  SHOPIFY_APP_URL: "https://bench.example.com",
};
const processes: ReturnType<typeof startProcess>[] = [];

try {
  // The same history in both shops, loaded as the backfill does (values once at the end); then one refit.
  const client = await db();
  const now = Date.now();
  const population = populationHistory(4_000, 1_000_000, now - 540 * DAY);
  // Wholesale: also 20 customers with ~1,000 orders each, who place every new order.
  const heavy = Array.from({ length: 20 }, (_, c) => 900_000 + c);
  const history = [...population.orders];
  if (MIX === "wholesale") history.push(...ordersOf(heavy, HEAVY_HISTORY, 3_000_000, now - 540 * DAY, now - 30 * DAY, 5));
  history.sort((a, b) => a.processedAt.localeCompare(b.processedAt));
  const buyers = MIX === "wholesale" ? heavy : population.customerIds;
  for (const shop of [FITTED, UNFITTED]) {
    await markShopInstalled(client, shop, { name: shop, currencyCode: "USD", ianaTimezone: TIME_ZONE });
    for (let i = 0; i < history.length; i += HISTORY_BATCH)
      await ingestBatch(client, shop, [{ orders: history.slice(i, i + HISTORY_BATCH) }], { deferCustomerValues: true });
    await recomputeAllCustomerValues(client, shop);
  }
  const fit = await refitShop(client, FITTED);
  if (fit.status !== "fitted") throw new Error(`the fitted shop did not fit: ${fit.reason}`);
  const fitWrittenAt = new Date();
  await disconnectDb();

  // Each round's orders: customers of the population (wholesale: the 20 heavy buyers), the last 30 days, amounts 10–400 dollars; ids apart per shop.
  const random = seededRandom(11);
  const expected = new Map([FITTED, UNFITTED].map((shop) => [shop, new ExpectedTotals()]));
  const planned = (shopIndex: number, round: number): PlannedOrder[] =>
    Array.from({ length: ROUND_ORDERS }, (_, i) => ({
      id: 50_000_000 + shopIndex * 10_000_000 + round * ROUND_ORDERS + i,
      customerId: buyers[Math.floor(random() * buyers.length)],
      cents: 1_000 + Math.floor(random() * 39_000),
      createdAt: new Date(now - 30 * DAY + random() * 30 * DAY).toISOString(),
    }));

  const web = startProcess(["--import", "tsx", "server.ts"], "web", env);
  processes.push(web);
  await waitForWebServer(port);
  for (let i = 0; i < WORKERS; i++)
    processes.push(startProcess(["--import", "tsx", path.join(root, "app/worker/worker.ts")], `worker ${i + 1}`, env));
  await Promise.all(processes.slice(1).map((w) => waitForOutput(w, /worker \d+ started/)));
  // SQLite: a connection of the benchmark's own for the checkpoints between drains (bench/support/wal-checkpoints.ts).
  const walClient = POSTGRES ? null : await db();

  const drainMs = new Map([FITTED, UNFITTED].map((shop) => [shop, 0]));
  // Each timed round's drain times, for the spread of the share from round to round.
  const roundMs = new Map<string, number[]>([FITTED, UNFITTED].map((shop) => [shop, []]));
  // Round 0 is an untimed warm-up (see bench/rescore.ts: after a refit PostgreSQL's first batches pay for the
  // rows it rewrote); then ROUNDS timed rounds.
  for (let round = 0; round <= ROUNDS; round++) {
    for (const shop of round % 2 === 0 ? [FITTED, UNFITTED] : [UNFITTED, FITTED]) {
      const deliveries = signedOrderDeliveries(planned(shop === FITTED ? 0 : 1, round), {
        shop,
        secret: SECRET,
        duplicateShare: 0,
        laterVersions: LATER_VERSIONS,
        random,
        expected: expected.get(shop)!,
      });
      await ingest.pause();
      const sent = await sendAll(port, deliveries);
      if (sent.non2xx + sent.errors + sent.timeouts > 0) throw new Error(`round ${round}, ${shop}: ${sent.non2xx} non-2xx answers`);
      // SQLite: the drain starts from an empty WAL, and the checkpoint of what it leaves there is its own.
      if (walClient) await truncatingCheckpoint(walClient);
      const begin = performance.now();
      await ingest.resume();
      for (;;) {
        const counts = await ingest.getJobCounts("wait", "paused", "prioritized", "active", "delayed");
        if (Object.values(counts).every((n) => n === 0)) break;
        if (performance.now() - begin > 600_000) throw new Error(`not drained after 10 minutes: ${JSON.stringify(counts)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      let elapsed = performance.now() - begin;
      if (walClient) elapsed += await truncatingCheckpoint(walClient);
      if (round > 0) drainMs.set(shop, drainMs.get(shop)! + elapsed);
      if (round > 0) roundMs.get(shop)!.push(elapsed);
    }
  }
  if ((await ingest.getFailedCount()) > 0) throw new Error(`${await ingest.getFailedCount()} ingest jobs failed`);

  // The figures only count if the work was done: every order stored; the fitted shop's buyers re-scored.
  const check = await db();
  for (const shop of [FITTED, UNFITTED]) {
    const ids = [...expected.get(shop)!.orderIds];
    // In chunks: Prisma sends at most 999 parameters in a statement to SQLite.
    let stored = 0;
    for (let i = 0; i < ids.length; i += 900) stored += await check.order.count({ where: { shop, id: { in: ids.slice(i, i + 900) } } });
    if (stored !== ids.length) throw new Error(`${shop}: ${stored} of ${ids.length} orders stored`);
  }
  const rescored = await check.customerValue.count({ where: { shop: FITTED, modelFitId: fit.fitId, predictedAt: { gt: fitWrittenAt } } });
  const unscored = await check.customerValue.count({ where: { shop: UNFITTED, NOT: { predictedAt: null } } });
  if (rescored === 0) throw new Error("no customer of the fitted shop was re-scored");
  if (unscored !== 0) throw new Error(`${unscored} customers of the shop without a fit have predictions`);

  const orders = ROUNDS * ROUND_ORDERS;
  const without = orders / (drainMs.get(UNFITTED)! / 1000);
  const withFit = orders / (drainMs.get(FITTED)! / 1000);
  const database = POSTGRES ? "PostgreSQL" : "SQLite";
  const versions = LATER_VERSIONS > 0 ? ` + ${LATER_VERSIONS} later version${LATER_VERSIONS === 1 ? "" : "s"} each` : "";
  const label = `${database}, ${MIX}, ${WORKERS} worker${WORKERS === 1 ? "" : "s"}, ${orders.toLocaleString("en-US")} webhook orders per shop${versions}`;
  printRows([
    [`pipeline without a fitted model (${label})`, `${Math.round(without).toLocaleString("en-US")} orders/s`],
    [
      `pipeline with a fitted model, re-scoring (${label})`,
      `${Math.round(withFit).toLocaleString("en-US")} orders/s (re-scoring costs ${(100 * (1 - withFit / without)).toFixed(1)} % of throughput; target ≤ 10 %)`,
    ],
    [
      `the share round by round (${ROUNDS} rounds of ${ROUND_ORDERS.toLocaleString("en-US")} orders per shop)`,
      shareSpread(roundMs.get(FITTED)!, roundMs.get(UNFITTED)!),
    ],
    ["customers re-scored on ingest", rescored.toLocaleString("en-US")],
    [
      "load average (1, 5, 15 min) at the end",
      loadavg()
        .map((l) => l.toFixed(2))
        .join(", "),
    ],
  ]);
} finally {
  await Promise.all(processes.map((p) => stopProcess(p)));
  await ingest.close();
  await removeQueueKeys(redis, prefix);
  redis.disconnect();
  await disconnectDb();
  databases.removeAll();
  if (POSTGRES) await dropPostgresSchema(POSTGRES_URL, schema);
}

/**
 * The spread of the share over rounds (the same orders per shop each round: the share is 1 − unfitted time / fitted
 * time): the headline is the share over all rounds; this says how much one round's figure could differ from it.
 */
function shareSpread(fittedMs: number[], unfittedMs: number[]): string {
  const shares = fittedMs.map((ms, round) => 100 * (1 - unfittedMs[round] / ms)).sort((a, b) => a - b);
  const median = shares.length % 2 ? shares[(shares.length - 1) / 2] : (shares[shares.length / 2 - 1] + shares[shares.length / 2]) / 2;
  return `median ${median.toFixed(1)} %, from ${shares[0].toFixed(1)} % to ${shares[shares.length - 1].toFixed(1)} %`;
}
