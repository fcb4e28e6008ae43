/**
 * Which products the same customers buy again (consumables, refills) and after how long: the exception to
 * "never recommend what the shopper already bought".
 */

import { countedOrderMask, groupOrdersByCustomer, type BasketSet } from "./baskets.ts";
import { DAY_MS, MONTH_MS } from "./mining.ts";

export interface RepurchaseOptions {
  /** Default: the latest counted order. */
  asOfMs?: number;
  /** Look-back in months; null or absent: all history. */
  windowMonths?: number | null;
  /** A product counts as repurchased with at least this many repeat buyers (default 5)… */
  minRepeatBuyers?: number;
  /** …and at least this share of its buyers buying it again (default 0.15). */
  minRepurchaseRate?: number;
  /** Purchases closer than this are one purchase split in two orders, not a repurchase (default 1 day). */
  minIntervalDays?: number;
}

export interface ProductRepurchase {
  productId: string;
  /** Distinct customers who bought it. */
  buyers: number;
  /** Of those, the ones who bought it again in a later order. */
  repeatBuyers: number;
  /** repeatBuyers / buyers (0 without buyers). */
  rate: number;
  /** Median days between a customer's consecutive purchases of it; null without any. */
  typicalIntervalDays: number | null;
  repurchased: boolean;
}

export interface RepurchaseStats {
  asOfMs: number;
  /** Indexed like baskets.productIds. */
  products: ProductRepurchase[];
}

function medianOf(values: Float64Array): number {
  values.sort();
  const middle = values.length >> 1;
  return values.length % 2 === 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

export function repurchaseStats(baskets: BasketSet, options: RepurchaseOptions = {}): RepurchaseStats {
  let asOfMs = options.asOfMs;
  if (asOfMs === undefined) {
    asOfMs = 0;
    for (let o = 0; o < baskets.orderCount; o++) {
      if (baskets.orderFlags[o] === 0 && baskets.orderTimeMs[o] > asOfMs) asOfMs = baskets.orderTimeMs[o];
    }
  }
  const windowMonths = options.windowMonths ?? null;
  const fromMs = windowMonths === null ? Number.NEGATIVE_INFINITY : asOfMs - windowMonths * MONTH_MS;
  const minRepeatBuyers = options.minRepeatBuyers ?? 5;
  const minRate = options.minRepurchaseRate ?? 0.15;
  const minIntervalMs = (options.minIntervalDays ?? 1) * DAY_MS;

  const mask = countedOrderMask(baskets, fromMs, asOfMs);
  const groups = groupOrdersByCustomer(baskets, mask);
  const productCount = baskets.productIds.length;
  const lastCustomer = new Int32Array(productCount).fill(-1);
  const repeatCustomer = new Int32Array(productCount).fill(-1);
  const lastTime = new Float64Array(productCount);
  const buyers = new Int32Array(productCount);
  const repeatBuyers = new Int32Array(productCount);
  let intervalProduct = new Int32Array(1024);
  let intervalDays = new Float64Array(1024);
  let intervals = 0;

  for (let c = 0; c < baskets.customerIds.length; c++) {
    for (let k = groups.start[c]; k < groups.start[c + 1]; k++) {
      const o = groups.order[k];
      const t = baskets.orderTimeMs[o];
      for (let i = baskets.itemStart[o]; i < baskets.itemStart[o + 1]; i++) {
        const p = baskets.itemProduct[i];
        if (lastCustomer[p] !== c) {
          lastCustomer[p] = c;
          lastTime[p] = t;
          buyers[p]++;
          continue;
        }
        const gap = t - lastTime[p];
        if (gap < minIntervalMs) continue;
        if (repeatCustomer[p] !== c) {
          repeatCustomer[p] = c;
          repeatBuyers[p]++;
        }
        if (intervals === intervalProduct.length) {
          const product = new Int32Array(intervals * 2);
          product.set(intervalProduct);
          intervalProduct = product;
          const days = new Float64Array(intervals * 2);
          days.set(intervalDays);
          intervalDays = days;
        }
        intervalProduct[intervals] = p;
        intervalDays[intervals] = gap / DAY_MS;
        intervals++;
        lastTime[p] = t;
      }
    }
  }

  // Group the intervals by product (counting sort) to take each product's median.
  const start = new Int32Array(productCount + 1);
  for (let k = 0; k < intervals; k++) start[intervalProduct[k] + 1]++;
  for (let p = 0; p < productCount; p++) start[p + 1] += start[p];
  const grouped = new Float64Array(intervals);
  const fill = start.slice(0, productCount);
  for (let k = 0; k < intervals; k++) grouped[fill[intervalProduct[k]]++] = intervalDays[k];

  const products = baskets.productIds.map((productId, p): ProductRepurchase => {
    const rate = buyers[p] > 0 ? repeatBuyers[p] / buyers[p] : 0;
    const own = grouped.subarray(start[p], start[p + 1]);
    return {
      productId,
      buyers: buyers[p],
      repeatBuyers: repeatBuyers[p],
      rate,
      typicalIntervalDays: own.length > 0 ? medianOf(own) : null,
      repurchased: repeatBuyers[p] >= minRepeatBuyers && rate >= minRate,
    };
  });
  return { asOfMs, products };
}
