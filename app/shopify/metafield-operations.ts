// Metafields, as the write-backs set and remove them: customers' loyalty and retention fields, and the
// app-data fields the storefront's offers read. Shopify has no empty metafield (blank means absent), so a
// value that no longer applies is deleted. The Admin API double answers these in Shopify's shapes.

export const METAFIELDS_SET = /* GraphQL */ `
  mutation SetMetafields($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields {
        id
        namespace
        key
        ownerType
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

export interface MetafieldsSetData {
  metafieldsSet: {
    metafields: { id: string; namespace: string; key: string; ownerType: string }[] | null;
    /** elementIndex: which of the metafields sent the error is about. */
    userErrors: { field: string[] | null; message: string; code: string | null; elementIndex?: number | null }[];
  };
}

export const METAFIELDS_DELETE = /* GraphQL */ `
  mutation DeleteMetafields($metafields: [MetafieldIdentifierInput!]!) {
    metafieldsDelete(metafields: $metafields) {
      deletedMetafields {
        ownerId
        namespace
        key
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export interface MetafieldsDeleteData {
  metafieldsDelete: {
    /** Null in place of a metafield that was not there. */
    deletedMetafields: ({ ownerId: string; namespace: string; key: string } | null)[] | null;
    userErrors: { field: string[] | null; message: string }[];
  };
}
