/**
 * Ingest throughput with the loyalty program on and off (issue 14: "on" within 20 % of "off").
 *
 * Two shops in one fresh SQLite database, their batches interleaved so that whatever else the machine does
 * weighs on both alike: BENCH_LOYALTY_INGEST_ORDERS orders (20,000) over 4,000 customers each, in batches of
 * 200 as the worker applies them, through `ingestBatch` alone (the loyalty step runs inside its transaction),
 * shaped as webhook jobs bring them and bare, batch by batch in turn (see SHAPES below), each shape timed apart.
 * The "on" shop has a points program (1 point per unit on the subtotal) and a net-spend tier ladder; one order
 * in four carries shipping (it earns on the merchandise only). Each shop first gets one warm-up batch.
 *
 * Run: npx tsx bench/loyalty-ingest.ts    (or `npm run bench:loyalty`, which runs it after the re-evaluation;
 * BENCH_LOYALTY_PART=ingest runs this part alone). Profile: node --cpu-prof --import tsx bench/loyalty-ingest.ts
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import type { NormalizedOrder } from "../app/orders/types";
import { BENCH_NET_SPEND_LADDER, paidOrder } from "../testkit/loyalty-orders";
import { asDelivered } from "./support/bench-orders";

const ORDERS = Number(process.env.BENCH_LOYALTY_INGEST_ORDERS ?? 20_000);
const CUSTOMERS = 4_000;
const BATCH = 200;
const ON_SHOP = "bench-loyalty-on.myshopify.com";
const OFF_SHOP = "bench-loyalty-off.myshopify.com";

const root = path.resolve(import.meta.dirname, "..");
const file = path.join(root, ".tmp", `bench-loyalty-ingest-${randomUUID().slice(0, 8)}.sqlite`);
mkdirSync(path.dirname(file), { recursive: true });
if (!existsSync(file)) {
  execFileSync("npx", ["prisma", "migrate", "deploy"], { cwd: root, env: { ...process.env, DATABASE_URL: `file:${file}` }, stdio: "pipe" });
}
Object.assign(process.env, { NODE_ENV: "test", DATABASE_URL: `file:${file}` });

const { db, disconnectDb } = await import("../app/db.server");
const { markShopInstalled } = await import("../app/data/lifecycle.server");
const programs = await import("../app/data/loyalty-program.server");
const { ingestBatch } = await import("../app/data/ingest.server");

const order = (id: number, customerId: number, subtotalMinor: number, shippingMinor: number, processedAt: string): NormalizedOrder =>
  paidOrder({ id, customerId, totalMinor: subtotalMinor + shippingMinor, subtotalMinor, processedAt, sourceName: "web" });

const ordersOf = (firstId: number, count: number) =>
  Array.from({ length: count }, (_, i) =>
    order(
      firstId + i,
      100 + (i % CUSTOMERS),
      1_000 + ((i * 7_919) % 40_000),
      i % 4 === 0 ? 995 : 0,
      new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
    ),
  );

const client = await db();
await markShopInstalled(client, OFF_SHOP, { name: "Bench off", currencyCode: "USD", ianaTimezone: "UTC" });
await markShopInstalled(client, ON_SHOP, { name: "Bench on", currencyCode: "USD", ianaTimezone: "UTC" });
const saved = await programs.saveProgramSettings(client, ON_SHOP, {
  settings: { enabled: true, currencyCode: "USD", earning: { pointsPerCurrencyUnit: 1 } },
  effectiveFromMs: Date.UTC(2024, 0, 1),
});
if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
const tiers = await programs.saveTiers(client, ON_SHOP, BENCH_NET_SPEND_LADDER);
if (!tiers.ok) throw new Error(JSON.stringify(tiers.errors));

// Warm-up (JIT, prepared statements, the program cache), not timed: one batch per shop of other customers.
await ingestBatch(client, OFF_SHOP, [{ orders: ordersOf(8_000_000, BATCH).map((o) => ({ ...o, customer: null })) }]);
await ingestBatch(client, ON_SHOP, [{ orders: ordersOf(18_000_000, BATCH).map((o) => ({ ...o, customer: null })) }]);

// Two shapes of orders, timed apart (as bench:rescore): "webhook", as the worker applies webhook jobs (each order its
// own item with its delivery, one to four line items, the customer's name and e-mail), and "bare", one item of 200
// orders without deliveries, line items or profiles: the least ingest work per order, so the largest share the
// program can take. The shapes alternate batch by batch, so both meet the program at the same stage (the first
// orders make every customer a member; later ones mostly add points).
const SHAPES = ["webhook", "bare"] as const;
const timings = SHAPES.map((shape) => ({ shape, orders: 0, offMs: 0, onMs: 0 }));
const offOrders = ordersOf(9_000_000, 2 * ORDERS);
const onOrders = ordersOf(19_000_000, 2 * ORDERS);
for (let i = 0, k = 0; i < 2 * ORDERS; i += BATCH, k++) {
  const timing = timings[k % SHAPES.length];
  const itemsOf = (orders: NormalizedOrder[]) => (timing.shape === "bare" ? [{ orders }] : orders.map((o) => asDelivered(o, k)));
  const offItems = itemsOf(offOrders.slice(i, i + BATCH));
  const onItems = itemsOf(onOrders.slice(i, i + BATCH));
  let begin = performance.now();
  await ingestBatch(client, OFF_SHOP, offItems);
  timing.offMs += performance.now() - begin;
  begin = performance.now();
  await ingestBatch(client, ON_SHOP, onItems);
  timing.onMs += performance.now() - begin;
  timing.orders += Math.min(BATCH, 2 * ORDERS - i);
}

// The "on" figure only counts if the program did its work: one earn per order, on the subtotal.
const earned = await client.pointsEntry.aggregate({ where: { shop: ON_SHOP, kind: "earn" }, _count: true, _sum: { points: true } });
const expectedPoints = onOrders.reduce((sum, o) => sum + Math.floor((o.subtotalMinor ?? o.totalMinor) / 100), 0);
await disconnectDb();
for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
if (earned._count !== onOrders.length) throw new Error(`expected ${onOrders.length} earn entries, found ${earned._count}`);

console.info(
  `\nIngest with the loyalty program off / on (${ORDERS.toLocaleString("en-US")} orders per shape over ${CUSTOMERS.toLocaleString("en-US")} customers, batches of ${BATCH}):`,
);
for (const { shape, orders, offMs, onMs } of timings) {
  const off = orders / (offMs / 1000);
  const on = orders / (onMs / 1000);
  console.info(`  ${shape} orders, program off                           ${Math.round(off).toLocaleString("en-US")} orders/s`);
  console.info(`  ${shape} orders, program on (points, ladder, marks)    ${Math.round(on).toLocaleString("en-US")} orders/s`);
  console.info(`  ${shape} orders, on / off                              ${((100 * on) / off).toFixed(0)} % (target ≥ 80 %)`);
}
console.info(
  `  points earned                                  ${Number(earned._sum.points ?? 0).toLocaleString("en-US")}` +
    ` (on subtotals: ${expectedPoints.toLocaleString("en-US")}${Number(earned._sum.points) === expectedPoints ? "" : ", on totals before subtotals were stored"})`,
);
