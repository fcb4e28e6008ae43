/**
 * Customer summary (frequency, recency, age, monetary value) from
 * transactions, with the semantics of the BG/NBD and Gamma-Gamma papers:
 *
 * - a purchase is a calendar day in the shop's time zone: several
 *   transactions on one day count once and their amounts add up;
 * - frequency x = purchase days after the first one (repeat purchases);
 * - recency t_x = last − first purchase day; age T = calibration end day −
 *   first purchase day; both in periods (day, or week = 7 days);
 * - monetary value = mean amount of the repeat purchase days (0 when x = 0);
 * - transactions after the calibration end (up to the holdout end) are
 *   counted per customer as holdout purchase days, for model checks.
 *
 * Speed: no object per transaction. Day numbers are integers from a cached
 * zone-offset table; transactions are ordered by (customer, day) with two
 * stable counting sorts over index arrays, then scanned once.
 */

import { toIndexedColumns, type KeyedTransactionColumns, type TransactionColumns } from "./transactions.ts";
import { ZonedDayCalculator, assertValidTimeZone } from "./time-zone.ts";

export type Period = "day" | "week";

export const DAYS_PER_PERIOD: Readonly<Record<Period, number>> = { day: 1, week: 7 };

export interface SummaryOptions {
  /** Transactions at or before this instant form the calibration period. */
  calibrationEndMs: number;
  /** IANA zone whose calendar days define purchases. Default "UTC". */
  timeZone?: string;
  /** Time unit of recency and age. Default "week". */
  period?: Period;
  /**
   * Transactions after the calibration end and at or before this instant are
   * holdout purchases; later ones are ignored (and counted). Default: no limit.
   */
  holdoutEndMs?: number;
  /** Also return every customer's calibration purchase days with their amounts (`purchaseDays`), e.g. for backtests. */
  keepPurchaseDays?: boolean;
}

/**
 * Calibration purchase days per customer row, as compressed rows: the days of row i are
 * day[offsets[i]] … day[offsets[i+1] − 1], ascending, with the day's total amount.
 */
export interface PurchaseDays {
  offsets: Int32Array;
  day: Int32Array;
  amount: Float64Array;
}

export interface SummaryCounts {
  /** All input transactions. */
  transactions: number;
  /** Rows with a non-finite (or beyond ±8.64e15 ms) time or amount, or a customer index out of range: skipped. */
  invalidTransactions: number;
  calibrationTransactions: number;
  holdoutTransactions: number;
  /** After the holdout end: skipped. */
  afterHoldoutTransactions: number;
  /** Customers whose first transaction falls after the calibration end (not in the rows). */
  customersOnlyAfterCalibration: number;
  /** Holdout purchase days of those customers. */
  holdoutPurchasesOfNewCustomers: number;
}

/** One row per customer with at least one calibration transaction, in key-table order. */
export interface CustomerSummary {
  period: Period;
  daysPerPeriod: number;
  timeZone: string;
  /** Local day number (days since 1970-01-01 in the zone) of the calibration end. */
  calibrationEndDay: number;
  /** Local day number of the holdout end (= calibrationEndDay when there is no holdout). */
  holdoutEndDay: number;
  /** Holdout length in periods. */
  holdoutLength: number;
  count: number;
  customerKeys: string[];
  /** Row → index in the input key table. */
  customerIndex: Int32Array;
  /** x: repeat purchase days in calibration. */
  frequency: Int32Array;
  /** t_x in periods. */
  recency: Float64Array;
  /** T in periods. */
  T: Float64Array;
  /** Mean of the repeat purchase days' amounts; 0 when x = 0. */
  monetary: Float64Array;
  recencyDays: Int32Array;
  ageDays: Int32Array;
  firstPurchaseDay: Int32Array;
  lastPurchaseDay: Int32Array;
  /** Purchase days in calibration (= x + 1). */
  orders: Int32Array;
  /** Sum of all calibration amounts (first purchase included). */
  totalSpend: Float64Array;
  /** Holdout purchase days. */
  holdoutPurchases: Int32Array;
  /**
   * Distinct calendar weeks (Monday to Sunday) with a holdout purchase: how
   * weekly data sets such as the published CDNOW figures count purchases.
   */
  holdoutPurchaseWeeks: Int32Array;
  holdoutSpend: Float64Array;
  counts: SummaryCounts;
  /** With `keepPurchaseDays`: the calibration purchase days of every row. */
  purchaseDays?: PurchaseDays;
}

/** The range of a JavaScript Date (±100 million days around 1970); times beyond it are invalid. */
const MAX_TIME_MS = 8.64e15;

/** Beyond this day range the counting sort by day would need a large table: use a comparison sort. */
const MAX_COUNTING_SORT_DAYS = 1 << 22;

/**
 * Orders the given transaction indices by (customer, day) with two stable
 * counting sorts (least significant key first).
 */
function orderByCustomerThenDay(
  indices: Int32Array,
  days: Int32Array,
  customerIndex: Int32Array,
  minDay: number,
  maxDay: number,
  customerCount: number,
): Int32Array {
  const n = indices.length;
  let byDay: Int32Array;
  const dayRange = maxDay - minDay + 1;
  if (n === 0) return indices;
  if (dayRange <= MAX_COUNTING_SORT_DAYS) {
    const starts = new Int32Array(dayRange + 1);
    for (let k = 0; k < n; k++) starts[days[indices[k]] - minDay + 1]++;
    for (let d = 0; d < dayRange; d++) starts[d + 1] += starts[d];
    byDay = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const i = indices[k];
      byDay[starts[days[i] - minDay]++] = i;
    }
  } else {
    byDay = Int32Array.from(indices).sort((i, j) => days[i] - days[j] || i - j);
  }
  const starts = new Int32Array(customerCount + 1);
  for (let k = 0; k < n; k++) starts[customerIndex[byDay[k]] + 1]++;
  for (let c = 0; c < customerCount; c++) starts[c + 1] += starts[c];
  const ordered = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = byDay[k];
    ordered[starts[customerIndex[i]]++] = i;
  }
  return ordered;
}

export function summarizeTransactions(input: TransactionColumns | KeyedTransactionColumns, options: SummaryOptions): CustomerSummary {
  const columns = toIndexedColumns(input);
  const timeZone = options.timeZone ?? "UTC";
  const period = options.period ?? "week";
  assertValidTimeZone(timeZone);
  if (!Object.hasOwn(DAYS_PER_PERIOD, period)) throw new RangeError(`period must be "day" or "week", got "${String(period)}"`);
  const calibrationEndMs = options.calibrationEndMs;
  if (!(Math.abs(calibrationEndMs) <= MAX_TIME_MS)) throw new RangeError("calibrationEndMs must be a valid time in ms");
  const holdoutEndMs = options.holdoutEndMs ?? Infinity;
  const daysPerPeriod = DAYS_PER_PERIOD[period];

  const { customerIndex, customerKeys, timesMs, amounts } = columns;
  const n = customerIndex.length;
  const customerCount = customerKeys.length;

  // Pass 1: validity, range of times.
  const kept = new Int32Array(n);
  let keptCount = 0;
  let invalid = 0;
  let afterHoldout = 0;
  let minMs = Infinity;
  let maxMs = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = timesMs[i];
    const c = customerIndex[i];
    if (!(Math.abs(t) <= MAX_TIME_MS) || !Number.isFinite(amounts[i]) || c < 0 || c >= customerCount) {
      invalid++;
      continue;
    }
    if (t > holdoutEndMs) {
      afterHoldout++;
      continue;
    }
    kept[keptCount++] = i;
    if (t < minMs) minMs = t;
    if (t > maxMs) maxMs = t;
  }
  const indices = kept.subarray(0, keptCount);

  // Pass 2: local day numbers (the zone table covers the transactions and the period ends).
  const rangeStart = Math.min(minMs, calibrationEndMs);
  const rangeEnd = Math.max(maxMs, calibrationEndMs, Number.isFinite(holdoutEndMs) ? holdoutEndMs : -Infinity);
  const calculator = new ZonedDayCalculator(timeZone, rangeStart, rangeEnd);
  const days = new Int32Array(n);
  let minDay = 0;
  let maxDay = 0;
  for (let k = 0; k < keptCount; k++) {
    const i = indices[k];
    const day = calculator.dayNumber(timesMs[i]);
    days[i] = day;
    if (k === 0 || day < minDay) minDay = day;
    if (k === 0 || day > maxDay) maxDay = day;
  }
  const calibrationEndDay = calculator.dayNumber(calibrationEndMs);
  const holdoutEndDay = Number.isFinite(holdoutEndMs)
    ? Math.max(calibrationEndDay, calculator.dayNumber(holdoutEndMs))
    : Math.max(calibrationEndDay, keptCount > 0 ? maxDay : calibrationEndDay);

  const ordered = orderByCustomerThenDay(indices, days, customerIndex, minDay, maxDay, customerCount);

  // Pass 3: one scan per customer segment.
  const rowCustomer = new Int32Array(customerCount);
  const frequency = new Int32Array(customerCount);
  const firstPurchaseDay = new Int32Array(customerCount);
  const lastPurchaseDay = new Int32Array(customerCount);
  const totalSpend = new Float64Array(customerCount);
  const repeatSpend = new Float64Array(customerCount);
  const holdoutPurchases = new Int32Array(customerCount);
  const holdoutPurchaseWeeks = new Int32Array(customerCount);
  const holdoutSpend = new Float64Array(customerCount);
  let rows = 0;
  let calibrationTransactions = 0;
  let holdoutTransactions = 0;
  let customersOnlyAfterCalibration = 0;
  let holdoutPurchasesOfNewCustomers = 0;
  const keepDays = options.keepPurchaseDays === true;
  const dayOffsets = keepDays ? new Int32Array(customerCount + 1) : null;
  const dayList = keepDays ? new Int32Array(keptCount) : null;
  const dayAmounts = keepDays ? new Float64Array(keptCount) : null;
  let dayCount = 0;

  let k = 0;
  while (k < keptCount) {
    const customer = customerIndex[ordered[k]];
    let calibrationDays = 0;
    let firstDay = 0;
    let lastDay = 0;
    let total = 0;
    let repeat = 0;
    let holdoutDays = 0;
    let lastHoldoutDay = 0;
    let holdoutWeeks = 0;
    let lastHoldoutWeek = 0;
    let holdoutTotal = 0;
    for (; k < keptCount && customerIndex[ordered[k]] === customer; k++) {
      const i = ordered[k];
      const day = days[i];
      const amount = amounts[i];
      if (timesMs[i] <= calibrationEndMs) {
        calibrationTransactions++;
        if (calibrationDays === 0) {
          firstDay = day;
          lastDay = day;
          calibrationDays = 1;
          if (dayList) dayList[dayCount++] = day;
        } else if (day !== lastDay) {
          lastDay = day;
          calibrationDays++;
          if (dayList) dayList[dayCount++] = day;
        }
        if (dayAmounts) dayAmounts[dayCount - 1] += amount;
        total += amount;
        if (day !== firstDay) repeat += amount;
      } else {
        holdoutTransactions++;
        if (holdoutDays === 0 || day !== lastHoldoutDay) {
          // Day 0 (1970-01-01) was a Thursday, so Monday-based weeks start at day 4: week = ⌊(day + 3) / 7⌋.
          const week = Math.floor((day + 3) / 7);
          if (holdoutDays === 0 || week !== lastHoldoutWeek) {
            holdoutWeeks++;
            lastHoldoutWeek = week;
          }
          holdoutDays++;
          lastHoldoutDay = day;
        }
        holdoutTotal += amount;
      }
    }
    if (calibrationDays === 0) {
      customersOnlyAfterCalibration++;
      holdoutPurchasesOfNewCustomers += holdoutDays;
      continue;
    }
    if (dayOffsets) dayOffsets[rows + 1] = dayCount;
    rowCustomer[rows] = customer;
    frequency[rows] = calibrationDays - 1;
    firstPurchaseDay[rows] = firstDay;
    lastPurchaseDay[rows] = lastDay;
    totalSpend[rows] = total;
    repeatSpend[rows] = repeat;
    holdoutPurchases[rows] = holdoutDays;
    holdoutPurchaseWeeks[rows] = holdoutWeeks;
    holdoutSpend[rows] = holdoutTotal;
    rows++;
  }

  const recency = new Float64Array(rows);
  const T = new Float64Array(rows);
  const monetary = new Float64Array(rows);
  const recencyDays = new Int32Array(rows);
  const ageDays = new Int32Array(rows);
  const orders = new Int32Array(rows);
  const keys = new Array<string>(rows);
  for (let r = 0; r < rows; r++) {
    recencyDays[r] = lastPurchaseDay[r] - firstPurchaseDay[r];
    ageDays[r] = calibrationEndDay - firstPurchaseDay[r];
    recency[r] = recencyDays[r] / daysPerPeriod;
    T[r] = ageDays[r] / daysPerPeriod;
    monetary[r] = frequency[r] > 0 ? repeatSpend[r] / frequency[r] : 0;
    orders[r] = frequency[r] + 1;
    keys[r] = customerKeys[rowCustomer[r]];
  }

  return {
    period,
    daysPerPeriod,
    timeZone,
    calibrationEndDay,
    holdoutEndDay,
    holdoutLength: (holdoutEndDay - calibrationEndDay) / daysPerPeriod,
    count: rows,
    customerKeys: keys,
    customerIndex: rowCustomer.slice(0, rows),
    frequency: frequency.slice(0, rows),
    recency,
    T,
    monetary,
    recencyDays,
    ageDays,
    firstPurchaseDay: firstPurchaseDay.slice(0, rows),
    lastPurchaseDay: lastPurchaseDay.slice(0, rows),
    orders,
    totalSpend: totalSpend.slice(0, rows),
    holdoutPurchases: holdoutPurchases.slice(0, rows),
    holdoutPurchaseWeeks: holdoutPurchaseWeeks.slice(0, rows),
    holdoutSpend: holdoutSpend.slice(0, rows),
    counts: {
      transactions: n,
      invalidTransactions: invalid,
      calibrationTransactions,
      holdoutTransactions,
      afterHoldoutTransactions: afterHoldout,
      customersOnlyAfterCalibration,
      holdoutPurchasesOfNewCustomers,
    },
    ...(dayOffsets && dayList && dayAmounts
      ? { purchaseDays: { offsets: dayOffsets.slice(0, rows + 1), day: dayList.slice(0, dayCount), amount: dayAmounts.slice(0, dayCount) } }
      : {}),
  };
}
