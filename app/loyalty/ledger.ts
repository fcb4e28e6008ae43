// The points ledger: append-only entries; a balance is only ever the sum of entries.
//
// Keys. Every entry carries a deterministic key, stored under a unique index. Entries that have a natural
// identity use it (`redeem:<redemption>`, `referral:<referred customer>`, `bonus:birthday:<customer>:<year>`).
// Entries that converge a figure (an order's points, an expiry) belong to a *stream* and are keyed by their
// position in it, `<stream>:<n>`: the function that computes them reads the stream's n existing entries and
// appends the difference to the target at position n. A redelivery that runs after the first delivery finds
// nothing to append; one that runs concurrently computes the same key and the unique index drops it; two
// different events racing for the same position make the loser's insert fail, and re-running it (after
// re-reading the stream) appends only what is still missing. That is optimistic concurrency on the stream's
// length, and it is what keeps the ledger exact whatever order events arrive in.

import { englishMessage } from "./messages.ts";

export const LEDGER_ENTRY_KINDS = ["earn", "reverse", "redeem", "expire", "adjust", "referral"] as const;
export type LedgerEntryKind = (typeof LEDGER_ENTRY_KINDS)[number];

export type BonusAction = "account_creation" | "birthday";

export type LedgerSource =
  | { type: "order"; orderId: string }
  | { type: "refund"; orderId: string; refundIds: string[] }
  | { type: "cancellation"; orderId: string }
  | { type: "redemption"; redemptionId: string }
  | { type: "referral"; referredCustomerId: string; orderId: string }
  | { type: "bonus"; action: BonusAction }
  | { type: "expiry"; expiresOnDay: number }
  | { type: "manual"; reason: string; staffMemberId: string | null };

export interface LedgerEntry {
  key: string;
  customerId: string;
  kind: LedgerEntryKind;
  /** Signed whole points: credits positive, debits negative. */
  points: number;
  source: LedgerSource;
  /** The rule version that produced the entry (for a reversal: the version of the earn it reverses). */
  ruleVersionId: string | null;
  /** When the entry takes effect: the order's processed_at, the refund's created_at… not when it was written. */
  effectiveAtMs: number;
  /** Earn entries from orders: the merchandise value the points were computed on and the tier multiplier. */
  basisMinor?: number;
  multiplierHundredths?: number;
}

export function orderStream(orderId: string): string {
  return `order:${orderId}`;
}

export function expiryStream(customerId: string, expiresOnDay: number): string {
  return `expire:${customerId}:${expiresOnDay}`;
}

export function streamKey(stream: string, position: number): string {
  return `${stream}:${position}`;
}

/** The stream an entry belongs to, or null for entries keyed by a natural identity. */
export function streamOf(entry: LedgerEntry): string | null {
  const cut = entry.key.lastIndexOf(":");
  if (cut < 0) return null;
  const stream = entry.key.slice(0, cut);
  return stream.startsWith("order:") || stream.startsWith("expire:") ? stream : null;
}

export function orderIdOf(entry: LedgerEntry): string | null {
  const source = entry.source;
  switch (source.type) {
    case "order":
    case "refund":
    case "cancellation":
      return source.orderId;
    default:
      return null;
  }
}

/** The balance: the sum of the entries, nothing else. */
export function pointsBalance(entries: readonly LedgerEntry[]): number {
  let balance = 0;
  for (const entry of entries) balance += entry.points;
  return balance;
}

/** The balance counting only entries effective at or before an instant. */
export function pointsBalanceAt(entries: readonly LedgerEntry[], atMs: number): number {
  let balance = 0;
  for (const entry of entries) if (entry.effectiveAtMs <= atMs) balance += entry.points;
  return balance;
}

/**
 * Balances of many customers from columnar entries (a million customers in one pass): `entryStart[k]` ..
 * `entryStart[k + 1] - 1` are customer k's rows of `points`.
 */
export function pointsBalances(entryStart: Int32Array, points: Float64Array): Float64Array {
  const customers = entryStart.length - 1;
  const balances = new Float64Array(Math.max(0, customers));
  for (let k = 0; k < customers; k++) {
    let balance = 0;
    for (let i = entryStart[k]; i < entryStart[k + 1]; i++) balance += points[i];
    balances[k] = balance;
  }
  return balances;
}

/** Entries whose key is not already written: what a caller inserts (the unique index is the real guard). */
export function withoutWritten(candidates: readonly LedgerEntry[], writtenKeys: ReadonlySet<string>): LedgerEntry[] {
  return candidates.filter((entry) => !writtenKeys.has(entry.key));
}

export interface ManualAdjustmentRequest {
  customerId: string;
  points: number;
  reason: string;
  staffMemberId: string | null;
  /** The form submission's id, so a double submit writes one entry. */
  requestId: string;
  atMs: number;
}

/** A merchant's manual adjustment; refused without a reason, because the ledger must say why. */
export function manualAdjustment(request: ManualAdjustmentRequest): { ok: true; entry: LedgerEntry } | { ok: false; message: string } {
  const reason = request.reason.trim();
  if (!Number.isSafeInteger(request.points) || request.points === 0)
    return { ok: false, message: englishMessage("loyalty.error.adjust.points") };
  if (reason.length === 0) return { ok: false, message: englishMessage("loyalty.error.adjust.reasonMissing") };
  if (reason.length > 500) return { ok: false, message: englishMessage("loyalty.error.adjust.reasonTooLong") };
  return {
    ok: true,
    entry: {
      key: `adjust:${request.customerId}:${request.requestId}`,
      customerId: request.customerId,
      kind: "adjust",
      points: request.points,
      source: { type: "manual", reason, staffMemberId: request.staffMemberId },
      ruleVersionId: null,
      effectiveAtMs: request.atMs,
    },
  };
}
