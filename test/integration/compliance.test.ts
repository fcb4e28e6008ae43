// Compliance webhooks and the app lifecycle, applied by the real worker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../support/app-under-test";
import { orderPayload, refundPayload } from "../support/payloads";
import { installShops } from "../support/shops";
import { sendWebhook } from "../support/webhooks";

const SHOP = "compliance.myshopify.com";
const OTHER = "bystander.myshopify.com";
let app: Awaited<ReturnType<typeof startApp>>;

beforeAll(async () => {
  app = await startApp();
  await installShops(app.db, [SHOP, OTHER]);
  for (const shop of [SHOP, OTHER]) {
    await sendWebhook(app.baseUrl, {
      topic: "orders/create",
      shop,
      // A discount code is free text a merchant or a shopper chose: it may name the person.
      body: orderPayload({ id: 11, customerId: 100, total: "10.00", email: "ann@example.com", discountCodes: ["ANN-SMITH-10"] }),
    });
    await sendWebhook(app.baseUrl, {
      topic: "orders/create",
      shop,
      body: orderPayload({ id: 12, customerId: 100, total: "20.00", email: "ann@example.com" }),
    });
    await sendWebhook(app.baseUrl, {
      topic: "orders/create",
      shop,
      body: orderPayload({ id: 13, customerId: 200, total: "30.00", email: "bob@example.com" }),
    });
    await sendWebhook(app.baseUrl, { topic: "refunds/create", shop, body: refundPayload({ id: 21, orderId: 13, amount: "5.00" }) });
    await app.db.session.create({ data: { id: `offline_${shop}`, shop, state: "", accessToken: "token", scope: "read_orders" } });
  }
  await app.drained();
});
afterAll(async () => {
  await app?.stop();
});

describe("customers/data_request", () => {
  it("assembles what we hold on the customer for the merchant", async () => {
    // A manual points adjustment with the merchant's words about the customer must be in the answer.
    await app.db.pointsEntry.create({
      data: {
        shop: SHOP,
        key: "adjust:100:req-1",
        customerId: "100",
        kind: "adjust",
        points: 25,
        sourceType: "manual",
        reason: "goodwill after a late parcel",
        effectiveAt: new Date("2026-11-01T00:00:00Z"),
      },
    });
    const r = await sendWebhook(app.baseUrl, {
      topic: "customers/data_request",
      shop: SHOP,
      body: {
        shop_id: 1,
        shop_domain: SHOP,
        customer: { id: 100, email: "ann@example.com" },
        orders_requested: [11, 12],
        data_request: { id: 9999 },
      },
    });
    expect(r.status).toBe(200);
    await app.drained();
    const request = await app.db.dataRequest.findUnique({ where: { shop_id: { shop: SHOP, id: "9999" } } });
    const payload = JSON.parse(request!.payload);
    expect(payload.customer.email).toBe("customer100@example.com");
    expect(payload.orders.map((o: { id: string }) => o.id).sort()).toEqual(["11", "12"]);
    expect(payload.value.netRevenue).toBe("30.00");
    expect(payload.loyalty.points).toEqual([
      expect.objectContaining({ kind: "adjust", points: 25, reason: "goodwill after a late parcel" }),
    ]);
    expect(payload.orders.find((o: { id: string }) => o.id === "11").discountCodes).toEqual(["ANN-SMITH-10"]);
    // What the retention model holds on them (null until a refit judged them) is part of the answer.
    expect(payload).toHaveProperty("retention", null);
  });
});

describe("customers/redact", () => {
  it("erases the customer's personal fields and their orders', in that shop only", async () => {
    const r = await sendWebhook(app.baseUrl, {
      topic: "customers/redact",
      shop: SHOP,
      body: { shop_id: 1, shop_domain: SHOP, customer: { id: 100, email: "ann@example.com" }, orders_to_redact: [11, 12] },
    });
    expect(r.status).toBe(200);
    await app.drained();
    const customer = await app.db.customer.findUnique({ where: { shop_id: { shop: SHOP, id: "100" } } });
    expect(customer).toMatchObject({ email: null, firstName: null, lastName: null, phone: null });
    expect(customer?.redactedAt).toBeInstanceOf(Date);
    const orders = await app.db.order.findMany({ where: { shop: SHOP, id: { in: ["11", "12"] } } });
    expect(orders.every((o) => o.email === null && o.discountCodes === null)).toBe(true);
    expect(await app.db.dataRequest.count({ where: { shop: SHOP, customerId: "100" } })).toBe(0);
    // the anonymous money stays, so the shop's figures do not change
    expect(
      (await app.db.customerValue.findUnique({ where: { shop_customerId: { shop: SHOP, customerId: "100" } } }))?.netRevenueMinor,
    ).toBe(3000n);
    // the other customer and the other shop are untouched
    expect((await app.db.order.findUnique({ where: { shop_id: { shop: SHOP, id: "13" } } }))?.email).toBe("bob@example.com");
    expect((await app.db.customer.findUnique({ where: { shop_id: { shop: OTHER, id: "100" } } }))?.email).toBe("customer100@example.com");
  });

  it("keeps a redacted customer's personal fields empty when a later order mentions them", async () => {
    await sendWebhook(app.baseUrl, {
      topic: "orders/updated",
      shop: SHOP,
      body: orderPayload({ id: 11, customerId: 100, total: "10.00", updatedAt: "2030-01-01T00:00:00Z" }),
    });
    await app.drained();
    expect((await app.db.customer.findUnique({ where: { shop_id: { shop: SHOP, id: "100" } } }))?.email).toBeNull();
  });
});

describe("customers/delete", () => {
  it("marks the customer deleted and keeps their orders", async () => {
    await sendWebhook(app.baseUrl, { topic: "customers/delete", shop: SHOP, body: { id: 200 } });
    await app.drained();
    expect((await app.db.customer.findUnique({ where: { shop_id: { shop: SHOP, id: "200" } } }))?.deletedAt).toBeInstanceOf(Date);
    expect(await app.db.order.count({ where: { shop: SHOP, customerId: "200" } })).toBe(1);
  });
});

describe("app lifecycle", () => {
  it("app/uninstalled deletes the sessions and marks the shop, twice without harm", async () => {
    for (let i = 0; i < 2; i++) {
      expect((await sendWebhook(app.baseUrl, { topic: "app/uninstalled", shop: SHOP, body: { id: 1, domain: SHOP } })).status).toBe(200);
    }
    await app.drained();
    expect(await app.db.session.count({ where: { shop: SHOP } })).toBe(0);
    expect((await app.db.shop.findUnique({ where: { shop: SHOP } }))?.uninstalledAt).toBeInstanceOf(Date);
    expect(await app.db.session.count({ where: { shop: OTHER } })).toBe(1);
  });

  it("app/scopes_update records the granted scopes", async () => {
    await sendWebhook(app.baseUrl, {
      topic: "app/scopes_update",
      shop: OTHER,
      body: { id: 1, previous: ["read_orders"], current: ["read_orders", "read_all_orders"] },
    });
    await app.drained();
    expect((await app.db.session.findFirst({ where: { shop: OTHER } }))?.scope).toBe("read_orders,read_all_orders");
    expect((await app.db.shop.findUnique({ where: { shop: OTHER } }))?.scopes).toBe("read_orders,read_all_orders");
  });

  it("shop/redact deletes every row of that shop and none of another", async () => {
    const r = await sendWebhook(app.baseUrl, { topic: "shop/redact", shop: SHOP, body: { shop_id: 1, shop_domain: SHOP } });
    expect(r.status).toBe(200);
    await app.drained();
    const tables = [
      app.db.order,
      app.db.lineItem,
      app.db.refund,
      app.db.customer,
      app.db.customerValue,
      app.db.webhookDelivery,
      app.db.dataRequest,
    ] as unknown as {
      count: (args: { where: { shop: string } }) => Promise<number>;
    }[];
    for (const table of tables) expect(await table.count({ where: { shop: SHOP } })).toBe(0);
    expect(await app.db.shop.count({ where: { shop: SHOP } })).toBe(0);
    expect(await app.db.order.count({ where: { shop: OTHER } })).toBe(3);
    expect(await app.db.refund.count({ where: { shop: OTHER } })).toBe(1);
  });
});
