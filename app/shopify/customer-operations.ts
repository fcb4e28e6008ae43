// Customers as the write-backs address them: their GraphQL ids, and their tags added or removed many at a time
// (loyalty's tier tags, retention's clv: tags, the customers list's "tag these customers").
import type { UserError } from "./loyalty-operations";

export const customerGid = (customerId: string) => `gid://shopify/Customer/${customerId}`;

/**
 * tagsAdd / tagsRemove for several customers in one request, under aliases t0, t1…: variables $id0, $tags0,
 * $id1, $tags1… (each customer its own tags).
 */
export function customerTagsDocument(operation: "tagsAdd" | "tagsRemove", count: number): string {
  const variables = Array.from({ length: count }, (_, i) => `$id${i}: ID!, $tags${i}: [String!]!`).join(", ");
  const fields = Array.from(
    { length: count },
    (_, i) => `  t${i}: ${operation}(id: $id${i}, tags: $tags${i}) { node { id } userErrors { field message } }`,
  ).join("\n");
  return `mutation CustomerTags(${variables}) {\n${fields}\n}`;
}

/** The answer of customerTagsDocument: one entry per alias. */
export type TagsData = Record<string, { node: { id: string } | null; userErrors: UserError[] } | undefined>;
