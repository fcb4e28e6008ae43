/** The human-readable report of the CLI: input, fits, holdout check, CLV and segments. */

import {
  holdoutCheck,
  isoDateOfDayNumber,
  SEGMENT_NAMES,
  type BgNbdParams,
  type ShopAnalysis,
} from "../../app/clv/index.ts";
import type { ParsedInput } from "./read-input.ts";

const integer = (value: number): string => Math.round(value).toLocaleString("en-US");
const decimal = (value: number, digits: number): string => value.toFixed(digits);

function parameterLines(params: Record<string, number>, stdErrors: Record<string, number> | undefined, names: Record<string, string>): string[] {
  return Object.keys(names).map((key) => {
    const se = stdErrors ? `  (se ${decimal(stdErrors[key], 4)})` : "";
    return `  ${names[key].padEnd(6)} ${decimal(params[key], 4).padStart(12)}${se}`;
  });
}

export function inputLines(file: string, input: ParsedInput): string[] {
  const lines = [`Input: ${file} (${input.format} format): ${integer(input.rows)} rows, ${integer(input.customerIndex.length)} transactions`];
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
      `Holdout ${isoDateOfDayNumber(summary.calibrationEndDay + 1)} .. ${isoDateOfDayNumber(summary.holdoutEndDay)} (${decimal(summary.holdoutLength, 2)} ${unit}): ${integer(counts.afterAsOf)} transactions, not used for the fit`,
    );
  }
  lines.push(`Customers: ${integer(counts.customers)} (${integer(counts.repeatCustomers)} repeat); transactions used: ${integer(counts.used)}`);
  if (summary.counts.customersOnlyAfterCalibration > 0) {
    lines.push(`  ${integer(summary.counts.customersOnlyAfterCalibration)} customers first bought after the calibration end (not scored)`);
  }
  if (counts.invalid > 0) lines.push(`  ${integer(counts.invalid)} transactions with an invalid time or amount left out`);
  lines.push(`Status: ${analysis.status}${analysis.reason ? ` (${analysis.reason})` : ""}`);

  if (analysis.bgnbd) {
    const { params, logLikelihood, converged, iterations, stdErrors } = analysis.bgnbd;
    lines.push("");
    lines.push(`BG/NBD (time unit: ${analysis.period}) log-likelihood ${decimal(logLikelihood, 2)}, ${converged ? "converged" : "NOT converged"} after ${iterations} iterations`);
    lines.push(
      ...parameterLines(params as unknown as Record<string, number>, stdErrors as unknown as Record<string, number> | undefined, {
        r: "r",
        alpha: "alpha",
        a: "a",
        b: "b",
      }),
    );
  }
  const gg = analysis.gammaGamma;
  if (gg) {
    lines.push("");
    const correlation = gg.frequencyMonetaryCorrelation === null ? "undefined" : decimal(gg.frequencyMonetaryCorrelation, 3);
    if (gg.status === "fitted") {
      lines.push(`Gamma-Gamma (${integer(gg.customers)} repeat customers with a positive mean value) log-likelihood ${decimal(gg.logLikelihood, 2)}`);
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
    if (gg.excluded.nonPositiveValue > 0) lines.push(`  left out: ${integer(gg.excluded.nonPositiveValue)} repeat customers with a mean value ≤ 0`);
  }
  for (const warning of analysis.warnings) lines.push(`Warning: ${warning}`);
  if (analysis.bgnbd && analysis.status === "fitted" && summary.holdoutLength > 0) {
    lines.push("", ...holdoutLines(analysis.bgnbd.params, analysis));
  }
  if (analysis.status === "fitted") lines.push("", ...valueLines(analysis));
  lines.push("", ...segmentLines(analysis));
  return lines;
}

function holdoutLines(params: BgNbdParams, analysis: ShopAnalysis): string[] {
  const check = holdoutCheck(params, analysis.summary);
  const unit = analysis.period === "week" ? "weeks" : "days";
  const lines = [
    `Holdout check over ${decimal(check.holdoutLength, 2)} ${unit} (${integer(check.customers)} customers of the calibration period):`,
    `  predicted purchases ${decimal(check.predictedTotal, 1)}; actual purchase days ${integer(check.actualTotal)} (distinct customer-weeks, Monday to Sunday: ${integer(check.actualPurchaseWeeks)})`,
    "  x (calibration)  customers  predicted  actual  predicted/customer  actual/customer",
  ];
  for (const bucket of check.byFrequency) {
    lines.push(
      `  ${bucket.frequency.padEnd(16)} ${integer(bucket.customers).padStart(9)} ${decimal(bucket.predictedTotal, 1).padStart(10)} ${integer(bucket.actualTotal).padStart(7)} ${decimal(bucket.predictedMean, 3).padStart(19)} ${decimal(bucket.actualMean, 3).padStart(16)}`,
    );
  }
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
  return [
    `Predicted CLV over ${analysis.horizonMonths} months (discount ${decimal(analysis.monthlyDiscountRate * 100, 2)}% a month; a month = ${analysis.unitsPerMonth} ${analysis.period}s; expected order value from ${analysis.expectedAverageValueSource}):`,
    `  total ${decimal(total, 2)}, mean ${decimal(total / clv.length, 2)}, median ${decimal(median, 2)}, max ${decimal(sorted[sorted.length - 1], 2)}; expected purchases ${decimal(totalPurchases, 1)}`,
  ];
}

function segmentLines(analysis: ShopAnalysis): string[] {
  const counts = new Array<number>(SEGMENT_NAMES.length).fill(0);
  for (const segment of analysis.customers.columns.segment) counts[segment]++;
  const parts = SEGMENT_NAMES.map((name, k) => `${name} ${integer(counts[k])}`);
  return [`RFM segments: ${parts.join(", ")}`];
}
