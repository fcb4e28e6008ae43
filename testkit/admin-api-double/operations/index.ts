// The Admin API surface of the double: every slice's root fields in one registry. A new operation
// (e.g. segmentCreate, discountCodeBasicCreate, a products query) is one more slice module listed here.
import { bulkOperationsSlice } from "./bulk-operations";
import { commonSlice } from "./common";
import { metafieldsSlice } from "./metafields";
import { nodeSlice } from "./node";
import { OperationRegistry } from "./registry";
import { shopSlice } from "./shop";
import { tagsSlice } from "./tags";

export const ADMIN_API = new OperationRegistry([commonSlice, shopSlice, nodeSlice, bulkOperationsSlice, metafieldsSlice, tagsSlice]);

/** Shopify-like default costs per root field (reads 1, mutations 10) and `default` for any other. */
export const DEFAULT_COSTS = ADMIN_API.defaultCosts();

export { METAFIELDS_PER_CALL } from "./metafields";
export { FieldError, FALLBACK_COST, type ApiSlice, type ResolveContext, type RootFieldDefinition, type RootType } from "./registry";
