// GDPR erasure reaches every copy the app keeps: after customers/redact and shop/redact, the personal data
// is neither in Redis (kept jobs: waiting, delayed, failed, completed; failure reasons; the event log)
// nor readable in the SQLite file's bytes (main file and WAL), not only absent from the rows.
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job } from "bullmq";
import { startApp } from "../support/app-under-test";
import { orderPayload } from "../support/payloads";
import { redisContents } from "../support/redis-contents";
import { installShop } from "../support/shops";
import { sendWebhook, waitFor } from "../support/webhooks";

const SHOP = "erasure.myshopify.com";
const ANN = { id: 100, email: "ann.erasure@example.com", first: "Annabelqx", last: "Erasurova", phone: "+15550100199" };
const BOB = { id: 200, email: "bob.erasure@example.com", first: "Bartholqx", last: "Shopredactov", phone: "+15550100299" };
type Person = typeof ANN;
const secretsOf = (p: Person) => [p.email, p.first, p.last, p.phone];

let app: Awaited<ReturnType<typeof startApp>>;

beforeAll(async () => {
  app = await startApp();
  await installShop(app.db, SHOP);
});
afterAll(async () => {
  await app?.stop();
});

function orderOf(person: Person, id: number): Record<string, unknown> {
  // A personal discount code (free text) carries the surname: it must go wherever the surname goes.
  const body = orderPayload({ id, customerId: person.id, total: "12.00", email: person.email, discountCodes: [`${person.last}10`] });
  Object.assign(body.customer as object, { email: person.email, first_name: person.first, last_name: person.last, phone: person.phone });
  return body;
}

/** Puts a job on the ingest queue as the route would, with options of the test's choosing. */
async function queueDirectly(id: string, body: Record<string, unknown>, options: { delay?: number; farFuture?: boolean } = {}) {
  const { parseWebhookPayload } = await import("~/webhooks/payloads");
  const { JOB } = await import("~/queues/jobs");
  const event = parseWebhookPayload("orders/create", body);
  // A far-future time cannot be stored: the job fails in the worker (a way to get a failed job holding the customer's data).
  if (options.farFuture && event.kind === "order") event.order.processedAt = "+275760-09-13T00:00:00.000Z";
  const data = { shop: SHOP, topic: "orders/create", deliveryKey: id, receivedAt: new Date().toISOString(), event };
  return app.queues().ingest.add(JOB.webhook, data, { jobId: `${SHOP}|orders/create|${id}`, attempts: 1, delay: options.delay });
}

async function settled() {
  await waitFor(
    () => app.queues().ingest.getJobCounts("waiting", "active", "prioritized"),
    (c) => Object.values(c).every((n) => n === 0),
  );
}

async function databaseBytes(): Promise<string> {
  const file = app.environment.dbFile;
  return [file, `${file}-wal`]
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f).toString("latin1"))
    .join("\n");
}

const leaks = (text: string, person: Person) => secretsOf(person).filter((s) => text.includes(s));

describe("customers/redact", () => {
  let delayed: Job;

  it("has the customer's data in Redis and in the database file before (the search can find it)", async () => {
    for (const id of [11, 12])
      expect((await sendWebhook(app.baseUrl, { topic: "orders/create", shop: SHOP, body: orderOf(ANN, id) })).status).toBe(200);
    await app.drained();
    // Neighbours written after her, in the same pages: the space her values leave is not simply reused by the next write.
    const others = Array.from({ length: 20 }, (_, i) =>
      orderPayload({ id: 500 + i, customerId: 500 + i, total: "3.00", email: `n${i}@example.com` }),
    );
    await Promise.all(others.map((body) => sendWebhook(app.baseUrl, { topic: "orders/create", shop: SHOP, body })));
    await app.drained();
    const failing = await queueDirectly("ann-13", orderOf(ANN, 13), { farFuture: true });
    await waitFor(
      () => failing.getState(),
      (s) => s === "failed",
    );
    delayed = await queueDirectly("ann-14", orderOf(ANN, 14), { delay: 3_600_000 });
    expect(leaks(await redisContents(app.environment.prefix), ANN)).toEqual(secretsOf(ANN));
    expect(leaks(await databaseBytes(), ANN).length).toBeGreaterThan(0);
  });

  it("leaves none of it in Redis or in the database file's bytes", async () => {
    const r = await sendWebhook(app.baseUrl, {
      topic: "customers/redact",
      shop: SHOP,
      body: {
        shop_id: 1,
        shop_domain: SHOP,
        customer: { id: ANN.id, email: ANN.email, phone: ANN.phone },
        orders_to_redact: [11, 12, 13, 14],
      },
    });
    expect(r.status).toBe(200);
    await waitFor(
      () => app.db.customer.findUnique({ where: { shop_id: { shop: SHOP, id: String(ANN.id) } } }),
      (c) => c?.redactedAt != null,
    );
    await settled();
    expect(leaks(await redisContents(app.environment.prefix), ANN)).toEqual([]);
    expect(leaks(await databaseBytes(), ANN)).toEqual([]);
  });

  it("still applies the scrubbed queued order: the money counts, the person does not", async () => {
    await delayed.promote();
    await app.drained();
    const order = await app.db.order.findUnique({ where: { shop_id: { shop: SHOP, id: "14" } } });
    expect(order).toMatchObject({ totalMinor: 1200n, email: null, customerId: String(ANN.id) });
    expect(await app.db.customer.findUnique({ where: { shop_id: { shop: SHOP, id: String(ANN.id) } } })).toMatchObject({
      email: null,
      firstName: null,
      lastName: null,
      phone: null,
    });
    expect(leaks(await redisContents(app.environment.prefix), ANN)).toEqual([]);
  });
});

describe("shop/redact", () => {
  it("leaves none of the shop's customers' data in Redis or in the database file's bytes", async () => {
    for (const id of [21, 22]) await sendWebhook(app.baseUrl, { topic: "orders/create", shop: SHOP, body: orderOf(BOB, id) });
    await app.drained();
    const failing = await queueDirectly("bob-23", orderOf(BOB, 23), { farFuture: true });
    await waitFor(
      () => failing.getState(),
      (s) => s === "failed",
    );
    await queueDirectly("bob-24", orderOf(BOB, 24), { delay: 3_600_000 });
    expect(leaks(await redisContents(app.environment.prefix), BOB)).toEqual(secretsOf(BOB));

    const r = await sendWebhook(app.baseUrl, { topic: "shop/redact", shop: SHOP, body: { shop_id: 1, shop_domain: SHOP } });
    expect(r.status).toBe(200);
    await waitFor(
      () => app.db.shop.count({ where: { shop: SHOP } }),
      (n) => n === 0,
    );
    await settled();

    const contents = await redisContents(app.environment.prefix);
    expect(leaks(contents, BOB)).toEqual([]);
    expect(leaks(contents, ANN)).toEqual([]);
    const bytes = await databaseBytes();
    expect(leaks(bytes, BOB)).toEqual([]);
    expect(leaks(bytes, ANN)).toEqual([]);
    // Nothing of the shop is kept in the queue: the delayed order is gone, not merely scrubbed.
    const kept = await app.queues().ingest.getJobs(["waiting", "delayed", "prioritized", "failed", "completed"]);
    expect(kept.filter((j) => j?.data?.shop === SHOP && j.data.event?.kind !== "shop_redact").map((j) => j.id)).toEqual([]);
  });
});
