/** Shared test helpers: the CDNOW fixtures, parsed once per test file. */

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const FIXTURE_DIR = fileURLToPath(new URL("../fixtures/cdnow/", import.meta.url));
export const CDNOW_TRANSACTIONS_PATH = `${FIXTURE_DIR}CDNOW_sample.txt`;
export const CDNOW_SUMMARY_PATH = `${FIXTURE_DIR}cdnow_customers_summary_with_transactions.csv`;

export interface PublishedSummaryRow {
  id: string;
  /** The file's fields as text, for exact comparisons. */
  text: { x: string; tx: string; T: string; zbar: string };
  x: number;
  tx: number;
  T: number;
  zbar: number;
}

export function loadPublishedSummary(): PublishedSummaryRow[] {
  const lines = readFileSync(CDNOW_SUMMARY_PATH, "utf8")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "");
  expect(lines[0]).toBe("ID,x,t_x,T,zbar");
  return lines.slice(1).map((line) => {
    const [id, x, tx, T, zbar] = line.split(",");
    return { id, text: { x, tx, T, zbar }, x: Number(x), tx: Number(tx), T: Number(T), zbar: Number(zbar) };
  });
}

export function publishedSummaryColumns() {
  const rows = loadPublishedSummary();
  return {
    rows,
    frequency: Float64Array.from(rows, (r) => r.x),
    recency: Float64Array.from(rows, (r) => r.tx),
    T: Float64Array.from(rows, (r) => r.T),
    monetary: Float64Array.from(rows, (r) => r.zbar),
  };
}

/** The raw transactions as columns: sample id as the customer key, the date at noon UTC. */
export function loadCdnowTransactions() {
  const lines = readFileSync(CDNOW_TRANSACTIONS_PATH, "utf8")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "");
  const customerKeys: string[] = [];
  const timesMs = new Float64Array(lines.length);
  const amounts = new Float64Array(lines.length);
  lines.forEach((line, i) => {
    const [, sampleId, date, , amount] = line.trim().split(/\s+/);
    customerKeys.push(String(Number(sampleId)));
    timesMs[i] = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8)), 12);
    amounts[i] = Number(amount);
  });
  return { customerKeys, timesMs, amounts };
}

/** Asserts |actual − expected| ≤ tolerance with a readable message. */
export function expectClose(actual: number, expected: number, tolerance: number, label = ""): void {
  expect(Math.abs(actual - expected), `${label} ${actual} vs ${expected} (tolerance ${tolerance})`).toBeLessThanOrEqual(tolerance);
}

/** Walks any value (objects, arrays, typed arrays) and returns the paths of numbers that are not finite. */
export function nonFiniteNumbers(value: unknown, path = "$", found: string[] = [], seen = new Set<unknown>()): string[] {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) found.push(`${path} = ${value}`);
    return found;
  }
  if (value === null || typeof value !== "object" || seen.has(value)) return found;
  seen.add(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const array = value as unknown as ArrayLike<number>;
    for (let i = 0; i < array.length; i++) if (!Number.isFinite(array[i])) found.push(`${path}[${i}] = ${array[i]}`);
    return found;
  }
  if (value instanceof Map) {
    for (const [k, v] of value) nonFiniteNumbers(v, `${path}.${String(k)}`, found, seen);
    return found;
  }
  for (const [key, child] of Object.entries(value)) nonFiniteNumbers(child, `${path}.${key}`, found, seen);
  return found;
}
