// npm run bench:proxy — the app proxy's storefront endpoints under a steady load, as deployed: the built web
// server as its own process, local Redis (the rate limiter), a fresh SQLite file seeded with a loyalty
// program, BENCH_MEMBERS members with ledgers, tiers and personal recommendations, products and offers, and
// a running offers experiment. Every request is signed as Shopify signs proxy requests (HMAC-SHA256 with the
// app secret, fresh timestamp) and the server verifies every one: the signature check is on throughout.
// An open-loop sender of our own (as bench:webhooks): each request leaves at its scheduled time and its
// latency counts from that time, so a slow answer delays no later measurement (no coordinated omission).
// Phases, each BENCH_SECONDS at BENCH_RATE req/s: GET /proxy/status; GET /proxy/recommendations?product_id=…;
// both mixed half and half. Shoppers: three in four logged-in members picked at random, one in four guests
// (distinct addresses in X-Forwarded-For, as Shopify sends them). Target: p99 ≤ 30 ms at 200 req/s.
// Options: BENCH_MEMBERS (20000), BENCH_RATE (200), BENCH_SECONDS (20), BENCH_BUILD_DIR (build; `npm run build` first),
// BENCH_WEB_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=.tmp/prof" to profile the web process), BENCH_SERVER
// (the server module, default ./server.ts: a patched copy to measure a change).
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { Redis } from "ioredis";
import { markShopInstalled } from "../app/data/lifecycle.server";
import { signProxyParams } from "../app/storefront/proxy-signature";
import { cpuSeconds, printRows, root, seededRandom, startProcess, stopProcess } from "./support/deliveries";
import { sendAtRate } from "./support/open-loop";

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 20_000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const BUILD_DIR = process.env.BENCH_BUILD_DIR ?? "build";
/** The server module to run (default the production server.ts; a patched copy to try a change). */
const SERVER_MODULE = process.env.BENCH_SERVER ?? "./server.ts";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SECRET = "bench-secret";
const SHOP = "bench-proxy.myshopify.com";
const PRODUCTS = 2_000;
const FIRST_CUSTOMER = 100_000;
const FIRST_PRODUCT = 500_000;
const DAY = 86_400_000;

const runId = randomUUID().slice(0, 8);
const port = 4000 + Math.floor(Math.random() * 50);
const dbFile = path.join(root, ".tmp", `bench-proxy-${runId}.sqlite`);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  PORT: String(port),
  DATABASE_URL: `file:${dbFile}`,
  QUEUE_PREFIX: `bench-${runId}`,
  REDIS_URL,
  SHOPIFY_API_KEY: "bench-key",
  SHOPIFY_API_SECRET: SECRET,
  SHOPIFY_APP_URL: "https://bench.example.com",
};

async function insertInChunks<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>, size = 5_000) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

async function seed(prisma: PrismaClient) {
  const random = seededRandom(7);
  const now = Date.now();
  await markShopInstalled(prisma, SHOP, { name: "Bench proxy shop", currencyCode: "USD", ianaTimezone: "UTC" });
  const settings = {
    enabled: true,
    currencyCode: "USD",
    earning: { pointsPerCurrencyUnit: 1, rounding: "down", requirePaid: true, includeTestOrders: false, minimumOrderMinor: null },
    bonuses: { accountCreationPoints: 50, birthdayPoints: 100 },
    expiry: null,
  };
  const perks = (percentOff: number, pointsMultiplier: number, freeShipping: boolean) => ({
    percentOff,
    pointsMultiplier,
    freeShipping,
    description: "",
  });
  const tiers = {
    basis: "net_spend",
    window: "rolling_12_months",
    tiers: [
      { id: "bronze", name: "Bronze", threshold: 0, retention: { kind: "immediate" }, perks: perks(0, 1, false) },
      { id: "silver", name: "Silver", threshold: 50_000, retention: { kind: "grace_period", days: 30 }, perks: perks(5, 1.25, false) },
      { id: "gold", name: "Gold", threshold: 150_000, retention: { kind: "review_date", month: 1, day: 1 }, perks: perks(10, 1.5, true) },
    ],
  };
  const rewards = [100, 250, 500, 1000, 2500].map((cost, i) => ({
    id: `reward-${i}`,
    name: `${cost / 100} off`,
    kind: "amount_off",
    amountMinor: cost,
    pointsCost: cost,
    active: true,
    minimumOrderMinor: null,
    minimumTierId: i === 4 ? "gold" : null,
  }));
  await prisma.loyaltyProgram.create({
    data: {
      shop: SHOP,
      enabled: true,
      settings: JSON.stringify({ ...settings, pitch: "Earn a point per dollar." }),
      tiers: JSON.stringify(tiers),
      rewards: JSON.stringify(rewards),
      referral: JSON.stringify({
        enabled: true,
        referrerRewardPoints: 500,
        refundWindowDays: 14,
        monthlyCapPerReferrer: null,
        friendDiscount: { kind: "percentage", percent: 10 },
        friendRewardText: "10% off",
      }),
      salt: "bench-salt-0123456789",
    },
  });
  await prisma.loyaltyRuleVersion.create({
    data: { shop: SHOP, id: "v1", effectiveFrom: new Date(Date.UTC(2024, 0, 1)), settings: JSON.stringify(settings) },
  });

  const members = [];
  const entries = [];
  const lists = [];
  for (let k = 0; k < MEMBERS; k++) {
    const customerId = String(FIRST_CUSTOMER + k);
    const tier = random() < 0.6 ? "bronze" : random() < 0.7 ? "silver" : "gold";
    members.push({
      shop: SHOP,
      customerId,
      tierId: tier,
      nextTierId: tier === "bronze" ? "silver" : tier === "silver" ? "gold" : null,
      amountToNext: tier === "gold" ? null : Math.round(random() * 40_000),
      referralCode: `REF-${customerId}`,
      tiersVersion: 1,
      evaluatedAt: new Date(now),
    });
    const orders = 1 + Math.floor(random() * 8);
    for (let n = 0; n < orders; n++) {
      entries.push({
        shop: SHOP,
        key: `order:${customerId}${n}:0`,
        customerId,
        kind: "earn",
        points: 20 + Math.floor(random() * 300),
        sourceType: "order",
        sourceId: `${customerId}${n}`,
        orderId: `${customerId}${n}`,
        effectiveAt: new Date(now - Math.floor(random() * 365) * DAY),
      });
    }
    if (random() < 0.5) {
      const ids = Array.from({ length: 8 }, () => String(FIRST_PRODUCT + Math.floor(random() * PRODUCTS)));
      lists.push({ shop: SHOP, customerId, productIds: JSON.stringify(ids), computedAt: new Date(now) });
    }
  }
  await insertInChunks(members, (chunk) => prisma.loyaltyMember.createMany({ data: chunk }));
  await insertInChunks(entries, (chunk) => prisma.pointsEntry.createMany({ data: chunk }));
  await insertInChunks(lists, (chunk) => prisma.customerRecommendation.createMany({ data: chunk }));
  const products = Array.from({ length: PRODUCTS }, (_, i) => ({
    shop: SHOP,
    id: String(FIRST_PRODUCT + i),
    title: `Product ${i}`,
    handle: `product-${i}`,
    status: random() < 0.95 ? "ACTIVE" : "DRAFT",
    publishedAt: random() < 0.96 ? new Date(now - 100 * DAY) : null,
    imageUrl: `https://cdn.example.com/${i}.jpg`,
    priceMinor: BigInt(500 + Math.floor(random() * 10_000)),
    updatedAt: new Date(now - DAY),
  }));
  await insertInChunks(products, (chunk) => prisma.product.createMany({ data: chunk }));
  const offers = Array.from({ length: 200 }, (_, i) => ({
    shop: SHOP,
    id: `offer-${i}`,
    name: `Offer ${i}`,
    triggerProductIds: JSON.stringify(Array.from({ length: 3 }, () => String(FIRST_PRODUCT + Math.floor(random() * PRODUCTS)))),
    offeredProductIds: JSON.stringify(Array.from({ length: 4 }, () => String(FIRST_PRODUCT + Math.floor(random() * PRODUCTS)))),
    priority: Math.floor(random() * 10),
    startsAt: new Date(now - 10 * DAY),
  }));
  await prisma.offer.createMany({ data: offers });
  await prisma.experiment.create({
    data: { shop: SHOP, key: "offers-1", kind: "offers", holdoutShare: 0.1, salt: "bench-salt-0123456789", startedAt: new Date(now - DAY) },
  });
  return { entries: entries.length, lists: lists.length };
}

/** A storefront request as Shopify forwards it: the shopper's parameters plus shop, customer, prefix, timestamp, signature. */
function signedPath(route: string, customerId: string | null, extra: [string, string][], secret = SECRET): string {
  const params = new URLSearchParams([
    ["shop", SHOP],
    ["logged_in_customer_id", customerId ?? ""],
    ["path_prefix", "/apps/clv"],
    ["timestamp", String(Math.floor(Date.now() / 1000))],
    ...extra,
  ]);
  params.set("signature", signProxyParams(params, secret));
  return `${route}?${params}`;
}

interface Shot {
  route: "/proxy/status" | "/proxy/recommendations";
  customerId: string | null;
  address: string;
  productId: string;
}

function plan(count: number, routes: Shot["route"][], random: () => number): Shot[] {
  return Array.from({ length: count }, (_, i) => ({
    route: routes[i % routes.length]!,
    customerId: random() < 0.75 ? String(FIRST_CUSTOMER + Math.floor(random() * MEMBERS)) : null,
    address: `198.51.${Math.floor(random() * 200)}.${1 + Math.floor(random() * 250)}`,
    productId: String(FIRST_PRODUCT + Math.floor(random() * PRODUCTS)),
  }));
}

/** Sends each request at its scheduled time, signed as Shopify signs it. */
function fireAtRate(shots: Shot[], rate: number) {
  return sendAtRate(port, shots, rate, (shot) => {
    const extra: [string, string][] = shot.route === "/proxy/recommendations" ? [["product_id", shot.productId]] : [];
    return { options: { path: signedPath(shot.route, shot.customerId, extra), headers: { "X-Forwarded-For": shot.address } } };
  });
}

interface LoopDelay {
  p99: number;
  max: number;
}

async function main() {
  mkdirSync(path.dirname(dbFile), { recursive: true });
  execFileSync("npx", ["prisma", "migrate", "deploy"], { cwd: root, env, stdio: "pipe" });
  const prisma = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${dbFile}`, timeout: 15_000 }) });
  process.stdout.write(`seeding ${MEMBERS.toLocaleString("en-US")} members… `);
  const seeded = await seed(prisma);
  console.log(
    `${seeded.entries.toLocaleString("en-US")} ledger entries, ${seeded.lists.toLocaleString("en-US")} personal lists, ${PRODUCTS} products, 200 offers`,
  );

  // The production server (server.ts) on the chosen build, with the event-loop probe of bench:webhooks.
  const launcher = `const { startWebServer } = await import(${JSON.stringify(SERVER_MODULE)}); await startWebServer({ buildDir: ${JSON.stringify(BUILD_DIR)} }); process.on("SIGTERM", () => process.exit(0));`;
  const nodeArgs = (process.env.BENCH_WEB_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const web = startProcess(
    [...nodeArgs, "--import", "tsx", "--import", "./bench/support/loop-delay.ts", "--input-type=module", "-e", launcher],
    "web",
    env,
    {
      ipc: true,
    },
  );
  const readLoopDelay = () =>
    new Promise<LoopDelay>((resolve) => {
      web.once("message", (m) => resolve(m as LoopDelay));
      web.send("loop-delay:read");
    });
  const redis = new Redis(REDIS_URL);
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}${signedPath("/proxy/status", null, [])}`)).status === 200) break;
      } catch {
        if (i > 300) throw new Error("the web server did not start");
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const random = seededRandom(11);
    // Forged and stale requests as a control: the check is on, and refuses them.
    const forged = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`http://127.0.0.1:${port}${signedPath("/proxy/status", String(FIRST_CUSTOMER + i), [], "not-the-secret")}`),
      ),
    );
    const refused = forged.filter((r) => r.status === 401).length;
    // Warm-up: the routes' modules, Prisma's query plans, SQLite's page cache.
    await fireAtRate(plan(Math.min(1_000, RATE * 5), ["/proxy/status", "/proxy/recommendations"], random), RATE);

    const rows: [string, string][] = [
      ["members / ledger entries", `${MEMBERS.toLocaleString("en-US")} / ${seeded.entries.toLocaleString("en-US")}`],
      ["signature check", `on: every request signed and verified (control: ${refused} of 20 forged requests refused with 401)`],
    ];
    // The web process's CPU per answer, one request at a time: what sets its capacity on a busy box.
    for (const route of ["/proxy/status", "/proxy/recommendations"] as const) {
      const shots = plan(400, [route], random);
      const cpu0 = cpuSeconds(web.pid);
      const t0 = performance.now();
      for (const shot of shots) {
        const extra: [string, string][] = route === "/proxy/recommendations" ? [["product_id", shot.productId]] : [];
        const response = await fetch(`http://127.0.0.1:${port}${signedPath(route, shot.customerId, extra)}`, {
          headers: { "X-Forwarded-For": shot.address },
        });
        await response.arrayBuffer();
      }
      const perRequest = ((cpuSeconds(web.pid) - cpu0) / shots.length) * 1000;
      rows.push([
        `${route}: web CPU per answer / wall per answer (one at a time)`,
        `${perRequest.toFixed(2)} ms / ${((performance.now() - t0) / shots.length).toFixed(2)} ms`,
      ]);
    }
    // The floor: a forged request goes through the server, the router and the signature check, then stops.
    {
      const cpu0 = cpuSeconds(web.pid);
      for (let i = 0; i < 400; i++)
        await (await fetch(`http://127.0.0.1:${port}${signedPath("/proxy/status", "1", [], "not-the-secret")}`)).arrayBuffer();
      rows.push([
        "forged request (refused at the signature): web CPU per answer",
        `${(((cpuSeconds(web.pid) - cpu0) / 400) * 1000).toFixed(2)} ms`,
      ]);
    }
    const phases: [string, Shot["route"][]][] = [
      ["status", ["/proxy/status"]],
      ["recommendations", ["/proxy/recommendations"]],
      ["mixed", ["/proxy/status", "/proxy/recommendations"]],
    ];
    let worst = 0;
    for (const [name, routes] of phases) {
      const load = loadavg()[0]!;
      web.send("loop-delay:reset");
      const cpu0 = cpuSeconds(web.pid);
      const t0 = performance.now();
      const result = await fireAtRate(plan(RATE * SECONDS, routes, random), RATE);
      const cpu = ((cpuSeconds(web.pid) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
      const loop = await readLoopDelay();
      worst = Math.max(worst, result.p99);
      const statuses = [...result.statuses].map(([s, n]) => `${s}: ${n}`).join(", ");
      rows.push(
        [`${name}: rate asked / achieved (req/s)`, `${RATE} / ${result.achieved.toFixed(0)} (load average before: ${load.toFixed(1)})`],
        [
          `${name}: latency p50 / p90 / p99 / max`,
          `${result.p50.toFixed(1)} / ${result.p90.toFixed(1)} / ${result.p99.toFixed(1)} / ${result.max.toFixed(1)} ms`,
        ],
        [`${name}: web event-loop delay p99 / max; web CPU`, `${loop.p99.toFixed(1)} / ${loop.max.toFixed(1)} ms; ${cpu.toFixed(0)} %`],
        [`${name}: answers`, statuses],
      );
    }
    const exposures = await prisma.experimentExposure.count({ where: { shop: SHOP } });
    rows.push(["exposures recorded (logged-in shoppers who asked for recommendations)", exposures.toLocaleString("en-US")]);
    rows.push(["worst p99 against the target (30 ms)", `${worst.toFixed(1)} ms: ${worst <= 30 ? "met" : "NOT met"}`]);
    printRows(rows);
  } finally {
    await stopProcess(web);
    await prisma.$disconnect();
    const keys = await redis.keys(`${env.QUEUE_PREFIX}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
  }
}

await main();
