// A hand-built shop seen at two refits a fortnight apart. Every figure the tests expect is worked out by hand
// in the comments of history.test.ts from the rows below.
import { NO_DAY, type AtRiskInput, type AtRiskResult, type PreviousRefitColumns } from "../../app/retention/index.ts";

export const A1 = 20_000; // as-of day of refit 1
export const A2 = 20_014; // as-of day of refit 2

export interface Row {
  id: string;
  orders: number;
  netRevenueMinor: number;
  firstOrderDay: number;
  lastOrderDay: number;
  /** NaN: not scored. */
  p: number;
  predictedMinor: number;
}

/** The 20 background repeat customers: average gaps 10, 20, …, 200 days, recent, safe (P(alive) 0.9). */
export function background(): Row[] {
  const rows: Row[] = [];
  for (let k = 1; k <= 20; k++) {
    rows.push({
      id: String(200 + k),
      orders: 2,
      netRevenueMinor: 1000,
      firstOrderDay: A1 - 1 - 10 * k,
      lastOrderDay: A1 - 1,
      p: 0.9,
      predictedMinor: 500,
    });
  }
  return rows;
}

export function refit1Rows(): Row[] {
  return [
    // Alice: 6 orders, gap 68 days, safe at refit 1.
    { id: "101", orders: 6, netRevenueMinor: 60_000, firstOrderDay: A1 - 400, lastOrderDay: A1 - 60, p: 0.9, predictedMinor: 45_000 },
    // Bob: slipping already.
    { id: "102", orders: 3, netRevenueMinor: 20_000, firstOrderDay: A1 - 300, lastOrderDay: A1 - 200, p: 0.3, predictedMinor: 3_000 },
    // Carol: slipping but worth little.
    { id: "103", orders: 2, netRevenueMinor: 3_000, firstOrderDay: A1 - 200, lastOrderDay: A1 - 150, p: 0.2, predictedMinor: 500 },
    // Dan: slipping at refit 1, orders again before refit 2.
    { id: "104", orders: 4, netRevenueMinor: 40_000, firstOrderDay: A1 - 300, lastOrderDay: A1 - 120, p: 0.2, predictedMinor: 2_000 },
    // Erin: long gone.
    { id: "105", orders: 5, netRevenueMinor: 90_000, firstOrderDay: A1 - 660, lastOrderDay: A1 - 500, p: 0.01, predictedMinor: 10 },
    // Frank: one big order 69 days before refit 1; BG/NBD says P(alive) = 1.
    { id: "106", orders: 1, netRevenueMinor: 30_000, firstOrderDay: A1 - 69, lastOrderDay: A1 - 69, p: 1, predictedMinor: 4_000 },
    // Gina: one order five days before refit 1; a model that gives her a low P(alive) must not get her flagged.
    { id: "107", orders: 1, netRevenueMinor: 30_000, firstOrderDay: A1 - 5, lastOrderDay: A1 - 5, p: 0.1, predictedMinor: 4_000 },
    // Hank: slipping at refit 1 (360 days silent), past the 365-day horizon at refit 2.
    { id: "108", orders: 3, netRevenueMinor: 50_000, firstOrderDay: A1 - 460, lastOrderDay: A1 - 360, p: 0.1, predictedMinor: 1_000 },
    ...background(),
  ];
}

export function refit2Rows(): Row[] {
  const changes: Record<string, Partial<Row>> = {
    "101": { p: 0.4, predictedMinor: 15_000 },
    "102": { p: 0.25, predictedMinor: 2_400 },
    "104": { orders: 5, netRevenueMinor: 48_000, lastOrderDay: A1 + 5, p: 0.95, predictedMinor: 30_000 },
    "105": { p: 0.009 },
    "106": { p: 1, predictedMinor: 3_800 },
    "108": { p: 0.08, predictedMinor: 700 },
  };
  return refit1Rows().map((row) => ({ ...row, ...(Object.hasOwn(changes, row.id) ? changes[row.id] : {}) }));
}

export function inputOf(rows: readonly Row[], asOfDay: number, previous?: PreviousRefitColumns): AtRiskInput {
  return {
    customerIds: rows.map((row) => row.id),
    asOfDay,
    probabilityAlive: Float64Array.from(rows, (row) => row.p),
    predictedValueMinor: Float64Array.from(rows, (row) => row.predictedMinor),
    orders: Int32Array.from(rows, (row) => row.orders),
    netRevenueMinor: Float64Array.from(rows, (row) => row.netRevenueMinor),
    firstOrderDay: Int32Array.from(rows, (row) => row.firstOrderDay),
    lastOrderDay: Int32Array.from(rows, (row) => row.lastOrderDay),
    ...(previous ? { previous } : {}),
  };
}

/** What the job stores after a refit and passes to the next one. */
export function previousOf(input: AtRiskInput, result: AtRiskResult): PreviousRefitColumns {
  return {
    asOfDay: input.asOfDay,
    probabilityAlive: input.probabilityAlive,
    predictedValueMinor: input.predictedValueMinor,
    atRisk: result.atRisk,
    atRiskSinceDay: result.atRiskSinceDay,
  };
}

export function rowOf(input: AtRiskInput, id: string): number {
  const row = input.customerIds.indexOf(id);
  if (row < 0) throw new Error(`no customer ${id}`);
  return row;
}

export { NO_DAY };
