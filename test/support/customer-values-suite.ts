// The one-statement value pass after an import must agree with the per-customer computation the
// webhooks use (app/lib/historic-value.ts), on whichever database the file runs.
import { afterAll, beforeAll, expect, it } from "vitest";
import { orderPayload, refundPayload } from "./payloads";
import { installShop } from "./shops";

export function customerValuesSuite(prepare: () => Promise<{ cleanup: () => Promise<void> | void }>) {
  let cleanup: () => Promise<void> | void = () => {};
  beforeAll(async () => {
    ({ cleanup } = await prepare());
  });
  afterAll(async () => {
    const { disconnectDb } = await import("~/db.server");
    await disconnectDb();
    await cleanup();
  });

  it("gives the same values as the per-customer computation", async () => {
    const { db } = await import("~/db.server");
    const { ingestBatch } = await import("~/data/ingest.server");
    const { recomputeAllCustomerValues } = await import("~/data/customer-values.server");
    const { parseWebhookPayload } = await import("~/webhooks/payloads");
    const client = await db();
    const order = (spec: Parameters<typeof orderPayload>[0]) => {
      const e = parseWebhookPayload("orders/create", orderPayload(spec));
      if (e.kind !== "order") throw new Error("not an order");
      return e.order;
    };
    const refund = (id: number, orderId: number, amount: string) => {
      const e = parseWebhookPayload("refunds/create", refundPayload({ id, orderId, amount }));
      if (e.kind !== "refund") throw new Error("not a refund");
      return e.refund;
    };
    const orders = [
      order({ id: 1, customerId: 10, total: "10.00", createdAt: "2025-01-01T08:00:00Z" }),
      order({ id: 2, customerId: 10, total: "20.01", createdAt: "2025-03-15T23:59:00Z" }),
      order({ id: 3, customerId: 10, total: "5.00", createdAt: "2025-04-01T00:00:00Z", cancelledAt: "2025-04-02T00:00:00Z" }),
      order({ id: 4, customerId: 11, total: "7.00", createdAt: "2025-02-01T00:00:00Z", test: true }),
      order({ id: 5, customerId: 12, total: "3.00", createdAt: "2025-02-01T00:00:00Z" }),
      order({ id: 6, customerId: 12, total: "0.01", createdAt: "2025-02-10T12:00:00Z" }),
      order({ id: 7, customerId: null, total: "99.00", createdAt: "2025-02-10T12:00:00Z" }),
      order({ id: 8, customerId: 13, total: "1.00", createdAt: "2025-05-05T05:05:05Z" }),
    ];
    const refunds = [refund(100, 2, "0.02"), refund(101, 8, "3.00"), refund(102, 5, "0.50")];
    for (const shop of ["reference.myshopify.com", "bulk.myshopify.com"]) {
      await installShop(client, shop);
      await ingestBatch(client, shop, [{ orders, refunds }], { deferCustomerValues: shop.startsWith("bulk") });
    }
    expect(await client.customerValue.count({ where: { shop: "bulk.myshopify.com", computedAt: { not: null } } })).toBe(0);
    expect(await recomputeAllCustomerValues(client, "bulk.myshopify.com")).toBe(4);

    const pick = (shop: string) =>
      client.customerValue.findMany({
        where: { shop },
        orderBy: { customerId: "asc" },
        select: {
          customerId: true,
          orderCount: true,
          grossMinor: true,
          refundedMinor: true,
          netRevenueMinor: true,
          aovMinor: true,
          firstOrderAt: true,
          lastOrderAt: true,
          tenureDays: true,
        },
      });
    const reference = await pick("reference.myshopify.com");
    expect(reference.find((v) => v.customerId === "13")?.aovMinor).toBe(-200n); // net below zero rounds away from zero too
    expect(reference.find((v) => v.customerId === "10")?.tenureDays).toBe(73);
    expect(await pick("bulk.myshopify.com")).toEqual(reference);
  });
}
