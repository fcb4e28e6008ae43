/**
 * Per-customer results of analyzeShop, stored as columns (typed arrays) with
 * a row accessor and an iterator for code that wants one object per customer.
 */

import { SEGMENT_NAMES, type SegmentName } from "./rfm.ts";

export interface CustomerResult {
  customerKey: string;
  /** x: repeat purchase days in the calibration period. */
  frequency: number;
  /** t_x, in the analysis period unit. */
  recency: number;
  /** T (customer age), in the analysis period unit. */
  T: number;
  /** Mean amount of the repeat purchase days (0 when x = 0). */
  monetary: number;
  /** Total spend up to the calibration end. */
  historicValue: number;
  /** Purchase days up to the calibration end (x + 1). */
  orders: number;
  daysSinceLastPurchase: number;
  /** Expected purchase days over the horizon; null when the model was not fitted. */
  expectedPurchases: number | null;
  probabilityAlive: number | null;
  /** Expected value of a future purchase; null when the model was not fitted. */
  expectedAverageValue: number | null;
  /** Discounted value of the expected purchases over the horizon; null when the model was not fitted. */
  predictedClv: number | null;
  /** 10th and 90th percentile of the purchases over the horizon (parameter uncertainty included); null when not fitted. */
  /** Probability of at least one purchase over the horizon: 1 − P(Y(horizon) = 0 | history). */
  probabilityOfPurchase: number | null;
  purchasesLow: number | null;
  purchasesHigh: number | null;
  /** The purchase percentiles valued like predictedClv (expected order value, discounting); null when not fitted. */
  valueLow: number | null;
  valueHigh: number | null;
  /** Expected purchases over the holdout after asOf; null without a holdout or a fit. */
  holdoutExpected: number | null;
  /** Purchase days observed in the holdout; null without a holdout. */
  holdoutActual: number | null;
  /** 10th and 90th percentile of the holdout purchases; null without a holdout or a fit. */
  holdoutLow: number | null;
  holdoutHigh: number | null;
  segment: SegmentName;
  recencyScore: number;
  frequencyScore: number;
  monetaryScore: number;
}

export interface CustomerColumns {
  customerKeys: readonly string[];
  frequency: Int32Array;
  recency: Float64Array;
  T: Float64Array;
  monetary: Float64Array;
  historicValue: Float64Array;
  orders: Int32Array;
  daysSinceLastPurchase: Int32Array;
  expectedPurchases: Float64Array | null;
  probabilityAlive: Float64Array | null;
  expectedAverageValue: Float64Array | null;
  predictedClv: Float64Array | null;
  probabilityOfPurchase: Float64Array | null;
  purchasesLow: Int32Array | null;
  purchasesHigh: Int32Array | null;
  valueLow: Float64Array | null;
  valueHigh: Float64Array | null;
  holdoutExpected: Float64Array | null;
  holdoutActual: Int32Array | null;
  holdoutLow: Int32Array | null;
  holdoutHigh: Int32Array | null;
  recencyScore: Uint8Array;
  frequencyScore: Uint8Array;
  monetaryScore: Uint8Array;
  /** Index into SEGMENT_NAMES. */
  segment: Uint8Array;
}

export class CustomerResults implements Iterable<CustomerResult> {
  readonly count: number;

  constructor(readonly columns: CustomerColumns) {
    this.count = columns.customerKeys.length;
  }

  row(index: number): CustomerResult {
    if (!(index >= 0 && index < this.count)) throw new RangeError(`customer row ${index} out of range 0..${this.count - 1}`);
    const c = this.columns;
    return {
      customerKey: c.customerKeys[index],
      frequency: c.frequency[index],
      recency: c.recency[index],
      T: c.T[index],
      monetary: c.monetary[index],
      historicValue: c.historicValue[index],
      orders: c.orders[index],
      daysSinceLastPurchase: c.daysSinceLastPurchase[index],
      expectedPurchases: c.expectedPurchases ? c.expectedPurchases[index] : null,
      probabilityAlive: c.probabilityAlive ? c.probabilityAlive[index] : null,
      expectedAverageValue: c.expectedAverageValue ? c.expectedAverageValue[index] : null,
      predictedClv: c.predictedClv ? c.predictedClv[index] : null,
      probabilityOfPurchase: c.probabilityOfPurchase ? c.probabilityOfPurchase[index] : null,
      purchasesLow: c.purchasesLow ? c.purchasesLow[index] : null,
      purchasesHigh: c.purchasesHigh ? c.purchasesHigh[index] : null,
      valueLow: c.valueLow ? c.valueLow[index] : null,
      valueHigh: c.valueHigh ? c.valueHigh[index] : null,
      holdoutExpected: c.holdoutExpected ? c.holdoutExpected[index] : null,
      holdoutActual: c.holdoutActual ? c.holdoutActual[index] : null,
      holdoutLow: c.holdoutLow ? c.holdoutLow[index] : null,
      holdoutHigh: c.holdoutHigh ? c.holdoutHigh[index] : null,
      segment: SEGMENT_NAMES[c.segment[index]],
      recencyScore: c.recencyScore[index],
      frequencyScore: c.frequencyScore[index],
      monetaryScore: c.monetaryScore[index],
    };
  }

  *[Symbol.iterator](): Iterator<CustomerResult> {
    for (let i = 0; i < this.count; i++) yield this.row(i);
  }

  toArray(): CustomerResult[] {
    return Array.from(this);
  }
}
