// npm run demo — the whole product on this machine, with no Shopify account: a demo shop installs the
// app, its order history (a seeded synthetic shop, ~DEMO_CUSTOMERS customers) is backfilled from the
// local Admin API double through the real bulk-operation path and the real worker, the models are
// fitted, live webhooks signed like Shopify's arrive, and the embedded admin opens from a printed URL.
// Needs: `npm run setup` done, Redis running. Stops cleanly on Ctrl-C.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { Redis } from "ioredis";
import { startAdminApiDouble } from "../testkit/admin-api-double/index";
import { embeddedUrl, sessionToken } from "../test/support/session-token";
import { orderPayload } from "../test/support/payloads";

const root = path.resolve(import.meta.dirname, "..");
const SHOP = "demo-shop.myshopify.com";
const ACCESS_TOKEN = "demo-offline-token";
const PORT = Number(process.env.DEMO_PORT ?? process.env.PORT ?? 3000);
const CUSTOMERS = Number(process.env.DEMO_CUSTOMERS ?? 20_000);
const LIVE_WEBHOOKS = Number(process.env.DEMO_WEBHOOKS ?? 120);
const runId = randomUUID().slice(0, 8);
const dbFile = path.join(root, ".tmp", "demo", "demo.sqlite");
const say = (text: string) => console.log(`\x1b[1m▸\x1b[0m ${text}`);

async function main() {
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  probe.on("error", () => {});
  try {
    await probe.connect();
    await probe.ping();
  } catch {
    throw new Error(`Redis is not reachable at ${redisUrl}: start it (README, "Requirements") and run the demo again`);
  } finally {
    probe.disconnect();
  }
  if (!existsSync(path.join(root, "build/server/index.js")))
    throw new Error("no build found: run `npm run setup` (or `npm run build`) first");

  say("fresh demo database");
  mkdirSync(path.dirname(dbFile), { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
  Object.assign(process.env, {
    NODE_ENV: "development", // lets the app talk to the local Admin API double (ignored in production)
    PORT: String(PORT),
    DATABASE_URL: `file:${dbFile}`,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `demo-${runId}`,
    SHOPIFY_API_KEY: "demo-api-key",
    SHOPIFY_API_SECRET: "demo-api-secret",
    SHOPIFY_APP_URL: `http://localhost:${PORT}`,
    BACKFILL_POLL_MS: "2000",
  });
  execFileSync("npx", ["prisma", "migrate", "deploy"], { cwd: root, env: process.env, stdio: "pipe" });

  say(`local Shopify Admin API double with a synthetic shop of ~${CUSTOMERS.toLocaleString("en-US")} customers`);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const double = await startAdminApiDouble({
    port: 0,
    shops: [
      {
        shop: SHOP,
        accessToken: ACCESS_TOKEN,
        name: "Demo Outfitters",
        currencyCode: "USD",
        ianaTimezone: "America/New_York",
        synthetic: { seed: 2026, customers: CUSTOMERS, endDate: yesterday, spanDays: 730 },
      },
    ],
    bulk: { runningAfterMs: 200, completeAfterMs: 2_000 },
  });
  process.env.SHOPIFY_ADMIN_API_ORIGIN = double.origin;

  say("starting the app (web) and the worker");
  const { startWebServer } = await import("../server");
  const web = await startWebServer({ port: PORT, quiet: true });
  const { startWorkers } = await import("../app/worker/workers.server");
  const workers = await startWorkers({ concurrency: 32 });
  double.control.setWebhookTarget({ appUrl: `http://127.0.0.1:${web.port}`, apiSecret: process.env.SHOPIFY_API_SECRET! });
  const { db } = await import("../app/db.server");
  const client = await db();

  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping: worker finishes its jobs, then web, Admin API double and Redis keys go");
    await workers.close();
    await web.close();
    await double.close();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`demo-${runId}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  say("install: the shop's offline session is stored, as the OAuth token exchange would");
  await client.session.create({
    data: {
      id: `offline_${SHOP}`,
      shop: SHOP,
      state: "",
      isOnline: false,
      accessToken: ACCESS_TOKEN,
      scope: "read_orders,read_all_orders,read_customers,write_customers",
    },
  });
  const { markShopInstalled } = await import("../app/data/lifecycle.server");
  const { enqueueBackfillStep } = await import("../app/queues/queues.server");
  await markShopInstalled(client, SHOP, {});
  await enqueueBackfillStep({ shop: SHOP }); // exactly what the app's afterAuth hook does on a first install

  say("backfill: bulk operation on the double → bulk_operations/finish webhook → streamed import");
  const startedAt = Date.now();
  let last = "";
  for (;;) {
    const run = await client.backfillRun.findFirst({ where: { shop: SHOP }, orderBy: { startedAt: "desc" } });
    const line = run
      ? `  ${run.status.padEnd(10)} ${run.linesImported.toLocaleString("en-US").padStart(9)} lines` +
        (run.objectCount
          ? ` of ${run.objectCount.toLocaleString("en-US")} (${Math.min(100, Math.round((run.linesImported / run.objectCount) * 100))} %)`
          : "")
      : "  waiting for the worker";
    if (line !== last) console.log(line);
    last = line;
    if (run?.status === "failed") throw new Error(`backfill failed: ${run.error}`);
    if (run?.status === "completed") break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  const orders = await client.order.count({ where: { shop: SHOP } });
  say(
    `imported ${orders.toLocaleString("en-US")} orders in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; fitting BG/NBD + Gamma-Gamma`,
  );
  for (;;) {
    const fit = await client.modelFit.findFirst({ where: { shop: SHOP }, orderBy: { fittedAt: "desc" } });
    if (fit) {
      const p = JSON.parse(fit.params);
      say(
        `model ${fit.status} on ${fit.customers.toLocaleString("en-US")} customers in ${fit.durationMs} ms` +
          (p.bgnbd
            ? `: r ${p.bgnbd.params.r.toFixed(3)}, α ${p.bgnbd.params.alpha.toFixed(2)}, a ${p.bgnbd.params.a.toFixed(3)}, b ${p.bgnbd.params.b.toFixed(3)}`
            : ` (${fit.reason})`),
      );
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }

  say(`live webhooks: ${LIVE_WEBHOOKS} orders/create from returning customers, signed like Shopify's`);
  const regulars = await client.customerValue.findMany({
    where: { shop: SHOP },
    orderBy: { netRevenueMinor: "desc" },
    take: 40,
    select: { customerId: true },
  });
  for (let i = 0; i < LIVE_WEBHOOKS && !stopping; i++) {
    const customerId = regulars[i % Math.max(1, regulars.length)]?.customerId ?? String(i);
    const body = orderPayload({
      id: 9_000_000_000 + i,
      customerId,
      total: `${20 + (i % 80)}.${String((i * 37) % 100).padStart(2, "0")}`,
      createdAt: new Date().toISOString(),
    });
    await double.control.sendWebhook({ topic: "orders/create", shop: SHOP, body });
    if ((i + 1) % 40 === 0) console.log(`  sent ${i + 1}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  await double.control.webhooksSettled();

  const token = sessionToken({ shop: SHOP, secret: process.env.SHOPIFY_API_SECRET, apiKey: process.env.SHOPIFY_API_KEY, expiresIn: 3600 });
  const base = `http://localhost:${web.port}`;
  console.log("\nOpen the embedded admin (the session token in the URL is valid for an hour; restart the demo for a new one):");
  for (const [name, page] of [
    ["Dashboard", "/app"],
    ["Customers", "/app/customers"],
    ["Sync status", "/app/sync"],
  ]) {
    console.log(`  ${name.padEnd(12)} ${embeddedUrl(base, page!, SHOP, token)}`);
  }
  console.log("\nCtrl-C stops the demo.");
}

main().catch((error) => {
  console.error(`demo failed: ${(error as Error).message}`);
  process.exit(1);
});
