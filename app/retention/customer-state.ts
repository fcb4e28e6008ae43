// One customer's retention state after a refit, from the detection's columns: what sync.ts compares with
// what was last written to Shopify.
import type { AtRiskInput, AtRiskResult } from "./at-risk.ts";
import { formatReasonsEnglish, reasonsFor } from "./reasons.ts";
import { averageGapDays } from "./rhythm.ts";
import type { RetentionCustomerState } from "./sync.ts";

export function retentionStateOf(
  input: AtRiskInput,
  result: AtRiskResult,
  row: number,
  extra: { segment: string | null; winBack?: RetentionCustomerState["winBack"] },
): RetentionCustomerState {
  const predicted = input.predictedValueMinor[row];
  const p = input.probabilityAlive[row];
  const repeatBuyer = averageGapDays(input.orders[row], input.firstOrderDay[row], input.lastOrderDay[row]) > 0;
  const atRisk = result.atRisk[row] === 1;
  return {
    customerId: input.customerIds[row],
    historicValueMinor: input.netRevenueMinor[row],
    predictedValue12mMinor: Number.isFinite(predicted) ? predicted : null,
    probabilityAlive: repeatBuyer && p >= 0 && p <= 1 ? p : null,
    segment: extra.segment,
    atRisk,
    valueAtStakeMinor: atRisk ? result.valueAtStakeMinor[row] : 0,
    reason: atRisk ? formatReasonsEnglish(reasonsFor(input, result, row)) : "",
    winBack: extra.winBack ?? null,
  };
}
