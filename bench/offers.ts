/**
 * Cross-sell benchmark: pair mining over 1,000,000 orders of 5,000 products, then personal recommendations
 * for 100,000 customers.
 *
 * Synthetic shop (seeded xorshift32): product popularity falls off like a Zipf law; each product has three
 * complements that follow it into a basket a third of the time; 300 products are consumables that their
 * buyers reorder; customers place 1–12 orders over 14 months (so part of them fall outside the 12-month
 * window); 15 % of orders are guest checkouts, 0.5 % test orders, 2 % cancelled. The orders are streamed
 * into a BasketSetBuilder as the app's job would, never held as objects.
 *
 * Targets (issue 15): mining ≤ 10 s and < 1 GB; recommendations for 100,000 customers ≤ 10 s.
 * Run: npm run bench:offers   (BENCH_ORDERS, BENCH_PRODUCTS, BENCH_RECOMMEND_CUSTOMERS, BENCH_BASKET_CONTINUE override the sizes)
 */

import os from "node:os";
import {
  BasketSetBuilder,
  buildRecommendationModel,
  DAY_MS,
  minePairs,
  productOffers,
  Recommender,
  repurchaseStats,
  type OrderBasket,
  type Recommendation,
} from "../app/offers/index.ts";

const ORDERS = Number(process.env.BENCH_ORDERS ?? 1_000_000);
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 5_000);
const RECOMMEND_CUSTOMERS = Number(process.env.BENCH_RECOMMEND_CUSTOMERS ?? 100_000);
/** Chance that a basket gets one more product (so the mean basket has about 1 + p / (1 − p) products plus favourites). */
const BASKET_CONTINUE = Number(process.env.BENCH_BASKET_CONTINUE ?? 0.5);
const AS_OF = Date.UTC(2026, 10, 30);
const HISTORY_DAYS = 14 * 30.4;

class XorShift32 {
  constructor(private state: number) {
    if (this.state === 0) this.state = 0x6d2b79f5;
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x;
    return (x >>> 0) / 4294967296;
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
}

const SEED = 20261130;
let random = new XorShift32(SEED);

// Popularity ∝ 1 / (rank + 20): a cumulative table searched by bisection.
const cumulative = new Float64Array(PRODUCTS);
{
  let sum = 0;
  for (let p = 0; p < PRODUCTS; p++) cumulative[p] = sum += 1 / (p + 20);
  for (let p = 0; p < PRODUCTS; p++) cumulative[p] /= sum;
}
function popularProduct(): number {
  const u = random.next();
  let low = 0;
  let high = PRODUCTS - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (cumulative[middle] < u) low = middle + 1;
    else high = middle;
  }
  return low;
}
const complements = Array.from({ length: PRODUCTS }, () => [random.int(PRODUCTS), random.int(PRODUCTS), random.int(PRODUCTS)]);
const productIds = Array.from({ length: PRODUCTS }, (_, p) => String(7_000_000_000_000 + p * 17));
const CONSUMABLES = Array.from({ length: Math.min(300, Math.floor(PRODUCTS / 17)) }, (_, k) => 3 + 17 * k);

function basket(favourite: number): string[] {
  const items = [popularProduct()];
  if (favourite >= 0 && random.next() < 0.5) items.push(favourite);
  while (random.next() < BASKET_CONTINUE && items.length < 12) {
    const previous = items[random.int(items.length)];
    items.push(random.next() < 0.35 ? complements[previous][random.int(3)] : popularProduct());
  }
  return items.map((p) => productIds[p]);
}

interface Row {
  step: string;
  seconds: string;
  /** User + system CPU time of this process: less disturbed than wall time when other work shares the cores. */
  cpuSeconds: string;
  peakRssMb: string;
  note: string;
}
const rows: Row[] = [];
const count = (value: number) => value.toLocaleString("en-US");
const peakRssMb = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);
function timed<T>(step: string, fn: () => T, note: (value: T) => string = () => ""): T {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const value = fn();
  const cpu = process.cpuUsage(cpuStart);
  const seconds = (performance.now() - start) / 1000;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  rows.push({ step, seconds: seconds.toFixed(2), cpuSeconds: cpuSeconds.toFixed(2), peakRssMb: peakRssMb(), note: note(value) });
  console.error(`  ${step}: ${seconds.toFixed(2)} s (CPU ${cpuSeconds.toFixed(2)} s), peak RSS ${peakRssMb()} MB`);
  return value;
}

console.error(`synthetic shop: ${ORDERS.toLocaleString("en-US")} orders, ${PRODUCTS.toLocaleString("en-US")} products`);
const predictedClv = new Map<string, number>();

/** Streams the synthetic orders to visit; the same seed gives the same orders. */
function generateOrders(visit: (order: OrderBasket) => void): void {
  random = new XorShift32(SEED);
  let orderNumber = 0;
  let customerNumber = 0;
  while (orderNumber < ORDERS) {
    const guest = random.next() < 0.15;
    const customerId = guest ? null : String(6_000_000_000_000 + customerNumber++ * 13);
    const orderCount = guest ? 1 : Math.min(1 + Math.floor(-Math.log(1 - random.next()) * 2.2), 12);
    const favouriteConsumable = random.next() < 0.3 ? CONSUMABLES[random.int(CONSUMABLES.length)] : -1;
    let t = AS_OF - random.next() * HISTORY_DAYS * DAY_MS;
    if (customerId !== null) predictedClv.set(customerId, Math.round(4000 * orderCount * Math.exp(0.7 * (random.next() - 0.5))));
    for (let k = 0; k < orderCount && orderNumber < ORDERS && t <= AS_OF; k++) {
      const flag = random.next();
      visit({
        orderId: String(5_000_000_000_000 + orderNumber++),
        customerId,
        processedAtMs: t,
        productIds: basket(favouriteConsumable),
        test: flag < 0.005,
        cancelled: flag >= 0.005 && flag < 0.025,
      });
      t += (20 + random.next() * 40) * DAY_MS;
    }
  }
}

let generatedLines = 0;
timed(
  "generate the orders alone (for reference)",
  () => generateOrders((order) => (generatedLines += order.productIds.length)),
  () => `${generatedLines.toLocaleString("en-US")} order lines`,
);
const baskets = timed(
  "generate the orders and load them (BasketSetBuilder)",
  () => {
    const builder = new BasketSetBuilder();
    generateOrders((order) => builder.add(order));
    return builder.build();
  },
  (b) =>
    `${b.orderCount.toLocaleString("en-US")} orders, ${b.itemProduct.length.toLocaleString("en-US")} distinct products in baskets, ` +
    `${b.customerIds.length.toLocaleString("en-US")} customers`,
);

// Mining runs twice: the first run warms the JIT up; the second is the figure.
minePairs(baskets, { asOfMs: AS_OF, predictedClv });
const mining = timed(
  "mine pairs (12-month window, value score)",
  () => minePairs(baskets, { asOfMs: AS_OF, predictedClv }),
  (m) => `${count(m.orders)} orders counted, ${count(m.distinctPairs)} distinct pairs, ${count(m.pairs.length)} kept`,
);
timed(
  "mine pairs with recency weighting (half-life 90 days)",
  () => minePairs(baskets, { asOfMs: AS_OF, predictedClv, halfLifeDays: 90 }),
  (m) => `${m.pairs.length.toLocaleString("en-US")} kept`,
);
const published = new Set(productIds.filter((_, p) => p % 50 !== 7)); // 2 % unpublished
const offers = timed(
  "product offers (4 per trigger)",
  () => productOffers(mining, { publishedProductIds: published }),
  (o) => `${o.size.toLocaleString("en-US")} triggers`,
);
const repurchase = timed(
  "repurchase statistics",
  () => repurchaseStats(baskets, { asOfMs: AS_OF }),
  (r) => `${r.products.filter((p) => p.repurchased).length} repurchased products`,
);
const model = timed("recommendation model (50 neighbours)", () =>
  buildRecommendationModel({ mining, repurchase, publishedProductIds: published }),
);

const chosen = baskets.customerIds.slice(0, RECOMMEND_CUSTOMERS);
let customers = 0;
let items = 0;
let repurchases = 0;
timed(
  `personal recommendations for ${chosen.length.toLocaleString("en-US")} customers (8 each)`,
  () =>
    new Recommender(model).forCustomers(baskets, { asOfMs: AS_OF, customerIds: chosen }, (_id, list: Recommendation[]) => {
      customers++;
      items += list.length;
      for (const item of list) if (item.reason === "repurchase") repurchases++;
    }),
  () =>
    `${count(customers)} lists, ${(items / Math.max(1, customers)).toFixed(1)} products on average, ${count(repurchases)} due repurchases`,
);

console.log(
  `\nNode ${process.version}, ${process.platform}/${process.arch}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(2)}`,
);
const widths = {
  step: Math.max(4, ...rows.map((r) => r.step.length)),
  seconds: Math.max(7, ...rows.map((r) => r.seconds.length)),
  cpuSeconds: Math.max(5, ...rows.map((r) => r.cpuSeconds.length)),
  peakRssMb: Math.max(11, ...rows.map((r) => r.peakRssMb.length)),
};
const header = [
  "step".padEnd(widths.step),
  "seconds".padStart(widths.seconds),
  "CPU s".padStart(widths.cpuSeconds),
  "peak RSS MB".padStart(widths.peakRssMb),
  "note",
];
console.log(`| ${header.join(" | ")}`);
for (const row of rows) {
  const cells = [
    row.step.padEnd(widths.step),
    row.seconds.padStart(widths.seconds),
    row.cpuSeconds.padStart(widths.cpuSeconds),
    row.peakRssMb.padStart(widths.peakRssMb),
    row.note,
  ];
  console.log(`| ${cells.join(" | ")}`);
}
const top = mining.pairs[0];
if (top !== undefined) {
  console.log(
    `\nTop suggestion: ${top.productA} + ${top.productB}: ${top.orders} orders, lift ${top.lift.toFixed(2)} ` +
      `(shrunk ${top.liftShrunk.toFixed(2)}), value index ${top.valueIndex.toFixed(2)}`,
  );
}
console.log(`Offers written per trigger: ${[...offers.values()].reduce((n, list) => n + list.length, 0).toLocaleString("en-US")} in all`);
console.log("Targets: mining 1,000,000 orders ≤ 10 s and < 1 GB peak RSS; recommendations for 100,000 customers ≤ 10 s.");
