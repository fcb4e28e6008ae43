// PostgreSQL: two batches that share orders, each updating one order and refunding the other's, run at the same
// time. The order upsert and the refund recompute are two statements; without one sorted lock of every touched
// order first, each batch could hold the order the other's recompute waits for (a deadlock: one batch fails).
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NormalizedRefund } from "~/orders/types";
import { paidOrder } from "../../testkit/loyalty-orders";
import { isolatedEnvironment } from "../support/environment";
import { freshPostgresSchema } from "../support/postgres";
import { installShop } from "../support/shops";

const SHOP = "order-locks.myshopify.com";
const ROUNDS = 12;

let database: Awaited<ReturnType<typeof freshPostgresSchema>>;
let environment: ReturnType<typeof isolatedEnvironment>;
let client: PrismaClient;
let ingest: typeof import("~/data/ingest.server");

beforeAll(async () => {
  database = await freshPostgresSchema();
  environment = isolatedEnvironment({ NODE_ENV: "test", DATABASE_URL: database.url });
  const { db } = await import("~/db.server");
  client = await db();
  ingest = await import("~/data/ingest.server");
  await installShop(client, SHOP, { currencyCode: "USD", ianaTimezone: "UTC" });
});

afterAll(async () => {
  const { disconnectDb } = await import("~/db.server");
  await disconnectDb();
  environment?.cleanup();
  await database?.drop();
});

const placed = "2025-04-01T10:00:00.000Z";
const order = (id: string, customerId: string, updatedAt: string) => ({
  ...paidOrder({ id, customerId, totalMinor: 10_000, processedAt: placed }),
  updatedAt,
});
const refund = (id: string, orderId: string): NormalizedRefund => ({
  id,
  orderId,
  amountMinor: 1_000,
  currencyCode: "USD",
  createdAt: "2025-04-02T10:00:00.000Z",
});

describe("concurrent batches sharing orders", () => {
  it("never deadlock between the order upsert and the refund recompute", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = [`a-${round}`, `b-${round}`];
      await ingest.ingestBatch(client, SHOP, [{ orders: [order(a, `ca-${round}`, placed), order(b, `cb-${round}`, placed)] }]);
      const later = "2025-04-03T10:00:00.000Z";
      // Batch 1 updates order a and refunds b; batch 2 updates b and refunds a.
      const results = await Promise.allSettled([
        ingest.ingestBatch(client, SHOP, [{ orders: [order(a, `ca-${round}`, later)], refunds: [refund(`ra-${round}`, b)] }]),
        ingest.ingestBatch(client, SHOP, [{ orders: [order(b, `cb-${round}`, later)], refunds: [refund(`rb-${round}`, a)] }]),
      ]);
      expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))).toEqual(["ok", "ok"]);
      const refunded = await client.order.findMany({ where: { shop: SHOP, id: { in: [a, b] } }, select: { refundedMinor: true } });
      expect(refunded.map((o) => o.refundedMinor)).toEqual([1_000n, 1_000n]);
    }
  });
});
