// The reason stored with an at-risk customer (CustomerRisk.reason, JSON): app/retention's structured reasons
// plus the figures the list shows next to them, so the page never re-runs the detection. Versioned so a later
// shape can be told apart; anything unreadable shows as "no reason stored" rather than failing the page.
import type { RetentionReason } from "~/retention";

export interface StoredRiskReason {
  v: 1;
  /** CRITERION bits met at detection. */
  criteria: number;
  /** What the threshold was compared with: P(alive), or the rhythm score of a one-time buyer. */
  effectiveProbabilityAlive: number | null;
  /** The previous fit's P(alive) (null without one). */
  previousProbabilityAlive: number | null;
  reasons: RetentionReason[];
}

const finiteOrNull = (value: number | null | undefined) => (typeof value === "number" && Number.isFinite(value) ? value : null);

export function storedRiskReason(parts: Omit<StoredRiskReason, "v">): StoredRiskReason {
  return {
    v: 1,
    criteria: parts.criteria,
    effectiveProbabilityAlive: finiteOrNull(parts.effectiveProbabilityAlive),
    previousProbabilityAlive: finiteOrNull(parts.previousProbabilityAlive),
    reasons: parts.reasons,
  };
}

const REASON_KINDS = new Set<string>(["rhythm_broken", "probability_dropped", "probability_low", "one_time_overdue", "still_at_risk"]);

export function parseStoredRiskReason(text: string | null): StoredRiskReason | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<StoredRiskReason> | null;
    if (value === null || typeof value !== "object" || value.v !== 1 || !Array.isArray(value.reasons)) return null;
    return {
      v: 1,
      criteria: typeof value.criteria === "number" ? value.criteria : 0,
      effectiveProbabilityAlive: finiteOrNull(value.effectiveProbabilityAlive),
      previousProbabilityAlive: finiteOrNull(value.previousProbabilityAlive),
      reasons: value.reasons.filter(
        (r): r is RetentionReason =>
          typeof r === "object" && r !== null && typeof r.kind === "string" && REASON_KINDS.has(r.kind) && typeof r.values === "object",
      ),
    };
  } catch {
    return null;
  }
}
