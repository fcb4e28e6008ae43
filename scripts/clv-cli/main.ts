/**
 * The CLV command: read a transactions file, fit and score with analyzeShop,
 * print a report, write per-customer results. Returns the exit code:
 * 0 done (also when the data is too thin to fit: the report says why),
 * 1 bad input (errors listed with line numbers), 2 bad command line.
 */

import { statSync, writeFileSync } from "node:fs";
import { analyzeShop, assertValidTimeZone, endOfDayInZone, ZonedDayCalculator } from "../../app/clv/index.ts";
import { parseArgs, USAGE, UsageError, type CliOptions } from "./args.ts";
import { parseCalendarDay } from "./dates.ts";
import { customersAsCsv, customersAsJson } from "./output.ts";
import { fileHead } from "./file-text.ts";
import { readInput, type ParsedInput } from "./read-input.ts";
import { analysisLines, inputLines } from "./report.ts";

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

function minAndMax(values: Float64Array): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  return [min, max];
}

function readInputFile(options: CliOptions, io: CliIo): ParsedInput | string {
  try {
    if (statSync(options.file).isDirectory()) return `${options.file} is a directory, not a file`;
    if (fileHead(options.file).trim() === "") return `${options.file} is empty: there are no transactions to analyse`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? `file not found: ${options.file}` : `cannot read ${options.file}: ${(error as Error).message}`;
  }
  return readInput(options.file, {
    format: options.inputFormat ?? undefined,
    timeZone: options.timeZone,
    columns: options.columns,
    onProgress: (rows) => io.stderr.write(`… ${rows.toLocaleString("en-US")} rows read\n`),
  });
}

export function runClvCli(argv: readonly string[], io: CliIo): number {
  let options: CliOptions;
  try {
    options = parseArgs(argv);
    if (options.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    assertValidTimeZone(options.timeZone);
  } catch (error) {
    if (error instanceof UsageError || error instanceof RangeError) {
      io.stderr.write(`clv: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  const calibrationDay = options.calibrationEnd === null ? null : parseCalendarDay(options.calibrationEnd);
  if (options.calibrationEnd !== null && calibrationDay === null) {
    io.stderr.write(`clv: --calibration-end must be a date YYYY-MM-DD; got "${options.calibrationEnd}"\n`);
    return 2;
  }
  const holdoutDay = options.holdoutEnd === null ? null : parseCalendarDay(options.holdoutEnd);
  if (options.holdoutEnd !== null && holdoutDay === null) {
    io.stderr.write(`clv: --holdout-end must be a date YYYY-MM-DD; got "${options.holdoutEnd}"\n`);
    return 2;
  }

  const input = readInputFile(options, io);
  if (typeof input === "string") {
    io.stderr.write(`clv: ${input}\n`);
    return 1;
  }
  if (input.errorCount > 0) {
    io.stderr.write(`clv: ${input.errorCount} bad row${input.errorCount === 1 ? "" : "s"} in ${options.file}:\n`);
    for (const { line, message } of input.errors) io.stderr.write(`  line ${line}: ${message}\n`);
    if (input.errorCount > input.errors.length) io.stderr.write(`  … and ${input.errorCount - input.errors.length} more\n`);
    return 1;
  }
  if (input.customerIndex.length === 0) {
    const left = Object.entries(input.excluded).map(([reason, count]) => `${count} ${reason}`);
    io.stderr.write(`clv: no transactions in ${options.file}${left.length ? ` (left out: ${left.join(", ")})` : ""}\n`);
    return 1;
  }

  // The calibration ends with the given day, or with the day of the last transaction, in the shop's zone.
  const [firstMs, lastMs] = minAndMax(input.timesMs);
  const days = new ZonedDayCalculator(options.timeZone, firstMs, lastMs);
  const endDay = calibrationDay ?? days.dayNumber(lastMs);
  const firstDay = days.dayNumber(firstMs);
  if (endDay < firstDay) {
    io.stderr.write(`clv: --calibration-end ${options.calibrationEnd} is before the first transaction\n`);
    return 1;
  }
  if (holdoutDay !== null && holdoutDay <= endDay) {
    io.stderr.write(`clv: --holdout-end ${options.holdoutEnd} must be after the calibration end\n`);
    return 2;
  }
  const analysis = analyzeShop(
    { customerIndex: input.customerIndex, customerKeys: input.customerKeys, timesMs: input.timesMs, amounts: input.amounts },
    {
      asOf: new Date(endOfDayInZone(endDay, options.timeZone)),
      ...(holdoutDay !== null ? { holdoutEnd: new Date(endOfDayInZone(holdoutDay, options.timeZone)) } : {}),
      model: options.model,
      timeZone: options.timeZone,
      period: options.period,
      horizonMonths: options.horizonMonths,
      monthlyDiscountRate: options.monthlyDiscountRate,
      penalizer: options.penalizer,
    },
  );

  const data = options.format === "json" ? customersAsJson(analysis.customers) : customersAsCsv(analysis.customers);
  // With the data on stdout, the report goes to stderr so that the two can be redirected apart.
  const report = options.out ? io.stdout : io.stderr;
  report.write(`${[...inputLines(options.file, input), ...analysisLines(analysis, firstDay)].join("\n")}\n`);
  if (options.out) {
    writeFileSync(options.out, data);
    report.write(`Wrote ${analysis.customers.count.toLocaleString("en-US")} customers to ${options.out}\n`);
  } else {
    io.stdout.write(data);
  }
  return 0;
}
