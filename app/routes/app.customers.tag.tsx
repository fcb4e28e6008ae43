// POST /app/customers/tag: tags the customers of the list the merchant is looking at (its filters and
// search, posted with the form) in Shopify, and optionally saves them as a Shopify customer segment. Up to
// MAX_TAGGED customers are tagged in the request; a longer list is handed to a background job.
import { data, type ActionFunctionArgs } from "@remix-run/node";
import { authenticatePage } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { parseCustomerQuery } from "~/data/customers-query.server";
import {
  countCustomersOf,
  customerIdsOf,
  MAX_TAGGED,
  tagCustomers,
  validateTagRequest,
  type TagOutcome,
  type TagProblem,
} from "~/data/customer-tags.server";
import { enqueueCustomerTagging } from "~/queues/customer-tagging.server";
import { AdminApiError } from "~/shopify/admin-gateway.server";

export type TagActionResult =
  { ok: true; queued: false; outcome: TagOutcome; tag: string } | { ok: false; problem: TagProblem; limit?: number; detail?: string };

/** Too many to tag in the request: a job tags them (and saves the segment) in the background. */
export interface TagQueuedResult {
  ok: true;
  queued: true;
  count: number;
  tag: string;
  segmentName: string | null;
}

/** Every answer of the action (the form's fetcher reads this). */
export type TagActionAnswer = TagActionResult | TagQueuedResult;

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const form = await request.formData();
  const fields: Record<string, string> = Object.fromEntries([...form.entries()].map(([k, v]) => [k, typeof v === "string" ? v : ""]));
  const validated = validateTagRequest(fields);
  if (typeof validated === "string") return data<TagActionResult>({ ok: false, problem: validated }, { status: 400 });
  if (!(session.scope ?? "").split(",").includes("write_customers")) {
    return data<TagActionResult>({ ok: false, problem: "missing_scope" }, { status: 403 });
  }
  const client = await db();
  const query = parseCustomerQuery(new URLSearchParams(fields));
  const ids = await customerIdsOf(client, session.shop, query);
  if (ids.length === 0) return data<TagActionResult>({ ok: false, problem: "no_customers" }, { status: 400 });
  if (ids.length > MAX_TAGGED) {
    const count = await countCustomersOf(client, session.shop, query);
    try {
      await enqueueCustomerTagging({
        shop: session.shop,
        tag: validated.tag,
        segmentName: validated.segmentName,
        query,
        announced: count,
        requestedAt: new Date().toISOString(),
      });
    } catch (error) {
      // Redis is down (the call gives up within 2 s): nothing was queued, and the page says so.
      console.error(`tagging customers of ${session.shop} could not be queued: ${(error as Error).message}`);
      return data<TagActionResult>({ ok: false, problem: "queue_unavailable" }, { status: 503 });
    }
    return data<TagQueuedResult>(
      { ok: true, queued: true, count, tag: validated.tag, segmentName: validated.segmentName },
      { status: 202 },
    );
  }
  if (!session.accessToken) return data<TagActionResult>({ ok: false, problem: "shopify_error" }, { status: 502 });
  try {
    const outcome = await tagCustomers({ shop: session.shop, accessToken: session.accessToken }, ids, validated);
    return data<TagActionResult>({ ok: true, queued: false, outcome, tag: validated.tag });
  } catch (error) {
    if (!(error instanceof AdminApiError)) throw error;
    console.error(`tagging customers of ${session.shop} failed: ${error.message}`);
    return data<TagActionResult>({ ok: false, problem: "shopify_error" }, { status: 502 });
  }
};
