/**
 * Calendar days in an IANA time zone without calling Intl per transaction.
 *
 * A "day number" is the number of days since 1970-01-01 in the zone's local
 * calendar: floor((utcMs + offsetMs) / 86 400 000).
 *
 * Offsets change only at transitions (DST, legislation), at most about twice
 * a year. `ZonedDayCalculator` asks Intl for the offset at the start and end
 * of each UTC day it meets; when they differ it finds the transition instant
 * by bisection (to the millisecond), so a day costs two or three Intl calls
 * once and every transaction then costs a lookup.
 */

export const MS_PER_DAY = 86_400_000;
const MAX_TABLE_DAYS = 200_000;

const formatterCache = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatterCache.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
    formatterCache.set(timeZone, formatter);
  }
  return formatter;
}

/** True for "UTC" and its aliases, which need no Intl at all. */
export function isUtcZone(timeZone: string): boolean {
  const upper = timeZone.toUpperCase();
  return upper === "UTC" || upper === "ETC/UTC" || upper === "GMT" || upper === "ETC/GMT" || upper === "Z";
}

/** Throws a RangeError naming the zone when it is not a valid IANA time zone. */
export function assertValidTimeZone(timeZone: string): void {
  if (isUtcZone(timeZone)) return;
  try {
    formatterFor(timeZone);
  } catch {
    throw new RangeError(`Unknown time zone "${timeZone}": use an IANA name such as "UTC" or "Europe/Berlin"`);
  }
}

/** Offset of the zone's local time from UTC, in ms, at the given instant (one Intl call). */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  if (isUtcZone(timeZone)) return 0;
  const wholeSecondMs = Math.floor(utcMs / 1000) * 1000;
  const parts = formatterFor(timeZone).formatToParts(new Date(wholeSecondMs));
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let beforeCommonEra = false;
  for (const part of parts) {
    switch (part.type) {
      case "year":
        year = Number(part.value);
        break;
      case "month":
        month = Number(part.value);
        break;
      case "day":
        day = Number(part.value);
        break;
      case "hour":
        hour = Number(part.value);
        break;
      case "minute":
        minute = Number(part.value);
        break;
      case "second":
        second = Number(part.value);
        break;
      case "era":
        beforeCommonEra = part.value.startsWith("B");
        break;
    }
  }
  if (beforeCommonEra) year = 1 - year;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC maps years 0–99 to 1900–1999; correct for that edge.
  const local = year >= 0 && year < 100 ? new Date(asUtc).setUTCFullYear(year) : asUtc;
  return local - wholeSecondMs;
}

/** Local day number of an instant, with one Intl call (use ZonedDayCalculator in loops). */
export function dayNumberInZone(utcMs: number, timeZone: string): number {
  return Math.floor((utcMs + zoneOffsetMs(timeZone, utcMs)) / MS_PER_DAY);
}

/** Day number of a calendar date (no zone involved). */
export function dayNumberOfDate(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

/** ISO date (YYYY-MM-DD) of a day number. */
export function isoDateOfDayNumber(dayNumber: number): string {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * The UTC instant at which the local time in the zone is `localMs` (ms since
 * 1970 on the local wall clock). Near a transition the result is the first
 * matching instant (gaps map forward).
 */
export function instantOfLocalTime(localMs: number, timeZone: string): number {
  if (isUtcZone(timeZone)) return localMs;
  let guess = localMs - zoneOffsetMs(timeZone, localMs);
  // Two refinements settle on a consistent offset except inside a DST gap.
  for (let i = 0; i < 2; i++) {
    const next = localMs - zoneOffsetMs(timeZone, guess);
    if (next === guess) break;
    guess = next;
  }
  return guess;
}

/** First instant of the local day `dayNumber` in the zone. */
export function startOfDayInZone(dayNumber: number, timeZone: string): number {
  const target = dayNumber * MS_PER_DAY;
  let instant = instantOfLocalTime(target, timeZone);
  // In a zone that skips midnight, the day begins at the first instant that lies in it.
  while (dayNumberInZone(instant, timeZone) < dayNumber) instant += 60_000;
  while (dayNumberInZone(instant - 1, timeZone) >= dayNumber) instant -= 60_000;
  return instant;
}

/** Last millisecond of the local day `dayNumber` in the zone. */
export function endOfDayInZone(dayNumber: number, timeZone: string): number {
  return startOfDayInZone(dayNumber + 1, timeZone) - 1;
}

/**
 * Converts many instants to local day numbers. For each UTC day in
 * [minUtcMs, maxUtcMs] that holds an instant it records, on first use, the
 * offset before and after at most one transition inside that day; instants
 * outside the range fall back to Intl.
 */
export class ZonedDayCalculator {
  private readonly utc: boolean;
  private readonly firstUtcDay: number;
  private readonly offsetBefore: Float64Array;
  private readonly offsetAfter: Float64Array;
  private readonly transitionAt: Float64Array;

  constructor(
    readonly timeZone: string,
    minUtcMs: number,
    maxUtcMs: number,
  ) {
    assertValidTimeZone(timeZone);
    this.utc = isUtcZone(timeZone);
    const valid = Number.isFinite(minUtcMs) && Number.isFinite(maxUtcMs) && maxUtcMs >= minUtcMs;
    this.firstUtcDay = valid ? Math.floor(minUtcMs / MS_PER_DAY) : 0;
    const span = valid ? Math.floor(maxUtcMs / MS_PER_DAY) - this.firstUtcDay + 1 : 0;
    // Beyond this span (about 550 years) the table would be large; such inputs fall back to Intl.
    const dayCount = this.utc || span > MAX_TABLE_DAYS ? 0 : span;
    this.offsetBefore = new Float64Array(dayCount).fill(NaN);
    this.offsetAfter = new Float64Array(dayCount);
    this.transitionAt = new Float64Array(dayCount);
  }

  /** Fills the table entry of one UTC day on first use (days without transactions cost nothing). */
  private fillDay(index: number): void {
    const dayStart = (this.firstUtcDay + index) * MS_PER_DAY;
    const dayEnd = dayStart + MS_PER_DAY - 1;
    const startOffset = zoneOffsetMs(this.timeZone, dayStart);
    const endOffset = zoneOffsetMs(this.timeZone, dayEnd);
    this.offsetBefore[index] = startOffset;
    this.offsetAfter[index] = endOffset;
    if (startOffset === endOffset) {
      this.transitionAt[index] = Infinity;
      return;
    }
    // Bisect for the first instant carrying the new offset.
    let low = dayStart;
    let high = dayEnd;
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (zoneOffsetMs(this.timeZone, mid) === startOffset) low = mid;
      else high = mid;
    }
    this.transitionAt[index] = high;
  }

  /** Local day number of the instant. */
  dayNumber(utcMs: number): number {
    if (this.utc) return Math.floor(utcMs / MS_PER_DAY);
    const index = Math.floor(utcMs / MS_PER_DAY) - this.firstUtcDay;
    if (index < 0 || index >= this.offsetBefore.length) return dayNumberInZone(utcMs, this.timeZone);
    if (Number.isNaN(this.offsetBefore[index])) this.fillDay(index);
    const offset = utcMs < this.transitionAt[index] ? this.offsetBefore[index] : this.offsetAfter[index];
    return Math.floor((utcMs + offset) / MS_PER_DAY);
  }
}
