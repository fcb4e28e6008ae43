// POST /app/backfill: the merchant asks for a (new) import of their order history.
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { enqueueBackfillStep } from "~/jobs/queues.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  if (form.get("intent") !== "start") return new Response("unknown intent", { status: 400 });
  await enqueueBackfillStep({ shop: session.shop });
  const url = new URL(request.url);
  return redirect(`/app/sync${url.search}`);
};
