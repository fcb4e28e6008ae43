// Keys a request names are looked up as own properties only: "constructor", "__proto__", "toString"…
// exist on every plain object, so an `in` check or a bare index would take them for a topic or a sort.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../support/app-under-test";
import { orderPayload } from "../support/payloads";
import { documentRequest, installOfflineSession, loaderData, sessionToken } from "../support/session-token";
import { installShop } from "../support/shops";
import { sendWebhook } from "../support/webhooks";
import type { CustomerPage } from "~/data/customers-query.server";

const SHOP = "prototype-keys.myshopify.com";
const PROTOTYPE_NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"];
let app: Awaited<ReturnType<typeof startApp>>;

beforeAll(async () => {
  app = await startApp();
  await installShop(app.db, SHOP, { currencyCode: "USD" });
  await installOfflineSession(app.db, SHOP);
  for (const [id, total] of [
    [1, "10.00"],
    [2, "30.00"],
    [3, "20.00"],
  ] as const) {
    await sendWebhook(app.baseUrl, { topic: "orders/create", shop: SHOP, body: orderPayload({ id, customerId: 100 + id, total }) });
  }
  await app.drained();
});
afterAll(async () => {
  await app?.stop();
});

describe("webhook topics", () => {
  for (const topic of PROTOTYPE_NAMES) {
    it(`answers 404 to the topic ${topic} and changes nothing, even with a body shaped like an event`, async () => {
      const before = await app.queues().ingest.getJobCounts("waiting", "active", "delayed", "completed", "failed");
      for (const path of [`/webhooks/${topic}`, "/webhooks/shop/redact"]) {
        const r = await sendWebhook(app.baseUrl, { topic, shop: SHOP, body: { kind: "shop_redact" }, path });
        expect(r.status, path).toBe(404);
      }
      await app.drained();
      expect(await app.queues().ingest.getJobCounts("waiting", "active", "delayed", "completed", "failed")).toEqual(before);
      expect(await app.db.order.count({ where: { shop: SHOP } })).toBe(3);
      expect(await app.db.shop.count({ where: { shop: SHOP } })).toBe(1);
    });
  }
});

describe("the customers list's query parameters", () => {
  const routeId = "routes/app.customers._index";
  for (const name of PROTOTYPE_NAMES) {
    it(`treats sort=${name} (and direction, segment) as absent: 200 with the default sort`, async () => {
      const token = sessionToken({ shop: SHOP });
      const query = `?sort=${encodeURIComponent(name)}&direction=${encodeURIComponent(name)}&segment=${encodeURIComponent(name)}`;
      const page = await loaderData<CustomerPage>(app.baseUrl, `/app/customers${query}`, routeId, token);
      expect(page.query).toMatchObject({ sort: "historic", direction: "desc", segment: null });
      expect(page.rows.map((r) => r.customerId)).toEqual(["102", "103", "101"]); // highest historic value first
      const document = await documentRequest(app.baseUrl, `/app/customers${query}`, SHOP, token);
      expect(document.status).toBe(200);
    });
  }
});
