/** Per-customer result rows of the CLI, as CSV or JSON. */

import { SEGMENT_NAMES, type CustomerResults } from "../../app/clv/index.ts";
import { csvField, csvLine } from "./csv.ts";

export const OUTPUT_COLUMNS = [
  "customer_id",
  "orders",
  "historic_value",
  "frequency",
  "recency",
  "T",
  "expected_purchases",
  "p_alive",
  "expected_average_value",
  "predicted_clv",
  "purchases_low",
  "purchases_high",
  "clv_low",
  "clv_high",
  "holdout_expected",
  "holdout_actual",
  "holdout_low",
  "holdout_high",
  "segment",
] as const;

/**
 * Rounded to six decimals, shortest form. After rounding, a non-zero value
 * is at least 1e-6 in size, which JavaScript prints without an exponent
 * (values of 1e21 and more would get one; no amount here is that large).
 */
export function formatNumber(value: number): string {
  const rounded = Math.round(value * 1e6) / 1e6;
  return rounded === 0 ? "0" : String(rounded);
}

function rounded(value: number | null): number | null {
  return value === null ? null : Number(formatNumber(value));
}

/** Rows are joined in blocks of this many, so that the text is built from flat strings. */
const ROWS_PER_BLOCK = 10_000;

/** CSV straight from the result columns (no object per customer: shops can have millions). */
export function customersAsCsv(customers: CustomerResults): string {
  const c = customers.columns;
  const blocks: string[] = [csvLine(OUTPUT_COLUMNS)];
  const optional = (column: Float64Array | Int32Array | null, i: number): string => (column === null ? "" : formatNumber(column[i]));
  let rows: string[] = [];
  for (let i = 0; i < customers.count; i++) {
    rows.push(
      [
        csvField(c.customerKeys[i]),
        String(c.orders[i]),
        formatNumber(c.historicValue[i]),
        String(c.frequency[i]),
        formatNumber(c.recency[i]),
        formatNumber(c.T[i]),
        optional(c.expectedPurchases, i),
        optional(c.probabilityAlive, i),
        optional(c.expectedAverageValue, i),
        optional(c.predictedClv, i),
        optional(c.purchasesLow, i),
        optional(c.purchasesHigh, i),
        optional(c.valueLow, i),
        optional(c.valueHigh, i),
        optional(c.holdoutExpected, i),
        optional(c.holdoutActual, i),
        optional(c.holdoutLow, i),
        optional(c.holdoutHigh, i),
        csvField(SEGMENT_NAMES[c.segment[i]]),
      ].join(","),
    );
    if (rows.length === ROWS_PER_BLOCK) {
      blocks.push(rows.join("\n"));
      rows = [];
    }
  }
  if (rows.length > 0) blocks.push(rows.join("\n"));
  return `${blocks.join("\n")}\n`;
}

export function customersAsJson(customers: CustomerResults): string {
  const rows = [];
  for (const row of customers) {
    rows.push({
      customer_id: row.customerKey,
      orders: row.orders,
      historic_value: rounded(row.historicValue),
      frequency: row.frequency,
      recency: rounded(row.recency),
      T: rounded(row.T),
      expected_purchases: rounded(row.expectedPurchases),
      p_alive: rounded(row.probabilityAlive),
      expected_average_value: rounded(row.expectedAverageValue),
      predicted_clv: rounded(row.predictedClv),
      purchases_low: row.purchasesLow,
      purchases_high: row.purchasesHigh,
      clv_low: rounded(row.valueLow),
      clv_high: rounded(row.valueHigh),
      holdout_expected: rounded(row.holdoutExpected),
      holdout_actual: row.holdoutActual,
      holdout_low: row.holdoutLow,
      holdout_high: row.holdoutHigh,
      segment: row.segment,
    });
  }
  return `${JSON.stringify(rows, null, 1)}\n`;
}
