// Every app proxy answer, by route: gate first (signature, then rate limit), then the answer for the signed
// shopper. The Remix routes (app/routes/proxy.*) call it through `remixProxyAnswer`; the production server
// may call `answerProxy` directly (a fast path without Express and Remix's request objects, as for webhooks).
import { randomUUID } from "node:crypto";
import { bareReply, enterProxy, jsonReply, liquidReply, type ProxyCall, type ProxyReply } from "./proxy-gate.server";
import { recommendationsAnswer, recommendationsQuerySchema, redeemFor, rewardsPageData, statusAnswer } from "./proxy-answers.server";
import { readRedeemBody } from "./redeem-request";
import { rewardsPageLiquid } from "./rewards-page";

export type ProxyRoute = "page" | "status" | "recommendations" | "redeem";

/** The route of an exact proxy pathname, or null (a fast path passes anything else on to Remix). */
export function proxyRouteOf(pathname: string): ProxyRoute | null {
  switch (pathname) {
    case "/proxy":
    case "/proxy/":
      return "page";
    case "/proxy/status":
      return "status";
    case "/proxy/recommendations":
      return "recommendations";
    case "/proxy/redeem":
      return "redeem";
    default:
      return null;
  }
}

const READS = new Set(["GET", "HEAD"]);

export async function answerProxy(route: ProxyRoute, call: ProxyCall): Promise<ProxyReply> {
  const wanted = route === "redeem" ? "POST" : "GET";
  const allowed = route === "redeem" ? call.method === "POST" : READS.has(call.method);
  const gate = await enterProxy(call, route === "redeem" && allowed ? "redeem" : "read");
  if (!gate.ok) return gate.reply;
  // A wrong method is answered only once the request is known to come from Shopify.
  if (!allowed) return bareReply(405, { Allow: wanted === "GET" ? "GET, HEAD" : "POST" });
  const { shopper, params } = gate;

  if (route === "status") return jsonReply(await statusAnswer(shopper));

  if (route === "recommendations") {
    const query = recommendationsQuerySchema.safeParse({ product_id: params.get("product_id"), limit: params.get("limit") });
    if (!query.success)
      return jsonReply({ status: "invalid", errors: query.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) }, 400);
    return jsonReply(await recommendationsAnswer(shopper, { productId: query.data.product_id, limit: query.data.limit }));
  }

  if (route === "page") return liquidReply(await rewardsPage(shopper));

  if (shopper.customerId === null) return jsonReply({ status: "sign_in_required", message: "Sign in to redeem rewards" }, 403);
  const read = await readRedeemBody(call);
  if (!read.ok) return jsonReply({ status: "invalid", errors: read.errors }, read.status);
  const answer = await redeemFor({ ...shopper, customerId: shopper.customerId }, read.body);
  if (!read.fromForm) return jsonReply(answer.body, answer.status, answer.status === 202 ? { "Retry-After": "2" } : {});
  // Without JavaScript: the Rewards page again (always 200: Shopify renders it), with the code or the reason on top.
  return liquidReply(await rewardsPage(shopper, answer));
}

async function rewardsPage(shopper: Parameters<typeof rewardsPageData>[0], notice?: Parameters<typeof rewardsPageLiquid>[1]["notice"]) {
  const data = await rewardsPageData(shopper);
  // One key per form and page view: submitting the same form twice redeems once.
  const formKeys = new Map((data.member?.rewards_available ?? []).map((r) => [r.id, randomUUID()]));
  return rewardsPageLiquid(data, { pathPrefix: shopper.pathPrefix, formKeys, notice });
}

/** A Remix route's answer: the same code, from a Request to a Response. */
export async function remixProxyAnswer(route: ProxyRoute, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const reply = await answerProxy(route, {
    method: request.method,
    url: `${url.pathname}${url.search}`,
    header: (name) => request.headers.get(name),
    body: () => request.text(),
  });
  return new Response(reply.body === "" ? null : reply.body, { status: reply.status, headers: reply.headers });
}
