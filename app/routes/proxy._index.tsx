// GET /proxy/ (the shop's /apps/clv): the Rewards page, as Liquid that Shopify renders inside the theme.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { remixProxyAnswer } from "~/storefront/proxy-handler.server";

export const loader = ({ request }: LoaderFunctionArgs) => remixProxyAnswer("page", request);
