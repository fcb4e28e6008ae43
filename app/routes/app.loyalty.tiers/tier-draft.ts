// The tiers editor's draft: what the form holds (thresholds as the merchant types them) and its conversion to
// the engine's TierProgram input (thresholds in minor units for money bases). Shared by the page and its action.
import { formatMinorDecimal, toMinorUnits } from "~/lib/money";
import type { TierProgram } from "~/loyalty";

export type RetentionKind = "immediate" | "grace_period" | "review_date";

export interface TierDraftRow {
  id: string;
  name: string;
  threshold: string;
  retention: RetentionKind;
  graceDays: string;
  reviewMonth: string;
  reviewDay: string;
  percentOff: string;
  /** The percentage off as a Shopify automatic discount for the tier's segment. */
  automaticDiscount: boolean;
  pointsMultiplier: string;
  freeShipping: boolean;
  description: string;
}

export interface TierDraft {
  basis: "net_spend" | "order_count" | "points_earned" | "predicted_clv";
  window: "lifetime" | "calendar_year" | "rolling_12_months" | null;
  tiers: TierDraftRow[];
}

export const isMoneyBasis = (basis: string) => basis === "net_spend" || basis === "predicted_clv";

export function emptyRow(index: number): TierDraftRow {
  return {
    id: `tier-${Date.now().toString(36)}-${index}`,
    name: "",
    threshold: "",
    retention: "immediate",
    graceDays: "30",
    reviewMonth: "1",
    reviewDay: "1",
    percentOff: "0",
    automaticDiscount: false,
    pointsMultiplier: "1",
    freeShipping: false,
    description: "",
  };
}

export function draftOf(program: TierProgram | null, currencyCode: string): TierDraft {
  if (!program) {
    return {
      basis: "net_spend",
      window: "lifetime",
      tiers: [
        { ...emptyRow(0), id: "member", name: "Member", threshold: isMoneyBasis("net_spend") ? "0.00" : "0" },
        { ...emptyRow(1), id: "silver", name: "Silver", threshold: "250.00" },
        { ...emptyRow(2), id: "gold", name: "Gold", threshold: "1000.00", pointsMultiplier: "1.5" },
      ],
    };
  }
  return {
    basis: program.basis,
    window: program.window,
    tiers: program.tiers.map((tier) => ({
      id: tier.id,
      name: tier.name,
      threshold: isMoneyBasis(program.basis) ? formatMinorDecimal(tier.threshold, currencyCode) : String(tier.threshold),
      retention: tier.retention.kind,
      graceDays: tier.retention.kind === "grace_period" ? String(tier.retention.days) : "30",
      reviewMonth: tier.retention.kind === "review_date" ? String(tier.retention.month) : "1",
      reviewDay: tier.retention.kind === "review_date" ? String(tier.retention.day) : "1",
      percentOff: String(tier.perks.percentOff),
      automaticDiscount: tier.perks.automaticDiscount ?? false,
      pointsMultiplier: String(tier.perks.pointsMultiplier),
      freeShipping: tier.perks.freeShipping,
      description: tier.perks.description,
    })),
  };
}

const numberOrNaN = (text: string) => (text.trim() === "" ? NaN : Number(text));

/** The engine's input; a threshold that is not an amount becomes NaN, which validation reports on its field. */
export function programInputOf(draft: TierDraft, currencyCode: string): unknown {
  return {
    basis: draft.basis,
    window: draft.basis === "predicted_clv" ? null : (draft.window ?? "lifetime"),
    tiers: draft.tiers.map((row) => {
      let threshold = NaN;
      if (isMoneyBasis(draft.basis)) {
        try {
          threshold = toMinorUnits(row.threshold.trim(), currencyCode);
        } catch {
          threshold = NaN;
        }
      } else {
        threshold = numberOrNaN(row.threshold);
      }
      const retention =
        row.retention === "grace_period"
          ? { kind: "grace_period", days: numberOrNaN(row.graceDays) }
          : row.retention === "review_date"
            ? { kind: "review_date", month: numberOrNaN(row.reviewMonth), day: numberOrNaN(row.reviewDay) }
            : { kind: "immediate" };
      return {
        id: row.id,
        name: row.name,
        threshold,
        retention,
        perks: {
          percentOff: numberOrNaN(row.percentOff || "0"),
          // Drafts posted before the field existed (an open editor during a deploy) have none: off.
          automaticDiscount: row.automaticDiscount === true,
          pointsMultiplier: numberOrNaN(row.pointsMultiplier || "1"),
          freeShipping: row.freeShipping,
          description: row.description,
        },
      };
    }),
  };
}
