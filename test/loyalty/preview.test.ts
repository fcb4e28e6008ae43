import { describe, expect, it } from "vitest";
import {
  compileLadder,
  costAgainstValue,
  evaluateCustomerTier,
  evaluateProgram,
  populationFromFacts,
  previewTiers,
  tierProgramSchema,
  type CustomerTierFacts,
  type TierProgram,
  type TierProgramInput,
} from "../../app/loyalty/index.ts";
import { day, TestRandom } from "./helpers.ts";

const parse = (input: TierProgramInput): TierProgram => tierProgramSchema("USD").parse(input);
const spendLifetime = parse({
  basis: "net_spend",
  window: "lifetime",
  tiers: [
    { id: "silver", name: "Silver", threshold: 10_000 },
    { id: "gold", name: "Gold", threshold: 50_000 },
  ],
});

const order = (iso: string, netSpendMinor: number) => ({
  day: day(iso),
  netSpendMinor,
  countsAsOrder: netSpendMinor > 0,
  points: Math.floor(netSpendMinor / 100),
});
const handCustomers: CustomerTierFacts[] = [
  { activities: [], predictedClvMinor: null, netRevenueMinor: 0 },
  { activities: [order("2025-01-05", 12_000)], predictedClvMinor: 3_000, netRevenueMinor: 12_000 },
  { activities: [order("2024-03-01", 20_000), order("2025-02-01", 40_000)], predictedClvMinor: 20_000, netRevenueMinor: 60_000 },
  { activities: [order("2025-04-01", 15_000)], predictedClvMinor: null, netRevenueMinor: 15_000 },
];

describe("live preview", () => {
  it("counts customers, net revenue and predicted value per tier (hand-checked)", () => {
    const rows = previewTiers(populationFromFacts(handCustomers), spendLifetime, day("2025-06-01"));
    expect(
      rows.map(({ tierId, customers, netRevenueMinor, predictedValueMinor, customersWithPrediction }) => ({
        tierId,
        customers,
        netRevenueMinor,
        predictedValueMinor,
        customersWithPrediction,
      })),
    ).toEqual([
      { tierId: null, customers: 1, netRevenueMinor: 0, predictedValueMinor: 0, customersWithPrediction: 0 },
      { tierId: "silver", customers: 2, netRevenueMinor: 27_000, predictedValueMinor: 3_000, customersWithPrediction: 1 },
      { tierId: "gold", customers: 1, netRevenueMinor: 60_000, predictedValueMinor: 20_000, customersWithPrediction: 1 },
    ]);
  });

  it("equals the evaluation, customer by customer, for drafts on every basis and window (seeded shop)", () => {
    const random = new TestRandom(6);
    const customers: CustomerTierFacts[] = Array.from({ length: 1_500 }, () => {
      const activities = Array.from({ length: random.int(0, 6) }, () =>
        order(`202${random.int(3, 5)}-0${random.int(1, 9)}-1${random.int(0, 9)}`, random.int(0, 40_000)),
      );
      const netRevenueMinor = activities.reduce((sum, a) => sum + a.netSpendMinor, 0);
      return { activities, predictedClvMinor: random.next() < 0.8 ? random.int(0, 90_000) : null, netRevenueMinor };
    });
    const population = populationFromFacts(customers);
    const asOf = day("2025-08-01");
    const drafts: TierProgramInput[] = [];
    for (const window of ["lifetime", "calendar_year", "rolling_12_months"] as const) {
      drafts.push({
        basis: "net_spend",
        window,
        tiers: [
          { id: "a", name: "A", threshold: 20_000 },
          { id: "b", name: "B", threshold: 60_000, retention: { kind: "grace_period", days: 45 } },
        ],
      });
      drafts.push({
        basis: "order_count",
        window,
        tiers: [
          { id: "a", name: "A", threshold: 2 },
          { id: "b", name: "B", threshold: 4 },
        ],
      });
      drafts.push({
        basis: "points_earned",
        window,
        tiers: [
          { id: "a", name: "A", threshold: 200 },
          { id: "b", name: "B", threshold: 700, retention: { kind: "review_date", month: 1, day: 1 } },
        ],
      });
    }
    drafts.push({
      basis: "predicted_clv",
      window: null,
      tiers: [
        { id: "a", name: "A", threshold: 30_000 },
        { id: "b", name: "B", threshold: 70_000 },
      ],
    });

    for (const input of drafts) {
      const draft = parse(input);
      const preview = previewTiers(population, draft, asOf);
      // The saved re-evaluation and, independently, one customer at a time through the single-customer API.
      const saved = evaluateProgram(population, draft, asOf);
      const ladder = compileLadder(draft);
      const expected = new Map<string | null, { customers: number; netRevenueMinor: number; predictedValueMinor: number }>();
      customers.forEach((customer, k) => {
        const single = evaluateCustomerTier(customer, ladder, asOf);
        expect(single.tierId).toBe(saved.columns.tier[k] >= 0 ? ladder.ids[saved.columns.tier[k]] : null);
        const row = expected.get(single.tierId) ?? { customers: 0, netRevenueMinor: 0, predictedValueMinor: 0 };
        row.customers += 1;
        row.netRevenueMinor += customer.netRevenueMinor;
        row.predictedValueMinor += customer.predictedClvMinor ?? 0;
        expected.set(single.tierId, row);
      });
      expect(preview).toEqual(saved.summary);
      for (const row of preview) {
        expect({ customers: row.customers, netRevenueMinor: row.netRevenueMinor, predictedValueMinor: row.predictedValueMinor }).toEqual(
          expected.get(row.tierId) ?? { customers: 0, netRevenueMinor: 0, predictedValueMinor: 0 },
        );
      }
      // The draft splits the shop: more than one tier is populated.
      expect(preview.filter((row) => row.customers > 0).length).toBeGreaterThan(1);
    }
  });
});

describe("cost against value per tier", () => {
  it("puts discounts and the points liability beside historic and predicted value", () => {
    const population = populationFromFacts(handCustomers);
    const { ladder, columns } = evaluateProgram(population, spendLifetime, day("2025-06-01"));
    const rows = costAgainstValue(
      ladder,
      columns,
      {
        netRevenueMinor: population.netRevenueMinor,
        predictedClvMinor: population.predictedClvMinor,
        rewardDiscountsMinor: Float64Array.from([0, 500, 1_000, 0]),
        tierDiscountsMinor: Float64Array.from([0, 0, 2_400, 300]),
        pointsBalance: Float64Array.from([50, 120, 600, -40]),
      },
      1, // one point = one cent
    );
    expect(rows[1]).toEqual({
      tierId: "silver",
      name: "Silver",
      members: 2,
      historicValueMinor: 27_000,
      predictedValueMinor: 3_000,
      rewardDiscountsMinor: 500,
      tierDiscountsMinor: 300,
      pointsOutstanding: 120, // customer 3's negative balance is not counted as owed
      pointsLiabilityMinor: 120,
      costMinor: 920,
      costShareOfHistoric: 920 / 27_000,
      costShareOfPredicted: 920 / 3_000,
    });
    expect(rows[2]).toMatchObject({ members: 1, costMinor: 1_000 + 2_400 + 600, historicValueMinor: 60_000 });
    expect(rows[0]).toMatchObject({ members: 1, pointsLiabilityMinor: 50, costShareOfHistoric: null, costShareOfPredicted: null });
    const noMoneyValue = costAgainstValue(
      ladder,
      columns,
      {
        ...population,
        rewardDiscountsMinor: new Float64Array(4),
        tierDiscountsMinor: new Float64Array(4),
        pointsBalance: new Float64Array(4).fill(10),
      },
      null,
    );
    expect(noMoneyValue[1]).toMatchObject({ pointsOutstanding: 20, pointsLiabilityMinor: null, costMinor: 0 });
  });
});
