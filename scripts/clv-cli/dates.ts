/**
 * Date parsing for the CLI (by hand, one pass over the characters: it runs
 * once per row of files with millions of rows). Accepted forms:
 * - `YYYY-MM-DD` or `YYYYMMDD`: a calendar date in the analysis time zone
 *   (placed at local noon, so the purchase day is that date whatever the zone);
 * - ISO date-time `YYYY-MM-DD[T ]HH:MM[:SS[.fff]]` with an offset (`Z`,
 *   `+02:00`, `+0200`, or Shopify's ` -0500`): that instant;
 * - the same without an offset: wall-clock time in the analysis time zone.
 *
 * Zone offsets are cached per calendar date and per local quarter hour, so
 * millions of rows cost few Intl calls.
 */

import { instantOfLocalTime, isUtcZone } from "../../app/clv/index.ts";

const DATE_ONLY = /^(\d{4})-?(\d{2})-?(\d{2})$/;
const QUARTER_HOUR_MS = 900_000;
const DAY_MS = 86_400_000;

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const length = month === 2 ? (isLeapYear(year) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= length;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date, by arithmetic (no Date
 * object per row): count from 0000-03-01 in 400-year eras of 146 097 days,
 * with March as the first month so that the leap day ends the year.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Value of `count` decimal digits at `start`, or −1 if any of them is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = text.charCodeAt(i) - 48;
    if (!(code >= 0 && code <= 9)) return -1;
    value = value * 10 + code;
  }
  return value;
}

export class DateParser {
  private readonly utc: boolean;
  private readonly noonOfDate = new Map<number, number>();
  private readonly offsetOfQuarterHour = new Map<number, number>();

  constructor(readonly timeZone: string) {
    this.utc = isUtcZone(timeZone);
  }

  /** Instant (ms since 1970 UTC) of the text, or NaN when it is not a date in an accepted form. */
  parse(text: string): number {
    const value = text.trim();
    const length = value.length;
    // YYYYMMDD
    if (length === 8) {
      const year = digitsAt(value, 0, 4);
      const month = digitsAt(value, 4, 2);
      const day = digitsAt(value, 6, 2);
      if (year < 0 || month < 0 || day < 0 || !validDate(year, month, day)) return NaN;
      return this.localNoon(year, month, day);
    }
    if (length < 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return NaN; // "-"
    const year = digitsAt(value, 0, 4);
    const month = digitsAt(value, 5, 2);
    const day = digitsAt(value, 8, 2);
    if (year < 0 || month < 0 || day < 0 || !validDate(year, month, day)) return NaN;
    if (length === 10) return this.localNoon(year, month, day);

    // YYYY-MM-DD[T ]HH:MM[:SS[.fff…]][ ][Z|±HH[[:]MM]]
    const separator = value.charCodeAt(10);
    if (separator !== 84 && separator !== 116 && separator !== 32) return NaN; // "T", "t", " "
    const hour = digitsAt(value, 11, 2);
    const minute = value.charCodeAt(13) === 58 ? digitsAt(value, 14, 2) : -1; // ":"
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return NaN;
    let position = 16;
    let second = 0;
    let milliseconds = 0;
    if (value.charCodeAt(position) === 58) {
      second = digitsAt(value, position + 1, 2);
      if (second < 0 || second > 59) return NaN;
      position += 3;
      const mark = value.charCodeAt(position);
      if (mark === 46 || mark === 44) {
        // Fraction: milliseconds from the first three digits, the rest must be digits too.
        position++;
        let digits = 0;
        while (position < length) {
          const code = value.charCodeAt(position) - 48;
          if (!(code >= 0 && code <= 9)) break;
          if (digits < 3) milliseconds = milliseconds * 10 + code;
          digits++;
          position++;
        }
        if (digits === 0) return NaN;
        for (let d = digits; d < 3; d++) milliseconds *= 10;
      }
    }
    const local = (daysFromCivil(year, month, day) * 24 + hour) * 3_600_000 + minute * 60_000 + second * 1000 + milliseconds;
    while (value.charCodeAt(position) === 32) position++;
    if (position === length) return this.localToInstant(local);
    const zone = value.charCodeAt(position);
    if ((zone === 90 || zone === 122) && position + 1 === length) return local; // "Z"
    if (zone !== 43 && zone !== 45) return NaN; // "+" or "-"
    const offsetHours = digitsAt(value, position + 1, 2);
    let rest = position + 3;
    if (value.charCodeAt(rest) === 58) rest++;
    const offsetMinutes = rest === length ? 0 : digitsAt(value, rest, 2);
    if (offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59) return NaN;
    if (rest !== length && rest + 2 !== length) return NaN;
    const sign = zone === 45 ? -1 : 1;
    return local - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  }

  private localNoon(year: number, month: number, day: number): number {
    const key = year * 10_000 + month * 100 + day;
    let instant = this.noonOfDate.get(key);
    if (instant === undefined) {
      instant = instantOfLocalTime(daysFromCivil(year, month, day) * DAY_MS + 12 * 3_600_000, this.timeZone);
      this.noonOfDate.set(key, instant);
    }
    return instant;
  }

  /** Wall-clock time in the zone → instant; zone transitions fall on quarter hours, so the offset is cached per local quarter hour. */
  private localToInstant(localMs: number): number {
    if (this.utc) return localMs;
    const bucket = Math.floor(localMs / QUARTER_HOUR_MS);
    let offset = this.offsetOfQuarterHour.get(bucket);
    if (offset === undefined) {
      const start = bucket * QUARTER_HOUR_MS;
      offset = start - instantOfLocalTime(start, this.timeZone);
      this.offsetOfQuarterHour.set(bucket, offset);
    }
    return localMs - offset;
  }
}

/** Parses `YYYY-MM-DD` (or `YYYYMMDD`) into a calendar day number, or null. */
export function parseCalendarDay(text: string): number | null {
  const match = DATE_ONLY.exec(text.trim());
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (!validDate(year, month, day)) return null;
  return daysFromCivil(year, month, day);
}
