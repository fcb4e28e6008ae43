// Orders as the ingest pipeline receives them (NormalizedOrder), for the loyalty benchmarks and tests: a paid
// order of one customer, placed, processed and updated at one instant, without line items or refunds.
import type { NormalizedOrder } from "../app/orders/types";

export interface PaidOrderInput {
  id: string | number;
  /** null: a guest order (no customer). */
  customerId: string | number | null;
  totalMinor: number;
  processedAt: string;
  /** The merchandise (what points are earned on); absent as in payloads from before the subtotal was stored. */
  subtotalMinor?: number;
  test?: boolean;
  sourceName?: string | null;
}

export function paidOrder(input: PaidOrderInput): NormalizedOrder {
  const { processedAt } = input;
  const order: NormalizedOrder = {
    id: String(input.id),
    customer:
      input.customerId === null
        ? null
        : {
            id: String(input.customerId),
            email: null,
            firstName: null,
            lastName: null,
            phone: null,
            tags: null,
            createdAt: null,
            updatedAt: processedAt,
          },
    name: null,
    email: null,
    currencyCode: "USD",
    totalMinor: input.totalMinor,
    presentmentCurrency: null,
    presentmentTotalMinor: null,
    financialStatus: "paid",
    sourceName: input.sourceName === undefined ? null : input.sourceName,
    test: input.test ?? false,
    createdAt: processedAt,
    processedAt,
    updatedAt: processedAt,
    cancelledAt: null,
    closedAt: null,
    lineItems: [],
    refunds: [],
  };
  if (input.subtotalMinor !== undefined) {
    order.subtotalMinor = input.subtotalMinor;
    order.discountCodes = [];
  }
  return order;
}

/** The net-spend ladder both loyalty benchmarks run (thresholds in minor units). */
export const BENCH_NET_SPEND_LADDER = {
  basis: "net_spend",
  window: "lifetime",
  tiers: [
    { id: "member", name: "Member", threshold: 0 },
    { id: "silver", name: "Silver", threshold: 25_000 },
    { id: "gold", name: "Gold", threshold: 100_000 },
  ],
};
