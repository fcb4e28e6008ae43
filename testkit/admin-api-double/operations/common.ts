// Helpers shared by the resolvers: Shopify's global ids and its access-denied error.
import { createHash } from "node:crypto";
import { FieldError, type ApiSlice } from "./registry";

/** Types many slices answer with. */
export const commonSlice: ApiSlice = {
  fields: [],
  types: {
    Node: { id: "ID" },
    UserError: { field: "String", message: "String" },
    PageInfo: { hasNextPage: "Boolean", hasPreviousPage: "Boolean", startCursor: "String", endCursor: "String" },
    MoneyV2: { amount: "Decimal", currencyCode: "CurrencyCode" },
    Count: { count: "Int", precision: "CountPrecision" },
  },
};

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(\?.*)?$/;

/** Splits "gid://shopify/Customer/123" into type and numeric id; anything else is Shopify's coercion error. */
export function parseGid(value: unknown): { type: string; id: string } {
  const m = typeof value === "string" ? GID.exec(value) : null;
  if (!m) throw new FieldError(`Invalid global id '${String(value)}'`, { code: "argumentLiteralsIncompatible", typeName: "CoercionError" });
  return { type: m[1], id: m[2] };
}

export function accessDenied(field: string, scope: string): FieldError {
  return new FieldError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, {
    code: "ACCESS_DENIED",
    documentation: "https://shopify.dev/api/usage/access-scopes",
    requiredAccess: `\`${scope}\` access scope.`,
  });
}

/** The shop's numeric id (stable per domain), as in gid://shopify/Shop/<id>. */
export function shopNumericId(domain: string): number {
  return parseInt(createHash("sha1").update(domain).digest("hex").slice(0, 10), 16);
}

/** A mutation's userErrors entry (type UserError: field path and message). */
export function userError(field: string[] | null, message: string) {
  return { __typename: "UserError", field, message };
}

/** Shopify's timestamps: seconds, UTC, "Z". */
export const utcNow = () => new Date().toISOString().slice(0, 19) + "Z";
