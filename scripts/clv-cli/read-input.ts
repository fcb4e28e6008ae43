/**
 * Input readers of the CLI: they turn a file's text into columnar
 * transactions (customer key, instant, amount), collecting errors with line
 * numbers and counting every row they leave out, with the reason.
 *
 * Formats:
 * - transactions: CSV with a header; the customer, date and amount columns
 *   are named by --columns (default customer_id,date,amount);
 * - shopify: Shopify admin "Export orders" CSV (one row per line item; the
 *   order-level columns are filled on the first row of each order only);
 * - cdnow: the whitespace-separated CDNOW sample (id, sample id, YYYYMMDD,
 *   number of CDs, amount); the customer is the sample id.
 */

import { CsvSyntaxError, type CsvRecord } from "./csv.ts";
import { DateParser } from "./dates.ts";
import { csvRecordsOfFile, fileHead, linesOfFile } from "./file-text.ts";

export type InputFormat = "transactions" | "shopify" | "cdnow";

export interface InputError {
  line: number;
  message: string;
}

export interface ParsedInput {
  format: InputFormat;
  /** Per transaction: index into `customerKeys`. */
  customerIndex: Int32Array;
  /** Distinct customer keys, in order of first appearance. */
  customerKeys: string[];
  timesMs: Float64Array;
  amounts: Float64Array;
  /** Data rows read (without the header). */
  rows: number;
  /** Rows or orders left out on purpose, by reason (e.g. cancelled orders). */
  excluded: Record<string, number>;
  /** The first errors (at most MAX_REPORTED_ERRORS) and how many there were in all. */
  errors: InputError[];
  errorCount: number;
}

export const MAX_REPORTED_ERRORS = 20;
const PROGRESS_EVERY_ROWS = 1_000_000;

export interface ReadOptions {
  format?: InputFormat;
  timeZone: string;
  /** Names of the customer, date and amount columns of a transactions CSV. */
  columns: [string, string, string];
  onProgress?: (rowsRead: number) => void;
}

/** Growable columns of transactions; customer keys are indexed as they arrive. */
class TransactionCollector {
  customerKeys: string[] = [];
  private readonly indexOfKey = new Map<string, number>();
  private customers = new Int32Array(1024);
  private times = new Float64Array(1024);
  private values = new Float64Array(1024);
  count = 0;
  errors: InputError[] = [];
  errorCount = 0;
  excluded: Record<string, number> = {};

  add(key: string, time: number, amount: number): void {
    if (this.count === this.times.length) {
      const customers = new Int32Array(this.count * 2);
      customers.set(this.customers);
      this.customers = customers;
      const times = new Float64Array(this.count * 2);
      times.set(this.times);
      this.times = times;
      const values = new Float64Array(this.count * 2);
      values.set(this.values);
      this.values = values;
    }
    let index = this.indexOfKey.get(key);
    if (index === undefined) {
      index = this.customerKeys.length;
      this.indexOfKey.set(key, index);
      this.customerKeys.push(key);
    }
    this.customers[this.count] = index;
    this.times[this.count] = time;
    this.values[this.count] = amount;
    this.count++;
  }

  error(line: number, message: string): void {
    this.errorCount++;
    if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push({ line, message });
  }

  exclude(reason: string): void {
    this.excluded[reason] = (this.excluded[reason] ?? 0) + 1;
  }

  finish(format: InputFormat, rows: number): ParsedInput {
    return {
      format,
      customerIndex: this.customers.slice(0, this.count),
      customerKeys: this.customerKeys,
      timesMs: this.times.slice(0, this.count),
      amounts: this.values.slice(0, this.count),
      rows,
      excluded: this.excluded,
      errors: this.errors,
      errorCount: this.errorCount,
    };
  }
}

const CDNOW_LINE = /^\s*\d+\s+\d+\s+\d{8}\s+\d+\s+-?\d+(\.\d+)?\s*$/;
const SHOPIFY_REQUIRED = ["Name", "Email", "Created at", "Total"];

function firstNonBlankLine(text: string): string {
  for (const line of text.split(/\r?\n/, 50)) if (line.trim() !== "") return line;
  return "";
}

export function detectFormat(text: string): InputFormat {
  const first = firstNonBlankLine(text);
  if (CDNOW_LINE.test(first)) return "cdnow";
  const header = first.split(",").map((name) => name.trim().replace(/^"|"$/g, ""));
  if (SHOPIFY_REQUIRED.every((name) => header.includes(name))) return "shopify";
  return "transactions";
}

/** Parses an amount; null when it is empty or not a plain number. */
function parseAmount(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

function headerIndex(header: CsvRecord, names: readonly string[], collector: TransactionCollector, required: boolean): number[] {
  const trimmed = header.fields.map((field) => field.trim());
  return names.map((name) => {
    const index = trimmed.indexOf(name);
    if (index < 0 && required) {
      collector.error(header.line, `missing column "${name}" in the header (found: ${trimmed.join(", ")})`);
    }
    return index;
  });
}

function readTransactionsCsv(path: string, options: ReadOptions): ParsedInput {
  const collector = new TransactionCollector();
  const dates = new DateParser(options.timeZone);
  const records = csvRecordsOfFile(path);
  const first = records.next();
  if (first.done) return collector.finish("transactions", 0);
  const [keyColumn, dateColumn, amountColumn] = headerIndex(first.value, options.columns, collector, true);
  if (collector.errorCount > 0) return collector.finish("transactions", 0);
  const [keyName, dateName, amountName] = options.columns;
  let rows = 0;
  for (const record of records) {
    rows++;
    if (rows % PROGRESS_EVERY_ROWS === 0) options.onProgress?.(rows);
    const { fields, line } = record;
    const key = fields[keyColumn];
    const dateText = fields[dateColumn];
    const amountText = fields[amountColumn];
    if (key === undefined || dateText === undefined || amountText === undefined) {
      collector.error(
        line,
        `missing column: the row has ${fields.length} fields, the header names "${keyName}", "${dateName}" and "${amountName}"`,
      );
      continue;
    }
    if (key.trim() === "") {
      collector.error(line, `empty customer id in column "${keyName}"`);
      continue;
    }
    const time = dates.parse(dateText);
    if (Number.isNaN(time)) {
      collector.error(line, `bad date "${dateText}" in column "${dateName}" (use YYYY-MM-DD, YYYYMMDD or an ISO date-time)`);
      continue;
    }
    const amount = parseAmount(amountText);
    if (amount === null) {
      collector.error(line, `amount "${amountText}" in column "${amountName}" is not a number`);
      continue;
    }
    collector.add(key.trim(), time, amount);
  }
  return collector.finish("transactions", rows);
}

/**
 * Shopify "Export orders": the first row of an order (by `Name`) carries the
 * order-level columns; later rows of the same order are line items and are
 * skipped. The customer is the `Email` (lower-cased). Amount = Total −
 * Refunded Amount. Cancelled, voided and fully refunded orders, and orders
 * without an email, are left out and counted.
 */
function readShopifyCsv(path: string, options: ReadOptions): ParsedInput {
  const collector = new TransactionCollector();
  const dates = new DateParser(options.timeZone);
  const records = csvRecordsOfFile(path);
  const first = records.next();
  if (first.done) return collector.finish("shopify", 0);
  const [nameColumn, emailColumn, createdColumn, totalColumn] = headerIndex(first.value, SHOPIFY_REQUIRED, collector, true);
  const [statusColumn, cancelledColumn, refundedColumn] = headerIndex(
    first.value,
    ["Financial Status", "Cancelled at", "Refunded Amount"],
    collector,
    false,
  );
  if (collector.errorCount > 0) return collector.finish("shopify", 0);
  const seenOrders = new Set<string>();
  let rows = 0;
  for (const { fields, line } of records) {
    rows++;
    if (rows % PROGRESS_EVERY_ROWS === 0) options.onProgress?.(rows);
    const name = (fields[nameColumn] ?? "").trim();
    if (name === "") {
      collector.error(line, 'missing order "Name"');
      continue;
    }
    if (seenOrders.has(name)) continue; // a further line item of an order already read
    seenOrders.add(name);
    if (fields.length <= Math.max(emailColumn, createdColumn, totalColumn)) {
      collector.error(line, `missing column: the row has ${fields.length} fields, fewer than the header`);
      continue;
    }
    const cancelledAt = cancelledColumn >= 0 ? (fields[cancelledColumn] ?? "").trim() : "";
    const status = statusColumn >= 0 ? (fields[statusColumn] ?? "").trim().toLowerCase() : "";
    if (cancelledAt !== "") {
      collector.exclude("cancelled orders");
      continue;
    }
    if (status === "voided") {
      collector.exclude("voided orders");
      continue;
    }
    if (status === "refunded") {
      collector.exclude("fully refunded orders");
      continue;
    }
    const email = fields[emailColumn].trim().toLowerCase();
    if (email === "") {
      collector.exclude("orders without an email (no customer to attribute them to)");
      continue;
    }
    const createdText = fields[createdColumn];
    const time = dates.parse(createdText);
    if (Number.isNaN(time)) {
      collector.error(line, `bad date "${createdText}" in column "Created at"`);
      continue;
    }
    const total = parseAmount(fields[totalColumn]);
    if (total === null) {
      collector.error(line, `amount "${fields[totalColumn]}" in column "Total" is not a number`);
      continue;
    }
    const refundedText = refundedColumn >= 0 ? (fields[refundedColumn] ?? "") : "";
    const refunded = refundedText.trim() === "" ? 0 : parseAmount(refundedText);
    if (refunded === null) {
      collector.error(line, `amount "${refundedText}" in column "Refunded Amount" is not a number`);
      continue;
    }
    collector.add(email, time, total - refunded);
  }
  return collector.finish("shopify", rows);
}

function readCdnow(path: string, options: ReadOptions): ParsedInput {
  const collector = new TransactionCollector();
  const dates = new DateParser(options.timeZone);
  let rows = 0;
  for (const { text, line } of linesOfFile(path)) {
    const content = text.trim();
    if (content === "") continue;
    rows++;
    if (rows % PROGRESS_EVERY_ROWS === 0) options.onProgress?.(rows);
    const fields = content.split(/\s+/);
    if (fields.length !== 5) {
      collector.error(line, `expected 5 whitespace-separated fields (id, sample id, YYYYMMDD, CDs, amount), found ${fields.length}`);
      continue;
    }
    const [, sampleId, dateText, , amountText] = fields;
    if (!/^\d+$/.test(sampleId)) {
      collector.error(line, `customer id "${sampleId}" is not a number`);
      continue;
    }
    const time = /^\d{8}$/.test(dateText) ? dates.parse(dateText) : NaN;
    if (Number.isNaN(time)) {
      collector.error(line, `bad date "${dateText}" (expected YYYYMMDD)`);
      continue;
    }
    const amount = parseAmount(amountText);
    if (amount === null) {
      collector.error(line, `amount "${amountText}" is not a number`);
      continue;
    }
    collector.add(String(Number(sampleId)), time, amount);
  }
  return collector.finish("cdnow", rows);
}

/** Reads the file in the given (or detected) format; CSV syntax errors become input errors. */
export function readInput(path: string, options: ReadOptions): ParsedInput {
  const format = options.format ?? detectFormat(fileHead(path));
  try {
    if (format === "cdnow") return readCdnow(path, options);
    if (format === "shopify") return readShopifyCsv(path, options);
    return readTransactionsCsv(path, options);
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      return {
        format,
        customerIndex: new Int32Array(0),
        customerKeys: [],
        timesMs: new Float64Array(0),
        amounts: new Float64Array(0),
        rows: 0,
        excluded: {},
        errors: [{ line: error.line, message: error.message.replace(/^line \d+: /, "") }],
        errorCount: 1,
      };
    }
    throw error;
  }
}
