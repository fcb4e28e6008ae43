// The dashboard's date range and comparison period, on the shop's calendar: "last 30 days" ends today in
// the shop's time zone, and each day starts at the shop's midnight. Read from the URL (range, from, to,
// compare); anything invalid falls back to the default.
import { dayNumberInZone, dayNumberOfDate, isoDateOfDayNumber, startOfDayInZone } from "~/clv/time-zone";

export const RANGE_PRESETS = ["7d", "30d", "90d", "365d"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const COMPARISONS = ["previous", "year", "none"] as const;
export type Comparison = (typeof COMPARISONS)[number];

const PRESET_DAYS: Record<RangePreset, number> = { "7d": 7, "30d": 30, "90d": 90, "365d": 365 };
/** A custom range may span at most this many days (ten years: the store's whole history, not more). */
const MAX_DAYS = 3_660;

export interface DayRange {
  /** First and last day, inclusive, as ISO dates on the shop's calendar. */
  from: string;
  to: string;
  days: number;
  /** [start, end) as instants: the shop's midnight at the start of `from` and after `to`. */
  startsAt: Date;
  endsBefore: Date;
}

export interface DashboardPeriod {
  /** The preset chosen, or "custom" for explicit from/to dates. */
  range: RangePreset | "custom";
  compare: Comparison;
  current: DayRange;
  previous: DayRange | null;
}

function dayOfIsoDate(value: string | null): number | null {
  const match = value ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const number = dayNumberOfDate(year, month, day);
  // Reject 2026-02-31 and friends: the day must come back as the same date.
  return isoDateOfDayNumber(number) === value ? number : null;
}

function dayRange(firstDay: number, lastDay: number, timeZone: string): DayRange {
  return {
    from: isoDateOfDayNumber(firstDay),
    to: isoDateOfDayNumber(lastDay),
    days: lastDay - firstDay + 1,
    startsAt: new Date(startOfDayInZone(firstDay, timeZone)),
    endsBefore: new Date(startOfDayInZone(lastDay + 1, timeZone)),
  };
}

/** The same calendar dates one year earlier (29 February becomes 28 February). */
function yearEarlier(day: number): number {
  const [year, month, date] = isoDateOfDayNumber(day).split("-").map(Number);
  const candidate = dayNumberOfDate(year - 1, month, date);
  return isoDateOfDayNumber(candidate).slice(5, 7) === String(month).padStart(2, "0") ? candidate : dayNumberOfDate(year - 1, month, 28);
}

export function parseDashboardPeriod(params: URLSearchParams, timeZone: string, now = new Date()): DashboardPeriod {
  const today = dayNumberInZone(now.getTime(), timeZone);
  const compareParam = params.get("compare");
  const compare: Comparison =
    compareParam && (COMPARISONS as readonly string[]).includes(compareParam) ? (compareParam as Comparison) : "previous";
  const rangeParam = params.get("range");
  const preset: RangePreset = rangeParam && (RANGE_PRESETS as readonly string[]).includes(rangeParam) ? (rangeParam as RangePreset) : "30d";
  let range: RangePreset | "custom" = preset;
  let first = today - PRESET_DAYS[preset] + 1;
  let last = today;
  if (rangeParam === "custom") {
    const from = dayOfIsoDate(params.get("from"));
    const to = dayOfIsoDate(params.get("to"));
    if (from !== null && to !== null && from <= to && to - from < MAX_DAYS) {
      range = "custom";
      first = from;
      last = to;
    }
  }
  const length = last - first + 1;
  const previous =
    compare === "none"
      ? null
      : compare === "year"
        ? dayRange(yearEarlier(first), yearEarlier(last), timeZone)
        : dayRange(first - length, first - 1, timeZone);
  return { range, compare, current: dayRange(first, last, timeZone), previous };
}
