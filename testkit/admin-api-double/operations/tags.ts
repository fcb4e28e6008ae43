// tagsAdd / tagsRemove on customers, orders and products; the tags are kept per owner id in the shop's
// state (read back with control.getTags or node(id:) { ... on Customer { tags } }).
import { accessDenied, parseGid, userError } from "./common";
import type { ApiSlice, Arguments, ResolveContext, RootFieldDefinition } from "./registry";

const TAG_SCOPES = new Map([
  ["Customer", "write_customers"],
  ["Order", "write_orders"],
  ["Product", "write_products"],
]);

/** Shopify takes a list of tags or one comma-separated string. */
function splitTags(tags: unknown): string[] {
  const list = Array.isArray(tags) ? tags.map(String) : typeof tags === "string" ? tags.split(",") : [];
  return list.map((t) => t.trim()).filter((t) => t !== "");
}

function changeTags(field: "tagsAdd" | "tagsRemove", args: Arguments, ctx: ResolveContext) {
  const { type } = parseGid(args.id);
  const scope = TAG_SCOPES.get(type);
  if (scope && !ctx.shop.scopes.includes(scope)) throw accessDenied(field, scope);
  if (!scope) return { node: null, userErrors: [userError(["id"], `${type} does not support tags`)] };
  const tags = splitTags(args.tags);
  if (tags.some((t) => t.length > 255))
    return { node: null, userErrors: [userError(["tags"], "Tags are invalid: a tag is longer than 255 characters")] };
  const id = String(args.id);
  const owned = ctx.shop.tags.get(id) ?? new Set<string>();
  for (const tag of tags) {
    if (field === "tagsAdd") owned.add(tag);
    else owned.delete(tag);
  }
  ctx.shop.tags.set(id, owned);
  return { node: { __typename: type, id }, userErrors: [] };
}

const tagsMutation = (name: "tagsAdd" | "tagsRemove", returns: string): RootFieldDefinition => ({
  root: "Mutation",
  name,
  returns,
  requiredArguments: ["id", "tags"],
  cost: 10,
  resolve: (args, ctx) => changeTags(name, args, ctx),
});

export const tagsSlice: ApiSlice = {
  fields: [tagsMutation("tagsAdd", "TagsAddPayload"), tagsMutation("tagsRemove", "TagsRemovePayload")],
  types: {
    TagsAddPayload: { node: "Node", userErrors: "UserError" },
    TagsRemovePayload: { node: "Node", userErrors: "UserError" },
  },
};
