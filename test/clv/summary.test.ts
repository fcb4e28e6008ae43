import { describe, expect, it } from "vitest";
import { columnsFromRows, dayNumberOfDate, endOfDayInZone, summarizeTransactions, type CustomerSummary } from "../../app/clv/index.ts";
import { loadCdnowTransactions, loadPublishedSummary } from "./helpers.ts";

const DAY = 86_400_000;

/** Formats a mean of amounts in cents the way the published file does (half up, 2 decimals). */
function twoDecimalMean(sum: number, count: number): string {
  if (count === 0) return "0.00";
  const cents = Math.round(sum * 100);
  return (Math.floor((2 * cents + count) / (2 * count)) / 100).toFixed(2);
}

describe("summary from the raw CDNOW transactions", () => {
  it("reproduces every row of the published calibration summary exactly", () => {
    const summary = summarizeTransactions(loadCdnowTransactions(), {
      calibrationEndMs: endOfDayInZone(dayNumberOfDate(1997, 9, 30), "UTC"),
      period: "week",
    });
    const published = loadPublishedSummary();
    expect(summary.count).toBe(published.length);
    const mismatches: string[] = [];
    published.forEach((row, i) => {
      const x = summary.frequency[i];
      const mine = [
        summary.customerKeys[i],
        String(x),
        summary.recency[i].toFixed(2),
        summary.T[i].toFixed(2),
        twoDecimalMean(summary.monetary[i] * x, x),
      ].join(",");
      const theirs = [row.id, row.text.x, row.text.tx, row.text.T, row.text.zbar].join(",");
      if (mine !== theirs) mismatches.push(`${theirs} ≠ ${mine}`);
    });
    expect(mismatches).toEqual([]);
    expect(summary.holdoutLength).toBe(39);
    expect(summary.counts.calibrationTransactions + summary.counts.holdoutTransactions).toBe(6919);
  });

  it("counts holdout purchase days (1,882) and Monday-based purchase weeks (1,788, the paper's figure)", () => {
    const summary = summarizeTransactions(loadCdnowTransactions(), {
      calibrationEndMs: endOfDayInZone(dayNumberOfDate(1997, 9, 30), "UTC"),
      period: "week",
    });
    const sum = (values: Int32Array): number => values.reduce((s, v) => s + v, 0);
    expect(sum(summary.holdoutPurchases)).toBe(1882);
    expect(sum(summary.holdoutPurchaseWeeks)).toBe(1788);
  });
});

function summarize(
  rows: { customerKey: string; time: Date; amount: number }[],
  end: string,
  options: Partial<{ timeZone: string; period: "day" | "week"; holdoutEnd: string }> = {},
): CustomerSummary {
  return summarizeTransactions(columnsFromRows(rows), {
    calibrationEndMs: Date.parse(end),
    timeZone: options.timeZone,
    period: options.period ?? "day",
    holdoutEndMs: options.holdoutEnd ? Date.parse(options.holdoutEnd) : undefined,
  });
}

describe("summary semantics", () => {
  it("groups a customer's transactions by calendar day and averages repeat days only", () => {
    const s = summarize(
      [
        { customerKey: "a", time: new Date("2024-01-01T09:00:00Z"), amount: 100 },
        { customerKey: "a", time: new Date("2024-01-01T18:00:00Z"), amount: 50 },
        { customerKey: "a", time: new Date("2024-01-05T10:00:00Z"), amount: 10 },
        { customerKey: "a", time: new Date("2024-01-05T11:00:00Z"), amount: 20 },
        { customerKey: "a", time: new Date("2024-01-11T10:00:00Z"), amount: 6 },
        { customerKey: "b", time: new Date("2024-01-03T10:00:00Z"), amount: 42 },
      ],
      "2024-01-15T23:59:59.999Z",
    );
    expect(s.customerKeys).toEqual(["a", "b"]);
    expect(Array.from(s.frequency)).toEqual([2, 0]);
    expect(Array.from(s.recencyDays)).toEqual([10, 0]);
    expect(Array.from(s.ageDays)).toEqual([14, 12]);
    expect(Array.from(s.orders)).toEqual([3, 1]);
    // Repeat days: 10 + 20 = 30 and 6 → mean 18; the first day's 150 is not in it.
    expect(Array.from(s.monetary)).toEqual([18, 0]);
    expect(Array.from(s.totalSpend)).toEqual([186, 42]);
  });

  it("measures in weeks as days / 7", () => {
    const s = summarize(
      [
        { customerKey: "a", time: new Date("2024-01-01T12:00:00Z"), amount: 1 },
        { customerKey: "a", time: new Date("2024-01-11T12:00:00Z"), amount: 1 },
      ],
      "2024-01-15T12:00:00Z",
      { period: "week" },
    );
    expect(s.recency[0]).toBe(10 / 7);
    expect(s.T[0]).toBe(2);
  });

  it("uses the shop's time zone for calendar days", () => {
    const rows = [
      { customerKey: "a", time: new Date("2024-03-09T12:00:00Z"), amount: 1 },
      // 03:30 UTC on the 10th is still the 9th in New York (UTC−5): the same purchase day there.
      { customerKey: "a", time: new Date("2024-03-10T03:30:00Z"), amount: 1 },
    ];
    expect(summarize(rows, "2024-03-20T00:00:00Z", { timeZone: "UTC" }).frequency[0]).toBe(1);
    expect(summarize(rows, "2024-03-20T00:00:00Z", { timeZone: "America/New_York" }).frequency[0]).toBe(0);
    // Kolkata is UTC+5:30: 20:00 UTC on the 9th is already the 10th there.
    const kolkata = summarize(
      [
        { customerKey: "a", time: new Date("2024-03-09T12:00:00Z"), amount: 1 },
        { customerKey: "a", time: new Date("2024-03-09T20:00:00Z"), amount: 1 },
      ],
      "2024-03-20T00:00:00Z",
      { timeZone: "Asia/Kolkata" },
    );
    expect(kolkata.frequency[0]).toBe(1);
  });

  it("splits calibration and holdout at the calibration end and ignores what follows the holdout end", () => {
    const s = summarize(
      [
        { customerKey: "a", time: new Date("2024-01-01T12:00:00Z"), amount: 1 },
        { customerKey: "a", time: new Date("2024-02-01T12:00:00Z"), amount: 1 },
        { customerKey: "a", time: new Date("2024-02-01T13:00:00Z"), amount: 1 },
        { customerKey: "a", time: new Date("2024-02-03T12:00:00Z"), amount: 1 },
        { customerKey: "a", time: new Date("2024-04-01T12:00:00Z"), amount: 1 },
        { customerKey: "new", time: new Date("2024-02-02T12:00:00Z"), amount: 1 },
      ],
      "2024-01-31T23:59:59.999Z",
      { holdoutEnd: "2024-03-01T23:59:59.999Z" },
    );
    expect(s.count).toBe(1);
    expect(s.frequency[0]).toBe(0);
    expect(s.holdoutPurchases[0]).toBe(2);
    expect(s.holdoutSpend[0]).toBe(3);
    expect(s.holdoutLength).toBe(30);
    expect(s.counts).toMatchObject({
      transactions: 6,
      calibrationTransactions: 1,
      holdoutTransactions: 4,
      afterHoldoutTransactions: 1,
      customersOnlyAfterCalibration: 1,
      holdoutPurchasesOfNewCustomers: 1,
    });
  });

  it("skips and counts rows with a non-finite time or amount", () => {
    const s = summarizeTransactions(
      {
        customerKeys: ["a", "a", "b"],
        timesMs: [Date.UTC(2024, 0, 1), Number.NaN, Date.UTC(2024, 0, 2)],
        amounts: [1, 2, Number.POSITIVE_INFINITY],
      },
      { calibrationEndMs: Date.UTC(2024, 1, 1) },
    );
    expect(s.count).toBe(1);
    expect(s.counts.invalidTransactions).toBe(2);
  });

  it("handles no transactions", () => {
    const s = summarizeTransactions({ customerKeys: [], timesMs: [], amounts: [] }, { calibrationEndMs: Date.UTC(2024, 0, 1) });
    expect(s.count).toBe(0);
    expect(s.holdoutLength).toBe(0);
  });

  it("does not depend on the input order", () => {
    const random = [5, 1, 4, 2, 3, 0];
    const rows = [
      { customerKey: "a", time: new Date("2024-01-01T12:00:00Z"), amount: 3 },
      { customerKey: "b", time: new Date("2024-01-02T12:00:00Z"), amount: 5 },
      { customerKey: "a", time: new Date("2024-01-04T12:00:00Z"), amount: 7 },
      { customerKey: "b", time: new Date("2024-01-09T12:00:00Z"), amount: 11 },
      { customerKey: "a", time: new Date("2024-01-09T12:00:00Z"), amount: 13 },
      { customerKey: "b", time: new Date("2024-01-02T08:00:00Z"), amount: 17 },
    ];
    const ordered = summarize(rows, "2024-01-31T00:00:00Z");
    const shuffled = summarize(
      random.map((k) => rows[k]),
      "2024-01-31T00:00:00Z",
    );
    const byKey = (s: CustomerSummary, key: string) => {
      const i = s.customerKeys.indexOf(key);
      return [s.frequency[i], s.recencyDays[i], s.ageDays[i], s.monetary[i], s.totalSpend[i]];
    };
    for (const key of ["a", "b"]) expect(byKey(shuffled, key)).toEqual(byKey(ordered, key));
  });

  it("rejects an unknown time zone with its name in the message", () => {
    expect(() =>
      summarizeTransactions({ customerKeys: ["a"], timesMs: [0], amounts: [1] }, { calibrationEndMs: DAY, timeZone: "Mars/Olympus" }),
    ).toThrow(/Mars\/Olympus/);
  });
});

describe("purchase-day lists (keepPurchaseDays)", () => {
  it("lists each customer's calibration purchase days in order, same-day amounts added, holdout left out", () => {
    const day = 86_400_000;
    const start = Date.UTC(2024, 2, 1, 12);
    const result = summarizeTransactions(
      columnsFromRows([
        { customerKey: "a", time: start + 3 * day, amount: 5 },
        { customerKey: "a", time: start, amount: 10 },
        { customerKey: "b", time: start + day, amount: 7 },
        { customerKey: "a", time: start + 3 * day + 3_600_000, amount: 2 },
        { customerKey: "a", time: start + 20 * day, amount: 99 },
      ]),
      { calibrationEndMs: start + 10 * day, period: "day", keepPurchaseDays: true },
    );
    const days = result.purchaseDays!;
    const first = Math.floor(start / day);
    expect(Array.from(days.offsets)).toEqual([0, 2, 3]);
    expect(Array.from(days.day)).toEqual([first, first + 3, first + 1]);
    expect(Array.from(days.amount)).toEqual([10, 7, 7]);
    expect(
      summarizeTransactions(columnsFromRows([{ customerKey: "a", time: start, amount: 1 }]), { calibrationEndMs: start }).purchaseDays,
    ).toBeUndefined();
  });
});
