import { describe, expect, it } from "vitest";
import {
  addMonths,
  civilDateOf,
  dayNumberOf,
  isoDateOf,
  nextAnnualDate,
  rollingWindowExitDay,
  rollingWindowStart,
  shopDayOf,
} from "../../app/loyalty/index.ts";
import { day } from "./helpers.ts";

const DAY_MS = 86_400_000;

describe("day numbers", () => {
  it("agree with Date.UTC over four centuries, both ways", () => {
    const mismatches: number[] = [];
    let checked = 0;
    for (let n = dayNumberOf(1890, 1, 1); n <= dayNumberOf(2290, 12, 31); n += 3) {
      const date = new Date(n * DAY_MS);
      const civil = civilDateOf(n);
      const back = dayNumberOf(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
      if (civil.year !== date.getUTCFullYear() || civil.month !== date.getUTCMonth() + 1 || civil.day !== date.getUTCDate() || back !== n) {
        mismatches.push(n);
      }
      checked += 1;
    }
    expect(checked).toBeGreaterThan(48_000);
    expect(mismatches).toEqual([]);
  });

  it("uses the shop's calendar: 23:30 UTC on 31 December is already 1 January in Berlin", () => {
    const instant = Date.parse("2024-12-31T23:30:00Z");
    expect(isoDateOf(shopDayOf(instant, "UTC"))).toBe("2024-12-31");
    expect(isoDateOf(shopDayOf(instant, "Europe/Berlin"))).toBe("2025-01-01");
    expect(isoDateOf(shopDayOf(instant, "America/Los_Angeles"))).toBe("2024-12-31");
  });
});

describe("month arithmetic", () => {
  it("clamps to the end of shorter months", () => {
    expect(isoDateOf(addMonths(day("2025-01-31"), 1))).toBe("2025-02-28");
    expect(isoDateOf(addMonths(day("2024-01-31"), 1))).toBe("2024-02-29");
    expect(isoDateOf(addMonths(day("2024-02-29"), 12))).toBe("2025-02-28");
    expect(isoDateOf(addMonths(day("2025-03-31"), -1))).toBe("2025-02-28");
    expect(isoDateOf(addMonths(day("2025-11-15"), 3))).toBe("2026-02-15");
    expect(isoDateOf(addMonths(day("2025-01-15"), -13))).toBe("2023-12-15");
  });

  it("rolling window: 15 March 2025 covers 16 March 2024 to 15 March 2025", () => {
    expect(isoDateOf(rollingWindowStart(day("2025-03-15")))).toBe("2024-03-16");
    expect(isoDateOf(rollingWindowStart(day("2025-02-28")))).toBe("2024-02-29");
    expect(isoDateOf(rollingWindowStart(day("2025-03-01")))).toBe("2024-03-02");
  });

  it("an activity leaves the rolling window on the first day whose window starts after it", () => {
    for (let d = day("2023-01-01"); d <= day("2025-12-31"); d++) {
      let bruteForce = d + 1;
      while (rollingWindowStart(bruteForce) <= d) bruteForce += 1;
      expect(rollingWindowExitDay(d)).toBe(bruteForce);
    }
    expect(isoDateOf(rollingWindowExitDay(day("2024-02-29")))).toBe("2025-03-01");
    expect(isoDateOf(rollingWindowExitDay(day("2024-06-01")))).toBe("2025-06-01");
  });

  it("finds the next yearly review date strictly after a day", () => {
    expect(isoDateOf(nextAnnualDate(day("2025-03-10"), 1, 1))).toBe("2026-01-01");
    expect(isoDateOf(nextAnnualDate(day("2025-01-01"), 1, 1))).toBe("2026-01-01");
    expect(isoDateOf(nextAnnualDate(day("2024-12-31"), 1, 1))).toBe("2025-01-01");
    expect(isoDateOf(nextAnnualDate(day("2025-03-10"), 7, 1))).toBe("2025-07-01");
  });
});
