// Orders the ingest benchmarks feed: the history both re-scoring benchmarks load (customers who buy and drop
// out as BG/NBD says with Gamma-Gamma spend, a shop the models can fit), new orders of given customers, and any
// order as a webhook job brings it (asDelivered).
import type { IngestItem } from "../../app/data/ingest.server";
import type { NormalizedOrder } from "../../app/orders/types";
import { SeededRandom, simulateShop } from "../../testkit/clv/simulate";
import { paidOrder } from "../../testkit/loyalty-orders";
import { seededRandom } from "./deliveries";

/** A paid order of one customer, web channel, without line items (testkit/loyalty-orders.ts). */
export function order(id: number, customerId: number, totalMinor: number, processedAtMs: number): NormalizedOrder {
  return paidOrder({
    id,
    customerId,
    totalMinor,
    subtotalMinor: totalMinor,
    processedAt: new Date(processedAtMs).toISOString(),
    sourceName: "web",
  });
}

/** The shop's history: BG/NBD customers with Gamma-Gamma spend (a shop the models can fit), dates from now − 18 months. */
export function populationHistory(
  customers: number,
  firstId: number,
  startMs: number,
): { orders: NormalizedOrder[]; customerIds: number[] } {
  const simulated = simulateShop(
    { model: "bgnbd", params: { r: 0.5, alpha: 15, a: 0.8, b: 2.5 } },
    { p: 6, q: 4, v: 15 },
    { customers, startMs, joinWindowDays: 360, observationDays: 510 },
    new SeededRandom(7),
  );
  const list = Array.from(simulated.timesMs, (t, k) =>
    order(firstId + k, 100_000 + simulated.customerIndex[k], Math.max(100, Math.round(simulated.amounts[k] * 100)), t),
  );
  return { orders: list, customerIds: Array.from({ length: customers }, (_, c) => 100_000 + c) };
}

/** `count` orders of the given customers, at random times in [fromMs, toMs], amounts 10–400 dollars. */
export function ordersOf(
  customerIds: number[],
  count: number,
  firstId: number,
  fromMs: number,
  toMs: number,
  seed: number,
): NormalizedOrder[] {
  const random = seededRandom(seed);
  const list = Array.from({ length: count }, (_, i) =>
    order(
      firstId + i,
      customerIds[Math.floor(random() * customerIds.length)],
      1_000 + Math.floor(random() * 39_000),
      fromMs + random() * (toMs - fromMs),
    ),
  );
  return list.sort((a, b) => a.processedAt.localeCompare(b.processedAt));
}

/** The order as a webhook job brings it (see the file header): line items, a profile, a delivery of its own. */
export function asDelivered(o: NormalizedOrder, k: number): IngestItem {
  const random = seededRandom(Number(o.id));
  const lines = 1 + Math.floor(random() * 4);
  let left = o.totalMinor;
  const lineItems = Array.from({ length: lines }, (_, j) => {
    const priceMinor = j === lines - 1 ? left : Math.floor(left / (lines - j));
    left -= priceMinor;
    const product = 1 + Math.floor(random() * 300);
    return {
      id: `${o.id}${j}`,
      productId: String(product),
      variantId: String(product * 10 + 1),
      title: `Product ${product}`,
      quantity: 1,
      priceMinor,
    };
  });
  const customer = o.customer && {
    ...o.customer,
    email: `customer-${o.customer.id}@example.com`,
    firstName: "Alex",
    lastName: `Buyer ${o.customer.id}`,
  };
  return {
    delivery: { topic: "orders/create", deliveryKey: `bench-${k}-${o.id}`, receivedAt: o.updatedAt },
    orders: [{ ...o, customer, email: customer?.email ?? null, lineItems }],
  };
}
