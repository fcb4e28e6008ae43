// The control side of the product catalogue: tests add products, change a product's status or
// publication, or delete it, and may have the double send the products/update or products/delete
// webhook Shopify would send (REST payload, signed like every other webhook). The patch is applied before
// the webhook is sent; the returned promise settles with the deliveries.
import { isoInZone } from "../synthetic-shop/format";
import { deliverWebhook, type DoubleState } from "./double-state";
import { shopProducts } from "./operations/products";
import type { ProductStatus, ShopState, StoredProduct, WebhookDelivery } from "./state";

export interface ProductPatch {
  status?: ProductStatus;
  /** ISO time, or null to unpublish. */
  publishedAt?: string | null;
  title?: string;
  /** Sets every variant's stock. */
  inventoryQuantity?: number;
}

export interface ProductInput extends ProductPatch {
  /** Numeric id; default a fresh one. */
  id?: number;
  title: string;
  vendor?: string;
  /** Decimal price of its one variant, e.g. "19.99". Default "10.00". */
  price?: string;
}

export interface NotifyOption {
  /** Send the products/update (products/delete) webhook to the configured app. */
  notify?: boolean;
}

const utcNow = () => new Date().toISOString().slice(0, 19) + "Z";
const numeric = (gid: string) => Number(gid.slice(gid.lastIndexOf("/") + 1));

/** The REST product of products/create and products/update webhooks. */
export function restProduct(p: StoredProduct, shop: ShopState) {
  const local = (iso: string | null) => (iso ? isoInZone(Date.parse(iso), shop.ianaTimezone) : null);
  const id = numeric(p.id);
  return {
    id,
    title: p.title,
    handle: p.handle,
    vendor: p.vendor,
    status: p.status.toLowerCase(),
    published_at: local(p.publishedAt),
    created_at: local(p.createdAt),
    updated_at: local(p.updatedAt),
    admin_graphql_api_id: p.id,
    tags: [...(shop.tags.get(p.id) ?? [])].join(", "),
    variants: p.variants.map((v) => ({
      id: numeric(v.id),
      product_id: id,
      title: v.title,
      price: v.price,
      sku: v.sku,
      inventory_quantity: v.inventoryQuantity,
      admin_graphql_api_id: v.id,
    })),
    image: p.featuredImage
      ? { src: p.featuredImage.url, alt: p.featuredImage.altText, width: p.featuredImage.width, height: p.featuredImage.height }
      : null,
  };
}

function notify(state: DoubleState, shop: ShopState, topic: string, body: unknown, options: NotifyOption): Promise<WebhookDelivery[]> {
  if (!options.notify) return Promise.resolve([]);
  if (!state.webhookTarget) throw new Error("no webhook target: start the double with `webhooks: { appUrl, apiSecret }`");
  return deliverWebhook(state, { topic, shop: shop.shop, body }, state.webhookTarget);
}

function productOrThrow(shop: ShopState, id: string): StoredProduct {
  const p = shopProducts(shop)?.get(id);
  if (!p) throw new Error(`no product ${id} in ${shop.shop}`);
  return p;
}

export function patchProduct(state: DoubleState, shop: ShopState, id: string, patch: ProductPatch, options: NotifyOption = {}) {
  const p = productOrThrow(shop, id);
  if (patch.status !== undefined) p.status = patch.status;
  if (patch.publishedAt !== undefined) p.publishedAt = patch.publishedAt;
  if (patch.title !== undefined) p.title = patch.title;
  if (patch.inventoryQuantity !== undefined) for (const v of p.variants) v.inventoryQuantity = patch.inventoryQuantity;
  p.updatedAt = utcNow();
  return notify(state, shop, "products/update", restProduct(p, shop), options);
}

export function removeProduct(state: DoubleState, shop: ShopState, id: string, options: NotifyOption = {}) {
  productOrThrow(shop, id);
  shopProducts(shop)!.delete(id);
  return notify(state, shop, "products/delete", { id: numeric(id) }, options);
}

/** Adds a product (to a shop without a catalogue too). */
export function addProduct(state: DoubleState, shop: ShopState, input: ProductInput): StoredProduct {
  const products = shopProducts(shop) ?? (shop.products = new Map());
  const id = `gid://shopify/Product/${input.id ?? ++state.objectSeq}`;
  if (products.has(id)) throw new Error(`product ${id} exists in ${shop.shop}`);
  const now = utcNow();
  const status = input.status ?? "ACTIVE";
  const product: StoredProduct = {
    id,
    title: input.title,
    handle:
      input.title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "") || "product",
    vendor: input.vendor ?? shop.name,
    status,
    publishedAt: input.publishedAt !== undefined ? input.publishedAt : status === "ACTIVE" ? now : null,
    createdAt: now,
    updatedAt: now,
    featuredImage: null,
    variants: [
      {
        id: `gid://shopify/ProductVariant/${++state.objectSeq}`,
        title: "Default Title",
        sku: "",
        price: input.price ?? "10.00",
        inventoryQuantity: input.inventoryQuantity ?? 10,
      },
    ],
  };
  products.set(id, product);
  return product;
}
