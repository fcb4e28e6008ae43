// The points ledger through the real pipeline, on each database: signed webhooks → queue → worker → database,
// then the loyalty step of the ingest transaction. Until the lead wires applyLoyalty into ingestBatch, each
// test runs it after the queue drains (applyLoyaltyNow: the same function in its own transaction; running it
// again when the hook is wired is a no-op, which these tests then also check).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { startApp } from "../support/app-under-test";
import { orderPayload, refundPayload } from "../support/payloads";
import { installShop } from "../support/shops";
import { sendWebhook } from "../support/webhooks";

type App = Awaited<ReturnType<typeof startApp>>;
type Pipeline = typeof import("~/data/loyalty-pipeline.server");
type Program = typeof import("~/data/loyalty-program.server");
type Ledger = typeof import("~/data/loyalty-ledger.server");

const SHOP = "loyalty-ledger.myshopify.com";
const V1 = { enabled: true, currencyCode: "USD", earning: { pointsPerCurrencyUnit: 1, rounding: "down" } };

export function loyaltyLedgerSuite(start: () => Promise<App>) {
  let app: App;
  let pipeline: Pipeline;
  let programs: Program;
  let ledger: Ledger;
  let v1Id = "";

  beforeAll(async () => {
    app = await start();
    await installShop(app.db, SHOP, { currencyCode: "USD", ianaTimezone: "UTC" });
    pipeline = await import("~/data/loyalty-pipeline.server");
    programs = await import("~/data/loyalty-program.server");
    ledger = await import("~/data/loyalty-ledger.server");
    const saved = await programs.saveProgramSettings(app.db, SHOP, { settings: V1, effectiveFromMs: Date.UTC(2024, 0, 1) });
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    v1Id = saved.value.version.id;
  });
  afterAll(async () => {
    await app?.stop();
  });

  const deliver = async (topic: string, body: unknown, ids: { eventId?: string; webhookId?: string } = {}) => {
    const response = await sendWebhook(app.baseUrl, { topic, shop: SHOP, body, ...ids });
    expect(response.status).toBe(200);
  };
  /** Drain the queue, then run the loyalty step for these orders (what the wired ingest does in its transaction). */
  const settle = async (...orderIds: string[]) => {
    await app.drained();
    return pipeline.applyLoyaltyNow(app.db, SHOP, { orderIds, customerIds: [] });
  };
  const stream = async (orderId: string) =>
    app.db.pointsEntry.findMany({ where: { shop: SHOP, orderId, kind: { in: ["earn", "reverse"] } }, orderBy: { key: "asc" } });
  const balance = (customerId: string) => ledger.pointsBalanceOf(app.db, SHOP, customerId);

  describe("earning", () => {
    it("earns once for an order delivered three times (same event id, then new ids)", async () => {
      const body = orderPayload({ id: 10001, customerId: 1001, total: "123.45", createdAt: "2025-04-01T10:00:00Z" });
      await deliver("orders/create", body, { eventId: "evt-10001" });
      await deliver("orders/create", body, { eventId: "evt-10001" });
      await settle("10001");
      await deliver("orders/create", body);
      const again = await settle("10001");
      expect(again.entriesWritten).toBe(0);
      const entries = await stream("10001");
      expect(entries).toHaveLength(1);
      // 123.45 USD at 1 point per unit, rounded down: 123 points, under version 1, on 12345 minor units, 1×.
      expect(entries[0]).toMatchObject({
        key: "order:10001:0",
        kind: "earn",
        points: 123,
        customerId: "1001",
        ruleVersionId: v1Id,
        basisMinor: 12345n,
        multiplierHundredths: 100,
      });
      expect(await balance("1001")).toBe(123);
    });

    it("earns nothing for test orders and orders without a customer", async () => {
      await deliver("orders/create", orderPayload({ id: 10011, customerId: 1011, total: "50.00", test: true }));
      await deliver("orders/create", orderPayload({ id: 10012, customerId: null, total: "50.00" }));
      const result = await settle("10011", "10012");
      expect(result.entriesWritten).toBe(0);
      expect(await stream("10011")).toHaveLength(0);
      expect(await stream("10012")).toHaveLength(0);
    });
  });

  describe("reversals", () => {
    it("reverses a partial refund proportionally and a full refund to zero", async () => {
      await deliver("orders/create", orderPayload({ id: 10002, customerId: 1002, total: "123.45", createdAt: "2025-04-02T10:00:00Z" }));
      await settle("10002");
      await deliver("refunds/create", refundPayload({ id: 9201, orderId: 10002, amount: "50.00", createdAt: "2025-04-05T10:00:00Z" }));
      await settle("10002");
      // 123 × (123.45 − 50.00) / 123.45 = 73.18… → 73 kept (rounded down, the earning version's rounding): −50.
      expect((await stream("10002")).map((e) => [e.key, e.kind, e.points, e.sourceType, e.sourceId])).toEqual([
        ["order:10002:0", "earn", 123, "order", "10002"],
        ["order:10002:1", "reverse", -50, "refund", "9201"],
      ]);
      await deliver("refunds/create", refundPayload({ id: 9202, orderId: 10002, amount: "73.45", createdAt: "2025-04-06T10:00:00Z" }));
      // the same refund again, as Shopify may redeliver it
      await deliver("refunds/create", refundPayload({ id: 9202, orderId: 10002, amount: "73.45", createdAt: "2025-04-06T10:00:00Z" }));
      await settle("10002");
      await settle("10002");
      const entries = await stream("10002");
      expect(entries.map((e) => e.points)).toEqual([123, -50, -73]);
      expect(entries[2]).toMatchObject({ sourceType: "refund", sourceId: "9202", ruleVersionId: v1Id });
      expect(await balance("1002")).toBe(0);
    });

    it("writes the earn and the reversal together when the refund arrives before its order", async () => {
      await deliver("refunds/create", refundPayload({ id: 9203, orderId: 10003, amount: "23.45", createdAt: "2025-04-08T10:00:00Z" }));
      const early = await settle("10003");
      expect(early.entriesWritten).toBe(0);
      await deliver("orders/create", orderPayload({ id: 10003, customerId: 1003, total: "123.45", createdAt: "2025-04-07T10:00:00Z" }));
      await settle("10003");
      // 123 × 100.00 / 123.45 = 99.63… → 99 kept: earn 123, reverse −24.
      expect((await stream("10003")).map((e) => [e.kind, e.points])).toEqual([
        ["earn", 123],
        ["reverse", -24],
      ]);
      expect(await balance("1003")).toBe(99);
    });

    it("ends on the same figures when orders/updated (with its refund) comes before orders/create", async () => {
      const created = orderPayload({ id: 10004, customerId: 1004, total: "123.45", createdAt: "2025-04-09T10:00:00Z" });
      const updated = {
        ...orderPayload({
          id: 10004,
          customerId: 1004,
          total: "123.45",
          createdAt: "2025-04-09T10:00:00Z",
          updatedAt: "2025-04-10T10:00:00Z",
        }),
        financial_status: "partially_refunded",
        refunds: [refundPayload({ id: 9204, orderId: 10004, amount: "23.45", createdAt: "2025-04-10T10:00:00Z" })],
      };
      await deliver("orders/updated", updated);
      await settle("10004");
      await deliver("orders/create", created);
      await settle("10004");
      expect((await stream("10004")).map((e) => [e.kind, e.points])).toEqual([
        ["earn", 123],
        ["reverse", -24],
      ]);
    });

    it("reverses a cancellation in full, and never pays an order cancelled before it was seen", async () => {
      await deliver("orders/create", orderPayload({ id: 10005, customerId: 1005, total: "40.00", createdAt: "2025-04-11T10:00:00Z" }));
      await settle("10005");
      const cancel = (id: number) =>
        orderPayload({
          id,
          customerId: 1005,
          total: "40.00",
          createdAt: "2025-04-11T10:00:00Z",
          updatedAt: "2025-04-12T10:00:00Z",
          cancelledAt: "2025-04-12T10:00:00Z",
        });
      await deliver("orders/cancelled", cancel(10005));
      await deliver("orders/cancelled", cancel(10006));
      await settle("10005", "10006");
      const entries = await stream("10005");
      expect(entries.map((e) => [e.kind, e.points, e.sourceType])).toEqual([
        ["earn", 40, "order"],
        ["reverse", -40, "cancellation"],
      ]);
      expect(entries[1].effectiveAt.toISOString()).toBe("2025-04-12T10:00:00.000Z");
      expect(await stream("10006")).toHaveLength(0);
      // The original create of 10006 arriving late (older version) changes nothing.
      await deliver("orders/create", orderPayload({ id: 10006, customerId: 1005, total: "40.00", createdAt: "2025-04-11T10:00:00Z" }));
      await settle("10006");
      expect(await stream("10006")).toHaveLength(0);
      expect(await balance("1005")).toBe(0);
    });

    it("reverses with the rounding of the version that awarded the points when the rule changed in between", async () => {
      const now = Date.now();
      const iso = (ms: number) => new Date(ms).toISOString();
      await deliver("orders/create", orderPayload({ id: 10007, customerId: 1007, total: "123.45", createdAt: iso(now - 3_600_000) }));
      await settle("10007");
      const v2 = await programs.saveProgramSettings(app.db, SHOP, {
        settings: { ...V1, earning: { pointsPerCurrencyUnit: 2, rounding: "up" } },
      });
      if (!v2.ok) throw new Error(JSON.stringify(v2.errors));
      await deliver("refunds/create", refundPayload({ id: 9207, orderId: 10007, amount: "50.00", createdAt: iso(now + 60_000) }));
      await settle("10007");
      // Version 1 rounds down: 73.18… → 73 kept (−50). Version 2 would round up to 74 (−49).
      const entries = await stream("10007");
      expect(entries.map((e) => [e.kind, e.points, e.ruleVersionId])).toEqual([
        ["earn", 123, v1Id],
        ["reverse", -50, v1Id],
      ]);
      // An order after the edit earns under version 2: 10.01 × 2 = 20.02 → 21 (up).
      await deliver("orders/create", orderPayload({ id: 10008, customerId: 1007, total: "10.01", createdAt: iso(now + 120_000) }));
      await settle("10008");
      expect((await stream("10008")).map((e) => [e.points, e.ruleVersionId])).toEqual([[21, v2.value.version.id]]);
      // Back to version 1's terms for the tests below (a third version, effective now).
      const v3 = await programs.saveProgramSettings(app.db, SHOP, { settings: V1 });
      expect(v3.ok).toBe(true);
    });

    it("ends exact when an order's create, refund and update race each other", async () => {
      const created = orderPayload({ id: 10009, customerId: 1009, total: "200.00", createdAt: "2025-04-15T10:00:00Z" });
      const refund = refundPayload({ id: 9209, orderId: 10009, amount: "50.00", createdAt: "2025-04-16T10:00:00Z" });
      const updated = { ...created, updated_at: "2025-04-16T10:00:00Z", financial_status: "partially_refunded", refunds: [refund] };
      await Promise.all([
        deliver("orders/create", created),
        deliver("refunds/create", refund),
        deliver("orders/updated", updated),
        deliver("orders/create", created),
      ]);
      await Promise.all([settle("10009"), settle("10009"), settle("10009")]);
      // 200 earned; 150.00 of 200.00 kept → 150.
      const entries = await stream("10009");
      expect(entries.reduce((sum, e) => sum + e.points, 0)).toBe(150);
      expect(entries[0]).toMatchObject({ kind: "earn", points: 200 });
      expect(new Set(entries.map((e) => e.key)).size).toBe(entries.length);
    });
  });

  describe("tiers in the pipeline", () => {
    it("moves the customer's tier with their orders, earns with the tier of the day before, and records each move", async () => {
      const tiers = await programs.saveTiers(app.db, SHOP, {
        basis: "net_spend",
        window: "lifetime",
        tiers: [
          { id: "bronze", name: "Bronze", threshold: 0 },
          { id: "silver", name: "Silver", threshold: 10_000 },
          { id: "gold", name: "Gold", threshold: 50_000, perks: { pointsMultiplier: 2 } },
        ],
      });
      if (!tiers.ok) throw new Error(JSON.stringify(tiers.errors));
      await deliver("orders/create", orderPayload({ id: 10021, customerId: 1021, total: "600.00", createdAt: "2025-05-10T10:00:00Z" }));
      await settle("10021");
      const member = () => app.db.loyaltyMember.findUnique({ where: { shop_customerId: { shop: SHOP, customerId: "1021" } } });
      expect(await member()).toMatchObject({ tierId: "gold", metric: 60_000, nextTierId: null, tiersVersion: tiers.value.tiersVersion });
      // Held Bronze (1×) at the end of the day before: 600 points.
      expect((await stream("10021"))[0]).toMatchObject({ points: 600, multiplierHundredths: 100 });
      await deliver("orders/create", orderPayload({ id: 10022, customerId: 1021, total: "10.00", createdAt: "2025-05-11T10:00:00Z" }));
      await settle("10022");
      // Gold since 10 May: 2× on 11 May.
      expect((await stream("10022"))[0]).toMatchObject({ points: 20, multiplierHundredths: 200 });
      await deliver("refunds/create", refundPayload({ id: 9221, orderId: 10021, amount: "550.00", createdAt: "2025-05-12T10:00:00Z" }));
      await settle("10021");
      // Net spend 50.00 + 10.00 = 60.00: Bronze, 40.00 short of Silver.
      expect(await member()).toMatchObject({ tierId: "bronze", nextTierId: "silver", amountToNext: 4_000 });
      const moves = await app.db.tierChange.findMany({ where: { shop: SHOP, customerId: "1021" }, orderBy: { createdAt: "asc" } });
      expect(moves.map((m) => [m.fromTierId, m.toTierId])).toEqual([
        [null, "gold"],
        ["gold", "bronze"],
      ]);
      const sync = await app.db.shopifySyncState.findUnique({
        where: { shop_customerId_channel: { shop: SHOP, customerId: "1021", channel: "loyalty" } },
      });
      expect(sync?.dirty).toBe(true);
    });
  });
}
