import { describe, expect, it } from "vitest";
import {
  CRITERION,
  detectAtRisk,
  formatReasonsEnglish,
  reasonsFor,
  refitRetentionSummary,
  retentionSettings,
  retentionTrend,
  type AtRiskInput,
  type AtRiskResult,
} from "../../app/retention/index.ts";
import { A1, A2, inputOf, NO_DAY, previousOf, refit1Rows, refit2Rows, rowOf } from "./fixture.ts";

// threshold 50 %, sharp drop 30 points, minimum value at stake 50.00, lost after 365 days.
const settings = retentionSettings({ probabilityAliveThreshold: 0.5, sharpDrop: 0.3, minValueAtStakeMinor: 5_000, lostAfterDays: 365 });

function twoRefits(): { input1: AtRiskInput; result1: AtRiskResult; input2: AtRiskInput; result2: AtRiskResult } {
  const input1 = inputOf(refit1Rows(), A1);
  const result1 = detectAtRisk(input1, settings);
  const input2 = inputOf(refit2Rows(), A2, previousOf(input1, result1));
  const result2 = detectAtRisk(input2, settings);
  return { input1, result1, input2, result2 };
}

const idsOf = (input: AtRiskInput, rows: Uint32Array) => Array.from(rows, (row) => input.customerIds[row]);

describe("at-risk detection over two refits (hand-checked)", () => {
  const { input1, result1, input2, result2 } = twoRefits();

  it("refit 1 flags Hank, Dan and Bob, ranked by value at stake", () => {
    // Hank: 3 orders over 100 days, gap 50, active span 150 days < 1 year → historic annualized = 500.00.
    //   Model value if active = 10.00 / 0.1 = 100.00. Value if stayed = 500.00; × (1 − 0.1) = 450.00.
    // Dan: span 180 + 60 = 240 days → 400.00 a year; model 20.00 / 0.2 = 100.00; 400.00 × 0.8 = 320.00.
    // Bob: span 150 days → 200.00; model 30.00 / 0.3 = 100.00; 200.00 × 0.7 = 140.00.
    expect(idsOf(input1, result1.ranked)).toEqual(["108", "104", "102"]);
    expect(result1.valueAtStakeMinor[rowOf(input1, "108")]).toBe(45_000);
    expect(result1.valueAtStakeMinor[rowOf(input1, "104")]).toBe(32_000);
    expect(result1.valueAtStakeMinor[rowOf(input1, "102")]).toBe(14_000);
    expect(result1.totals).toMatchObject({ flagged: 3, newlyAtRisk: 3, continuing: 0, valueAtStakeMinor: 91_000 });
    for (const id of ["108", "104", "102"]) expect(result1.atRiskSinceDay[rowOf(input1, id)]).toBe(A1);
  });

  it("refit 1 leaves the others alone, each for its own reason", () => {
    // Alice: P(alive) 0.9, no previous fit. Carol: below the threshold but only 24.00 at stake (3,000 × 0.8).
    expect(result1.atRisk[rowOf(input1, "101")]).toBe(0);
    const carol = rowOf(input1, "103");
    expect(result1.criteria[carol]).toBe(CRITERION.BELOW_THRESHOLD);
    expect(result1.valueAtStakeMinor[carol]).toBe(2_400);
    expect(result1.atRisk[carol]).toBe(0);
    // Erin: 500 days silent > max(365, 3 × 40): lost, not slipping.
    expect(result1.atRisk[rowOf(input1, "105")]).toBe(0);
    // Frank, a one-time buyer 69 days ago. The 26 repeat customers' usual gaps: 10…200 by 10, Alice 68, Bob,
    // Carol and Hank 50, Dan 60, Erin 40. Longer than 69 days: 70…200, 14 of 26 → 0.538 ≥ 0.5.
    expect(result1.effectiveProbabilityAlive[rowOf(input1, "106")]).toBeCloseTo(14 / 26, 12);
    expect(result1.atRisk[rowOf(input1, "106")]).toBe(0);
    // Gina: a model's P(alive) of 0.1 does not count for a one-time buyer; 5 days is within everyone's rhythm.
    expect(result1.effectiveProbabilityAlive[rowOf(input1, "107")]).toBe(1);
    expect(result1.atRisk[rowOf(input1, "107")]).toBe(0);
  });

  it("refit 2: Alice dropped sharply, Frank is overdue, Bob continues; Dan returned, Hank lapsed", () => {
    // Alice: 6 orders from day −400 to −60: gap 68, active span 408 days → 60,000 × 365.25 / 408 = 53,713.24 a year.
    //   Model value before the slide (previous fit) 450.00 / 0.9 = 500.00 < 537.13. × (1 − 0.4) → 32,227.94 → 32,228.
    const alice = rowOf(input2, "101");
    expect(result2.valueIfStayedMinor[alice]).toBeCloseTo((60_000 * 365.25) / 408, 6);
    expect(result2.valueAtStakeMinor[alice]).toBe(32_228);
    expect(result2.criteria[alice]).toBe(CRITERION.BELOW_THRESHOLD | CRITERION.SHARP_DROP);
    expect(result2.newlyAtRisk[alice]).toBe(1);
    // Frank, 83 days silent: 90…200, 12 of 26 repeat customers wait longer → 0.4615 < 0.5; value if stayed =
    //   his 300.00 order (the model's 40.00 is lower): 30,000 × 14 / 26 = 16,153.85 → 16,154.
    const frank = rowOf(input2, "106");
    expect(result2.effectiveProbabilityAlive[frank]).toBeCloseTo(12 / 26, 12);
    expect(result2.criteria[frank]).toBe(CRITERION.ONE_TIME_OVERDUE);
    expect(result2.valueAtStakeMinor[frank]).toBe(16_154);
    // Bob: previous model value 30.00 / 0.3 = 100.00 < 200.00; 200.00 × 0.75 = 150.00. Still at risk since refit 1.
    const bob = rowOf(input2, "102");
    expect(result2.valueAtStakeMinor[bob]).toBe(15_000);
    expect(result2.criteria[bob]).toBe(CRITERION.BELOW_THRESHOLD | CRITERION.CONTINUING);
    expect(result2.newlyAtRisk[bob]).toBe(0);
    expect(result2.atRiskSinceDay[bob]).toBe(A1);

    expect(idsOf(input2, result2.ranked)).toEqual(["101", "106", "102"]);
    expect(result2.totals).toMatchObject({
      flagged: 3,
      newlyAtRisk: 2,
      continuing: 1,
      returned: 1, // Dan ordered on day A1 + 5
      lapsed: 1, // Hank: 374 days silent
      cleared: 0,
      oneTimeBuyersFlagged: 1,
      valueAtStakeMinor: 32_228 + 16_154 + 15_000,
      newValueAtStakeMinor: 32_228 + 16_154,
    });
    expect(result2.totals.byCriterion).toEqual({ belowThreshold: 2, sharpDrop: 1, oneTimeOverdue: 1, continuing: 1 });
    expect(result2.atRisk[rowOf(input2, "104")]).toBe(0);
    expect(result2.atRiskSinceDay[rowOf(input2, "104")]).toBe(NO_DAY);
    expect(result2.atRisk[rowOf(input2, "108")]).toBe(0);
  });

  it("the shop's rhythm: median usual gap of the 26 repeat customers", () => {
    // Gaps at refit 2: 10…200 by 10, Erin 40, Bob, Carol and Hank 50, Alice 68, Dan 305 / 4 = 76.25 → 76.
    // Sorted: 10 20 30 40 40 50 50 50 50 60 68 70 76 80 …: the 13th (lower median of 26) is 76.
    expect(result2.rhythm.repeatCustomers).toBe(26);
    expect(result2.rhythm.typicalGapDays).toBe(76);
    expect(result2.rhythmUsable).toBe(true);
  });

  it("says why in plain words", () => {
    expect(formatReasonsEnglish(reasonsFor(input2, result2, rowOf(input2, "101")))).toBe(
      "ordered every ~10 weeks, nothing for 10 weeks; chance of still being an active customer fell from 90% to 40% since the last model update",
    );
    // Bob: gap 50 days ≈ 7 weeks; 214 days silent = 7 months (floor of 7.03).
    expect(formatReasonsEnglish(reasonsFor(input2, result2, rowOf(input2, "102")))).toBe("ordered every ~7 weeks, nothing for 7 months");
    expect(reasonsFor(input2, result2, rowOf(input2, "106"))).toEqual([
      { kind: "one_time_overdue", values: { daysSinceOrder: 83, typicalGapDays: 76, shareReorderedSooner: 1 - 12 / 26 } },
    ]);
    expect(formatReasonsEnglish(reasonsFor(input2, result2, rowOf(input2, "106")))).toBe(
      // 83 days = 11 whole weeks; 14 / 26 = 54 %; 76 days ≈ 11 weeks.
      "bought once, 11 weeks ago; 54% of repeat customers order again sooner (typically after ~11 weeks)",
    );
    // Structured values for other languages.
    expect(reasonsFor(input2, result2, rowOf(input2, "101"))[1]).toEqual({
      kind: "probability_dropped",
      values: { previousProbabilityAlive: 0.9, probabilityAlive: 0.4 },
    });
  });

  it("trend over the two refits", () => {
    const trend = retentionTrend([refitRetentionSummary("fit-2", 2_000, result2), refitRetentionSummary("fit-1", 1_000, result1)]);
    expect(trend.map((point) => [point.refitId, point.asOfDay, point.flagged, point.valueAtStakeMinor])).toEqual([
      ["fit-1", A1, 3, 91_000],
      ["fit-2", A2, 3, 63_382],
    ]);
    expect(trend[0].flaggedChange).toBeNull();
    expect(trend[1].flaggedChange).toBe(0);
    expect(trend[1].valueAtStakeChangeMinor).toBe(63_382 - 91_000);
    expect(trend[1]).toMatchObject({ newlyAtRisk: 2, returned: 1, lapsed: 1, newValueAtStakeMinor: 48_382 });
  });
});
