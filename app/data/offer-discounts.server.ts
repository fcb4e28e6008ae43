// The Shopify discount of an offer with a percentage: an automatic basic discount on the offered products
// that may be shown (active, published), for the offer's dates, for every buyer or, when the offer is
// restricted to a loyalty tier, for the customer segment `customer_tags CONTAINS 'tier:<name>'` (the tag
// the loyalty write-back puts on members). Created, changed and removed by the write-back; what was last
// sent is kept per offer (sync channel offers_discount), so unchanged offers cost no call, and a deleted
// offer's discount is found and removed.
import type { Db } from "~/db.server";
import { showableOfferedProducts, type ProductState } from "~/offers";
import { adminGraphql, AdminApiError, type AdminTarget } from "~/shopify/admin-gateway.server";
import {
  DISCOUNT_CREATE_MUTATION,
  DISCOUNT_DELETE_MUTATION,
  DISCOUNT_UPDATE_MUTATION,
  type DiscountCreateData,
  type DiscountDeleteData,
  type DiscountUpdateData,
  type DiscountUserError,
} from "~/shopify/offers-operations";
import { SEGMENT_CREATE, SEGMENTS_QUERY, type SegmentCreateData, type SegmentsData } from "~/shopify/segment-operations";
import { loyaltyTiers, setOfferDiscountId, type LoyaltyTier, type OfferRecord } from "./offers.server";
import { readSyncStates, SYNC_CHANNEL, writeSyncStates, type Written } from "./offers-sync-state.server";

const productGid = (id: string) => `gid://shopify/Product/${id}`;

/** The segment query of a tier's members (the loyalty write-back tags them `tier:<name>`). */
export function tierSegmentQuery(tierName: string): string {
  return `customer_tags CONTAINS 'tier:${tierName.replace(/'/g, "\\'")}'`;
}

/** What an offer's discount should be; null when it should have none. */
export interface DiscountSpec {
  title: string;
  percent: number;
  /** Product gids, sorted. */
  products: string[];
  startsAt: string;
  endsAt: string | null;
  /** Null: every buyer. */
  tierId: string | null;
}

export function discountSpecOf(
  offer: OfferRecord,
  products: ReadonlyMap<string, ProductState>,
  offersOn: boolean,
  nowMs: number,
): DiscountSpec | null {
  if (!offersOn || offer.discountPercent === null || !offer.active) return null;
  if (offer.endsAt !== null && Date.parse(offer.endsAt) <= nowMs) return null;
  const shown = showableOfferedProducts(offer.offeredProductIds, products);
  if (shown.length === 0) return null;
  return {
    title: `${offer.title} (${offer.discountPercent}% off)`.slice(0, 255),
    percent: offer.discountPercent,
    products: shown.map(productGid).sort(),
    startsAt: offer.startsAt ?? new Date(nowMs).toISOString(),
    endsAt: offer.endsAt,
    tierId: offer.tierId,
  };
}

export interface DiscountRecord {
  discountId: string | null;
  spec: DiscountSpec | null;
  /** Shopify's refusal of the last attempt, for the admin. */
  error: string | null;
  segmentId: string | null;
}

function recordOf(written: Written | undefined): DiscountRecord {
  let spec: DiscountSpec | null = null;
  try {
    spec = written?.spec ? (JSON.parse(written.spec) as DiscountSpec) : null;
  } catch {
    spec = null;
  }
  return { discountId: written?.discountId || null, spec, error: written?.error || null, segmentId: written?.segmentId || null };
}

function writtenOf(record: DiscountRecord): Written | null {
  if (record.discountId === null && record.error === null) return null;
  const written: Written = {};
  if (record.discountId) written.discountId = record.discountId;
  if (record.spec) written.spec = JSON.stringify(record.spec);
  if (record.error) written.error = record.error;
  if (record.segmentId) written.segmentId = record.segmentId;
  return written;
}

/** Each offer's discount as last written (id, Shopify's last refusal), for the admin. */
export async function discountRecords(db: Db, shop: string): Promise<Map<string, DiscountRecord>> {
  const states = await readSyncStates(db, shop, SYNC_CHANNEL.discount);
  return new Map([...states].map(([offerId, written]) => [offerId, recordOf(written)]));
}

const messages = (errors: DiscountUserError[]) => errors.map((e) => e.message).join("; ");

/** The segment of a tier's members: found by its query among the shop's segments, or created. */
async function tierSegment(
  db: Db,
  target: AdminTarget,
  shop: string,
  tier: LoyaltyTier,
): Promise<{ id: string; error: null } | { id: null; error: string }> {
  const query = tierSegmentQuery(tier.name);
  const known = (await readSyncStates(db, shop, SYNC_CHANNEL.segment, [tier.id])).get(tier.id);
  if (known?.segmentId && known.query === query) return { id: known.segmentId, error: null };
  let after: string | null = null;
  let found: string | null = null;
  for (let page = 0; page < 20 && found === null; page++) {
    const { data }: { data: SegmentsData } = await adminGraphql<SegmentsData>(target, SEGMENTS_QUERY, { first: 250, after });
    found = data.segments.nodes.find((s) => s.query.trim() === query)?.id ?? null;
    if (!data.segments.pageInfo.hasNextPage || data.segments.pageInfo.endCursor === null) break;
    after = data.segments.pageInfo.endCursor;
  }
  if (found === null) {
    for (const name of [`Loyalty tier ${tier.name}`, `Loyalty tier ${tier.name} (${tier.id})`]) {
      const { data } = await adminGraphql<SegmentCreateData>(target, SEGMENT_CREATE, { name: name.slice(0, 255), query });
      if (data.segmentCreate.segment) {
        found = data.segmentCreate.segment.id;
        break;
      }
      const taken = data.segmentCreate.userErrors.some((e) => /taken/i.test(e.message));
      if (!taken)
        return {
          id: null,
          error: `The segment of tier ${tier.name} could not be created: ${data.segmentCreate.userErrors.map((e) => e.message).join("; ")}`,
        };
    }
  }
  if (found === null) return { id: null, error: `The segment of tier ${tier.name} could not be created` };
  await writeSyncStates(db, shop, SYNC_CHANNEL.segment, [[tier.id, { segmentId: found, query }]]);
  return { id: found, error: null };
}

function discountInput(
  spec: DiscountSpec,
  segmentId: string | null,
  previous: { spec: DiscountSpec | null; segmentId: string | null } | null,
) {
  const before = new Set(previous?.spec?.products ?? []);
  const after = new Set(spec.products);
  const productsToAdd = spec.products.filter((id) => !before.has(id));
  const productsToRemove = [...before].filter((id) => !after.has(id));
  let context: Record<string, unknown>;
  if (segmentId === null) context = { all: "ALL" };
  else {
    const remove = previous?.segmentId && previous.segmentId !== segmentId ? [previous.segmentId] : [];
    context = { customerSegments: { add: [segmentId], remove } };
  }
  return {
    title: spec.title,
    startsAt: spec.startsAt,
    endsAt: spec.endsAt,
    context,
    combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: true },
    customerGets: {
      value: { percentage: spec.percent / 100 },
      items: { products: previous ? { productsToAdd, productsToRemove } : { productsToAdd: spec.products } },
    },
  };
}

export interface DiscountSyncSummary {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  failed: number;
}

/**
 * Brings every offer's discount in line with the offer: creates, updates (only what changed) or deletes,
 * and removes the discounts of offers that no longer exist. Shopify's refusals are kept per offer.
 */
export async function syncOfferDiscounts(
  db: Db,
  target: AdminTarget,
  shop: string,
  offers: readonly OfferRecord[],
  products: ReadonlyMap<string, ProductState>,
  offersOn: boolean,
  now = new Date(),
): Promise<DiscountSyncSummary> {
  const summary: DiscountSyncSummary = { created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0 };
  const records = await readSyncStates(db, shop, SYNC_CHANNEL.discount);
  const tiers = new Map((await loyaltyTiers(db, shop)).map((t) => [t.id, t]));
  const offerIds = new Set(offers.map((o) => o.id));
  const updates: [string, Written | null][] = [];

  const remove = async (offerId: string, record: DiscountRecord): Promise<boolean> => {
    if (record.discountId === null) return true;
    try {
      const { data } = await adminGraphql<DiscountDeleteData>(target, DISCOUNT_DELETE_MUTATION, { id: record.discountId });
      const errors = data.discountAutomaticDelete.userErrors;
      // "Discount does not exist": the merchant deleted it already.
      if (errors.length > 0 && !errors.some((e) => /does not exist/i.test(e.message))) {
        updates.push([offerId, writtenOf({ ...record, error: messages(errors) })]);
        summary.failed++;
        return false;
      }
    } catch (error) {
      if (!(error instanceof AdminApiError) || error.code === "UNAUTHORIZED") throw error;
      updates.push([offerId, writtenOf({ ...record, error: error.message })]);
      summary.failed++;
      return false;
    }
    summary.deleted++;
    return true;
  };

  for (const [offerId, written] of records) {
    if (offerIds.has(offerId)) continue;
    if (await remove(offerId, recordOf(written))) updates.push([offerId, null]);
  }

  for (const offer of offers) {
    const record = recordOf(records.get(offer.id));
    const spec = discountSpecOf(offer, products, offersOn, now.getTime());
    if (spec === null) {
      if (record.discountId !== null || record.error !== null) {
        if (await remove(offer.id, record)) {
          updates.push([offer.id, null]);
          if (offer.discountId !== null) await setOfferDiscountId(db, shop, offer.id, null);
        }
      }
      continue;
    }
    let segmentId: string | null = null;
    if (spec.tierId !== null) {
      const tier = tiers.get(spec.tierId);
      const segment = tier
        ? await tierSegment(db, target, shop, tier)
        : { id: null, error: `The loyalty tier ${spec.tierId} no longer exists` };
      if (segment.id === null) {
        updates.push([offer.id, writtenOf({ ...record, error: segment.error })]);
        summary.failed++;
        continue;
      }
      segmentId = segment.id;
    }
    if (
      record.discountId !== null &&
      record.error === null &&
      JSON.stringify(record.spec) === JSON.stringify(spec) &&
      record.segmentId === segmentId
    ) {
      summary.unchanged++;
      continue;
    }
    let discountId: string | null = null;
    let errors: DiscountUserError[] = [];
    if (record.discountId !== null) {
      const { data } = await adminGraphql<DiscountUpdateData>(target, DISCOUNT_UPDATE_MUTATION, {
        id: record.discountId,
        discount: discountInput(spec, segmentId, record),
      });
      discountId = data.discountAutomaticBasicUpdate.automaticDiscountNode?.id ?? null;
      errors = data.discountAutomaticBasicUpdate.userErrors;
      if (discountId !== null) summary.updated++;
    }
    // No discount yet, or the merchant deleted it in Shopify: create it.
    if (discountId === null && (record.discountId === null || errors.some((e) => /does not exist/i.test(e.message)))) {
      const { data } = await adminGraphql<DiscountCreateData>(target, DISCOUNT_CREATE_MUTATION, {
        discount: discountInput(spec, segmentId, null),
      });
      discountId = data.discountAutomaticBasicCreate.automaticDiscountNode?.id ?? null;
      errors = data.discountAutomaticBasicCreate.userErrors;
      if (discountId !== null) summary.created++;
    }
    if (discountId === null) {
      summary.failed++;
      updates.push([offer.id, writtenOf({ ...record, error: messages(errors) || "Shopify did not create the discount" })]);
      continue;
    }
    updates.push([offer.id, writtenOf({ discountId, spec, error: null, segmentId })]);
    if (offer.discountId !== discountId) await setOfferDiscountId(db, shop, offer.id, discountId);
  }
  await writeSyncStates(db, shop, SYNC_CHANNEL.discount, updates, now);
  return summary;
}
