// Webhook headers that become key columns are bounded, so an acknowledged delivery is always storable.
import { describe, expect, it } from "vitest";
import { readWebhookHeaders } from "~/webhooks/verify.server";

const headers = (overrides: Record<string, string> = {}) => {
  const all: Record<string, string> = {
    "x-shopify-hmac-sha256": "c2lnbmF0dXJl",
    "x-shopify-topic": "orders/create",
    "x-shopify-shop-domain": "shop-a.myshopify.com",
    "x-shopify-webhook-id": "b1a7e2c0-0000-4000-8000-000000000001",
    "x-shopify-api-version": "2026-07",
    "x-shopify-event-id": "e1",
    ...overrides,
  };
  return (name: string) => (Object.hasOwn(all, name) ? all[name] : null);
};

describe("webhook headers", () => {
  it("reads a normal delivery", () => {
    expect(readWebhookHeaders(headers())).toMatchObject({ ok: true, headers: { shop: "shop-a.myshopify.com", eventId: "e1" } });
  });

  it("refuses event and webhook ids and shop domains longer than 255 characters", () => {
    expect(readWebhookHeaders(headers({ "x-shopify-event-id": "e".repeat(256) }))).toMatchObject({ ok: false });
    expect(readWebhookHeaders(headers({ "x-shopify-webhook-id": "w".repeat(256) }))).toMatchObject({ ok: false });
    expect(readWebhookHeaders(headers({ "x-shopify-shop-domain": `${"s".repeat(250)}.myshopify.com` }))).toMatchObject({ ok: false });
    expect(readWebhookHeaders(headers({ "x-shopify-event-id": "e".repeat(255) }))).toMatchObject({ ok: true });
  });
});
