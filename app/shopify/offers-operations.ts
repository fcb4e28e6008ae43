// The Admin GraphQL operations of cross-sell (API version: app/config.server.ts): the products query the
// write-back refreshes product states with, the app installation (owner of the app-data metafields), and
// automatic discounts limited to the offered products. The metafields are set and deleted with
// metafield-operations.ts's documents; the tier segments those discounts may be limited to with
// segment-operations.ts's.

/**
 * Products per page. Only scalar fields are asked for, so a page costs 2 + 250 points: 5,000 products are
 * 20 pages, about 50 s of a standard plan's bucket (100 points/s). Images and prices come from the
 * products/* webhooks; the refresh leaves them as they are.
 */
export const PRODUCTS_PAGE_SIZE = 250;

export const OFFER_PRODUCTS_QUERY = /* GraphQL */ `
  query OfferProducts($first: Int!, $after: String, $query: String) {
    products(first: $first, after: $after, query: $query, sortKey: ID) {
      nodes {
        id
        title
        handle
        status
        publishedAt
        updatedAt
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export interface ApiProduct {
  id: string;
  title: string;
  handle: string;
  /** ACTIVE | DRAFT | ARCHIVED (| UNLISTED). */
  status: string;
  /** Publication to the online store; null while unpublished. */
  publishedAt: string | null;
  updatedAt: string;
}

export interface OfferProductsData {
  products: { nodes: ApiProduct[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

export const APP_INSTALLATION_QUERY = /* GraphQL */ `
  query OffersAppInstallation {
    currentAppInstallation {
      id
    }
  }
`;

export interface AppInstallationData {
  currentAppInstallation: { id: string };
}

const DISCOUNT_USER_ERRORS = `userErrors {
        field
        message
        code
      }`;

export const DISCOUNT_CREATE_MUTATION = /* GraphQL */ `
  mutation CreateOfferDiscount($discount: DiscountAutomaticBasicInput!) {
    discountAutomaticBasicCreate(automaticBasicDiscount: $discount) {
      automaticDiscountNode {
        id
      }
      ${DISCOUNT_USER_ERRORS}
    }
  }
`;

export const DISCOUNT_UPDATE_MUTATION = /* GraphQL */ `
  mutation UpdateOfferDiscount($id: ID!, $discount: DiscountAutomaticBasicInput!) {
    discountAutomaticBasicUpdate(id: $id, automaticBasicDiscount: $discount) {
      automaticDiscountNode {
        id
      }
      ${DISCOUNT_USER_ERRORS}
    }
  }
`;

export const DISCOUNT_DELETE_MUTATION = /* GraphQL */ `
  mutation DeleteOfferDiscount($id: ID!) {
    discountAutomaticDelete(id: $id) {
      deletedAutomaticDiscountId
      ${DISCOUNT_USER_ERRORS}
    }
  }
`;

export interface DiscountUserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

export interface DiscountCreateData {
  discountAutomaticBasicCreate: { automaticDiscountNode: { id: string } | null; userErrors: DiscountUserError[] };
}

export interface DiscountUpdateData {
  discountAutomaticBasicUpdate: { automaticDiscountNode: { id: string } | null; userErrors: DiscountUserError[] };
}

export interface DiscountDeleteData {
  discountAutomaticDelete: { deletedAutomaticDiscountId: string | null; userErrors: DiscountUserError[] };
}
