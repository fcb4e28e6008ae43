/**
 * Validation of a manual offer (zod), with one message per field, and the check that an offer never points
 * at a deleted, draft, archived or unpublished product. Every message is a key of messages.ts: the errors
 * carry it with its parameters beside the English.
 */

import { z } from "zod";
import { fieldErrorOf, type OfferFieldError } from "./field-errors.ts";
import { messageKey } from "./messages.ts";

export const DEFAULT_MAX_OFFERED_PRODUCTS = 10;
export const MAX_TRIGGER_PRODUCTS = 50;
export const MAX_OFFER_PRIORITY = 1000;

/** "123" or "gid://shopify/Product/123" → "123" (the app keys products by their numeric id). */
const productId = z
  .union([z.string(), z.number().int().positive()])
  .transform((value) => String(value).trim())
  .refine((value) => /^(gid:\/\/shopify\/Product\/)?[1-9]\d*$/.test(value), { message: messageKey("offers.editor.error.productId") })
  .transform((value) => value.slice(value.lastIndexOf("/") + 1));

function distinct(message: "offers.editor.error.triggerTwice" | "offers.editor.error.offeredTwice") {
  return (ids: string[], context: z.RefinementCtx) => {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) context.addIssue({ code: z.ZodIssueCode.custom, message, params: { id } });
      seen.add(id);
    }
  };
}

const date = z.coerce.date({ errorMap: () => ({ message: messageKey("offers.editor.error.date") }) });

export interface OfferSchemaOptions {
  /** Offered products per offer (default 10). */
  maxOfferedProducts?: number;
  /** The loyalty program's tier names; when given, a tier restriction must name one of them. */
  tierNames?: readonly string[];
}

export function manualOfferSchema(options: OfferSchemaOptions = {}) {
  const maxOffered = options.maxOfferedProducts ?? DEFAULT_MAX_OFFERED_PRODUCTS;
  const tierNames = options.tierNames;
  const titleMissing = messageKey("offers.editor.error.titleMissing");
  const triggersMissing = messageKey("offers.editor.error.triggersMissing");
  const offeredMissing = messageKey("offers.editor.error.offeredMissing");
  const discountRange = messageKey("offers.editor.error.discountRange");
  return z
    .object({
      title: z.string({ required_error: titleMissing }).trim().min(1, titleMissing).max(80, messageKey("offers.editor.error.titleTooLong")),
      triggerProductIds: z
        .array(productId, { required_error: triggersMissing })
        .min(1, triggersMissing)
        .max(MAX_TRIGGER_PRODUCTS, messageKey("offers.editor.error.triggersTooMany"))
        .superRefine(distinct("offers.editor.error.triggerTwice")),
      offeredProductIds: z
        .array(productId, { required_error: offeredMissing })
        .min(1, offeredMissing)
        .max(maxOffered, messageKey("offers.editor.error.offeredTooMany"))
        .superRefine(distinct("offers.editor.error.offeredTwice")),
      discountPercent: z
        .number({ invalid_type_error: messageKey("offers.editor.error.discountNotNumber") })
        .int(discountRange)
        .min(1, discountRange)
        .max(100, discountRange)
        .nullish()
        .transform((value) => value ?? null),
      tierName: z
        .string()
        .trim()
        .nullish()
        .transform((value) => (value == null || value === "" ? null : value))
        .superRefine((value, context) => {
          if (value === null || tierNames === undefined || tierNames.includes(value)) return;
          context.addIssue(
            tierNames.length > 0
              ? {
                  code: z.ZodIssueCode.custom,
                  message: messageKey("offers.editor.error.tierUnknown"),
                  params: { name: value, names: tierNames.join(", ") },
                }
              : { code: z.ZodIssueCode.custom, message: messageKey("offers.editor.error.noTiers"), params: { name: value } },
          );
        }),
      startsAt: date,
      /** Null: the offer runs until it is ended by hand. */
      endsAt: date.nullish().transform((value) => value ?? null),
      priority: z
        .number({ invalid_type_error: messageKey("offers.editor.error.priorityNotNumber") })
        // One check for "whole" and both bounds: the message names the upper bound, which zod's int() would not give.
        .refine((value) => Number.isInteger(value) && value >= 0 && value <= MAX_OFFER_PRIORITY, {
          message: messageKey("offers.editor.error.priorityRange"),
          params: { max: MAX_OFFER_PRIORITY },
        })
        .default(0),
    })
    .superRefine((offer, context) => {
      if (offer.endsAt !== null && offer.endsAt.getTime() <= offer.startsAt.getTime()) {
        context.addIssue({ code: z.ZodIssueCode.custom, path: ["endsAt"], message: messageKey("offers.editor.error.endBeforeStart") });
      }
      const triggers = new Set(offer.triggerProductIds);
      for (const id of offer.offeredProductIds) {
        if (triggers.has(id)) {
          context.addIssue({
            code: z.ZodIssueCode.custom,
            path: ["offeredProductIds"],
            message: messageKey("offers.editor.error.offeredIsTrigger"),
            params: { id },
          });
        }
      }
    });
}

export type ManualOffer = z.output<ReturnType<typeof manualOfferSchema>>;
export type ManualOfferInput = z.input<ReturnType<typeof manualOfferSchema>>;

export type OfferField = keyof ManualOffer;
/** A refused offer's errors by field ("offer" for the whole offer), each with its key and its English. */
export type OfferErrors = Partial<Record<OfferField | "offer", OfferFieldError[]>>;

export type OfferValidation = { ok: true; offer: ManualOffer } | { ok: false; errors: OfferErrors };

/** Parses a manual offer; on failure, the errors grouped by field (for the editor's fields). */
export function validateManualOffer(input: unknown, options: OfferSchemaOptions = {}): OfferValidation {
  const parsed = manualOfferSchema(options).safeParse(input);
  if (parsed.success) return { ok: true, offer: parsed.data };
  const errors: OfferErrors = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "offer") as OfferField | "offer";
    const error = fieldErrorOf(field, issue);
    const known = (errors[field] ??= []);
    // A value both fractional and out of range fails two checks with the same message: say it once.
    if (!known.some((e) => e.message === error.message)) known.push(error);
  }
  return { ok: false, errors };
}

/** Whether the offer runs at this instant (start inclusive, end exclusive). */
export function isOfferActive(offer: Pick<ManualOffer, "startsAt" | "endsAt">, atMs: number): boolean {
  return offer.startsAt.getTime() <= atMs && (offer.endsAt === null || atMs < offer.endsAt.getTime());
}

/** A product as the Admin API reports it (Product.status; published to the Online Store publication). */
export interface ProductState {
  status: string;
  publishedOnlineStore: boolean;
}

export type ProductProblemKind = "deleted" | "draft" | "archived" | "inactive" | "unpublished";

export interface ProductProblem {
  productId: string;
  role: "trigger" | "offered";
  problem: ProductProblemKind;
  message: string;
}

function problemOf(state: ProductState | undefined): ProductProblemKind | null {
  if (state === undefined) return "deleted";
  const status = state.status.toUpperCase();
  if (status === "DRAFT") return "draft";
  if (status === "ARCHIVED") return "archived";
  if (status !== "ACTIVE") return "inactive";
  return state.publishedOnlineStore ? null : "unpublished";
}

const PROBLEM_WORDS: Record<ProductProblemKind, string> = {
  deleted: "was deleted",
  draft: "is a draft",
  archived: "is archived",
  inactive: "is not active",
  unpublished: "is not published to the online store",
};

/**
 * Everything wrong with the products an offer names, given the shop's product states (an id missing from
 * the map is a deleted product). An offered product with a problem must not be written to the storefront;
 * a trigger with one makes the offer unreachable.
 */
export function offerProductProblems(
  offer: { triggerProductIds: readonly string[]; offeredProductIds: readonly string[] },
  products: ReadonlyMap<string, ProductState>,
): ProductProblem[] {
  const problems: ProductProblem[] = [];
  const check = (productId: string, role: ProductProblem["role"]) => {
    const problem = problemOf(products.get(productId));
    if (problem === null) return;
    const what = role === "trigger" ? "Trigger product" : "Offered product";
    problems.push({ productId, role, problem, message: `${what} ${productId} ${PROBLEM_WORDS[problem]}` });
  };
  for (const id of offer.triggerProductIds) check(id, "trigger");
  for (const id of offer.offeredProductIds) check(id, "offered");
  return problems;
}

/** The offered products that may be shown (active and published), in the offer's order. */
export function showableOfferedProducts(offeredProductIds: readonly string[], products: ReadonlyMap<string, ProductState>): string[] {
  return offeredProductIds.filter((id) => problemOf(products.get(id)) === null);
}
