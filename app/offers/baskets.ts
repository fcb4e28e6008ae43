/**
 * Order baskets in columns: the input of pair mining, repurchase statistics and personal recommendations.
 *
 * Products and customers are numbered in the order they are first seen; every basket holds the distinct
 * product indexes of its order, sorted ascending (a product on two lines, or with quantity 3, counts once).
 * Columns instead of one object per order keep 1,000,000 orders in a few tens of megabytes and let the
 * miners loop over typed arrays.
 */

export interface OrderBasket {
  orderId: string;
  /** Null for a guest checkout. */
  customerId: string | null;
  /** processed_at, ms since 1970 UTC. */
  processedAtMs: number;
  /** Product ids of the order's line items (repeats and line items without a product are fine). */
  productIds: readonly (string | null)[];
  test?: boolean;
  cancelled?: boolean;
}

export const FLAG_TEST = 1;
export const FLAG_CANCELLED = 2;

export interface BasketSet {
  /** Product index → Shopify product id. */
  readonly productIds: readonly string[];
  /** Customer index → Shopify customer id. */
  readonly customerIds: readonly string[];
  readonly orderCount: number;
  /** Customer index of each order, −1 for a guest. */
  readonly orderCustomer: Int32Array;
  readonly orderTimeMs: Float64Array;
  /** FLAG_TEST | FLAG_CANCELLED bits. */
  readonly orderFlags: Uint8Array;
  /** Basket of order o: itemProduct[itemStart[o] … itemStart[o + 1]). Length orderCount + 1. */
  readonly itemStart: Int32Array;
  readonly itemProduct: Int32Array;
}

function grownInt32(array: Int32Array, needed: number): Int32Array {
  if (needed <= array.length) return array;
  const next = new Int32Array(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}

function grownFloat64(array: Float64Array, needed: number): Float64Array {
  if (needed <= array.length) return array;
  const next = new Float64Array(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}

function grownUint8(array: Uint8Array, needed: number): Uint8Array {
  if (needed <= array.length) return array;
  const next = new Uint8Array(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}

/**
 * Builds a BasketSet one order at a time (a job can stream line items from the database into it).
 * Order ids must be unique (the database's key guarantees it): an order added twice counts twice. A set of
 * a million ids to check it would cost more than the rest of the load.
 */
export class BasketSetBuilder {
  private readonly productIndex = new Map<string, number>();
  private readonly productIds: string[] = [];
  private readonly customerIndex = new Map<string, number>();
  private readonly customerIds: string[] = [];
  private orderCount = 0;
  private orderCustomer: Int32Array = new Int32Array(1024);
  private orderTimeMs: Float64Array = new Float64Array(1024);
  private orderFlags: Uint8Array = new Uint8Array(1024);
  private itemStart: Int32Array = new Int32Array(1025);
  private itemProduct: Int32Array = new Int32Array(4096);
  private itemCount = 0;
  private scratch: Int32Array = new Int32Array(64);

  add(order: OrderBasket): void {
    if (!Number.isFinite(order.processedAtMs)) throw new Error(`order ${order.orderId} has no valid time`);

    const o = this.orderCount;
    this.orderCustomer = grownInt32(this.orderCustomer, o + 1);
    this.orderTimeMs = grownFloat64(this.orderTimeMs, o + 1);
    this.orderFlags = grownUint8(this.orderFlags, o + 1);
    this.itemStart = grownInt32(this.itemStart, o + 2);

    this.orderCustomer[o] = order.customerId == null ? -1 : this.indexOfCustomer(order.customerId);
    this.orderTimeMs[o] = order.processedAtMs;
    this.orderFlags[o] = (order.test ? FLAG_TEST : 0) | (order.cancelled ? FLAG_CANCELLED : 0);

    // Distinct product indexes, sorted by insertion (baskets are small).
    const scratch = (this.scratch = grownInt32(this.scratch, order.productIds.length));
    let size = 0;
    for (const productId of order.productIds) {
      if (productId == null || productId === "") continue;
      const p = this.indexOfProduct(productId);
      let at = size;
      while (at > 0 && scratch[at - 1] > p) at--;
      if (at > 0 && scratch[at - 1] === p) continue;
      for (let k = size; k > at; k--) scratch[k] = scratch[k - 1];
      scratch[at] = p;
      size++;
    }
    const items = (this.itemProduct = grownInt32(this.itemProduct, this.itemCount + size));
    for (let k = 0; k < size; k++) items[this.itemCount + k] = scratch[k];
    this.itemCount += size;
    this.orderCount = o + 1;
    this.itemStart[o + 1] = this.itemCount;
  }

  build(): BasketSet {
    const n = this.orderCount;
    return {
      productIds: this.productIds.slice(),
      customerIds: this.customerIds.slice(),
      orderCount: n,
      orderCustomer: this.orderCustomer.slice(0, n),
      orderTimeMs: this.orderTimeMs.slice(0, n),
      orderFlags: this.orderFlags.slice(0, n),
      itemStart: this.itemStart.slice(0, n + 1),
      itemProduct: this.itemProduct.slice(0, this.itemCount),
    };
  }

  private indexOfProduct(id: string): number {
    let index = this.productIndex.get(id);
    if (index === undefined) {
      index = this.productIds.length;
      this.productIndex.set(id, index);
      this.productIds.push(id);
    }
    return index;
  }

  private indexOfCustomer(id: string): number {
    let index = this.customerIndex.get(id);
    if (index === undefined) {
      index = this.customerIds.length;
      this.customerIndex.set(id, index);
      this.customerIds.push(id);
    }
    return index;
  }
}

export function basketSetFromOrders(orders: Iterable<OrderBasket>): BasketSet {
  const builder = new BasketSetBuilder();
  for (const order of orders) builder.add(order);
  return builder.build();
}

/** Orders that count: neither test nor cancelled, processed at or before asOfMs and at or after fromMs. */
export function countedOrderMask(baskets: BasketSet, fromMs: number, asOfMs: number): Uint8Array {
  const mask = new Uint8Array(baskets.orderCount);
  for (let o = 0; o < baskets.orderCount; o++) {
    const t = baskets.orderTimeMs[o];
    mask[o] = baskets.orderFlags[o] === 0 && t >= fromMs && t <= asOfMs ? 1 : 0;
  }
  return mask;
}

export interface OrdersByCustomer {
  /** Orders of customer c: order[start[c] … start[c + 1]), oldest first (ties by order position). */
  start: Int32Array;
  order: Int32Array;
}

/** Groups the masked orders that have a customer by customer, each customer's orders oldest first. */
export function groupOrdersByCustomer(baskets: BasketSet, mask: Uint8Array): OrdersByCustomer {
  const customers = baskets.customerIds.length;
  const start = new Int32Array(customers + 1);
  for (let o = 0; o < baskets.orderCount; o++) {
    const c = baskets.orderCustomer[o];
    if (mask[o] === 1 && c >= 0) start[c + 1]++;
  }
  for (let c = 0; c < customers; c++) start[c + 1] += start[c];
  const order = new Int32Array(start[customers]);
  const fill = start.slice(0, customers);
  for (let o = 0; o < baskets.orderCount; o++) {
    const c = baskets.orderCustomer[o];
    if (mask[o] === 1 && c >= 0) order[fill[c]++] = o;
  }
  // Orders usually arrive in time order already; insertion sort is linear then.
  const times = baskets.orderTimeMs;
  for (let c = 0; c < customers; c++) {
    for (let i = start[c] + 1; i < start[c + 1]; i++) {
      const o = order[i];
      let j = i;
      while (j > start[c] && (times[order[j - 1]] > times[o] || (times[order[j - 1]] === times[o] && order[j - 1] > o))) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = o;
    }
  }
  return { start, order };
}
