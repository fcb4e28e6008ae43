// The backfill's import of a bulk JSONL file: ungrouped children, an interrupted download resumed,
// overlap with webhooks, and a 100 MB file in bounded memory.
import { mkdirSync, rmSync, writeFileSync, createWriteStream } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../support/app-under-test";
import { lineItemLines, orderLine, serveFile, ungroupedJsonl, type BulkOrderSpec } from "../support/bulk-file";
import { orderPayload } from "../support/payloads";
import { installShop } from "../support/shops";
import { sendWebhook } from "../support/webhooks";

let app: Awaited<ReturnType<typeof startApp>>;
let importBulkFile: typeof import("~/backfill/import-bulk-file.server").importBulkFile;
const dir = path.resolve(".tmp", `bulk-${process.pid}`);

beforeAll(async () => {
  app = await startApp();
  ({ importBulkFile } = await import("~/backfill/import-bulk-file.server"));
  mkdirSync(dir, { recursive: true });
});
afterAll(async () => {
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const day = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString();

function history(firstId: number, count: number, customers: number): BulkOrderSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    id: firstId + i,
    customerId: i % 7 === 6 ? null : 500 + (i % customers), // some guest orders
    total: `${10 + (i % 50)}.${String(i % 100).padStart(2, "0")}`,
    createdAt: day(i),
    lineItems: [
      { id: (firstId + i) * 10, productId: 1 + (i % 13), quantity: 1 + (i % 3), price: "5.00" },
      { id: (firstId + i) * 10 + 1, productId: 20 + (i % 5), quantity: 1, price: "2.50" },
    ],
    refunds: i % 10 === 0 ? [{ id: (firstId + i) * 10 + 9, amount: "1.25" }] : [],
  }));
}

function expectedNet(orders: BulkOrderSpec[], customerId: number): bigint {
  const cents = (s: string) => BigInt(s.replace(".", ""));
  return orders
    .filter((o) => o.customerId === customerId && !o.cancelled)
    .reduce((sum, o) => sum + cents(o.total) - (o.refunds ?? []).reduce((r, x) => r + cents(x.amount), 0n), 0n);
}

describe("importBulkFile", () => {
  it("imports ungrouped orders, line items (some before their order) and refunds", async () => {
    const shop = "bulk-basic.myshopify.com";
    await installShop(app.db, shop);
    const orders = history(10_000, 40, 5);
    const file = path.join(dir, "basic.jsonl");
    writeFileSync(file, ungroupedJsonl(orders));
    const served = await serveFile(file);
    try {
      const result = await importBulkFile(app.db, shop, served.url, { ordersPerBatch: 7 });
      expect(result).toMatchObject({ ordersImported: 40, lineItemsImported: 80, badLines: 0, linesImported: 120 });
    } finally {
      await served.close();
    }
    expect(await app.db.order.count({ where: { shop } })).toBe(40);
    expect(await app.db.lineItem.count({ where: { shop } })).toBe(80);
    expect(await app.db.refund.count({ where: { shop } })).toBe(4);
    for (const customerId of [500, 501, 504]) {
      const value = await app.db.customerValue.findUnique({ where: { shop_customerId: { shop, customerId: String(customerId) } } });
      expect(value?.netRevenueMinor).toBe(expectedNet(orders, customerId));
    }
  });

  it("resumes an interrupted download from the last committed line, counting nothing twice", async () => {
    const shop = "bulk-resume.myshopify.com";
    await installShop(app.db, shop);
    const orders = history(20_000, 300, 20);
    const file = path.join(dir, "resume.jsonl");
    writeFileSync(file, ungroupedJsonl(orders));
    const served = await serveFile(file, { cutAfterBytes: 60_000 });
    let committed = { bytesImported: 0, linesImported: 0 };
    try {
      await expect(
        importBulkFile(app.db, shop, served.url, { ordersPerBatch: 25, onProgress: async (p) => void (committed = { ...p }) }),
      ).rejects.toThrow();
      expect(committed.bytesImported).toBeGreaterThan(0);
      expect(committed.bytesImported).toBeLessThan(60_000);
      const resumed = await importBulkFile(app.db, shop, served.url, {
        startOffset: committed.bytesImported,
        progress: { linesImported: committed.linesImported },
      });
      expect(served.requests.at(-1)?.range).toBe(`bytes=${committed.bytesImported}-`);
      expect(resumed.linesImported).toBe(900);
    } finally {
      await served.close();
    }
    expect(await app.db.order.count({ where: { shop } })).toBe(300);
    expect(await app.db.lineItem.count({ where: { shop } })).toBe(600);
    const value = await app.db.customerValue.findUnique({ where: { shop_customerId: { shop, customerId: "503" } } });
    expect(value?.netRevenueMinor).toBe(expectedNet(orders, 503));
  });

  it("never loses or double-counts an order that also arrives by webhook", async () => {
    const shop = "bulk-overlap.myshopify.com";
    await installShop(app.db, shop);
    const orders = history(30_000, 20, 2);
    // A webhook delivers a NEWER version of order 30000 (amount changed) before the import...
    await sendWebhook(app.baseUrl, {
      topic: "orders/updated",
      shop,
      body: orderPayload({ id: 30_000, customerId: 500, total: "99.00", createdAt: day(0), updatedAt: day(400) }),
    });
    await app.drained();
    const file = path.join(dir, "overlap.jsonl");
    writeFileSync(file, ungroupedJsonl(orders));
    const served = await serveFile(file);
    // ...another arrives while the import runs...
    const during = sendWebhook(app.baseUrl, {
      topic: "orders/create",
      shop,
      body: orderPayload({ id: 30_002, customerId: 500, total: orders[2]!.total, createdAt: day(2) }),
    });
    try {
      await importBulkFile(app.db, shop, served.url, { ordersPerBatch: 3 });
      await importBulkFile(app.db, shop, served.url); // and the import runs twice
    } finally {
      await served.close();
    }
    await during;
    await app.drained();
    expect(await app.db.order.count({ where: { shop } })).toBe(20);
    const newest = await app.db.order.findUnique({ where: { shop_id: { shop, id: "30000" } } });
    expect(newest?.totalMinor).toBe(9900n); // the webhook's newer version stands
    const adjusted = orders.map((o) => (o.id === 30_000 ? { ...o, total: "99.00", refunds: [] } : o));
    // order 30000's bulk refund was still imported (refunds are their own records)
    const refund = BigInt(orders[0]!.refunds![0]!.amount.replace(".", ""));
    const value = await app.db.customerValue.findUnique({ where: { shop_customerId: { shop, customerId: "500" } } });
    expect(value?.orderCount).toBe(adjusted.filter((o) => o.customerId === 500).length);
    expect(value?.netRevenueMinor).toBe(expectedNet(adjusted, 500) - refund);
  });

  it("imports a 100 MB file with bounded memory", async () => {
    const shop = "bulk-large.myshopify.com";
    await installShop(app.db, shop);
    const file = path.join(dir, "large.jsonl");
    const out = createWriteStream(file);
    let orders = 0;
    let bytes = 0;
    const padding = "x".repeat(600); // fat titles make 100 MB with fewer rows, so the test stays quick
    while (bytes < 100 * 1024 * 1024) {
      const o: BulkOrderSpec = {
        id: 1_000_000 + orders,
        customerId: 10_000 + (orders % 5_000),
        total: "12.34",
        createdAt: day(orders % 700),
        lineItems: [{ id: (1_000_000 + orders) * 10, productId: orders % 100, quantity: 1, price: "12.34" }],
      };
      const chunk =
        lineItemLines(o)
          .map((l) => l.replace('"title":"Product', `"title":"${padding} Product`))
          .join("\n") +
        "\n" +
        orderLine(o) +
        "\n";
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
      orders++;
    }
    await new Promise<void>((r) => out.end(r));
    const served = await serveFile(file);
    // Live memory after a full GC, at every committed batch: what would grow if the file or its rows
    // were retained. (RSS alone also holds garbage V8 has not yet collected.)
    const gc = globalThis.gc;
    if (!gc) throw new Error("run with --expose-gc (vitest.config.ts sets it for integration tests)");
    gc();
    const live = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.external + m.arrayBuffers;
    };
    const baseline = live();
    let peak = baseline;
    let batches = 0;
    let early = 0;
    try {
      const result = await importBulkFile(app.db, shop, served.url, {
        onProgress: async () => {
          if (++batches % 10 === 0) {
            gc();
            peak = Math.max(peak, live());
            if (batches === 10) early = live();
          }
        },
      });
      expect(result.ordersImported).toBe(orders);
      expect(result.bytesImported).toBe(bytes);
    } finally {
      await served.close();
    }
    gc();
    const growthMb = (peak - baseline) / 1024 / 1024;
    const driftMb = (live() - early) / 1024 / 1024;
    console.info(
      `100 MB import: ${orders} orders in ${batches} batches, live memory: +${growthMb.toFixed(1)} MB at peak (working set), ${driftMb.toFixed(1)} MB drift from batch 10 to the end, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
    );
    expect(batches).toBeGreaterThan(50);
    // Bounded: a fixed working set (batch buffers, driver caches), no growth as the file goes by.
    expect(growthMb).toBeLessThan(64);
    expect(driftMb).toBeLessThan(8);
    expect(await app.db.order.count({ where: { shop } })).toBe(orders);
  });
});
