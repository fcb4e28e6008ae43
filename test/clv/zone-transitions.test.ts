/** A zone's transitions give every instant the day number ZonedDayCalculator / Intl give it. */

import { describe, expect, it } from "vitest";
import { dayNumberInZone } from "../../app/clv/time-zone.ts";
import { zoneTransitions } from "../../app/clv/zone-transitions.ts";

const offsetAt = (z: ReturnType<typeof zoneTransitions>, t: number) =>
  z.changes.reduce((offset, change) => (t >= change.atMs ? change.offsetMs : offset), z.initialOffsetMs);

describe("zone transitions", () => {
  for (const zone of ["America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe", "Europe/Moscow", "Asia/Tokyo", "UTC"]) {
    it(`give the local day of any instant since 1970 (${zone})`, () => {
      const from = Date.UTC(1970, 0, 1);
      const to = Date.UTC(2027, 0, 1);
      const z = zoneTransitions(zone, from, to);
      // Random instants, and the milliseconds around every transition.
      const instants = Array.from({ length: 3_000 }, (_, i) => from + ((i * 7_919_993_311) % (to - from)));
      for (const c of z.changes) instants.push(c.atMs - 1, c.atMs, c.atMs + 1);
      for (const t of instants)
        expect(Math.floor((t + offsetAt(z, t)) / 86_400_000), new Date(t).toISOString()).toBe(dayNumberInZone(t, zone));
    });
  }

  it("finds New York's two changes a year, to the millisecond", () => {
    const z = zoneTransitions("America/New_York", Date.UTC(2024, 0, 1), Date.UTC(2025, 0, 1));
    expect(z.changes).toEqual([
      { atMs: Date.UTC(2024, 2, 10, 7), offsetMs: -4 * 3_600_000 },
      { atMs: Date.UTC(2024, 10, 3, 6), offsetMs: -5 * 3_600_000 },
    ]);
  });
});
