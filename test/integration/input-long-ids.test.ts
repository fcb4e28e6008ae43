// Shopify ids above 2^53 stay exact everywhere in a payload, lists included: JSON.parse would round
// 9007199254740993 to 9007199254740992, and customers/redact would erase the wrong order.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp } from "../support/app-under-test";
import { orderPayload } from "../support/payloads";
import { installShop } from "../support/shops";
import { sendWebhook } from "../support/webhooks";

const SHOP = "long-ids.myshopify.com";
const TWO_POW_53 = "9007199254740992";
const NEXT = "9007199254740993"; // not representable as a double: parses as 2^53
const LONG = "9007199254740993123";
let app: Awaited<ReturnType<typeof startApp>>;

beforeAll(async () => {
  app = await startApp();
  await installShop(app.db, SHOP);
  // Guest orders with neighbouring ids, each with its own e-mail; JSON.stringify cannot write such ids, so raw text.
  for (const [id, email] of [
    [TWO_POW_53, "even@example.com"],
    [NEXT, "odd@example.com"],
    [LONG, "long@example.com"],
  ]) {
    const body = JSON.stringify(orderPayload({ id: 1, customerId: null, total: "5.00", email })).replace('"id":1,', `"id":${id},`);
    expect((await sendWebhook(app.baseUrl, { topic: "orders/create", shop: SHOP, body: null, rawBody: body })).status).toBe(200);
  }
  await app.drained();
});
afterAll(async () => {
  await app?.stop();
});

const emailOf = async (id: string) => (await app.db.order.findUnique({ where: { shop_id: { shop: SHOP, id } } }))?.email;

it("customers/redact erases exactly the orders listed in orders_to_redact", async () => {
  const rawBody = `{"shop_id":1,"shop_domain":"${SHOP}","customer":{"id":${LONG}},"orders_to_redact":[${NEXT}, ${LONG}]}`;
  expect((await sendWebhook(app.baseUrl, { topic: "customers/redact", shop: SHOP, body: null, rawBody })).status).toBe(200);
  await app.drained();
  expect(await emailOf(NEXT)).toBeNull();
  expect(await emailOf(LONG)).toBeNull();
  expect(await emailOf(TWO_POW_53)).toBe("even@example.com");
  expect(await app.db.customer.findUnique({ where: { shop_id: { shop: SHOP, id: LONG } } })).not.toBeNull();
});

it("customers/data_request assembles exactly the orders listed in orders_requested", async () => {
  const rawBody = `{"customer":{"id":1},"orders_requested":[\n  ${TWO_POW_53}\n],"data_request":{"id":${LONG}}}`;
  expect((await sendWebhook(app.baseUrl, { topic: "customers/data_request", shop: SHOP, body: null, rawBody })).status).toBe(200);
  await app.drained();
  const request = await app.db.dataRequest.findUnique({ where: { shop_id: { shop: SHOP, id: LONG } } });
  const payload = JSON.parse(request!.payload) as { orders: { id: string; email: string }[] };
  expect(payload.orders).toEqual([expect.objectContaining({ id: TWO_POW_53, email: "even@example.com" })]);
});
