// Acting on a customers list in Shopify: tag every customer of the list (tagsAdd), and optionally save the
// list as a Shopify customer segment built on that tag (segmentCreate with `customer_tags CONTAINS '<tag>'`),
// which Shopify Email, discounts and Flow can then target. All calls go through the Admin API gateway.
//
// Up to MAX_TAGGED customers are tagged in the request: each tagsAdd costs 10 points of Shopify's
// rate-limit bucket, so 250 customers are 2,500 points, a few seconds on a standard plan. A longer list is
// tagged by a background job (app/queues/customer-tagging.server.ts), a page of customers at a time.
import { customerGid, customerTagsDocument, type TagsData } from "~/shopify/customer-operations";
import { SEGMENT_CREATE, type SegmentCreateData } from "~/shopify/segment-operations";
import type { Db } from "~/db.server";
import { adminGraphql, AdminApiError, type AdminTarget } from "~/shopify/admin-gateway.server";
import { empty, queryRaw, sql } from "./sql.server";
import { customerConditions, type CustomerQuery } from "./customers-query.server";

export const MAX_TAGGED = 250;
/** tagsAdd per GraphQL request (aliases): 25 × 10 points stays far below Shopify's 1,000-point query limit. */
const TAGS_PER_REQUEST = 25;

export type TagProblem =
  | "tag_missing"
  | "tag_too_long"
  | "tag_invalid"
  | "segment_name_missing"
  | "segment_name_too_long"
  | "no_customers"
  | "missing_scope"
  | "shopify_error"
  /** A long list could not be handed to the background job (Redis unreachable). */
  | "queue_unavailable";

export interface TagRequest {
  tag: string;
  /** Also save the list as a customer segment under this name. */
  segmentName: string | null;
}

/** Checks the merchant's input: a tag Shopify accepts and a segment name when a segment is asked for. */
export function validateTagRequest(form: { tag?: unknown; saveSegment?: unknown; segmentName?: unknown }): TagRequest | TagProblem {
  const tag = typeof form.tag === "string" ? form.tag.trim() : "";
  if (!tag) return "tag_missing";
  if (tag.length > 40) return "tag_too_long";
  // Commas separate tags in Shopify; quotes would break the segment query built on the tag.
  if (/[,'"\\]/.test(tag) || [...tag].some((ch) => ch.charCodeAt(0) < 32)) return "tag_invalid";
  const wantsSegment = form.saveSegment === "on" || form.saveSegment === "1" || form.saveSegment === "true";
  if (!wantsSegment) return { tag, segmentName: null };
  const segmentName = typeof form.segmentName === "string" ? form.segmentName.trim() : "";
  if (!segmentName) return "segment_name_missing";
  if (segmentName.length > 70) return "segment_name_too_long";
  return { tag, segmentName };
}

/** The ShopifyQL of a segment of the customers carrying the tag. */
export function segmentQueryForTag(tag: string): string {
  return `customer_tags CONTAINS '${tag}'`;
}

/** The list's customer ids (in id order), at most `limit` + 1 so that "too many" is known without a count. */
export async function customerIdsOf(db: Db, shop: string, query: CustomerQuery, limit = MAX_TAGGED): Promise<string[]> {
  return customerIdsAfter(db, shop, query, null, limit + 1);
}

/**
 * One page of the list's customer ids after `after` (exclusive; null: from the start), in the same id order,
 * so that a job can walk a long list page by page and resume where it stopped.
 */
export async function customerIdsAfter(db: Db, shop: string, query: CustomerQuery, after: string | null, limit: number): Promise<string[]> {
  const from = after === null ? empty : sql` AND cv."customerId" > ${after}`;
  const rows = await queryRaw<{ customerId: string }>(
    db,
    sql`SELECT cv."customerId" FROM "CustomerValue" cv WHERE ${customerConditions(shop, query)}${from}
        ORDER BY cv."customerId" LIMIT ${BigInt(limit)}`,
  );
  return rows.map((r) => r.customerId);
}

/** How many customers the list holds (what the page announces before a background job tags them). */
export async function countCustomersOf(db: Db, shop: string, query: CustomerQuery): Promise<number> {
  const [row] = await queryRaw<{ n: bigint | number }>(
    db,
    sql`SELECT COUNT(*) AS "n" FROM "CustomerValue" cv WHERE ${customerConditions(shop, query)}`,
  );
  return Number(row?.n ?? 0);
}

export interface TagOutcome {
  tagged: number;
  failed: number;
  segment: { id: string; name: string } | null;
  /** Shopify's reason when the segment could not be created (the tags are applied anyway). */
  segmentError: string | null;
}

export async function tagCustomers(target: AdminTarget, customerIds: string[], request: TagRequest): Promise<TagOutcome> {
  let tagged = 0;
  let failed = 0;
  for (let i = 0; i < customerIds.length; i += TAGS_PER_REQUEST) {
    const batch = customerIds.slice(i, i + TAGS_PER_REQUEST);
    const variables: Record<string, unknown> = {};
    batch.forEach((id, k) => {
      variables[`id${k}`] = customerGid(id);
      variables[`tags${k}`] = [request.tag];
    });
    const { data } = await adminGraphql<TagsData>(target, customerTagsDocument("tagsAdd", batch.length), variables, {
      maxThrottleWaitMs: 20_000,
    });
    for (let k = 0; k < batch.length; k++) {
      const result = data[`t${k}`];
      if (result?.node && result.userErrors.length === 0) tagged++;
      else failed++;
    }
  }
  if (!request.segmentName) return { tagged, failed, segment: null, segmentError: null };
  try {
    const { data } = await adminGraphql<SegmentCreateData>(target, SEGMENT_CREATE, {
      name: request.segmentName,
      query: segmentQueryForTag(request.tag),
    });
    const { segment, userErrors } = data.segmentCreate;
    if (segment) return { tagged, failed, segment: { id: segment.id, name: segment.name }, segmentError: null };
    return { tagged, failed, segment: null, segmentError: userErrors.map((e) => e.message).join("; ") || "no segment returned" };
  } catch (error) {
    if (error instanceof AdminApiError) return { tagged, failed, segment: null, segmentError: error.message };
    throw error;
  }
}
