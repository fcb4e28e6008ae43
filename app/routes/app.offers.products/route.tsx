// The product picker's fallback without App Bridge: the shop's stored products whose title or handle
// contains `q` (JSON, at most 25; deleted products never). Works with nothing but the app.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticatePage } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { searchProducts } from "~/data/products.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const query = new URL(request.url).searchParams.get("q") ?? "";
  const products = await searchProducts(await db(), session.shop, { query, limit: 25 });
  return { products };
};
