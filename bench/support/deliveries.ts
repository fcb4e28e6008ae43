// What the webhook benchmarks share: signed orders/create deliveries with their expected totals, the
// built web server and workers as child processes, and a sender that takes them as fast as they answer.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import type { Redis } from "ioredis";
import pg from "pg";
import { signWebhookBody } from "../../testkit/webhook-signature";
import { orderPayload } from "../../test/support/payloads";

export const root = path.resolve(import.meta.dirname, "../..");

export interface Delivery {
  body: string;
  headers: Record<string, string>;
}

export interface PlannedOrder {
  id: number;
  /** null: a guest order (stored, counted in no customer's value). */
  customerId: number | null;
  cents: number;
  createdAt: string;
}

/** What the database must hold once every delivery is applied: each order once, each customer's count and sum. */
export class ExpectedTotals {
  readonly orderIds = new Set<string>();
  readonly customers = new Map<string, { orders: number; netMinor: bigint }>();

  add(order: PlannedOrder) {
    const id = String(order.id);
    if (this.orderIds.has(id)) throw new Error(`order ${id} planned twice`);
    this.orderIds.add(id);
    if (order.customerId === null) return;
    const key = String(order.customerId);
    const current = this.customers.get(key) ?? { orders: 0, netMinor: 0n };
    this.customers.set(key, { orders: current.orders + 1, netMinor: current.netMinor + BigInt(order.cents) });
  }

  /** Customers whose stored count or net revenue differs from what was sent (missing and unexpected rows count too). */
  wrongCustomers(stored: { customerId: string; orderCount: number; netRevenueMinor: bigint }[]): number {
    let wrong = 0;
    const seen = new Set<string>();
    for (const row of stored) {
      seen.add(row.customerId);
      const want = this.customers.get(row.customerId);
      if (!want || want.orders !== row.orderCount || want.netMinor !== BigInt(row.netRevenueMinor)) wrong++;
    }
    for (const id of this.customers.keys()) if (!seen.has(id)) wrong++;
    return wrong;
  }
}

/** A small seeded generator (mulberry32): the same run gives the same redeliveries. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const minute = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();

const money = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;

/**
 * Signed orders/create deliveries for these orders. A share is delivered twice, as Shopify redelivers
 * (same body and event id, a new webhook id), right after the first; another share comes back ~300
 * deliveries later as orders/updated with the same body (a new event, the same order version), so that
 * it is applied in another batch, possibly by another worker, and must change nothing. `laterVersions`: each
 * order also comes back that many times as orders/updated with a newer version that changes nothing an order's
 * value reads (as when it is paid, fulfilled or tagged), each ~300 deliveries after the one before.
 */
export function signedOrderDeliveries(
  orders: PlannedOrder[],
  options: {
    shop: string;
    secret: string;
    duplicateShare: number;
    updateShare?: number;
    laterVersions?: number;
    random: () => number;
    expected: ExpectedTotals;
  },
): Delivery[] {
  const deliveries: Delivery[] = [];
  const later: { due: number; delivery: Delivery }[] = [];
  const signed = (body: string, topic: string) => ({
    body,
    headers: {
      "content-type": "application/json",
      "x-shopify-hmac-sha256": signWebhookBody(body, options.secret),
      "x-shopify-topic": topic,
      "x-shopify-shop-domain": options.shop,
      "x-shopify-api-version": "2026-07",
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-event-id": randomUUID(),
    },
  });
  // Kept in the order they are due (an insertion from the end: most are due after all the others).
  const deliverLater = (due: number, delivery: Delivery) => {
    let at = later.length;
    while (at > 0 && later[at - 1]!.due > due) at--;
    later.splice(at, 0, { due, delivery });
  };
  for (const order of orders) {
    options.expected.add(order);
    const payload = orderPayload({
      id: order.id,
      customerId: order.customerId ?? undefined,
      total: money(order.cents),
      createdAt: order.createdAt,
    });
    if (order.customerId === null) payload.customer = null;
    const body = JSON.stringify(payload);
    const delivery = signed(body, "orders/create");
    deliveries.push(delivery);
    if (options.random() < options.duplicateShare) {
      deliveries.push({ body, headers: { ...delivery.headers, "x-shopify-webhook-id": randomUUID() } });
    }
    if (options.random() < (options.updateShare ?? 0)) deliverLater(deliveries.length + 300, signed(body, "orders/updated"));
    for (let v = 1; v <= (options.laterVersions ?? 0); v++) {
      const updatedAt = new Date(Date.parse(order.createdAt) + v * 3_600_000).toISOString();
      const version = { ...payload, updated_at: updatedAt, fulfillment_status: "fulfilled", tags: `version-${v}` };
      deliverLater(deliveries.length + 300 * v, signed(JSON.stringify(version), "orders/updated"));
    }
    while (later.length > 0 && later[0]!.due <= deliveries.length) deliveries.push(later.shift()!.delivery);
  }
  for (const { delivery } of later) deliveries.push(delivery);
  return deliveries;
}

/** Distinct events in a list of deliveries (redeliveries not counted). */
export const distinctEvents = (deliveries: Delivery[]) => new Set(deliveries.map((d) => d.headers["x-shopify-event-id"])).size;

export function startProcess(args: string[], name: string, env: NodeJS.ProcessEnv, options: { ipc?: boolean } = {}): ChildProcess {
  const child = spawn("node", args, {
    cwd: root,
    env,
    stdio: options.ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
  });
  child.stderr?.on("data", (d: Buffer) => process.stderr.write(`[${name}] ${d}`));
  return child;
}

/** Resolves when the process prints a line matching `pattern` (e.g. the worker's "started"). */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`no ${pattern} from process ${child.pid} in ${timeoutMs} ms`)), timeoutMs);
    child.stdout?.on("data", (d: Buffer) => {
      seen = (seen + d.toString()).slice(-4_096);
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`process ${child.pid} exited (${code}) before printing ${pattern}`));
    });
  });
}

/** Stops a child and waits for it to exit (SIGKILL after `graceMs`). */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function waitForWebServer(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/webhooks/orders/create`);
      if (r.status === 405) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("web server did not start");
}

/** autocannon on 50 connections, as fast as the server answers; each delivery sent once, to its topic's path. */
export function sendAll(port: number, deliveries: Delivery[]): Promise<autocannon.Result> {
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}/webhooks/orders/create`,
        method: "POST",
        connections: 50,
        amount: deliveries.length,
        requests: [
          {
            setupRequest: (request: Record<string, unknown>) => {
              const d = deliveries[next++ % deliveries.length]!;
              return { ...request, method: "POST", path: `/webhooks/${d.headers["x-shopify-topic"]}`, body: d.body, headers: d.headers };
            },
          },
        ],
      } as autocannon.Options,
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the whole line: 12th and 13th after the command.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The q-quantile of sorted values (nearest rank). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function printRows(rows: [string, string][]) {
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

/** Deletes every Redis key of a run's queue prefix (a benchmark's queues leave nothing behind). */
export async function removeQueueKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1_000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}

/** Drops a benchmark's PostgreSQL schema (made by deployPostgres) with everything in it. */
export async function dropPostgresSchema(baseUrl: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}
