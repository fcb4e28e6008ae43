import { describe, expect, it } from "vitest";
import {
  compareCustomerIds,
  detectAtRisk,
  durationParts,
  formatReasonEnglish,
  reasonsFor,
  retentionSettings,
  retentionStateOf,
  retentionTrend,
  type AtRiskInput,
  type RefitRetentionSummary,
} from "../../app/retention/index.ts";
import { Random } from "../experiments/random.ts";
import { A1, A2, inputOf, previousOf, refit1Rows, refit2Rows, rowOf, type Row } from "./fixture.ts";

const settings = retentionSettings({ minValueAtStakeMinor: 5_000 });

describe("ranking", () => {
  it("orders by value at stake, ties by customer id in numeric order", () => {
    const row = (id: string, net: number): Row => ({
      id,
      orders: 3,
      netRevenueMinor: net,
      firstOrderDay: A1 - 200,
      lastOrderDay: A1 - 100,
      p: 0.2,
      predictedMinor: 100,
    });
    // Stakes: 0.8 × net (the model's value 1.00 / 0.2 = 5.00 is lower than every historic value here).
    const input = inputOf([row("10", 10_000), row("9", 10_000), row("100", 20_000), row("11", 10_000)], A1);
    const result = detectAtRisk(input, retentionSettings());
    expect(Array.from(result.ranked, (r) => input.customerIds[r])).toEqual(["100", "9", "10", "11"]);
    expect(compareCustomerIds("gid://shopify/Customer/9", "gid://shopify/Customer/10")).toBeLessThan(0);
    // Stakes of 2³² minor units and more take the exact comparator path: same order rule.
    const huge = inputOf([row("10", 1e10), row("9", 1e10), row("100", 2e10), row("11", 1e10)], A1);
    const hugeResult = detectAtRisk(huge, retentionSettings());
    expect(Array.from(hugeResult.ranked, (r) => huge.customerIds[r])).toEqual(["100", "9", "10", "11"]);
    expect(hugeResult.valueAtStakeMinor[0]).toBe(8e9);
  });

  it("is deterministic and independent of the input order", () => {
    const input1 = inputOf(refit1Rows(), A1);
    const result1 = detectAtRisk(input1, settings);
    const first = detectAtRisk(inputOf(refit2Rows(), A2, previousOf(input1, result1)), settings);
    const again = detectAtRisk(inputOf(refit2Rows(), A2, previousOf(input1, result1)), settings);
    expect(again).toEqual(first);

    // Shuffle both refits' rows the same way: every customer's figures and the ranking by id are unchanged.
    const order = new Random(17).shuffle(refit1Rows().map((_, index) => index));
    const shuffle = (rows: Row[]) => order.map((index) => rows[index]);
    const s1 = inputOf(shuffle(refit1Rows()), A1);
    const sr1 = detectAtRisk(s1, settings);
    const s2 = inputOf(shuffle(refit2Rows()), A2, previousOf(s1, sr1));
    const sr2 = detectAtRisk(s2, settings);
    const byId = (input: AtRiskInput, result: typeof first) =>
      Object.fromEntries(input.customerIds.map((id, r) => [id, [result.atRisk[r], result.valueAtStakeMinor[r], result.criteria[r]]]));
    const unshuffled = inputOf(refit2Rows(), A2);
    expect(byId(s2, sr2)).toEqual(byId(unshuffled, first));
    expect(Array.from(sr2.ranked, (r) => s2.customerIds[r])).toEqual(Array.from(first.ranked, (r) => unshuffled.customerIds[r]));
    expect(sr2.totals).toEqual(first.totals);
  });
});

describe("reasons", () => {
  it("picks days, weeks or months as a person would", () => {
    expect(durationParts(9.6, "round")).toEqual({ unit: "day", count: 10 });
    expect(durationParts(13.9, "floor")).toEqual({ unit: "day", count: 13 });
    expect(durationParts(35, "round")).toEqual({ unit: "week", count: 5 });
    expect(durationParts(136, "floor")).toEqual({ unit: "week", count: 19 });
    expect(durationParts(365, "round")).toEqual({ unit: "month", count: 12 });
  });

  it("renders the brief's example and each kind in English", () => {
    expect(formatReasonEnglish({ kind: "rhythm_broken", values: { averageGapDays: 35, daysSinceLastOrder: 136 } })).toBe(
      "ordered every ~5 weeks, nothing for 19 weeks",
    );
    expect(formatReasonEnglish({ kind: "probability_dropped", values: { previousProbabilityAlive: 0.82, probabilityAlive: 0.31 } })).toBe(
      "chance of still being an active customer fell from 82% to 31% since the last model update",
    );
    expect(formatReasonEnglish({ kind: "probability_low", values: { probabilityAlive: 0.31, threshold: 0.5 } })).toBe(
      "only a 31% chance of still being an active customer",
    );
    expect(formatReasonEnglish({ kind: "still_at_risk", values: { daysAtRisk: 21, daysSinceLastOrder: 10 } })).toBe(
      "at risk for 3 weeks, no order for 10 days",
    );
  });

  it("says 'still at risk' for a continuing episode no criterion explains any more, and nothing for customers not judged", () => {
    // A customer flagged earlier whose P(alive) rose above the threshold without an order (the model changed).
    const row: Row = {
      id: "1",
      orders: 3,
      netRevenueMinor: 20_000,
      firstOrderDay: A1 - 120,
      lastOrderDay: A1 - 20,
      p: 0.6,
      predictedMinor: 5_000,
    };
    const previous = {
      asOfDay: A1 - 14,
      probabilityAlive: Float64Array.of(0.45),
      predictedValueMinor: Float64Array.of(5_000),
      atRisk: Uint8Array.of(1),
      atRiskSinceDay: Int32Array.of(A1 - 28),
    };
    const input = inputOf([row], A1, previous);
    const result = detectAtRisk(input, retentionSettings());
    expect(result.atRisk[0]).toBe(1);
    expect(reasonsFor(input, result, 0)).toEqual([{ kind: "still_at_risk", values: { daysAtRisk: 28, daysSinceLastOrder: 20 } }]);
    const unscored = inputOf([{ ...row, p: Number.NaN }], A1);
    expect(reasonsFor(unscored, detectAtRisk(unscored, retentionSettings()), 0)).toEqual([]);
  });

  it("the sync state of a row: no P(alive) for one-time buyers, no stake or reason when not at risk", () => {
    const input1 = inputOf(refit1Rows(), A1);
    const result1 = detectAtRisk(input1, settings);
    const input2 = inputOf(refit2Rows(), A2, previousOf(input1, result1));
    const result2 = detectAtRisk(input2, settings);
    const frank = retentionStateOf(input2, result2, rowOf(input2, "106"), { segment: "Promising" });
    expect(frank).toMatchObject({
      customerId: "106",
      probabilityAlive: null,
      atRisk: true,
      valueAtStakeMinor: 16_154,
      predictedValue12mMinor: 3_800,
    });
    expect(frank.reason).toMatch(/^bought once/);
    const dan = retentionStateOf(input2, result2, rowOf(input2, "104"), { segment: "Champions" });
    expect(dan).toMatchObject({ probabilityAlive: 0.95, atRisk: false, valueAtStakeMinor: 0, reason: "", historicValueMinor: 48_000 });
  });
});

describe("trend", () => {
  const summary = (refitId: string, fittedAtMs: number, asOfDay: number, flagged: number): RefitRetentionSummary => ({
    refitId,
    fittedAtMs,
    asOfDay,
    flagged,
    newlyAtRisk: 0,
    returned: 0,
    lapsed: 0,
    valueAtStakeMinor: flagged * 100,
    newValueAtStakeMinor: 0,
  });

  it("keeps the day's last refit, counts a stored duplicate once, and caps the points", () => {
    const trend = retentionTrend([
      summary("c", 3_000, 12, 7),
      summary("a", 1_000, 10, 5),
      summary("b2", 2_500, 11, 9), // "Refit now" later the same day wins
      summary("b1", 2_000, 11, 6),
      summary("a", 1_000, 10, 5),
    ]);
    expect(trend.map((point) => [point.refitId, point.flagged, point.flaggedChange])).toEqual([
      ["a", 5, null],
      ["b2", 9, 4],
      ["c", 7, -2],
    ]);
    expect(
      retentionTrend([summary("a", 1, 10, 5), summary("b", 2, 11, 6), summary("c", 3, 12, 7)], { maxPoints: 2 }).map((p) => p.refitId),
    ).toEqual(["b", "c"]);
  });
});
