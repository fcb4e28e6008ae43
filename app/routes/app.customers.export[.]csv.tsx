// GET /app/customers/export.csv?<the list's q, segment, risk, sort, direction>: the customers the list shows,
// with the same filters, search and sort (every page of it), with their values, as a streamed CSV.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticatePage } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { shopCurrency } from "~/data/shop.server";
import { isFiltered, parseCustomerQuery } from "~/data/customers-query.server";
import { csvResponse, customersCsvStream } from "~/data/export.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const client = await db();
  const query = parseCustomerQuery(new URL(request.url).searchParams);
  const currency = await shopCurrency(client, session.shop);
  return csvResponse(customersCsvStream(client, session.shop, currency, query), session.shop, { filtered: isFiltered(query) });
};
