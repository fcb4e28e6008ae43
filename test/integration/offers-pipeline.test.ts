// Cross-sell end to end, through the real web server, Redis queues and worker, against the Admin API double:
// signed order webhooks → orders and line items → refit → mining → write-back → metafields in "Shopify";
// line items added from an offer (private property _clv_offer) attributed to it; and a product unpublished
// in Shopify (products/update) leaving the storefront lists.
//
// Two parts need the lead's wiring in app/webhooks/payloads.ts (not this helper's file): the `_clv_offer`
// line-item property → LineItem.offerId, and the products/* topics. Each part runs once its wiring is in
// (checked below through the app's own payload parser), and is skipped until then.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminApiDouble, type AdminApiDouble } from "../../testkit/admin-api-double/index";
import { startApp } from "../support/app-under-test";
import { TEST_API_SECRET } from "../support/environment";
import { orderPayload } from "../support/payloads";
import { installShop } from "../support/shops";
import { sendWebhook, waitFor } from "../support/webhooks";
import { isSupportedTopic, parseWebhookPayload } from "~/webhooks/payloads";

const SHOP = "pipeline-offers.myshopify.com";
const TOKEN = "shpat_pipeline_offers";
const gid = (id: number) => `gid://shopify/Product/${id}`;

/** The lead's wiring: an order's `_clv_offer` property reaches the normalised line item. */
const OFFER_PROPERTY_WIRED = (() => {
  const body = orderPayload({ id: 1, customerId: 1, lineItems: [{ id: 1, productId: 1, quantity: 1, price: "1.00" }] }) as {
    line_items: Record<string, unknown>[];
  };
  body.line_items[0].properties = [{ name: "_clv_offer", value: "offer-abc" }];
  const event = parseWebhookPayload("orders/create", body);
  return event.kind === "order" && (event.order.lineItems?.[0] as { offerId?: unknown } | undefined)?.offerId === "offer-abc";
})();
const PRODUCT_TOPICS_WIRED = isSupportedTopic("products/update") && isSupportedTopic("products/delete");

let double: AdminApiDouble;
let app: Awaited<ReturnType<typeof startApp>>;

function metafieldsOf(ownerId: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of double.control.getMetafields(SHOP, ownerId)) out[m.key] = m.value;
  return out;
}

/** An order of the given products (prices 20.00), some added from offers. */
function order(id: number, customerId: number, products: number[], daysAgo: number, offers: Record<number, string> = {}) {
  const at = new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 19) + "Z";
  const body = orderPayload({
    id,
    customerId,
    createdAt: at,
    total: (20 * products.length).toFixed(2),
    lineItems: products.map((productId, k) => ({ id: id * 10 + k, productId, quantity: 1, price: "20.00" })),
  }) as { line_items: Record<string, unknown>[] };
  body.line_items.forEach((line, k) => {
    const offerId = offers[products[k]];
    line.properties = offerId
      ? [
          { name: "_clv_offer", value: offerId },
          { name: "Engraving", value: "A.B." },
        ]
      : [];
  });
  return body;
}

async function send(bodies: unknown[]) {
  for (const body of bodies) {
    const { status, text } = await sendWebhook(app.baseUrl, { topic: "orders/create", shop: SHOP, body });
    expect(status, text).toBe(200);
  }
}

beforeAll(async () => {
  double = await startAdminApiDouble({ shops: [{ shop: SHOP, accessToken: TOKEN }] });
  for (let id = 1; id <= 6; id++) double.control.addProduct(SHOP, { id, title: `Product ${id}` });
  app = await startApp({ env: { NODE_ENV: "test", SHOPIFY_ADMIN_API_ORIGIN: double.origin } });
  double.control.setWebhookTarget({ appUrl: app.baseUrl, apiSecret: TEST_API_SECRET });
  await installShop(app.db, SHOP, { currencyCode: "USD", ianaTimezone: "UTC" });
  await app.db.session.create({
    data: {
      id: `offline_${SHOP}`,
      shop: SHOP,
      state: "",
      accessToken: TOKEN,
      scope: "read_orders,read_products,write_products,write_customers,write_discounts",
    },
  });
  // 1 and 2 bought together by 8 customers; 3, 4 and 6 by 4; customer 20 bought 1 alone.
  const bodies = [];
  for (let c = 1; c <= 8; c++) bodies.push(order(1000 + c, c, [1, 2], 30 + c));
  for (let c = 9; c <= 12; c++) bodies.push(order(1000 + c, c, [3, 4, 6], 30 + c));
  bodies.push(order(1020, 20, [1], 25));
  bodies.push(order(1021, 21, [5], 25));
  await send(bodies);
  await app.drained(30_000);
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await double?.close();
});

describe("from webhooks to the storefront's metafields", () => {
  it("the refit queues mining, which stores suggestions and lists and, offers being on, the write-back", async () => {
    const { startOffersExperiment } = await import("~/data/experiments.server");
    await startOffersExperiment(app.db, SHOP, 0.1);
    const { enqueueRefit } = await import("~/queues/queues.server");
    await enqueueRefit({ shop: SHOP, reason: "on_demand" });
    await app.drained(60_000);
    await waitFor(
      async () => metafieldsOf(gid(1)),
      (m) => m.cross_sell !== undefined,
      30_000,
    );
    const suggestions = await app.db.offerSuggestion.findMany({ where: { shop: SHOP }, orderBy: [{ productId: "asc" }] });
    expect(suggestions.map((s) => [s.productId, s.offeredProductId, s.orders]).sort()).toEqual([
      ["1", "2", 8],
      ["2", "1", 8],
      ["3", "4", 4],
      ["3", "6", 4],
      ["4", "3", 4],
      ["4", "6", 4],
      ["6", "3", 4],
      ["6", "4", 4],
    ]);
    expect(metafieldsOf(gid(1))).toEqual({ cross_sell: JSON.stringify([gid(2)]), cross_sell_offer: "cross_sell" });
    // Equal figures: product id order.
    expect(metafieldsOf(gid(3))).toEqual({ cross_sell: JSON.stringify([gid(4), gid(6)]), cross_sell_offer: "cross_sell" });
    // Customer 20 bought 1 alone: 2 is recommended.
    expect(metafieldsOf("gid://shopify/Customer/20")).toEqual({ recommendations: JSON.stringify([gid(2)]) });
    const installation = double.control.getMetafields(SHOP).find((m) => m.ownerType === "API_PERMISSION");
    expect(installation).toBeDefined();
    expect(metafieldsOf(installation!.ownerId)).toMatchObject({ offers_enabled: "true", offers_experiment: "offers-1" });
  });

  it.skipIf(!PRODUCT_TOPICS_WIRED)("a product unpublished in Shopify (products/update) leaves the lists within seconds", async () => {
    await double.control.setProduct(SHOP, gid(4), { publishedAt: null }, { notify: true });
    await waitFor(
      () => app.db.product.findUnique({ where: { shop_id: { shop: SHOP, id: "4" } } }),
      (p) => p?.publishedAt === null,
      10_000,
    );
    // The write-back waits a few seconds for more changes, then takes 4 out of the lists.
    await waitFor(
      async () => metafieldsOf(gid(3)),
      (m) => m.cross_sell === JSON.stringify([gid(6)]),
      20_000,
    );
    expect(metafieldsOf(gid(6)).cross_sell).toBe(JSON.stringify([gid(3)]));
    expect(metafieldsOf(gid(1)).cross_sell).toBe(JSON.stringify([gid(2)]));
  });
});

describe.skipIf(!OFFER_PROPERTY_WIRED)("attribution from line-item properties (needs the lead's _clv_offer wiring)", () => {
  it("stores the offer id of each line item added from an offer and counts the offer's orders and revenue", async () => {
    await send([
      order(2001, 31, [1, 2], 2, { 2: "offer-abc" }),
      order(2002, 32, [5, 2], 1, { 2: "offer-abc", 5: "personal" }),
      order(2003, 33, [6], 1, { 6: "bad offer id!" }), // not an offer id: ignored
    ]);
    await app.drained(30_000);
    const lines = await app.db.lineItem.findMany({
      where: { shop: SHOP, orderId: { in: ["2001", "2002", "2003"] } },
      orderBy: { id: "asc" },
    });
    expect(lines.map((l) => [l.orderId, l.productId, l.offerId])).toEqual([
      ["2001", "1", null],
      ["2001", "2", "offer-abc"],
      ["2002", "5", "personal"],
      ["2002", "2", "offer-abc"],
      ["2003", "6", null],
    ]);
    const { offerAttribution } = await import("~/data/offer-attribution.server");
    const attributed = await offerAttribution(app.db, SHOP);
    expect(attributed.get("offer-abc")).toEqual({
      offerId: "offer-abc",
      orders: 2,
      customers: 2,
      lineItems: 2,
      units: 2,
      revenueMinor: 4_000,
    });
    expect(attributed.get("personal")).toMatchObject({ orders: 1, revenueMinor: 2_000 });
  });
});
