// npm run demo — the whole product on this machine, with no Shopify account: a demo shop installs the
// app, its order history (a seeded synthetic shop, ~DEMO_CUSTOMERS customers) is backfilled from the
// local Admin API double through the real bulk-operation path and the real worker, the models are
// fitted, live webhooks signed like Shopify's arrive, and the embedded admin opens from printed links.
// Needs: `npm run setup` done, Redis running. Stops cleanly on Ctrl-C.
//
// Opening the pages without the Shopify admin: in the admin, App Bridge gives every request a fresh
// session token. Here a small launcher (loopback only) does it: each printed link asks the launcher, which
// signs a session token for the demo shop and sends the browser on to the page with it; links inside the
// app carry that token while there is no App Bridge (app/components/app-links.ts). No token is printed or
// logged; when one expires (an hour), open a printed link again.
import { execFileSync } from "node:child_process";
import { createServer, type Server } from "node:http";
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
/** The launcher of the printed links: the next port. */
const LAUNCHER_PORT = Number(process.env.DEMO_LAUNCHER_PORT ?? PORT + 1);
/** Loopback unless asked otherwise: the demo's pages open with a valid session token for anyone who reaches them. */
const HOST = process.env.DEMO_HOST ?? "127.0.0.1";
const CUSTOMERS = Number(process.env.DEMO_CUSTOMERS ?? 20_000);
const LIVE_WEBHOOKS = Number(process.env.DEMO_WEBHOOKS ?? 120);
const runId = randomUUID().slice(0, 8);
/** QUEUE_PREFIX when given (the demo then leaves its keys in place); else a prefix of its own, removed on exit. */
const QUEUE_PREFIX = process.env.QUEUE_PREFIX || `demo-${runId}`;
const ownPrefix = !process.env.QUEUE_PREFIX;
const dbFile = path.join(root, ".tmp", "demo", "demo.sqlite");
const say = (text: string) => console.log(`\x1b[1m▸\x1b[0m ${text}`);

/** The launcher: /<page> → the app's page with a freshly signed session token, as the admin's iframe opens it. */
function startLauncher(appBase: string): Promise<Server> {
  const pages = new Map([
    ["/", "/app"],
    ["/dashboard", "/app"],
    ["/customers", "/app/customers"],
    ["/sync", "/app/sync"],
  ]);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://launcher");
    const customer = /^\/customers\/(\d{1,20})$/.exec(url.pathname)?.[1];
    const page = customer ? `/app/customers/${customer}` : pages.get(url.pathname);
    if (!page) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("unknown page\n");
      return;
    }
    const token = sessionToken({
      shop: SHOP,
      secret: process.env.SHOPIFY_API_SECRET,
      apiKey: process.env.SHOPIFY_API_KEY,
      expiresIn: 3600,
    });
    const locale = url.searchParams.get("locale") ?? "en";
    res.writeHead(302, { Location: embeddedUrl(appBase, page, SHOP, token, { locale }), "Cache-Control": "no-store" }).end();
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(LAUNCHER_PORT, HOST, () => resolve(server));
  });
}

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
    QUEUE_PREFIX,
    SHOPIFY_API_KEY: "demo-api-key",
    SHOPIFY_API_SECRET: "demo-api-secret",
    SHOPIFY_APP_URL: `http://localhost:${PORT}`,
    BACKFILL_POLL_MS: "2000",
    // Warnings and errors only: no line per request (read by app/shopify.server.ts's logger setting).
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warning",
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

  say(`starting the app (web, on ${HOST}) and the worker; queue keys under "${QUEUE_PREFIX}:"`);
  const { startWebServer } = await import("../server");
  const web = await startWebServer({ port: PORT, host: HOST, quiet: true });
  const { startWorkers } = await import("../app/worker/workers.server");
  const workers = await startWorkers({ concurrency: 32 });
  // The address webhooks are sent to, and the host of the printed links: the host the app listens on (an
  // "every interface" address is reached on loopback; an IPv6 literal goes in brackets).
  const everyInterface = HOST === "0.0.0.0" || HOST === "::";
  const reachableHost = everyInterface ? "127.0.0.1" : HOST.includes(":") ? `[${HOST}]` : HOST;
  const linkHost = everyInterface ? "localhost" : reachableHost;
  double.control.setWebhookTarget({ appUrl: `http://${reachableHost}:${web.port}`, apiSecret: process.env.SHOPIFY_API_SECRET! });
  const { db } = await import("../app/db.server");
  const client = await db();
  const launcher = await startLauncher(`http://${linkHost}:${web.port}`);

  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    console.log(`\nstopping: worker finishes its jobs, then web, launcher, Admin API double${ownPrefix ? " and Redis keys" : ""} go`);
    await workers.close();
    await web.close();
    await new Promise<void>((resolve) => launcher.close(() => resolve()));
    await double.close();
    if (ownPrefix) {
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${QUEUE_PREFIX}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
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
  // Each order carries its customer as Shopify has them (name, email), so the live orders change no one's profile.
  const profiles = new Map(
    (
      await client.customer.findMany({
        where: { shop: SHOP, id: { in: regulars.map((r) => r.customerId) } },
        select: { id: true, firstName: true, lastName: true, email: true, phone: true, shopifyCreatedAt: true, shopifyUpdatedAt: true },
      })
    ).map((p) => [p.id, p]),
  );
  for (let i = 0; i < LIVE_WEBHOOKS && !stopping; i++) {
    const customerId = regulars[i % Math.max(1, regulars.length)]?.customerId ?? String(i);
    const body = orderPayload({
      id: 9_000_000_000 + i,
      customerId,
      total: `${20 + (i % 80)}.${String((i * 37) % 100).padStart(2, "0")}`,
      createdAt: new Date().toISOString(),
    });
    const profile = profiles.get(customerId);
    if (profile) wearProfile(body, profile);
    await double.control.sendWebhook({ topic: "orders/create", shop: SHOP, body });
    if ((i + 1) % 40 === 0) console.log(`  sent ${i + 1}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  await double.control.webhooksSettled();

  const launch = `http://${linkHost}:${LAUNCHER_PORT}`;
  const top = regulars[0]?.customerId;
  console.log("\nOpen the embedded admin (each link signs a fresh session token; add ?locale=fr for French):");
  for (const [name, page] of [
    ["Dashboard", "/dashboard"],
    ["Customers", "/customers"],
    ...(top ? [["Top customer", `/customers/${top}`]] : []),
    ["Sync status", "/sync"],
  ]) {
    console.log(`  ${name!.padEnd(13)} ${launch}${page}`);
  }
  console.log("\nCtrl-C stops the demo.");
}

interface Profile {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  shopifyCreatedAt: Date | null;
  shopifyUpdatedAt: Date | null;
}

/** The order payload's customer (and the names on its addresses) become this customer's own details. */
function wearProfile(body: Record<string, unknown>, profile: Profile): void {
  const customer = body.customer as Record<string, unknown>;
  Object.assign(customer, {
    first_name: profile.firstName,
    last_name: profile.lastName,
    email: profile.email,
    phone: profile.phone,
    ...(profile.shopifyCreatedAt ? { created_at: profile.shopifyCreatedAt.toISOString() } : {}),
    ...(profile.shopifyUpdatedAt ? { updated_at: profile.shopifyUpdatedAt.toISOString() } : {}),
  });
  const name = [profile.firstName, profile.lastName].filter(Boolean).join(" ") || null;
  for (const key of ["billing_address", "shipping_address"]) {
    const address = body[key] as Record<string, unknown> | null | undefined;
    if (address) Object.assign(address, { first_name: profile.firstName, last_name: profile.lastName, name });
  }
  const address = customer.default_address as Record<string, unknown> | null | undefined;
  if (address) Object.assign(address, { first_name: profile.firstName, last_name: profile.lastName, name });
  body.email = profile.email;
  body.contact_email = profile.email;
}

main().catch((error) => {
  console.error(`demo failed: ${(error as Error).message}`);
  process.exit(1);
});
