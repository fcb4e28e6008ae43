// POST /proxy/redeem (the shop's /apps/clv/redeem): redeems a reward for the signed-in shopper and returns
// the discount code. Body: reward_id and idempotency_key (JSON, or a form from the Rewards page). The same
// key returns the same redemption, deducted once, however often and however concurrently it is retried.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { remixProxyAnswer } from "~/storefront/proxy-handler.server";

export const action = ({ request }: ActionFunctionArgs) => remixProxyAnswer("redeem", request);
export const loader = ({ request }: LoaderFunctionArgs) => remixProxyAnswer("redeem", request);
