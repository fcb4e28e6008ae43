// Ids in JSON-rows parameters (app/data/json-rows.server.ts, compactId): numbers only where exact.
import { describe, expect, it } from "vitest";
import { compactId } from "~/data/json-rows.server";

describe("compactId", () => {
  it("sends canonical integers below 2^53 as numbers that print back as the same digits", () => {
    for (const id of ["1", "7", "450789469", "5012345678901", "999999999999999"]) {
      expect(compactId(id)).toBe(Number(id));
      expect(JSON.stringify(compactId(id))).toBe(id);
    }
  });

  it("keeps every other id a string", () => {
    for (const id of [
      "0",
      "0123",
      "1000000000000000",
      "9007199254740993",
      "12345678901234567890",
      "-5",
      "+5",
      "1e3",
      "1.5",
      " 1",
      "1 ",
      "",
      "c-1",
      "gid://shopify/Customer/1",
    ]) {
      expect(compactId(id)).toBe(id);
    }
    expect(compactId(null)).toBeNull();
  });
});
