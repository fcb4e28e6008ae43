/** Command-line options of the CLV CLI. */

import type { ModelRequest, Period } from "../../app/clv/index.ts";
import type { InputFormat } from "./read-input.ts";

export interface CliOptions {
  file: string;
  period: Period;
  /** YYYY-MM-DD, or null for the last date in the file. */
  calibrationEnd: string | null;
  /** YYYY-MM-DD: last day of the holdout after the calibration end; null for the last date in the file. */
  holdoutEnd: string | null;
  model: ModelRequest;
  horizonMonths: number;
  monthlyDiscountRate: number;
  penalizer: number;
  format: "csv" | "json";
  out: string | null;
  columns: [string, string, string];
  timeZone: string;
  inputFormat: InputFormat | null;
  help: boolean;
}

export const USAGE = `Usage: npm run clv -- <file> [options]

Backtests BG/NBD, MBG/NBD and Pareto/NBD on the shop's own history, fits the best (or the
requested) model and Gamma-Gamma, and writes per-customer predictions (expected purchases,
P(alive), expected order value, CLV, their 80% intervals, RFM segment).

Options:
  --model auto|bgnbd|mbgnbd|paretonbd
                                purchase model (default auto: chosen by the backtest)
  --period day|week             model time unit (default week)
  --calibration-end YYYY-MM-DD  last day used for the fit (default: the last date in the file);
                                later transactions are used as a holdout check
  --holdout-end YYYY-MM-DD      last day of that holdout (default: the last date in the file)
  --horizon <months>            CLV horizon in months (default 12)
  --discount <monthly rate>     monthly discount rate (default 0.01)
  --penalizer <λ>               L2 penalty on the log-parameters (default 0)
  --format csv|json             output format (default csv)
  --out FILE                    write the per-customer results to FILE (default stdout;
                                the report then goes to stderr)
  --columns id,date,amount      column names of a transactions CSV (default customer_id,date,amount)
  --time-zone Zone              IANA time zone of the shop's calendar days (default UTC)
  --input-format transactions|shopify|cdnow
                                input format (default: detected from the first line)
  --help                        this text

Dates: YYYY-MM-DD, YYYYMMDD, or ISO date-time (with an offset, or wall-clock time in --time-zone).
Shopify "Export orders" CSV: one order per Name, customer = Email; cancelled, voided and fully
refunded orders are left out and counted; amount = Total − Refunded Amount.`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const VALUE_FLAGS = new Set([
  "--model",
  "--period",
  "--calibration-end",
  "--holdout-end",
  "--horizon",
  "--discount",
  "--penalizer",
  "--format",
  "--out",
  "--columns",
  "--time-zone",
  "--input-format",
]);

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${flag} must be one of ${allowed.join(", ")}; got "${value}"`);
  }
  return value as T;
}

function finiteNumber(flag: string, value: string): number {
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number)) throw new UsageError(`${flag} must be a number; got "${value}"`);
  return number;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = {
    file: "",
    period: "week",
    calibrationEnd: null,
    holdoutEnd: null,
    model: "auto",
    horizonMonths: 12,
    monthlyDiscountRate: 0.01,
    penalizer: 0,
    format: "csv",
    out: null,
    columns: ["customer_id", "date", "amount"],
    timeZone: "UTC",
    inputFormat: null,
    help: false,
  };
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === "--help" || argument === "-h") {
      options.help = true;
      continue;
    }
    if (!argument.startsWith("--") || argument === "--") {
      if (argument !== "--") files.push(argument);
      continue;
    }
    const equals = argument.indexOf("=");
    const flag = equals >= 0 ? argument.slice(0, equals) : argument;
    if (!VALUE_FLAGS.has(flag)) throw new UsageError(`unknown option ${flag}`);
    let value: string;
    if (equals >= 0) {
      value = argument.slice(equals + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      value = next;
      i++;
    }
    switch (flag) {
      case "--period":
        options.period = oneOf(flag, value, ["day", "week"] as const);
        break;
      case "--calibration-end":
        options.calibrationEnd = value;
        break;
      case "--holdout-end":
        options.holdoutEnd = value;
        break;
      case "--model":
        options.model = oneOf(flag, value, ["auto", "bgnbd", "mbgnbd", "paretonbd"] as const);
        break;
      case "--horizon": {
        const months = finiteNumber(flag, value);
        if (!Number.isInteger(months) || months < 0) throw new UsageError(`--horizon must be a whole number of months ≥ 0; got "${value}"`);
        options.horizonMonths = months;
        break;
      }
      case "--discount": {
        const rate = finiteNumber(flag, value);
        if (rate <= -1) throw new UsageError(`--discount must be > −1; got "${value}"`);
        options.monthlyDiscountRate = rate;
        break;
      }
      case "--penalizer": {
        const penalizer = finiteNumber(flag, value);
        if (penalizer < 0) throw new UsageError(`--penalizer must be ≥ 0; got "${value}"`);
        options.penalizer = penalizer;
        break;
      }
      case "--format":
        options.format = oneOf(flag, value, ["csv", "json"] as const);
        break;
      case "--out":
        options.out = value;
        break;
      case "--columns": {
        const names = value.split(",").map((name) => name.trim());
        if (names.length !== 3 || names.some((name) => name === "")) {
          throw new UsageError(`--columns needs three column names: customer,date,amount; got "${value}"`);
        }
        options.columns = [names[0], names[1], names[2]];
        break;
      }
      case "--time-zone":
        options.timeZone = value;
        break;
      case "--input-format":
        options.inputFormat = oneOf(flag, value, ["transactions", "shopify", "cdnow"] as const);
        break;
    }
  }
  if (options.help) return options;
  if (files.length === 0) throw new UsageError("no input file given");
  if (files.length > 1) throw new UsageError(`one input file expected; got ${files.join(", ")}`);
  options.file = files[0];
  return options;
}
