// Sends webhooks exactly as Shopify does: raw JSON body, base64 HMAC-SHA256 of it with the app secret,
// and Shopify's headers.
import { randomUUID } from "node:crypto";
import { signWebhookBody } from "../../testkit/webhook-signature";
import { TEST_API_SECRET } from "./environment";

export interface Delivery {
  topic: string;
  shop: string;
  body: unknown;
  eventId?: string;
  webhookId?: string;
  secret?: string;
  /** Overrides the computed signature (forgery tests). */
  hmac?: string;
  omitHeaders?: string[];
  rawBody?: string;
  path?: string;
}

export function webhookRequest(baseUrl: string, d: Delivery): { url: string; init: RequestInit } {
  const body = d.rawBody ?? JSON.stringify(d.body);
  const hmac = d.hmac ?? signWebhookBody(body, d.secret ?? TEST_API_SECRET);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Hmac-Sha256": hmac,
    "X-Shopify-Topic": d.topic,
    "X-Shopify-Shop-Domain": d.shop,
    "X-Shopify-API-Version": "2026-07",
    "X-Shopify-Webhook-Id": d.webhookId ?? randomUUID(),
    "X-Shopify-Event-Id": d.eventId ?? randomUUID(),
    "X-Shopify-Triggered-At": new Date().toISOString(),
  };
  for (const name of d.omitHeaders ?? []) delete headers[name];
  return { url: `${baseUrl}${d.path ?? `/webhooks/${d.topic}`}`, init: { method: "POST", headers, body } };
}

export async function sendWebhook(baseUrl: string, d: Delivery): Promise<{ status: number; text: string }> {
  const { url, init } = webhookRequest(baseUrl, d);
  const response = await fetch(url, init);
  return { status: response.status, text: await response.text() };
}

export async function waitFor<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting; last value: ${JSON.stringify(last, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`);
    await new Promise((r) => setTimeout(r, 50));
    last = await probe();
  }
  return last;
}
