/**
 * Validation of a manual offer (zod), with one plain message per field, and the check that an offer never
 * points at a deleted, draft, archived or unpublished product.
 */

import { z } from "zod";

export const DEFAULT_MAX_OFFERED_PRODUCTS = 10;
export const MAX_TRIGGER_PRODUCTS = 50;
export const MAX_OFFER_PRIORITY = 1000;

/** "123" or "gid://shopify/Product/123" → "123" (the app keys products by their numeric id). */
const productId = z
  .union([z.string(), z.number().int().positive()])
  .transform((value) => String(value).trim())
  .refine((value) => /^(gid:\/\/shopify\/Product\/)?[1-9]\d*$/.test(value), { message: "must be a Shopify product id" })
  .transform((value) => value.slice(value.lastIndexOf("/") + 1));

function distinct(label: string) {
  return (ids: string[], context: z.RefinementCtx) => {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) context.addIssue({ code: z.ZodIssueCode.custom, message: `${label} lists product ${id} twice` });
      seen.add(id);
    }
  };
}

const date = z.coerce.date({ errorMap: () => ({ message: "must be a valid date" }) });

export interface OfferSchemaOptions {
  /** Offered products per offer (default 10). */
  maxOfferedProducts?: number;
  /** The loyalty program's tier names; when given, a tier restriction must name one of them. */
  tierNames?: readonly string[];
}

export function manualOfferSchema(options: OfferSchemaOptions = {}) {
  const maxOffered = options.maxOfferedProducts ?? DEFAULT_MAX_OFFERED_PRODUCTS;
  const tierNames = options.tierNames;
  return z
    .object({
      title: z
        .string({ required_error: "Give the offer a title" })
        .trim()
        .min(1, "Give the offer a title")
        .max(80, "The title can have at most 80 characters"),
      triggerProductIds: z
        .array(productId, { required_error: "Choose at least one trigger product" })
        .min(1, "Choose at least one trigger product")
        .max(MAX_TRIGGER_PRODUCTS, `Choose at most ${MAX_TRIGGER_PRODUCTS} trigger products`)
        .superRefine(distinct("The trigger products")),
      offeredProductIds: z
        .array(productId, { required_error: "Choose at least one product to offer" })
        .min(1, "Choose at least one product to offer")
        .max(maxOffered, `Choose at most ${maxOffered} products to offer`)
        .superRefine(distinct("The offered products")),
      discountPercent: z
        .number({ invalid_type_error: "The discount must be a number" })
        .int("The discount must be a whole percentage from 1 to 100")
        .min(1, "The discount must be a whole percentage from 1 to 100")
        .max(100, "The discount must be a whole percentage from 1 to 100")
        .nullish()
        .transform((value) => value ?? null),
      tierName: z
        .string()
        .trim()
        .nullish()
        .transform((value) => (value == null || value === "" ? null : value))
        .superRefine((value, context) => {
          if (value !== null && tierNames !== undefined && !tierNames.includes(value)) {
            const known = tierNames.length > 0 ? `choose one of ${tierNames.join(", ")}` : "the program has no tiers";
            context.addIssue({ code: z.ZodIssueCode.custom, message: `There is no tier "${value}": ${known}` });
          }
        }),
      startsAt: date,
      /** Null: the offer runs until it is ended by hand. */
      endsAt: date.nullish().transform((value) => value ?? null),
      priority: z
        .number({ invalid_type_error: "The priority must be a number" })
        .int(`The priority must be a whole number from 0 to ${MAX_OFFER_PRIORITY}`)
        .min(0, `The priority must be a whole number from 0 to ${MAX_OFFER_PRIORITY}`)
        .max(MAX_OFFER_PRIORITY, `The priority must be a whole number from 0 to ${MAX_OFFER_PRIORITY}`)
        .default(0),
    })
    .superRefine((offer, context) => {
      if (offer.endsAt !== null && offer.endsAt.getTime() <= offer.startsAt.getTime()) {
        context.addIssue({ code: z.ZodIssueCode.custom, path: ["endsAt"], message: "The end must be after the start" });
      }
      const triggers = new Set(offer.triggerProductIds);
      for (const id of offer.offeredProductIds) {
        if (triggers.has(id)) {
          context.addIssue({
            code: z.ZodIssueCode.custom,
            path: ["offeredProductIds"],
            message: `Product ${id} is also a trigger: an offer cannot offer the product it is shown with`,
          });
        }
      }
    });
}

export type ManualOffer = z.output<ReturnType<typeof manualOfferSchema>>;
export type ManualOfferInput = z.input<ReturnType<typeof manualOfferSchema>>;

export type OfferField = keyof ManualOffer;

export type OfferValidation = { ok: true; offer: ManualOffer } | { ok: false; errors: Partial<Record<OfferField, string[]>> };

/** Parses a manual offer; on failure, the messages grouped by field (for the editor's fields). */
export function validateManualOffer(input: unknown, options: OfferSchemaOptions = {}): OfferValidation {
  const parsed = manualOfferSchema(options).safeParse(input);
  if (parsed.success) return { ok: true, offer: parsed.data };
  const errors: Partial<Record<OfferField, string[]>> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "offer") as OfferField;
    // Zod's own "Required" for a missing field says nothing about which field: name it.
    const message = issue.message === "Required" ? `${String(field)} is required` : issue.message;
    (errors[field] ??= []).push(message);
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
