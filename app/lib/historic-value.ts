// A customer's historic value from the aggregates of their counted orders. What counts (README, "Net revenue"):
// orders that are not cancelled and not test orders; each contributes total_price (shop money, as placed)
// minus its refunds.
export interface OrderAggregates {
  orderCount: number;
  grossMinor: bigint;
  refundedMinor: bigint;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
}

export interface HistoricValue extends OrderAggregates {
  netRevenueMinor: bigint;
  aovMinor: bigint;
  /** Days between the first and the last counted order (the customer's active span). */
  tenureDays: number;
}

const DAY_MS = 86_400_000;

export function historicValue(a: OrderAggregates): HistoricValue {
  const netRevenueMinor = a.grossMinor - a.refundedMinor;
  const aovMinor = a.orderCount > 0 ? divideRounded(netRevenueMinor, BigInt(a.orderCount)) : 0n;
  const tenureDays = a.firstOrderAt && a.lastOrderAt ? Math.floor((a.lastOrderAt.getTime() - a.firstOrderAt.getTime()) / DAY_MS) : 0;
  return { ...a, netRevenueMinor, aovMinor, tenureDays };
}

/** Integer division rounding half away from zero. */
export function divideRounded(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (r * 2n >= d) return q + 1n;
  if (r * 2n <= -d) return q - 1n;
  return q;
}
