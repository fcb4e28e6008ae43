/**
 * The model choice per shop, from the backtest (backtest.ts):
 *
 * 1. Criterion: the mean log predictive score of the holdout purchases
 *    (mean over the scored cut-offs of the per-customer mean; higher is
 *    better). It rewards the whole predictive distribution, which the
 *    intervals use, not only its mean.
 * 2. Ties go to the simpler model (BG/NBD < MBG/NBD < Pareto/NBD): a simpler
 *    model whose score is within 2 standard errors of the best (paired over
 *    the same customers) is preferred.
 * 3. The chosen model must beat the naive baseline (each customer's past
 *    rate) on the per-customer RMSE, averaged over the cut-offs; otherwise
 *    the shop's data cannot support the model's predictions.
 * A model whose fit failed at a cut-off is not a candidate.
 */

import type { BacktestCutoff, BacktestResult, BacktestScores, ScoreComparison } from "./backtest.ts";
import { MODEL_LABELS, MODEL_NAMES, type ModelName } from "./models.ts";

export type ModelRequest = "auto" | ModelName;

/** A model's (or the baseline's) scores averaged over the scored cut-offs. */
export interface AveragedScores {
  cutoffs: number;
  rmse: number;
  /** Null for the baseline. */
  meanLogScore: number | null;
  predictedPurchases: number;
  actualPurchases: number;
  predictedRevenue: number;
  actualRevenue: number;
  coverage: number | null;
  expectedCoverage: number | null;
  pitCoverage: number | null;
}

export interface ModelChoice {
  requested: ModelRequest;
  /**
   * "chosen": picked by the backtest; "fixed": the requested model (scored all the same); "not_run": no backtest
   * was possible; "baseline_not_beaten": the best model did not beat the naive baseline.
   */
  status: "chosen" | "fixed" | "not_run" | "baseline_not_beaten";
  /** The model the backtest points to (before the final fit's checks); null when none can be used. */
  model: ModelName | null;
  /** Candidates in order of preference (the final fit falls back along it when a fit is not identifiable). */
  ranking: ModelName[];
  /** Why, in plain words. */
  reason: string;
  criterion: string;
  beatsBaseline: boolean | null;
  holdoutDays: number;
  sampledCustomers: number;
  totalCustomers: number;
  /** Averages over the scored cut-offs, per model and for the baseline. */
  averages: Partial<Record<ModelName, AveragedScores>>;
  baseline: AveragedScores | null;
  cutoffs: BacktestCutoff[];
  comparisons: ScoreComparison[];
}

export const CHOICE_CRITERION =
  "mean log predictive score of each customer's holdout purchases (higher is better); a simpler model within 2 standard errors of the best is preferred (BG/NBD < MBG/NBD < Pareto/NBD); the choice must beat each customer's past rate on RMSE";

/** Differences within this many standard errors are ties. */
const TIE_STANDARD_ERRORS = 2;

function average(scores: BacktestScores[]): AveragedScores {
  const n = scores.length;
  const avg = (pick: (s: BacktestScores) => number): number => scores.reduce((sum, s) => sum + pick(s), 0) / n;
  const avgNullable = (pick: (s: BacktestScores) => number | null): number | null =>
    scores.every((s) => pick(s) !== null) ? avg((s) => pick(s) as number) : null;
  return {
    cutoffs: n,
    rmse: avg((s) => s.rmse),
    meanLogScore: avgNullable((s) => s.meanLogScore),
    predictedPurchases: avg((s) => s.predictedPurchases),
    actualPurchases: avg((s) => s.actualPurchases),
    predictedRevenue: avg((s) => s.predictedRevenue),
    actualRevenue: avg((s) => s.actualRevenue),
    coverage: avgNullable((s) => s.coverage),
    expectedCoverage: avgNullable((s) => s.expectedCoverage),
    pitCoverage: avgNullable((s) => s.pitCoverage),
  };
}

const label = (model: ModelName): string => MODEL_LABELS[model];
const fixed = (value: number, digits: number): string => value.toFixed(digits);

function comparisonOf(comparisons: ScoreComparison[], a: ModelName, b: ModelName): ScoreComparison | undefined {
  return comparisons.find((c) => (c.better === a && c.worse === b) || (c.better === b && c.worse === a));
}

/** Difference in standard errors (Infinity when the standard error is 0 and the difference is not). */
function standardErrors(comparison: ScoreComparison): number {
  if (comparison.standardError > 0) return comparison.difference / comparison.standardError;
  return comparison.difference > 0 ? Infinity : 0;
}

export function chooseModel(backtest: BacktestResult, requested: ModelRequest, models: readonly ModelName[]): ModelChoice {
  const base = {
    requested,
    criterion: CHOICE_CRITERION,
    holdoutDays: backtest.holdoutDays,
    sampledCustomers: backtest.sampledCustomers,
    totalCustomers: backtest.totalCustomers,
    cutoffs: backtest.cutoffs,
    comparisons: backtest.comparisons,
  };
  if (backtest.status !== "run") {
    const fallback: ModelName = requested === "auto" ? "bgnbd" : requested;
    return {
      ...base,
      status: "not_run",
      model: fallback,
      ranking: [fallback],
      reason: `No backtest: ${backtest.reason ?? "not enough history"}. ${label(fallback)} (${requested === "auto" ? "the simplest model" : "as requested"}) is used without a check of its accuracy on this shop.`,
      beatsBaseline: null,
      averages: {},
      baseline: null,
    };
  }

  const scored = backtest.cutoffs.filter((c) => c.status === "scored");
  const averages: Partial<Record<ModelName, AveragedScores>> = {};
  const failures: string[] = [];
  for (const name of models) {
    const results = scored.map((c) => c.models[name]);
    if (results.every((r) => r?.status === "scored" && r.scores)) {
      averages[name] = average(results.map((r) => r!.scores!));
    } else {
      const failed = results.find((r) => r?.status !== "scored");
      failures.push(`${label(name)} could not be fitted at every cut-off (${failed?.reason ?? "no result"})`);
    }
  }
  const baseline = average(scored.map((c) => c.baseline!));
  const candidates = models.filter((name) => averages[name]);
  if (candidates.length === 0) {
    return {
      ...base,
      status: "baseline_not_beaten",
      model: null,
      ranking: [],
      reason: `No model could be fitted in the backtest: ${failures.join("; ")}.`,
      beatsBaseline: false,
      averages,
      baseline,
    };
  }

  // Best by the criterion, then the simplest model tied with it.
  const byScore = [...candidates].sort((a, b) => averages[b]!.meanLogScore! - averages[a]!.meanLogScore!);
  const best = byScore[0];
  let chosen = best;
  for (const name of MODEL_NAMES) {
    if (!candidates.includes(name) || name === best) continue;
    if (MODEL_NAMES.indexOf(name) >= MODEL_NAMES.indexOf(chosen)) continue;
    const comparison = comparisonOf(backtest.comparisons, best, name);
    if (comparison && standardErrors(comparison) < TIE_STANDARD_ERRORS) chosen = name;
  }
  const pick: ModelName = requested === "auto" ? chosen : requested;
  const ranking = requested === "auto" ? [chosen, ...byScore.filter((name) => name !== chosen)] : [requested];
  const pickScores = averages[pick];
  const beatsBaseline = pickScores ? pickScores.rmse < baseline.rmse : false;

  const cutoffText = `${scored.length} backtest${scored.length === 1 ? "" : "s"} (holdouts of ${backtest.holdoutDays} days${
    backtest.sampledCustomers < backtest.totalCustomers
      ? `, a sample of ${backtest.sampledCustomers.toLocaleString("en-US")} customers`
      : ""
  })`;
  const scoreList = byScore.map((name) => `${label(name)} ${fixed(averages[name]!.meanLogScore!, 4)}`).join(", ");
  const rmseList = byScore.map((name) => `${label(name)} ${fixed(averages[name]!.rmse, 3)}`).join(", ");
  const baselineText = `the naive baseline (each customer's past rate) has RMSE ${fixed(baseline.rmse, 3)}`;
  const sentences: string[] = [];
  if (requested !== "auto") {
    if (!pickScores) {
      return {
        ...base,
        status: "baseline_not_beaten",
        model: null,
        ranking: [],
        reason: `${label(requested)} was requested but ${failures.join("; ")}.`,
        beatsBaseline: false,
        averages,
        baseline,
      };
    }
    sentences.push(
      `${label(requested)} was requested. In ${cutoffText} its log predictive score per customer was ${fixed(pickScores.meanLogScore!, 4)} and its per-customer error (RMSE) ${fixed(pickScores.rmse, 3)}; ${baselineText}.`,
    );
  } else if (chosen === best) {
    const margins = byScore
      .slice(1)
      .map((name) => {
        const comparison = comparisonOf(backtest.comparisons, best, name);
        return comparison ? `${label(name)} by ${fixed(standardErrors(comparison), 1)} standard errors` : null;
      })
      .filter((text): text is string => text !== null);
    sentences.push(
      `${label(best)} predicted this shop's customers best in ${cutoffText}: log predictive score per customer ${scoreList} (higher is better)${
        margins.length ? `; it beat ${margins.join(" and ")}` : ""
      }. Per-customer error (RMSE): ${rmseList}; ${baselineText}.`,
    );
  } else {
    const comparison = comparisonOf(backtest.comparisons, best, chosen)!;
    sentences.push(
      `${label(chosen)} was chosen: ${label(best)} scored slightly better in ${cutoffText} (log predictive score ${fixed(averages[best]!.meanLogScore!, 4)} against ${fixed(averages[chosen]!.meanLogScore!, 4)}), but the difference is within the noise (${fixed(standardErrors(comparison), 1)} standard errors) and ${label(chosen)} is the simpler model. Per-customer error (RMSE): ${rmseList}; ${baselineText}.`,
    );
  }
  if (failures.length) sentences.push(`${failures.join("; ")}.`);
  if (!beatsBaseline) {
    // Lead with the conclusion: no predictions.
    sentences.unshift(
      `No predictions: ${label(pick)}${requested === "auto" ? ", the backtest's best model," : ""} did not predict the holdout purchases better than the naive baseline, each customer's past rate (per-customer RMSE ${fixed(pickScores!.rmse, 3)} against ${fixed(baseline.rmse, 3)}).`,
    );
  }
  return {
    ...base,
    status: !beatsBaseline ? "baseline_not_beaten" : requested === "auto" ? "chosen" : "fixed",
    model: beatsBaseline ? pick : null,
    ranking: beatsBaseline ? ranking : [],
    reason: sentences.join(" "),
    beatsBaseline,
    averages,
    baseline,
  };
}
