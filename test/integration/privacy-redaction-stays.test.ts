// A redacted customer or order stays redacted whatever arrives later: Shopify may still send an
// orders/updated carrying the e-mail (a late fulfilment, a refund), or an order named in orders_to_redact
// may only arrive after the redaction.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp } from "../support/app-under-test";
import { orderPayload } from "../support/payloads";
import { installShop } from "../support/shops";
import { sendWebhook } from "../support/webhooks";

const SHOP = "stays-redacted.myshopify.com";
let app: Awaited<ReturnType<typeof startApp>>;

beforeAll(async () => {
  app = await startApp();
  await installShop(app.db, SHOP);
});
afterAll(async () => {
  await app?.stop();
});

const send = (topic: string, body: unknown) => sendWebhook(app.baseUrl, { topic, shop: SHOP, body });
const orderRow = (id: string) => app.db.order.findUnique({ where: { shop_id: { shop: SHOP, id } } });

function order(id: number, customerId: number | null, email: string, updatedAt = "2025-05-01T10:00:00Z") {
  const body = orderPayload({ id, customerId, total: "25.00", email, createdAt: "2025-05-01T10:00:00Z", updatedAt });
  if (body.customer) Object.assign(body.customer, { first_name: "Carol", last_name: "Laterupdate", phone: "+15550100300", tags: "vip" });
  return body;
}

it("keeps a redacted customer's order, a redacted guest order and the customer's profile free of personal data", async () => {
  await send("orders/create", order(31, 300, "carol@example.com"));
  await send("orders/create", order(32, null, "guest@example.com"));
  await app.drained();
  expect((await orderRow("32"))?.email).toBe("guest@example.com");

  await send("customers/redact", { customer: { id: 300 }, orders_to_redact: [31, 32] });
  await app.drained();
  expect((await orderRow("31"))?.email).toBeNull();
  expect((await orderRow("32"))?.email).toBeNull();

  // Later versions of both orders carry the e-mail again; a new order of the customer too.
  await send("orders/updated", order(31, 300, "carol@example.com", "2025-06-01T10:00:00Z"));
  await send("orders/updated", order(32, null, "guest@example.com", "2025-06-01T10:00:00Z"));
  await send("orders/create", order(33, 300, "carol@example.com", "2025-06-02T10:00:00Z"));
  await app.drained();

  for (const id of ["31", "32", "33"]) expect((await orderRow(id))?.email).toBeNull();
  expect((await orderRow("31"))?.shopifyUpdatedAt).toEqual(new Date("2025-06-01T10:00:00Z")); // the update itself was applied
  const customer = await app.db.customer.findUnique({ where: { shop_id: { shop: SHOP, id: "300" } } });
  expect(customer).toMatchObject({ email: null, firstName: null, lastName: null, phone: null, tags: null });
  const value = await app.db.customerValue.findUnique({ where: { shop_customerId: { shop: SHOP, customerId: "300" } } });
  expect(value).toMatchObject({ orderCount: 2, netRevenueMinor: 5000n }); // the anonymous money still counts
});

it("keeps a guest order redacted that only arrives after the redaction named it", async () => {
  await send("customers/redact", { customer: { id: 310 }, orders_to_redact: [35] });
  await app.drained();
  await send("orders/create", order(35, null, "early-guest@example.com"));
  await app.drained();
  const row = await orderRow("35");
  expect(row?.totalMinor).toBe(2500n);
  expect(row?.email).toBeNull();
});

it("does not redact other orders of the shop", async () => {
  await send("orders/create", order(36, 320, "dave@example.com"));
  await send("orders/create", order(37, null, "other-guest@example.com"));
  await app.drained();
  expect((await orderRow("36"))?.email).toBe("dave@example.com");
  expect((await orderRow("37"))?.email).toBe("other-guest@example.com");
});
