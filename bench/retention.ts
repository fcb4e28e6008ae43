/**
 * Retention benchmark: at-risk detection for 1,000,000 customers after a refit (target ≤ 2 s).
 *
 * A seeded synthetic shop in columns (60 % one-time buyers, repeat buyers with their own rhythms over three
 * years, P(alive) falling with silence measured in the customer's own gaps), seen at two refits a week
 * apart. The first refit is detected untimed to produce the previous state (flags, episode starts); the
 * second is timed: the shop's rhythm, every customer's value at stake and criteria, episodes, totals and
 * the ranking. Then, also timed, what the list page does with it (the top 50 with their reasons) and the
 * trend summary. Printed: each step's time (best and median of the runs), the flagged counts, peak RSS.
 *
 * Run: npx tsx bench/retention.ts     (BENCH_RETENTION_CUSTOMERS=100000, BENCH_RETENTION_RUNS=5)
 *
 * The second figure of issue 17 (sync of 100,000 changed customers against the Admin API double) needs the
 * gateway and is measured separately.
 */
import os from "node:os";
import {
  detectAtRisk,
  formatReasonsEnglish,
  NO_DAY,
  reasonsFor,
  refitRetentionSummary,
  retentionSettings,
  type AtRiskInput,
  type AtRiskResult,
} from "../app/retention/index.ts";

const CUSTOMERS = Number(process.env.BENCH_RETENTION_CUSTOMERS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RETENTION_RUNS ?? 5);
const TARGET_SECONDS = 2;
const AS_OF = 20_605;
const WEEK = 7;

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

/** A smooth stand-in for a fitted P(alive): near 1 within the customer's rhythm, falling as the silence grows. */
function syntheticProbabilityAlive(daysSince: number, gap: number): number {
  const overdue = daysSince / gap;
  return 1 / (1 + 0.15 * overdue * overdue * overdue);
}

interface Shop {
  ids: string[];
  orders: Int32Array;
  netRevenueMinor: Float64Array;
  firstOrderDay: Int32Array;
  lastOrderDay: Int32Array;
  gap: Float64Array;
}

function generateShop(customers: number): Shop {
  const random = seededRandom(20_261_205);
  const shop: Shop = {
    ids: new Array<string>(customers),
    orders: new Int32Array(customers),
    netRevenueMinor: new Float64Array(customers),
    firstOrderDay: new Int32Array(customers),
    lastOrderDay: new Int32Array(customers),
    gap: new Float64Array(customers).fill(Number.NaN),
  };
  for (let i = 0; i < customers; i++) {
    shop.ids[i] = String(7_000_000_000 + i * 13);
    const averageOrderMinor = Math.round(2_000 + 18_000 * random() * random());
    const first = AS_OF - 7 - Math.floor(random() * 1095);
    if (random() < 0.6) {
      shop.orders[i] = 1;
      shop.firstOrderDay[i] = first;
      shop.lastOrderDay[i] = first;
      shop.netRevenueMinor[i] = averageOrderMinor;
      continue;
    }
    const gap = 10 + Math.floor(-Math.log(1 - random()) * 60);
    const wanted = 2 + Math.floor(-Math.log(1 - random()) * 4);
    const orders = Math.max(2, Math.min(wanted, 1 + Math.floor((AS_OF - 7 - first) / gap)));
    shop.orders[i] = orders;
    shop.firstOrderDay[i] = first;
    shop.lastOrderDay[i] = Math.min(AS_OF - 7, first + gap * (orders - 1));
    shop.netRevenueMinor[i] = orders * averageOrderMinor;
    shop.gap[i] = gap;
  }
  return shop;
}

/** The refit at asOfDay: every repeat buyer scored, one-time buyers with BG/NBD's P(alive) = 1. */
function refitInput(shop: Shop, asOfDay: number, random: () => number): AtRiskInput {
  const n = shop.ids.length;
  const probabilityAlive = new Float64Array(n);
  const predictedValueMinor = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const gap = shop.gap[i];
    const averageOrder = shop.netRevenueMinor[i] / shop.orders[i];
    if (Number.isNaN(gap)) {
      probabilityAlive[i] = 1;
      predictedValueMinor[i] = Math.round(averageOrder * 0.3 * random());
    } else {
      const p = syntheticProbabilityAlive(asOfDay - shop.lastOrderDay[i], gap);
      probabilityAlive[i] = p;
      predictedValueMinor[i] = Math.round(p * (365 / gap) * averageOrder * 0.9);
    }
  }
  return {
    customerIds: shop.ids,
    asOfDay,
    probabilityAlive,
    predictedValueMinor,
    orders: shop.orders,
    netRevenueMinor: shop.netRevenueMinor,
    firstOrderDay: shop.firstOrderDay,
    lastOrderDay: shop.lastOrderDay,
  };
}

function timed<T>(run: () => T): { value: T; seconds: number } {
  const start = performance.now();
  const value = run();
  return { value, seconds: (performance.now() - start) / 1000 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main(): void {
  console.log(`Retention benchmark: ${CUSTOMERS.toLocaleString("en")} customers (${os.cpus().length} cores, Node ${process.version})`);
  const generated = timed(() => generateShop(CUSTOMERS));
  const shop = generated.value;
  const settings = retentionSettings({ probabilityAliveThreshold: 0.5, sharpDrop: 0.3, minValueAtStakeMinor: 5_000 });
  const random = seededRandom(7);
  const before = refitInput(shop, AS_OF - WEEK, random);
  const previousResult = detectAtRisk(before, settings);
  const input: AtRiskInput = {
    ...refitInput(shop, AS_OF, random),
    previous: {
      asOfDay: before.asOfDay,
      probabilityAlive: before.probabilityAlive,
      predictedValueMinor: before.predictedValueMinor,
      atRisk: previousResult.atRisk,
      atRiskSinceDay: previousResult.atRiskSinceDay,
    },
  };
  console.log(`generated the shop and the previous refit in ${generated.seconds.toFixed(2)} s (untimed)`);

  const detectionSeconds: number[] = [];
  const listSeconds: number[] = [];
  let result: AtRiskResult | null = null;
  let topReasons: string[] = [];
  for (let run = 0; run < RUNS; run++) {
    const detection = timed(() => detectAtRisk(input, settings));
    detectionSeconds.push(detection.seconds);
    result = detection.value;
    const detected = detection.value;
    const list = timed(() => {
      const page = Array.from(detected.ranked.subarray(0, 50), (row) => formatReasonsEnglish(reasonsFor(input, detected, row)));
      refitRetentionSummary(`bench-${run}`, Date.now(), detected);
      return page;
    });
    listSeconds.push(list.seconds);
    topReasons = list.value;
  }
  if (result === null) throw new Error("no run");

  const { totals } = result;
  const best = Math.min(...detectionSeconds);
  const firstRun = detectionSeconds[0];
  console.log("");
  console.log(
    `at-risk detection (rhythm, values, criteria, episodes, ranking)   first ${firstRun.toFixed(3)} s   best ${best.toFixed(3)} s   median ${median(detectionSeconds).toFixed(3)} s   (${RUNS} runs)`,
  );
  console.log(`list page: top 50 with reasons + trend summary                     median ${(median(listSeconds) * 1000).toFixed(2)} ms`);
  console.log("");
  console.log(
    `evaluated ${totals.evaluated.toLocaleString("en")}; flagged ${totals.flagged.toLocaleString("en")} ` +
      `(newly ${totals.newlyAtRisk.toLocaleString("en")}, continuing ${totals.continuing.toLocaleString("en")}, one-time buyers ${totals.oneTimeBuyersFlagged.toLocaleString("en")}); ` +
      `returned ${totals.returned}, lapsed ${totals.lapsed}, cleared ${totals.cleared}; value at stake ${(totals.valueAtStakeMinor / 100).toLocaleString("en", { maximumFractionDigits: 0 })}`,
  );
  console.log(
    `shop rhythm: ${result.rhythm.repeatCustomers.toLocaleString("en")} repeat customers, typical gap ${result.rhythm.typicalGapDays} days`,
  );
  const top = result.ranked[0];
  if (top !== undefined) {
    console.log(`top customer ${input.customerIds[top]}: ${(result.valueAtStakeMinor[top] / 100).toFixed(2)} at stake — ${topReasons[0]}`);
  }
  const sinceOk = Array.from(result.ranked.subarray(0, 1000)).every((row) => result.atRiskSinceDay[row] !== NO_DAY);
  console.log("");
  console.log(
    `headline: ${firstRun <= TARGET_SECONDS ? "within" : "OVER"} the ${TARGET_SECONDS} s target (first run ${firstRun.toFixed(3)} s)` +
      `${sinceOk ? "" : " — episode days missing!"}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
}

main();
