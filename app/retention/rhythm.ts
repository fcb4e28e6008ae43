// The shop's repeat rhythm: how long its repeat customers usually wait between orders. One-time buyers are
// judged against it, since the purchase model cannot judge them (BG/NBD gives every one-time buyer
// P(alive) = 1 by construction, whatever their silence).

/** Gaps are counted in whole days up to this; a longer average gap counts as this long. */
export const MAX_GAP_DAYS = 3650;

export interface RhythmColumns {
  /** Counted orders per customer. */
  orders: Int32Array;
  /** Shop-local day numbers of the first and last counted order. */
  firstOrderDay: Int32Array;
  lastOrderDay: Int32Array;
}

export interface RepeatRhythm {
  /** Customers with orders on at least two different days. */
  repeatCustomers: number;
  /** Median of the repeat customers' average gaps between orders, days; NaN without repeat customers. */
  typicalGapDays: number;
  /** longerShare[d]: share of repeat customers whose average gap (rounded to whole days) is longer than d days. */
  longerShare: Float64Array;
}

/** A customer's average gap between orders: (last − first) / (orders − 1); NaN when there is no second order day. */
export function averageGapDays(orders: number, firstOrderDay: number, lastOrderDay: number): number {
  const tenure = lastOrderDay - firstOrderDay;
  return orders >= 2 && tenure > 0 ? tenure / (orders - 1) : Number.NaN;
}

export function repeatRhythm(columns: RhythmColumns): RepeatRhythm {
  const { orders, firstOrderDay, lastOrderDay } = columns;
  const counts = new Int32Array(MAX_GAP_DAYS + 1);
  let repeatCustomers = 0;
  for (let i = 0; i < orders.length; i++) {
    const gap = averageGapDays(orders[i], firstOrderDay[i], lastOrderDay[i]);
    if (!(gap > 0)) continue;
    counts[Math.min(MAX_GAP_DAYS, Math.round(gap))]++;
    repeatCustomers++;
  }
  const longerShare = new Float64Array(MAX_GAP_DAYS + 1);
  let typicalGapDays = Number.NaN;
  if (repeatCustomers > 0) {
    let atMost = 0;
    for (let d = 0; d <= MAX_GAP_DAYS; d++) {
      atMost += counts[d];
      longerShare[d] = (repeatCustomers - atMost) / repeatCustomers;
      // The lower median: the first gap with at least half the repeat customers at or below it.
      if (Number.isNaN(typicalGapDays) && 2 * atMost >= repeatCustomers) typicalGapDays = d;
    }
  }
  return { repeatCustomers, typicalGapDays, longerShare };
}

/** Share of the shop's repeat customers whose usual gap is longer than `days` (0 beyond MAX_GAP_DAYS; NaN without any). */
export function shareWithLongerGap(rhythm: RepeatRhythm, days: number): number {
  if (rhythm.repeatCustomers === 0) return Number.NaN;
  if (days < 0) return 1;
  return days > MAX_GAP_DAYS ? 0 : rhythm.longerShare[Math.floor(days)];
}
