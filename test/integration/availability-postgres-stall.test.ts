// Issue 10, item 11: a stalled PostgreSQL connection must fail the worker's job (which is retried later)
// instead of freezing the worker, and SIGTERM must stop the worker in bounded time even while a job is
// stuck. The worker runs as its own process (`npm run worker`) and reaches PostgreSQL through a TCP proxy
// that the test can freeze: frozen, it accepts connections and forwards nothing, as a hung server or a
// broken network path would.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { isolatedEnvironment, removeRedisKeys } from "../support/environment";
import { orderPayload } from "../support/payloads";
import { freshPostgresSchema } from "../support/postgres";
import { installShop } from "../support/shops";
import { waitFor } from "../support/webhooks";

const SHOP = "stall.myshopify.com";
const STOP_WITHIN_MS = 15_000;

/** A TCP proxy to PostgreSQL that can be frozen (and thawed: new connections flow again). */
async function freezableProxy(target: URL) {
  let frozen = false;
  const pairs: { client: Socket; upstream: Socket | null }[] = [];
  const server: Server = createServer((client) => {
    client.on("error", () => {});
    const pair = { client, upstream: null as Socket | null };
    pairs.push(pair);
    if (frozen) return; // accepted, never answered: the connection's handshake stalls
    const upstream = connect(Number(target.port || 5432), target.hostname);
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    pair.upstream = upstream;
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    freeze() {
      frozen = true;
      for (const { client, upstream } of pairs) {
        client.unpipe();
        upstream?.unpipe();
        client.pause();
        upstream?.pause();
      }
    },
    thaw() {
      frozen = false;
    },
    close: () => {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream?.destroy();
      }
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let environment: ReturnType<typeof isolatedEnvironment>;
let postgres: Awaited<ReturnType<typeof freshPostgresSchema>>;
let proxy: Awaited<ReturnType<typeof freezableProxy>>;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  postgres = await freshPostgresSchema();
  environment = isolatedEnvironment({ DATABASE_URL: postgres.url });
  proxy = await freezableProxy(new URL(postgres.url));
  const { db } = await import("~/db.server");
  await installShop(await db(), SHOP);
});
afterAll(async () => {
  if (worker && worker.exitCode === null && worker.signalCode === null) worker.kill("SIGKILL");
  const { closeQueues } = await import("~/queues/queues.server");
  const { disconnectDb } = await import("~/db.server");
  await closeQueues();
  await disconnectDb();
  await proxy?.close();
  await postgres?.drop();
  await removeRedisKeys(environment.prefix);
  environment.cleanup();
});

function startWorker(databaseUrl: string): Promise<ChildProcess> {
  const child = spawn("node", ["--import", "tsx", "app/worker/worker.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      WORKER_CONCURRENCY: "4",
      // Short limits, so that the test sees in seconds what production sees within its (longer) limits.
      PG_CONNECT_TIMEOUT_MS: "1000",
      PG_STATEMENT_TIMEOUT_MS: "1000",
      WORKER_SHUTDOWN_TIMEOUT_MS: "500",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr!.resume();
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("started") && resolve(child));
    child.on("exit", (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

async function enqueueOrder(id: number) {
  const { enqueueWebhook, queues, webhookJobId } = await import("~/queues/queues.server");
  const { parseWebhookPayload } = await import("~/webhooks/payloads");
  const job = {
    shop: SHOP,
    topic: "orders/create",
    deliveryKey: `stall-${id}`,
    receivedAt: new Date().toISOString(),
    event: parseWebhookPayload("orders/create", orderPayload({ id, customerId: 5, total: "10.00" })),
  };
  await enqueueWebhook(job);
  return async () => (await queues().ingest.getJob(webhookJobId(job)))!;
}

async function orderCount() {
  const { db } = await import("~/db.server");
  return (await db()).order.count({ where: { shop: SHOP } });
}

it("fails and retries a job on a stalled connection instead of hanging, and stops on SIGTERM in bounded time", async () => {
  const proxied = new URL(postgres.url);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(proxy.port);
  worker = await startWorker(proxied.toString());

  // Through the proxy, flowing: the order is stored.
  await enqueueOrder(1);
  await waitFor(orderCount, (n) => n === 1, 15_000);

  // Frozen: the next job's queries get no answer. Its attempts fail (they do not hang) and it stays queued
  // for a retry, not failed for good.
  proxy.freeze();
  const second = await enqueueOrder(2);
  const retrying = await waitFor(
    async () => {
      const job = await second();
      return { attemptsMade: job.attemptsMade, state: await job.getState(), reason: job.failedReason };
    },
    (s) => s.attemptsMade >= 1 && s.state !== "active",
    15_000,
  );
  expect(["delayed", "waiting"]).toContain(retrying.state);
  expect(retrying.reason).toMatch(/timeout|terminated/i);

  // Thawed: the retry goes through, once.
  proxy.thaw();
  await waitFor(orderCount, (n) => n === 2, 20_000);

  // Frozen again, with a job stuck in its attempt: SIGTERM stops the worker within the bound (its stop is
  // forced: exit code 1) and the stuck job is handed back to the queue for the next worker.
  proxy.freeze();
  const third = await enqueueOrder(3);
  await waitFor(
    async () => (await third()).getState(),
    (state) => state === "active",
    10_000,
  );
  const exited = new Promise<number | null>((resolve) => worker!.on("exit", resolve));
  const signalledAt = Date.now();
  worker.kill("SIGTERM");
  const code = await Promise.race([
    exited,
    new Promise<"still running">((r) => setTimeout(() => r("still running"), STOP_WITHIN_MS + 5_000)),
  ]);
  expect(code).toBe(1);
  expect(Date.now() - signalledAt).toBeLessThan(STOP_WITHIN_MS);
  expect(await (await third()).getState()).toBe("waiting");
  expect(await orderCount()).toBe(2);
});

it("keeps an ingest job retrying for longer than Shopify's own 4 hours of redeliveries", async () => {
  const { ingestJobOptions, ingestRetryDelayMs, INGEST_BACKOFF_TYPE } = await import("~/queues/queues.server");
  const { Backoffs } = await import("bullmq");
  // The delays BullMQ will wait between the attempts, computed by BullMQ itself from the job options and
  // the worker's strategy, the way Job.moveToFailed does (attemptsMade + 1 after each failure).
  const strategy = (attemptsMade: number, type?: string) => (type === INGEST_BACKOFF_TYPE ? ingestRetryDelayMs(attemptsMade) : -1);
  const attempts = ingestJobOptions.attempts!;
  const backoff = Backoffs.normalize(ingestJobOptions.backoff!)!;
  let totalMs = 0;
  for (let failures = 1; failures < attempts; failures++) {
    totalMs += (await Backoffs.calculate(backoff, failures, new Error("down"), {} as never, strategy)) ?? 0;
  }
  expect(totalMs).toBeGreaterThanOrEqual(4 * 3600_000);
  // No single wait is so long that a recovered database leaves orders waiting for hours.
  for (let failures = 1; failures < attempts; failures++) expect(ingestRetryDelayMs(failures)).toBeLessThanOrEqual(5 * 60_000);
  // Completed jobs leave Redis at once: their payloads hold personal data (the WebhookDelivery table dedupes).
  expect(ingestJobOptions.removeOnComplete).toBe(true);
});
