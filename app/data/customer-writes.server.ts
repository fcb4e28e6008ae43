// The per-call half of a customer write-back that both the loyalty and the retention write-backs send the same way:
// the `$app` metafields a customer no longer has, deleted in calls of 25, and tags added and removed by aliased
// tagsAdd / tagsRemove mutations, as many to a request as the bucket can ever hold. A customer whose call fails
// goes into `failed` (their marks stay dirty and the next run writes them again); an error the caller does not
// count as the customers' (an invalid token, say) ends the run.
import { customerGid, customerTagsDocument, type TagsData } from "~/shopify/customer-operations";
import { METAFIELDS_DELETE, type MetafieldsDeleteData } from "~/shopify/metafield-operations";
import { MUTATION_COST } from "./admin-pacer.server";

/** What both write-backs' pacers offer (app/data/admin-pacer.server.ts and loyalty's own). */
export interface PacedCaller {
  call<T>(query: string, variables: Record<string, unknown>, cost: number): Promise<T>;
  fieldsPerRequest(costEach: number, limit: number): number;
}

/** A customer's planned changes: the metafield keys to delete and the tags to add and remove. */
export interface CustomerChange {
  customerId: string;
  metafieldsToDelete: readonly string[];
  tagsToAdd: string[];
  tagsToRemove: string[];
}

export interface CustomerWriteCounts {
  metafieldsDeleted: number;
  tagsAdded: number;
  tagsRemoved: number;
}

/** metafieldsDelete takes at most 25 identifiers a call. */
const METAFIELDS_PER_DELETE = 25;
/** Aliased tag mutations per request, at most (fewer when the bucket is smaller). */
const TAG_MUTATIONS_PER_REQUEST = 25;

/** Deletes the metafields of the customers not already failed; counts what was deleted. */
export async function deleteCustomerMetafields(
  pacer: PacedCaller,
  namespace: string,
  changes: readonly CustomerChange[],
  failed: Set<string>,
  counts: CustomerWriteCounts,
  isCustomerFailure: (error: unknown) => boolean,
): Promise<void> {
  const deletes = changes
    .filter((c) => !failed.has(c.customerId))
    .flatMap((c) => c.metafieldsToDelete.map((key) => ({ ownerId: customerGid(c.customerId), namespace, key, customerId: c.customerId })));
  for (let i = 0; i < deletes.length; i += METAFIELDS_PER_DELETE) {
    const chunk = deletes.slice(i, i + METAFIELDS_PER_DELETE);
    try {
      const data = await pacer.call<MetafieldsDeleteData>(
        METAFIELDS_DELETE,
        { metafields: chunk.map(({ customerId: _customerId, ...identifier }) => identifier) },
        MUTATION_COST,
      );
      if (data.metafieldsDelete.userErrors.length > 0) for (const d of chunk) failed.add(d.customerId);
      else counts.metafieldsDeleted += chunk.length;
    } catch (error) {
      if (!isCustomerFailure(error)) throw error;
      for (const d of chunk) failed.add(d.customerId);
    }
  }
}

/**
 * Removes, then adds, the tags of the customers not already failed; counts the tags written. Returns the number
 * of tag mutations Shopify took (one per customer and operation).
 */
export async function writeCustomerTags(
  pacer: PacedCaller,
  changes: readonly CustomerChange[],
  failed: Set<string>,
  counts: CustomerWriteCounts,
  isCustomerFailure: (error: unknown) => boolean,
): Promise<number> {
  let mutations = 0;
  for (const operation of ["tagsRemove", "tagsAdd"] as const) {
    const writes = changes
      .filter((c) => !failed.has(c.customerId))
      .map((c) => ({ customerId: c.customerId, tags: operation === "tagsAdd" ? c.tagsToAdd : c.tagsToRemove }))
      .filter((w) => w.tags.length > 0);
    // As many aliased mutations as the bucket can ever hold (a request costing more than the bucket never runs).
    const perRequest = pacer.fieldsPerRequest(MUTATION_COST, TAG_MUTATIONS_PER_REQUEST);
    for (let i = 0; i < writes.length; i += perRequest) {
      const slice = writes.slice(i, i + perRequest);
      const variables: Record<string, unknown> = {};
      slice.forEach((w, k) => {
        variables[`id${k}`] = customerGid(w.customerId);
        variables[`tags${k}`] = w.tags;
      });
      try {
        const data = await pacer.call<TagsData>(customerTagsDocument(operation, slice.length), variables, MUTATION_COST * slice.length);
        slice.forEach((w, k) => {
          const answer = data[`t${k}`];
          if (!answer?.node || answer.userErrors.length > 0) failed.add(w.customerId);
          else {
            mutations += 1;
            if (operation === "tagsAdd") counts.tagsAdded += w.tags.length;
            else counts.tagsRemoved += w.tags.length;
          }
        });
      } catch (error) {
        if (!isCustomerFailure(error)) throw error;
        for (const w of slice) failed.add(w.customerId);
      }
    }
  }
  return mutations;
}
