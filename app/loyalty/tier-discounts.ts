// A tier's percentage off as a Shopify automatic discount: what each tier should have (a customer segment of
// its members, found by their `tier:<name>` tag, and an automatic basic discount limited to that segment),
// and what to do to get there from what was last written. The data module carries the plan out.
//
// Only tiers whose perk is switched on as an automatic discount, with a percentage above 0, in a program that
// is on, get one. A tier renamed keeps its segment (its query follows the new tag) and its discount (its title
// follows); a new percentage updates the discount; a perk switched off, a tier removed or the program switched
// off deletes the discount. Segments are never deleted: other features (offers limited to a tier) may use the
// same segment, and an unused one costs nothing; the record keeps it, so switching the perk on again (even
// after a rename) reuses it.
import { TIER_TAG_PREFIX } from "./write-back.ts";
import type { TierProgram } from "./tiers.ts";

export interface TierDiscountSpec {
  tierId: string;
  tierName: string;
  /** 0 < percent ≤ 100, at most 2 decimals. */
  percent: number;
  title: string;
  segmentName: string;
  segmentQuery: string;
}

/** What was last written for a tier (ShopifySyncState of the tier-discount channel). */
export interface TierDiscountRecord {
  segmentId: string | null;
  discountId: string | null;
  percent: number | null;
  title: string | null;
  segmentQuery: string | null;
  /** Shopify's refusal of the last attempt, shown in the tiers editor. */
  error: string | null;
}

/**
 * ShopifyQL of a tier's members: the tag the write-back puts on them (quotes escaped). Written exactly as the
 * offers' tier segments are, so that both find and share the same segment.
 */
export function tierSegmentQuery(tierName: string): string {
  return `customer_tags CONTAINS '${TIER_TAG_PREFIX}${tierName.replace(/'/g, "\\'")}'`;
}

/** The automatic discounts the program asks for, one per tier that has the perk on. */
export function tierDiscountSpecs(program: { enabled: boolean; tiers: TierProgram | null }): TierDiscountSpec[] {
  if (!program.enabled || !program.tiers) return [];
  return program.tiers.tiers
    .filter((tier) => tier.perks.automaticDiscount === true && tier.perks.percentOff > 0)
    .map((tier) => ({
      tierId: tier.id,
      tierName: tier.name,
      percent: tier.perks.percentOff,
      title: `Loyalty ${tier.name}: ${tier.perks.percentOff}% off`,
      segmentName: `Loyalty tier ${tier.name}`,
      segmentQuery: tierSegmentQuery(tier.name),
    }));
}

export type TierDiscountStep =
  | { kind: "create"; spec: TierDiscountSpec; record: TierDiscountRecord | null }
  | { kind: "update"; spec: TierDiscountSpec; record: TierDiscountRecord; segment: boolean; discount: boolean }
  | { kind: "delete"; tierId: string; record: TierDiscountRecord }
  | { kind: "unchanged"; tierId: string };

/**
 * The steps from the records to the specs. A record without a discount (a refused attempt, or a perk switched
 * off earlier) is created again, on the segment it remembers; one whose segment or discount differs is updated
 * (only the part that differs); a discount without a spec is deleted.
 */
export function planTierDiscounts(
  specs: readonly TierDiscountSpec[],
  records: ReadonlyMap<string, TierDiscountRecord>,
): TierDiscountStep[] {
  const steps: TierDiscountStep[] = [];
  const wanted = new Set<string>();
  for (const spec of specs) {
    wanted.add(spec.tierId);
    const record = records.get(spec.tierId) ?? null;
    if (!record?.discountId || !record.segmentId) {
      steps.push({ kind: "create", spec, record });
      continue;
    }
    const segment = record.segmentQuery !== spec.segmentQuery;
    const discount = record.percent !== spec.percent || record.title !== spec.title;
    steps.push(segment || discount ? { kind: "update", spec, record, segment, discount } : { kind: "unchanged", tierId: spec.tierId });
  }
  // A record without a discount (deleted earlier) only remembers the tier's segment: nothing to do.
  for (const [tierId, record] of records) if (!wanted.has(tierId) && record.discountId) steps.push({ kind: "delete", tierId, record });
  return steps;
}

/** Shopify's percentage: a fraction of 1 (12.5% → 0.125), exact to the 2 decimals a perk may have. */
export const shopifyPercentage = (percent: number) => Math.round(percent * 100) / 10_000;
