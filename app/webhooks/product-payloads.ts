// products/create, products/update and products/delete: zod schemas of Shopify's REST product payloads
// and their normalisation into the events the worker applies (app/data/products.server.ts). Only what the
// offers need: status, publication to the online store, the version (updated_at), and what the admin
// shows (title, handle, first image, first variant's price).
import { z } from "zod";
import { shopifyIdOf } from "~/lib/json-ids";

/** A product as the app stores it. Times are ISO strings; the price is a decimal in the shop's currency. */
export interface NormalizedProduct {
  id: string;
  title: string | null;
  handle: string | null;
  /** Upper case, as the GraphQL API spells it: ACTIVE, DRAFT, ARCHIVED, UNLISTED. */
  status: string;
  /** Publication to the online store; null while unpublished. */
  publishedAt: string | null;
  updatedAt: string;
  imageUrl: string | null;
  /** The first variant's price as Shopify writes it ("19.99"), converted to minor units when stored. */
  price: string | null;
}

export type ProductEvent = { kind: "product"; product: NormalizedProduct } | { kind: "product_delete"; productId: string };

// Ids as numbers (exact) or numeric strings (ids above 2^53 arrive quoted), as in payloads.ts.
const id = z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,30}$/, "must be a numeric id")]);
const noNul = (value: string) => !value.includes("\u0000");
const text = (max: number) => z.string().max(max, `must be at most ${max} characters`).refine(noNul, "must not contain NUL characters");
// An instant with an explicit offset, within what both databases store (see payloads.ts).
const timestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/, "must be an ISO 8601 date-time with an offset")
  .refine((value) => {
    const ms = Date.parse(value);
    return ms >= Date.UTC(1970, 0, 1) && ms < Date.UTC(2101, 0, 1);
  }, "must be a valid date-time in 1970–2100");
const price = z.union([z.string(), z.number()]).refine((value) => /^\d+(\.\d+)?$/.test(String(value).trim()), "must be a price");

const productSchema = z.object({
  id,
  title: text(1_000).nullish(),
  handle: text(1_000).nullish(),
  status: z.string().regex(/^[A-Za-z_]{1,32}$/, "must be a product status"),
  published_at: timestamp.nullish(),
  updated_at: timestamp,
  image: z.object({ src: text(2_000).nullish() }).nullish(),
  variants: z.array(z.object({ price: price.nullish() })).default([]),
});

const productDeleteSchema = z.object({ id });

const iso = (value: string) => new Date(value).toISOString();

export function normalizeProduct(p: z.infer<typeof productSchema>): NormalizedProduct {
  const firstPrice = p.variants.find((v) => v.price != null)?.price;
  return {
    id: shopifyIdOf(p.id),
    title: p.title ?? null,
    handle: p.handle ?? null,
    status: p.status.toUpperCase(),
    publishedAt: p.published_at ? iso(p.published_at) : null,
    updatedAt: iso(p.updated_at),
    imageUrl: p.image?.src ?? null,
    price: firstPrice == null ? null : String(firstPrice).trim(),
  };
}

/** The parsers to merge into the topic table of app/webhooks/payloads.ts (they throw ZodError on a bad body). */
export const productTopicParsers: Record<string, (body: unknown) => ProductEvent> = {
  "products/create": (b) => ({ kind: "product", product: normalizeProduct(productSchema.parse(b)) }),
  "products/update": (b) => ({ kind: "product", product: normalizeProduct(productSchema.parse(b)) }),
  "products/delete": (b) => ({ kind: "product_delete", productId: shopifyIdOf(productDeleteSchema.parse(b).id) }),
};
