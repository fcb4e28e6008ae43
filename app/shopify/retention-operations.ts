// The Admin GraphQL operations of the retention sync: the customer metafields and clv: tags, the Flow
// trigger "Valuable customer at risk", and the customer segments kept in step. Shapes as in Shopify's Admin
// API (2026-07); the Admin API double answers them. The bulk-mutation path reuses the generic documents of
// loyalty-operations.ts (staged upload, bulkOperationRunMutation, the per-line mutations).
import type { UserError } from "./loyalty-operations";

export const RETENTION_METAFIELDS_SET = /* GraphQL */ `
  mutation RetentionMetafields($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields {
        key
        namespace
      }
      userErrors {
        field
        message
        code
        elementIndex
      }
    }
  }
`;

export interface RetentionMetafieldsSetData {
  metafieldsSet: {
    metafields: { key: string; namespace: string }[] | null;
    userErrors: (UserError & { elementIndex?: number | null })[];
  };
}

export const RETENTION_METAFIELDS_DELETE = /* GraphQL */ `
  mutation RetentionMetafieldsDelete($metafields: [MetafieldIdentifierInput!]!) {
    metafieldsDelete(metafields: $metafields) {
      deletedMetafields {
        key
        namespace
        ownerId
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export interface RetentionMetafieldsDeleteData {
  metafieldsDelete: { deletedMetafields: ({ key: string; namespace: string; ownerId: string } | null)[] | null; userErrors: UserError[] };
}

/** One answer of an aliased mutation (r0, r1…): tagsAdd / tagsRemove give the node, flowTriggerReceive only errors. */
export type AliasedAnswers = Record<string, { node?: { id: string } | null; userErrors: UserError[] } | undefined>;

/** tagsAdd / tagsRemove for several customers in one request (aliases r0, r1…; variables $id0, $tags0…). */
export function retentionTagsDocument(operation: "tagsAdd" | "tagsRemove", count: number): string {
  const variables = Array.from({ length: count }, (_, i) => `$id${i}: ID!, $tags${i}: [String!]!`).join(", ");
  const fields = Array.from(
    { length: count },
    (_, i) => `  r${i}: ${operation}(id: $id${i}, tags: $tags${i}) { node { id } userErrors { field message } }`,
  ).join("\n");
  return `mutation RetentionTags(${variables}) {\n${fields}\n}`;
}

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

const SEGMENT_FIELDS = `id
        name
        query`;

export const SEGMENT_CREATE = /* GraphQL */ `
  mutation RetentionSegmentCreate($name: String!, $query: String!) {
    segmentCreate(name: $name, query: $query) {
      segment {
        ${SEGMENT_FIELDS}
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export const SEGMENT_UPDATE = /* GraphQL */ `
  mutation RetentionSegmentUpdate($id: ID!, $name: String, $query: String) {
    segmentUpdate(id: $id, name: $name, query: $query) {
      segment {
        ${SEGMENT_FIELDS}
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export interface ShopifySegment {
  id: string;
  name: string;
  query: string;
}

export interface SegmentCreateData {
  segmentCreate: { segment: ShopifySegment | null; userErrors: UserError[] };
}

export interface SegmentUpdateData {
  segmentUpdate: { segment: ShopifySegment | null; userErrors: UserError[] };
}

/** Whether our stored segment still exists (the merchant may have deleted it in the admin). */
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
