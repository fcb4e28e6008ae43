/**
 * Re-scoring on ingest: what it costs the ingest path (target: ≤ 10 % of ingest throughput).
 *
 * Two shops in one fresh SQLite file with the same history (4,000 customers who buy and drop out as BG/NBD
 * says, ~20,000 orders over 18 months, shop time zone America/New_York); one is fitted (a refit: every later order re-scores its customers with
 * the stored fit), the other has no fit (re-scoring finds none and writes nothing). Then BENCH_RESCORE_ORDERS
 * new orders per shop in batches of 200 as the worker applies them, the two shops' batches interleaved so
 * that whatever else the machine does weighs on both alike. Printed: orders/s with and without a fitted
 * model, and the share of throughput re-scoring costs. Two customer mixes, as bench:webhooks:
 *   retail     the new orders come from the 4,000 customers (~5 orders each by the end);
 *   wholesale  they come from 20 customers with BENCH_RESCORE_HEAVY_HISTORY (20,000) orders between them
 *              already (~1,000 each): every batch re-scores customers with long histories.
 *
 * Run: npx tsx bench/rescore.ts     (BENCH_RESCORE_SHOPS=retail for one mix)
 */
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { BenchDatabases } from "./support/sync-bench";
import type { NormalizedOrder } from "../app/orders/types";
import { SeededRandom, simulateShop } from "../testkit/clv/simulate";

const HEAVY_HISTORY = Number(process.env.BENCH_RESCORE_HEAVY_HISTORY ?? 20_000);
const ORDERS = Number(process.env.BENCH_RESCORE_ORDERS ?? 10_000);
const BATCH = 200;
const MIXES = { retail: 4_000, wholesale: 20 } as const;
const SHOPS = (process.env.BENCH_RESCORE_SHOPS ?? "retail,wholesale").split(",") as (keyof typeof MIXES)[];
const TIME_ZONE = "America/New_York";
const DAY = 86_400_000;

const databases = new BenchDatabases("rescore");
const freshDatabase = (name: string) => databases.fresh(name);

/** A seeded generator (mulberry32): the same orders every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), state | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function order(id: number, customerId: number, totalMinor: number, processedAtMs: number): NormalizedOrder {
  const at = new Date(processedAtMs).toISOString();
  return {
    id: String(id),
    customer: {
      id: String(customerId),
      email: null,
      firstName: null,
      lastName: null,
      phone: null,
      tags: null,
      createdAt: null,
      updatedAt: at,
    },
    name: `#${id}`,
    email: null,
    currencyCode: "USD",
    totalMinor,
    subtotalMinor: totalMinor,
    presentmentCurrency: "USD",
    presentmentTotalMinor: totalMinor,
    financialStatus: "paid",
    sourceName: "web",
    test: false,
    createdAt: at,
    processedAt: at,
    updatedAt: at,
    cancelledAt: null,
    closedAt: null,
    discountCodes: [],
    lineItems: null,
    refunds: [],
  };
}

/** The shop's history: BG/NBD customers with Gamma-Gamma spend (a shop the models can fit), dates from now − 18 months. */
function populationHistory(customers: number, firstId: number, startMs: number): { orders: NormalizedOrder[]; customerIds: number[] } {
  const simulated = simulateShop(
    { model: "bgnbd", params: { r: 0.5, alpha: 15, a: 0.8, b: 2.5 } },
    { p: 6, q: 4, v: 15 },
    { customers, startMs, joinWindowDays: 360, observationDays: 510 },
    new SeededRandom(7),
  );
  const list = Array.from(simulated.timesMs, (t, k) =>
    order(firstId + k, 100_000 + simulated.customerIndex[k], Math.max(100, Math.round(simulated.amounts[k] * 100)), t),
  );
  return { orders: list, customerIds: Array.from({ length: customers }, (_, c) => 100_000 + c) };
}

/** `count` orders of the given customers, at random times in [fromMs, toMs], amounts 10–400 dollars. */
function ordersOf(customerIds: number[], count: number, firstId: number, fromMs: number, toMs: number, seed: number): NormalizedOrder[] {
  const random = seededRandom(seed);
  const list = Array.from({ length: count }, (_, i) =>
    order(
      firstId + i,
      customerIds[Math.floor(random() * customerIds.length)],
      1_000 + Math.floor(random() * 39_000),
      fromMs + random() * (toMs - fromMs),
    ),
  );
  return list.sort((a, b) => a.processedAt.localeCompare(b.processedAt));
}

process.env.DATABASE_URL = `file:${freshDatabase("setup")}`;
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
  const file = freshDatabase(mix);
  process.env.DATABASE_URL = `file:${file}`;
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

  // New orders, timed per batch, the shops alternating (which one goes first alternates too).
  const buyers = mix === "wholesale" ? heavy : population.customerIds;
  const fresh = ordersOf(buyers, ORDERS, 5_000_000, now - 30 * DAY, now - 60_000, 11);
  const elapsed = { [FITTED]: 0, [UNFITTED]: 0 };
  for (let i = 0, k = 0; i < fresh.length; i += BATCH, k++) {
    const batch = fresh.slice(i, i + BATCH);
    for (const shop of k % 2 === 0 ? [FITTED, UNFITTED] : [UNFITTED, FITTED]) {
      const begin = performance.now();
      await ingestBatch(client, shop, [{ orders: batch }]);
      elapsed[shop] += performance.now() - begin;
    }
  }
  const rescored = await client.customerValue.count({ where: { shop: FITTED, modelFitId: fit.fitId, predictedAt: { gt: fitWrittenAt } } });
  const unscored = await client.customerValue.count({ where: { shop: UNFITTED, NOT: { predictedAt: null } } });
  if (unscored !== 0) throw new Error(`${unscored} customers of the shop without a fit have predictions`);
  await disconnectDb();
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });

  const without = ORDERS / (elapsed[UNFITTED] / 1000);
  const withFit = ORDERS / (elapsed[FITTED] / 1000);
  const cost = 100 * (1 - withFit / without);
  const label = `${mix} (${customers.toLocaleString("en-US")} customers, batches of ${BATCH})`;
  rows.push([`ingest without a fitted model, ${label}`, `${Math.round(without).toLocaleString("en-US")} orders/s`]);
  rows.push([
    `ingest with a fitted model (re-scoring), ${label}`,
    `${Math.round(withFit).toLocaleString("en-US")} orders/s (re-scoring costs ${cost.toFixed(1)} % of throughput; target ≤ 10 %; ${rescored.toLocaleString("en-US")} customers re-scored)`,
  ]);
}
databases.removeAll();

// The shares are ratios of two timings taken side by side, but other work on the machine still blurs them.
rows.push([
  "load average (1, 5, 15 min) at the end",
  loadavg()
    .map((l) => l.toFixed(2))
    .join(", "),
]);
const width = Math.max(...rows.map(([name]) => name.length));
for (const [name, value] of rows) console.info(`${name.padEnd(width)}  ${value}`);
