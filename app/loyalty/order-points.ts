// An order's points: from the order's current state and the entries already written for it, the entries to
// append so that the order's stream sums to exactly what the order should hold now.
//
// The target is a function of the state only, never of the path that led to it:
//   - the order earns once, under the rule version in force at its processed_at, on its net merchandise value
//     as placed (line items after discounts; no shipping, taxes, tips or gift cards), times the tier multiplier;
//   - it keeps earned × (merchandise not refunded) / (merchandise as placed), rounded with the earning rule's
//     rounding: the version recorded on the earn entry, not today's;
//   - a cancelled, voided or fully refunded order keeps nothing.
// Whatever order the webhooks arrive in (refund before order, cancellation before payment, duplicates),
// re-running this after each one ends on the same sum. Entries are keyed by their position in the stream (see
// ledger.ts), so concurrent runs cannot both append.
import { orderStream, streamKey, type LedgerEntry } from "./ledger.ts";
import { pointsForAmount, pointsKept } from "./points-math.ts";
import { ruleVersionAt, ruleVersionById, type RuleVersion } from "./settings.ts";

/** Shopify's order financial statuses (lower case, as webhooks send them). */
export type FinancialStatus =
  "pending" | "authorized" | "partially_paid" | "paid" | "partially_refunded" | "refunded" | "voided" | "expired";

const CAPTURED: ReadonlySet<FinancialStatus> = new Set(["paid", "partially_refunded", "refunded"]);
const PLACED: ReadonlySet<FinancialStatus> = new Set(["pending", "authorized", "partially_paid", ...CAPTURED]);
const NEVER_PAID: ReadonlySet<FinancialStatus> = new Set(["voided", "expired"]);

export interface OrderPointsState {
  orderId: string;
  customerId: string;
  processedAtMs: number;
  /** Version time of this state (the order's updated_at): dates a reversal caused by a status change. */
  updatedAtMs: number;
  /** Net merchandise value as placed, in shop-currency minor units. */
  merchandiseMinor: number;
  cancelledAtMs: number | null;
  test: boolean;
  financialStatus: FinancialStatus;
}

export interface RefundPointsState {
  refundId: string;
  /** Merchandise value refunded (line items' refunded subtotal), shop-currency minor units. */
  merchandiseMinor: number;
  createdAtMs: number;
}

export interface OrderPointsInput {
  /** null while only refunds have arrived (refund before order): nothing can earn or reverse yet. */
  order: OrderPointsState | null;
  refunds: readonly RefundPointsState[];
  /** Every entry already written in this order's stream (kinds earn and reverse). */
  existing: readonly LedgerEntry[];
  /** The program's versions, sorted by effectiveFromMs. */
  ruleVersions: readonly RuleVersion[];
  /** Tier perk in force for this order (100 = 1×): the member's tier at the start of the order's day. */
  multiplierHundredths?: number;
}

export interface OrderPointsTarget {
  /** Points the order holds now (the sum its stream must have). */
  keptPoints: number;
  /** The earn entry, existing or to be written; null while the order cannot earn. */
  earn: LedgerEntry | null;
}

/** Whether an order's current state lets it earn under a version (it may still earn later, e.g. once paid). */
export function orderCanEarn(order: OrderPointsState, version: RuleVersion | null): boolean {
  if (!version || !version.settings.enabled) return false;
  const rule = version.settings.earning;
  if (order.cancelledAtMs !== null) return false; // a cancelled order never earns, whatever the settings
  if (order.test && !rule.includeTestOrders) return false;
  const statuses = rule.requirePaid ? CAPTURED : PLACED;
  if (!statuses.has(order.financialStatus)) return false;
  if (rule.minimumOrderMinor !== null && order.merchandiseMinor < rule.minimumOrderMinor) return false;
  return order.merchandiseMinor > 0;
}

function refundedMerchandise(refunds: readonly RefundPointsState[]): number {
  // One refund can appear twice (redelivery, or staged and then joined): count each id once.
  const seen = new Map<string, number>();
  for (const refund of refunds) seen.set(refund.refundId, refund.merchandiseMinor);
  let total = 0;
  for (const amount of seen.values()) total += amount;
  return total;
}

function isFullyReversed(order: OrderPointsState): boolean {
  return order.cancelledAtMs !== null || NEVER_PAID.has(order.financialStatus) || order.financialStatus === "refunded";
}

/** What the order should hold now, and its earn entry (the existing one wins: it fixed the rate). */
export function orderPointsTarget(input: OrderPointsInput): OrderPointsTarget {
  const { order } = input;
  if (!order) return { keptPoints: sumOf(input.existing), earn: null };
  let earn = input.existing.find((entry) => entry.kind === "earn") ?? null;
  if (!earn) {
    const version = ruleVersionAt(input.ruleVersions, order.processedAtMs);
    if (!version || !orderCanEarn(order, version)) return { keptPoints: 0, earn: null };
    const multiplierHundredths = input.multiplierHundredths ?? 100;
    const points = pointsForAmount(order.merchandiseMinor, version.settings.earning, version.settings.currencyCode, multiplierHundredths);
    if (points === 0) return { keptPoints: 0, earn: null };
    earn = {
      key: streamKey(orderStream(order.orderId), 0),
      customerId: order.customerId,
      kind: "earn",
      points,
      source: { type: "order", orderId: order.orderId },
      ruleVersionId: version.id,
      effectiveAtMs: order.processedAtMs,
      basisMinor: order.merchandiseMinor,
      multiplierHundredths,
    };
  }
  if (isFullyReversed(order)) return { keptPoints: 0, earn };
  const basis = earn.basisMinor ?? order.merchandiseMinor;
  const rounding = earn.ruleVersionId ? ruleVersionById(input.ruleVersions, earn.ruleVersionId).settings.earning.rounding : "down";
  const remaining = basis - Math.min(basis, refundedMerchandise(input.refunds));
  return { keptPoints: pointsKept(earn.points, basis, remaining, rounding), earn };
}

/** The entries to append (possibly none) so that the order's stream sums to its target. */
export function orderEntriesToAppend(input: OrderPointsInput): LedgerEntry[] {
  const { order } = input;
  if (!order) return [];
  const target = orderPointsTarget(input);
  const appended: LedgerEntry[] = [];
  const stream = orderStream(order.orderId);
  let position = input.existing.length;
  let sum = sumOf(input.existing);
  const earn = target.earn;
  if (earn && !input.existing.some((entry) => entry.kind === "earn")) {
    // The earn is always the stream's first entry, even when refunds were already known: the history then
    // shows what the order earned and what its refunds took back.
    if (position !== 0) throw new Error(`order ${order.orderId}: its stream has entries but no earn entry`);
    appended.push(earn);
    position += 1;
    sum += earn.points;
  }
  const difference = target.keptPoints - sum;
  if (difference !== 0 && earn) appended.push(reversal(input, earn, difference, streamKey(stream, position)));
  return appended;
}

function reversal(input: OrderPointsInput, earn: LedgerEntry, points: number, key: string): LedgerEntry {
  const order = input.order as OrderPointsState;
  const base = { key, customerId: earn.customerId, kind: "reverse" as const, points, ruleVersionId: earn.ruleVersionId };
  if (order.cancelledAtMs !== null) {
    return { ...base, source: { type: "cancellation", orderId: order.orderId }, effectiveAtMs: order.cancelledAtMs };
  }
  const accounted = new Set<string>();
  for (const entry of input.existing) if (entry.source.type === "refund") for (const id of entry.source.refundIds) accounted.add(id);
  const fresh = input.refunds.filter((refund) => !accounted.has(refund.refundId));
  if (fresh.length > 0 && order.financialStatus !== "voided" && order.financialStatus !== "expired") {
    const refundIds = [...new Set(fresh.map((refund) => refund.refundId))].sort();
    const effectiveAtMs = Math.max(...fresh.map((refund) => refund.createdAtMs));
    return { ...base, source: { type: "refund", orderId: order.orderId, refundIds }, effectiveAtMs };
  }
  // A status change (voided, expired, refunded without its refund records yet) or a correction.
  return { ...base, source: { type: "order", orderId: order.orderId }, effectiveAtMs: order.updatedAtMs };
}

function sumOf(entries: readonly LedgerEntry[]): number {
  let sum = 0;
  for (const entry of entries) sum += entry.points;
  return sum;
}
