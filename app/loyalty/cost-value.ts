// What each tier costs against what it holds: the perks paid so far and the points still owed (the
// liability), beside the members' historic and predicted value. A tier whose cost grows faster than its
// members' predicted value is buying loyalty it will not get back; this puts both on one line.
import type { TierColumns } from "./tier-evaluation.ts";
import type { TierLadder } from "./tiers.ts";

export interface CostValueColumns {
  /** Lifetime net revenue per customer (minor units). */
  netRevenueMinor: Float64Array;
  /** Predicted 12-month value (minor units), NaN without a prediction. */
  predictedClvMinor: Float64Array;
  /** Reward codes redeemed and used, in minor units of discount granted. */
  rewardDiscountsMinor: Float64Array;
  /** Tier-perk discounts used (the tier's percentage off, free shipping), minor units. */
  tierDiscountsMinor: Float64Array;
  pointsBalance: Float64Array;
}

export interface TierCostValueRow {
  tierId: string | null;
  name: string | null;
  members: number;
  historicValueMinor: number;
  predictedValueMinor: number;
  rewardDiscountsMinor: number;
  tierDiscountsMinor: number;
  /** Positive balances only: a negative balance is not an asset the shop can count on. */
  pointsOutstanding: number;
  /** pointsOutstanding × the value of a point, rounded to a minor unit; null when points have no money value. */
  pointsLiabilityMinor: number | null;
  /** Discounts so far plus the liability. */
  costMinor: number;
  /** costMinor / historic value, or null when the members have no historic value. */
  costShareOfHistoric: number | null;
  costShareOfPredicted: number | null;
}

/** Rows for "no tier" then each tier; `pointValueMinor` from rewards.pointValueMinor (null: no amount-off reward). */
export function costAgainstValue(
  ladder: TierLadder,
  tiers: TierColumns,
  columns: CostValueColumns,
  pointValueMinor: number | null,
): TierCostValueRow[] {
  const size = ladder.size + 1;
  const members = new Float64Array(size);
  const historic = new Float64Array(size);
  const predicted = new Float64Array(size);
  const rewardDiscounts = new Float64Array(size);
  const tierDiscounts = new Float64Array(size);
  const outstanding = new Float64Array(size);
  for (let k = 0; k < tiers.tier.length; k++) {
    const row = tiers.tier[k] + 1;
    members[row] += 1;
    historic[row] += columns.netRevenueMinor[k];
    if (!Number.isNaN(columns.predictedClvMinor[k])) predicted[row] += columns.predictedClvMinor[k];
    rewardDiscounts[row] += columns.rewardDiscountsMinor[k];
    tierDiscounts[row] += columns.tierDiscountsMinor[k];
    if (columns.pointsBalance[k] > 0) outstanding[row] += columns.pointsBalance[k];
  }
  const rows: TierCostValueRow[] = [];
  for (let row = 0; row < size; row++) {
    const liability = pointValueMinor === null ? null : Math.round(outstanding[row] * pointValueMinor);
    const costMinor = rewardDiscounts[row] + tierDiscounts[row] + (liability ?? 0);
    rows.push({
      tierId: row === 0 ? null : ladder.ids[row - 1],
      name: row === 0 ? null : ladder.names[row - 1],
      members: members[row],
      historicValueMinor: historic[row],
      predictedValueMinor: predicted[row],
      rewardDiscountsMinor: rewardDiscounts[row],
      tierDiscountsMinor: tierDiscounts[row],
      pointsOutstanding: outstanding[row],
      pointsLiabilityMinor: liability,
      costMinor,
      costShareOfHistoric: historic[row] > 0 ? costMinor / historic[row] : null,
      costShareOfPredicted: predicted[row] > 0 ? costMinor / predicted[row] : null,
    });
  }
  return rows;
}
