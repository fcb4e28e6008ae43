// The Admin GraphQL operations the app sends (API version: app/config.server.ts). The local Admin API
// double (testkit/admin-api-double) answers exactly these, in Shopify's response shapes.

export const SHOP_QUERY = /* GraphQL */ `
  query ShopDetails {
    shop {
      name
      myshopifyDomain
      currencyCode
      ianaTimezone
    }
    currentAppInstallation {
      accessScopes {
        handle
      }
    }
  }
`;

export interface ShopQueryData {
  shop: { name: string; myshopifyDomain: string; currencyCode: string; ianaTimezone: string };
  currentAppInstallation: { accessScopes: { handle: string }[] };
}

/**
 * The backfill's bulk query. Its JSONL result holds one Order object a line (with customer and refunds
 * inline: they are not connections) and one LineItem a line with "__parentId" = the order's id. From API
 * 2026-01 lines are not grouped: a line item may come before its order or far from it.
 */
export const BULK_ORDERS_QUERY = /* GraphQL */ `
  {
    orders(sortKey: CREATED_AT) {
      edges {
        node {
          id
          name
          email
          createdAt
          processedAt
          updatedAt
          cancelledAt
          closedAt
          test
          sourceName
          displayFinancialStatus
          currencyCode
          presentmentCurrencyCode
          totalPriceSet {
            shopMoney {
              amount
              currencyCode
            }
            presentmentMoney {
              amount
              currencyCode
            }
          }
          subtotalPriceSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          currentSubtotalPriceSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          discountCodes
          customer {
            id
            email
            firstName
            lastName
            phone
            createdAt
            updatedAt
          }
          refunds {
            id
            createdAt
            totalRefundedSet {
              shopMoney {
                amount
                currencyCode
              }
            }
          }
          lineItems {
            edges {
              node {
                id
                title
                quantity
                product {
                  id
                }
                variant {
                  id
                }
                originalUnitPriceSet {
                  shopMoney {
                    amount
                    currencyCode
                  }
                }
              }
            }
          }
        }
      }
    }
  }
`;

export const BULK_RUN_MUTATION = /* GraphQL */ `
  mutation RunBulkQuery($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: false) {
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

export interface BulkRunData {
  bulkOperationRunQuery: {
    bulkOperation: { id: string; status: string } | null;
    userErrors: { field: string[] | null; message: string; code: string | null }[];
  };
}

export const BULK_STATUS_QUERY = /* GraphQL */ `
  query BulkOperationStatus($id: ID!) {
    node(id: $id) {
      ... on BulkOperation {
        id
        status
        errorCode
        objectCount
        rootObjectCount
        fileSize
        url
        partialDataUrl
        createdAt
        completedAt
      }
    }
  }
`;

export interface BulkOperation {
  id: string;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "CANCELING" | "CANCELED" | "FAILED" | "EXPIRED";
  errorCode: string | null;
  objectCount: string; // UnsignedInt64 comes as a string
  rootObjectCount: string;
  fileSize: string | null;
  url: string | null;
  partialDataUrl: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface BulkStatusData {
  node: BulkOperation | null;
}
