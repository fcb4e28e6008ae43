import { describe, expect, it } from "vitest";
import {
  appendRuleVersion,
  manualAdjustment,
  orderEntriesToAppend,
  orderPointsTarget,
  pointsBalance,
  pointsBalances,
  pointsForAmount,
  programSettingsSchema,
  ruleVersionAt,
  type FinancialStatus,
  type LedgerEntry,
  type OrderPointsState,
  type ProgramSettingsInput,
  type RefundPointsState,
  type RuleVersion,
} from "../../app/loyalty/index.ts";
import { noon, TestRandom } from "./helpers.ts";

function version(
  id: string,
  fromIso: string,
  settings: Partial<ProgramSettingsInput> & { earning?: ProgramSettingsInput["earning"] },
): RuleVersion {
  return {
    id,
    effectiveFromMs: noon(fromIso),
    settings: programSettingsSchema.parse({
      enabled: true,
      currencyCode: "USD",
      earning: { pointsPerCurrencyUnit: 1, rounding: "down" },
      ...settings,
    }),
  };
}

// 1 point per dollar, rounded down, from 2025-01-01; from 2025-03-01, 10 points per dollar rounded up.
const V1 = version("v1", "2025-01-01", {});
const V2 = version("v2", "2025-03-01", { earning: { pointsPerCurrencyUnit: 10, rounding: "up" } });
const VERSIONS = [V1, V2];

function order(overrides: Partial<OrderPointsState> = {}): OrderPointsState {
  return {
    orderId: "1001",
    customerId: "c1",
    processedAtMs: noon("2025-02-01"),
    updatedAtMs: noon("2025-02-01"),
    merchandiseMinor: 12_345, // 123.45 → 123 points under V1
    cancelledAtMs: null,
    test: false,
    financialStatus: "paid",
    ...overrides,
  };
}

function refund(refundId: string, merchandiseMinor: number, iso: string): RefundPointsState {
  return { refundId, merchandiseMinor, createdAtMs: noon(iso) };
}

/** A tiny ledger with a unique index on keys: inserting a taken key fails, like the database. */
class Ledger {
  readonly entries: LedgerEntry[] = [];
  private readonly keys = new Set<string>();

  /** Inserts all or nothing (one transaction); false when a key is taken. */
  insert(entries: readonly LedgerEntry[]): boolean {
    if (entries.some((entry) => this.keys.has(entry.key))) return false;
    for (const entry of entries) {
      this.keys.add(entry.key);
      this.entries.push(entry);
    }
    return true;
  }

  stream(orderId: string): LedgerEntry[] {
    return this.entries.filter((entry) => entry.key.startsWith(`order:${orderId}:`));
  }
}

function reconcile(
  ledger: Ledger,
  state: OrderPointsState | null,
  refunds: RefundPointsState[],
  multiplierHundredths = 100,
): LedgerEntry[] {
  const appended = orderEntriesToAppend({
    order: state,
    refunds,
    existing: ledger.stream("1001"),
    ruleVersions: VERSIONS,
    multiplierHundredths,
  });
  expect(ledger.insert(appended)).toBe(true);
  return appended;
}

describe("earning", () => {
  it("earns once on the net merchandise value under the version in force at processed_at", () => {
    const ledger = new Ledger();
    const [earn] = reconcile(ledger, order(), []);
    expect(earn).toMatchObject({
      key: "order:1001:0",
      kind: "earn",
      points: 123,
      ruleVersionId: "v1",
      basisMinor: 12_345,
      effectiveAtMs: noon("2025-02-01"),
    });
    expect(reconcile(ledger, order(), [])).toEqual([]); // a redelivery finds nothing to append
    // A webhook that arrives after the rule edit still earns under the version of its processed_at.
    const late = orderEntriesToAppend({ order: order({ orderId: "1002" }), refunds: [], existing: [], ruleVersions: VERSIONS });
    expect(late[0]).toMatchObject({ points: 123, ruleVersionId: "v1" });
    const afterEdit = orderEntriesToAppend({
      order: order({ orderId: "1003", processedAtMs: noon("2025-03-02") }),
      refunds: [],
      existing: [],
      ruleVersions: VERSIONS,
    });
    expect(afterEdit[0]).toMatchObject({ points: 1_235, ruleVersionId: "v2" }); // 1234.5 rounded up
  });

  it("rounds as the rule says and applies the tier multiplier before rounding", () => {
    const rule = {
      pointsPerCurrencyUnit: 1,
      rounding: "down" as const,
      requirePaid: true,
      includeTestOrders: false,
      minimumOrderMinor: null,
    };
    expect(pointsForAmount(12_345, rule, "USD")).toBe(123);
    expect(pointsForAmount(12_350, { ...rule, rounding: "nearest" }, "USD")).toBe(124);
    expect(pointsForAmount(12_349, { ...rule, rounding: "nearest" }, "USD")).toBe(123);
    expect(pointsForAmount(12_301, { ...rule, rounding: "up" }, "USD")).toBe(124);
    expect(pointsForAmount(12_345, rule, "USD", 150)).toBe(185); // 185.175
    expect(pointsForAmount(1_000, { ...rule, pointsPerCurrencyUnit: 0.05 }, "JPY")).toBe(50); // yen have no minor digits
    expect(pointsForAmount(12_345, { ...rule, pointsPerCurrencyUnit: 1.5 }, "KWD")).toBe(18); // 12.345 KWD × 1.5
  });

  it("earns nothing for unpaid, test, cancelled or small orders, and nothing before the program existed", () => {
    const cases: Partial<OrderPointsState>[] = [
      { financialStatus: "pending" },
      { financialStatus: "authorized" },
      { test: true },
      { cancelledAtMs: noon("2025-02-02"), financialStatus: "refunded" },
      { processedAtMs: noon("2024-12-31") },
      { merchandiseMinor: 99 }, // 0.99 → 0 points
    ];
    for (const overrides of cases) {
      expect(orderEntriesToAppend({ order: order(overrides), refunds: [], existing: [], ruleVersions: VERSIONS })).toEqual([]);
    }
    const placedEarns = version("p", "2025-01-01", {
      earning: { pointsPerCurrencyUnit: 1, rounding: "down", requirePaid: false, minimumOrderMinor: 5_000 },
    });
    const testEarns = version("t", "2025-01-01", { earning: { pointsPerCurrencyUnit: 1, rounding: "down", includeTestOrders: true } });
    expect(
      orderEntriesToAppend({ order: order({ financialStatus: "pending" }), refunds: [], existing: [], ruleVersions: [placedEarns] }),
    ).toHaveLength(1);
    expect(
      orderEntriesToAppend({ order: order({ merchandiseMinor: 4_999 }), refunds: [], existing: [], ruleVersions: [placedEarns] }),
    ).toEqual([]);
    expect(orderEntriesToAppend({ order: order({ test: true }), refunds: [], existing: [], ruleVersions: [testEarns] })).toHaveLength(1);
    const off = version("off", "2025-01-01", { enabled: false });
    expect(orderEntriesToAppend({ order: order(), refunds: [], existing: [], ruleVersions: [off] })).toEqual([]);
  });
});

describe("reversals", () => {
  it("reverses partial refunds proportionally and the last refund to zero", () => {
    const ledger = new Ledger();
    reconcile(ledger, order(), []);
    const [first] = reconcile(ledger, order({ financialStatus: "partially_refunded" }), [refund("r1", 5_000, "2025-02-10")]);
    // keeps floor(123 × 7345 / 12345) = floor(73.18) = 73
    expect(first).toMatchObject({
      key: "order:1001:1",
      kind: "reverse",
      points: -50,
      ruleVersionId: "v1",
      source: { type: "refund", refundIds: ["r1"] },
    });
    const refunds = [refund("r1", 5_000, "2025-02-10"), refund("r2", 7_345, "2025-02-20")];
    const [second] = reconcile(ledger, order({ financialStatus: "refunded" }), refunds);
    expect(second).toMatchObject({ points: -73, source: { type: "refund", refundIds: ["r2"] }, effectiveAtMs: noon("2025-02-20") });
    expect(pointsBalance(ledger.stream("1001"))).toBe(0);
  });

  it("uses the rule version that awarded the points when the rule changed between the order and its refund", () => {
    const ledger = new Ledger();
    reconcile(ledger, order(), []);
    // The refund comes after v2 (10 points per dollar, rounded up) took effect.
    const [reversal] = reconcile(ledger, order({ financialStatus: "partially_refunded" }), [refund("r1", 5_000, "2025-03-10")]);
    // Under v1: keeps floor(73.18) = 73, reverses 50. Today's rule would reverse 500 (or keep 74 rounding up).
    expect(reversal).toMatchObject({ points: -50, ruleVersionId: "v1" });
  });

  it("reverses everything on cancellation, voiding, or a refunded status without its refund records", () => {
    for (const overrides of [
      { cancelledAtMs: noon("2025-02-03"), financialStatus: "refunded" as FinancialStatus },
      { financialStatus: "voided" as FinancialStatus },
      { financialStatus: "refunded" as FinancialStatus },
    ]) {
      const ledger = new Ledger();
      reconcile(ledger, order(), []);
      const [reversal] = reconcile(ledger, order({ ...overrides, updatedAtMs: noon("2025-02-04") }), []);
      expect(reversal.points).toBe(-123);
      expect(reversal.source.type).toBe(overrides.cancelledAtMs ? "cancellation" : "order");
      expect(pointsBalance(ledger.stream("1001"))).toBe(0);
    }
  });

  it("refund before order: nothing until the order comes, then the earn and the reversal together", () => {
    const ledger = new Ledger();
    expect(reconcile(ledger, null, [refund("r1", 5_000, "2025-02-10")])).toEqual([]);
    const appended = reconcile(ledger, order({ financialStatus: "partially_refunded" }), [refund("r1", 5_000, "2025-02-10")]);
    expect(appended.map((entry) => [entry.key, entry.kind, entry.points])).toEqual([
      ["order:1001:0", "earn", 123],
      ["order:1001:1", "reverse", -50],
    ]);
  });

  it("counts a refund delivered twice once", () => {
    const target = orderPointsTarget({
      order: order({ financialStatus: "partially_refunded" }),
      refunds: [refund("r1", 5_000, "2025-02-10"), refund("r1", 5_000, "2025-02-10")],
      existing: [],
      ruleVersions: VERSIONS,
    });
    expect(target.keptPoints).toBe(73);
  });
});

describe("the ledger ends exact whatever order the events arrive in (seeded permutations)", () => {
  interface Scenario {
    merchandiseMinor: number;
    multiplier: number;
    versions: OrderPointsState[];
    refunds: RefundPointsState[];
  }
  type Event = { kind: "order"; state: OrderPointsState } | { kind: "refund"; refund: RefundPointsState };

  function scenario(random: TestRandom): Scenario {
    const merchandiseMinor = random.int(50, 80_000);
    const multiplier = random.pick([100, 125, 150, 200]);
    const t0 = noon("2025-02-01");
    const hour = 3_600_000;
    const base = order({ merchandiseMinor, processedAtMs: t0, updatedAtMs: t0, financialStatus: "pending" });
    const versions: OrderPointsState[] = [base];
    const refunds: RefundPointsState[] = [];
    const shape = random.pick(["partial", "full", "cancel_paid", "cancel_unpaid", "never_paid", "paid"] as const);
    let time = t0 + hour;
    if (shape === "cancel_unpaid") {
      versions.push({ ...base, updatedAtMs: time, cancelledAtMs: time, financialStatus: "voided" });
      return { merchandiseMinor, multiplier, versions, refunds };
    }
    if (shape === "never_paid") return { merchandiseMinor, multiplier, versions, refunds };
    versions.push({ ...base, updatedAtMs: time, financialStatus: "paid" });
    if (shape === "paid") return { merchandiseMinor, multiplier, versions, refunds };
    let refunded = 0;
    const count = shape === "partial" ? random.int(1, 3) : random.int(1, 3);
    for (let i = 0; i < count; i++) {
      // Refunds fall after the rule edit half of the time (v2 from 2025-03-01).
      time += random.next() < 0.5 ? hour : 40 * 24 * hour;
      const last = i === count - 1;
      const amount =
        last && shape !== "partial" ? merchandiseMinor - refunded : random.int(0, Math.floor((merchandiseMinor - refunded) / 2));
      refunded += amount;
      refunds.push({ refundId: `r${i}`, merchandiseMinor: amount, createdAtMs: time });
      const status: FinancialStatus = refunded >= merchandiseMinor ? "refunded" : "partially_refunded";
      const cancelledAtMs = last && shape === "cancel_paid" ? time : null;
      versions.push({ ...base, updatedAtMs: time, financialStatus: status, cancelledAtMs });
    }
    return { merchandiseMinor, multiplier, versions, refunds };
  }

  /** What the order must hold at the end, worked out here, not by the engine. */
  function expectedPoints(s: Scenario): number {
    const final = s.versions.at(-1) as OrderPointsState;
    const earned = Math.floor((s.merchandiseMinor * s.multiplier) / 10_000); // 1 point per 100 cents × multiplier
    if (final.financialStatus !== "paid" && final.financialStatus !== "partially_refunded") return 0;
    if (final.cancelledAtMs !== null) return 0;
    const refunded = s.refunds.reduce((sum, r) => sum + r.merchandiseMinor, 0);
    return Math.floor((earned * (s.merchandiseMinor - refunded)) / s.merchandiseMinor);
  }

  function events(s: Scenario, random: TestRandom): Event[] {
    const all: Event[] = [
      ...s.versions.map((state) => ({ kind: "order" as const, state })),
      ...s.refunds.map((r) => ({ kind: "refund" as const, refund: r })),
    ];
    for (const event of [...all]) if (random.next() < 0.3) all.push(event); // redeliveries
    return random.shuffle(all);
  }

  /** The database's view: the newest order version (by updated_at) and every refund received. */
  class Store {
    state: OrderPointsState | null = null;
    refunds = new Map<string, RefundPointsState>();
    apply(event: Event): void {
      if (event.kind === "refund") this.refunds.set(event.refund.refundId, event.refund);
      else if (!this.state || event.state.updatedAtMs > this.state.updatedAtMs) this.state = event.state;
    }
    clone(): Store {
      const copy = new Store();
      copy.state = this.state;
      copy.refunds = new Map(this.refunds);
      return copy;
    }
  }

  it("over 400 random scenarios × 5 arrival orders each, with redeliveries", () => {
    const random = new TestRandom(14);
    let nonZero = 0;
    let reversed = 0;
    for (let n = 0; n < 400; n++) {
      const s = scenario(random);
      const expected = expectedPoints(s);
      for (let permutation = 0; permutation < 5; permutation++) {
        const ledger = new Ledger();
        const store = new Store();
        for (const event of events(s, random)) {
          store.apply(event);
          const appended = orderEntriesToAppend({
            order: store.state,
            refunds: [...store.refunds.values()],
            existing: ledger.stream("1001"),
            ruleVersions: VERSIONS,
            multiplierHundredths: s.multiplier,
          });
          // Serial processing never collides on a key: each append lands at the stream's end.
          expect(ledger.insert(appended)).toBe(true);
        }
        const entries = ledger.stream("1001");
        expect(pointsBalance(entries)).toBe(expected);
        // Every entry of the order carries the rule version that earned it, v1, even refunds after v2.
        expect(entries.every((entry) => entry.ruleVersionId === "v1")).toBe(true);
        if (entries.some((entry) => entry.kind === "reverse")) reversed += 1;
      }
      if (expected > 0) nonZero += 1;
    }
    // The scenarios exercised the interesting paths.
    expect(nonZero).toBeGreaterThan(100);
    expect(reversed).toBeGreaterThan(500);
  });

  it("two events racing on one snapshot: the loser's insert fails on the key, its retry converges", () => {
    const random = new TestRandom(99);
    let raced = 0;
    for (let n = 0; n < 200; n++) {
      const s = scenario(random);
      if (s.refunds.length < 2) continue;
      const store = new Store();
      const ledger = new Ledger();
      // The order and all but the last two refunds arrive first, one by one.
      for (const state of s.versions) store.apply({ kind: "order", state });
      for (const r of s.refunds.slice(0, -2)) store.apply({ kind: "refund", refund: r });
      const run = (view: Store) =>
        orderEntriesToAppend({
          order: view.state,
          refunds: [...view.refunds.values()],
          existing: ledger.stream("1001"),
          ruleVersions: VERSIONS,
          multiplierHundredths: s.multiplier,
        });
      ledger.insert(run(store));
      // Two transactions each see their own refund but not the other's, and the same ledger.
      const [a, b] = s.refunds.slice(-2);
      const viewA = store.clone();
      viewA.apply({ kind: "refund", refund: a });
      const viewB = store.clone();
      viewB.apply({ kind: "refund", refund: b });
      const appendA = run(viewA);
      const appendB = run(viewB);
      expect(ledger.insert(appendA)).toBe(true);
      if (appendB.length > 0 && appendA.length > 0) {
        expect(ledger.insert(appendB)).toBe(false); // same position, same key: the unique index refuses it
        raced += 1;
      } else {
        ledger.insert(appendB);
      }
      // The loser rolls back and is retried after the winner committed.
      store.apply({ kind: "refund", refund: a });
      store.apply({ kind: "refund", refund: b });
      ledger.insert(run(store));
      expect(pointsBalance(ledger.stream("1001"))).toBe(expectedPoints(s));
    }
    expect(raced).toBeGreaterThan(10);
  });
});

describe("balances and manual adjustments", () => {
  it("the balance is the sum of entries, per customer in columns too", () => {
    const balances = pointsBalances(Int32Array.from([0, 3, 3, 5]), Float64Array.from([100, -30, 5, 7, -7]));
    expect([...balances]).toEqual([75, 0, 0]);
  });

  it("requires a reason and a whole number, and is keyed by the form submission", () => {
    const ok = manualAdjustment({
      customerId: "c1",
      points: -40,
      reason: " goodwill correction ",
      staffMemberId: "s1",
      requestId: "req-7",
      atMs: 1,
    });
    expect(ok).toEqual({
      ok: true,
      entry: {
        key: "adjust:c1:req-7",
        customerId: "c1",
        kind: "adjust",
        points: -40,
        source: { type: "manual", reason: "goodwill correction", staffMemberId: "s1" },
        ruleVersionId: null,
        effectiveAtMs: 1,
      },
    });
    expect(manualAdjustment({ customerId: "c1", points: 10, reason: "  ", staffMemberId: null, requestId: "r", atMs: 1 })).toEqual({
      ok: false,
      message: "Say why the points are adjusted",
    });
    expect(manualAdjustment({ customerId: "c1", points: 1.5, reason: "x", staffMemberId: null, requestId: "r", atMs: 1 }).ok).toBe(false);
    expect(manualAdjustment({ customerId: "c1", points: 0, reason: "x", staffMemberId: null, requestId: "r", atMs: 1 }).ok).toBe(false);
  });
});

describe("rule versions", () => {
  it("finds the version in force and refuses back-dated edits", () => {
    expect(ruleVersionAt(VERSIONS, noon("2024-12-31"))).toBeNull();
    expect(ruleVersionAt(VERSIONS, noon("2025-03-01") - 1)?.id).toBe("v1");
    expect(ruleVersionAt(VERSIONS, noon("2025-03-01"))?.id).toBe("v2");
    const settings = { enabled: true, currencyCode: "USD", earning: { pointsPerCurrencyUnit: 2, rounding: "down" } };
    const now = noon("2025-04-01");
    const backdated = appendRuleVersion(VERSIONS, { id: "v3", effectiveFromMs: noon("2025-03-15"), settings }, now);
    expect(backdated).toEqual({
      ok: false,
      errors: [{ path: "effectiveFromMs", message: "A change takes effect now or later, never in the past" }],
    });
    const appended = appendRuleVersion(VERSIONS, { id: "v3", effectiveFromMs: now, settings }, now);
    expect(appended.ok && appended.value.map((v) => v.id)).toEqual(["v1", "v2", "v3"]);
    // The first version may start in the past: the merchant decides from when past orders earn.
    expect(appendRuleVersion([], { id: "v1", effectiveFromMs: noon("2024-01-01"), settings }, now).ok).toBe(true);
    expect(appendRuleVersion(VERSIONS, { id: "v2", effectiveFromMs: now, settings }, now).ok).toBe(false);
  });
});
