// POST /webhooks/<topic>, e.g. /webhooks/orders/create: every subscription in shopify.app.toml lands here.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/webhooks/receive.server";

export const action = ({ request, params }: ActionFunctionArgs) => receiveWebhook(request, params["*"] || undefined);

export const loader = (_: LoaderFunctionArgs) => new Response("webhooks are POST requests", { status: 405, headers: { Allow: "POST" } });
