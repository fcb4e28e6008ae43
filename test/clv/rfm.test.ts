import { describe, expect, it } from "vitest";
import { rfmScores, SEGMENT_NAMES, segmentOfScores } from "../../app/clv/index.ts";

function scoresOf(days: number[], orders: number[], spend: number[]) {
  const result = rfmScores({ daysSinceLastPurchase: days, orders, totalSpend: spend });
  return {
    r: Array.from(result.recencyScore),
    f: Array.from(result.frequencyScore),
    m: Array.from(result.monetaryScore),
    segment: Array.from(result.segment, (s) => SEGMENT_NAMES[s]),
  };
}

describe("RFM scores", () => {
  it("splits 100 distinct values into quintiles of 20", () => {
    const n = 100;
    const days = Array.from({ length: n }, (_, i) => i);
    const spend = Array.from({ length: n }, (_, i) => i * 1.5);
    const { r, m } = scoresOf(days, new Array(n).fill(1), spend);
    for (let score = 1; score <= 5; score++) {
      expect(r.filter((s) => s === score)).toHaveLength(20);
      expect(m.filter((s) => s === score)).toHaveLength(20);
    }
    // Fewest days since the last purchase = best recency; highest spend = best monetary score.
    expect(r[0]).toBe(5);
    expect(r[99]).toBe(1);
    expect(m[99]).toBe(5);
  });

  it("gives equal values equal scores and does not depend on the order of customers", () => {
    const days = [3, 3, 3, 10, 10, 40, 90, 90, 200, 365];
    const orders = [1, 2, 2, 5, 1, 3, 1, 9, 1, 2];
    const spend = [10, 20, 20, 80, 15, 40, 5, 300, 12, 25];
    const base = scoresOf(days, orders, spend);
    expect(base.r[0]).toBe(base.r[1]);
    expect(base.m[1]).toBe(base.m[2]);
    const permutation = [9, 2, 7, 0, 4, 1, 8, 3, 6, 5];
    const permuted = scoresOf(
      permutation.map((k) => days[k]),
      permutation.map((k) => orders[k]),
      permutation.map((k) => spend[k]),
    );
    permutation.forEach((k, j) => {
      expect([permuted.r[j], permuted.f[j], permuted.m[j]]).toEqual([base.r[k], base.f[k], base.m[k]]);
    });
  });

  it("all customers alike get the middle score 3; one-time buyers get F = 1", () => {
    const { r, f, m } = scoresOf([7, 7, 7, 7], [1, 1, 1, 1], [20, 20, 20, 20]);
    expect(r).toEqual([3, 3, 3, 3]);
    expect(m).toEqual([3, 3, 3, 3]);
    expect(f).toEqual([1, 1, 1, 1]);
  });

  it("ranks repeat buyers 2..5 among themselves", () => {
    const orders = [1, 1, 1, 1, 2, 2, 3, 4, 6, 10];
    const { f } = scoresOf(new Array(10).fill(5), orders, new Array(10).fill(1));
    expect(f.slice(0, 4)).toEqual([1, 1, 1, 1]);
    expect(f[4]).toBe(2);
    expect(f[9]).toBe(5);
    for (let i = 5; i < 10; i++) expect(f[i]).toBeGreaterThanOrEqual(f[i - 1]);
  });

  it("handles no customers and a single customer", () => {
    expect(scoresOf([], [], []).segment).toEqual([]);
    const one = scoresOf([0], [1], [10]);
    expect(one.r).toEqual([3]);
    expect(one.segment).toEqual(["About to sleep"]);
  });
});

describe("segments", () => {
  it("follow the documented R × F grid", () => {
    expect(segmentOfScores(5, 5)).toBe("Champions");
    expect(segmentOfScores(4, 4)).toBe("Champions");
    expect(segmentOfScores(3, 5)).toBe("Loyal");
    expect(segmentOfScores(5, 2)).toBe("Potential loyalist");
    expect(segmentOfScores(5, 1)).toBe("New");
    expect(segmentOfScores(4, 1)).toBe("Promising");
    expect(segmentOfScores(3, 3)).toBe("Need attention");
    expect(segmentOfScores(3, 1)).toBe("About to sleep");
    expect(segmentOfScores(2, 4)).toBe("At risk");
    expect(segmentOfScores(1, 5)).toBe("Can't lose");
    expect(segmentOfScores(2, 1)).toBe("Hibernating");
    expect(segmentOfScores(1, 2)).toBe("Lost");
  });

  it("every one of the 25 score pairs has a segment and every segment is reachable", () => {
    const seen = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) seen.add(segmentOfScores(r, f));
    expect([...seen].sort()).toEqual([...SEGMENT_NAMES].sort());
  });
});
