// The Admin GraphQL operations of the retention sync: the customer metafields and clv: tags, the Flow
// trigger "Valuable customer at risk", and the customer segments kept in step (found by id or name here; created
// and updated with segment-operations.ts's documents). Shapes as in Shopify's Admin API (2026-07); the Admin API
// double answers them. The bulk-mutation path reuses the generic documents of loyalty-operations.ts (staged upload,
// bulkOperationRunMutation, the per-line mutations); the customer tags are customer-operations.ts's and the
// customer metafields metafield-operations.ts's.
import type { ShopifySegment } from "./segment-operations";
import type { UserError } from "./loyalty-operations";

/** The answers of the aliased flowTriggerReceive mutation (r0, r1…): errors only. */
export type AliasedAnswers = Record<string, { node?: { id: string } | null; userErrors: UserError[] } | undefined>;

/**
 * flowTriggerReceive for several customers in one request (aliases r0, r1…; variables $handle0, $payload0…).
 * Shopify's signature: `flowTriggerReceive(handle: String, payload: JSON)`.
 */
export function flowTriggersDocument(count: number): string {
  const variables = Array.from({ length: count }, (_, i) => `$handle${i}: String!, $payload${i}: JSON!`).join(", ");
  const fields = Array.from(
    { length: count },
    (_, i) => `  r${i}: flowTriggerReceive(handle: $handle${i}, payload: $payload${i}) { userErrors { field message } }`,
  ).join("\n");
  return `mutation RetentionFlowTriggers(${variables}) {\n${fields}\n}`;
}

/** Whether our stored segment still exists (the merchant may have deleted it in the admin). */
const SEGMENT_FIELDS = `id
        name
        query`;

export const SEGMENT_BY_ID = /* GraphQL */ `
  query RetentionSegment($id: ID!) {
    segment(id: $id) {
      ${SEGMENT_FIELDS}
    }
  }
`;

export interface SegmentByIdData {
  segment: ShopifySegment | null;
}

/**
 * Segments whose name contains the text: after a segmentCreate whose answer was lost, the segment exists and
 * a second create fails on the name; this finds it so its id is adopted instead of creating a duplicate.
 */
export const SEGMENTS_NAMED = /* GraphQL */ `
  query RetentionSegmentsNamed($query: String!) {
    segments(first: 10, query: $query) {
      nodes {
        ${SEGMENT_FIELDS}
      }
    }
  }
`;

export interface SegmentsNamedData {
  segments: { nodes: ShopifySegment[] };
}

/**
 * The win-back offer: a single-use code for one customer, expiring (discountCodeBasicCreate with context
 * customers, usageLimit 1, appliesOncePerCustomer, endsAt).
 */
export const WIN_BACK_CODE_CREATE = /* GraphQL */ `
  mutation RetentionWinBackCode($basicCodeDiscount: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
      codeDiscountNode {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export interface WinBackCodeCreateData {
  discountCodeBasicCreate: { codeDiscountNode: { id: string } | null; userErrors: UserError[] };
}
