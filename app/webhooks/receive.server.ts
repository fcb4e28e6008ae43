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
import { readWebhookHeaders, startWebhookHmac, type WebhookHeaders } from "./verify.server";

/**
 * The largest body accepted (413 past it). Shopify documents no limit for HTTP deliveries; its staff
 * speak of bodies "upwards of a megabyte" for the largest orders, and its EventBridge deliveries stop
 * inlining at 1,000,000 bytes. 5 MB keeps five times that margin (a refused delivery is lost once
 * Shopify's retries run out) while bounding what one request can make the process hold.
 */
export const MAX_WEBHOOK_BODY_BYTES = 5 * 1024 * 1024;

/**
 * Bytes of webhook bodies held at once by this process, all requests together. A body must be held until
 * its signature is known (it is parsed once verified), so without this, N concurrent forged bodies would
 * hold N × the cap. Real deliveries are a few kilobytes; past the budget the answer is 503 and Shopify
 * retries.
 */
export const WEBHOOK_BODY_BUDGET_BYTES = 64 * 1024 * 1024;
let bodyBytesHeld = 0;

/** Reads the next piece of the request body, as a Fetch reader's read() or a Node async iterator's next() do. */
export type ReadBodyChunk = () => Promise<{ done?: boolean; value?: Uint8Array }>;

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
 * The body is read piece by piece through `readChunk`, signed as it arrives and never beyond
 * MAX_WEBHOOK_BODY_BYTES; it may be left partly unread (the caller decides what to do with the rest).
 */
export async function acknowledgeWebhook(
  method: string,
  header: (name: string) => string | null,
  readChunk: ReadBodyChunk,
  routeTopic?: string,
): Promise<WebhookAnswer> {
  if (method !== "POST") return answer(405, "webhooks are POST requests", { Allow: "POST" });

  const read = readWebhookHeaders(header);
  if (!read.ok) return answer(400, `missing or invalid header ${read.missing}`);
  const headers = read.headers;

  const declaredLength = Number(header("content-length") ?? 0);
  if (declaredLength > MAX_WEBHOOK_BODY_BYTES) return tooLarge();

  const signature = startWebhookHmac(config.apiSecret);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await readChunk();
      if (done || !value) break;
      size += value.length;
      if (size > MAX_WEBHOOK_BODY_BYTES) return tooLarge();
      if (bodyBytesHeld + value.length > WEBHOOK_BODY_BUDGET_BYTES) {
        return answer(503, "too many webhook bodies in flight", { "Retry-After": "5" });
      }
      bodyBytesHeld += value.length;
      chunks.push(value);
      signature.update(value);
    }
    if (!signature.matches(headers.hmac)) return answer(401, "invalid HMAC signature");
    return await acceptVerified(headers, Buffer.concat(chunks, size), routeTopic);
  } finally {
    for (const chunk of chunks) bodyBytesHeld -= chunk.length;
  }
}

const tooLarge = () => answer(413, `webhook bodies are limited to ${MAX_WEBHOOK_BODY_BYTES} bytes`);

/** A delivery whose signature holds: topic, JSON, payload shape, then the queue. */
async function acceptVerified(headers: WebhookHeaders, body: Buffer, routeTopic: string | undefined): Promise<WebhookAnswer> {
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

/**
 * The same for a Fetch API Request (the Remix route): the body is read from its stream, so the cap holds
 * here too; what is left unread is cancelled.
 */
export async function receiveWebhook(request: Request, routeTopic?: string): Promise<Response> {
  const reader = request.body?.getReader();
  let finished = !reader;
  const readChunk: ReadBodyChunk = async () => {
    if (!reader) return { done: true };
    const chunk = await reader.read();
    if (chunk.done) finished = true;
    return chunk;
  };
  try {
    const result = await acknowledgeWebhook(request.method, (name) => request.headers.get(name), readChunk, routeTopic);
    return new Response(result.body, { status: result.status, headers: result.headers });
  } finally {
    if (reader && !finished) reader.cancel().catch(() => {});
  }
}
