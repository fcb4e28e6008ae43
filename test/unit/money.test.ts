import { describe, expect, it } from "vitest";
import { currencyDigits, formatMinorDecimal, fromMinorUnits, toMinorUnits } from "~/lib/money";

describe("money in minor units", () => {
  it("knows each currency's minor digits", () => {
    expect(currencyDigits("USD")).toBe(2);
    expect(currencyDigits("jpy")).toBe(0);
    expect(currencyDigits("KWD")).toBe(3);
    expect(() => currencyDigits("XXXX")).toThrow(/unknown currency/);
  });

  it("parses decimal strings exactly, without floats", () => {
    expect(toMinorUnits("181.09", "USD")).toBe(18109);
    expect(toMinorUnits("0.1", "USD")).toBe(10);
    expect(toMinorUnits("1000", "JPY")).toBe(1000);
    expect(toMinorUnits("1000.00", "JPY")).toBe(1000);
    expect(toMinorUnits("1.234", "KWD")).toBe(1234);
    expect(toMinorUnits("-3.5", "USD")).toBe(-350);
    expect(toMinorUnits(19.99, "USD")).toBe(1999);
    expect(toMinorUnits("9007199254740.99", "USD")).toBe(900719925474099);
  });

  it("refuses amounts it would have to round, and non-numbers", () => {
    expect(() => toMinorUnits("1.005", "USD")).toThrow(/more decimals/);
    expect(() => toMinorUnits("12.5", "JPY")).toThrow(/more decimals/);
    expect(() => toMinorUnits("12,50", "EUR")).toThrow(/not a decimal/);
    expect(() => toMinorUnits("", "EUR")).toThrow(/not a decimal/);
    expect(() => toMinorUnits(Number.NaN, "EUR")).toThrow();
  });

  it("formats back to exact decimal strings", () => {
    expect(formatMinorDecimal(18109n, "USD")).toBe("181.09");
    expect(formatMinorDecimal(5, "USD")).toBe("0.05");
    expect(formatMinorDecimal(-350, "USD")).toBe("-3.50");
    expect(formatMinorDecimal(1000, "JPY")).toBe("1000");
    expect(formatMinorDecimal(1234n, "KWD")).toBe("1.234");
    expect(fromMinorUnits(18109n, "USD")).toBeCloseTo(181.09, 10);
  });
});
