// Shopify discounts for loyalty: a reward's single-use code limited to its customer, a member's referral code
// for a friend's first order, and (below) the tiers' automatic discounts limited to their customer segments. Codes are deterministic (from the redemption key or the member's
// referral code), so a retry after a lost answer finds the code it created instead of making a second one.
import { AdminApiError, adminGraphql, type AdminTarget, type CallOptions } from "~/shopify/admin-gateway.server";
import type { Db } from "~/db.server";
import { planTierDiscounts, shopifyPercentage, tierDiscountSpecs, type TierDiscountRecord, type TierDiscountSpec } from "~/loyalty";
import {
  CODE_DISCOUNT_BY_CODE,
  DISCOUNT_CODE_BASIC_CREATE,
  DISCOUNT_CODE_FREE_SHIPPING_CREATE,
  LOYALTY_AUTOMATIC_DISCOUNT_CREATE,
  LOYALTY_AUTOMATIC_DISCOUNT_DELETE,
  LOYALTY_AUTOMATIC_DISCOUNT_UPDATE,
  type CodeDiscountByCodeData,
  type DiscountCodeBasicCreateData,
  type DiscountCodeFreeShippingCreateData,
  type LoyaltyAutomaticDiscountCreateData,
  type LoyaltyAutomaticDiscountDeleteData,
  type LoyaltyAutomaticDiscountUpdateData,
  type UserError,
} from "~/shopify/loyalty-operations";
import { customerGid } from "~/shopify/customer-operations";
import {
  SEGMENT_CREATE,
  SEGMENT_UPDATE,
  SEGMENTS_QUERY,
  type SegmentCreateData,
  type SegmentsData,
  type SegmentUpdateData,
} from "~/shopify/segment-operations";
import { loadProgram } from "./loyalty-program.server";
import { formatMinorDecimal } from "~/lib/money";

export type DiscountValue = { kind: "percentage"; percent: number } | { kind: "amount"; amountMinor: number } | { kind: "free_shipping" };

export interface DiscountCodeSpec {
  code: string;
  title: string;
  /** Customer ids allowed to use the code, or "all". */
  customers: readonly string[] | "all";
  value: DiscountValue;
  currencyCode: string;
  minimumOrderMinor: number | null;
  usageLimit: number | null;
  appliesOncePerCustomer: boolean;
  startsAt: Date;
}

export type DiscountCodeOutcome =
  | { ok: true; discountId: string; existed: boolean }
  /** Shopify refused it: nothing exists. */
  | { ok: false; ambiguous: false; failure: string }
  /** No answer (network, 5xx, throttled too long) and the lookup could not tell: the code may exist. */
  | { ok: false; ambiguous: true; failure: string };

function context(spec: DiscountCodeSpec) {
  return spec.customers === "all" ? { all: "ALL" } : { customers: { add: spec.customers.map(customerGid) } };
}

function minimumRequirement(spec: DiscountCodeSpec) {
  if (spec.minimumOrderMinor === null || spec.minimumOrderMinor <= 0) return null;
  return { subtotal: { greaterThanOrEqualToSubtotal: formatMinorDecimal(spec.minimumOrderMinor, spec.currencyCode) } };
}

function basicInput(spec: DiscountCodeSpec) {
  const value =
    spec.value.kind === "percentage"
      ? { percentage: Math.round(spec.value.percent * 100) / 10_000 }
      : {
          discountAmount: {
            amount: formatMinorDecimal(spec.value.kind === "amount" ? spec.value.amountMinor : 0, spec.currencyCode),
            appliesOnEachItem: false,
          },
        };
  const minimum = minimumRequirement(spec);
  return {
    title: spec.title,
    code: spec.code,
    startsAt: spec.startsAt.toISOString(),
    context: context(spec),
    customerGets: { value, items: { all: true } },
    ...(minimum ? { minimumRequirement: minimum } : {}),
    usageLimit: spec.usageLimit,
    appliesOncePerCustomer: spec.appliesOncePerCustomer,
    combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
  };
}

function freeShippingInput(spec: DiscountCodeSpec) {
  const minimum = minimumRequirement(spec);
  return {
    title: spec.title,
    code: spec.code,
    startsAt: spec.startsAt.toISOString(),
    context: context(spec),
    destination: { all: true },
    ...(minimum ? { minimumRequirement: minimum } : {}),
    usageLimit: spec.usageLimit,
    appliesOncePerCustomer: spec.appliesOncePerCustomer,
  };
}

const isTaken = (errors: UserError[]) => errors.some((e) => e.code === "TAKEN" || /must be unique/i.test(e.message));

/** The discount holding this code, or null; throws when Shopify cannot be asked. */
export async function discountIdOfCode(target: AdminTarget, code: string, options: CallOptions = {}): Promise<string | null> {
  const { data } = await adminGraphql<CodeDiscountByCodeData>(target, CODE_DISCOUNT_BY_CODE, { code }, options);
  return data.codeDiscountNodeByCode?.id ?? null;
}

/**
 * Creates the code, or finds it when a previous attempt already did (Shopify answers TAKEN). A failure
 * without an answer is resolved by looking the code up; only when that fails too is the outcome ambiguous.
 */
export async function createDiscountCode(
  target: AdminTarget,
  spec: DiscountCodeSpec,
  options: CallOptions = {},
): Promise<DiscountCodeOutcome> {
  let errors: UserError[];
  try {
    if (spec.value.kind === "free_shipping") {
      const { data } = await adminGraphql<DiscountCodeFreeShippingCreateData>(
        target,
        DISCOUNT_CODE_FREE_SHIPPING_CREATE,
        { freeShippingCodeDiscount: freeShippingInput(spec) },
        options,
      );
      const node = data.discountCodeFreeShippingCreate.codeDiscountNode;
      if (node) return { ok: true, discountId: node.id, existed: false };
      errors = data.discountCodeFreeShippingCreate.userErrors;
    } else {
      const { data } = await adminGraphql<DiscountCodeBasicCreateData>(
        target,
        DISCOUNT_CODE_BASIC_CREATE,
        { basicCodeDiscount: basicInput(spec) },
        options,
      );
      const node = data.discountCodeBasicCreate.codeDiscountNode;
      if (node) return { ok: true, discountId: node.id, existed: false };
      errors = data.discountCodeBasicCreate.userErrors;
    }
  } catch (error) {
    if (!(error instanceof AdminApiError)) throw error;
    // A GraphQL error with an answer (e.g. access denied) means nothing was created.
    const answered = error.status === 200 && error.code !== "THROTTLED";
    if (answered || error.code === "UNAUTHORIZED") return { ok: false, ambiguous: false, failure: error.message };
    return lookUpAfterFailure(target, spec.code, error.message, options);
  }
  if (isTaken(errors)) {
    const existing = await lookUpAfterFailure(target, spec.code, "the code exists but could not be found", options);
    return existing.ok ? { ...existing, existed: true } : existing;
  }
  return { ok: false, ambiguous: false, failure: errors.map((e) => e.message).join("; ") || "Shopify created no discount" };
}

async function lookUpAfterFailure(target: AdminTarget, code: string, failure: string, options: CallOptions): Promise<DiscountCodeOutcome> {
  try {
    const id = await discountIdOfCode(target, code, options);
    return id ? { ok: true, discountId: id, existed: true } : { ok: false, ambiguous: false, failure };
  } catch (error) {
    if (!(error instanceof AdminApiError)) throw error;
    return { ok: false, ambiguous: true, failure: `${failure} (and the lookup failed: ${error.message})` };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Tiers' automatic discounts: for each tier whose percentage-off perk is on as an automatic discount, a
// customer segment of the tier's members (`customer_tags CONTAINS 'tier:<name>'`) and an automatic basic
// discount limited to it (app/loyalty/tier-discounts.ts plans; this carries the plan out). What was written
// is kept per tier in ShopifySyncState under its own channel (the tier id in the `customerId` column), so an
// unchanged tier costs no call and a second run creates nothing. Run by the loyalty-tier-discounts job.

/** ShopifySyncState channel of the tiers' discounts; never overlaps loyalty's, retention's or offers'. */
export const TIER_DISCOUNT_CHANNEL = "loyalty_tier_discount";

function recordOfJson(json: string): TierDiscountRecord {
  let value: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(json);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) value = parsed as Record<string, unknown>;
  } catch {
    value = {};
  }
  const text = (key: string) => (typeof value[key] === "string" ? (value[key] as string) : null);
  return {
    segmentId: text("segmentId"),
    discountId: text("discountId"),
    percent: typeof value.percent === "number" ? value.percent : null,
    title: text("title"),
    segmentQuery: text("segmentQuery"),
    error: text("error"),
  };
}

/** Each tier's discount as last written (ids, Shopify's last refusal), by tier id. */
export async function tierDiscountRecords(db: Db, shop: string): Promise<Map<string, TierDiscountRecord>> {
  const rows = await db.shopifySyncState.findMany({
    where: { shop, channel: TIER_DISCOUNT_CHANNEL },
    select: { customerId: true, written: true },
  });
  return new Map(rows.map((row) => [row.customerId, recordOfJson(row.written)]));
}

async function saveRecord(db: Db, shop: string, tierId: string, record: TierDiscountRecord): Promise<void> {
  const where = { shop_customerId_channel: { shop, customerId: tierId, channel: TIER_DISCOUNT_CHANNEL } };
  const written = JSON.stringify(record);
  const now = new Date();
  await db.shopifySyncState.upsert({
    where,
    create: { shop, customerId: tierId, channel: TIER_DISCOUNT_CHANNEL, written, dirty: false, syncedAt: now },
    update: { written, dirty: false, syncedAt: now },
  });
}

const joined = (errors: readonly UserError[]) => errors.map((e) => e.message).join("; ");
const isGone = (errors: readonly UserError[]) => errors.some((e) => /does not exist/i.test(e.message));

/** The shop's segment with exactly this query (one the offers or the merchant made for the tier), or null. */
async function segmentWithQuery(target: AdminTarget, query: string, options: CallOptions): Promise<string | null> {
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    const { data }: { data: SegmentsData } = await adminGraphql<SegmentsData>(target, SEGMENTS_QUERY, { first: 250, after }, options);
    const found = data.segments.nodes.find((segment) => segment.query.trim() === query);
    if (found) return found.id;
    if (!data.segments.pageInfo.hasNextPage || data.segments.pageInfo.endCursor === null) return null;
    after = data.segments.pageInfo.endCursor;
  }
  return null;
}

type SegmentOutcome = { id: string; error: null } | { id: null; error: string };

/** The tier's segment: an existing one with its query, or a new one (named after the tier, its id if taken). */
async function ensureSegment(target: AdminTarget, spec: TierDiscountSpec, options: CallOptions): Promise<SegmentOutcome> {
  const existing = await segmentWithQuery(target, spec.segmentQuery, options);
  if (existing) return { id: existing, error: null };
  let problem = "";
  for (const name of [spec.segmentName, `${spec.segmentName} (${spec.tierId})`]) {
    const { data } = await adminGraphql<SegmentCreateData>(
      target,
      SEGMENT_CREATE,
      { name: name.slice(0, 255), query: spec.segmentQuery },
      options,
    );
    if (data.segmentCreate.segment) return { id: data.segmentCreate.segment.id, error: null };
    problem = joined(data.segmentCreate.userErrors);
    if (!/taken/i.test(problem)) break;
  }
  return { id: null, error: `The segment of tier ${spec.tierName} could not be created: ${problem}` };
}

/** A renamed tier: its segment's query (and name, unless another segment has it) follow the new tag. */
async function renameSegment(
  target: AdminTarget,
  segmentId: string,
  spec: TierDiscountSpec,
  options: CallOptions,
): Promise<SegmentOutcome> {
  for (const variables of [
    { id: segmentId, name: spec.segmentName.slice(0, 255), query: spec.segmentQuery },
    { id: segmentId, query: spec.segmentQuery },
  ]) {
    const { data } = await adminGraphql<SegmentUpdateData>(target, SEGMENT_UPDATE, variables, options);
    if (data.segmentUpdate.segment) return { id: data.segmentUpdate.segment.id, error: null };
    const errors = data.segmentUpdate.userErrors;
    // The merchant deleted it: find or make another.
    if (isGone(errors)) return ensureSegment(target, spec, options);
    if (!/taken/i.test(joined(errors)))
      return { id: null, error: `The segment of tier ${spec.tierName} could not be updated: ${joined(errors)}` };
  }
  return { id: null, error: `The segment of tier ${spec.tierName} could not be updated` };
}

function automaticDiscountInput(spec: TierDiscountSpec, segment: { add: string; remove: string | null } | null, startsAt: Date | null) {
  return {
    title: spec.title.slice(0, 255),
    ...(startsAt ? { startsAt: startsAt.toISOString() } : {}),
    ...(segment ? { context: { customerSegments: { add: [segment.add], remove: segment.remove ? [segment.remove] : [] } } } : {}),
    customerGets: { value: { percentage: shopifyPercentage(spec.percent) }, items: { all: true } },
    // A tier perk sits beside product discounts and free shipping, not on top of another order discount.
    combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
  };
}

const recordOfSpec = (spec: TierDiscountSpec, segmentId: string | null, discountId: string | null, error: string | null) => ({
  segmentId,
  discountId,
  percent: spec.percent,
  title: spec.title,
  segmentQuery: spec.segmentQuery,
  error,
});

async function createTierDiscount(target: AdminTarget, spec: TierDiscountSpec, known: TierDiscountRecord | null, options: CallOptions) {
  // A record with a segment but no discount: an earlier attempt that Shopify refused; its segment is reused.
  const segment =
    known?.segmentId && known.segmentQuery === spec.segmentQuery
      ? { id: known.segmentId, error: null }
      : known?.segmentId
        ? await renameSegment(target, known.segmentId, spec, options)
        : await ensureSegment(target, spec, options);
  if (segment.id === null) return recordOfSpec(spec, known?.segmentId ?? null, null, segment.error);
  const { data } = await adminGraphql<LoyaltyAutomaticDiscountCreateData>(
    target,
    LOYALTY_AUTOMATIC_DISCOUNT_CREATE,
    { automaticBasicDiscount: automaticDiscountInput(spec, { add: segment.id, remove: null }, new Date()) },
    options,
  );
  const node = data.discountAutomaticBasicCreate.automaticDiscountNode;
  return recordOfSpec(spec, segment.id, node?.id ?? null, node ? null : joined(data.discountAutomaticBasicCreate.userErrors));
}

async function updateTierDiscount(
  target: AdminTarget,
  spec: TierDiscountSpec,
  record: TierDiscountRecord & { discountId: string; segmentId: string },
  changed: { segment: boolean; discount: boolean },
  options: CallOptions,
): Promise<TierDiscountRecord> {
  let segmentId = record.segmentId;
  if (changed.segment) {
    const segment = await renameSegment(target, record.segmentId, spec, options);
    if (segment.id === null) return { ...record, error: segment.error };
    segmentId = segment.id;
  }
  const moved = segmentId !== record.segmentId ? { add: segmentId, remove: record.segmentId } : null;
  if (!changed.discount && !moved) return recordOfSpec(spec, segmentId, record.discountId, null);
  const { data } = await adminGraphql<LoyaltyAutomaticDiscountUpdateData>(
    target,
    LOYALTY_AUTOMATIC_DISCOUNT_UPDATE,
    { id: record.discountId, automaticBasicDiscount: automaticDiscountInput(spec, moved, null) },
    options,
  );
  const payload = data.discountAutomaticBasicUpdate;
  if (payload.automaticDiscountNode) return recordOfSpec(spec, segmentId, payload.automaticDiscountNode.id, null);
  // The merchant deleted the discount in Shopify: make it again.
  if (isGone(payload.userErrors)) return createTierDiscount(target, spec, { ...record, segmentId, discountId: null }, options);
  return { ...record, segmentId, error: joined(payload.userErrors) };
}

/** Deletes the tier's discount (the segment stays); false when Shopify refused. */
async function deleteTierDiscount(target: AdminTarget, record: TierDiscountRecord, options: CallOptions): Promise<boolean> {
  if (!record.discountId) return true;
  const { data } = await adminGraphql<LoyaltyAutomaticDiscountDeleteData>(
    target,
    LOYALTY_AUTOMATIC_DISCOUNT_DELETE,
    { id: record.discountId },
    options,
  );
  const errors = data.discountAutomaticDelete.userErrors;
  return errors.length === 0 || isGone(errors);
}

export interface TierDiscountSyncSummary {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  failed: number;
}

/**
 * Brings every tier's automatic discount in line with the program. Shopify's refusals are kept per tier (and
 * tried again on the next run); a call without an answer throws, so the job is retried.
 */
export async function syncTierDiscounts(
  db: Db,
  shop: string,
  target: AdminTarget,
  options: CallOptions = {},
): Promise<TierDiscountSyncSummary> {
  const summary: TierDiscountSyncSummary = { created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0 };
  const program = await loadProgram(db, shop);
  const specs = program ? tierDiscountSpecs({ enabled: program.enabled, tiers: program.tiers }) : [];
  const records = await tierDiscountRecords(db, shop);
  for (const step of planTierDiscounts(specs, records)) {
    if (step.kind === "unchanged") {
      summary.unchanged++;
    } else if (step.kind === "delete") {
      if (await deleteTierDiscount(target, step.record, options)) {
        // The segment is remembered: switching the perk on again reuses (and if need be renames) it.
        await saveRecord(db, shop, step.tierId, { ...step.record, discountId: null, percent: null, title: null, error: null });
        summary.deleted++;
      } else summary.failed++;
    } else {
      const record =
        step.kind === "create"
          ? await createTierDiscount(target, step.spec, step.record, options)
          : await updateTierDiscount(
              target,
              step.spec,
              step.record as TierDiscountRecord & { discountId: string; segmentId: string },
              step,
              options,
            );
      await saveRecord(db, shop, step.spec.tierId, record);
      if (record.error) summary.failed++;
      else if (step.kind === "create") summary.created++;
      else summary.updated++;
    }
  }
  return summary;
}
