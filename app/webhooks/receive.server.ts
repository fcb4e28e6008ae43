// The acknowledging side of a webhook: verify, validate, enqueue, answer. No database work here
// (the worker loads the shop), so Shopify gets its answer in milliseconds.
// The core works on raw bytes and plain headers, without any web framework: the Remix route
// (routes/webhooks.$.tsx) adapts a Fetch Request to it, and the production server (server.ts) calls it
// straight from node:http, which spares each delivery the Request object, Express and route matching.
import { config } from "~/config.server";
import { enqueueWebhook } from "~/queues/queues.server";
import { parseJsonKeepingLongIds } from "~/lib/json-ids";
import type { WebhookJob } from "~/queues/jobs";
import { isSupportedTopic, normalizeTopic, parseWebhookPayload, PayloadError } from "./payloads";
import { isValidWebhookHmac, readWebhookHeaders } from "./verify.server";

export interface WebhookAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

const answer = (status: number, body: string, headers: Record<string, string> = {}): WebhookAnswer => ({
  status,
  body,
  headers: { "Content-Type": "text/plain; charset=utf-8", ...headers },
});

/**
 * Handles one delivery. `header(name)` reads a request header (lower-case name). `routeTopic` is the topic
 * named by the URL (/webhooks/orders/create); when given it must agree with the signed X-Shopify-Topic.
 */
export async function acknowledgeWebhook(
  method: string,
  header: (name: string) => string | null,
  readBody: () => Promise<Buffer>,
  routeTopic?: string,
): Promise<WebhookAnswer> {
  if (method !== "POST") return answer(405, "webhooks are POST requests", { Allow: "POST" });

  const read = readWebhookHeaders(header);
  if (!read.ok) return answer(400, `missing or invalid header ${read.missing}`);
  const headers = read.headers;

  const body = await readBody();
  if (!isValidWebhookHmac(body, headers.hmac, config.apiSecret)) return answer(401, "invalid HMAC signature");

  const topic = normalizeTopic(headers.topic);
  if (!isSupportedTopic(topic)) return answer(404, `topic ${topic} is not handled by this app`);
  if (routeTopic !== undefined && normalizeTopic(routeTopic) !== topic) {
    return answer(400, `the URL is for ${routeTopic} but X-Shopify-Topic says ${topic}`);
  }

  let parsed: unknown;
  try {
    parsed = parseJsonKeepingLongIds(body.toString("utf8"));
  } catch (error) {
    return answer(400, `body is not valid JSON: ${(error as Error).message}`);
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
    if (error instanceof PayloadError) return answer(400, error.message);
    throw error;
  }

  try {
    await enqueueWebhook(job);
  } catch (error) {
    // Not stored means not acknowledged: Shopify retries a non-2xx answer.
    console.error(`webhook ${topic} from ${headers.shop} could not be queued:`, (error as Error).message);
    return answer(503, "temporarily unable to accept the webhook", { "Retry-After": "5" });
  }
  return answer(200, "ok");
}

/** The same for a Fetch API Request (the Remix route). */
export async function receiveWebhook(request: Request, routeTopic?: string): Promise<Response> {
  const result = await acknowledgeWebhook(
    request.method,
    (name) => request.headers.get(name),
    async () => Buffer.from(await request.arrayBuffer()),
    routeTopic,
  );
  return new Response(result.body, { status: result.status, headers: result.headers });
}
