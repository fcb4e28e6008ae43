// Native discounts: amount-off code discounts (discountCodeBasicCreate / Update, discountCodeDelete),
// free-shipping codes (discountCodeFreeShippingCreate) and automatic ones (discountAutomaticBasicCreate /
// Update, discountAutomaticDelete, limited to customer segments with context.customerSegments), read back
// with codeDiscountNodeByCode, codeDiscountNode, automaticDiscountNode and node(id:). Codes are unique per shop
// (case-insensitively); at most 25 automatic discounts may be active at any moment. Kept per shop
// (control.getDiscounts). The input rules are in discount-input.ts.
import type { ShopState, StoredDiscount } from "../state";
import { accessDenied, parseGid } from "./common";
import { connection, connectionTypes, readCost } from "./connections";
import { discountUserError, readDiscount, type DiscountUserError } from "./discount-input";
import { productNode } from "./products";
import type { ApiSlice, Arguments, ResolveContext, RootFieldDefinition } from "./registry";
import { segmentObject } from "./segments";

/** Shopify's limit of automatic discounts active at the same time. */
export const MAX_ACTIVE_AUTOMATIC_DISCOUNTS = 25;

/**
 * What a free-shipping code has beyond a stored discount: where it ships free, and up to what shipping price.
 * Kept beside the shop's discounts (its StoredDiscount holds the code, dates, context, minimum and limits; its
 * value and items are not used), by discount id.
 */
interface FreeShipping {
  destination: { type: "all" } | { type: "countries"; countries: string[]; includeRestOfWorld: boolean };
  maximumShippingPrice: string | null;
}
const freeShippingOf = new WeakMap<ShopState, Map<string, FreeShipping>>();

function freeShipping(shop: ShopState): Map<string, FreeShipping> {
  let found = freeShippingOf.get(shop);
  if (!found) freeShippingOf.set(shop, (found = new Map()));
  return found;
}

function status(d: StoredDiscount, now = Date.now()): "ACTIVE" | "EXPIRED" | "SCHEDULED" {
  if (Date.parse(d.startsAt) > now) return "SCHEDULED";
  return d.endsAt !== null && Date.parse(d.endsAt) <= now ? "EXPIRED" : "ACTIVE";
}

function summary(d: StoredDiscount, shop: ShopState): string {
  const value =
    d.value.type === "percentage" ? `${Math.round(d.value.percentage * 10_000) / 100}% off` : `${d.value.amount} ${shop.currencyCode} off`;
  const items =
    d.items.type === "all"
      ? "entire order"
      : d.items.type === "collections"
        ? `${d.items.collections.length} collections`
        : `${d.items.products.length + d.items.productVariants.length} products`;
  const who =
    d.context.type === "segments"
      ? ` • For ${d.context.ids.length} customer segments`
      : d.context.type === "customers"
        ? ` • For ${d.context.ids.length} customers`
        : "";
  return `${value} ${items}${who}${d.appliesOncePerCustomer ? " • One use per customer" : ""}`;
}

const numericId = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

function contextObject(d: StoredDiscount, shop: ShopState) {
  if (d.context.type === "customers")
    return { __typename: "DiscountCustomers", customers: d.context.ids.map((id) => ({ __typename: "Customer", id })) };
  if (d.context.type === "segments") {
    const segments = d.context.ids.map((id) => {
      const segment = shop.segments.get(id);
      return segment ? segmentObject(segment) : { __typename: "Segment", id };
    });
    return { __typename: "DiscountCustomerSegments", segments };
  }
  return { __typename: "DiscountBuyerSelectionAll", all: "ALL" };
}

/** The deprecated customerSelection union, from the same context. */
function customerSelectionObject(d: StoredDiscount, shop: ShopState) {
  const context = contextObject(d, shop);
  return context.__typename === "DiscountBuyerSelectionAll" ? { __typename: "DiscountCustomerAll", allCustomers: true } : context;
}

function customerGetsObject(d: StoredDiscount, ctx: ResolveContext) {
  const currencyCode = ctx.shop.currencyCode;
  const value =
    d.value.type === "percentage"
      ? { __typename: "DiscountPercentage", percentage: d.value.percentage }
      : { __typename: "DiscountAmount", amount: { amount: d.value.amount, currencyCode }, appliesOnEachItem: d.value.appliesOnEachItem };
  let items: unknown = { __typename: "AllDiscountItems", allItems: true };
  if (d.items.type === "products") {
    const { products, productVariants } = d.items;
    items = {
      __typename: "DiscountProducts",
      products: (args: Arguments) =>
        connection(
          products,
          args,
          "products",
          (id) => id,
          (id) => productNode(ctx, id),
        ),
      productVariants: (args: Arguments) =>
        connection(
          productVariants,
          args,
          "productVariants",
          (id) => id,
          (id) => ({ __typename: "ProductVariant", id }),
        ),
    };
  } else if (d.items.type === "collections") {
    const { collections } = d.items;
    items = {
      __typename: "DiscountCollections",
      collections: (args: Arguments) =>
        connection(
          collections,
          args,
          "collections",
          (id) => id,
          (id) => ({ __typename: "Collection", id }),
        ),
    };
  }
  return { __typename: "DiscountCustomerGets", value, items, appliesOnOneTimePurchase: true, appliesOnSubscription: false };
}

function minimumObject(d: StoredDiscount, shop: ShopState) {
  const min = d.minimumRequirement;
  if (!min) return null;
  if (min.type === "quantity") return { __typename: "DiscountMinimumQuantity", greaterThanOrEqualToQuantity: min.quantity };
  return { __typename: "DiscountMinimumSubtotal", greaterThanOrEqualToSubtotal: { amount: min.amount, currencyCode: shop.currencyCode } };
}

/** The DiscountCodeFreeShipping object of a free-shipping code. */
function freeShippingObject(d: StoredDiscount, extra: FreeShipping, ctx: ResolveContext) {
  const who =
    d.context.type === "segments" ? " • For customer segments" : d.context.type === "customers" ? " • For specific customers" : "";
  return {
    __typename: "DiscountCodeFreeShipping",
    title: d.title,
    status: status(d),
    summary: `Free shipping on all products${who}${d.appliesOncePerCustomer ? " • One use per customer" : ""}`,
    startsAt: d.startsAt,
    endsAt: d.endsAt,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    asyncUsageCount: 0,
    discountClasses: ["SHIPPING"],
    combinesWith: d.combinesWith,
    context: contextObject(d, ctx.shop),
    customerSelection: customerSelectionObject(d, ctx.shop),
    destinationSelection:
      extra.destination.type === "all"
        ? { __typename: "DiscountCountryAll", allCountries: true }
        : {
            __typename: "DiscountCountries",
            countries: extra.destination.countries,
            includeRestOfWorld: extra.destination.includeRestOfWorld,
          },
    maximumShippingPrice:
      extra.maximumShippingPrice === null ? null : { amount: extra.maximumShippingPrice, currencyCode: ctx.shop.currencyCode },
    minimumRequirement: minimumObject(d, ctx.shop),
    usageLimit: d.usageLimit,
    appliesOncePerCustomer: d.appliesOncePerCustomer,
    codesCount: { count: d.codes.length, precision: "EXACT" },
  };
}

/** The DiscountCodeBasic, DiscountCodeFreeShipping or DiscountAutomaticBasic object of a stored discount. */
function discountObject(d: StoredDiscount, ctx: ResolveContext) {
  const shipping = freeShipping(ctx.shop).get(d.id);
  if (shipping) return freeShippingObject(d, shipping, ctx);
  const common = {
    title: d.title,
    status: status(d),
    summary: summary(d, ctx.shop),
    startsAt: d.startsAt,
    endsAt: d.endsAt,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    asyncUsageCount: 0,
    discountClasses: [d.items.type === "all" ? "ORDER" : "PRODUCT"],
    combinesWith: d.combinesWith,
    context: contextObject(d, ctx.shop),
    customerGets: customerGetsObject(d, ctx),
    minimumRequirement: minimumObject(d, ctx.shop),
    tags: d.tags,
  };
  if (d.kind === "automatic") return { __typename: "DiscountAutomaticBasic", ...common };
  return {
    __typename: "DiscountCodeBasic",
    ...common,
    usageLimit: d.usageLimit,
    appliesOncePerCustomer: d.appliesOncePerCustomer,
    customerSelection: customerSelectionObject(d, ctx.shop),
    codesCount: { count: d.codes.length, precision: "EXACT" },
    codes: (args: Arguments) =>
      connection(
        d.codes,
        args,
        "codes",
        (c) => c,
        (code) => ({
          __typename: "DiscountRedeemCode",
          id: `gid://shopify/DiscountRedeemCode/${numericId(d.id)}`,
          code,
          asyncUsageCount: 0,
        }),
      ),
  };
}

/** A DiscountCodeNode or DiscountAutomaticNode. */
export function discountNode(d: StoredDiscount, ctx: ResolveContext) {
  return d.kind === "code"
    ? { __typename: "DiscountCodeNode", id: d.id, codeDiscount: discountObject(d, ctx) }
    : { __typename: "DiscountAutomaticNode", id: d.id, automaticDiscount: discountObject(d, ctx) };
}

function requireScope(field: string, ctx: ResolveContext, write: boolean): void {
  const granted = ctx.shop.scopes.includes("write_discounts") || (!write && ctx.shop.scopes.includes("read_discounts"));
  if (!granted) throw accessDenied(field, write ? "write_discounts" : "read_discounts");
}

const overlaps = (a: StoredDiscount, b: StoredDiscount) =>
  (a.endsAt === null || Date.parse(a.endsAt) > Date.parse(b.startsAt)) &&
  (b.endsAt === null || Date.parse(b.endsAt) > Date.parse(a.startsAt));

/** Other automatic discounts live at some moment of `d`'s period (expired ones no longer count). */
function activeAlongside(d: StoredDiscount, shop: ShopState): number {
  let n = 0;
  for (const other of shop.discounts.values())
    if (other.kind === "automatic" && other.id !== d.id && status(other) !== "EXPIRED" && overlaps(other, d)) n++;
  return n;
}

function save(d: StoredDiscount, previous: StoredDiscount | null, shop: ShopState): void {
  for (const code of previous?.codes ?? []) shop.discountCodes.delete(code.toUpperCase());
  for (const code of d.codes) shop.discountCodes.set(code.toUpperCase(), d.id);
  shop.discounts.set(d.id, d);
}

type Kind = StoredDiscount["kind"];
const NAMES: Record<Kind, { argument: string; node: string; nodeType: string; deleted: string }> = {
  code: { argument: "basicCodeDiscount", node: "codeDiscountNode", nodeType: "DiscountCodeNode", deleted: "deletedCodeDiscountId" },
  automatic: {
    argument: "automaticBasicDiscount",
    node: "automaticDiscountNode",
    nodeType: "DiscountAutomaticNode",
    deleted: "deletedAutomaticDiscountId",
  },
};

function existing(kind: Kind, id: unknown, ctx: ResolveContext, freeShippingToo = false): StoredDiscount | null {
  const { type } = parseGid(id);
  const found = ctx.shop.discounts.get(String(id));
  // discountCodeBasicUpdate cannot change a free-shipping code (Shopify: the discount does not exist).
  if (found && !freeShippingToo && freeShipping(ctx.shop).has(found.id)) return null;
  return type === NAMES[kind].nodeType && found?.kind === kind ? found : null;
}

type Input = Record<string, unknown>;
const inputObject = (value: unknown): Input | null =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Input) : null;

/** `destination` of a free-shipping input: every country, or listed ones (ISO codes). */
function readDestination(input: Input, fail: (path: string[], message: string, code: string) => void): FreeShipping["destination"] | null {
  const given = inputObject(input.destination);
  if (!given) {
    fail(["destination"], "Destination can't be blank", "BLANK");
    return null;
  }
  if (given.all === true) return { type: "all" };
  const countries = inputObject(given.countries);
  const add = Array.isArray(countries?.add) ? countries.add.map(String) : [];
  const invalid = add.find((code) => !/^[A-Z]{2}$/.test(code));
  if (invalid) fail(["destination", "countries", "add"], `${invalid} is not a country code`, "INVALID");
  if (add.length === 0 && countries?.includeRestOfWorld !== true) fail(["destination"], "Destination can't be blank", "BLANK");
  return { type: "countries", countries: add, includeRestOfWorld: countries?.includeRestOfWorld === true };
}

/** discountCodeFreeShippingCreate: the code's common fields are read as a basic code's are. */
const freeShippingCreate: RootFieldDefinition = {
  root: "Mutation",
  name: "discountCodeFreeShippingCreate",
  returns: "DiscountCodeFreeShippingCreatePayload",
  requiredArguments: ["freeShippingCodeDiscount"],
  cost: 10,
  resolve: (args, ctx) => {
    requireScope("discountCodeFreeShippingCreate", ctx, true);
    const argument = "freeShippingCodeDiscount";
    const input = inputObject(args[argument]) ?? {};
    const errors: DiscountUserError[] = [];
    const destination = readDestination(input, (path, message, code) => errors.push(discountUserError([argument, ...path], message, code)));
    let maximumShippingPrice: string | null = null;
    if (input.maximumShippingPrice != null) {
      maximumShippingPrice = String(input.maximumShippingPrice);
      if (!/^\d+(\.\d+)?$/.test(maximumShippingPrice) || Number(maximumShippingPrice) <= 0)
        errors.push(discountUserError([argument, "maximumShippingPrice"], "Value must be greater than 0", "GREATER_THAN"));
    }
    // No value or items: a placeholder customerGets lets the shared reader check the rest.
    const read = readDiscount({
      kind: "code",
      argument,
      input: { ...input, customerGets: { value: { percentage: 1 }, items: { all: true } } },
      current: null,
      ctx,
    });
    if (!read.ok) errors.push(...read.errors);
    if (errors.length > 0 || !read.ok || !destination) return { codeDiscountNode: null, userErrors: errors };
    freeShipping(ctx.shop).set(read.discount.id, { destination, maximumShippingPrice });
    save(read.discount, null, ctx.shop);
    return { codeDiscountNode: discountNode(read.discount, ctx), userErrors: [] };
  },
};

function write(kind: Kind, name: string, update: boolean): RootFieldDefinition {
  const { argument, node } = NAMES[kind];
  return {
    root: "Mutation",
    name,
    returns: `${name[0].toUpperCase()}${name.slice(1)}Payload`,
    requiredArguments: update ? ["id", argument] : [argument],
    cost: 10,
    resolve: (args, ctx) => {
      requireScope(name, ctx, true);
      const current = update ? existing(kind, args.id, ctx) : null;
      if (update && !current) return { [node]: null, userErrors: [discountUserError(["id"], "Discount does not exist", "INVALID")] };
      const input = args[argument] && typeof args[argument] === "object" ? (args[argument] as Record<string, unknown>) : {};
      const read = readDiscount({ kind, argument, input, current, ctx });
      if (!read.ok) return { [node]: null, userErrors: read.errors };
      const d = read.discount;
      if (kind === "automatic" && status(d) !== "EXPIRED" && activeAlongside(d, ctx.shop) >= MAX_ACTIVE_AUTOMATIC_DISCOUNTS) {
        const message = `The active period overlaps with other automatic discounts. At any given time, only ${MAX_ACTIVE_AUTOMATIC_DISCOUNTS} automatic discounts can be active.`;
        return { [node]: null, userErrors: [discountUserError([argument, "startsAt"], message, "ACTIVE_PERIOD_OVERLAP")] };
      }
      save(d, current, ctx.shop);
      return { [node]: discountNode(d, ctx), userErrors: [] };
    },
  };
}

function remove(kind: Kind, name: string): RootFieldDefinition {
  const { deleted } = NAMES[kind];
  return {
    root: "Mutation",
    name,
    returns: `${name[0].toUpperCase()}${name.slice(1)}Payload`,
    requiredArguments: ["id"],
    cost: 10,
    resolve: (args, ctx) => {
      requireScope(name, ctx, true);
      const d = existing(kind, args.id, ctx, true);
      if (!d) return { [deleted]: null, userErrors: [discountUserError(["id"], "Discount does not exist", "INVALID")] };
      for (const code of d.codes) ctx.shop.discountCodes.delete(code.toUpperCase());
      ctx.shop.discounts.delete(d.id);
      freeShipping(ctx.shop).delete(d.id);
      return { [deleted]: d.id, userErrors: [] };
    },
  };
}

function read(kind: Kind, name: string): RootFieldDefinition {
  return {
    root: "QueryRoot",
    name,
    returns: NAMES[kind].nodeType,
    requiredArguments: ["id"],
    cost: readCost,
    resolve: (args, ctx) => {
      requireScope(name, ctx, false);
      const d = existing(kind, args.id, ctx, true);
      return d ? discountNode(d, ctx) : null;
    },
  };
}

export const discountsSlice: ApiSlice = {
  fields: [
    write("code", "discountCodeBasicCreate", false),
    write("code", "discountCodeBasicUpdate", true),
    remove("code", "discountCodeDelete"),
    freeShippingCreate,
    write("automatic", "discountAutomaticBasicCreate", false),
    write("automatic", "discountAutomaticBasicUpdate", true),
    remove("automatic", "discountAutomaticDelete"),
    read("code", "codeDiscountNode"),
    read("automatic", "automaticDiscountNode"),
    {
      root: "QueryRoot",
      name: "codeDiscountNodeByCode",
      returns: "DiscountCodeNode",
      requiredArguments: ["code"],
      cost: readCost,
      resolve: (args, ctx) => {
        requireScope("codeDiscountNodeByCode", ctx, false);
        const id = ctx.shop.discountCodes.get(String(args.code).trim().toUpperCase());
        const d = id ? ctx.shop.discounts.get(id) : undefined;
        return d ? discountNode(d, ctx) : null;
      },
    },
  ],
  types: {
    DiscountCodeBasicCreatePayload: { codeDiscountNode: "DiscountCodeNode", userErrors: "DiscountUserError" },
    DiscountCodeBasicUpdatePayload: { codeDiscountNode: "DiscountCodeNode", userErrors: "DiscountUserError" },
    DiscountCodeDeletePayload: { deletedCodeDiscountId: "ID", userErrors: "DiscountUserError" },
    DiscountCodeFreeShippingCreatePayload: { codeDiscountNode: "DiscountCodeNode", userErrors: "DiscountUserError" },
    DiscountAutomaticBasicCreatePayload: { automaticDiscountNode: "DiscountAutomaticNode", userErrors: "DiscountUserError" },
    DiscountAutomaticBasicUpdatePayload: { automaticDiscountNode: "DiscountAutomaticNode", userErrors: "DiscountUserError" },
    DiscountAutomaticDeletePayload: { deletedAutomaticDiscountId: "ID", userErrors: "DiscountUserError" },
    DiscountUserError: { field: "String", message: "String", code: "DiscountErrorCode", extraInfo: "String" },
    DiscountCodeNode: { id: "ID", codeDiscount: "DiscountCode" },
    DiscountAutomaticNode: { id: "ID", automaticDiscount: "DiscountAutomatic" },
    DiscountCodeBasic: {
      title: "String",
      status: "DiscountStatus",
      summary: "String",
      startsAt: "DateTime",
      endsAt: "DateTime",
      createdAt: "DateTime",
      updatedAt: "DateTime",
      asyncUsageCount: "Int",
      discountClasses: "DiscountClass",
      combinesWith: "DiscountCombinesWith",
      context: "DiscountContext",
      customerSelection: "DiscountCustomerSelection",
      customerGets: "DiscountCustomerGets",
      minimumRequirement: "DiscountMinimumRequirement",
      tags: "String",
      usageLimit: "Int",
      appliesOncePerCustomer: "Boolean",
      codesCount: "Count",
      codes: "DiscountRedeemCodeConnection",
    },
    DiscountAutomaticBasic: {
      title: "String",
      status: "DiscountStatus",
      summary: "String",
      startsAt: "DateTime",
      endsAt: "DateTime",
      createdAt: "DateTime",
      updatedAt: "DateTime",
      asyncUsageCount: "Int",
      discountClasses: "DiscountClass",
      combinesWith: "DiscountCombinesWith",
      context: "DiscountContext",
      customerGets: "DiscountCustomerGets",
      minimumRequirement: "DiscountMinimumRequirement",
      tags: "String",
    },
    DiscountCodeFreeShipping: {
      title: "String",
      status: "DiscountStatus",
      summary: "String",
      startsAt: "DateTime",
      endsAt: "DateTime",
      createdAt: "DateTime",
      updatedAt: "DateTime",
      asyncUsageCount: "Int",
      discountClasses: "DiscountClass",
      combinesWith: "DiscountCombinesWith",
      context: "DiscountContext",
      customerSelection: "DiscountCustomerSelection",
      destinationSelection: "DiscountShippingDestinationSelection",
      maximumShippingPrice: "MoneyV2",
      minimumRequirement: "DiscountMinimumRequirement",
      usageLimit: "Int",
      appliesOncePerCustomer: "Boolean",
      codesCount: "Count",
    },
    DiscountCountryAll: { allCountries: "Boolean" },
    DiscountCountries: { countries: "CountryCode", includeRestOfWorld: "Boolean" },
    DiscountRedeemCode: { id: "ID", code: "String", asyncUsageCount: "Int" },
    ...connectionTypes("DiscountRedeemCode"),
    DiscountCombinesWith: { orderDiscounts: "Boolean", productDiscounts: "Boolean", shippingDiscounts: "Boolean" },
    DiscountBuyerSelectionAll: { all: "DiscountBuyerSelection" },
    DiscountCustomerAll: { allCustomers: "Boolean" },
    DiscountCustomers: { customers: "Customer" },
    DiscountCustomerSegments: { segments: "Segment" },
    DiscountCustomerGets: {
      value: "DiscountCustomerGetsValue",
      items: "DiscountItems",
      appliesOnOneTimePurchase: "Boolean",
      appliesOnSubscription: "Boolean",
    },
    DiscountPercentage: { percentage: "Float" },
    DiscountAmount: { amount: "MoneyV2", appliesOnEachItem: "Boolean" },
    AllDiscountItems: { allItems: "Boolean" },
    DiscountProducts: { products: "ProductConnection", productVariants: "ProductVariantConnection" },
    DiscountCollections: { collections: "CollectionConnection" },
    Collection: { id: "ID" },
    ...connectionTypes("Collection"),
    DiscountMinimumSubtotal: { greaterThanOrEqualToSubtotal: "MoneyV2" },
    DiscountMinimumQuantity: { greaterThanOrEqualToQuantity: "UnsignedInt64" },
  },
  interfaces: {
    Node: ["DiscountCodeNode", "DiscountAutomaticNode"],
    DiscountCode: ["DiscountCodeBasic", "DiscountCodeFreeShipping"],
    DiscountShippingDestinationSelection: ["DiscountCountryAll", "DiscountCountries"],
    DiscountAutomatic: ["DiscountAutomaticBasic"],
    DiscountContext: ["DiscountBuyerSelectionAll", "DiscountCustomers", "DiscountCustomerSegments"],
    DiscountCustomerSelection: ["DiscountCustomerAll", "DiscountCustomers", "DiscountCustomerSegments"],
    DiscountCustomerGetsValue: ["DiscountPercentage", "DiscountAmount"],
    DiscountItems: ["AllDiscountItems", "DiscountProducts", "DiscountCollections"],
    DiscountMinimumRequirement: ["DiscountMinimumSubtotal", "DiscountMinimumQuantity"],
  },
};
