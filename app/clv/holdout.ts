/**
 * Holdout check of a BG/NBD fit: for the customers of the calibration
 * period, expected purchases over the holdout period (given their
 * calibration history) against the purchase days actually observed there,
 * in total and by calibration frequency x = 0, 1, …, 7+ (the layout of the
 * conditional-expectation figure of Fader, Hardie & Lee 2005).
 */

import type { BgNbdParams } from "./bgnbd.ts";
import { expectedPurchasesOver } from "./clv.ts";
import type { CustomerSummary } from "./summary.ts";

export interface HoldoutBucket {
  /** "0" … "6", or "7+". */
  frequency: string;
  customers: number;
  predictedTotal: number;
  actualTotal: number;
  /** Per customer in the bucket (0 when it is empty). */
  predictedMean: number;
  actualMean: number;
}

export interface HoldoutCheck {
  /** Holdout length in model periods. */
  holdoutLength: number;
  customers: number;
  predictedTotal: number;
  /** Purchase days observed in the holdout (the model's notion of a purchase). */
  actualTotal: number;
  /** Distinct (customer, Monday-based calendar week) pairs with a holdout purchase: weekly data sets count these. */
  actualPurchaseWeeks: number;
  byFrequency: HoldoutBucket[];
}

export const HOLDOUT_TOP_BUCKET = 7;

export function holdoutCheck(params: BgNbdParams, summary: CustomerSummary): HoldoutCheck {
  const expected = expectedPurchasesOver(params, summary, summary.holdoutLength);
  const buckets = Array.from({ length: HOLDOUT_TOP_BUCKET + 1 }, (_, k) => ({
    frequency: k === HOLDOUT_TOP_BUCKET ? `${HOLDOUT_TOP_BUCKET}+` : String(k),
    customers: 0,
    predictedTotal: 0,
    actualTotal: 0,
    predictedMean: 0,
    actualMean: 0,
  }));
  let predictedTotal = 0;
  let actualTotal = 0;
  let actualPurchaseWeeks = 0;
  for (let i = 0; i < summary.count; i++) {
    const bucket = buckets[Math.min(summary.frequency[i], HOLDOUT_TOP_BUCKET)];
    bucket.customers++;
    bucket.predictedTotal += expected[i];
    bucket.actualTotal += summary.holdoutPurchases[i];
    predictedTotal += expected[i];
    actualTotal += summary.holdoutPurchases[i];
    actualPurchaseWeeks += summary.holdoutPurchaseWeeks[i];
  }
  for (const bucket of buckets) {
    if (bucket.customers > 0) {
      bucket.predictedMean = bucket.predictedTotal / bucket.customers;
      bucket.actualMean = bucket.actualTotal / bucket.customers;
    }
  }
  return {
    holdoutLength: summary.holdoutLength,
    customers: summary.count,
    predictedTotal,
    actualTotal,
    actualPurchaseWeeks,
    byFrequency: buckets,
  };
}
