import { describe, expect, it } from "vitest";
import {
  CRITERION,
  detectAtRisk,
  historicAnnualizedValue,
  retentionSettings,
  validateRetentionSettings,
  valueIfActive,
  type PreviousRefitColumns,
} from "../../app/retention/index.ts";
import { A1, background, inputOf, rowOf, type Row } from "./fixture.ts";

const base = retentionSettings({ probabilityAliveThreshold: 0.5, sharpDrop: 0.3, minValueAtStakeMinor: 0 });

/** A repeat buyer: 3 orders 50 days apart, last one 100 days before A1, 200.00 net. */
function repeatBuyer(id: string, p: number, extra: Partial<Row> = {}): Row {
  return { id, orders: 3, netRevenueMinor: 20_000, firstOrderDay: A1 - 200, lastOrderDay: A1 - 100, p, predictedMinor: 5_000, ...extra };
}

function previousFor(rows: readonly Row[], p: Record<string, number>, asOfDay = A1 - 7): PreviousRefitColumns {
  return {
    asOfDay,
    probabilityAlive: Float64Array.from(rows, (row) => (Object.hasOwn(p, row.id) ? p[row.id] : Number.NaN)),
    predictedValueMinor: Float64Array.from(rows, (row) => (Object.hasOwn(p, row.id) ? 5_000 : Number.NaN)),
    atRisk: new Uint8Array(rows.length),
    atRiskSinceDay: new Int32Array(rows.length),
  };
}

describe("thresholds", () => {
  it("flags strictly below the P(alive) threshold", () => {
    const rows = [repeatBuyer("1", 0.49), repeatBuyer("2", 0.5), repeatBuyer("3", 0.51)];
    const input = inputOf(rows, A1);
    const result = detectAtRisk(input, base);
    expect(Array.from(result.atRisk)).toEqual([1, 0, 0]);
    expect(Array.from(result.criteria)).toEqual([CRITERION.BELOW_THRESHOLD, 0, 0]);
  });

  it("flags a sharp drop even while P(alive) is still above the threshold; a drop just short of it is not flagged", () => {
    const rows = [repeatBuyer("1", 0.6), repeatBuyer("2", 0.61), repeatBuyer("3", 0.6)];
    const input = inputOf(rows, A1, previousFor(rows, { "1": 0.95, "2": 0.9 }));
    const result = detectAtRisk(input, base);
    // 0.95 − 0.6 = 0.35 ≥ 0.3; 0.9 − 0.61 = 0.29 < 0.3; "3" has no previous fit.
    expect(Array.from(result.atRisk)).toEqual([1, 0, 0]);
    expect(result.criteria[0]).toBe(CRITERION.SHARP_DROP);
  });

  it("needs the minimum value at stake, and some value at all", () => {
    // Value if stayed: 200.00 (historic; the model's 50.00 / 0.3 = 166.67 is lower); × 0.7 = 140.00.
    const rows = [repeatBuyer("1", 0.3), repeatBuyer("2", 0.3, { netRevenueMinor: 0, predictedMinor: 0 })];
    const input = inputOf(rows, A1);
    expect(detectAtRisk(input, retentionSettings({ minValueAtStakeMinor: 14_000 })).atRisk[0]).toBe(1);
    expect(detectAtRisk(input, retentionSettings({ minValueAtStakeMinor: 14_001 })).atRisk[0]).toBe(0);
    // A fully refunded customer has nothing at stake: not flagged even with a minimum of 0.
    expect(detectAtRisk(input, base).atRisk[1]).toBe(0);
  });

  it("the lost horizon is the setting or three of the customer's own gaps, whichever is longer", () => {
    // "1": gap 50, 400 days silent > max(365, 150) → lost. "2": 2 orders 200 days apart, 500 days silent < 3 × 200 → slipping.
    const rows = [
      repeatBuyer("1", 0.1, { firstOrderDay: A1 - 500, lastOrderDay: A1 - 400 }),
      repeatBuyer("2", 0.1, { orders: 2, firstOrderDay: A1 - 700, lastOrderDay: A1 - 500 }),
    ];
    const result = detectAtRisk(inputOf(rows, A1), base);
    expect(Array.from(result.atRisk)).toEqual([0, 1]);
    expect(Array.from(detectAtRisk(inputOf(rows, A1), retentionSettings({ lostAfterDays: 400 })).atRisk)).toEqual([1, 1]);
  });

  it("skips customers the model did not score and customers without counted orders", () => {
    const rows = [repeatBuyer("1", Number.NaN), repeatBuyer("2", 0.1, { orders: 0 })];
    const result = detectAtRisk(inputOf(rows, A1), base);
    expect(result.totals.evaluated).toBe(0);
    expect(Number.isNaN(result.effectiveProbabilityAlive[0])).toBe(true);
    expect(Array.from(result.atRisk)).toEqual([0, 0]);
  });

  it("refuses columns of different lengths and a previous refit that is not earlier", () => {
    const rows = [repeatBuyer("1", 0.1)];
    const input = inputOf(rows, A1);
    expect(() => detectAtRisk({ ...input, orders: new Int32Array(2) }, base)).toThrow(/orders has 2 rows/);
    expect(() => detectAtRisk(inputOf(rows, A1, previousFor(rows, {}, A1)), base)).toThrow(/before/);
  });
});

describe("one-time buyers", () => {
  const oneTime = (id: string, daysAgo: number, p = 1): Row => ({
    id,
    orders: 1,
    netRevenueMinor: 10_000,
    firstOrderDay: A1 - daysAgo,
    lastOrderDay: A1 - daysAgo,
    p,
    predictedMinor: 1_000,
  });

  it("are judged by the shop's rhythm, never by P(alive) alone", () => {
    // Background gaps 10…200: longer than 5 days: 20 of 20; longer than 105: 110…200, 10 of 20 = 0.5 (not below);
    // longer than 115: 9 of 20 = 0.45 → overdue.
    const rows = [oneTime("1", 5, 0.01), oneTime("2", 105), oneTime("3", 115, 1), ...background()];
    const input = inputOf(rows, A1);
    const result = detectAtRisk(input, base);
    expect(Array.from(result.atRisk.slice(0, 3))).toEqual([0, 0, 1]);
    expect(result.effectiveProbabilityAlive[0]).toBe(1);
    expect(result.effectiveProbabilityAlive[2]).toBeCloseTo(0.45, 12);
    // Value if stayed = max(100.00 spent, model 10.00 / 1) = 100.00; × 0.55 = 55.00.
    expect(result.valueAtStakeMinor[rowOf(input, "3")]).toBe(5_500);
    expect(result.criteria[2]).toBe(CRITERION.ONE_TIME_OVERDUE);
    // Sharp drops of P(alive) do not apply to them either (the model's figure means nothing for them).
    const dropped = detectAtRisk(inputOf(rows, A1, previousFor(rows, { "1": 1 })), base);
    expect(dropped.criteria[0]).toBe(0);
  });

  it("are not judged when the merchant turns them off or the shop has too few repeat customers", () => {
    const rows = [oneTime("1", 150), ...background()];
    expect(detectAtRisk(inputOf(rows, A1), base).atRisk[0]).toBe(1);
    expect(detectAtRisk(inputOf(rows, A1), retentionSettings({ includeOneTimeBuyers: false })).atRisk[0]).toBe(0);
    const few = [oneTime("1", 150), ...background().slice(0, 19)];
    const result = detectAtRisk(inputOf(few, A1), base);
    expect(result.rhythmUsable).toBe(false);
    expect(result.atRisk[0]).toBe(0);
    expect(Number.isNaN(result.effectiveProbabilityAlive[0])).toBe(true);
  });

  it("customers with two orders on the same day are one-time buyers (no second purchase day)", () => {
    const rows = [{ ...oneTime("1", 150), orders: 2 }, ...background()];
    const result = detectAtRisk(inputOf(rows, A1), base);
    expect(result.criteria[0]).toBe(CRITERION.ONE_TIME_OVERDUE);
    expect(Number.isNaN(result.averageGapDays[0])).toBe(true);
  });
});

describe("value formulas", () => {
  it("historic annualized value counts at least a year and never extrapolates a short life", () => {
    expect(historicAnnualizedValue(12_000, 1, 100, 100)).toBe(12_000);
    expect(historicAnnualizedValue(12_000, 3, 100, 160)).toBe(12_000); // span 60 + 30 days < 1 year
    // 3 orders over 487 days: gap 243.5, active span 730.5 days = 2 years (of 365.25 days) → 40,000 / 2.
    expect(historicAnnualizedValue(40_000, 3, 0, 487)).toBeCloseTo(20_000, 9);
    expect(historicAnnualizedValue(-500, 2, 0, 30)).toBe(0);
  });

  it("value if active undoes the model's churn discount, and refuses tiny P(alive)", () => {
    expect(valueIfActive(3_000, 0.3)).toBeCloseTo(10_000, 9);
    expect(Number.isNaN(valueIfActive(10, 0.04))).toBe(true);
    expect(Number.isNaN(valueIfActive(Number.NaN, 0.5))).toBe(true);
  });
});

describe("settings", () => {
  it("fills defaults and reports invalid fields plainly", () => {
    expect(retentionSettings()).toEqual({
      probabilityAliveThreshold: 0.5,
      sharpDrop: 0.3,
      minValueAtStakeMinor: 0,
      lostAfterDays: 365,
      includeOneTimeBuyers: true,
    });
    const result = validateRetentionSettings({ probabilityAliveThreshold: 1.2, minValueAtStakeMinor: 10.5, lostAfterDays: 10 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((error) => error.path).sort()).toEqual([
        "lostAfterDays",
        "minValueAtStakeMinor",
        "probabilityAliveThreshold",
      ]);
    }
    expect(() => retentionSettings({ sharpDrop: 0 })).toThrow(RangeError);
  });
});
