// GET /app/customers/export.csv: every customer of the session's shop with their values, as a streamed CSV.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { db } from "~/db.server";
import { shopCurrency } from "~/data/shop.server";
import { csvResponse, customersCsvStream } from "~/data/export.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const client = await db();
  const currency = await shopCurrency(client, session.shop);
  return csvResponse(customersCsvStream(client, session.shop, currency), session.shop);
};
