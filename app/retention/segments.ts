// Shopify customer segments the app keeps in step (segmentCreate / segmentUpdate / segmentDelete), so
// Shopify Email, Klaviyo and Flow can use them. Every query filters on a tag the app writes: tag filters are
// documented ShopifyQL (`customer_tags CONTAINS '…'`), metafield filter syntax is not, and the at-risk tag
// already means "valuable" (it is only set above the merchant's minimum value at stake).
import { tierTag } from "../loyalty/write-back.ts";
import { AT_RISK_TAG, SEGMENT_TAGS } from "./sync.ts";

export interface DesiredSegment {
  /** Our stable key for the segment (survives renames of a tier). */
  key: string;
  name: string;
  query: string;
}

export interface ExistingSegment {
  key: string;
  /** Shopify's id (gid://shopify/Segment/…). */
  segmentId: string;
  name: string;
  query: string;
}

export interface SkippedSegment {
  key: string;
  name: string;
  reason: string;
}

export const AT_RISK_SEGMENT_KEY = "clv-at-risk-high-value";
export const CHAMPIONS_SEGMENT_KEY = "clv-champions";
export const TIER_SEGMENT_KEY_PREFIX = "loyalty-tier:";

/**
 * `customer_tags CONTAINS '<tag>'`, or null for a tag with a quote or backslash: Shopify documents no escape
 * inside a quoted value, and a wrong guess would silently select other customers.
 */
export function tagQuery(tag: string): string | null {
  if (tag.length === 0 || /['\\]/.test(tag)) return null;
  return `customer_tags CONTAINS '${tag}'`;
}

/** The segments that should exist: at risk (high value), champions, and one per loyalty tier. */
export function desiredSegments(tiers: readonly { id: string; name: string }[]): { segments: DesiredSegment[]; skipped: SkippedSegment[] } {
  const candidates = [
    { key: AT_RISK_SEGMENT_KEY, name: "CLV: At risk, high value", tag: AT_RISK_TAG },
    { key: CHAMPIONS_SEGMENT_KEY, name: "CLV: Champions", tag: SEGMENT_TAGS.Champions },
    ...tiers.map((tier) => ({ key: `${TIER_SEGMENT_KEY_PREFIX}${tier.id}`, name: `Loyalty tier: ${tier.name}`, tag: tierTag(tier.name) })),
  ];
  const segments: DesiredSegment[] = [];
  const skipped: SkippedSegment[] = [];
  for (const candidate of candidates) {
    const query = tagQuery(candidate.tag);
    if (query === null) {
      skipped.push({
        key: candidate.key,
        name: candidate.name,
        reason: `the tag "${candidate.tag}" contains a quote or backslash, which a segment query cannot match reliably`,
      });
    } else {
      segments.push({ key: candidate.key, name: candidate.name, query });
    }
  }
  return { segments, skipped };
}

export interface SegmentPlan {
  create: DesiredSegment[];
  update: (DesiredSegment & { segmentId: string })[];
  /** Ours but no longer wanted (a tier was deleted or can no longer be queried). */
  remove: ExistingSegment[];
  unchanged: ExistingSegment[];
}

/** What to call to bring Shopify's segments (ours, by key) in step with the desired ones. */
export function segmentPlan(desired: readonly DesiredSegment[], existing: readonly ExistingSegment[]): SegmentPlan {
  const existingByKey = new Map(existing.map((segment) => [segment.key, segment]));
  const desiredKeys = new Set(desired.map((segment) => segment.key));
  const plan: SegmentPlan = { create: [], update: [], remove: [], unchanged: [] };
  for (const segment of desired) {
    const known = existingByKey.get(segment.key);
    if (known === undefined) plan.create.push(segment);
    else if (known.name !== segment.name || known.query !== segment.query) plan.update.push({ ...segment, segmentId: known.segmentId });
    else plan.unchanged.push(known);
  }
  for (const segment of existing) if (!desiredKeys.has(segment.key)) plan.remove.push(segment);
  return plan;
}
