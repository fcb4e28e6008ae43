// The Admin API surface the double answers: a mini schema (for Shopify-like validation errors) and the
// resolvers of the root fields the app uses (app/shopify/operations.ts) plus a few neighbours.
import { createHash } from "node:crypto";
import type { BulkManager } from "./bulk";
import type { MiniSchema } from "./graphql-lite";
import type { BulkOperationRecord, ShopState, StoredMetafield } from "./state";

export const SCHEMA: MiniSchema = {
  types: {
    QueryRoot: {
      shop: "Shop",
      currentAppInstallation: "AppInstallation",
      node: "Node",
      bulkOperation: "BulkOperation",
      currentBulkOperation: "BulkOperation",
    },
    Mutation: {
      bulkOperationRunQuery: "BulkOperationRunQueryPayload",
      bulkOperationCancel: "BulkOperationCancelPayload",
      metafieldsSet: "MetafieldsSetPayload",
      tagsAdd: "TagsAddPayload",
      tagsRemove: "TagsRemovePayload",
    },
    Shop: {
      id: "ID",
      name: "String",
      email: "String",
      contactEmail: "String",
      myshopifyDomain: "String",
      url: "URL",
      currencyCode: "CurrencyCode",
      ianaTimezone: "String",
      timezoneAbbreviation: "String",
      plan: "ShopPlan",
    },
    ShopPlan: { displayName: "String", partnerDevelopment: "Boolean", shopifyPlus: "Boolean" },
    AppInstallation: { id: "ID", accessScopes: "AccessScope", launchUrl: "URL" },
    AccessScope: { handle: "String", description: "String" },
    Node: { id: "ID" },
    BulkOperation: {
      id: "ID",
      type: "BulkOperationType",
      status: "BulkOperationStatus",
      errorCode: "BulkOperationErrorCode",
      objectCount: "UnsignedInt64",
      rootObjectCount: "UnsignedInt64",
      fileSize: "UnsignedInt64",
      url: "URL",
      partialDataUrl: "URL",
      query: "String",
      createdAt: "DateTime",
      completedAt: "DateTime",
    },
    Customer: { id: "ID", tags: "String" },
    Order: { id: "ID" },
    Product: { id: "ID" },
    BulkOperationRunQueryPayload: { bulkOperation: "BulkOperation", userErrors: "BulkOperationUserError" },
    BulkOperationUserError: { field: "String", message: "String", code: "BulkOperationUserErrorCode" },
    BulkOperationCancelPayload: { bulkOperation: "BulkOperation", userErrors: "UserError" },
    UserError: { field: "String", message: "String" },
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
    MetafieldsSetUserError: { field: "String", message: "String", code: "MetafieldsSetUserErrorCode", elementIndex: "Int" },
    TagsAddPayload: { node: "Node", userErrors: "UserError" },
    TagsRemovePayload: { node: "Node", userErrors: "UserError" },
  },
  interfaces: { Node: ["BulkOperation", "Customer", "Order", "Product"] },
};

/** Required arguments per root field (Shopify answers missingRequiredArguments otherwise). */
export const REQUIRED_ARGUMENTS: Record<string, string[]> = {
  node: ["id"],
  bulkOperation: ["id"],
  bulkOperationRunQuery: ["query"],
  bulkOperationCancel: ["id"],
  metafieldsSet: ["metafields"],
  tagsAdd: ["id", "tags"],
  tagsRemove: ["id", "tags"],
};

export interface ResolveContext {
  shop: ShopState;
  apiVersion: string;
  bulk: BulkManager;
  appId: string;
}

export class FieldError extends Error {
  constructor(
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function bulkOperationObject(op: BulkOperationRecord) {
  return {
    __typename: "BulkOperation",
    id: op.id,
    type: op.type,
    status: op.status,
    errorCode: op.errorCode,
    objectCount: String(op.objectCount),
    rootObjectCount: String(op.rootObjectCount),
    fileSize: op.fileSize === null ? null : String(op.fileSize),
    url: op.url,
    partialDataUrl: op.partialDataUrl,
    query: op.query,
    createdAt: op.createdAt,
    completedAt: op.completedAt,
  };
}

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(\?.*)?$/;

function parseGid(value: unknown): { type: string; id: string } {
  const m = typeof value === "string" ? GID.exec(value) : null;
  if (!m) throw new FieldError(`Invalid global id '${String(value)}'`, { code: "argumentLiteralsIncompatible", typeName: "CoercionError" });
  return { type: m[1], id: m[2] };
}

function accessDenied(field: string, scope: string): FieldError {
  return new FieldError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, {
    code: "ACCESS_DENIED",
    documentation: "https://shopify.dev/api/usage/access-scopes",
    requiredAccess: `\`${scope}\` access scope.`,
  });
}

const OWNER_TYPES: Record<string, { ownerType: string; scope: string | null }> = {
  Customer: { ownerType: "CUSTOMER", scope: "write_customers" },
  Product: { ownerType: "PRODUCT", scope: "write_products" },
  ProductVariant: { ownerType: "PRODUCTVARIANT", scope: "write_products" },
  Collection: { ownerType: "COLLECTION", scope: "write_products" },
  Order: { ownerType: "ORDER", scope: "write_orders" },
  Shop: { ownerType: "SHOP", scope: null },
  AppInstallation: { ownerType: "API_PERMISSION", scope: null },
  Company: { ownerType: "COMPANY", scope: "write_customers" },
};

let metafieldSeq = 0;

function resolveNamespace(namespace: unknown, appId: string): string {
  const ns = typeof namespace === "string" && namespace !== "" ? namespace : "$app";
  if (ns === "$app") return `app--${appId}`;
  if (ns.startsWith("$app:")) return `app--${appId}--${ns.slice(5)}`;
  return ns;
}

function validValue(type: string, value: string): string | null {
  switch (type) {
    case "number_integer":
      return /^-?\d+$/.test(value) ? null : "Value must be an integer.";
    case "number_decimal":
      return /^-?\d+(\.\d+)?$/.test(value) ? null : "Value must be a decimal.";
    case "boolean":
      return value === "true" || value === "false" ? null : "Value must be true or false.";
    case "json":
    case "money":
    case "rating":
    case "dimension":
    case "volume":
    case "weight":
      try {
        JSON.parse(value);
        return null;
      } catch {
        return "Value is invalid JSON.";
      }
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : "Value must be in YYYY-MM-DD format.";
    case "date_time":
      return Number.isNaN(Date.parse(value)) ? "Value must be in ISO 8601 format." : null;
    default:
      return null;
  }
}

const KNOWN_TYPES = new Set([
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

function digest(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

function metafieldObject(m: StoredMetafield) {
  return { __typename: "Metafield", ...m };
}

function splitTags(tags: unknown): string[] {
  const list = Array.isArray(tags) ? tags.map(String) : typeof tags === "string" ? tags.split(",") : [];
  return list.map((t) => t.trim()).filter((t) => t !== "");
}

export type Resolver = (args: Record<string, unknown>, ctx: ResolveContext) => unknown | Promise<unknown>;

export const RESOLVERS: Record<"QueryRoot" | "Mutation", Record<string, Resolver>> = {
  QueryRoot: {
    shop: (_args, { shop }) => ({
      __typename: "Shop",
      id: `gid://shopify/Shop/${parseInt(createHash("sha1").update(shop.shop).digest("hex").slice(0, 10), 16)}`,
      name: shop.name,
      email: shop.email,
      contactEmail: shop.email,
      myshopifyDomain: shop.shop,
      url: `https://${shop.shop}`,
      currencyCode: shop.currencyCode,
      ianaTimezone: shop.ianaTimezone,
      timezoneAbbreviation:
        new Intl.DateTimeFormat("en-US", { timeZone: shop.ianaTimezone, timeZoneName: "short" })
          .formatToParts(new Date())
          .find((p) => p.type === "timeZoneName")?.value ?? "UTC",
      plan: { displayName: "Basic", partnerDevelopment: true, shopifyPlus: false },
    }),
    currentAppInstallation: (_args, { shop, appId }) => ({
      __typename: "AppInstallation",
      id: `gid://shopify/AppInstallation/${appId}`,
      launchUrl: `https://admin.shopify.com/store/${shop.shop.replace(/\.myshopify\.com$/, "")}/apps/${appId}`,
      accessScopes: shop.scopes.map((handle) => ({ __typename: "AccessScope", handle, description: handle.replace(/_/g, " ") })),
    }),
    node: (args, ctx) => {
      const { type, id } = parseGid(args.id);
      if (type === "BulkOperation") {
        const op = ctx.bulk.find(ctx.shop.shop, String(args.id));
        return op ? bulkOperationObject(op) : null;
      }
      if (type === "Customer") {
        const tags = ctx.shop.tags.get(String(args.id));
        return { __typename: "Customer", id: String(args.id), tags: tags ? [...tags] : [] };
      }
      if (type === "Order" || type === "Product") return { __typename: type, id: `gid://shopify/${type}/${id}` };
      return null;
    },
    bulkOperation: (args, ctx) => {
      parseGid(args.id);
      const op = ctx.bulk.find(ctx.shop.shop, String(args.id));
      return op ? bulkOperationObject(op) : null;
    },
    currentBulkOperation: (args, ctx) => {
      if ((args.type ?? "QUERY") !== "QUERY") return null;
      const op = ctx.bulk.current(ctx.shop.shop);
      return op ? bulkOperationObject(op) : null;
    },
  },
  Mutation: {
    bulkOperationRunQuery: (args, ctx) => {
      const groupObjects =
        typeof args.groupObjects === "boolean" ? args.groupObjects : ctx.apiVersion < "2026-01" && ctx.apiVersion !== "unstable";
      const result = ctx.bulk.run(ctx.shop, { query: String(args.query), groupObjects, apiVersion: ctx.apiVersion });
      if ("userError" in result)
        return { bulkOperation: null, userErrors: [{ __typename: "BulkOperationUserError", ...result.userError }] };
      return { bulkOperation: bulkOperationObject(result.op), userErrors: [] };
    },
    bulkOperationCancel: (args, ctx) => {
      parseGid(args.id);
      const op = ctx.bulk.find(ctx.shop.shop, String(args.id));
      if (!op) return { bulkOperation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
      const error = ctx.bulk.cancel(op);
      return { bulkOperation: bulkOperationObject(op), userErrors: error ? [{ field: null, message: error }] : [] };
    },
    metafieldsSet: (args, ctx) => {
      const inputs = args.metafields;
      if (!Array.isArray(inputs))
        throw new FieldError(
          "Argument 'metafields' on Field 'metafieldsSet' has an invalid value. Expected type '[MetafieldsSetInput!]!'.",
          { code: "argumentLiteralsIncompatible" },
        );
      if (inputs.length > 25) {
        return {
          metafields: [],
          userErrors: [
            {
              __typename: "MetafieldsSetUserError",
              field: ["metafields"],
              message: "Exceeded the maximum metafields input limit of 25.",
              code: "LESS_THAN_OR_EQUAL_TO",
              elementIndex: null,
            },
          ],
        };
      }
      const errors: Record<string, unknown>[] = [];
      const staged: StoredMetafield[] = [];
      const err = (i: number, field: string, message: string, code: string) =>
        errors.push({ __typename: "MetafieldsSetUserError", field: ["metafields", String(i), field], message, code, elementIndex: i });
      inputs.forEach((raw, i) => {
        const input = (raw ?? {}) as Record<string, unknown>;
        let owner: { type: string; id: string };
        try {
          owner = parseGid(input.ownerId);
        } catch (e) {
          err(i, "ownerId", (e as Error).message, "INVALID");
          return;
        }
        const ownerInfo = OWNER_TYPES[owner.type];
        if (!ownerInfo) {
          err(i, "ownerId", `Owner type ${owner.type} does not support metafields.`, "INVALID");
          return;
        }
        if (ownerInfo.scope && !ctx.shop.scopes.includes(ownerInfo.scope)) throw accessDenied("metafieldsSet", ownerInfo.scope);
        const namespace = resolveNamespace(input.namespace, ctx.appId);
        const key = typeof input.key === "string" ? input.key : "";
        const value =
          typeof input.value === "string" ? input.value : input.value === undefined || input.value === null ? "" : String(input.value);
        const ownerId = String(input.ownerId);
        const storeKey = `${ownerId}|${namespace}|${key}`;
        const existing = ctx.shop.metafields.get(storeKey);
        const type = typeof input.type === "string" && input.type !== "" ? input.type : (existing?.type ?? "");
        if (key.length < 2)
          return err(
            i,
            "key",
            key.length === 0 ? "Key can't be blank" : "Key is too short (minimum is 2 characters)",
            key.length === 0 ? "BLANK" : "TOO_SHORT",
          );
        if (key.length > 64) return err(i, "key", "Key is too long (maximum is 64 characters)", "TOO_LONG");
        if (!/^[A-Za-z0-9_-]+$/.test(key)) return err(i, "key", "Key contains one or more invalid characters.", "INVALID");
        if (namespace.length < 2) return err(i, "namespace", "Namespace is too short (minimum is 2 characters)", "TOO_SHORT");
        if (value === "") return err(i, "value", "Value can't be blank", "BLANK");
        if (type === "") return err(i, "type", "Type can't be blank", "BLANK");
        if (!KNOWN_TYPES.has(type.replace(/^list\./, ""))) return err(i, "type", `Type name ${type} is not a valid type.`, "INVALID_TYPE");
        const invalid = validValue(type, value);
        if (invalid) return err(i, "value", invalid, "INVALID_VALUE");
        if ("compareDigest" in input) {
          const given = input.compareDigest;
          const current = existing?.compareDigest ?? null;
          if (given !== current) {
            return err(
              i,
              "compareDigest",
              "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.",
              "STALE_OBJECT",
            );
          }
        }
        const now = new Date().toISOString().slice(0, 19) + "Z";
        staged.push({
          id: existing?.id ?? `gid://shopify/Metafield/${3_000_000_000 + ++metafieldSeq}`,
          ownerId,
          ownerType: ownerInfo.ownerType,
          namespace,
          key,
          type,
          value,
          compareDigest: digest(`${type}\u0000${value}`),
          createdAt: existing?.createdAt ?? now,
          updatedAt: now,
        });
      });
      if (errors.length > 0) return { metafields: [], userErrors: errors };
      // Atomic: nothing is stored unless every input is valid.
      for (const m of staged) ctx.shop.metafields.set(`${m.ownerId}|${m.namespace}|${m.key}`, m);
      return { metafields: staged.map(metafieldObject), userErrors: [] };
    },
    tagsAdd: (args, ctx) => changeTags(args, ctx, "add"),
    tagsRemove: (args, ctx) => changeTags(args, ctx, "remove"),
  },
};

function changeTags(args: Record<string, unknown>, ctx: ResolveContext, mode: "add" | "remove") {
  const { type } = parseGid(args.id);
  const scope = type === "Customer" ? "write_customers" : type === "Order" ? "write_orders" : type === "Product" ? "write_products" : null;
  if (scope && !ctx.shop.scopes.includes(scope)) throw accessDenied(mode === "add" ? "tagsAdd" : "tagsRemove", scope);
  if (!scope) return { node: null, userErrors: [{ __typename: "UserError", field: ["id"], message: `${type} does not support tags` }] };
  const tags = splitTags(args.tags);
  const tooLong = tags.find((t) => t.length > 255);
  if (tooLong)
    return {
      node: null,
      userErrors: [{ __typename: "UserError", field: ["tags"], message: "Tags are invalid: a tag is longer than 255 characters" }],
    };
  const id = String(args.id);
  const set = ctx.shop.tags.get(id) ?? new Set<string>();
  for (const tag of tags) {
    if (mode === "add") set.add(tag);
    else set.delete(tag);
  }
  ctx.shop.tags.set(id, set);
  return { node: { __typename: type, id }, userErrors: [] };
}
