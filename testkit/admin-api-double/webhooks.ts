// Sends webhooks the way Shopify does: the raw JSON body, its base64 HMAC-SHA256 with the app's secret,
// and Shopify's headers. Used for bulk_operations/finish and, by the demo, to replay order webhooks.
import { randomUUID } from "node:crypto";
import { signWebhookBody } from "../webhook-signature";
import type { WebhookDelivery } from "./state";

export interface WebhookTarget {
  /** The app's base URL; webhooks go to `${appUrl}/webhooks/<topic>` unless `path` says otherwise. */
  appUrl: string;
  apiSecret: string;
  /** X-Shopify-API-Version. Default "2026-07" (the app's API_VERSION). */
  apiVersion?: string;
  /** Deliveries answered with a non-2xx status or not answered are retried this many times. Default 0. */
  retries?: number;
  retryDelayMs?: number;
  /** Shopify's deadline is 5 s in total. */
  timeoutMs?: number;
}

export interface WebhookMessage {
  topic: string;
  shop: string;
  /** Object (serialised with JSON.stringify) or the exact raw body. */
  body: unknown;
  rawBody?: string;
  eventId?: string;
  webhookId?: string;
  triggeredAt?: string;
  path?: string;
}

export function webhookHeaders(target: WebhookTarget, message: WebhookMessage, body: string): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "X-Shopify-Topic": message.topic,
    "X-Shopify-Hmac-Sha256": signWebhookBody(body, target.apiSecret),
    "X-Shopify-Shop-Domain": message.shop,
    "X-Shopify-API-Version": target.apiVersion ?? "2026-07",
    "X-Shopify-Webhook-Id": message.webhookId ?? randomUUID(),
    "X-Shopify-Event-Id": message.eventId ?? randomUUID(),
    "X-Shopify-Triggered-At": message.triggeredAt ?? new Date().toISOString(),
  };
}

/**
 * Delivers one webhook (with retries when configured: same body, same event id, new webhook id as
 * some observers report). Resolves with the deliveries made; never throws for HTTP or network failures.
 */
export async function sendWebhook(
  target: WebhookTarget,
  message: WebhookMessage,
  log?: (d: WebhookDelivery) => void,
): Promise<WebhookDelivery[]> {
  const body = message.rawBody ?? JSON.stringify(message.body);
  const url = `${target.appUrl.replace(/\/+$/, "")}${message.path ?? `/webhooks/${message.topic}`}`;
  const eventId = message.eventId ?? randomUUID();
  const triggeredAt = message.triggeredAt ?? new Date().toISOString();
  const deliveries: WebhookDelivery[] = [];
  const attempts = 1 + Math.max(0, target.retries ?? 0);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const webhookId = attempt === 1 && message.webhookId ? message.webhookId : randomUUID();
    const headers = webhookHeaders(target, { ...message, eventId, webhookId, triggeredAt }, body);
    const delivery: WebhookDelivery = {
      at: new Date().toISOString(),
      url,
      topic: message.topic,
      shop: message.shop,
      webhookId,
      eventId,
      status: null,
      error: null,
      attempt,
      body,
    };
    try {
      const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(target.timeoutMs ?? 5_000) });
      delivery.status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (error) {
      delivery.error = (error as Error).message;
    }
    deliveries.push(delivery);
    log?.(delivery);
    if (delivery.status !== null && delivery.status >= 200 && delivery.status < 300) break;
    if (attempt < attempts) await new Promise((r) => setTimeout(r, (target.retryDelayMs ?? 500) * attempt));
  }
  return deliveries;
}
