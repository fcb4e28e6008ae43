/**
 * Re-scoring on ingest: what it costs the ingest path (target: ≤ 10 % of ingest throughput).
 *
 * Two shops in one fresh SQLite file with the same history (4,000 customers who buy and drop out as BG/NBD
 * says, ~20,000 orders over 18 months, shop time zone America/New_York); one is fitted (a refit: every later order re-scores its customers with
 * the stored fit), the other has no fit (re-scoring finds none and writes nothing). Then, after
 * BENCH_RESCORE_WARM_UP_ORDERS (2,000) untimed, BENCH_RESCORE_ORDERS new orders per shop in batches of 200 as the worker applies them, the two shops' batches interleaved so
 * that whatever else the machine does weighs on both alike. Printed: orders/s with and without a fitted
 * model, and the share of throughput re-scoring costs. On SQLite the checkpoints are taken out of the commits
 * and charged to the shops by the WAL frames each wrote (bench/support/wal-checkpoints.ts: which batch met
 * SQLite's threshold was luck worth ±3 points of the share); the orders/s include them. Two customer mixes, as bench:webhooks:
 *   retail     the new orders come from the 4,000 customers (~5 orders each by the end);
 *   wholesale  they come from 20 customers with BENCH_RESCORE_HEAVY_HISTORY (20,000) orders between them
 *              already (~1,000 each): every batch re-scores customers with long histories.
 *
 * Two shapes of the new orders, each timed on its own:
 *   webhook    as the worker applies webhook jobs: each order its own item with its delivery (recorded for
 *              deduplication), one to four line items, the customer's name and e-mail;
 *   bare       one item of 200 orders with no delivery, no line items and no profile: the least ingest
 *              work there is per order, so the largest share re-scoring can take (a lower bound on throughput).
 *
 * BENCH_RESCORE_DB=postgresql runs the same on PostgreSQL (BENCH_POSTGRES_URL, default the local `test`
 * database; a fresh schema per mix, dropped at the end) instead of a SQLite file.
 *
 * Run: npx tsx bench/rescore.ts     (BENCH_RESCORE_SHOPS=retail for one mix)
 */
import { loadavg } from "node:os";
import { BenchDatabases } from "./support/sync-bench";
import { deployPostgres } from "../scripts/prisma-postgres";
import { dropPostgresSchema } from "./support/deliveries";
import { asDelivered, ordersOf, populationHistory } from "./support/bench-orders";
import { CheckpointLedger } from "./support/wal-checkpoints";

const HEAVY_HISTORY = Number(process.env.BENCH_RESCORE_HEAVY_HISTORY ?? 20_000);
const ORDERS = Number(process.env.BENCH_RESCORE_ORDERS ?? 10_000);
const WARM_UP_ORDERS = Number(process.env.BENCH_RESCORE_WARM_UP_ORDERS ?? 2_000);
const BATCH = 200;
const MIXES = { retail: 4_000, wholesale: 20 } as const;
const SHOPS = (process.env.BENCH_RESCORE_SHOPS ?? "retail,wholesale").split(",") as (keyof typeof MIXES)[];
const TIME_ZONE = "America/New_York";
const DAY = 86_400_000;

const POSTGRES = process.env.BENCH_RESCORE_DB === "postgresql";
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const databases = new BenchDatabases("rescore");
const schemas: string[] = [];

/** A fresh database for one mix: a SQLite file from the migrated template, or a new PostgreSQL schema. */
async function freshDatabaseUrl(name: string): Promise<string> {
  if (!POSTGRES) return `file:${databases.fresh(name)}`;
  const schema = `clv_bench_rescore_${name}_${databases.runId}`;
  schemas.push(schema);
  const url = `${POSTGRES_URL}?schema=${schema}`;
  await deployPostgres(url);
  return url;
}

async function removeDatabases(): Promise<void> {
  databases.removeAll();
  for (const schema of schemas) await dropPostgresSchema(POSTGRES_URL, schema);
}

process.env.DATABASE_URL = `file:${databases.fresh("setup")}`;
const { db, disconnectDb } = await import("../app/db.server");
const { markShopInstalled } = await import("../app/data/lifecycle.server");
const { ingestBatch } = await import("../app/data/ingest.server");
const { refitShop } = await import("../app/data/refit.server");
const { recomputeAllCustomerValues } = await import("../app/data/customer-values.server");
await disconnectDb();

const rows: [string, string][] = [];
const now = Date.now();
for (const mix of SHOPS) {
  const customers = MIXES[mix];
  process.env.DATABASE_URL = await freshDatabaseUrl(mix);
  const sqliteFile = POSTGRES ? null : process.env.DATABASE_URL.slice("file:".length);
  const client = await db();
  const FITTED = `bench-rescore-fitted-${mix}.myshopify.com`;
  const UNFITTED = `bench-rescore-unfitted-${mix}.myshopify.com`;
  for (const shop of [FITTED, UNFITTED])
    await markShopInstalled(client, shop, { name: shop, currencyCode: "USD", ianaTimezone: TIME_ZONE });

  // The same history for both shops (wholesale: plus 20 customers with ~1,000 orders each); then the refit.
  const population = populationHistory(4_000, 1_000_000, now - 540 * DAY);
  const heavy = Array.from({ length: MIXES.wholesale }, (_, c) => 900_000 + c);
  const history = [...population.orders];
  if (mix === "wholesale") history.push(...ordersOf(heavy, HEAVY_HISTORY, 3_000_000, now - 540 * DAY, now - 30 * DAY, 5));
  history.sort((a, b) => a.processedAt.localeCompare(b.processedAt));
  for (const shop of [FITTED, UNFITTED]) {
    // As the backfill loads a history: values once at the end.
    for (let i = 0; i < history.length; i += BATCH)
      await ingestBatch(client, shop, [{ orders: history.slice(i, i + BATCH) }], { deferCustomerValues: true });
    await recomputeAllCustomerValues(client, shop);
  }
  const fit = await refitShop(client, FITTED);
  if (fit.status !== "fitted") throw new Error(`the ${mix} shop did not fit: ${fit.reason}`);
  const fitWrittenAt = new Date();
  // Which model the refit chose matters: Pareto/NBD's intervals cost several times BG/NBD's per customer.
  const chosen = await client.modelFit.findUnique({ where: { id: fit.fitId }, select: { model: true } });

  // New orders, timed per batch, the shops alternating (which one goes first alternates too); each shape
  // has orders of its own. First an untimed warm-up: right after the refit has rewritten every customer's
  // row, PostgreSQL's first batches meet the dead row versions (and autovacuum clearing them), which cost
  // the fitted shop alone for a while (measured: 9–14 % then, 4–5 % after).
  const buyers = mix === "wholesale" ? heavy : population.customerIds;
  const checkpoints = sqliteFile ? new CheckpointLedger(client, sqliteFile) : null;
  await checkpoints?.start();
  const timings: { shape: string; elapsed: Record<string, number>; checkpointMs: Record<string, number> }[] = [];
  for (const [s, shape] of (["warm-up", "webhook", "bare"] as const).entries()) {
    const count = shape === "warm-up" ? WARM_UP_ORDERS : ORDERS;
    const fresh = ordersOf(buyers, count, 5_000_000 + s * ORDERS, now - 30 * DAY, now - 60_000, 11 + s);
    const elapsed = { [FITTED]: 0, [UNFITTED]: 0 };
    const checkpointMs = { [FITTED]: 0, [UNFITTED]: 0 };
    const charge = (charges: Map<string, number>) => {
      for (const [shop, ms] of charges) {
        elapsed[shop] += ms;
        checkpointMs[shop] += ms;
      }
    };
    for (let i = 0, k = 0; i < fresh.length; i += BATCH, k++) {
      const batch = fresh.slice(i, i + BATCH);
      for (const shop of k % 2 === 0 ? [FITTED, UNFITTED] : [UNFITTED, FITTED]) {
        const items = shape === "bare" ? [{ orders: batch }] : batch.map((o) => asDelivered(o, k));
        const walBefore = checkpoints?.mark() ?? 0;
        const begin = performance.now();
        await ingestBatch(client, shop, items);
        elapsed[shop] += performance.now() - begin;
        if (checkpoints) charge(await checkpoints.recorded(shop, walBefore));
      }
    }
    // The phase's last frames are checkpointed and charged too (and the next phase starts from an empty WAL).
    if (checkpoints) charge(await checkpoints.settle());
    if (shape !== "warm-up") timings.push({ shape, elapsed, checkpointMs });
  }
  const rescored = await client.customerValue.count({ where: { shop: FITTED, modelFitId: fit.fitId, predictedAt: { gt: fitWrittenAt } } });
  const unscored = await client.customerValue.count({ where: { shop: UNFITTED, NOT: { predictedAt: null } } });
  if (unscored !== 0) throw new Error(`${unscored} customers of the shop without a fit have predictions`);
  await disconnectDb();

  const batches = ORDERS / BATCH;
  for (const { shape, elapsed, checkpointMs } of timings) {
    const without = ORDERS / (elapsed[UNFITTED] / 1000);
    const withFit = ORDERS / (elapsed[FITTED] / 1000);
    const cost = 100 * (1 - withFit / without);
    const label = `${POSTGRES ? "PostgreSQL" : "SQLite"}, ${mix} (${customers.toLocaleString("en-US")} customers), ${shape} orders`;
    // SQLite: each batch's share of the checkpoints, included in the orders/s (bench/support/wal-checkpoints.ts).
    const perBatch = (shop: string) => (checkpoints ? `; checkpoints ${(checkpointMs[shop] / batches).toFixed(1)} ms a batch` : "");
    rows.push([`ingest without a fitted model, ${label}`, `${Math.round(without).toLocaleString("en-US")} orders/s${perBatch(UNFITTED)}`]);
    rows.push([
      `ingest with a fitted model (re-scoring), ${label}`,
      `${Math.round(withFit).toLocaleString("en-US")} orders/s${perBatch(FITTED)} (re-scoring costs ${cost.toFixed(1)} % of throughput; target ≤ 10 %)`,
    ]);
  }
  rows.push([
    `customers re-scored on ingest, ${mix}`,
    `${rescored.toLocaleString("en-US")} (model chosen by the refit: ${chosen?.model ?? "none"})`,
  ]);
}
await removeDatabases();

// The shares are ratios of two timings taken side by side, but other work on the machine still blurs them.
rows.push([
  "load average (1, 5, 15 min) at the end",
  loadavg()
    .map((l) => l.toFixed(2))
    .join(", "),
]);
const width = Math.max(...rows.map(([name]) => name.length));
for (const [name, value] of rows) console.info(`${name.padEnd(width)}  ${value}`);
