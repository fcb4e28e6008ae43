// With Redis unreachable the route must not acknowledge: Shopify retries non-2xx answers.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp } from "../support/app-under-test";
import { orderPayload } from "../support/payloads";
import { sendWebhook } from "../support/webhooks";

let app: Awaited<ReturnType<typeof startApp>>;

beforeAll(async () => {
  // Port 9 (discard) on loopback: nothing listens there.
  app = await startApp({ workers: false, env: { REDIS_URL: "redis://127.0.0.1:9" } });
});
afterAll(async () => {
  await app?.stop();
});

it("answers 503 with Retry-After when the job cannot be queued", async () => {
  const started = Date.now();
  const { url, init } = (await import("../support/webhooks")).webhookRequest(app.baseUrl, {
    topic: "orders/create",
    shop: "outage.myshopify.com",
    body: orderPayload({ id: 1 }),
  });
  const response = await fetch(url, init);
  expect(response.status).toBe(503);
  expect(response.headers.get("retry-after")).toBe("5");
  // within Shopify's 5 s delivery deadline
  expect(Date.now() - started).toBeLessThan(5_000);
  const again = await sendWebhook(app.baseUrl, { topic: "orders/create", shop: "outage.myshopify.com", body: orderPayload({ id: 2 }) });
  expect(again.status).toBe(503);
  expect(await app.db.order.count()).toBe(0);
});
