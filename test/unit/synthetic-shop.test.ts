// The synthetic shop generator (testkit/synthetic-shop): determinism, constant memory, the bulk JSONL
// shape of the app's BULK_ORDERS_QUERY, the ungrouped order of lines, REST payloads, and CDNOW.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, describe, expect, it } from "vitest";
import { BULK_ORDERS_QUERY } from "~/shopify/operations";
import { parseWebhookPayload } from "~/webhooks/payloads";
import { toMinorUnits } from "~/lib/money";
import { parseGraphql } from "../../testkit/admin-api-double/index";
import type { GraphqlSelection as Selection } from "../../testkit/admin-api-double/index";
import {
  bulkJsonlLines,
  cdnowOrders,
  resolveShopOptions,
  restOrder,
  syntheticOrders,
  webhookEvents,
  writeBulkJsonl,
  type SyntheticOrder,
} from "../../testkit/synthetic-shop/index";

const dir = mkdtempSync(path.join(os.tmpdir(), "synthetic-shop-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const take = <T>(it: Iterable<T>, n: number): T[] => {
  const out: T[] = [];
  for (const x of it) {
    if (out.length >= n) break;
    out.push(x);
  }
  return out;
};

describe("determinism", () => {
  it("writes the same bytes for the same seed, and different bytes for another seed", async () => {
    const a = path.join(dir, "a.jsonl");
    const b = path.join(dir, "b.jsonl");
    const c = path.join(dir, "c.jsonl");
    await writeBulkJsonl(syntheticOrders({ orders: 3_000, seed: 42 }), a);
    await writeBulkJsonl(syntheticOrders({ orders: 3_000, seed: 42 }), b);
    await writeBulkJsonl(syntheticOrders({ orders: 3_000, seed: 43 }), c);
    expect(sha(a)).toBe(sha(b));
    expect(sha(a)).not.toBe(sha(c));
  });

  it("gives the same orders for the same options, and a cap keeps the same prefix", () => {
    const x = take(syntheticOrders({ customers: 500, seed: "shop-a" }), 300);
    const y = take(syntheticOrders({ customers: 500, seed: "shop-a", maxOrders: 300 }), 1_000);
    expect(y).toEqual(x);
  });
});

describe("memory", () => {
  it("writes 200,000 orders with peak RSS growth under 100 MB (measured in a process of its own)", () => {
    const file = path.join(dir, "probe.jsonl");
    const out = execFileSync(process.execPath, ["--import", "tsx", "testkit/synthetic-shop/memory-probe.ts", "200000", file], {
      encoding: "utf8",
    });
    const probe = JSON.parse(out.trim().split("\n").at(-1)!) as { orders: number; bytes: number; growthMb: number };
    console.log(
      `memory probe: ${probe.orders} orders, ${(probe.bytes / 2 ** 20).toFixed(0)} MB written, peak RSS growth ${probe.growthMb.toFixed(1)} MB`,
    );
    expect(probe.orders).toBeGreaterThan(180_000);
    expect(probe.growthMb).toBeLessThan(100);
    rmSync(file);
  });

  it("retains no memory per order: the live heap after GC stays flat from 20k to 200k orders", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const file = path.join(dir, "heap.jsonl");
    const live: number[] = [];
    await writeBulkJsonl(syntheticOrders({ orders: 200_000, seed: 8 }), file, {
      onProgress: (s) => {
        if (s.orders % 20_000 === 0) {
          gc();
          live.push(process.memoryUsage().heapUsed);
        }
      },
    });
    expect(live.length).toBeGreaterThanOrEqual(8);
    const growthMb = (Math.max(...live.slice(1)) - live[0]) / 2 ** 20;
    console.log(`live heap from ${20}k orders on: ${live.map((b) => (b / 2 ** 20).toFixed(1)).join(", ")} MB`);
    expect(growthMb).toBeLessThan(5);
    rmSync(file);
  });
});

/** The fields a JSONL object must have: the query's selections, connections excluded (they are lines of their own). */
function expectShape(value: unknown, selections: Selection[], where: string): void {
  expect(value, where).toBeTypeOf("object");
  const object = value as Record<string, unknown>;
  const expected: string[] = [];
  for (const sel of selections) {
    if (sel.kind !== "Field") throw new Error("fragments not expected in BULK_ORDERS_QUERY");
    if (sel.selections?.some((s) => s.kind === "Field" && s.name === "edges")) continue; // nested connection
    expected.push(sel.alias ?? sel.name);
    const v = object[sel.alias ?? sel.name];
    expect(v, `${where}.${sel.name}`).not.toBeUndefined();
    if (sel.selections && v !== null) {
      if (Array.isArray(v)) v.forEach((item, i) => expectShape(item, sel.selections!, `${where}.${sel.name}[${i}]`));
      else expectShape(v, sel.selections, `${where}.${sel.name}`);
    } else if (!sel.selections) {
      // A leaf: a scalar, or a list of scalars (Order.discountCodes is [String!]!).
      const scalar = (x: unknown) => typeof x !== "object" || x === null;
      expect(Array.isArray(v) ? v.every(scalar) : scalar(v), `${where}.${sel.name} is a leaf`).toBe(true);
    }
  }
  expect(
    Object.keys(object)
      .filter((k) => k !== "__parentId")
      .sort(),
    where,
  ).toEqual(expected.sort());
}

function querySelections() {
  const doc = parseGraphql(BULK_ORDERS_QUERY);
  const orders = doc.operations[0].selections[0];
  const field = (list: Selection[] | null, name: string) =>
    list!.find((s) => s.kind === "Field" && s.name === name) as Extract<Selection, { kind: "Field" }>;
  const orderNode = field(field(field([orders], "orders").selections, "edges").selections, "node");
  const lineItemNode = field(field(field(orderNode.selections, "lineItems").selections, "edges").selections, "node");
  return { order: orderNode.selections!, lineItem: lineItemNode.selections! };
}

describe("bulk JSONL", () => {
  const orders = take(syntheticOrders({ orders: 4_000, seed: 5 }), 100_000);
  const lines = [...bulkJsonlLines(orders)].map((l) => JSON.parse(l) as Record<string, unknown>);

  it("has exactly the fields of BULK_ORDERS_QUERY on order and line item lines", () => {
    const shape = querySelections();
    let checkedChildren = 0;
    for (const [i, line] of lines.entries()) {
      if (line.__parentId) {
        expectShape(line, shape.lineItem, `line ${i + 1} (LineItem)`);
        checkedChildren++;
      } else expectShape(line, shape.order, `line ${i + 1} (Order)`);
    }
    expect(checkedChildren).toBeGreaterThan(0);
  });

  it("holds consistent money: decimal strings, line items adding up to the total, refunds within it", () => {
    const byOrder = new Map<string, number>();
    for (const line of lines.filter((l) => l.__parentId)) {
      const price = (line.originalUnitPriceSet as { shopMoney: { amount: string; currencyCode: string } }).shopMoney;
      expect(price.amount).toMatch(/^\d+\.\d\d$/);
      byOrder.set(
        line.__parentId as string,
        (byOrder.get(line.__parentId as string) ?? 0) + toMinorUnits(price.amount, "USD") * (line.quantity as number),
      );
    }
    for (const line of lines.filter((l) => !l.__parentId)) {
      const total = toMinorUnits((line.totalPriceSet as { shopMoney: { amount: string } }).shopMoney.amount, "USD");
      expect(byOrder.get(line.id as string)).toBe(total);
      const refunded = (line.refunds as { totalRefundedSet: { shopMoney: { amount: string } } }[]).reduce(
        (s, r) => s + toMinorUnits(r.totalRefundedSet.shopMoney.amount, "USD"),
        0,
      );
      expect(refunded).toBeLessThanOrEqual(total);
    }
  });

  it("is ungrouped: line items come after, far after, and before their order; each points at an order of the file", () => {
    const orderIndex = new Map<string, number>();
    lines.forEach((l, i) => {
      if (!l.__parentId) orderIndex.set(l.id as string, i);
    });
    const distances: number[] = [];
    for (const [i, l] of lines.entries()) {
      if (!l.__parentId) continue;
      const parent = orderIndex.get(l.__parentId as string);
      expect(parent, `parent of line ${i + 1}`).toBeDefined();
      distances.push(i - parent!);
    }
    const before = distances.filter((d) => d < 0).length;
    const far = distances.filter((d) => d > 50).length;
    expect(before / distances.length).toBeGreaterThan(0.02);
    expect(far / distances.length).toBeGreaterThan(0.1);
    expect(distances.filter((d) => d === 1).length).toBeGreaterThan(0);
    // Orders stay oldest first.
    const created = lines.filter((l) => !l.__parentId).map((l) => l.createdAt as string);
    expect([...created].sort()).toEqual(created);
  });

  it("can group lines instead (groupObjects: true)", () => {
    const grouped = [...bulkJsonlLines(orders.slice(0, 200), { ungrouped: false })].map((l) => JSON.parse(l));
    let current = "";
    for (const l of grouped) {
      if (!l.__parentId) current = l.id;
      else expect(l.__parentId).toBe(current);
    }
  });

  it("writes amounts in the shop currency's precision (JPY: no decimals)", () => {
    const yen = [...bulkJsonlLines(take(syntheticOrders({ customers: 200, seed: 9, currencyCode: "JPY" }), 200))].map((l) => JSON.parse(l));
    for (const l of yen) {
      const money = l.__parentId ? l.originalUnitPriceSet.shopMoney : l.totalPriceSet.shopMoney;
      expect(money.currencyCode).toBe("JPY");
      expect(money.amount).toMatch(/^\d+$/);
    }
  });
});

describe("the shop's behaviour", () => {
  const options = resolveShopOptions({ orders: 20_000, seed: 21, endDate: "2026-01-01T00:00:00Z", spanDays: 540 });
  const orders: SyntheticOrder[] = [...syntheticOrders(options)];

  it("spans the configured dates, oldest first", () => {
    expect(orders.length).toBeGreaterThan(18_000);
    expect(orders.length).toBeLessThan(22_000);
    expect(orders[0].createdAt).toBeGreaterThanOrEqual(options.start);
    expect(orders.at(-1)!.createdAt).toBeLessThan(options.end);
    for (let i = 1; i < orders.length; i++) expect(orders[i].createdAt).toBeGreaterThanOrEqual(orders[i - 1].createdAt);
    for (const o of orders)
      for (const t of [o.updatedAt, o.closedAt, o.cancelledAt, ...o.refunds.map((r) => r.createdAt)])
        if (t !== null) expect(t).toBeLessThan(options.end);
  });

  it("looks like BG/NBD customers with Gamma-Gamma spend", () => {
    const perCustomer = new Map<number, number>();
    for (const o of orders) if (o.customer) perCustomer.set(o.customer.id, (perCustomer.get(o.customer.id) ?? 0) + 1);
    const counts = [...perCustomer.values()];
    const oneTime = counts.filter((c) => c === 1).length / counts.length;
    expect(oneTime).toBeGreaterThan(0.45); // CDNOW-like: most customers never come back
    expect(oneTime).toBeLessThan(0.9);
    expect(Math.max(...counts)).toBeGreaterThan(10); // and a few buy a lot
    // Mean order value near p·γ/(q − 1) = 35.2 (CDNOW's Gamma-Gamma estimates).
    const aov = orders.reduce((s, o) => s + o.totalMinor, 0) / orders.length / 100;
    expect(aov).toBeGreaterThan(30);
    expect(aov).toBeLessThan(41);
  });

  it("has guests, test orders, cancellations, partial and full refunds, skewed product popularity, 1-4 line items", () => {
    expect(orders.filter((o) => o.customer === null).length / orders.length).toBeGreaterThan(0.03);
    expect(orders.some((o) => o.test)).toBe(true);
    expect(orders.some((o) => o.cancelledAt !== null)).toBe(true);
    expect(orders.some((o) => o.financialStatus === "PARTIALLY_REFUNDED")).toBe(true);
    expect(orders.some((o) => o.financialStatus === "REFUNDED" && o.cancelledAt === null)).toBe(true);
    const sizes = new Set(orders.map((o) => o.lineItems.length));
    expect([...sizes].sort()).toEqual([1, 2, 3, 4]);
    const sales = new Map<string, number>();
    for (const o of orders) for (const li of o.lineItems) sales.set(li.title, (sales.get(li.title) ?? 0) + 1);
    const ranked = [...sales.values()].sort((a, b) => b - a);
    const top10 = ranked.slice(0, 10).reduce((a, b) => a + b, 0) / ranked.reduce((a, b) => a + b, 0);
    expect(top10).toBeGreaterThan(0.25);
  });
});

describe("REST webhook payloads", () => {
  const orders = take(syntheticOrders({ orders: 3_000, seed: 8, refundShare: 0.2 }), 10_000);

  it("produces orders/create bodies the app's own parser accepts, with the same money", () => {
    for (const o of orders.slice(0, 500)) {
      const body = JSON.parse(JSON.stringify(restOrder(o, { timeZone: "America/New_York" })));
      const event = parseWebhookPayload("orders/create", body);
      expect(event.kind).toBe("order");
      if (event.kind !== "order") continue;
      expect(event.order.totalMinor).toBe(o.totalMinor);
      expect(event.order.id).toBe(String(o.id));
      expect(event.order.customer?.id ?? null).toBe(o.customer ? String(o.customer.id) : null);
      expect(event.order.lineItems).toHaveLength(o.lineItems.length);
      expect(event.order.refunds.reduce((s, r) => s + r.amountMinor, 0)).toBe(o.refunds.reduce((s, r) => s + r.amountMinor, 0));
      expect(body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00$/);
    }
  });

  it("replays the history as webhooks in time order: creation first, refunds and cancellations later", () => {
    const events = [...webhookEvents(orders, { timeZone: "UTC" })];
    for (let i = 1; i < events.length; i++) expect(events[i].at).toBeGreaterThanOrEqual(events[i - 1].at);
    const creates = events.filter((e) => e.topic === "orders/create");
    expect(creates).toHaveLength(orders.length);
    for (const e of creates) {
      expect(e.body.refunds).toEqual([]);
      expect(e.body.cancelled_at).toBeNull();
    }
    const refunds = events.filter((e) => e.topic === "refunds/create");
    expect(refunds).toHaveLength(orders.reduce((s, o) => s + o.refunds.length, 0));
    for (const e of refunds) expect(parseWebhookPayload("refunds/create", JSON.parse(JSON.stringify(e.body))).kind).toBe("refund");
    const seen = new Set<number>();
    for (const e of events) {
      if (e.topic === "orders/create") seen.add(e.orderId);
      else expect(seen.has(e.orderId)).toBe(true);
    }
    expect(events.some((e) => e.topic === "orders/cancelled")).toBe(true);
  });
});

describe("CDNOW converter", () => {
  it("turns each transaction line into an order of its sample customer with the dollar total", async () => {
    const file = "test/fixtures/cdnow/CDNOW_sample.txt";
    const raw = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => l.trim().split(/\s+/));
    const orders: SyntheticOrder[] = [];
    for await (const o of cdnowOrders(file)) orders.push(o);
    expect(orders).toHaveLength(6_919);
    expect(new Set(orders.map((o) => o.customer!.id)).size).toBe(2_357);
    const fileCents = raw.reduce((s, cols) => s + toMinorUnits(cols[4], "USD"), 0);
    expect(orders.reduce((s, o) => s + o.totalMinor, 0)).toBe(fileCents);
    for (const o of orders) {
      expect(o.lineItems.reduce((s, li) => s + li.unitPriceMinor * li.quantity, 0)).toBe(o.totalMinor);
    }
    const first = raw[0]; // "00004 0001 19970101 2 29.33"
    const mine = orders.find((o) => o.customer!.id === Number(first[1]) && new Date(o.createdAt).toISOString().startsWith("1997-01-01"))!;
    expect(mine.totalMinor).toBe(toMinorUnits(first[4], "USD"));
    expect(mine.lineItems.reduce((s, li) => s + li.quantity, 0)).toBe(Number(first[3]));
    for (let i = 1; i < orders.length; i++) expect(orders[i].createdAt).toBeGreaterThanOrEqual(orders[i - 1].createdAt);
    const lines = [...bulkJsonlLines(orders)];
    expect(lines.filter((l) => !l.includes('"__parentId"'))).toHaveLength(6_919);
  });
});
