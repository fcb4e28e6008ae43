import { describe, expect, it } from "vitest";
import { DateParser, parseCalendarDay } from "../../scripts/clv-cli/dates.ts";

describe("CLI date parsing", () => {
  const utc = new DateParser("UTC");

  it("reads dates as local noon and date-times with offsets as instants", () => {
    expect(utc.parse("2024-02-29")).toBe(Date.parse("2024-02-29T12:00:00Z"));
    expect(utc.parse("19970101")).toBe(Date.parse("1997-01-01T12:00:00Z"));
    expect(utc.parse(" 2024-01-05T10:20:30Z ")).toBe(Date.parse("2024-01-05T10:20:30Z"));
    expect(utc.parse("2024-01-05T10:20:30.1234+02:00")).toBe(Date.parse("2024-01-05T08:20:30.123Z"));
    expect(utc.parse("2024-01-05 09:59:00 -0500")).toBe(Date.parse("2024-01-05T14:59:00Z"));
    expect(utc.parse("2024-01-05T09:59+05")).toBe(Date.parse("2024-01-05T04:59:00Z"));
    expect(utc.parse("2024-01-05 09:59")).toBe(Date.parse("2024-01-05T09:59:00Z"));
    expect(utc.parse("1899-12-31")).toBe(Date.UTC(1899, 11, 31, 12));
  });

  it("reads wall-clock times in the analysis zone", () => {
    const newYork = new DateParser("America/New_York");
    expect(newYork.parse("2024-07-01 08:00")).toBe(Date.parse("2024-07-01T12:00:00Z"));
    expect(newYork.parse("2024-01-01T08:00:00")).toBe(Date.parse("2024-01-01T13:00:00Z"));
    expect(newYork.parse("2024-03-10")).toBe(Date.parse("2024-03-10T16:00:00Z"));
    const kathmandu = new DateParser("Asia/Kathmandu");
    expect(kathmandu.parse("2024-01-01 00:20")).toBe(Date.parse("2023-12-31T18:35:00Z"));
  });

  it("rejects what is not a valid date in an accepted form", () => {
    for (const text of [
      "",
      "2024-02-30",
      "2023-02-29",
      "2024-13-01",
      "2024/01/01",
      "01/02/2024",
      "2024-01-01T25:00",
      "2024-01-01T10:61",
      "2024-01-01T10:00:00+2",
      "2024-01-01T10:00Zx",
      "20241301",
      "yesterday",
      "2024-01-01T10:00:00.",
    ]) {
      expect(utc.parse(text), text).toBeNaN();
    }
  });

  it("reads a calendar day", () => {
    expect(parseCalendarDay("1997-09-30")).toBe(Date.UTC(1997, 8, 30) / 86_400_000);
    expect(parseCalendarDay("1997-02-30")).toBeNull();
  });
});
