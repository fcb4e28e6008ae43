// Install → backfill → refit against the local Admin API double, through the real worker: the bulk
// operation is started with the shop's offline token, its finish webhook arrives signed, the file is
// imported and the models are fitted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminApiDouble } from "../../testkit/admin-api-double/index";
import { startApp } from "../support/app-under-test";
import { TEST_API_SECRET } from "../support/environment";
import { waitFor } from "../support/webhooks";

const FULL = "backfill-full.myshopify.com";
const RECENT = "backfill-60-days.myshopify.com";
let double: Awaited<ReturnType<typeof startAdminApiDouble>>;
let app: Awaited<ReturnType<typeof startApp>>;

beforeAll(async () => {
  double = await startAdminApiDouble({
    port: 0,
    shops: [
      {
        shop: FULL,
        accessToken: "token-full",
        currencyCode: "EUR",
        ianaTimezone: "Europe/Berlin",
        synthetic: { seed: 5, customers: 300, endDate: "2026-06-30" },
      },
      {
        shop: RECENT,
        accessToken: "token-recent",
        scopes: ["read_orders", "read_customers", "write_customers", "read_products", "write_products"],
        now: "2026-06-30T00:00:00Z",
        synthetic: { seed: 6, customers: 300, endDate: "2026-06-30" },
      },
    ],
    bulk: { runningAfterMs: 50, completeAfterMs: 400 },
  });
  app = await startApp({ env: { NODE_ENV: "test", SHOPIFY_ADMIN_API_ORIGIN: double.origin, BACKFILL_POLL_MS: "60000" } });
  double.control.setWebhookTarget({ appUrl: app.baseUrl, apiSecret: TEST_API_SECRET });
  for (const [shop, accessToken] of [
    [FULL, "token-full"],
    [RECENT, "token-recent"],
  ]) {
    await app.db.session.create({
      data: { id: `offline_${shop}`, shop: shop!, state: "", accessToken: accessToken!, scope: "read_orders" },
    });
  }
});
afterAll(async () => {
  await app?.stop();
  await double?.close();
});

async function runBackfill(shop: string) {
  const { enqueueBackfillStep } = await import("~/queues/queues.server");
  await enqueueBackfillStep({ shop }); // what the install hook (afterAuth) does
  return waitFor(
    () => app.db.backfillRun.findFirst({ where: { shop }, orderBy: { startedAt: "desc" } }),
    (run) => run?.status === "completed" || run?.status === "failed",
    60_000,
  );
}

describe("backfill against the Admin API double", () => {
  it("imports the whole history after the finish webhook, then refits", async () => {
    const run = await runBackfill(FULL);
    expect(run).toMatchObject({ status: "completed", onlyLast60Days: false, error: null });
    // The poll was set to a minute: completion came from the signed bulk_operations/finish webhook.
    expect(await app.db.webhookDelivery.count({ where: { shop: FULL, topic: "bulk_operations/finish" } })).toBe(1);

    const [op] = double.control.bulkOperations(FULL);
    expect(run!.rootObjectCount).toBe(Number(op!.rootObjectCount));
    expect(await app.db.order.count({ where: { shop: FULL } })).toBe(run!.rootObjectCount);
    expect(await app.db.lineItem.count({ where: { shop: FULL } })).toBe(run!.objectCount - run!.rootObjectCount);
    expect((await app.db.shop.findUnique({ where: { shop: FULL } }))?.ianaTimezone).toBe("Europe/Berlin");

    await app.drained(60_000);
    const fit = await app.db.modelFit.findFirst({ where: { shop: FULL } });
    expect(fit?.status).toBe("fitted");
    expect(await app.db.customerValue.count({ where: { shop: FULL, modelFitId: fit!.id } })).toBe(fit!.customers);
  });

  it("says so when only the last 60 days are readable, and imports only those", async () => {
    const run = await runBackfill(RECENT);
    expect(run).toMatchObject({ status: "completed", onlyLast60Days: true });
    const oldest = await app.db.order.findFirst({ where: { shop: RECENT }, orderBy: { shopifyCreatedAt: "asc" } });
    expect(oldest!.shopifyCreatedAt.getTime()).toBeGreaterThanOrEqual(Date.parse("2026-05-01T00:00:00Z"));
  });

  it("does not start a second run while one is under way", async () => {
    const { startBackfill } = await import("~/backfill/backfill-run.server");
    double.control.setBulk({ shop: FULL, completeAfterMs: 5_000 });
    const first = await startBackfill(app.db, FULL);
    const second = await startBackfill(app.db, FULL);
    expect(second).toBe(first);
    expect(await app.db.backfillRun.count({ where: { shop: FULL, status: { in: ["created", "running", "importing"] } } })).toBe(1);
  });
});
