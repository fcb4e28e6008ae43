// Cross-sell test data as the app stores it: catalogue products and mined pair suggestions (the admin
// tests and the browser test seed the same shapes).
import type { PrismaClient } from "@prisma/client";

/** A product of the shop's catalogue, active; published to the Online Store unless `published` is false. */
export function seedProduct(db: PrismaClient, shop: string, id: string, title: string, published = true) {
  return db.product.create({
    data: {
      shop,
      id,
      title,
      handle: title.toLowerCase(),
      status: "ACTIVE",
      publishedAt: published ? new Date("2026-01-01") : null,
      updatedAt: new Date("2026-01-01"),
    },
  });
}

/** A mined suggestion row: `offeredProductId` with `productId`, seen in `orders` of 1,000 orders. */
export function suggestionRow(
  shop: string,
  productId: string,
  offeredProductId: string,
  valueScore: number,
  orders: number,
  minedAt: Date,
) {
  return {
    shop,
    productId,
    offeredProductId,
    orders,
    support: orders / 1000,
    confidence: 0.3,
    lift: 2.5,
    shrunkLift: 1.8,
    buyersMeanClvMinor: 12_345n,
    valueScore,
    minedAt,
  };
}
