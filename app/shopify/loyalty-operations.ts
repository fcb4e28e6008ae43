// The Admin GraphQL operations of the loyalty program: discount codes for rewards and referrals, the tiers'
// automatic discounts, the bulk-mutation path, and the app-data metafields the storefront reads. The tiers'
// segments are segment-operations.ts's, the customer metafields metafield-operations.ts's and the tier tags
// customer-operations.ts's. Shapes as in Shopify's Admin API (2026-07); the Admin API double answers them.

export interface UserError {
  field: string[] | null;
  message: string;
  code?: string | null;
}

/** A single-use code limited to one customer (redemptions) or a referral code (customers: all). */
export const DISCOUNT_CODE_BASIC_CREATE = /* GraphQL */ `
  mutation LoyaltyDiscountCode($basicCodeDiscount: DiscountCodeBasicInput!) {
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

export interface DiscountCodeBasicCreateData {
  discountCodeBasicCreate: { codeDiscountNode: { id: string } | null; userErrors: UserError[] };
}

export const DISCOUNT_CODE_FREE_SHIPPING_CREATE = /* GraphQL */ `
  mutation LoyaltyFreeShippingCode($freeShippingCodeDiscount: DiscountCodeFreeShippingInput!) {
    discountCodeFreeShippingCreate(freeShippingCodeDiscount: $freeShippingCodeDiscount) {
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

export interface DiscountCodeFreeShippingCreateData {
  discountCodeFreeShippingCreate: { codeDiscountNode: { id: string } | null; userErrors: UserError[] };
}

/** Whether a code exists already (a retry after a lost answer must not create a second one). */
export const CODE_DISCOUNT_BY_CODE = /* GraphQL */ `
  query LoyaltyCodeLookup($code: String!) {
    codeDiscountNodeByCode(code: $code) {
      id
    }
  }
`;

export interface CodeDiscountByCodeData {
  codeDiscountNodeByCode: { id: string } | null;
}

/** A tier's automatic discount, limited to its segment (context.customerSegments). */
export const LOYALTY_AUTOMATIC_DISCOUNT_CREATE = /* GraphQL */ `
  mutation LoyaltyTierDiscountCreate($automaticBasicDiscount: DiscountAutomaticBasicInput!) {
    discountAutomaticBasicCreate(automaticBasicDiscount: $automaticBasicDiscount) {
      automaticDiscountNode {
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

export interface LoyaltyAutomaticDiscountCreateData {
  discountAutomaticBasicCreate: { automaticDiscountNode: { id: string } | null; userErrors: UserError[] };
}

export const LOYALTY_AUTOMATIC_DISCOUNT_UPDATE = /* GraphQL */ `
  mutation LoyaltyTierDiscountUpdate($id: ID!, $automaticBasicDiscount: DiscountAutomaticBasicInput!) {
    discountAutomaticBasicUpdate(id: $id, automaticBasicDiscount: $automaticBasicDiscount) {
      automaticDiscountNode {
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

export interface LoyaltyAutomaticDiscountUpdateData {
  discountAutomaticBasicUpdate: { automaticDiscountNode: { id: string } | null; userErrors: UserError[] };
}

export const LOYALTY_AUTOMATIC_DISCOUNT_DELETE = /* GraphQL */ `
  mutation LoyaltyTierDiscountDelete($id: ID!) {
    discountAutomaticDelete(id: $id) {
      deletedAutomaticDiscountId
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export interface LoyaltyAutomaticDiscountDeleteData {
  discountAutomaticDelete: { deletedAutomaticDiscountId: string | null; userErrors: UserError[] };
}

export const STAGED_UPLOADS_CREATE = /* GraphQL */ `
  mutation LoyaltyStagedUpload($input: [StagedUploadInput!]!) {
    stagedUploadsCreate(input: $input) {
      stagedTargets {
        url
        resourceUrl
        parameters {
          name
          value
        }
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export interface StagedUploadsCreateData {
  stagedUploadsCreate: {
    stagedTargets: { url: string; resourceUrl: string; parameters: { name: string; value: string }[] }[];
    userErrors: UserError[];
  };
}

export const BULK_OPERATION_RUN_MUTATION = /* GraphQL */ `
  mutation LoyaltyBulkMutation($mutation: String!, $stagedUploadPath: String!, $clientIdentifier: String) {
    bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $stagedUploadPath, clientIdentifier: $clientIdentifier) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export interface BulkOperationRunMutationData {
  bulkOperationRunMutation: { bulkOperation: { id: string; status: string } | null; userErrors: UserError[] };
}

/** The mutations a bulk operation runs, one line of variables each. */
export const BULK_METAFIELDS_SET = `mutation call($metafields: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $metafields) { metafields { key } userErrors { field message code } } }`;
export const BULK_METAFIELDS_DELETE = `mutation call($metafields: [MetafieldIdentifierInput!]!) { metafieldsDelete(metafields: $metafields) { deletedMetafields { key } userErrors { field message } } }`;
export const BULK_TAGS_ADD = `mutation call($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } } }`;
export const BULK_TAGS_REMOVE = `mutation call($id: ID!, $tags: [String!]!) { tagsRemove(id: $id, tags: $tags) { node { id } userErrors { field message } } }`;

export const LOYALTY_BULK_STATUS = /* GraphQL */ `
  query LoyaltyBulkStatus($id: ID!) {
    node(id: $id) {
      ... on BulkOperation {
        id
        status
        errorCode
        objectCount
        url
        partialDataUrl
      }
    }
  }
`;

export interface LoyaltyBulkStatusData {
  node: {
    id: string;
    status: string;
    errorCode: string | null;
    objectCount: string;
    url: string | null;
    partialDataUrl: string | null;
  } | null;
}

export const APP_INSTALLATION_ID = /* GraphQL */ `
  query LoyaltyAppInstallation {
    currentAppInstallation {
      id
    }
  }
`;

export interface AppInstallationIdData {
  currentAppInstallation: { id: string };
}

export const customerIdOfGid = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);
