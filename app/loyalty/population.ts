// Customers' tier facts in columns: one row per dated activity, grouped by customer and sorted by day.
//
// Columns because a full re-evaluation reads a million customers: typed arrays cost no per-object memory or
// garbage collection, and the same arrays feed the live preview, so preview and evaluation cannot diverge.

import { ZonedDayCalculator } from "../clv/time-zone.ts";

export interface ActivityFact {
  /** Local day number (shop time zone) the activity counts on: the order's processed_at day. */
  day: number;
  /** Net spend of the order in shop minor units (what counts: total_price minus refunds; 0 for non-orders). */
  netSpendMinor: number;
  /** A counted order: not cancelled, not a test, and not fully refunded (a refunded order earns no tier). */
  countsAsOrder: boolean;
  /** Points earned net of reversals, attributed to this day (an order's kept points, a bonus, a referral). */
  points: number;
}

export interface CustomerTierFacts {
  activities: readonly ActivityFact[];
  /** Predicted 12-month value from the latest refit, minor units; null when the model has none. */
  predictedClvMinor: number | null;
  /** Lifetime net revenue (historic value), minor units: reported per tier by the preview. */
  netRevenueMinor: number;
}

export interface PopulationColumns {
  customerCount: number;
  /** Rows of customer k are activityStart[k] .. activityStart[k + 1] - 1, sorted by day. */
  activityStart: Int32Array;
  day: Int32Array;
  netSpendMinor: Float64Array;
  /** 1 for a counted order, else 0 (a float column so that every basis reads the same array type). */
  orders: Float64Array;
  points: Float64Array;
  /** NaN when the customer has no prediction. */
  predictedClvMinor: Float64Array;
  netRevenueMinor: Float64Array;
}

export function populationFromFacts(customers: readonly CustomerTierFacts[]): PopulationColumns {
  let rows = 0;
  for (const customer of customers) rows += customer.activities.length;
  const population: PopulationColumns = {
    customerCount: customers.length,
    activityStart: new Int32Array(customers.length + 1),
    day: new Int32Array(rows),
    netSpendMinor: new Float64Array(rows),
    orders: new Float64Array(rows),
    points: new Float64Array(rows),
    predictedClvMinor: new Float64Array(customers.length),
    netRevenueMinor: new Float64Array(customers.length),
  };
  let row = 0;
  customers.forEach((customer, k) => {
    population.activityStart[k] = row;
    population.predictedClvMinor[k] = customer.predictedClvMinor ?? NaN;
    population.netRevenueMinor[k] = customer.netRevenueMinor;
    const sorted = [...customer.activities].sort((a, b) => a.day - b.day);
    for (const activity of sorted) {
      population.day[row] = activity.day;
      population.netSpendMinor[row] = activity.netSpendMinor;
      population.orders[row] = activity.countsAsOrder ? 1 : 0;
      population.points[row] = activity.points;
      row += 1;
    }
  });
  population.activityStart[customers.length] = row;
  return population;
}

/**
 * Local day numbers of many instants in the shop's IANA zone (an unknown zone throws a RangeError). Intl is
 * asked about each UTC day once, so a million orders cost a million table lookups, not a million Intl calls.
 */
export function shopDaysOf(instantsMs: ArrayLike<number>, timeZone: string): Int32Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < instantsMs.length; i++) {
    if (instantsMs[i] < min) min = instantsMs[i];
    if (instantsMs[i] > max) max = instantsMs[i];
  }
  const calculator = new ZonedDayCalculator(timeZone, min, max);
  const days = new Int32Array(instantsMs.length);
  for (let i = 0; i < instantsMs.length; i++) days[i] = calculator.dayNumber(instantsMs[i]);
  return days;
}
