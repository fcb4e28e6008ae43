/** The human-readable report of the CLI: input, model choice and backtest, fits, holdout check, CLV and segments. */

import {
  HOLDOUT_TOP_BUCKET,
  isoDateOfDayNumber,
  MODEL_LABELS,
  MODEL_NAMES,
  SEGMENT_NAMES,
  type BacktestScores,
  type ShopAnalysis,
} from "../../app/clv/index.ts";
import type { ParsedInput } from "./read-input.ts";

const integer = (value: number): string => Math.round(value).toLocaleString("en-US");
const decimal = (value: number, digits: number): string => value.toFixed(digits);

function parameterLines(
  params: Record<string, number>,
  stdErrors: Record<string, number> | undefined,
  names: Record<string, string>,
): string[] {
  return Object.keys(names).map((key) => {
    const se = stdErrors ? `  (se ${decimal(stdErrors[key], 4)})` : "";
    return `  ${names[key].padEnd(6)} ${decimal(params[key], 4).padStart(12)}${se}`;
  });
}

export function inputLines(file: string, input: ParsedInput): string[] {
  const lines = [
    `Input: ${file} (${input.format} format): ${integer(input.rows)} rows, ${integer(input.customerIndex.length)} transactions`,
  ];
  for (const [reason, count] of Object.entries(input.excluded)) lines.push(`  left out: ${integer(count)} ${reason}`);
  return lines;
}

export function analysisLines(analysis: ShopAnalysis, firstDay: number): string[] {
  const { summary, counts } = analysis;
  const unit = analysis.period === "week" ? "weeks" : "days";
  const lines: string[] = [];
  lines.push(
    `Time zone ${analysis.timeZone}, period ${analysis.period}; calibration ${isoDateOfDayNumber(firstDay)} .. ${isoDateOfDayNumber(summary.calibrationEndDay)}`,
  );
  if (summary.holdoutEndDay > summary.calibrationEndDay) {
    lines.push(
      `Holdout ${isoDateOfDayNumber(summary.calibrationEndDay + 1)} .. ${isoDateOfDayNumber(summary.holdoutEndDay)} (${decimal(summary.holdoutLength, 2)} ${unit}): ${integer(summary.counts.holdoutTransactions)} transactions, not used for the fit${
        summary.counts.afterHoldoutTransactions > 0 ? `; ${integer(summary.counts.afterHoldoutTransactions)} later ones left out` : ""
      }`,
    );
  }
  lines.push(
    `Customers: ${integer(counts.customers)} (${integer(counts.repeatCustomers)} repeat); transactions used: ${integer(counts.used)}`,
  );
  if (summary.counts.customersOnlyAfterCalibration > 0) {
    lines.push(`  ${integer(summary.counts.customersOnlyAfterCalibration)} customers first bought after the calibration end (not scored)`);
  }
  if (counts.invalid > 0) lines.push(`  ${integer(counts.invalid)} transactions with an invalid time or amount left out`);
  lines.push(`Status: ${analysis.status}${analysis.reason ? ` (${analysis.reason})` : ""}`);
  if (analysis.needs) lines.push(`The shop needs ${analysis.needs}.`);
  lines.push(...choiceLines(analysis));

  if (analysis.bgnbd) {
    const { params, logLikelihood, converged, iterations, stdErrors } = analysis.bgnbd;
    lines.push("");
    lines.push(
      `BG/NBD (time unit: ${analysis.period}) log-likelihood ${decimal(logLikelihood, 2)}, ${converged ? "converged" : "NOT converged"} after ${iterations} iterations`,
    );
    lines.push(
      ...parameterLines(params as unknown as Record<string, number>, stdErrors as unknown as Record<string, number> | undefined, {
        r: "r",
        alpha: "alpha",
        a: "a",
        b: "b",
      }),
    );
  }
  if (analysis.fit && analysis.fit.model !== "bgnbd") {
    const { label, params, logLikelihood, converged, iterations, stdErrors } = analysis.fit;
    lines.push("");
    lines.push(
      `${label} (time unit: ${analysis.period}) log-likelihood ${decimal(logLikelihood, 2)}, ${converged ? "converged" : "NOT converged"} after ${iterations} iterations`,
    );
    lines.push(...parameterLines(params, stdErrors, Object.fromEntries(Object.keys(params).map((key) => [key, key]))));
  }
  const gg = analysis.gammaGamma;
  if (gg) {
    lines.push("");
    const correlation = gg.frequencyMonetaryCorrelation === null ? "undefined" : decimal(gg.frequencyMonetaryCorrelation, 3);
    if (gg.status === "fitted") {
      lines.push(
        `Gamma-Gamma (${integer(gg.customers)} repeat customers with a positive mean value) log-likelihood ${decimal(gg.logLikelihood, 2)}`,
      );
      lines.push(
        ...parameterLines(gg.params as unknown as Record<string, number>, gg.stdErrors as unknown as Record<string, number> | undefined, {
          p: "p",
          q: "q",
          v: "v",
        }),
      );
      lines.push(`  population mean value per purchase ${decimal(gg.populationMeanValue, 2)}`);
    } else {
      lines.push(`Gamma-Gamma refused: ${gg.reason}`);
    }
    lines.push(`  frequency–monetary correlation ${correlation} (the model assumes none)`);
    if (gg.excluded.nonPositiveValue > 0)
      lines.push(`  left out: ${integer(gg.excluded.nonPositiveValue)} repeat customers with a mean value ≤ 0`);
  }
  for (const warning of analysis.warnings) lines.push(`Warning: ${warning}`);
  if (analysis.status === "fitted" && analysis.holdout) lines.push("", ...holdoutLines(analysis));
  if (analysis.status === "fitted") lines.push("", ...valueLines(analysis));
  lines.push("", ...segmentLines(analysis));
  return lines;
}

const percent = (value: number | null): string => (value === null ? "—" : `${decimal(value * 100, 1)}%`);

function scoreLine(name: string, scores: BacktestScores): string {
  const logScore = scores.meanLogScore === null ? "—" : decimal(scores.meanLogScore, 4);
  return `    ${name.padEnd(11)} ${logScore.padStart(9)} ${decimal(scores.rmse, 4).padStart(8)} ${decimal(scores.predictedPurchases, 1).padStart(10)} ${integer(scores.actualPurchases).padStart(7)} ${decimal(scores.predictedRevenue, 0).padStart(11)} ${decimal(scores.actualRevenue, 0).padStart(11)} ${percent(scores.coverage).padStart(7)} ${percent(scores.expectedCoverage).padStart(9)} ${percent(scores.pitCoverage).padStart(6)}`;
}

/** The model, why, and every model's backtest scores per cut-off and on average. */
function choiceLines(analysis: ShopAnalysis): string[] {
  const choice = analysis.modelChoice;
  if (!choice) return [];
  const how =
    choice.status === "chosen"
      ? "chosen by the backtest"
      : choice.status === "fixed"
        ? "requested"
        : choice.status === "not_run"
          ? "no backtest"
          : "none";
  const lines = ["", `Model: ${analysis.model ? MODEL_LABELS[analysis.model] : "none"} (${how})`, `  ${choice.reason}`];
  if (choice.cutoffs.length === 0) return lines;
  lines.push(
    `Backtest: ${choice.cutoffs.length} cut-offs, each followed by a holdout of ${choice.holdoutDays} days${
      choice.sampledCustomers < choice.totalCustomers
        ? ` (a systematic sample of ${integer(choice.sampledCustomers)} of ${integer(choice.totalCustomers)} customers)`
        : ""
    }; log score = mean ln P(actual purchases) per customer (higher is better); coverage of the 80% intervals: share inside, what the model expects, fractional (PIT, nominal 80%)`,
    "    model       log score     RMSE  predicted  actual  pred. value  act. value  inside  expected    PIT",
  );
  for (const cutoff of choice.cutoffs) {
    lines.push(
      `  calibration to ${cutoff.calibrationEnd}, holdout to ${cutoff.holdoutEnd}: ${integer(cutoff.customers)} customers (${integer(cutoff.repeatCustomers)} repeat)${cutoff.reason ? ` — skipped: ${cutoff.reason}` : ""}`,
    );
    if (cutoff.baseline) lines.push(scoreLine("baseline", cutoff.baseline));
    for (const name of MODEL_NAMES) {
      const result = cutoff.models[name];
      if (!result) continue;
      lines.push(
        result.scores
          ? scoreLine(MODEL_LABELS[name], result.scores)
          : `    ${MODEL_LABELS[name].padEnd(11)} fit failed: ${result.reason ?? ""}`,
      );
    }
  }
  if (choice.baseline) {
    lines.push(`  mean over the scored cut-offs:`);
    lines.push(scoreLine("baseline", { ...choice.baseline, customers: 0 }));
    for (const name of MODEL_NAMES) {
      const averages = choice.averages[name];
      if (averages) lines.push(scoreLine(MODEL_LABELS[name], { ...averages, customers: 0 }));
    }
  }
  return lines;
}

function holdoutLines(analysis: ShopAnalysis): string[] {
  const { summary } = analysis;
  const holdout = analysis.holdout!;
  const expected = analysis.customers.columns.holdoutExpected!;
  const unit = analysis.period === "week" ? "weeks" : "days";
  const buckets = Array.from({ length: HOLDOUT_TOP_BUCKET + 1 }, () => ({ customers: 0, predicted: 0, actual: 0 }));
  let actualPurchaseWeeks = 0;
  for (let i = 0; i < summary.count; i++) {
    const bucket = buckets[Math.min(summary.frequency[i], HOLDOUT_TOP_BUCKET)];
    bucket.customers++;
    bucket.predicted += expected[i];
    bucket.actual += summary.holdoutPurchases[i];
    actualPurchaseWeeks += summary.holdoutPurchaseWeeks[i];
  }
  const lines = [
    `Holdout check of ${analysis.model ? MODEL_LABELS[analysis.model] : "the model"} over ${decimal(holdout.length, 2)} ${unit} (${integer(holdout.customers)} customers of the calibration period):`,
    `  predicted purchases ${decimal(holdout.predictedPurchases, 1)}; actual purchase days ${integer(holdout.actualPurchases)} (distinct customer-weeks, Monday to Sunday: ${integer(actualPurchaseWeeks)})`,
    `  per-customer RMSE ${decimal(holdout.rmse, 4)}; log score ${decimal(holdout.meanLogScore, 4)}; 80% intervals: ${percent(holdout.coverage)} of customers inside (the model expects ${percent(holdout.expectedCoverage)}), fractional (PIT) coverage ${percent(holdout.pitCoverage)} (nominal 80%)`,
    "  x (calibration)  customers  predicted  actual  predicted/customer  actual/customer",
  ];
  buckets.forEach((bucket, k) => {
    const label = k === HOLDOUT_TOP_BUCKET ? `${HOLDOUT_TOP_BUCKET}+` : String(k);
    const perCustomer = (value: number): string => decimal(bucket.customers > 0 ? value / bucket.customers : 0, 3);
    lines.push(
      `  ${label.padEnd(16)} ${integer(bucket.customers).padStart(9)} ${decimal(bucket.predicted, 1).padStart(10)} ${integer(bucket.actual).padStart(7)} ${perCustomer(bucket.predicted).padStart(19)} ${perCustomer(bucket.actual).padStart(16)}`,
    );
  });
  return lines;
}

function valueLines(analysis: ShopAnalysis): string[] {
  const clv = analysis.customers.columns.predictedClv;
  const purchases = analysis.customers.columns.expectedPurchases;
  if (!clv || !purchases || clv.length === 0) return [];
  let total = 0;
  let totalPurchases = 0;
  for (let i = 0; i < clv.length; i++) {
    total += clv[i];
    totalPurchases += purchases[i];
  }
  const sorted = Float64Array.from(clv).sort();
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const lines = [
    `Predicted CLV over ${analysis.horizonMonths} months (discount ${decimal(analysis.monthlyDiscountRate * 100, 2)}% a month; a month = ${analysis.unitsPerMonth} ${analysis.period}s; expected order value from ${analysis.expectedAverageValueSource}):`,
    `  total ${decimal(total, 2)}, mean ${decimal(total / clv.length, 2)}, median ${decimal(median, 2)}, max ${decimal(sorted[sorted.length - 1], 2)}; expected purchases ${decimal(totalPurchases, 1)}`,
  ];
  if (analysis.intervals) {
    lines.push(
      `  per customer: 80% intervals (10th–90th percentile) of purchases and value, with parameter uncertainty (${analysis.intervals.draws} parameter draw${analysis.intervals.draws === 1 ? ": negligible" : "s"})`,
    );
  }
  return lines;
}

function segmentLines(analysis: ShopAnalysis): string[] {
  const counts = new Array<number>(SEGMENT_NAMES.length).fill(0);
  for (const segment of analysis.customers.columns.segment) counts[segment]++;
  const parts = SEGMENT_NAMES.map((name, k) => `${name} ${integer(counts[k])}`);
  return [`RFM segments: ${parts.join(", ")}`];
}
