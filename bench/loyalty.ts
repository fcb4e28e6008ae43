/**
 * Loyalty benchmark: re-evaluate tiers and points balances for 1,000,000 customers (target ≤ 5 s).
 *
 * A seeded synthetic shop in columns (about 3 orders per customer over three years, 10 % of them refunded
 * to nothing, ledger entries for earns, reversals and redemptions), then, timed:
 *   - tiers: evaluateTiers for one ladder of each kind (the nightly re-evaluation runs one; all are shown);
 *   - balances: the sum of every customer's ledger entries;
 *   - expiry: the expiry replay of every customer (12 months without an order);
 *   - the per-tier summary (what the live preview shows).
 * The headline is one full re-evaluation: the heaviest ladder (rolling 12 months, grace and review-date
 * retention) + balances + expiry + summary.
 *
 * Then the ingest part (bench/loyalty-ingest.ts): ingest throughput with the program on and off, both printed
 * with their ratio (issue 14: on within 20 % of off).
 *
 * Run: npx tsx bench/loyalty.ts     (BENCH_LOYALTY_CUSTOMERS=100000 for a quick run; BENCH_LOYALTY_PART=tiers or
 * BENCH_LOYALTY_PART=ingest for one part only)
 */
import os from "node:os";
import {
  compileLadder,
  dayNumberOf,
  evaluateTiers,
  expiryEvents,
  expiryScratch,
  pointsBalances,
  summarizeByTier,
  tierProgramSchema,
  type PopulationColumns,
  type TierLadder,
  type TierProgramInput,
} from "../app/loyalty/index.ts";

const CUSTOMERS = Number(process.env.BENCH_LOYALTY_CUSTOMERS ?? 1_000_000);
const TARGET_SECONDS = 5;
const FIRST_DAY = dayNumberOf(2023, 1, 1);
const LAST_DAY = dayNumberOf(2025, 12, 31);
const AS_OF = dayNumberOf(2026, 1, 15);

/** A seeded generator (xorshift-multiply): the same shop every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    let x = (state = (state + 0x6d2b79f5) >>> 0);
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Shop {
  population: PopulationColumns;
  entryStart: Int32Array;
  entryDay: Int32Array;
  entryPoints: Float64Array;
}

function generateShop(customers: number): Shop {
  const random = seededRandom(20_261_201);
  const orderCounts = new Int32Array(customers);
  let rows = 0;
  for (let k = 0; k < customers; k++) {
    // Geometric number of orders, mean about 3, at most 40: most shops' long tail of one-time buyers.
    let count = 1;
    while (count < 40 && random() < 0.66) count += 1;
    orderCounts[k] = count;
    rows += count;
  }
  const population: PopulationColumns = {
    customerCount: customers,
    activityStart: new Int32Array(customers + 1),
    day: new Int32Array(rows),
    netSpendMinor: new Float64Array(rows),
    orders: new Float64Array(rows),
    points: new Float64Array(rows),
    predictedClvMinor: new Float64Array(customers),
    netRevenueMinor: new Float64Array(customers),
  };
  // Ledger: an earn per order, a reversal per refunded order, a redemption for one customer in five.
  const entryStart = new Int32Array(customers + 1);
  const entryDay = new Int32Array(rows * 2 + customers);
  const entryPoints = new Float64Array(rows * 2 + customers);
  let row = 0;
  let entry = 0;
  const span = LAST_DAY - FIRST_DAY;
  for (let k = 0; k < customers; k++) {
    population.activityStart[k] = row;
    entryStart[k] = entry;
    const first = FIRST_DAY + Math.floor(random() * span);
    let day = first;
    let revenue = 0;
    let balance = 0;
    for (let i = 0; i < orderCounts[k]; i++) {
      day = Math.min(LAST_DAY, day + Math.floor(random() * 120));
      const refunded = random() < 0.1;
      const spend = refunded ? 0 : 1_000 + Math.floor(random() * random() * 40_000);
      const points = Math.floor(spend / 100);
      population.day[row] = day;
      population.netSpendMinor[row] = spend;
      population.orders[row] = refunded ? 0 : 1;
      population.points[row] = points;
      revenue += spend;
      row += 1;
      entryDay[entry] = day;
      entryPoints[entry] = refunded ? 50 : points;
      entry += 1;
      balance += points;
      if (refunded) {
        entryDay[entry] = Math.min(LAST_DAY, day + 7);
        entryPoints[entry] = -50;
        entry += 1;
      }
    }
    if (balance >= 500 && random() < 0.2) {
      entryDay[entry] = Math.min(LAST_DAY, day + 3);
      entryPoints[entry] = -500;
      entry += 1;
    }
    population.netRevenueMinor[k] = revenue;
    population.predictedClvMinor[k] = random() < 0.9 ? Math.floor(random() * random() * 80_000) : NaN;
  }
  population.activityStart[customers] = row;
  entryStart[customers] = entry;
  return { population, entryStart, entryDay: entryDay.subarray(0, entry), entryPoints: entryPoints.subarray(0, entry) };
}

function ladderOf(input: TierProgramInput): TierLadder {
  return compileLadder(tierProgramSchema("USD").parse(input));
}

const LADDERS: { label: string; ladder: TierLadder }[] = [
  {
    label: "net spend, rolling 12 months, grace + review-date retention",
    ladder: ladderOf({
      basis: "net_spend",
      window: "rolling_12_months",
      tiers: [
        { id: "bronze", name: "Bronze", threshold: 10_000 },
        { id: "silver", name: "Silver", threshold: 30_000, retention: { kind: "grace_period", days: 60 } },
        { id: "gold", name: "Gold", threshold: 80_000, retention: { kind: "review_date", month: 1, day: 1 } },
        { id: "platinum", name: "Platinum", threshold: 200_000, retention: { kind: "grace_period", days: 90 } },
      ],
    }),
  },
  {
    label: "net spend, calendar year, review-date retention",
    ladder: ladderOf({
      basis: "net_spend",
      window: "calendar_year",
      tiers: [
        { id: "silver", name: "Silver", threshold: 20_000, retention: { kind: "review_date", month: 1, day: 1 } },
        { id: "gold", name: "Gold", threshold: 60_000, retention: { kind: "review_date", month: 1, day: 1 } },
      ],
    }),
  },
  {
    label: "orders, lifetime",
    ladder: ladderOf({
      basis: "order_count",
      window: "lifetime",
      tiers: [
        { id: "a", name: "A", threshold: 2 },
        { id: "b", name: "B", threshold: 5 },
      ],
    }),
  },
  {
    label: "points earned, rolling 12 months",
    ladder: ladderOf({
      basis: "points_earned",
      window: "rolling_12_months",
      tiers: [
        { id: "a", name: "A", threshold: 200 },
        { id: "b", name: "B", threshold: 800 },
      ],
    }),
  },
  {
    label: "predicted 12-month value",
    ladder: ladderOf({
      basis: "predicted_clv",
      window: null,
      tiers: [
        { id: "a", name: "A", threshold: 10_000 },
        { id: "b", name: "B", threshold: 40_000 },
      ],
    }),
  },
];

function timed<T>(fn: () => T): { value: T; seconds: number } {
  const start = performance.now();
  const value = fn();
  return { value, seconds: (performance.now() - start) / 1000 };
}

function main(): void {
  console.log(`Loyalty benchmark: ${CUSTOMERS.toLocaleString("en")} customers (${os.cpus().length} cores, Node ${process.version})`);
  const generated = timed(() => generateShop(CUSTOMERS));
  const shop = generated.value;
  const { population } = shop;
  console.log(
    `generated in ${generated.seconds.toFixed(2)} s: ${population.day.length.toLocaleString("en")} orders, ` +
      `${shop.entryPoints.length.toLocaleString("en")} ledger entries (not timed below)`,
  );
  // One untimed pass so that the timed ones measure optimised code, as in a long-running worker.
  evaluateTiers(population, LADDERS[0].ladder, AS_OF);

  const rows: { step: string; seconds: number; note: string }[] = [];
  let headlineTiers = 0;
  let headlineSummary = 0;
  for (const [index, { label, ladder }] of LADDERS.entries()) {
    const run = timed(() => evaluateTiers(population, ladder, AS_OF));
    const summary = timed(() => summarizeByTier(population, ladder, run.value));
    const members = summary.value
      .slice(1)
      .map((row) => row.customers.toLocaleString("en"))
      .join(" / ");
    const held = summary.value.reduce((sum, row) => sum + row.customersHeld, 0);
    rows.push({
      step: `tiers: ${label}`,
      seconds: run.seconds,
      note: `members per tier ${members}; ${held.toLocaleString("en")} held by retention`,
    });
    if (index === 0) {
      headlineTiers = run.seconds;
      headlineSummary = summary.seconds;
      rows.push({ step: "per-tier summary (the preview's figures)", seconds: summary.seconds, note: "" });
    }
  }

  const balances = timed(() => pointsBalances(shop.entryStart, shop.entryPoints));
  let outstanding = 0;
  for (const balance of balances.value) outstanding += balance;
  rows.push({
    step: "points balances (sum of entries)",
    seconds: balances.seconds,
    note: `${outstanding.toLocaleString("en")} points outstanding`,
  });

  const expiry = timed(() => {
    const scratch = expiryScratch(64);
    const twelveMonths = () => 12;
    let expiring = 0;
    let events = 0;
    for (let k = 0; k < population.customerCount; k++) {
      const count = expiryEvents(
        population.day,
        population.activityStart[k],
        population.activityStart[k + 1],
        shop.entryDay,
        shop.entryPoints,
        shop.entryStart[k],
        shop.entryStart[k + 1],
        AS_OF,
        twelveMonths,
        scratch,
      );
      events += count;
      for (let n = 0; n < count; n++) expiring += scratch.points[n];
    }
    return { expiring, events };
  });
  rows.push({
    step: "expiry replay (12 months without an order)",
    seconds: expiry.seconds,
    note: `${expiry.value.events.toLocaleString("en")} expiries, ${(-expiry.value.expiring).toLocaleString("en")} points`,
  });

  const width = Math.max(...rows.map((row) => row.step.length));
  for (const row of rows) console.log(`${row.step.padEnd(width)}  ${row.seconds.toFixed(3).padStart(7)} s  ${row.note}`);
  const total = headlineTiers + headlineSummary + balances.seconds + expiry.seconds;
  console.log(
    `\nfull re-evaluation of ${CUSTOMERS.toLocaleString("en")} customers (heaviest ladder + summary + balances + expiry): ` +
      `${total.toFixed(2)} s (target ≤ ${TARGET_SECONDS} s: ${total <= TARGET_SECONDS ? "met" : "MISSED"}); ` +
      `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
}

const PART = process.env.BENCH_LOYALTY_PART ?? "all";
if (PART !== "ingest") main();
if (PART !== "tiers") await import("./loyalty-ingest.ts");
