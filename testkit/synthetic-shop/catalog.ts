// The shop's catalogue and the name pools of its customers, all drawn from the seed.
import { Rng, WeightedTable, zipfWeights } from "./random";

export interface Variant {
  id: number;
  title: string | null;
  sku: string;
}

export interface Product {
  id: number;
  title: string;
  vendor: string;
  /** Reference unit price in minor units; order lines scale around it. */
  priceMinor: number;
  variants: Variant[];
  /** Deleted after it was sold: bulk exports then show product and variant as null. */
  deleted: boolean;
}

const ADJECTIVES = [
  "Classic",
  "Organic",
  "Everyday",
  "Vintage",
  "Handmade",
  "Premium",
  "Recycled",
  "Lightweight",
  "Cozy",
  "Bold",
  "Minimal",
  "Rustic",
  "Urban",
  "Coastal",
  "Alpine",
  "Botanical",
  "Midnight",
  "Sunrise",
  "Heritage",
  "Studio",
];
const NOUNS = [
  "Tee",
  "Hoodie",
  "Mug",
  "Candle",
  "Notebook",
  "Tote Bag",
  "Sneakers",
  "Water Bottle",
  "Beanie",
  "Socks",
  "Backpack",
  "Scarf",
  "Poster",
  "Phone Case",
  "Jacket",
  "Sunglasses",
  "Cap",
  "Blanket",
  "Planter",
  "Tea Blend",
  "Coffee Beans",
  "Soap Bar",
  "Serum",
  "Journal",
  "Watch Strap",
];
const VENDORS = ["Northwind", "Acme Goods", "Maple & Co", "Blue Heron", "Fieldhouse", "Lumen Supply", "Kestrel"];
const SIZES = ["XS", "S", "M", "L", "XL"];
const COLOURS = ["Black", "White", "Navy", "Sage", "Sand", "Rust", "Charcoal"];

export const FIRST_NAMES = [
  "Olivia",
  "Liam",
  "Emma",
  "Noah",
  "Amelia",
  "Oliver",
  "Ava",
  "Elijah",
  "Sophia",
  "Mateo",
  "Isabella",
  "Lucas",
  "Mia",
  "Levi",
  "Charlotte",
  "Ezra",
  "Harper",
  "Asher",
  "Luna",
  "James",
  "Aiko",
  "Chen",
  "Priya",
  "Arjun",
  "Fatima",
  "Omar",
  "Zoe",
  "Hugo",
  "Ines",
  "Lars",
  "Sofia",
  "Kwame",
  "Amara",
  "Yuki",
  "Diego",
  "Elena",
  "Tomas",
  "Nadia",
];
export const LAST_NAMES = [
  "Smith",
  "Johnson",
  "Williams",
  "Brown",
  "Jones",
  "Garcia",
  "Miller",
  "Davis",
  "Rodriguez",
  "Martinez",
  "Lee",
  "Nguyen",
  "Patel",
  "Kim",
  "Schmidt",
  "Rossi",
  "Dubois",
  "Novak",
  "Okafor",
  "Tanaka",
  "Silva",
  "Haddad",
  "Larsen",
  "Kowalski",
  "Fischer",
  "Moreau",
  "Costa",
  "Ali",
  "Singh",
  "Walker",
];

export interface Catalog {
  products: Product[];
  /** Popularity: draws a product index, rank 0 the best seller. */
  popularity: WeightedTable;
}

export function buildCatalog(
  rng: Rng,
  options: {
    products: number;
    popularitySkew: number;
    medianPriceMinor: number;
    productIdBase: number;
    variantIdBase: number;
    deletedShare: number;
  },
): Catalog {
  const products: Product[] = [];
  let variantSeq = 0;
  for (let i = 0; i < options.products; i++) {
    const title = `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}${rng.chance(0.3) ? ` ${rng.between(2, 9)}` : ""}`;
    const kind = rng.int(3); // 0: single variant, 1: sizes, 2: colours
    const labels = kind === 0 ? [null] : (kind === 1 ? SIZES : COLOURS).slice(0, rng.between(2, kind === 1 ? 5 : 4));
    const sku = title.replace(/[^A-Za-z0-9]+/g, "-").toUpperCase();
    const variants = labels.map((label) => ({
      id: options.variantIdBase + ++variantSeq * 3 + rng.int(3),
      title: label,
      sku: label ? `${sku}-${label.toUpperCase()}` : sku,
    }));
    products.push({
      id: options.productIdBase + (i + 1) * 7 + rng.int(7),
      title,
      vendor: rng.pick(VENDORS),
      priceMinor: Math.max(1, Math.round(rng.logNormal(options.medianPriceMinor, 0.6))),
      variants,
      deleted: rng.chance(options.deletedShare),
    });
  }
  return { products, popularity: new WeightedTable(zipfWeights(options.products, options.popularitySkew)) };
}

/** What decides a synthetic shop's catalogue: these fields of the generator's resolved options. */
export interface ShopCatalogOptions {
  seed: number | string;
  products: number;
  popularitySkew: number;
  spendScale: number;
  /** Minor-unit digits of the shop currency. */
  digits: number;
  productDeletedShare: number;
  ids: { product: number; variant: number };
}

/**
 * The catalogue a synthetic shop's orders are drawn from (its own seed stream), so that other views of the
 * shop (the Admin API double's products) name the same products and variants as its orders.
 */
export function shopCatalog(o: ShopCatalogOptions): Catalog {
  return buildCatalog(new Rng(o.seed, "catalog"), {
    products: o.products,
    popularitySkew: o.popularitySkew,
    medianPriceMinor: Math.round(25 * o.spendScale * 10 ** o.digits),
    productIdBase: o.ids.product,
    variantIdBase: o.ids.variant,
    deletedShare: o.productDeletedShare,
  });
}
