import { describe, expect, it } from "vitest";
import {
  analyzeShop,
  columnsFromRows,
  dayNumberOfDate,
  endOfDayInZone,
  SeededRandom,
  simulateTransactions,
  type ShopAnalysis,
  type TransactionRow,
} from "../../app/clv/index.ts";
import { expectClose, loadCdnowTransactions, nonFiniteNumbers } from "./helpers.ts";

const AS_OF = new Date("2024-06-30T23:59:59Z");
const DAY = 86_400_000;

/**
 * A realistic small shop: customers simulated from CDNOW-like BG/NBD and Gamma-Gamma parameters
 * (in days) joining over the first 60 days of 2024, observed to AS_OF; `amount` may rewrite amounts.
 */
function simulatedShop(customers: number, seed: number, amount?: (amount: number, index: number) => number): TransactionRow[] {
  const simulated = simulateTransactions(
    { r: 0.243, alpha: 31, a: 0.793, b: 2.426 },
    { p: 6.25, q: 3.74, v: 15.44 },
    { customers, startMs: Date.UTC(2024, 0, 1), joinWindowDays: 60, observationDays: 181 },
    new SeededRandom(seed),
  );
  return Array.from(simulated.timesMs, (time, i) => ({
    customerKey: simulated.customerKeys[simulated.customerIndex[i]],
    time,
    amount: amount ? amount(simulated.amounts[i], i) : simulated.amounts[i],
  }));
}

/** n customers; customer i buys on a first day and then `repeats(i)` times at a fixed gap, amount `amount(i, k)`. */
function shop(
  n: number,
  repeats: (i: number) => number,
  amount: (i: number, k: number) => number = () => 25,
  start = Date.UTC(2024, 0, 1),
): TransactionRow[] {
  const rows: TransactionRow[] = [];
  for (let i = 0; i < n; i++) {
    const first = start + (i % 60) * DAY;
    for (let k = 0; k <= repeats(i); k++) rows.push({ customerKey: `c${i}`, time: first + k * (7 + (i % 11)) * DAY, amount: amount(i, k) });
  }
  return rows;
}

function expectAllFinite(result: ShopAnalysis): void {
  expect(nonFiniteNumbers(result)).toEqual([]);
  for (const row of result.customers) expect(nonFiniteNumbers(row), row.customerKey).toEqual([]);
}

describe("analyzeShop on CDNOW", () => {
  it("fits, values and segments the 2,357 customers", () => {
    const result = analyzeShop(loadCdnowTransactions(), {
      asOf: new Date(endOfDayInZone(dayNumberOfDate(1997, 9, 30), "UTC")),
      period: "week",
    });
    expect(result.status).toBe("fitted");
    expect(result.bgnbd!.params.r.toFixed(3)).toBe("0.243");
    expect(result.bgnbd!.params.a.toFixed(3)).toBe("0.793");
    expect(result.gammaGamma!.status).toBe("fitted");
    expect(result.expectedAverageValueSource).toBe("gamma-gamma");
    expect(result.counts).toMatchObject({ customers: 2357, repeatCustomers: 946, afterAsOf: 1959, used: 4960 });
    const first = result.customers.row(0);
    expect(first.customerKey).toBe("1");
    expect(first.orders).toBe(3);
    expectClose(first.historicValue, 74.02, 1e-9);
    // From unrounded t_x and T the published 36.28 (computed from the 2-decimal file) becomes 36.27.
    expectClose(first.predictedClv!, 36.28, 0.015);
    expectClose(first.probabilityAlive!, 0.7266, 1e-3);
    expect(result.customers.row(5).predictedClv!.toFixed(0)).toBe("284");
    expectAllFinite(result);
  });
});

describe("analyzeShop on degenerate data never yields NaN, Infinity or an exception", () => {
  const cases: {
    name: string;
    rows: TransactionRow[];
    options?: Parameters<typeof analyzeShop>[1];
    /** "either": the data may or may not identify the model; it must not break either way. */
    status: ShopAnalysis["status"] | "either";
    reason?: RegExp;
  }[] = [
    { name: "no transactions", rows: [], status: "insufficient_data", reason: /0 customers/ },
    { name: "one customer", rows: shop(1, () => 3), status: "insufficient_data", reason: /1 customer with/ },
    { name: "nine customers", rows: shop(9, () => 2), status: "insufficient_data", reason: /at least 10/ },
    { name: "no repeat buyers", rows: shop(50, () => 0), status: "insufficient_data", reason: /0 repeat customers/ },
    { name: "one repeat buyer", rows: shop(50, (i) => (i === 0 ? 2 : 0)), status: "insufficient_data", reason: /1 repeat customer /},
    { name: "all-zero amounts", rows: simulatedShop(300, 1, () => 0), status: "fitted" },
    { name: "negative and zero amounts (refunds)", rows: simulatedShop(300, 2, (a, i) => (i % 3 === 0 ? -a : i % 3 === 1 ? 0 : a)), status: "fitted" },
    {
      name: "identical customers",
      rows: Array.from({ length: 40 }, (_, i) => [0, 9, 30].map((d) => ({ customerKey: `c${i}`, time: Date.UTC(2024, 0, 1) + d * DAY, amount: 20 }))).flat(),
      status: "either",
    },
    {
      name: "every customer first bought on the asOf day",
      rows: Array.from({ length: 30 }, (_, i) => ({ customerKey: `c${i}`, time: AS_OF.getTime() - 3600_000, amount: 10 })),
      status: "insufficient_data",
    },
    {
      name: "future transactions only",
      rows: Array.from({ length: 30 }, (_, i) => ({ customerKey: `c${i}`, time: AS_OF.getTime() + (i + 1) * DAY, amount: 10 })),
      status: "insufficient_data",
      reason: /0 customers/,
    },
    {
      name: "non-finite times and amounts",
      rows: [
        ...simulatedShop(300, 3),
        { customerKey: "x", time: Number.NaN, amount: 1 },
        { customerKey: "y", time: Date.UTC(2024, 1, 1), amount: Number.NaN },
        { customerKey: "z", time: Date.UTC(2024, 1, 1), amount: Number.POSITIVE_INFINITY },
        { customerKey: "w", time: 1e17, amount: 3 },
      ],
      status: "fitted",
    },
    {
      name: "a customer with a huge frequency",
      rows: [...simulatedShop(300, 4), ...Array.from({ length: 150 }, (_, k) => ({ customerKey: "heavy", time: Date.UTC(2024, 0, 1) + k * DAY, amount: 5 }))],
      status: "fitted",
    },
    { name: "tiny shop", rows: simulatedShop(15, 5), status: "either" },
    { name: "tiny shop with a penalizer", rows: simulatedShop(15, 5), options: { penalizer: 1 }, status: "either" },
    { name: "days as the period", rows: simulatedShop(300, 6), options: { period: "day", timeZone: "America/New_York" }, status: "fitted" },
    { name: "regular buyers with no heterogeneity", rows: shop(200, () => 8, () => 20), status: "insufficient_data" },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const result = analyzeShop(columnsFromRows(c.rows), { asOf: AS_OF, ...c.options });
      if (c.status !== "either") expect(result.status, result.reason).toBe(c.status);
      if (c.reason) expect(result.reason).toMatch(c.reason);
      expectAllFinite(result);
      if (result.status === "insufficient_data") {
        expect(result.reason).toBeTruthy();
        expect(result.customers.columns.predictedClv).toBeNull();
        for (const row of result.customers) {
          expect(row.predictedClv).toBeNull();
          expect(row.probabilityAlive).toBeNull();
          expect(typeof row.segment).toBe("string");
        }
      } else {
        for (const row of result.customers) {
          expect(row.probabilityAlive!).toBeGreaterThanOrEqual(0);
          expect(row.probabilityAlive!).toBeLessThanOrEqual(1);
          expect(row.expectedPurchases!).toBeGreaterThanOrEqual(0);
          expect(row.predictedClv!).toBeGreaterThanOrEqual(0);
        }
      }
    });
  }

  it("counts the invalid rows it left out", () => {
    const rows = [...simulatedShop(50, 8), { customerKey: "x", time: Number.NaN, amount: 1 }, { customerKey: "w", time: 1e17, amount: 3 }];
    expect(analyzeShop(columnsFromRows(rows), { asOf: AS_OF }).counts.invalid).toBe(2);
  });

  it("excludes transactions after asOf and counts them", () => {
    const rows = [...shop(30, (i) => i % 3), { customerKey: "c1", time: AS_OF.getTime() + DAY, amount: 99 }];
    const result = analyzeShop(columnsFromRows(rows), { asOf: AS_OF });
    expect(result.counts.afterAsOf).toBe(1);
    expect(result.warnings.join(" ")).toMatch(/after asOf/);
    const c1 = result.customers.toArray().find((row) => row.customerKey === "c1")!;
    // c1 bought twice at 25 before asOf; the 99 after it is not part of the history.
    expect(c1.historicValue).toBe(50);
  });

  it("falls back to the historic average order value when Gamma-Gamma is refused", () => {
    const result = analyzeShop(columnsFromRows(simulatedShop(300, 1, () => 0)), { asOf: AS_OF });
    expect(result.status, result.reason).toBe("fitted");
    expect(result.gammaGamma!.status).toBe("refused");
    expect(result.expectedAverageValueSource).toBe("historic-average");
    for (const row of result.customers) expect(row.predictedClv).toBe(0);
  });

  it("throws a RangeError on invalid options", () => {
    expect(() => analyzeShop(columnsFromRows([]), { timeZone: "Nowhere/City" })).toThrow(RangeError);
    expect(() => analyzeShop(columnsFromRows([]), { asOf: new Date(Number.NaN) })).toThrow(RangeError);
    expect(() => analyzeShop(columnsFromRows([]), { horizonMonths: 1.5 })).toThrow(RangeError);
    expect(() => analyzeShop(columnsFromRows([]), { penalizer: -1 })).toThrow(RangeError);
  });
});
