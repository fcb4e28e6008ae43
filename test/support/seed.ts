// Bulk seeding of a shop for UI tests and benchmarks, straight through Prisma (multi-row INSERTs in chunks):
// customers with profiles, their orders, their CustomerValue rows (historic figures computed from those
// orders exactly as the app does, plus predictions and segments), and a ModelFit. Deterministic for a
// given seed, and fast: 100,000 customers (~190,000 orders) in about 15 s on SQLite.
//
// The rows are written as multi-row INSERTs through Prisma's $executeRawUnsafe (the app's portable SQL
// fragments, rendered with "?" or "$n" placeholders, so it runs on SQLite and PostgreSQL): createMany
// costs about 150 µs a row in Prisma's query compiler, six times as much as a plain INSERT through the
// same driver adapter.
//
//   import { seedShop } from "test/support/seed";
//   const summary = await seedShop(db, { shop: "bench.myshopify.com", customers: 100_000 });
import type { Prisma, PrismaClient } from "@prisma/client";
import { executeRaw, join, raw, sql } from "~/data/sql.server";
import { historicValue } from "~/lib/historic-value";
import { currencyDigits } from "~/lib/money";
import { SEGMENT_NAMES, segmentOfScores } from "~/clv/rfm";

export interface SeedOptions {
  shop: string;
  customers: number;
  currencyCode?: string;
  /** PRNG seed: the same options give the same rows. */
  seed?: number;
  /** First customer id (ids are consecutive numbers, as strings). Two shops may share ids. */
  firstCustomerId?: number;
  /** First order id. */
  firstOrderId?: number;
  /** Prefix of every last name, to tell shops apart in tests ("Ashop" gives "Ada Ashop-Lovelace"). */
  lastNamePrefix?: string;
  /** Write Order rows (default true). Without them only profiles and values exist (faster for list benchmarks). */
  orders?: boolean;
  /** Write predictions, segments and a ModelFit (default true). */
  predictions?: boolean;
  /** Now, for order dates (orders fall in the 2 years before it). */
  now?: Date;
  chunkSize?: number;
  /** Store the Shop row's currency (default true); false leaves Shop.currencyCode null. */
  shopCurrency?: boolean;
  /** Shop.ianaTimezone (default none: the pages then use UTC). */
  ianaTimezone?: string;
}

export interface SeededCustomer {
  customerId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  orderCount: number;
  netRevenueMinor: bigint;
  predictedClvMinor: bigint | null;
  probabilityAlive: number | null;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  segment: string | null;
}

export interface SeedSummary {
  shop: string;
  currencyCode: string;
  customers: SeededCustomer[];
  /** Counted orders (not cancelled, not test). */
  countedOrders: number;
  /** All orders written. */
  orders: number;
  netRevenueMinor: bigint;
  predictedTotalMinor: bigint;
  modelFitId: string | null;
  ms: number;
}

/** mulberry32: small, fast, good enough for test data. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  "Ada",
  "Grace",
  "Alan",
  "Edsger",
  "Barbara",
  "Donald",
  "Frances",
  "Ken",
  "Margaret",
  "Dennis",
  "Radia",
  "Tim",
  "Hedy",
  "Linus",
  "Katherine",
  "Guido",
];
const LAST = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Dijkstra",
  "Liskov",
  "Knuth",
  "Allen",
  "Thompson",
  "Hamilton",
  "Ritchie",
  "Perlman",
  "Berners",
  "Lamarr",
  "Torvalds",
  "Johnson",
  "Rossum",
];
const DAY = 86_400_000;

/** INSERT of many rows, `chunk` rows per statement; every row gives a value for each column. */
async function insertRows<T extends Record<string, unknown>>(db: PrismaClient, table: string, rows: T[], chunk: number): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const head = raw(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES `);
  for (let i = 0; i < rows.length; i += chunk) {
    const values = rows.slice(i, i + chunk).map((row) => sql`(${join(columns.map((c) => row[c] ?? null))})`);
    await executeRaw(db, sql`${head}${join(values)}`);
  }
}

export async function seedShop(db: PrismaClient, options: SeedOptions): Promise<SeedSummary> {
  const started = Date.now();
  const random = prng(options.seed ?? 1);
  const currencyCode = options.currencyCode ?? "USD";
  const unit = 10n ** BigInt(currencyDigits(currencyCode));
  const now = options.now ?? new Date();
  const chunk = options.chunkSize ?? 1_000;
  const withOrders = options.orders ?? true;
  const withPredictions = options.predictions ?? true;
  const firstId = options.firstCustomerId ?? 1_000;
  let orderId = options.firstOrderId ?? 5_000_000;
  const shop = options.shop;
  const prefix = options.lastNamePrefix ? `${options.lastNamePrefix}-` : "";

  await db.shop.upsert({
    where: { shop },
    create: {
      shop,
      name: shop.split(".")[0],
      currencyCode: options.shopCurrency === false ? null : currencyCode,
      ianaTimezone: options.ianaTimezone ?? null,
      installedAt: now,
    },
    update: { currencyCode: options.shopCurrency === false ? null : currencyCode, ianaTimezone: options.ianaTimezone ?? null },
  });

  const modelFitId = withPredictions ? `fit-${shop}-${options.seed ?? 1}` : null;
  // Every column is given (no database defaults), so the raw INSERTs store what Prisma itself would.
  const profiles: Required<
    Pick<Prisma.CustomerCreateManyInput, "shop" | "id" | "firstName" | "lastName" | "email" | "shopifyCreatedAt" | "createdAt">
  >[] = [];
  const orders: Required<Omit<Prisma.OrderCreateManyInput, "presentmentCurrency" | "presentmentTotalMinor" | "sourceName" | "closedAt">>[] =
    [];
  const values: Required<Prisma.CustomerValueCreateManyInput>[] = [];
  const customers: SeededCustomer[] = [];
  let countedOrders = 0;
  let netTotal = 0n;
  let predictedTotal = 0n;

  for (let i = 0; i < options.customers; i++) {
    const customerId = String(firstId + i);
    // Some customers come without personal fields (no protected-data access, or redacted).
    const anonymous = i % 7 === 3;
    const emailOnly = i % 11 === 5;
    const firstName = anonymous || emailOnly ? null : FIRST[i % FIRST.length];
    const lastName = anonymous || emailOnly ? null : `${prefix}${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
    const email = anonymous ? null : `customer${customerId}@${shop.split(".")[0]}.example`;
    profiles.push({
      shop,
      id: customerId,
      firstName,
      lastName,
      email,
      shopifyCreatedAt: new Date(now.getTime() - 800 * DAY),
      createdAt: now,
    });

    // Orders: most customers buy once, some come back at their own rhythm.
    const r = random();
    const planned = r < 0.55 ? 1 : r < 0.75 ? 2 : r < 0.87 ? 3 : 4 + Math.floor(random() * 9);
    const meanGapDays = 20 + random() * 120;
    let at = now.getTime() - (1 + random() * 720) * DAY;
    let count = 0;
    let gross = 0n;
    let refunded = 0n;
    let first: Date | null = null;
    let last: Date | null = null;
    for (let k = 0; k < planned && at < now.getTime(); k++) {
      const processedAt = new Date(Math.floor(at));
      const total = BigInt(15 + Math.floor(random() * 285)) * unit + BigInt(Math.floor(random() * Number(unit)));
      const refund = random() < 0.06 ? total / BigInt(2 + Math.floor(random() * 3)) : 0n;
      const cancelled = random() < 0.02;
      const test = random() < 0.01;
      if (withOrders) {
        orders.push({
          shop,
          id: String(orderId),
          customerId,
          name: `#${orderId}`,
          email,
          currencyCode,
          totalMinor: total,
          subtotalMinor: (total * 9n) / 10n, // shipping and tax are about a tenth of a total
          discountCodes: null,
          refundedMinor: refund,
          financialStatus: refund > 0n ? "partially_refunded" : "paid",
          test,
          shopifyCreatedAt: processedAt,
          processedAt,
          shopifyUpdatedAt: processedAt,
          cancelledAt: cancelled ? new Date(processedAt.getTime() + DAY) : null,
          syncedAt: now,
          currencyMismatch: false,
        });
      }
      orderId++;
      if (!cancelled && !test) {
        count++;
        gross += total;
        refunded += refund;
        first ??= processedAt;
        last = processedAt;
      }
      at += (0.2 + -Math.log(1 - random()) * 0.8) * meanGapDays * DAY;
    }
    countedOrders += count;
    const value = historicValue({ orderCount: count, grossMinor: gross, refundedMinor: refunded, firstOrderAt: first, lastOrderAt: last });
    netTotal += value.netRevenueMinor;

    let predicted: Pick<SeededCustomer, "predictedClvMinor" | "probabilityAlive" | "segment"> & {
      expectedPurchases: number | null;
      expectedAovMinor: bigint | null;
    } = {
      predictedClvMinor: null,
      probabilityAlive: null,
      segment: null,
      expectedPurchases: null,
      expectedAovMinor: null,
    };
    if (withPredictions && count > 0 && last) {
      const sinceLast = (now.getTime() - last.getTime()) / DAY;
      const gap = count >= 2 ? value.tenureDays / (count - 1) : 180;
      const alive = Math.max(0.01, Math.min(0.99, Math.exp(-sinceLast / (2.5 * Math.max(gap, 10))) * (count >= 2 ? 1 : 0.6)));
      const expectedPurchases = Math.round(alive * (365 / Math.max(gap, 20)) * 100) / 100;
      const clv = BigInt(Math.round(expectedPurchases * Number(value.aovMinor)));
      const recencyScore = sinceLast < 60 ? 5 : sinceLast < 150 ? 4 : sinceLast < 300 ? 3 : sinceLast < 500 ? 2 : 1;
      const frequencyScore = count === 1 ? 1 : count === 2 ? 2 : count === 3 ? 3 : count < 7 ? 4 : 5;
      predicted = {
        probabilityAlive: alive,
        expectedPurchases,
        expectedAovMinor: value.aovMinor,
        predictedClvMinor: clv,
        segment: segmentOfScores(recencyScore, frequencyScore),
      };
      predictedTotal += clv;
    } else if (withPredictions && count === 0) {
      predicted.segment = SEGMENT_NAMES[SEGMENT_NAMES.length - 1];
    }

    values.push({
      shop,
      customerId,
      orderCount: value.orderCount,
      grossMinor: value.grossMinor,
      refundedMinor: value.refundedMinor,
      netRevenueMinor: value.netRevenueMinor,
      aovMinor: value.aovMinor,
      firstOrderAt: value.firstOrderAt,
      lastOrderAt: value.lastOrderAt,
      tenureDays: value.tenureDays,
      computedAt: now,
      expectedPurchases: predicted.expectedPurchases,
      probabilityAlive: predicted.probabilityAlive,
      expectedAovMinor: predicted.expectedAovMinor,
      predictedClvMinor: predicted.predictedClvMinor,
      segment: predicted.segment,
      predictedAt: predicted.probabilityAlive === null ? null : now,
      // Left to the pages to compute from the fit (app/data/order-probability.server.ts), as before a refit stores them.
      probabilityOrder12m: null,
      purchasesLow: null,
      purchasesHigh: null,
      clvLowMinor: null,
      clvHighMinor: null,
      modelFitId: predicted.probabilityAlive === null ? null : modelFitId,
    });
    customers.push({
      customerId,
      firstName,
      lastName,
      email,
      orderCount: value.orderCount,
      netRevenueMinor: value.netRevenueMinor,
      predictedClvMinor: predicted.predictedClvMinor,
      probabilityAlive: predicted.probabilityAlive,
      firstOrderAt: value.firstOrderAt,
      lastOrderAt: value.lastOrderAt,
      segment: predicted.segment,
    });
  }

  await insertRows(db, "Customer", profiles, chunk);
  await insertRows(db, "Order", orders, chunk);
  await insertRows(db, "CustomerValue", values, chunk);
  if (modelFitId) {
    await db.modelFit.create({
      data: {
        id: modelFitId,
        shop,
        status: "fitted",
        reason: null,
        asOf: now,
        fittedAt: now,
        customers: customers.filter((c) => c.orderCount > 0).length,
        repeatCustomers: customers.filter((c) => c.orderCount > 1).length,
        // The shape app/data/refit.server.ts stores.
        params: JSON.stringify({
          period: "week",
          timeZone: options.ianaTimezone ?? "UTC",
          horizonMonths: 12,
          monthlyDiscountRate: 0.01,
          unitsPerMonth: 4.345,
          bgnbd: { params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, logLikelihood: -9582.4, converged: true, stdErrors: null },
          gammaGamma: { status: "fitted", params: { p: 6.25, q: 3.74, v: 15.44 }, logLikelihood: -4012.7, converged: true, customers: 946 },
          expectedAverageValueSource: "gamma-gamma",
          warnings: [],
        }),
        durationMs: 1234,
      },
    });
  }
  return {
    shop,
    currencyCode,
    customers,
    countedOrders,
    orders: withOrders ? orders.length : 0,
    netRevenueMinor: netTotal,
    predictedTotalMinor: predictedTotal,
    modelFitId,
    ms: Date.now() - started,
  };
}
