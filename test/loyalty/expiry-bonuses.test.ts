import { describe, expect, it } from "vitest";
import {
  bonusEntriesDue,
  expiryEntriesToAppend,
  programSettingsSchema,
  type LedgerEntry,
  type ProgramSettingsInput,
  type RuleVersion,
} from "../../app/loyalty/index.ts";
import { day, noon } from "./helpers.ts";

function version(id: string, fromIso: string, extra: Partial<ProgramSettingsInput>): RuleVersion {
  return {
    id,
    effectiveFromMs: Date.parse(`${fromIso}T00:00:00Z`),
    settings: programSettingsSchema.parse({ enabled: true, currencyCode: "USD", earning: { pointsPerCurrencyUnit: 1 }, ...extra }),
  };
}

const TWELVE_MONTHS = version("v1", "2024-01-01", { expiry: { monthsWithoutOrder: 12 } });

function credit(key: string, points: number, iso: string, kind: LedgerEntry["kind"] = "earn"): LedgerEntry {
  return { key, customerId: "c1", kind, points, source: { type: "order", orderId: key }, ruleVersionId: "v1", effectiveAtMs: noon(iso) };
}

const earned = [credit("order:1:0", 100, "2024-01-15"), credit("order:2:0", 50, "2024-03-10")];
const orderTimes = [noon("2024-01-15"), noon("2024-03-10")];

function expiries(entries: LedgerEntry[], orderTimesMs: number[], asOfIso: string, versions: RuleVersion[] = [TWELVE_MONTHS]) {
  return expiryEntriesToAppend({ customerId: "c1", entries, orderTimesMs, ruleVersions: versions, asOfMs: noon(asOfIso), timeZone: "UTC" });
}

describe("points expiry after N months without an order", () => {
  it("expires the whole balance 12 months after the last order, once", () => {
    expect(expiries(earned, orderTimes, "2025-03-09")).toEqual([]);
    const [expiry] = expiries(earned, orderTimes, "2025-04-01");
    expect(expiry).toEqual({
      key: `expire:c1:${day("2025-03-10")}:0`,
      customerId: "c1",
      kind: "expire",
      points: -150,
      source: { type: "expiry", expiresOnDay: day("2025-03-10") },
      ruleVersionId: null,
      effectiveAtMs: Date.parse("2025-03-10T00:00:00Z"),
    });
    expect(expiries([...earned, expiry], orderTimes, "2025-06-01")).toEqual([]);
  });

  it("expires only what is left after redemptions, and never deepens a negative balance", () => {
    const redeemed = [...earned, credit("redeem:x", -30, "2024-05-01", "redeem")];
    expect(expiries(redeemed, orderTimes, "2025-04-01")[0].points).toBe(-120);
    const overdrawn = [
      credit("order:1:0", 100, "2024-01-15"),
      credit("redeem:y", -100, "2024-02-01", "redeem"),
      credit("order:1:1", -100, "2024-03-01", "reverse"),
    ];
    expect(expiries(overdrawn, [noon("2024-01-15")], "2025-06-01")).toEqual([]);
  });

  it("corrects an expiry when a late entry dated before it arrives, and withdraws it when a late order falls inside", () => {
    const [expiry] = expiries(earned, orderTimes, "2025-04-01");
    const lateReversal = credit("order:2:1", -50, "2024-06-01", "reverse");
    const [correction] = expiries([...earned, expiry, lateReversal], orderTimes, "2025-04-02");
    expect(correction).toMatchObject({ key: `expire:c1:${day("2025-03-10")}:1`, points: 50 });
    // An order on 2025-01-01 reached us late: the points never went 12 months without an order.
    const lateOrder = [...earned, expiry, credit("order:3:0", 20, "2025-01-01")];
    const [withdrawal] = expiries(lateOrder, [...orderTimes, noon("2025-01-01")], "2025-04-02");
    expect(withdrawal).toMatchObject({ key: `expire:c1:${day("2025-03-10")}:1`, points: 150 });
  });

  it("starts the clock at a credit when no order has since the last expiry", () => {
    const [first] = expiries(earned, orderTimes, "2025-04-01");
    const referral = credit("referral:c9", 30, "2025-05-01", "referral");
    const later = expiries([...earned, first, referral], orderTimes, "2026-06-01");
    expect(later).toEqual([expect.objectContaining({ key: `expire:c1:${day("2026-05-01")}:0`, points: -30 })]);
  });

  it("keeps the promise made when the clock started: a later rule change applies from the next order", () => {
    const longer = version("v2", "2024-06-01", { expiry: { monthsWithoutOrder: 24 } });
    expect(expiries(earned, orderTimes, "2025-04-01", [TWELVE_MONTHS, longer])[0].source).toEqual({
      type: "expiry",
      expiresOnDay: day("2025-03-10"),
    });
    const withJulyOrder = [...earned, credit("order:4:0", 10, "2024-07-01")];
    expect(expiries(withJulyOrder, [...orderTimes, noon("2024-07-01")], "2026-06-30", [TWELVE_MONTHS, longer])).toEqual([]);
    expect(expiries(withJulyOrder, [...orderTimes, noon("2024-07-01")], "2026-07-01", [TWELVE_MONTHS, longer])[0].points).toBe(-160);
    const never = version("v0", "2024-01-01", {});
    expect(expiries(earned, orderTimes, "2030-01-01", [never])).toEqual([]);
  });
});

describe("bonus actions", () => {
  const bonuses = version("v1", "2025-01-01", { bonuses: { accountCreationPoints: 200, birthdayPoints: 100 } });
  const due = (createdIso: string, asOfIso: string, birthday: { month: number; day: number } | null) =>
    bonusEntriesDue({
      customer: { customerId: "c1", createdAtMs: noon(createdIso), birthday },
      ruleVersions: [bonuses],
      asOfMs: noon(asOfIso),
      timeZone: "UTC",
    });

  it("pays the account bonus under the version in force at sign-up, once by key", () => {
    expect(due("2025-02-01", "2025-02-01", null)).toEqual([
      {
        key: "bonus:account_creation:c1",
        customerId: "c1",
        kind: "earn",
        points: 200,
        source: { type: "bonus", action: "account_creation" },
        ruleVersionId: "v1",
        effectiveAtMs: noon("2025-02-01"),
      },
    ]);
    expect(due("2024-12-01", "2025-02-01", null)).toEqual([]); // before the program existed
  });

  it("pays the latest birthday since sign-up, keyed by year; 29 February falls on the 28th", () => {
    expect(
      due("2025-02-01", "2025-03-14", { month: 3, day: 15 }).filter((e) => e.source.type === "bonus" && e.source.action === "birthday"),
    ).toEqual([]);
    const onTheDay = due("2025-02-01", "2025-03-15", { month: 3, day: 15 }).find((e) => e.key.startsWith("bonus:birthday"));
    expect(onTheDay).toMatchObject({ key: "bonus:birthday:c1:2025", points: 100, effectiveAtMs: Date.parse("2025-03-15T00:00:00Z") });
    expect(due("2025-02-01", "2025-12-01", { month: 3, day: 15 }).find((e) => e.key.startsWith("bonus:birthday"))?.key).toBe(
      "bonus:birthday:c1:2025",
    );
    const leap = due("2025-01-02", "2025-02-28", { month: 2, day: 29 }).find((e) => e.key.startsWith("bonus:birthday"));
    expect(leap?.effectiveAtMs).toBe(Date.parse("2025-02-28T00:00:00Z"));
  });
});
