// Reads a DiscountCodeBasicInput / DiscountAutomaticBasicInput into a stored discount, with Shopify's
// DiscountUserErrors (field path under the argument name, message, code). On update only the fields
// given change; `customers` and `customerSegments` add to and remove from the current list.
import type { StoredDiscount, StoredDiscountContext } from "../state";
import { parseGid, utcNow } from "./common";
import { shopProducts } from "./products";
import { FieldError, type ResolveContext } from "./registry";

export interface DiscountUserError {
  __typename: "DiscountUserError";
  field: string[] | null;
  message: string;
  code: string;
  extraInfo: string | null;
}

export function discountUserError(field: string[] | null, message: string, code: string): DiscountUserError {
  return { __typename: "DiscountUserError", field, message, code, extraInfo: null };
}

type Input = Record<string, unknown>;
const object = (value: unknown): Input | null => (value && typeof value === "object" && !Array.isArray(value) ? (value as Input) : null);
const ids = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** Parses a DateTime argument; throws Shopify's coercion error for text that is not one. */
function dateTime(value: unknown, name: string): string {
  const ms = typeof value === "string" ? Date.parse(value) : NaN;
  if (Number.isNaN(ms))
    throw new FieldError(`Argument '${name}' on InputObject has an invalid value (${JSON.stringify(value)}). Expected type 'DateTime'.`, {
      code: "argumentLiteralsIncompatible",
    });
  return new Date(ms).toISOString().slice(0, 19) + "Z";
}

/** A decimal amount (Decimal scalar: string or number) as a canonical string, or null when not a number. */
function decimal(value: unknown): string | null {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  return /^-?\d+(\.\d+)?$/.test(text) ? text : null;
}

export interface DiscountDraft {
  kind: StoredDiscount["kind"];
  /** "basicCodeDiscount" or "automaticBasicDiscount": the argument the error paths start with. */
  argument: string;
  input: Input;
  current: StoredDiscount | null;
  ctx: ResolveContext;
}

/** The discount the input describes (merged over `current` on update), or its user errors. */
export function readDiscount({
  kind,
  argument,
  input,
  current,
  ctx,
}: DiscountDraft): { ok: true; discount: StoredDiscount } | { ok: false; errors: DiscountUserError[] } {
  const errors: DiscountUserError[] = [];
  const fail = (path: string[], message: string, code: string) => errors.push(discountUserError([argument, ...path], message, code));
  const has = (name: string) => Object.hasOwn(input, name) && input[name] !== undefined;

  const title = has("title") ? String(input.title ?? "").trim() : (current?.title ?? "");
  if (title === "") fail(["title"], "Title can't be blank", "BLANK");
  else if (title.length > 255) fail(["title"], "Title is too long (maximum is 255 characters)", "TOO_LONG");

  let codes = current?.codes ?? [];
  if (kind === "code" && (has("code") || !current)) {
    const code = String(input.code ?? "").trim();
    const holder = ctx.shop.discountCodes.get(code.toUpperCase());
    if (code === "") fail(["code"], "Code can't be blank", "BLANK");
    else if (code.length > 255) fail(["code"], "Code is too long (maximum is 255 characters)", "TOO_LONG");
    else if (/[\r\n]/.test(code)) fail(["code"], "Code cannot contain newline characters.", "INVALID");
    else if (holder !== undefined && holder !== current?.id) fail(["code"], "Code must be unique. Please try a different code.", "TAKEN");
    codes = [code];
  }

  const startsAt = has("startsAt") ? dateTime(input.startsAt, "startsAt") : (current?.startsAt ?? utcNow());
  const endsAt = has("endsAt") ? (input.endsAt === null ? null : dateTime(input.endsAt, "endsAt")) : (current?.endsAt ?? null);
  if (endsAt !== null && Date.parse(endsAt) <= Date.parse(startsAt)) fail(["endsAt"], "Ends at needs to be after starts_at", "INVALID");

  let usageLimit = current?.usageLimit ?? null;
  if (kind === "code" && has("usageLimit")) {
    usageLimit = input.usageLimit === null ? null : Number(input.usageLimit);
    if (usageLimit !== null && !(Number.isInteger(usageLimit) && usageLimit > 0))
      fail(["usageLimit"], "Usage limit must be greater than 0", "GREATER_THAN");
  }
  const appliesOncePerCustomer =
    kind === "code" && has("appliesOncePerCustomer") ? input.appliesOncePerCustomer === true : (current?.appliesOncePerCustomer ?? false);

  const context = readContext(input, current, ctx, kind, (path, message, code) => fail(path, message, code));
  const gets = readCustomerGets(input, current, ctx, (path, message, code) => fail(path, message, code));
  const minimumRequirement = has("minimumRequirement")
    ? readMinimum(object(input.minimumRequirement), fail)
    : (current?.minimumRequirement ?? null);
  const combines = object(input.combinesWith);
  const combinesWith = combines
    ? {
        orderDiscounts: combines.orderDiscounts === true,
        productDiscounts: combines.productDiscounts === true,
        shippingDiscounts: combines.shippingDiscounts === true,
      }
    : (current?.combinesWith ?? { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false });
  const tags = has("tags") ? ids(input.tags) : (current?.tags ?? []);

  if (errors.length > 0 || !context || !gets) return { ok: false, errors };
  const now = utcNow();
  return {
    ok: true,
    discount: {
      id: current?.id ?? `gid://shopify/${kind === "code" ? "DiscountCodeNode" : "DiscountAutomaticNode"}/${ctx.newId()}`,
      kind,
      title,
      codes,
      startsAt,
      endsAt,
      usageLimit,
      appliesOncePerCustomer,
      context,
      value: gets.value,
      items: gets.items,
      minimumRequirement,
      combinesWith,
      tags,
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
    },
  };
}

type Fail = (path: string[], message: string, code: string) => void;

/** `context` (or the deprecated `customerSelection`): all buyers, listed customers, or segments that exist. */
function readContext(
  input: Input,
  current: StoredDiscount | null,
  ctx: ResolveContext,
  kind: StoredDiscount["kind"],
  fail: Fail,
): StoredDiscountContext | null {
  const name = Object.hasOwn(input, "context") ? "context" : Object.hasOwn(input, "customerSelection") ? "customerSelection" : null;
  if (name === null) {
    if (current) return current.context;
    // Codes must say who may use them; an automatic discount without a context applies to every buyer.
    if (kind === "automatic") return { type: "all" };
    fail(["context"], "Context can't be blank", "BLANK");
    return null;
  }
  const given = object(input[name]) ?? {};
  const set = ["all", "customers", "customerSegments"].filter((k) => Object.hasOwn(given, k) && given[k] !== null && given[k] !== false);
  if (set.length !== 1) {
    if (set.length > 1) fail([name], "Only one of all, customers or customerSegments can be given.", "TOO_MANY_ARGUMENTS");
    else fail([name], "Context can't be blank", "BLANK");
    return null;
  }
  const which = set[0];
  if (which === "all") return { type: "all" };
  const type = which === "customers" ? "customers" : "segments";
  const change = object(given[which]) ?? {};
  const previous = current?.context.type === type ? current.context.ids : [];
  for (const id of ids(change.add)) {
    const { type } = parseGid(id);
    const expected = which === "customers" ? "Customer" : "Segment";
    if (type !== expected) fail([name, which, "add"], `${id} is not a ${expected} id`, "INVALID");
    else if (which === "customerSegments" && !ctx.shop.segments.has(id))
      fail([name, which, "add"], `Customer segment ${id} does not exist`, "INVALID");
  }
  const removed = new Set(ids(change.remove));
  const list = [...new Set([...previous, ...ids(change.add)])].filter((id) => !removed.has(id));
  if (list.length === 0) {
    fail([name, which], `At least one ${which === "customers" ? "customer" : "customer segment"} is required`, "BLANK");
    return null;
  }
  return { type, ids: list };
}

/** `customerGets`: a percentage (0 < p ≤ 1) or an amount off, on all items, some products/variants, or collections. */
function readCustomerGets(
  input: Input,
  current: StoredDiscount | null,
  ctx: ResolveContext,
  fail: Fail,
): Pick<StoredDiscount, "value" | "items"> | null {
  const gets = object(input.customerGets);
  if (!gets) {
    if (current) return { value: current.value, items: current.items };
    fail(["customerGets"], "Customer gets can't be blank", "BLANK");
    return null;
  }
  let value: StoredDiscount["value"] | null = current?.value ?? null;
  const valueInput = object(gets.value);
  if (valueInput) {
    const kinds = ["percentage", "discountAmount", "discountOnQuantity"].filter((k) => valueInput[k] != null);
    if (kinds.length !== 1)
      fail(["customerGets", "value"], "Exactly one of percentage or discountAmount must be given.", "TOO_MANY_ARGUMENTS");
    else if (kinds[0] === "percentage") {
      const p = Number(valueInput.percentage);
      if (!(p > 0 && p <= 1)) fail(["customerGets", "value", "percentage"], "Value must be between 0.0 and 1.0", "VALUE_OUTSIDE_RANGE");
      else value = { type: "percentage", percentage: p };
    } else if (kinds[0] === "discountAmount") {
      const amountInput = object(valueInput.discountAmount) ?? {};
      const amount = decimal(amountInput.amount);
      if (amount === null || Number(amount) <= 0)
        fail(["customerGets", "value", "discountAmount", "amount"], "Value must be greater than 0", "GREATER_THAN");
      else value = { type: "amount", amount, appliesOnEachItem: amountInput.appliesOnEachItem === true };
    } else
      fail(["customerGets", "value", "discountOnQuantity"], "Discount on quantity is only valid for buy X get Y discounts.", "INVALID");
  } else if (!value) fail(["customerGets", "value"], "Value can't be blank", "BLANK");

  let items: StoredDiscount["items"] | null = current?.items ?? null;
  const itemsInput = object(gets.items);
  if (itemsInput) {
    const kinds = ["all", "products", "collections"].filter((k) => itemsInput[k] != null && itemsInput[k] !== false);
    if (kinds.length !== 1)
      fail(["customerGets", "items"], "Exactly one of all, products or collections must be given.", "TOO_MANY_ARGUMENTS");
    else if (kinds[0] === "all") items = { type: "all" };
    else if (kinds[0] === "products") items = readProducts(object(itemsInput.products) ?? {}, current, ctx, fail);
    else {
      const change = object(itemsInput.collections) ?? {};
      const previous = current?.items.type === "collections" ? current.items.collections : [];
      const removed = new Set(ids(change.remove));
      items = { type: "collections", collections: [...new Set([...previous, ...ids(change.add)])].filter((id) => !removed.has(id)) };
    }
  } else if (!items) fail(["customerGets", "items"], "Items can't be blank", "BLANK");
  return value && items ? { value, items } : null;
}

/** Products and variants to add or remove; a shop with a catalogue refuses ids it does not have. */
function readProducts(change: Input, current: StoredDiscount | null, ctx: ResolveContext, fail: Fail): StoredDiscount["items"] {
  const previous = current?.items.type === "products" ? current.items : { products: [], productVariants: [] };
  const catalog = shopProducts(ctx.shop);
  const variants = new Set(catalog ? [...catalog.values()].flatMap((p) => p.variants.map((v) => v.id)) : []);
  for (const id of ids(change.productsToAdd))
    if (catalog && !catalog.has(id))
      fail(["customerGets", "items", "products", "productsToAdd"], `Product ${id} does not exist`, "INVALID");
  for (const id of ids(change.productVariantsToAdd))
    if (catalog && !variants.has(id))
      fail(["customerGets", "items", "products", "productVariantsToAdd"], `Product variant ${id} does not exist`, "INVALID");
  const minus = (list: string[], add: unknown, remove: unknown) => {
    const removed = new Set(ids(remove));
    return [...new Set([...list, ...ids(add)])].filter((id) => !removed.has(id));
  };
  const products = minus(previous.products, change.productsToAdd, change.productsToRemove);
  const productVariants = minus(previous.productVariants, change.productVariantsToAdd, change.productVariantsToRemove);
  if (products.length + productVariants.length === 0)
    fail(["customerGets", "items", "products"], "At least one product or variant is required", "BLANK");
  return { type: "products", products, productVariants };
}

function readMinimum(input: Input | null, fail: Fail): StoredDiscount["minimumRequirement"] {
  if (!input) return null;
  const quantity = object(input.quantity);
  const subtotal = object(input.subtotal);
  if (quantity && subtotal) {
    fail(
      ["minimumRequirement"],
      "Specify a minimum subtotal or a quantity, but not both.",
      "MINIMUM_SUBTOTAL_AND_QUANTITY_RANGE_BOTH_PRESENT",
    );
    return null;
  }
  if (quantity) {
    const n = Number(quantity.greaterThanOrEqualToQuantity);
    if (!(Number.isInteger(n) && n > 0))
      fail(["minimumRequirement", "quantity", "greaterThanOrEqualToQuantity"], "Value must be greater than 0", "GREATER_THAN");
    return { type: "quantity", quantity: String(n) };
  }
  if (subtotal) {
    const amount = decimal(subtotal.greaterThanOrEqualToSubtotal);
    if (amount === null || Number(amount) <= 0)
      fail(["minimumRequirement", "subtotal", "greaterThanOrEqualToSubtotal"], "Value must be greater than 0", "GREATER_THAN");
    return { type: "subtotal", amount: amount ?? "0" };
  }
  return null;
}
