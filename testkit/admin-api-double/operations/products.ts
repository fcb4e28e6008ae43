// Products: products(first:, after:, query:, sortKey:, reverse:) and product(id:) over the shop's catalogue,
// built on first use from the synthetic shop's own catalogue (testkit/synthetic-shop/catalog.ts: the same
// products and variants its orders name; products deleted after they sold are absent). What the catalogue
// does not say is drawn from a hash of the seed and the product id: about 5% DRAFT and 3% ARCHIVED, 4% of
// the active ones unpublished (publishedAt null), some variants out of stock, some products without an
// image. Tests change a product's status or delete it through the control API.
import { isoUtc, money } from "../../synthetic-shop/format";
import { shopCatalog } from "../../synthetic-shop/catalog";
import { resolveShopOptions } from "../../synthetic-shop/generator";
import { hashSeed } from "../../synthetic-shop/random";
import type { ProductStatus, ShopState, StoredProduct, StoredVariant } from "../state";
import { accessDenied, parseGid } from "./common";
import { connection, connectionTypes, readCost } from "./connections";
import { FieldError, type ApiSlice, type Arguments, type ResolveContext } from "./registry";

const DAY_MS = 86_400_000;
const unit = (h: number) => h / 4_294_967_296;

function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "product"
  );
}

/** The catalogue of a shop as stored products, by id (built once). */
function buildProducts(shop: ShopState, options: NonNullable<ShopState["catalog"]>): Map<string, StoredProduct> {
  // The catalogue does not depend on the customers: skip the generator's sizing of them.
  const o = resolveShopOptions({ currencyCode: shop.currencyCode, ...options, orders: undefined, customers: 0 });
  const products = new Map<string, StoredProduct>();
  const handles = new Set<string>();
  for (const p of shopCatalog(o).products) {
    if (p.deleted) continue;
    const h = (label: string) => unit(hashSeed(o.seed, `product:${p.id}:${label}`));
    const u = h("status");
    const status: ProductStatus = u < 0.05 ? "DRAFT" : u < 0.08 ? "ARCHIVED" : "ACTIVE";
    const createdMs = o.start - Math.floor(h("created") * 365) * DAY_MS;
    const published = status === "ACTIVE" && h("published") >= 0.04;
    let handle = slug(p.title);
    for (let n = 1; handles.has(handle); n++) handle = `${slug(p.title)}-${n}`;
    handles.add(handle);
    const variants: StoredVariant[] = p.variants.map((v) => {
      const stock = h(`stock:${v.id}`);
      return {
        id: `gid://shopify/ProductVariant/${v.id}`,
        title: v.title ?? "Default Title",
        sku: v.sku,
        price: money(p.priceMinor, shop.currencyCode),
        inventoryQuantity: stock < 0.1 ? 0 : 1 + Math.floor(stock * 120),
      };
    });
    products.set(`gid://shopify/Product/${p.id}`, {
      id: `gid://shopify/Product/${p.id}`,
      title: p.title,
      handle,
      vendor: p.vendor,
      status,
      publishedAt: published ? isoUtc(createdMs + DAY_MS) : null,
      createdAt: isoUtc(createdMs),
      updatedAt: isoUtc(createdMs + DAY_MS),
      featuredImage:
        h("image") < 0.92
          ? { url: `https://cdn.shopify.com/s/files/1/0000/0001/files/${handle}.jpg`, altText: p.title, width: 1200, height: 1200 }
          : null,
      variants,
    });
  }
  return products;
}

/** The shop's products by id, or null when it has no catalogue. */
export function shopProducts(shop: ShopState): Map<string, StoredProduct> | null {
  if (!shop.products && shop.catalog) shop.products = buildProducts(shop, shop.catalog);
  return shop.products;
}

const sellable = (p: StoredProduct) => p.status === "ACTIVE" || p.status === "UNLISTED";

export function variantObject(p: StoredProduct, v: StoredVariant, shop: ShopState) {
  return {
    __typename: "ProductVariant",
    ...v,
    availableForSale: sellable(p) && v.inventoryQuantity > 0,
    product: () => productObject(p, shop),
  };
}

export function productObject(p: StoredProduct, shop: ShopState) {
  return {
    __typename: "Product",
    id: p.id,
    title: p.title,
    handle: p.handle,
    vendor: p.vendor,
    status: p.status,
    publishedAt: p.publishedAt,
    onlineStoreUrl: p.publishedAt && sellable(p) ? `https://${shop.shop}/products/${p.handle}` : null,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    totalInventory: p.variants.reduce((sum, v) => sum + v.inventoryQuantity, 0),
    tags: [...(shop.tags.get(p.id) ?? [])],
    featuredImage: p.featuredImage ? { __typename: "Image", ...p.featuredImage } : null,
    variantsCount: { count: p.variants.length, precision: "EXACT" },
    variants: (args: Arguments) =>
      connection(
        p.variants,
        args,
        "variants",
        (v) => v.id,
        (v) => variantObject(p, v, shop),
      ),
  };
}

/** A product another object points at: the catalogue's when the shop has one, else just its id. */
export function productNode(ctx: ResolveContext, id: string) {
  const p = shopProducts(ctx.shop)?.get(id);
  return p ? productObject(p, ctx.shop) : { __typename: "Product", id };
}

// ---- the search syntax of `query:` (a subset: field:value terms, bare words, AND / OR / NOT / -) ----

type Predicate = (p: StoredProduct, shop: ShopState) => boolean;

function compare(actual: number, term: string): boolean {
  const m = /^(>=|<=|>|<)?(.*)$/.exec(term)!;
  const wanted = Number(m[2]);
  if (m[1] === ">") return actual > wanted;
  if (m[1] === "<") return actual < wanted;
  if (m[1] === ">=") return actual >= wanted;
  if (m[1] === "<=") return actual <= wanted;
  return actual === wanted;
}

const contains = (text: string, value: string) => text.toLowerCase().includes(value.replace(/\*/g, "").toLowerCase());

function termPredicate(field: string | null, value: string): Predicate {
  const values = value.split(",").map((v) => v.toLowerCase());
  switch (field) {
    case null:
      return (p) => contains(p.title, value) || contains(p.vendor, value) || contains(p.handle, value);
    case "title":
      return (p) => contains(p.title, value);
    case "handle":
      return (p) => values.includes(p.handle.toLowerCase());
    case "vendor":
      return (p) => contains(p.vendor, value);
    case "status":
      return (p) => values.includes(p.status.toLowerCase());
    case "published_status":
      if (value === "any") return () => true;
      return (p) => (value === "unpublished" ? p.publishedAt === null : p.publishedAt !== null);
    case "id":
      return (p) => compare(Number(p.id.slice(p.id.lastIndexOf("/") + 1)), value);
    case "sku":
      return (p) => p.variants.some((v) => contains(v.sku, value));
    case "inventory_total":
      return (p) =>
        compare(
          p.variants.reduce((s, v) => s + v.inventoryQuantity, 0),
          value,
        );
    case "tag":
      return (p, shop) => [...(shop.tags.get(p.id) ?? [])].some((t) => values.includes(t.toLowerCase()));
    default:
      // Shopify ignores filters it does not know (and says so in a search warning).
      return () => true;
  }
}

/** `query` as OR of AND groups of terms (`-term` and `NOT term` negate). */
export function productFilter(query: string): Predicate {
  const tokens = query.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
  const groups: Predicate[][] = [[]];
  let negate = false;
  for (const token of tokens) {
    if (token === "OR") groups.push([]);
    else if (token === "AND") continue;
    else if (token === "NOT") negate = true;
    else {
      let text = token;
      if (text.startsWith("-")) {
        negate = true;
        text = text.slice(1);
      }
      const m = /^([a-z_]+):(.*)$/.exec(text);
      const raw = (m ? m[2] : text).replace(/^["']|["']$/g, "");
      const test = termPredicate(m ? m[1] : null, raw);
      const negated = negate;
      groups.at(-1)!.push(negated ? (p, s) => !test(p, s) : test);
      negate = false;
    }
  }
  return (p, shop) => groups.some((group) => group.every((test) => test(p, shop)));
}

const SORTS: Record<string, (p: StoredProduct) => string | number> = {
  ID: (p) => Number(p.id.slice(p.id.lastIndexOf("/") + 1)),
  TITLE: (p) => p.title.toLowerCase(),
  CREATED_AT: (p) => p.createdAt,
  UPDATED_AT: (p) => p.updatedAt,
  VENDOR: (p) => p.vendor.toLowerCase(),
  INVENTORY_TOTAL: (p) => p.variants.reduce((s, v) => s + v.inventoryQuantity, 0),
};

function requireRead(field: string, ctx: ResolveContext): void {
  if (!ctx.shop.scopes.includes("read_products") && !ctx.shop.scopes.includes("write_products")) throw accessDenied(field, "read_products");
}

export const productsSlice: ApiSlice = {
  fields: [
    {
      root: "QueryRoot",
      name: "products",
      returns: "ProductConnection",
      cost: readCost,
      resolve: (args, ctx) => {
        requireRead("products", ctx);
        const sortKey = typeof args.sortKey === "string" ? args.sortKey : "ID";
        const key = Object.hasOwn(SORTS, sortKey) ? SORTS[sortKey] : undefined;
        if (!key)
          throw new FieldError(`Argument 'sortKey' on Field 'products' has an invalid value (${sortKey}).`, {
            code: "argumentLiteralsIncompatible",
          });
        const matches = typeof args.query === "string" && args.query.trim() !== "" ? productFilter(args.query) : () => true;
        const list = [...(shopProducts(ctx.shop)?.values() ?? [])].filter((p) => matches(p, ctx.shop));
        list.sort((a, b) => {
          const [x, y] = [key(a), key(b)];
          return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : 1;
        });
        if (args.reverse === true) list.reverse();
        return connection(
          list,
          args,
          "products",
          (p) => p.id,
          (p) => productObject(p, ctx.shop),
        );
      },
    },
    {
      root: "QueryRoot",
      name: "product",
      returns: "Product",
      requiredArguments: ["id"],
      cost: readCost,
      resolve: (args, ctx) => {
        requireRead("product", ctx);
        parseGid(args.id);
        const p = shopProducts(ctx.shop)?.get(String(args.id));
        return p ? productObject(p, ctx.shop) : null;
      },
    },
  ],
  types: {
    Product: {
      id: "ID",
      title: "String",
      handle: "String",
      vendor: "String",
      status: "ProductStatus",
      publishedAt: "DateTime",
      onlineStoreUrl: "URL",
      createdAt: "DateTime",
      updatedAt: "DateTime",
      totalInventory: "Int",
      tags: "String",
      featuredImage: "Image",
      variantsCount: "Count",
      variants: "ProductVariantConnection",
    },
    ...connectionTypes("Product"),
    ProductVariant: {
      id: "ID",
      title: "String",
      sku: "String",
      price: "Money",
      inventoryQuantity: "Int",
      availableForSale: "Boolean",
      product: "Product",
    },
    ...connectionTypes("ProductVariant"),
    Image: { url: "URL", altText: "String", width: "Int", height: "Int" },
  },
  interfaces: { Node: ["Product", "ProductVariant"] },
};
