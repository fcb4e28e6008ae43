// Calendar arithmetic on day numbers: days since 1970-01-01 on the shop's local calendar.
//
// The loyalty engine never sees instants. Callers turn each order's processed_at into a local day number
// once (dayNumberInZone / ZonedDayCalculator in app/clv/time-zone.ts, which use Intl with the shop's IANA
// zone), because a calendar-year window must cut at the shop's midnight on 1 January, not UTC's. Everything
// here is then plain integer math: no Date objects in the hot loops of a million-customer re-evaluation.

import { dayNumberInZone, startOfDayInZone } from "../clv/time-zone.ts";

/** A day number that means "none" in Int32 columns. */
export const NO_DAY = -2_147_483_648;

export interface CivilDate {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

// Proleptic Gregorian conversions on a 400-year cycle (146,097 days), with March as the first month so the
// leap day falls at the end of a cycle year. Valid for any year representable in a double.
const DAYS_PER_ERA = 146_097;
const DAYS_FROM_0000_03_01_TO_1970_01_01 = 719_468;

/** Day number of a calendar date. */
export function dayNumberOf(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * DAYS_PER_ERA + dayOfEra - DAYS_FROM_0000_03_01_TO_1970_01_01;
}

// civilDateOf's fields, written here by decompose() so that the hot loops (a million customers) read a date
// without allocating an object per call.
let decomposedYear = 1970;
let decomposedMonth = 1;
let decomposedDay = 1;

function decompose(dayNumber: number): void {
  const shifted = dayNumber + DAYS_FROM_0000_03_01_TO_1970_01_01;
  const era = Math.floor(shifted / DAYS_PER_ERA);
  const dayOfEra = shifted - era * DAYS_PER_ERA;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  decomposedDay = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  decomposedMonth = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  decomposedYear = yearOfEra + era * 400 + (decomposedMonth <= 2 ? 1 : 0);
}

/** Calendar date of a day number. */
export function civilDateOf(dayNumber: number): CivilDate {
  decompose(dayNumber);
  return { year: decomposedYear, month: decomposedMonth, day: decomposedDay };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Year of a day number (the calendar-year window's key). */
export function yearOfDay(dayNumber: number): number {
  decompose(dayNumber);
  return decomposedYear;
}

/** 1 January of the year. */
export function firstDayOfYear(year: number): number {
  return dayNumberOf(year, 1, 1);
}

/**
 * The same day of the month `months` later (or earlier when negative); a day that the target month lacks is
 * clamped to its last day (31 March − 1 month = 28 or 29 February), the usual meaning of "N months after".
 */
export function addMonths(dayNumber: number, months: number): number {
  decompose(dayNumber);
  const monthIndex = decomposedYear * 12 + (decomposedMonth - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  return dayNumberOf(year, month, Math.min(decomposedDay, daysInMonth(year, month)));
}

/**
 * First day of the rolling 12-month window that ends on `asOfDay` (inclusive): the day after the same date a
 * year earlier. On 15 March 2025 the window is 16 March 2024 – 15 March 2025.
 */
export function rollingWindowStart(asOfDay: number): number {
  return addMonths(asOfDay, -12) + 1;
}

/**
 * The first day on which an activity of `dayNumber` no longer lies in the rolling 12-month window: the same
 * date a year later, except that 29 February leaves on 1 March (28 February's window still reaches it).
 * Equivalent to: the smallest t with rollingWindowStart(t) > dayNumber.
 */
export function rollingWindowExitDay(dayNumber: number): number {
  decompose(dayNumber);
  if (decomposedMonth === 2 && decomposedDay === 29) return dayNumberOf(decomposedYear + 1, 3, 1);
  return dayNumberOf(decomposedYear + 1, decomposedMonth, decomposedDay);
}

/**
 * The first day strictly after `afterDay` that falls on the given month and day (a yearly review date).
 * Validation refuses 29 February, so every year has one.
 */
export function nextAnnualDate(afterDay: number, month: number, day: number): number {
  const year = yearOfDay(afterDay);
  const thisYear = dayNumberOf(year, month, day);
  return thisYear > afterDay ? thisYear : dayNumberOf(year + 1, month, day);
}

/** ISO date (YYYY-MM-DD) of a day number, for messages and metafields. */
export function isoDateOf(dayNumber: number): string {
  const { year, month, day } = civilDateOf(dayNumber);
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Local day number of an instant in the shop's IANA zone (one Intl call; use ZonedDayCalculator in loops). */
export function shopDayOf(instantMs: number, timeZone: string): number {
  return dayNumberInZone(instantMs, timeZone);
}

/** First instant of a local day in the shop's zone: when an entry dated by a day takes effect. */
export function startOfShopDay(dayNumber: number, timeZone: string): number {
  return startOfDayInZone(dayNumber, timeZone);
}
