// POST /app/customers/tag: tags the customers of the list the merchant is looking at (its filters and
// search, posted with the form) in Shopify, and optionally saves them as a Shopify customer segment.
import { data, type ActionFunctionArgs } from "@remix-run/node";
import { authenticatePage } from "~/data/admin-page.server";
import { db } from "~/db.server";
import { isFiltered, parseCustomerQuery } from "~/data/customers-query.server";
import { customerIdsOf, MAX_TAGGED, tagCustomers, validateTagRequest, type TagOutcome, type TagProblem } from "~/data/customer-tags.server";
import { AdminApiError } from "~/shopify/admin-gateway.server";

export type TagActionResult =
  { ok: true; outcome: TagOutcome; tag: string } | { ok: false; problem: TagProblem; limit?: number; detail?: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticatePage(request);
  const form = await request.formData();
  const fields: Record<string, string> = Object.fromEntries([...form.entries()].map(([k, v]) => [k, typeof v === "string" ? v : ""]));
  const validated = validateTagRequest(fields);
  if (typeof validated === "string") return data<TagActionResult>({ ok: false, problem: validated }, { status: 400 });
  if (!(session.scope ?? "").split(",").includes("write_customers")) {
    return data<TagActionResult>({ ok: false, problem: "missing_scope" }, { status: 403 });
  }
  const query = parseCustomerQuery(new URLSearchParams(fields));
  const ids = await customerIdsOf(await db(), session.shop, query);
  if (ids.length === 0) return data<TagActionResult>({ ok: false, problem: "no_customers" }, { status: 400 });
  if (ids.length > MAX_TAGGED) {
    return data<TagActionResult>(
      { ok: false, problem: "too_many", limit: MAX_TAGGED, detail: isFiltered(query) ? "filtered" : "all" },
      { status: 400 },
    );
  }
  if (!session.accessToken) return data<TagActionResult>({ ok: false, problem: "shopify_error" }, { status: 502 });
  try {
    const outcome = await tagCustomers({ shop: session.shop, accessToken: session.accessToken }, ids, validated);
    return data<TagActionResult>({ ok: true, outcome, tag: validated.tag });
  } catch (error) {
    if (!(error instanceof AdminApiError)) throw error;
    console.error(`tagging customers of ${session.shop} failed: ${error.message}`);
    return data<TagActionResult>({ ok: false, problem: "shopify_error" }, { status: 502 });
  }
};
