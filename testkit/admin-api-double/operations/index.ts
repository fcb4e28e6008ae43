// The Admin API surface of the double: every slice's root fields in one registry. A new operation is one
// more slice module listed here.
import { bulkOperationsSlice } from "./bulk-operations";
import { commonSlice } from "./common";
import { discountsSlice } from "./discounts";
import { flowSlice } from "./flow";
import { metafieldDefinitionsSlice } from "./metafield-definitions";
import { metafieldsSlice } from "./metafields";
import { nodeSlice } from "./node";
import { productsSlice } from "./products";
import { OperationRegistry } from "./registry";
import { segmentsSlice } from "./segments";
import { shopSlice } from "./shop";
import { stagedUploadsSlice } from "./staged-uploads";
import { tagsSlice } from "./tags";

export const ADMIN_API = new OperationRegistry([
  commonSlice,
  shopSlice,
  nodeSlice,
  bulkOperationsSlice,
  stagedUploadsSlice,
  metafieldsSlice,
  metafieldDefinitionsSlice,
  tagsSlice,
  productsSlice,
  segmentsSlice,
  discountsSlice,
  flowSlice,
]);

/** Shopify-like default costs per root field (fixed ones: reads 1, mutations 10) and `default` for any other. */
export const DEFAULT_COSTS = ADMIN_API.defaultCosts();

export { METAFIELDS_PER_CALL } from "./metafields";
export { MAX_ACTIVE_AUTOMATIC_DISCOUNTS } from "./discounts";
export { FLOW_PAYLOAD_MAX_BYTES } from "./flow";
export {
  FieldError,
  FALLBACK_COST,
  type ApiSlice,
  type FlowTriggerDefinition,
  type ResolveContext,
  type RootFieldDefinition,
  type RootType,
} from "./registry";
