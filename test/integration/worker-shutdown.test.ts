// `npm run worker` as its own process: SIGTERM while jobs flow finishes the active ones, leaves the rest
// queued, exits 0; a second worker then completes them. Nothing is lost, nothing is applied twice.
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { isolatedEnvironment, removeRedisKeys } from "../support/environment";
import { orderPayload } from "../support/payloads";
import { installShop } from "../support/shops";

let environment: ReturnType<typeof isolatedEnvironment>;

beforeAll(() => {
  environment = isolatedEnvironment();
});
afterAll(async () => {
  const { closeQueues } = await import("~/queues/queues.server");
  const { disconnectDb } = await import("~/db.server");
  await closeQueues();
  await disconnectDb();
  await removeRedisKeys(environment.prefix);
  environment.cleanup();
});

function startWorker(): Promise<ChildProcess> {
  const child = spawn("node", ["--import", "tsx", "app/worker/worker.ts"], {
    env: { ...process.env, WORKER_CONCURRENCY: "8" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("started") && resolve(child));
    child.on("exit", (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

it("stops on SIGTERM without losing or repeating a job", async () => {
  const { enqueueWebhook, queues } = await import("~/queues/queues.server");
  const { parseWebhookPayload } = await import("~/webhooks/payloads");
  const { db } = await import("~/db.server");
  const shop = "shutdown.myshopify.com";
  const client = await db();
  await installShop(client, shop);
  const JOBS = 400;
  for (let i = 0; i < JOBS; i++) {
    const event = parseWebhookPayload(
      "orders/create",
      orderPayload({ id: 50_000 + i, customerId: 7, total: "1.00", createdAt: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString() }),
    );
    await enqueueWebhook({ shop, topic: "orders/create", deliveryKey: `d-${i}`, receivedAt: new Date().toISOString(), event });
  }

  // Completed ingest jobs leave Redis at once (removeOnComplete): the database says what was applied.
  const applied = () => client.order.count({ where: { shop } });
  const first = await startWorker();
  const ingest = queues().ingest;
  for (let i = 0; i < 200 && (await applied()) < 20; i++) await new Promise((r) => setTimeout(r, 10));
  const exited = new Promise<number | null>((resolve) => first.on("exit", resolve));
  first.kill("SIGTERM");
  expect(await exited).toBe(0);

  const counts = await ingest.getJobCounts("active", "waiting", "completed", "failed", "delayed");
  const done = await applied();
  expect(counts.active).toBe(0);
  expect(counts.failed).toBe(0);
  expect(counts.completed).toBe(0);
  expect(done + counts.waiting + counts.delayed).toBe(JOBS);
  expect(done).toBeGreaterThan(0);
  expect(done).toBeLessThan(JOBS); // it really stopped mid-way (SIGTERM came early)

  const second = await startWorker();
  for (let i = 0; i < 600 && (await applied()) < JOBS; i++) await new Promise((r) => setTimeout(r, 50));
  second.kill("SIGTERM");
  expect(await client.order.count({ where: { shop } })).toBe(JOBS);
  expect((await client.customerValue.findUnique({ where: { shop_customerId: { shop, customerId: "7" } } }))?.orderCount).toBe(JOBS);
  expect(await client.webhookDelivery.count({ where: { shop } })).toBe(JOBS);
});
