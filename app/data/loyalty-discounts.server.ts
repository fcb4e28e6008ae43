// Shopify discount codes for loyalty: a reward's single-use code limited to its customer, and a member's
// referral code for a friend's first order. Codes are deterministic (from the redemption key or the member's
// referral code), so a retry after a lost answer finds the code it created instead of making a second one.
import { AdminApiError, adminGraphql, type AdminTarget, type CallOptions } from "~/shopify/admin-gateway.server";
import {
  CODE_DISCOUNT_BY_CODE,
  DISCOUNT_CODE_BASIC_CREATE,
  DISCOUNT_CODE_FREE_SHIPPING_CREATE,
  customerGid,
  type CodeDiscountByCodeData,
  type DiscountCodeBasicCreateData,
  type DiscountCodeFreeShippingCreateData,
  type UserError,
} from "~/shopify/loyalty-operations";
import { formatMinorDecimal } from "~/lib/money";

export type DiscountValue = { kind: "percentage"; percent: number } | { kind: "amount"; amountMinor: number } | { kind: "free_shipping" };

export interface DiscountCodeSpec {
  code: string;
  title: string;
  /** Customer ids allowed to use the code, or "all". */
  customers: readonly string[] | "all";
  value: DiscountValue;
  currencyCode: string;
  minimumOrderMinor: number | null;
  usageLimit: number | null;
  appliesOncePerCustomer: boolean;
  startsAt: Date;
}

export type DiscountCodeOutcome =
  | { ok: true; discountId: string; existed: boolean }
  /** Shopify refused it: nothing exists. */
  | { ok: false; ambiguous: false; failure: string }
  /** No answer (network, 5xx, throttled too long) and the lookup could not tell: the code may exist. */
  | { ok: false; ambiguous: true; failure: string };

function context(spec: DiscountCodeSpec) {
  return spec.customers === "all" ? { all: "ALL" } : { customers: { add: spec.customers.map(customerGid) } };
}

function minimumRequirement(spec: DiscountCodeSpec) {
  if (spec.minimumOrderMinor === null || spec.minimumOrderMinor <= 0) return null;
  return { subtotal: { greaterThanOrEqualToSubtotal: formatMinorDecimal(spec.minimumOrderMinor, spec.currencyCode) } };
}

function basicInput(spec: DiscountCodeSpec) {
  const value =
    spec.value.kind === "percentage"
      ? { percentage: Math.round(spec.value.percent * 100) / 10_000 }
      : {
          discountAmount: {
            amount: formatMinorDecimal(spec.value.kind === "amount" ? spec.value.amountMinor : 0, spec.currencyCode),
            appliesOnEachItem: false,
          },
        };
  const minimum = minimumRequirement(spec);
  return {
    title: spec.title,
    code: spec.code,
    startsAt: spec.startsAt.toISOString(),
    context: context(spec),
    customerGets: { value, items: { all: true } },
    ...(minimum ? { minimumRequirement: minimum } : {}),
    usageLimit: spec.usageLimit,
    appliesOncePerCustomer: spec.appliesOncePerCustomer,
    combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
  };
}

function freeShippingInput(spec: DiscountCodeSpec) {
  const minimum = minimumRequirement(spec);
  return {
    title: spec.title,
    code: spec.code,
    startsAt: spec.startsAt.toISOString(),
    context: context(spec),
    destination: { all: true },
    ...(minimum ? { minimumRequirement: minimum } : {}),
    usageLimit: spec.usageLimit,
    appliesOncePerCustomer: spec.appliesOncePerCustomer,
  };
}

const isTaken = (errors: UserError[]) => errors.some((e) => e.code === "TAKEN" || /must be unique/i.test(e.message));

/** The discount holding this code, or null; throws when Shopify cannot be asked. */
export async function discountIdOfCode(target: AdminTarget, code: string, options: CallOptions = {}): Promise<string | null> {
  const { data } = await adminGraphql<CodeDiscountByCodeData>(target, CODE_DISCOUNT_BY_CODE, { code }, options);
  return data.codeDiscountNodeByCode?.id ?? null;
}

/**
 * Creates the code, or finds it when a previous attempt already did (Shopify answers TAKEN). A failure
 * without an answer is resolved by looking the code up; only when that fails too is the outcome ambiguous.
 */
export async function createDiscountCode(
  target: AdminTarget,
  spec: DiscountCodeSpec,
  options: CallOptions = {},
): Promise<DiscountCodeOutcome> {
  let errors: UserError[];
  try {
    if (spec.value.kind === "free_shipping") {
      const { data } = await adminGraphql<DiscountCodeFreeShippingCreateData>(
        target,
        DISCOUNT_CODE_FREE_SHIPPING_CREATE,
        { freeShippingCodeDiscount: freeShippingInput(spec) },
        options,
      );
      const node = data.discountCodeFreeShippingCreate.codeDiscountNode;
      if (node) return { ok: true, discountId: node.id, existed: false };
      errors = data.discountCodeFreeShippingCreate.userErrors;
    } else {
      const { data } = await adminGraphql<DiscountCodeBasicCreateData>(
        target,
        DISCOUNT_CODE_BASIC_CREATE,
        { basicCodeDiscount: basicInput(spec) },
        options,
      );
      const node = data.discountCodeBasicCreate.codeDiscountNode;
      if (node) return { ok: true, discountId: node.id, existed: false };
      errors = data.discountCodeBasicCreate.userErrors;
    }
  } catch (error) {
    if (!(error instanceof AdminApiError)) throw error;
    // A GraphQL error with an answer (e.g. access denied) means nothing was created.
    const answered = error.status === 200 && error.code !== "THROTTLED";
    if (answered || error.code === "UNAUTHORIZED") return { ok: false, ambiguous: false, failure: error.message };
    return lookUpAfterFailure(target, spec.code, error.message, options);
  }
  if (isTaken(errors)) {
    const existing = await lookUpAfterFailure(target, spec.code, "the code exists but could not be found", options);
    return existing.ok ? { ...existing, existed: true } : existing;
  }
  return { ok: false, ambiguous: false, failure: errors.map((e) => e.message).join("; ") || "Shopify created no discount" };
}

async function lookUpAfterFailure(target: AdminTarget, code: string, failure: string, options: CallOptions): Promise<DiscountCodeOutcome> {
  try {
    const id = await discountIdOfCode(target, code, options);
    return id ? { ok: true, discountId: id, existed: true } : { ok: false, ambiguous: false, failure };
  } catch (error) {
    if (!(error instanceof AdminApiError)) throw error;
    return { ok: false, ambiguous: true, failure: `${failure} (and the lookup failed: ${error.message})` };
  }
}
