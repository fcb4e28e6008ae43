// metafieldDefinitionCreate: one definition per owner type, namespace and key (a second is TAKEN), kept per
// shop (control.getMetafieldDefinitions). metafieldsSet then holds the metafields it covers to its type.
import type { StoredMetafieldDefinition } from "../state";
import { accessDenied, utcNow } from "./common";
import { definitionKey, KNOWN_TYPES, OWNER_TYPES, resolveNamespace } from "./metafields";
import type { ApiSlice } from "./registry";

/** MetafieldOwnerType → the scope writing its definitions needs (from metafieldsSet's owner table). */
const OWNER_SCOPES = new Map([...OWNER_TYPES.values()].map((o) => [o.ownerType, o.scope] as const));

const TYPE_CATEGORIES: Record<string, string> = {
  boolean: "TRUE_FALSE",
  number_integer: "NUMBER",
  number_decimal: "NUMBER",
  date: "DATE_TIME",
  date_time: "DATE_TIME",
  json: "JSON",
  money: "MEASUREMENT",
};

function userError(path: string[], message: string, code: string) {
  return { __typename: "MetafieldDefinitionCreateUserError", field: ["definition", ...path], message, code, elementIndex: null };
}

export function definitionObject(d: StoredMetafieldDefinition) {
  const base = d.type.replace(/^list\./, "");
  const category = base.endsWith("_reference") ? "REFERENCE" : (TYPE_CATEGORIES[base] ?? "TEXT");
  return {
    __typename: "MetafieldDefinition",
    ...d,
    type: { __typename: "MetafieldDefinitionType", name: d.type, category },
    access: { __typename: "MetafieldAccess", ...d.access },
    pinnedPosition: null,
  };
}

export const metafieldDefinitionsSlice: ApiSlice = {
  fields: [
    {
      root: "Mutation",
      name: "metafieldDefinitionCreate",
      returns: "MetafieldDefinitionCreatePayload",
      requiredArguments: ["definition"],
      cost: 10,
      resolve: (args, ctx) => {
        const input = (args.definition && typeof args.definition === "object" ? args.definition : {}) as Record<string, unknown>;
        const text = (name: string) => (typeof input[name] === "string" ? (input[name] as string).trim() : "");
        const fail = (path: string, message: string, code: string) => ({
          createdDefinition: null,
          userErrors: [userError([path], message, code)],
        });
        const ownerType = text("ownerType");
        if (!OWNER_SCOPES.has(ownerType))
          return fail("ownerType", `Owner type ${ownerType || "(none)"} is not included in the list`, "INCLUSION");
        const scope = OWNER_SCOPES.get(ownerType);
        if (scope && !ctx.shop.scopes.includes(scope)) throw accessDenied("metafieldDefinitionCreate", scope);
        const name = text("name");
        const key = text("key");
        const type = text("type");
        const namespace = resolveNamespace(input.namespace, ctx.appId);
        if (name === "") return fail("name", "Name can't be blank", "BLANK");
        if (key === "") return fail("key", "Key can't be blank", "BLANK");
        if (key.length < 2) return fail("key", "Key is too short (minimum is 2 characters)", "TOO_SHORT");
        if (key.length > 64) return fail("key", "Key is too long (maximum is 64 characters)", "TOO_LONG");
        if (!/^[A-Za-z0-9_-]+$/.test(key)) return fail("key", "Key contains one or more invalid characters.", "INVALID_CHARACTER");
        if (namespace.length < 2) return fail("namespace", "Namespace is too short (minimum is 2 characters)", "TOO_SHORT");
        if (!KNOWN_TYPES.has(type.replace(/^list\./, "")))
          return fail("type", `Type name ${type || "(none)"} is not a valid type.`, "INCLUSION");
        const access = (input.access && typeof input.access === "object" ? input.access : {}) as Record<string, unknown>;
        const appOwned = namespace.startsWith("app--");
        if (access.admin != null && !appOwned)
          return fail(
            "access",
            "Admin access can only be specified for app-owned metafield definitions.",
            "ADMIN_ACCESS_INPUT_NOT_ALLOWED",
          );
        const slot = definitionKey(ownerType, namespace, key);
        if (ctx.shop.metafieldDefinitions.has(slot))
          return fail("key", `Key is in use for ${ownerType.toLowerCase()} metafields on the '${namespace}' namespace.`, "TAKEN");
        const definition: StoredMetafieldDefinition = {
          id: `gid://shopify/MetafieldDefinition/${ctx.newId()}`,
          name,
          namespace,
          key,
          type,
          ownerType,
          description: text("description") || null,
          access: {
            admin: typeof access.admin === "string" ? access.admin : appOwned ? "MERCHANT_READ_WRITE" : "PUBLIC_READ_WRITE",
            storefront: typeof access.storefront === "string" ? access.storefront : "NONE",
            customerAccount: typeof access.customerAccount === "string" ? access.customerAccount : "NONE",
          },
          createdAt: utcNow(),
        };
        ctx.shop.metafieldDefinitions.set(slot, definition);
        return { createdDefinition: definitionObject(definition), userErrors: [] };
      },
    },
  ],
  types: {
    MetafieldDefinitionCreatePayload: { createdDefinition: "MetafieldDefinition", userErrors: "MetafieldDefinitionCreateUserError" },
    MetafieldDefinitionCreateUserError: {
      field: "String",
      message: "String",
      code: "MetafieldDefinitionCreateUserErrorCode",
      elementIndex: "Int",
    },
    MetafieldDefinition: {
      id: "ID",
      name: "String",
      namespace: "String",
      key: "String",
      description: "String",
      ownerType: "MetafieldOwnerType",
      type: "MetafieldDefinitionType",
      access: "MetafieldAccess",
      pinnedPosition: "Int",
      createdAt: "DateTime",
    },
    MetafieldDefinitionType: { name: "String", category: "String" },
    MetafieldAccess: {
      admin: "MetafieldAdminAccess",
      storefront: "MetafieldStorefrontAccess",
      customerAccount: "MetafieldCustomerAccountAccess",
    },
  },
  interfaces: { Node: ["MetafieldDefinition"] },
};
