// GET /proxy/status (the shop's /apps/clv/status): the signed-in shopper's tier, points, next tier, rewards
// they can redeem now and referral code; the program's pitch and how to earn for a guest.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { remixProxyAnswer } from "~/storefront/proxy-handler.server";

export const loader = ({ request }: LoaderFunctionArgs) => remixProxyAnswer("status", request);
export const action = ({ request }: ActionFunctionArgs) => remixProxyAnswer("status", request);
