// The acknowledging side of a webhook: verify, validate, enqueue, answer. No database work here
// (the worker loads the shop), so Shopify gets its answer in milliseconds.
import { config } from "~/config.server";
import { enqueueWebhook } from "~/jobs/queues.server";
import { parseJsonKeepingLongIds } from "~/lib/json-ids";
import type { WebhookJob } from "./events";
import { isSupportedTopic, normalizeTopic, parseWebhookPayload, PayloadError } from "./payloads";
import { isValidWebhookHmac, readWebhookHeaders } from "./verify.server";

const text = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });

/**
 * Handles one delivery. `routeTopic` is the topic named by the URL (/webhooks/orders/create); when
 * given it must agree with the signed X-Shopify-Topic header.
 */
export async function receiveWebhook(request: Request, routeTopic?: string): Promise<Response> {
  if (request.method !== "POST") return text(405, "webhooks are POST requests", { Allow: "POST" });

  const headers = readWebhookHeaders(request.headers);
  if ("missing" in headers) return text(400, `missing or invalid header ${headers.missing}`);

  const body = Buffer.from(await request.arrayBuffer());
  if (!isValidWebhookHmac(body, headers.hmac, config.apiSecret)) return text(401, "invalid HMAC signature");

  const topic = normalizeTopic(headers.topic);
  if (!isSupportedTopic(topic)) return text(404, `topic ${topic} is not handled by this app`);
  if (routeTopic !== undefined && normalizeTopic(routeTopic) !== topic) {
    return text(400, `the URL is for ${routeTopic} but X-Shopify-Topic says ${topic}`);
  }

  let parsed: unknown;
  try {
    parsed = parseJsonKeepingLongIds(body.toString("utf8"));
  } catch (error) {
    return text(400, `body is not valid JSON: ${(error as Error).message}`);
  }

  let job: WebhookJob;
  try {
    job = {
      shop: headers.shop,
      topic,
      // Shopify's duplicate signal is the event id; deliveries without one fall back to the webhook id.
      deliveryKey: headers.eventId ?? headers.webhookId,
      receivedAt: new Date().toISOString(),
      event: parseWebhookPayload(topic, parsed),
    };
  } catch (error) {
    if (error instanceof PayloadError) return text(400, error.message);
    throw error;
  }

  try {
    await enqueueWebhook(job);
  } catch (error) {
    // Not stored means not acknowledged: Shopify retries a non-2xx answer.
    console.error(`webhook ${topic} from ${headers.shop} could not be queued:`, (error as Error).message);
    return text(503, "temporarily unable to accept the webhook", { "Retry-After": "5" });
  }
  return text(200, "ok");
}
