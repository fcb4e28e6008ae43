/**
 * A zone's UTC offsets over a span as a list of transitions, so that a database can compute local day
 * numbers itself (app/data/rescore.server.ts): day = floor((utcMs + offset(utcMs)) / 86 400 000), the
 * offset being the last transition's at or before the instant, exactly as ZonedDayCalculator finds it.
 *
 * The offset is sampled every `stepDays` days and every change is bisected to the millisecond; two changes
 * within one step that cancel each other out would be missed, which no zone's rules since 1970 do with a
 * step of a week (the shortest DST periods last weeks).
 */

import { zoneOffsetMs } from "./time-zone.ts";

export interface ZoneTransitions {
  fromMs: number;
  toMs: number;
  /** Offset at fromMs. */
  initialOffsetMs: number;
  /** Ascending: from atMs on, the offset is offsetMs. */
  changes: { atMs: number; offsetMs: number }[];
}

export function zoneTransitions(timeZone: string, fromMs: number, toMs: number, stepDays = 7): ZoneTransitions {
  const step = stepDays * 86_400_000;
  const initialOffsetMs = zoneOffsetMs(timeZone, fromMs);
  const changes: { atMs: number; offsetMs: number }[] = [];
  let previousMs = fromMs;
  let previousOffset = initialOffsetMs;
  for (let at = fromMs + step; ; at += step) {
    const sample = Math.min(at, toMs);
    // Each change in (previousMs, sample], the first millisecond with the new offset found by bisection.
    while (zoneOffsetMs(timeZone, sample) !== previousOffset) {
      let low = previousMs;
      let high = sample;
      while (high - low > 1) {
        const mid = Math.floor((low + high) / 2);
        if (zoneOffsetMs(timeZone, mid) === previousOffset) low = mid;
        else high = mid;
      }
      previousOffset = zoneOffsetMs(timeZone, high);
      changes.push({ atMs: high, offsetMs: previousOffset });
      previousMs = high;
    }
    previousMs = sample;
    if (sample >= toMs) break;
  }
  return { fromMs, toMs, initialOffsetMs, changes };
}
