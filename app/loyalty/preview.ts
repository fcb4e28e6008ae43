// The live preview of a tier edit: how many customers, how much net revenue and predicted value each draft
// tier would hold, over the shop's whole imported history. It runs evaluateTiers, the function the saved
// re-evaluation runs, on the same columns: preview and evaluation agree by construction.
import { NO_DAY } from "./days.ts";
import type { PopulationColumns } from "./population.ts";
import { evaluateTiers, type PreviousTierColumns, type TierColumns } from "./tier-evaluation.ts";
import { compileLadder, type TierLadder, type TierProgram } from "./tiers.ts";

export interface TierSummaryRow {
  /** null for the customers in no tier. */
  tierId: string | null;
  name: string | null;
  customers: number;
  netRevenueMinor: number;
  predictedValueMinor: number;
  /** Customers with a prediction (the others add nothing to predictedValueMinor). */
  customersWithPrediction: number;
  /** Customers kept in the tier by a retention hold on the evaluation day. */
  customersHeld: number;
}

/** Rows for "no tier" then each tier in ladder order. */
export function summarizeByTier(population: PopulationColumns, ladder: TierLadder, columns: TierColumns): TierSummaryRow[] {
  const rows: TierSummaryRow[] = [
    { tierId: null, name: null, customers: 0, netRevenueMinor: 0, predictedValueMinor: 0, customersWithPrediction: 0, customersHeld: 0 },
  ];
  for (let index = 0; index < ladder.size; index++) {
    rows.push({
      tierId: ladder.ids[index],
      name: ladder.names[index],
      customers: 0,
      netRevenueMinor: 0,
      predictedValueMinor: 0,
      customersWithPrediction: 0,
      customersHeld: 0,
    });
  }
  const counts = new Float64Array(ladder.size + 1);
  const revenue = new Float64Array(ladder.size + 1);
  const predicted = new Float64Array(ladder.size + 1);
  const withPrediction = new Float64Array(ladder.size + 1);
  const held = new Float64Array(ladder.size + 1);
  for (let k = 0; k < population.customerCount; k++) {
    const row = columns.tier[k] + 1;
    counts[row] += 1;
    revenue[row] += population.netRevenueMinor[k];
    const value = population.predictedClvMinor[k];
    if (!Number.isNaN(value)) {
      predicted[row] += value;
      withPrediction[row] += 1;
    }
    if (columns.holdUntilDay[k] !== NO_DAY) held[row] += 1;
  }
  rows.forEach((row, index) => {
    row.customers = counts[index];
    row.netRevenueMinor = revenue[index];
    row.predictedValueMinor = predicted[index];
    row.customersWithPrediction = withPrediction[index];
    row.customersHeld = held[index];
  });
  return rows;
}

export interface TierEvaluationRun {
  ladder: TierLadder;
  columns: TierColumns;
  summary: TierSummaryRow[];
}

/** Evaluates every customer under a program (draft or saved) and summarises per tier. */
export function evaluateProgram(
  population: PopulationColumns,
  program: TierProgram,
  asOfDay: number,
  previous?: PreviousTierColumns,
): TierEvaluationRun {
  const ladder = compileLadder(program);
  const columns = evaluateTiers(population, ladder, asOfDay, previous);
  return { ladder, columns, summary: summarizeByTier(population, ladder, columns) };
}

/** The editor's preview: the summary of evaluateProgram, nothing else. */
export function previewTiers(
  population: PopulationColumns,
  draft: TierProgram,
  asOfDay: number,
  previous?: PreviousTierColumns,
): TierSummaryRow[] {
  return evaluateProgram(population, draft, asOfDay, previous).summary;
}
