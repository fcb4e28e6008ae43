// Customer segments, as every feature that keeps one writes them: a loyalty tier's (its automatic discount is
// limited to it), a tier offer's, a retention list's and a customer list the merchant saves. One document per
// operation, whoever sends it; the Admin API double answers them in Shopify's shapes.

export interface ShopifySegment {
  id: string;
  name: string;
  query: string;
}

export interface SegmentUserError {
  field: string[] | null;
  message: string;
}

/** The shop's segments, a page at a time (a feature finds its own by name or by query). */
export const SEGMENTS_QUERY = /* GraphQL */ `
  query Segments($first: Int!, $after: String) {
    segments(first: $first, after: $after) {
      nodes {
        id
        name
        query
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export interface SegmentsData {
  segments: { nodes: ShopifySegment[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/** What segmentCreate and segmentUpdate answer with. */
const SEGMENT_RESULT = `segment {
        id
        name
        query
      }
      userErrors {
        field
        message
      }`;

export const SEGMENT_CREATE = /* GraphQL */ `
  mutation SegmentCreate($name: String!, $query: String!) {
    segmentCreate(name: $name, query: $query) {
      ${SEGMENT_RESULT}
    }
  }
`;

export interface SegmentCreateData {
  segmentCreate: { segment: ShopifySegment | null; userErrors: SegmentUserError[] };
}

/** A segment's new name or query (either may be left out). */
export const SEGMENT_UPDATE = /* GraphQL */ `
  mutation SegmentUpdate($id: ID!, $name: String, $query: String) {
    segmentUpdate(id: $id, name: $name, query: $query) {
      ${SEGMENT_RESULT}
    }
  }
`;

export interface SegmentUpdateData {
  segmentUpdate: { segment: ShopifySegment | null; userErrors: SegmentUserError[] };
}
