// The customers list's URL: the likely-to-order sort and the loyalty tier filter read, clamped and written back.
import { describe, expect, it } from "vitest";
import { customerQueryParams, DEFAULT_QUERY, isFiltered, NO_TIER, parseCustomerQuery } from "~/lib/customer-query";

const parse = (query: string) => parseCustomerQuery(new URLSearchParams(query));

describe("customer list query", () => {
  it("reads the likely-to-order sort in both directions, and has no P(alive) sort", () => {
    expect(parse("sort=likely")).toMatchObject({ sort: "likely", direction: "desc" });
    expect(parse("sort=likely&direction=asc")).toMatchObject({ sort: "likely", direction: "asc" });
    expect(parse("sort=alive").sort).toBe(DEFAULT_QUERY.sort);
    expect(DEFAULT_QUERY.sort).toBe("historic");
  });

  it("reads a tier id or no tier; an empty or over-long value is no filter", () => {
    expect(parse("tier=tier-abc-1").tier).toBe("tier-abc-1");
    expect(parse(`tier=${NO_TIER}`).tier).toBe(NO_TIER);
    expect(parse("tier=").tier).toBeNull();
    expect(parse(`tier=${"x".repeat(65)}`).tier).toBeNull();
    expect(parse(`tier=${"x".repeat(64)}`).tier).toBe("x".repeat(64));
    expect(isFiltered(parse("tier=none"))).toBe(true);
    expect(isFiltered(parse("sort=likely"))).toBe(false);
  });

  it("writes the tier and the sort back (links, the export and the tag form carry them)", () => {
    const query = parse("tier=gold&sort=likely&direction=asc&segment=Champions&page=3");
    expect(customerQueryParams(query).toString()).toBe("segment=Champions&tier=gold&sort=likely&direction=asc");
    expect(parse(customerQueryParams(query, { page: true }).toString())).toEqual(query);
  });

  it("clamps the page", () => {
    expect(parse("page=0").page).toBe(1);
    expect(parse("page=-4").page).toBe(1);
    expect(parse("page=abc").page).toBe(1);
    expect(parse("page=99999999").page).toBe(1_000_000);
  });
});
