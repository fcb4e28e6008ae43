// The at-risk figures of each refit, kept after the refit (one small row), and the series the dashboard
// charts from them: customers slipping and value at stake over time, with what came in and went out.
import type { AtRiskResult } from "./at-risk.ts";

export interface RefitRetentionSummary {
  refitId: string;
  /** When the refit ran (orders refits of the same day). */
  fittedAtMs: number;
  asOfDay: number;
  flagged: number;
  newlyAtRisk: number;
  returned: number;
  lapsed: number;
  valueAtStakeMinor: number;
  newValueAtStakeMinor: number;
}

export function refitRetentionSummary(refitId: string, fittedAtMs: number, result: AtRiskResult): RefitRetentionSummary {
  const { totals } = result;
  return {
    refitId,
    fittedAtMs,
    asOfDay: result.asOfDay,
    flagged: totals.flagged,
    newlyAtRisk: totals.newlyAtRisk,
    returned: totals.returned,
    lapsed: totals.lapsed,
    valueAtStakeMinor: totals.valueAtStakeMinor,
    newValueAtStakeMinor: totals.newValueAtStakeMinor,
  };
}

export interface RetentionTrendPoint extends RefitRetentionSummary {
  /** Change from the previous point; null at the first. */
  flaggedChange: number | null;
  valueAtStakeChangeMinor: number | null;
}

/**
 * One point per as-of day (the day's last refit: "Refit now" can run several), oldest first, at most
 * `maxPoints` (the most recent). A summary stored twice under the same refit id counts once.
 */
export function retentionTrend(summaries: readonly RefitRetentionSummary[], options: { maxPoints?: number } = {}): RetentionTrendPoint[] {
  const maxPoints = options.maxPoints ?? 90;
  if (!(Number.isInteger(maxPoints) && maxPoints > 0)) throw new RangeError("maxPoints must be a positive whole number");
  const later = (a: RefitRetentionSummary, b: RefitRetentionSummary) =>
    a.fittedAtMs > b.fittedAtMs || (a.fittedAtMs === b.fittedAtMs && a.refitId > b.refitId);
  const byDay = new Map<number, RefitRetentionSummary>();
  const seen = new Set<string>();
  for (const summary of summaries) {
    if (seen.has(summary.refitId)) continue;
    seen.add(summary.refitId);
    const known = byDay.get(summary.asOfDay);
    if (known === undefined || later(summary, known)) byDay.set(summary.asOfDay, summary);
  }
  const kept = [...byDay.values()].sort((a, b) => a.asOfDay - b.asOfDay).slice(-maxPoints);
  const points: RetentionTrendPoint[] = [];
  for (const summary of kept) {
    const before = points.length > 0 ? points[points.length - 1] : null;
    points.push({
      ...summary,
      flaggedChange: before === null ? null : summary.flagged - before.flagged,
      valueAtStakeChangeMinor: before === null ? null : summary.valueAtStakeMinor - before.valueAtStakeMinor,
    });
  }
  return points;
}
