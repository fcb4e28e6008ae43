// GET /proxy/recommendations?product_id=… (the shop's /apps/clv/recommendations): the signed-in shopper's
// personal list, else the product's offers; nothing for the offers holdout. Exposures are recorded here.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { remixProxyAnswer } from "~/storefront/proxy-handler.server";

export const loader = ({ request }: LoaderFunctionArgs) => remixProxyAnswer("recommendations", request);
export const action = ({ request }: ActionFunctionArgs) => remixProxyAnswer("recommendations", request);
