// "Act on this list in Shopify": the customers list's tag and save-as-segment action, over real HTTP against
// the built app, calling the local Admin API double through the app's gateway. What the double holds
// afterwards is the check: exactly the listed customers carry the tag, and the segment targets the tag.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../support/app-under-test";
import { seedShop, type SeedSummary } from "../support/seed";
import { actionResult, bearerRequest, documentRequest, installOfflineSession, loaderData, sessionToken } from "../support/session-token";
import { startAdminApiDouble, type AdminApiDouble } from "../../testkit/admin-api-double/index";
import type { TagActionResult } from "~/routes/app.customers.tag";

const SHOP = "tags-shop.myshopify.com";
const READ_ONLY = "readonly-shop.myshopify.com";
const BIG = "tags-big.myshopify.com";
// The double finds the shop by its access token: one token per shop, stored in each offline session.
const tokenOf = (shop: string) => `token-${shop}`;
let double: AdminApiDouble;
let app: Awaited<ReturnType<typeof startApp>>;
let seeded: SeedSummary;

beforeAll(async () => {
  double = await startAdminApiDouble({
    shops: [
      { shop: SHOP, accessToken: tokenOf(SHOP), currencyCode: "USD" },
      { shop: BIG, accessToken: tokenOf(BIG), currencyCode: "USD" },
      { shop: READ_ONLY, accessToken: tokenOf(READ_ONLY), currencyCode: "USD", scopes: ["read_orders", "read_customers"] },
    ],
  });
  // The gateway talks to the double outside production (app/config.server.ts).
  app = await startApp({ workers: false, env: { NODE_ENV: "test", SHOPIFY_ADMIN_API_ORIGIN: double.origin } });
  await installOfflineSession(app.db, SHOP, "read_orders,read_all_orders,read_customers,write_customers");
  await installOfflineSession(app.db, BIG, "read_orders,read_all_orders,read_customers,write_customers");
  await installOfflineSession(app.db, READ_ONLY, "read_orders,read_customers");
  for (const shop of [SHOP, BIG, READ_ONLY])
    await app.db.session.update({ where: { id: `offline_${shop}` }, data: { accessToken: tokenOf(shop) } });
  seeded = await seedShop(app.db, { shop: SHOP, customers: 80, seed: 21 });
  await seedShop(app.db, { shop: BIG, customers: 300, seed: 22, orders: false, firstOrderId: 8_800_000 });
  await seedShop(app.db, { shop: READ_ONLY, customers: 5, seed: 23, orders: false, firstOrderId: 8_900_000 });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await double?.close();
});

async function tag(shop: string, fields: Record<string, string>) {
  const response = await bearerRequest(app.baseUrl, "/app/customers/tag.data", sessionToken({ shop }), {
    method: "POST",
    body: new URLSearchParams(fields),
  });
  return { status: response.status, result: (await actionResult<TagActionResult>(response)).data! };
}

const gid = (id: string) => `gid://shopify/Customer/${id}`;

describe("tagging the listed customers in Shopify", () => {
  it("tags exactly the customers of the filtered list and saves them as a segment built on the tag", async () => {
    const list = await loaderData<{ total: number; rows: { customerId: string }[] }>(
      app.baseUrl,
      "/app/customers?risk=1",
      "routes/app.customers._index",
      sessionToken({ shop: SHOP }),
    );
    expect(list.total).toBeGreaterThan(0);
    expect(list.total).toBeLessThanOrEqual(50);

    const { status, result } = await tag(SHOP, { risk: "1", tag: "clv-at-risk", saveSegment: "on", segmentName: "CLV at risk" });
    expect(status).toBe(200);
    expect(result).toMatchObject({ ok: true, tag: "clv-at-risk" });
    if (!result.ok) return;
    expect(result.outcome).toMatchObject({ tagged: list.total, failed: 0, segmentError: null });

    const listed = new Set(list.rows.map((r) => r.customerId));
    for (const c of seeded.customers) {
      expect(double.control.getTags(SHOP, gid(c.customerId)).includes("clv-at-risk"), c.customerId).toBe(listed.has(c.customerId));
    }
    const segments = double.control.getSegments(SHOP);
    expect(segments.map((s) => [s.name, s.query])).toEqual([["CLV at risk", "customer_tags CONTAINS 'clv-at-risk'"]]);
    expect(result.outcome.segment).toEqual({ id: segments[0].id, name: "CLV at risk" });

    // Shopify refuses a second segment of the same name: the tags are applied, the page says why there is no segment.
    const again = await tag(SHOP, { risk: "1", tag: "clv-at-risk-2", saveSegment: "on", segmentName: "CLV at risk" });
    expect(again.result).toMatchObject({
      ok: true,
      outcome: { tagged: list.total, segment: null, segmentError: "Name has already been taken" },
    });
  });

  it("refuses what it cannot do, and says why", async () => {
    expect((await tag(SHOP, { tag: "a,b" })).result).toEqual({ ok: false, problem: "tag_invalid" });
    expect((await tag(SHOP, { tag: "vip", saveSegment: "on" })).result).toEqual({ ok: false, problem: "segment_name_missing" });
    expect((await tag(SHOP, { tag: "vip", q: "nobody-has-this-name" })).result).toEqual({ ok: false, problem: "no_customers" });
    // Past 250 customers the list is tagged by a queued job (test/integration/customer-tagging-job.test.ts).
    const many = await tag(BIG, { tag: "everyone" });
    expect(many.status).toBe(202);
    expect(many.result).toMatchObject({ ok: true, queued: true, count: 300, tag: "everyone" });
    expect(double.control.getTags(BIG, gid("1000"))).toEqual([]);
    const readOnly = await tag(READ_ONLY, { tag: "vip" });
    expect(readOnly.status).toBe(403);
    expect(readOnly.result).toEqual({ ok: false, problem: "missing_scope" });
  });

  it("shows the form on the list, disabled without the permission to edit customers", async () => {
    const page = await (await documentRequest(app.baseUrl, "/app/customers", READ_ONLY, sessionToken({ shop: READ_ONLY }))).text();
    expect(page).toContain("Act on this list in Shopify");
    expect(page).toContain("The app needs permission to edit customers (write_customers)");
  });
});
