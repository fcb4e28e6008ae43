/**
 * Loyalty storage and write-back benchmark (the pure re-evaluation is bench/loyalty.ts).
 *
 *   1. Write-back of BENCH_LOYALTY_SYNC_CUSTOMERS (100,000) changed members to the Admin API double at its
 *      Standard-plan bucket (2,000 points, restoring 100/s): the job takes the bulk-mutation path; printed with
 *      the time the paced path could not beat (every metafieldsSet and tagsAdd call's cost ÷ the restore rate).
 *      BENCH_LOYALTY_PACED=500 also times the paced path on that many members against the same bucket.
 *   2. Ingest throughput with the program on and off: BENCH_LOYALTY_INGEST_ORDERS orders (20,000 over 4,000
 *      customers, a tier ladder on net spend) in batches of 200, as the worker applies them: `ingestBatch`
 *      alone, which runs the loyalty step inside its transaction (bench/loyalty-ingest.ts measures the same
 *      with subtotals and shipping; this one earns on totals).
 *   3. Order → tier metafield written, under a steady load of BENCH_LOYALTY_RATE orders/s (20) for
 *      BENCH_LOYALTY_SECONDS (30) on a shop with 2,000 members already written (one order in five from a new
 *      customer): each order is ingested, loyalty step included (batched every 100 ms like the worker's batcher), and
 *      asks for a write-back (the debounced job on the analytics queue, real BullMQ worker); the time until the
 *      double holds the customer's new points balance, p50/p95/max.
 *
 * Run: npx tsx bench/loyalty-sync.ts      (needs Redis; SQLite file and Redis keys of its own)
 */
import { rmSync } from "node:fs";
import { startAdminApiDouble } from "../testkit/admin-api-double/index";
import { BenchDatabases, MUTATION_POINTS, seconds, STANDARD_BUCKET } from "./support/sync-bench";
import type { NormalizedOrder } from "../app/orders/types";
import { BENCH_NET_SPEND_LADDER as LADDER, paidOrder } from "../testkit/loyalty-orders";

const CUSTOMERS = Number(process.env.BENCH_LOYALTY_SYNC_CUSTOMERS ?? 100_000);
const PACED = Number(process.env.BENCH_LOYALTY_PACED ?? 0);
const INGEST_ORDERS = Number(process.env.BENCH_LOYALTY_INGEST_ORDERS ?? 20_000);
const RATE = Number(process.env.BENCH_LOYALTY_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_LOYALTY_SECONDS ?? 30);
const STANDARD = STANDARD_BUCKET;
const MUTATION_COST = MUTATION_POINTS;
const databases = new BenchDatabases("loyalty");
const runId = databases.runId;
const freshDatabase = (name: string) => databases.fresh(name);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const order = (id: number, customerId: number, totalMinor: number, processedAt: string): NormalizedOrder =>
  paidOrder({ id, customerId, totalMinor, processedAt, sourceName: "web" });

const double = await startAdminApiDouble({
  shops: [{ shop: "bench-loyalty.myshopify.com", accessToken: "bench-token" }],
  throttle: { ...STANDARD, cost: { default: MUTATION_COST } },
  requestLogLimit: 1_000,
});
const SHOP = "bench-loyalty.myshopify.com";
const target = { shop: SHOP, accessToken: "bench-token" };
const writeBackDb = freshDatabase("sync");
Object.assign(process.env, {
  NODE_ENV: "test",
  DATABASE_URL: `file:${writeBackDb}`,
  SHOPIFY_ADMIN_API_ORIGIN: double.origin,
  QUEUE_PREFIX: `bench-loyalty-${runId}`,
  SHOPIFY_API_KEY: "bench-key",
  SHOPIFY_API_SECRET: "bench-secret",
});

const { db, disconnectDb } = await import("../app/db.server");
const { markShopInstalled } = await import("../app/data/lifecycle.server");
const programs = await import("../app/data/loyalty-program.server");
const members = await import("../app/data/loyalty-members.server");
const { bulkUpsert } = await import("../app/data/bulk-upsert.server");
const writeBack = await import("../app/data/loyalty-write-back.server");
const { ingestBatch } = await import("../app/data/ingest.server");

async function setUpProgram(client: Awaited<ReturnType<typeof db>>): Promise<number> {
  await markShopInstalled(client, SHOP, { name: "Bench", currencyCode: "USD", ianaTimezone: "UTC" });
  await client.session.upsert({
    where: { id: `offline_${SHOP}` },
    create: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, accessToken: "bench-token" },
    update: {},
  });
  const saved = await programs.saveProgramSettings(client, SHOP, {
    settings: { enabled: true, currencyCode: "USD", earning: { pointsPerCurrencyUnit: 1 } },
    effectiveFromMs: Date.UTC(2024, 0, 1),
  });
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  const tiers = await programs.saveTiers(client, SHOP, LADDER);
  if (!tiers.ok) throw new Error(JSON.stringify(tiers.errors));
  return tiers.value.tiersVersion;
}

/** Members with a tier, a next tier and a balance, all marked for the write-back (what a tier edit leaves). */
async function seedMembers(client: Awaited<ReturnType<typeof db>>, from: number, count: number, tiersVersion: number): Promise<void> {
  const now = new Date();
  for (let start = 0; start < count; start += 5_000) {
    const ids = Array.from({ length: Math.min(5_000, count - start) }, (_, i) => String(from + start + i));
    await client.$transaction(async (tx) => {
      await members.writeMembers(
        tx,
        SHOP,
        ids.map((customerId, i) => ({
          customerId,
          tierId: i % 3 === 0 ? "silver" : "member",
          sinceDay: 20_000,
          holdUntilDay: null,
          metric: i % 3 === 0 ? 40_000 : 12_000,
          nextTierId: i % 3 === 0 ? "gold" : "silver",
          amountToNext: i % 3 === 0 ? 60_000 : 13_000,
        })),
        tiersVersion,
      );
      await bulkUpsert(tx, {
        table: "PointsEntry",
        columns: ["shop", "key", "customerId", "kind", "points", "sourceType", "effectiveAt", "createdAt"],
        rows: ids.map((id, i) => [SHOP, `adjust:${id}:seed`, id, "adjust", 100 + (i % 400), "manual", now, now]),
        conflict: ["shop", "key"],
      });
      await members.markLoyaltyDirty(tx, SHOP, ids);
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// 1. Write-back of CUSTOMERS changed members.
const client = await db();
const tiersVersion = await setUpProgram(client);
console.info(`loyalty write-back: seeding ${CUSTOMERS.toLocaleString("en-US")} changed members…`);
await seedMembers(client, 1_000_000, CUSTOMERS, tiersVersion);

const started = performance.now();
const summary = await writeBack.writeBackLoyalty(client, SHOP, { target, pollMs: 500 });
const bulkMs = performance.now() - started;
if (summary.failed > 0 || summary.written !== CUSTOMERS) throw new Error(`write-back incomplete: ${JSON.stringify(summary)}`);
// The paced path packs whole members into metafieldsSet calls of at most 25 metafields; each tagsAdd field
// costs 10 points (25 aliased per request).
const perCustomerSets = Math.ceil(summary.metafieldsSet / CUSTOMERS);
const setCalls = Math.ceil(CUSTOMERS / Math.floor(25 / perCustomerSets));
const tagCalls = summary.tagsAdded;
const pacedPoints = (setCalls + tagCalls) * MUTATION_COST;
const pacedMinimumMs = (Math.max(0, pacedPoints - STANDARD.maximumAvailable) / STANDARD.restoreRate) * 1000;
const metafieldsOnlyMs = (Math.max(0, setCalls * MUTATION_COST - STANDARD.maximumAvailable) / STANDARD.restoreRate) * 1000;

const rows: [string, string][] = [
  ["changed members written", CUSTOMERS.toLocaleString("en-US")],
  ["metafields set / tags added", `${summary.metafieldsSet.toLocaleString("en-US")} / ${summary.tagsAdded.toLocaleString("en-US")}`],
  ["bulk operations (staged uploads + bulkOperationRunMutation)", String(summary.bulkOperations)],
  ["write-back time (bulk mutations, double as fast as it runs them)", seconds(bulkMs)],
  [
    "paced path's theoretical minimum at 100 points/s",
    `${seconds(pacedMinimumMs)} (${setCalls.toLocaleString("en-US")} metafieldsSet + ${tagCalls.toLocaleString("en-US")} tagsAdd × 10 points; metafields alone ${seconds(metafieldsOnlyMs)})`,
  ],
];

if (PACED > 0) {
  await seedMembers(client, 5_000_000, PACED, tiersVersion);
  double.control.setThrottle({ shop: SHOP, ...STANDARD, currentlyAvailable: STANDARD.maximumAvailable });
  const pacedStarted = performance.now();
  const paced = await writeBack.writeBackLoyalty(client, SHOP, { target, bulkThreshold: PACED + 1, pacedCustomersPerJob: PACED });
  const pacedMs = performance.now() - pacedStarted;
  const points = (Math.ceil(paced.metafieldsSet / 25) + paced.tagsAdded) * MUTATION_COST;
  const minimum = (Math.max(0, points - STANDARD.maximumAvailable) / STANDARD.restoreRate) * 1000;
  rows.push([
    `paced path, ${PACED} members (measured vs bucket minimum)`,
    `${seconds(pacedMs)} vs ${seconds(minimum)} (${paced.calls} calls)`,
  ]);
}
await disconnectDb();

// ---------------------------------------------------------------------------------------------------
// 2. Ingest throughput with the program off and on: two shops in one database, their batches interleaved, so
//    that whatever else the machine does weighs on both alike.
{
  const file = freshDatabase("ingest");
  process.env.DATABASE_URL = `file:${file}`;
  const ingestClient = await db();
  const OFF_SHOP = "bench-loyalty-off.myshopify.com";
  await markShopInstalled(ingestClient, OFF_SHOP, { name: "Bench off", currencyCode: "USD", ianaTimezone: "UTC" });
  await setUpProgram(ingestClient);
  const ordersOf = (firstId: number) =>
    Array.from({ length: INGEST_ORDERS }, (_, i) =>
      order(firstId + i, 100 + (i % 4_000), 1_000 + ((i * 7_919) % 40_000), new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString()),
    );
  const offOrders = ordersOf(9_000_000);
  const onOrders = ordersOf(19_000_000);
  let offMs = 0;
  let onMs = 0;
  for (let i = 0; i < INGEST_ORDERS; i += 200) {
    let begin = performance.now();
    await ingestBatch(ingestClient, OFF_SHOP, [{ orders: offOrders.slice(i, i + 200) }]);
    offMs += performance.now() - begin;
    begin = performance.now();
    await ingestBatch(ingestClient, SHOP, [{ orders: onOrders.slice(i, i + 200) }]);
    onMs += performance.now() - begin;
  }
  const entries = await ingestClient.pointsEntry.count({ where: { shop: SHOP } });
  if (entries !== INGEST_ORDERS) throw new Error(`expected ${INGEST_ORDERS} earn entries, found ${entries}`);
  await disconnectDb();
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  const off = INGEST_ORDERS / (offMs / 1000);
  const on = INGEST_ORDERS / (onMs / 1000);
  rows.push(["ingest, program off (batches of 200, 4,000 customers)", `${Math.round(off).toLocaleString("en-US")} orders/s`]);
  rows.push([
    "ingest, program on (points, tier ladder, write-back marks)",
    `${Math.round(on).toLocaleString("en-US")} orders/s (${((100 * on) / off).toFixed(0)} % of off; target ≥ 80 %)`,
  ]);
}

// ---------------------------------------------------------------------------------------------------
// 3. Order → tier metafield written, under a steady load. The shop has MEMBERS members already written to
//    Shopify; NEW_SHARE of the orders come from new customers (a new member costs a tag and every metafield), the
//    rest from members (their balance and distance to the next tier change; a tier move swaps the tag).
{
  const MEMBERS = 2_000;
  const NEW_SHARE = 0.2;
  const file = freshDatabase("latency");
  process.env.DATABASE_URL = `file:${file}`;
  const latencyClient = await db();
  await setUpProgram(latencyClient);
  const balance = new Map<number, number>();
  const history = Array.from({ length: MEMBERS }, (_, i) =>
    order(7_000_000 + i, 60_000 + i, 5_000 + (i % 30) * 1_000, "2025-06-01T12:00:00.000Z"),
  );
  for (let i = 0; i < history.length; i += 200) {
    await ingestBatch(latencyClient, SHOP, [{ orders: history.slice(i, i + 200) }]);
  }
  for (const o of history) balance.set(Number(o.customer?.id), Math.floor(o.totalMinor / 100));
  double.control.setThrottle({ shop: SHOP, ...STANDARD, currentlyAvailable: STANDARD.maximumAvailable });
  await writeBack.writeBackLoyalty(latencyClient, SHOP, { target, pollMs: 200 });
  double.control.setThrottle({ shop: SHOP, ...STANDARD, currentlyAvailable: STANDARD.maximumAvailable });

  const { startWorkers } = await import("../app/worker/workers.server");
  const { enqueueLoyaltySync } = await import("../app/queues/loyalty.server");
  const workers = await startWorkers({ concurrency: 4 });
  const total = RATE * SECONDS;
  const latencies: number[] = [];
  // Each order: its customer, the balance it brings them to, when it was sent.
  let pending: { customerId: number; balance: number; sentAt: number }[] = [];
  let queued: NormalizedOrder[] = [];
  let next = 0;
  let newCustomers = 0;
  const startedAt = performance.now();
  // The worker's batcher: whatever arrived in the last 100 ms is one transaction, then a write-back is asked for.
  const batcher = setInterval(() => {
    const batch = queued;
    queued = [];
    if (batch.length === 0) return;
    void (async () => {
      await ingestBatch(latencyClient, SHOP, [{ orders: batch }]);
      await enqueueLoyaltySync(SHOP);
    })();
  }, 100);
  const sender = setInterval(() => {
    const due = Math.min(total, Math.floor(((performance.now() - startedAt) / 1000) * RATE));
    for (; next < due; next++) {
      // Deterministic mix: every fifth order a new customer, the others spread over the members.
      const fresh = next % Math.round(1 / NEW_SHARE) === 0;
      const customerId = fresh ? 90_000 + newCustomers++ : 60_000 + ((next * 7_919) % MEMBERS);
      const o = order(8_000_000 + next, customerId, 2_500 + (next % 50) * 100, new Date().toISOString());
      const after = (balance.get(customerId) ?? 0) + Math.floor(o.totalMinor / 100);
      balance.set(customerId, after);
      pending.push({ customerId, balance: after, sentAt: performance.now() });
      queued.push(o);
    }
  }, 10);
  const deadline = performance.now() + SECONDS * 1000 + 120_000;
  while ((next < total || pending.length > 0) && performance.now() < deadline) {
    const written = new Map<number, number>();
    pending = pending.filter((p) => {
      if (!written.has(p.customerId)) {
        const value = double.control
          .getMetafields(SHOP, `gid://shopify/Customer/${p.customerId}`)
          .find((m) => m.key === "points_balance")?.value;
        written.set(p.customerId, value === undefined ? -1 : Number(value));
      }
      if ((written.get(p.customerId) as number) < p.balance) return true;
      latencies.push(performance.now() - p.sentAt);
      return false;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  clearInterval(sender);
  clearInterval(batcher);
  await workers.close();
  await disconnectDb();
  latencies.sort((a, b) => a - b);
  rows.push([
    `order → points metafield written, ${RATE} orders/s for ${SECONDS} s (${Math.round(NEW_SHARE * 100)} % new members)`,
    `p50 ${seconds(percentile(latencies, 50))}, p95 ${seconds(percentile(latencies, 95))}, max ${seconds(latencies.at(-1) ?? 0)} (${latencies.length}/${total} seen; target p95 ≤ 60 s)`,
  ]);
  const { removeRedisKeys } = await import("../test/support/environment");
  await removeRedisKeys(`bench-loyalty-${runId}`);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
}

await double.close();
databases.removeAll();

const width = Math.max(...rows.map(([label]) => label.length));
console.info("\nLoyalty write-back and pipeline (this machine):");
for (const [label, value] of rows) console.info(`  ${label.padEnd(width)}  ${value}`);
process.exit(0);
