// metafieldsSet: up to 25 metafields per call, all or nothing, stored per owner id in the shop's state
// (read back with control.getMetafields); metafieldsDelete removes them by owner, namespace and key (one
// that does not exist comes back null, as Shopify answers). `$app` namespaces become app--<appId>; compareDigest guards
// against lost updates. A metafield with a definition (metafield-definitions.ts) takes the definition's
// type; list types hold JSON arrays; product and variant references must exist in a shop with a catalogue;
// the AppInstallation owner (app-data metafields) is the app's own installation only.
import { createHash } from "node:crypto";
import type { StoredMetafield } from "../state";
import { accessDenied, parseGid, userError as plainUserError, utcNow } from "./common";
import { connectionTypes } from "./connections";
import { shopProducts } from "./products";
import { FieldError, type ApiSlice, type ResolveContext } from "./registry";

/** Shopify's limit of inputs per metafieldsSet call. */
export const METAFIELDS_PER_CALL = 25;

/** Owner types that take metafields, their MetafieldOwnerType and the scope writing them needs. */
export const OWNER_TYPES = new Map<string, { ownerType: string; scope: string | null }>([
  ["Customer", { ownerType: "CUSTOMER", scope: "write_customers" }],
  ["Product", { ownerType: "PRODUCT", scope: "write_products" }],
  ["ProductVariant", { ownerType: "PRODUCTVARIANT", scope: "write_products" }],
  ["Collection", { ownerType: "COLLECTION", scope: "write_products" }],
  ["Order", { ownerType: "ORDER", scope: "write_orders" }],
  ["Shop", { ownerType: "SHOP", scope: null }],
  ["AppInstallation", { ownerType: "API_PERMISSION", scope: null }],
  ["Company", { ownerType: "COMPANY", scope: "write_customers" }],
]);

export const KNOWN_TYPES = new Set([
  "boolean",
  "color",
  "date",
  "date_time",
  "dimension",
  "id",
  "json",
  "link",
  "money",
  "multi_line_text_field",
  "number_decimal",
  "number_integer",
  "rating",
  "rich_text_field",
  "single_line_text_field",
  "url",
  "volume",
  "weight",
  "collection_reference",
  "customer_reference",
  "file_reference",
  "metaobject_reference",
  "page_reference",
  "product_reference",
  "variant_reference",
]);

const JSON_TYPES = new Set(["json", "money", "rating", "dimension", "volume", "weight"]);

const REFERENCES = new Map([
  ["product_reference", "Product"],
  ["variant_reference", "ProductVariant"],
  ["customer_reference", "Customer"],
  ["collection_reference", "Collection"],
  ["page_reference", "Page"],
  ["file_reference", "MediaImage"],
  ["metaobject_reference", "Metaobject"],
]);

/** A reference's complaint: not a gid of the type, or (products, variants of a shop with a catalogue) no such object. */
function invalidReference(type: string, value: string, ctx: ResolveContext): string | null {
  const expected = REFERENCES.get(type)!;
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/\d+$/.exec(value);
  if (!m || (m[1] !== expected && !(type === "file_reference" && m[1] === "GenericFile")))
    return `Value must be a global id of a ${expected} (gid://shopify/${expected}/<id>).`;
  const products = type === "product_reference" || type === "variant_reference" ? shopProducts(ctx.shop) : null;
  if (!products) return null;
  const exists =
    type === "product_reference" ? products.has(value) : [...products.values()].some((p) => p.variants.some((v) => v.id === value));
  return exists ? null : `Value references non-existent resource ${value}.`;
}

/** Shopify's complaint about a value of a metafield type, or null when it is valid. */
function invalidValue(type: string, value: string, ctx: ResolveContext): string | null {
  if (type.startsWith("list.")) {
    let items: unknown;
    try {
      items = JSON.parse(value);
    } catch {
      return "Value is invalid JSON.";
    }
    if (!Array.isArray(items)) return "Value must be a JSON array.";
    for (const item of items) {
      const problem = invalidValue(type.slice(5), typeof item === "string" ? item : JSON.stringify(item), ctx);
      if (problem) return problem;
    }
    return null;
  }
  if (REFERENCES.has(type)) return invalidReference(type, value, ctx);
  if (JSON_TYPES.has(type)) {
    try {
      JSON.parse(value);
      return null;
    } catch {
      return "Value is invalid JSON.";
    }
  }
  switch (type) {
    case "number_integer":
      return /^-?\d+$/.test(value) ? null : "Value must be an integer.";
    case "number_decimal":
      return /^-?\d+(\.\d+)?$/.test(value) ? null : "Value must be a decimal.";
    case "boolean":
      return value === "true" || value === "false" ? null : "Value must be true or false.";
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : "Value must be in YYYY-MM-DD format.";
    case "date_time":
      return Number.isNaN(Date.parse(value)) ? "Value must be in ISO 8601 format." : null;
    default:
      return null;
  }
}

export function resolveNamespace(namespace: unknown, appId: string): string {
  const ns = typeof namespace === "string" && namespace !== "" ? namespace : "$app";
  if (ns === "$app") return `app--${appId}`;
  if (ns.startsWith("$app:")) return `app--${appId}--${ns.slice(5)}`;
  return ns;
}

const metafieldKey = (m: { namespace: string; key: string }) => `${m.namespace}.${m.key}`;

/** How definitions are kept: one per owner type, namespace and key. */
export const definitionKey = (ownerType: string, namespace: string, key: string) => `${ownerType}|${namespace}|${key}`;

interface MetafieldsSetUserError {
  __typename: "MetafieldsSetUserError";
  field: string[];
  message: string;
  code: string;
  elementIndex: number | null;
}

function userError(field: string[], message: string, code: string, elementIndex: number | null): MetafieldsSetUserError {
  return { __typename: "MetafieldsSetUserError", field, message, code, elementIndex };
}

type Staged = { metafield: StoredMetafield; error?: undefined } | { error: MetafieldsSetUserError; metafield?: undefined };

/** Validates one input against what is stored: the metafield to store, or the input's user error. */
function stage(raw: unknown, i: number, ctx: ResolveContext): Staged {
  const input = (raw ?? {}) as Record<string, unknown>;
  const fail = (field: string, message: string, code: string) => ({ error: userError(["metafields", String(i), field], message, code, i) });
  let ownerType: string;
  try {
    ownerType = parseGid(input.ownerId).type;
  } catch (error) {
    return fail("ownerId", (error as Error).message, "INVALID");
  }
  const owner = OWNER_TYPES.get(ownerType);
  if (!owner) return fail("ownerId", `Owner type ${ownerType} does not support metafields.`, "INVALID");
  if (owner.scope && !ctx.shop.scopes.includes(owner.scope)) throw accessDenied("metafieldsSet", owner.scope);
  const ownerId = String(input.ownerId);
  if (ownerType === "AppInstallation" && ownerId !== `gid://shopify/AppInstallation/${ctx.appId}`)
    return fail("ownerId", "Owner does not exist.", "INVALID");
  const namespace = resolveNamespace(input.namespace, ctx.appId);
  const key = typeof input.key === "string" ? input.key : "";
  const value =
    typeof input.value === "string" ? input.value : input.value === undefined || input.value === null ? "" : String(input.value);
  const existing = ctx.shop.metafields.get(ownerId)?.get(metafieldKey({ namespace, key }));
  const definition = ctx.shop.metafieldDefinitions.get(definitionKey(owner.ownerType, namespace, key));
  const given = typeof input.type === "string" && input.type !== "" ? input.type : null;
  if (definition && given !== null && given !== definition.type)
    return fail("type", `Type '${given}' must be consistent with the definition's type: '${definition.type}'.`, "INVALID_TYPE");
  const type = given ?? definition?.type ?? existing?.type ?? "";
  if (key.length === 0) return fail("key", "Key can't be blank", "BLANK");
  if (key.length < 2) return fail("key", "Key is too short (minimum is 2 characters)", "TOO_SHORT");
  if (key.length > 64) return fail("key", "Key is too long (maximum is 64 characters)", "TOO_LONG");
  if (!/^[A-Za-z0-9_-]+$/.test(key)) return fail("key", "Key contains one or more invalid characters.", "INVALID");
  if (namespace.length < 2) return fail("namespace", "Namespace is too short (minimum is 2 characters)", "TOO_SHORT");
  if (value === "") return fail("value", "Value can't be blank", "BLANK");
  if (type === "") return fail("type", "Type can't be blank", "BLANK");
  if (!KNOWN_TYPES.has(type.replace(/^list\./, ""))) return fail("type", `Type name ${type} is not a valid type.`, "INVALID_TYPE");
  const invalid = invalidValue(type, value, ctx);
  if (invalid) return fail("value", invalid, "INVALID_VALUE");
  // compareDigest: absent = overwrite; null = only if new; a digest = only if unchanged since read.
  if (Object.hasOwn(input, "compareDigest") && input.compareDigest !== (existing?.compareDigest ?? null)) {
    const message = "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.";
    return fail("compareDigest", message, "STALE_OBJECT");
  }
  const now = utcNow();
  const metafield: StoredMetafield = {
    id: existing?.id ?? `gid://shopify/Metafield/${ctx.newId()}`,
    ownerId,
    ownerType: owner.ownerType,
    namespace,
    key,
    type,
    value,
    compareDigest: createHash("sha256").update(`${type}\u0000${value}`).digest("hex"),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  return { metafield };
}

export const metafieldsSlice: ApiSlice = {
  fields: [
    {
      root: "Mutation",
      name: "metafieldsSet",
      returns: "MetafieldsSetPayload",
      requiredArguments: ["metafields"],
      cost: 10,
      resolve: (args, ctx) => {
        const inputs = args.metafields;
        if (!Array.isArray(inputs))
          throw new FieldError(
            "Argument 'metafields' on Field 'metafieldsSet' has an invalid value. Expected type '[MetafieldsSetInput!]!'.",
            { code: "argumentLiteralsIncompatible" },
          );
        if (inputs.length > METAFIELDS_PER_CALL) {
          const message = `Exceeded the maximum metafields input limit of ${METAFIELDS_PER_CALL}.`;
          return { metafields: [], userErrors: [userError(["metafields"], message, "LESS_THAN_OR_EQUAL_TO", null)] };
        }
        const staged = inputs.map((input, i) => stage(input, i, ctx));
        const errors = staged.flatMap((s) => (s.error ? [s.error] : []));
        if (errors.length > 0) return { metafields: [], userErrors: errors };
        // Atomic: nothing is stored unless every input is valid.
        const stored = staged.flatMap((s) => (s.metafield ? [s.metafield] : []));
        for (const m of stored) {
          const owned = ctx.shop.metafields.get(m.ownerId) ?? new Map<string, StoredMetafield>();
          owned.set(metafieldKey(m), m);
          ctx.shop.metafields.set(m.ownerId, owned);
        }
        return { metafields: stored.map((m) => ({ __typename: "Metafield", ...m })), userErrors: [] };
      },
    },
    {
      root: "Mutation",
      name: "metafieldsDelete",
      returns: "MetafieldsDeletePayload",
      requiredArguments: ["metafields"],
      cost: 10,
      resolve: (args, ctx) => {
        const inputs = args.metafields;
        if (!Array.isArray(inputs))
          throw new FieldError(
            "Argument 'metafields' on Field 'metafieldsDelete' has an invalid value. Expected type '[MetafieldIdentifierInput!]!'.",
            { code: "argumentLiteralsIncompatible" },
          );
        if (inputs.length === 0)
          return { deletedMetafields: [], userErrors: [plainUserError(["metafields"], "At least one metafield must be given.")] };
        const identifiers = inputs.map((raw, i) => {
          const input = (raw ?? {}) as Record<string, unknown>;
          let ownerType: string;
          try {
            ownerType = parseGid(input.ownerId).type;
          } catch (error) {
            return { error: plainUserError(["metafields", String(i), "ownerId"], (error as Error).message) };
          }
          const owner = OWNER_TYPES.get(ownerType);
          if (!owner)
            return { error: plainUserError(["metafields", String(i), "ownerId"], `Owner type ${ownerType} does not support metafields.`) };
          if (owner.scope && !ctx.shop.scopes.includes(owner.scope)) throw accessDenied("metafieldsDelete", owner.scope);
          const key = typeof input.key === "string" ? input.key : "";
          return { ownerId: String(input.ownerId), namespace: resolveNamespace(input.namespace, ctx.appId), key };
        });
        const errors = identifiers.flatMap((x) => (x.error ? [x.error] : []));
        if (errors.length > 0) return { deletedMetafields: null, userErrors: errors };
        const deletedMetafields = identifiers.map((x) => {
          if (x.error || x.ownerId === undefined) return null;
          const owned = ctx.shop.metafields.get(x.ownerId);
          if (!owned?.delete(metafieldKey({ namespace: x.namespace, key: x.key }))) return null;
          if (owned.size === 0) ctx.shop.metafields.delete(x.ownerId);
          return { __typename: "MetafieldIdentifier", ownerId: x.ownerId, namespace: x.namespace, key: x.key };
        });
        return { deletedMetafields, userErrors: [] };
      },
    },
  ],
  types: {
    MetafieldsSetPayload: { metafields: "Metafield", userErrors: "MetafieldsSetUserError" },
    Metafield: {
      id: "ID",
      namespace: "String",
      key: "String",
      value: "String",
      type: "String",
      ownerType: "MetafieldOwnerType",
      compareDigest: "String",
      createdAt: "DateTime",
      updatedAt: "DateTime",
    },
    ...connectionTypes("Metafield"),
    MetafieldsSetUserError: { field: "String", message: "String", code: "MetafieldsSetUserErrorCode", elementIndex: "Int" },
    MetafieldsDeletePayload: { deletedMetafields: "MetafieldIdentifier", userErrors: "UserError" },
    MetafieldIdentifier: { ownerId: "ID", namespace: "String", key: "String" },
  },
};
