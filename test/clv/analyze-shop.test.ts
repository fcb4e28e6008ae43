import { describe, expect, it } from "vitest";
import {
  analyzeShop,
  columnsFromRows,
  dayNumberOfDate,
  endOfDayInZone,
  type ShopAnalysis,
  type TransactionRow,
} from "../../app/clv/index.ts";
import { SeededRandom, simulateShop, simulateTransactions } from "../../testkit/clv/simulate.ts";
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

const CDNOW_AS_OF = new Date(endOfDayInZone(dayNumberOfDate(1997, 9, 30), "UTC"));

describe("analyzeShop on CDNOW", () => {
  it("fits, values and segments the 2,357 customers (BG/NBD)", () => {
    const result = analyzeShop(loadCdnowTransactions(), { asOf: CDNOW_AS_OF, period: "week", model: "bgnbd" });
    expect(result.status).toBe("fitted");
    expect(result.model).toBe("bgnbd");
    expect(result.fit!.params.r).toBe(result.bgnbd!.params.r);
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

  it("backtests the three models and reports each on the 39-week holdout as independent computations did", () => {
    // The figures (computed independently): per-customer holdout RMSE Pareto/NBD 1.6028, MBG/NBD 1.6072,
    // BG/NBD 1.6080; 60% of customers never bought again, BG/NBD expects 16.1% of them to buy in the holdout, 13.7% did.
    const transactions = loadCdnowTransactions();
    const expected = { bgnbd: "1.6080", mbgnbd: "1.6072", paretonbd: "1.6028" } as const;
    for (const model of ["bgnbd", "mbgnbd", "paretonbd"] as const) {
      const result = analyzeShop(transactions, { asOf: CDNOW_AS_OF, period: "week", model, backtest: false });
      expect(result.model).toBe(model);
      expect(result.holdout!.rmse.toFixed(4)).toBe(expected[model]);
      expect(result.holdout!.actualPurchases).toBe(1882);
      expect(result.modelChoice!.status).toBe("not_run");
    }
    const auto = analyzeShop(transactions, { asOf: CDNOW_AS_OF, period: "week" });
    const choice = auto.modelChoice!;
    expect(choice.cutoffs.map((c) => [c.calibrationEnd, c.holdoutEnd, c.status])).toEqual([
      ["1997-04-21", "1997-06-14", "scored"],
      ["1997-06-14", "1997-08-07", "scored"],
      ["1997-08-07", "1997-09-30", "scored"],
    ]);
    for (const cutoff of choice.cutoffs) expect(Object.keys(cutoff.models).sort()).toEqual(["bgnbd", "mbgnbd", "paretonbd"]);
    expect(auto.model).toBe(choice.model);
    expect(choice.reason.length).toBeGreaterThan(100);
    expect(auto.intervals!.level).toBe(0.8);
    // The 80% intervals on the holdout the models never saw: fractional coverage near nominal on real data too.
    expect(Math.abs(auto.holdout!.pitCoverage - 0.8)).toBeLessThan(0.04);
    expectAllFinite(auto);
  });
});

describe("honest answers for small shops", () => {
  it("refuses the issue's 12-customer shop with 3 repeat buyers and says what it needs", () => {
    const start = Date.UTC(2024, 0, 1);
    const rows: TransactionRow[] = Array.from({ length: 12 }, (_, i) => ({
      customerKey: `c${i}`,
      time: start + i * 25 * DAY,
      amount: 30 + i,
    }));
    rows.push(
      { customerKey: "c0", time: start + 40 * DAY, amount: 20 },
      { customerKey: "c0", time: start + 90 * DAY, amount: 25 },
      { customerKey: "c0", time: start + 300 * DAY, amount: 25 },
      { customerKey: "c3", time: start + 200 * DAY, amount: 40 },
      { customerKey: "c5", time: start + 180 * DAY, amount: 15 },
    );
    const result = analyzeShop(columnsFromRows(rows), { asOf: new Date(start + 365 * DAY - 1) });
    expect(result.counts).toMatchObject({ customers: 12, repeatCustomers: 3 });
    expect(result.status).toBe("insufficient_data");
    expect(result.model).toBeNull();
    expect(result.reason).toMatch(/^No predictions: .* did not predict the holdout purchases better than the naive baseline/);
    expect(result.needs).toBe("about 47 more repeat customers (customers who buy on a second day), or a longer history");
    // The fit it refuses is the issue's: a ≈ 0 and b at the edge of the parameter range.
    expect(result.bgnbd!.params.a).toBeLessThan(0.01);
    expect(result.bgnbd!.params.b).toBeGreaterThan(1000);
    for (const row of result.customers) {
      expect(row.expectedPurchases).toBeNull();
      expect(row.purchasesHigh).toBeNull();
      expect(row.valueHigh).toBeNull();
    }
    expectAllFinite(result);
  });

  it("refuses a fit whose parameters run to the edge even when no backtest is possible", () => {
    // Thirty regular customers over five weeks: too short for a backtest, and every fit runs off.
    const rows: TransactionRow[] = [];
    for (let i = 0; i < 30; i++)
      for (let k = 0; k < 4; k++) rows.push({ customerKey: `c${i}`, time: Date.UTC(2024, 0, 1) + (i % 5) * DAY + k * 7 * DAY, amount: 20 });
    const result = analyzeShop(columnsFromRows(rows), { asOf: new Date(Date.UTC(2024, 1, 5) - 1) });
    expect(result.modelChoice!.status).toBe("not_run");
    expect(result.status).toBe("insufficient_data");
    expect(result.reason).toMatch(/ran to the edge of the parameter range|not pinned down/);
    expect(result.needs).toMatch(/more repeat customers/);
    expectAllFinite(result);
  });
});

describe("analyzeShop options", () => {
  it("runs a requested model through the backtest and keeps the BG/NBD reference fit", () => {
    const transactions = simulateShop(
      { model: "mbgnbd", params: { r: 0.5, alpha: 20, a: 2, b: 1.5 } },
      { p: 6, q: 4, v: 15 },
      { customers: 600, startMs: Date.UTC(2023, 6, 1), joinWindowDays: 120, observationDays: 365 },
      new SeededRandom(12),
    );
    const result = analyzeShop(transactions, { asOf: AS_OF, model: "mbgnbd" });
    expect(result.status, result.reason).toBe("fitted");
    expect(result.model).toBe("mbgnbd");
    expect(result.modelChoice!.status).toBe("fixed");
    expect(Object.keys(result.modelChoice!.cutoffs[0].models)).toEqual(["mbgnbd"]);
    expect(result.bgnbd!.params.r).toBeGreaterThan(0);
    expect(result.fit!.label).toBe("MBG/NBD");
  });

  it("limits the holdout to holdoutEnd and leaves the holdout columns empty without one", () => {
    const rows = simulatedShop(300, 13);
    const asOf = new Date("2024-04-30T23:59:59Z");
    const limited = analyzeShop(columnsFromRows(rows), { asOf, holdoutEnd: new Date("2024-05-31T23:59:59Z"), backtest: false });
    expect(limited.holdout!.length).toBeCloseTo(31 / 7, 12);
    const all = analyzeShop(columnsFromRows(rows), { asOf, backtest: false });
    expect(all.holdout!.actualPurchases).toBeGreaterThan(limited.holdout!.actualPurchases);
    expect(limited.counts.afterAsOf).toBe(all.counts.afterAsOf);
    const none = analyzeShop(columnsFromRows(rows), { asOf: AS_OF, backtest: false });
    expect(none.holdout).toBeNull();
    expect(none.customers.columns.holdoutActual).toBeNull();
    expect(none.customers.row(0).holdoutExpected).toBeNull();
  });

  it("rejects an unknown model and an invalid holdoutEnd", () => {
    expect(() => analyzeShop(columnsFromRows([]), { model: "gamma" as "auto" })).toThrow(RangeError);
    expect(() => analyzeShop(columnsFromRows([]), { holdoutEnd: new Date(Number.NaN) })).toThrow(RangeError);
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
    { name: "one repeat buyer", rows: shop(50, (i) => (i === 0 ? 2 : 0)), status: "insufficient_data", reason: /1 repeat customer / },
    { name: "all-zero amounts", rows: simulatedShop(300, 1, () => 0), status: "fitted" },
    {
      name: "negative and zero amounts (refunds)",
      rows: simulatedShop(300, 2, (a, i) => (i % 3 === 0 ? -a : i % 3 === 1 ? 0 : a)),
      status: "fitted",
    },
    {
      name: "identical customers",
      rows: Array.from({ length: 40 }, (_, i) =>
        [0, 9, 30].map((d) => ({ customerKey: `c${i}`, time: Date.UTC(2024, 0, 1) + d * DAY, amount: 20 })),
      ).flat(),
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
      rows: [
        ...simulatedShop(300, 4),
        ...Array.from({ length: 150 }, (_, k) => ({ customerKey: "heavy", time: Date.UTC(2024, 0, 1) + k * DAY, amount: 5 })),
      ],
      status: "fitted",
    },
    { name: "tiny shop", rows: simulatedShop(15, 5), status: "either" },
    { name: "tiny shop with a penalizer", rows: simulatedShop(15, 5), options: { penalizer: 1 }, status: "either" },
    { name: "days as the period", rows: simulatedShop(300, 6), options: { period: "day", timeZone: "America/New_York" }, status: "fitted" },
    {
      name: "regular buyers with no heterogeneity",
      rows: shop(
        200,
        () => 8,
        () => 20,
      ),
      status: "insufficient_data",
    },
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
          expect(row.purchasesLow!).toBeGreaterThanOrEqual(0);
          expect(row.purchasesHigh!).toBeGreaterThanOrEqual(row.purchasesLow!);
          expect(row.valueLow!).toBeGreaterThanOrEqual(0);
          expect(row.valueHigh!).toBeGreaterThanOrEqual(row.valueLow!);
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
