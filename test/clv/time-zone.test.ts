import { describe, expect, it } from "vitest";
import {
  dayNumberInZone,
  endOfDayInZone,
  instantOfLocalTime,
  isoDateOfDayNumber,
  startOfDayInZone,
  ZonedDayCalculator,
} from "../../app/clv/index.ts";
import { SeededRandom } from "../../testkit/clv/simulate.ts";

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local calendar date of an instant according to Intl, as a day number (the slow, obvious way). */
function intlDayNumber(utcMs: number, timeZone: string): number {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.format(new Date(utcMs));
  return Math.floor(Date.parse(`${parts}T00:00:00Z`) / 86_400_000);
}

describe("ZonedDayCalculator", () => {
  const zones = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns", "Pacific/Chatham"];
  for (const zone of zones) {
    it(`agrees with Intl on every instant tried in ${zone}, including DST transitions`, () => {
      const from = Date.UTC(2023, 0, 1);
      const to = Date.UTC(2025, 0, 1);
      const calculator = new ZonedDayCalculator(zone, from, to);
      const random = new SeededRandom(zone.length);
      for (let k = 0; k < 3000; k++) {
        const t = from + Math.floor(random.uniform() * (to - from));
        expect(calculator.dayNumber(t), `${zone} ${new Date(t).toISOString()}`).toBe(intlDayNumber(t, zone));
      }
      // Every 15 minutes across the 2024 spring and autumn transition weeks (both hemispheres).
      for (const start of [
        Date.UTC(2024, 2, 8),
        Date.UTC(2024, 2, 29),
        Date.UTC(2024, 3, 4),
        Date.UTC(2024, 8, 26),
        Date.UTC(2024, 9, 25),
        Date.UTC(2024, 10, 1),
      ]) {
        for (let t = start; t < start + 4 * 86_400_000; t += 900_000) {
          expect(calculator.dayNumber(t), `${zone} ${new Date(t).toISOString()}`).toBe(intlDayNumber(t, zone));
        }
      }
    });
  }

  it("falls back to Intl outside its range", () => {
    const calculator = new ZonedDayCalculator("America/New_York", Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2));
    const t = Date.UTC(2020, 5, 1, 2);
    expect(calculator.dayNumber(t)).toBe(intlDayNumber(t, "America/New_York"));
  });
});

describe("local day boundaries", () => {
  it("start and end of a local day bracket exactly that day", () => {
    for (const zone of ["UTC", "America/New_York", "Asia/Kolkata", "America/Sao_Paulo"]) {
      for (const date of ["2024-03-10", "2024-11-03", "2018-11-04", "2024-06-15"]) {
        const day = Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
        const start = startOfDayInZone(day, zone);
        const end = endOfDayInZone(day, zone);
        expect(dayNumberInZone(start, zone), `${zone} ${date}`).toBe(day);
        expect(dayNumberInZone(start - 1, zone), `${zone} ${date}`).toBe(day - 1);
        expect(dayNumberInZone(end, zone), `${zone} ${date}`).toBe(day);
        expect(dayNumberInZone(end + 1, zone), `${zone} ${date}`).toBe(day + 1);
      }
    }
  });

  it("instantOfLocalTime inverts the zone offset", () => {
    const local = Date.parse("2024-07-01T12:34:56Z"); // wall clock 12:34:56
    expect(new Date(instantOfLocalTime(local, "Europe/Berlin")).toISOString()).toBe("2024-07-01T10:34:56.000Z");
    expect(isoDateOfDayNumber(19905)).toBe("2024-07-01");
  });
});
