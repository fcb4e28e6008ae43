// shop/redact against queued work, on each database: whatever order the jobs run in, nothing of the shop
// remains after it or comes back later; deliveries for a shop that is not installed are acknowledged and
// store nothing (also through the backfill's ingest); installing again makes the shop count again.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { startApp } from "./app-under-test";
import { orderPayload, refundPayload } from "./payloads";
import { redisContents } from "./redis-contents";
import { installShop } from "./shops";
import { sendWebhook } from "./webhooks";

export function shopRedactSuite(start: () => ReturnType<typeof startApp>, options: { postgresSchema?: () => string } = {}) {
  const SHOP = "redacted-shop.myshopify.com";
  const NEVER = "never-installed.myshopify.com";
  const NEIGHBOUR = "neighbour-shop.myshopify.com";
  let app: Awaited<ReturnType<typeof startApp>>;

  beforeAll(async () => {
    app = await start();
    await installShop(app.db, SHOP);
    await installShop(app.db, NEIGHBOUR);
  });
  afterAll(async () => {
    await app?.stop();
  });

  /** Rows of every table that is keyed by shop (the redaction list, itself checked against the schema). */
  async function rowsOf(shop: string): Promise<Record<string, number>> {
    const { SHOP_REDACTION_TABLES } = await import("~/data/lifecycle.server");
    const counts: Record<string, number> = {};
    for (const table of SHOP_REDACTION_TABLES) {
      const placeholder = options.postgresSchema ? "$1" : "?";
      const [row] = await app.db.$queryRawUnsafe<{ n: number | bigint }[]>(
        `SELECT COUNT(*) AS n FROM "${table}" WHERE "shop" = ${placeholder}`,
        shop,
      );
      counts[table] = Number(row.n);
    }
    return counts;
  }
  async function expectNothingOf(shop: string) {
    const rows = await rowsOf(shop);
    expect(rows).toEqual(Object.fromEntries(Object.keys(rows).map((table) => [table, 0])));
  }

  const send = (shop: string, topic: string, body: unknown) => sendWebhook(app.baseUrl, { topic, shop, body });
  const order = (id: number, customerId: number | null = 700 + (id % 5)) =>
    orderPayload({ id, customerId, total: `${id % 90}.25`, email: `buyer${id}@example.com` });

  /** Every kind of delivery a shop can receive, after its redaction. */
  async function everyKindOfDelivery(shop: string, firstId: number) {
    const statuses = [
      await send(shop, "orders/create", order(firstId)),
      await send(shop, "orders/updated", order(firstId + 1, null)),
      await send(shop, "refunds/create", refundPayload({ id: firstId + 2, orderId: firstId, amount: "1.00" })),
      await send(shop, "customers/update", { id: 701, email: "late@example.com", first_name: "Late", updated_at: "2030-01-01T00:00:00Z" }),
      await send(shop, "customers/delete", { id: 702 }),
      await send(shop, "customers/redact", { customer: { id: 703 }, orders_to_redact: [firstId] }),
      await send(shop, "customers/data_request", { customer: { id: 701 }, orders_requested: [firstId], data_request: { id: firstId } }),
      await send(shop, "app/scopes_update", { previous: [], current: ["read_orders"] }),
      await send(shop, "app/uninstalled", { id: 1 }),
    ].map((r) => r.status);
    expect(statuses.every((s) => s === 200)).toBe(true);
  }

  it("acknowledges deliveries for a shop that was never installed and stores nothing, in Redis neither", async () => {
    await everyKindOfDelivery(NEVER, 100);
    await app.drained();
    await expectNothingOf(NEVER);
    expect(await redisContents(app.environment.prefix)).not.toContain("buyer100@example.com");
  });

  it("stores nothing through the backfill's ingest for a shop that is not installed", async () => {
    const { ingestBatch } = await import("~/data/ingest.server");
    const { parseWebhookPayload } = await import("~/webhooks/payloads");
    const event = parseWebhookPayload("orders/create", order(150));
    if (event.kind !== "order") throw new Error("not an order");
    await ingestBatch(app.db, NEVER, [{ orders: [event.order] }], { deferCustomerValues: true });
    await expectNothingOf(NEVER);
  });

  it("removes orders queued before and after shop/redact, whichever runs first, and nothing comes back", async () => {
    // An order the shop already has, a refit waiting for it, and a neighbour that must not be touched.
    await send(SHOP, "orders/create", order(1));
    await send(NEIGHBOUR, "orders/create", order(1));
    await app.drained();
    const { enqueueRefit } = await import("~/queues/queues.server");
    await enqueueRefit({ shop: SHOP, reason: "on_demand" }, 3_600_000);

    // Queue a burst around the redaction while the worker is paused, then let it take them all at once.
    await app.workers!.ingest.pause(true);
    try {
      const before = Array.from({ length: 40 }, (_, i) => send(SHOP, "orders/create", order(200 + i)));
      expect((await Promise.all(before)).every((r) => r.status === 200)).toBe(true);
      expect((await send(SHOP, "shop/redact", { shop_id: 1, shop_domain: SHOP })).status).toBe(200);
      const after = Array.from({ length: 40 }, (_, i) => send(SHOP, "orders/create", order(300 + i)));
      expect((await Promise.all(after)).every((r) => r.status === 200)).toBe(true);
    } finally {
      app.workers!.ingest.resume();
    }
    await app.drained();
    await expectNothingOf(SHOP);

    await everyKindOfDelivery(SHOP, 400);
    await app.drained();
    await expectNothingOf(SHOP);
    const analytics = await app.queues().analytics.getJobs(["waiting", "delayed", "prioritized"]);
    expect(analytics.filter((j) => j?.data?.shop === SHOP)).toEqual([]);
    expect(await app.db.order.count({ where: { shop: NEIGHBOUR } })).toBe(1);
  });

  if (options.postgresSchema) {
    it("vacuums the tables the redaction emptied (PostgreSQL keeps dead rows until then)", async () => {
      const vacuumed = await app.db.$queryRawUnsafe<{ relname: string }[]>(
        `SELECT relname::text AS relname FROM pg_stat_user_tables WHERE schemaname = $1 AND last_vacuum IS NOT NULL`,
        options.postgresSchema!(),
      );
      expect(vacuumed.map((t) => t.relname)).toEqual(expect.arrayContaining(["Order", "Customer", "LineItem", "WebhookDelivery"]));
    });
  }

  it("counts the shop again once it is installed again", async () => {
    await installShop(app.db, SHOP);
    await send(SHOP, "orders/create", order(500, 901));
    await app.drained();
    expect(await app.db.order.count({ where: { shop: SHOP } })).toBe(1);
    const value = await app.db.customerValue.findUnique({ where: { shop_customerId: { shop: SHOP, customerId: "901" } } });
    expect(value?.orderCount).toBe(1);
  });
}
