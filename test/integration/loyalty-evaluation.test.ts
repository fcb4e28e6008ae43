// The whole-shop loyalty run on a small hand-checked shop: past orders earn when a program starts, the editor's
// preview equals what saving the ladder writes, only changed members are written (with their tier changes and a
// write-back mark), predicted-value ladders keep a member through the grace period after a refit, and points
// expire after the months without an order. SQLite; no web server needed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NormalizedOrder, NormalizedRefund } from "~/orders/types";
import { isolatedEnvironment } from "../support/environment";
import { installShop } from "../support/shops";
import { paidOrder } from "../../testkit/loyalty-orders";

const SHOP = "loyalty-evaluation.myshopify.com";
const EXPIRY_SHOP = "loyalty-expiry.myshopify.com";
const DAY = 86_400_000;

let environment: ReturnType<typeof isolatedEnvironment>;
let client: import("@prisma/client").PrismaClient;
let evaluation: typeof import("~/data/loyalty-evaluation.server");
let programs: typeof import("~/data/loyalty-program.server");
let ingest: typeof import("~/data/ingest.server");

const order = (id: string, customerId: string, totalMinor: number, processedAt: string, test = false): NormalizedOrder =>
  paidOrder({ id, customerId, totalMinor, processedAt, test });

const refund = (id: string, orderId: string, amountMinor: number, createdAt: string): NormalizedRefund => ({
  id,
  orderId,
  amountMinor,
  currencyCode: "USD",
  createdAt,
});

const NET_SPEND = {
  basis: "net_spend",
  window: "lifetime",
  tiers: [
    { id: "bronze", name: "Bronze", threshold: 0 },
    { id: "silver", name: "Silver", threshold: 10_000 },
    { id: "gold", name: "Gold", threshold: 50_000 },
  ],
};
const ORDER_COUNT = {
  basis: "order_count",
  window: "lifetime",
  tiers: [
    { id: "regular", name: "Regular", threshold: 0 },
    { id: "repeat", name: "Repeat", threshold: 2 },
  ],
};

beforeAll(async () => {
  environment = isolatedEnvironment({ NODE_ENV: "test" });
  const { db } = await import("~/db.server");
  client = await db();
  evaluation = await import("~/data/loyalty-evaluation.server");
  programs = await import("~/data/loyalty-program.server");
  ingest = await import("~/data/ingest.server");
  await installShop(client, SHOP, { currencyCode: "USD", ianaTimezone: "UTC" });
  await ingest.ingestBatch(client, SHOP, [
    {
      orders: [
        order("1", "c1", 5_000, "2025-01-10T12:00:00.000Z"),
        order("2", "c2", 15_000, "2025-02-10T12:00:00.000Z"),
        order("3", "c3", 30_000, "2025-03-10T12:00:00.000Z"),
        order("4", "c3", 30_000, "2025-04-10T12:00:00.000Z"),
        order("5", "c4", 8_000, "2025-05-01T12:00:00.000Z"),
        order("6", "c4", 4_000, "2025-05-02T12:00:00.000Z"),
        order("7", "c5", 100_000, "2025-06-01T12:00:00.000Z"),
        order("8", "c6", 50_000, "2025-06-02T12:00:00.000Z", true),
      ],
      refunds: [refund("r7", "7", 90_000, "2025-06-05T12:00:00.000Z")],
    },
  ]);
});

afterAll(async () => {
  const { disconnectDb } = await import("~/db.server");
  await disconnectDb();
  environment?.cleanup();
});

const tierCounts = async () => {
  const rows = await client.loyaltyMember.groupBy({ by: ["tierId"], where: { shop: SHOP }, _count: { _all: true } });
  return new Map(rows.map((r) => [r.tierId, r._count._all]));
};

describe("a program starting in the past", () => {
  it("awards the orders since its start and keeps the ledger exact", async () => {
    const saved = await programs.saveProgramSettings(client, SHOP, {
      settings: { enabled: true, currencyCode: "USD", earning: { pointsPerCurrencyUnit: 1 } },
      effectiveFromMs: Date.UTC(2024, 0, 1),
    });
    expect(saved.ok && saved.value.created).toBe(true);
    const summary = await evaluation.runTierEvaluation(client, SHOP, { reason: "program_started" });
    // c1 50, c2 150, c3 300 + 300, c4 80 + 40, c5 1000 earned and 900 reversed (100 of 1,000.00 kept), c6 a test order.
    const balances = await client.pointsEntry.groupBy({ by: ["customerId"], where: { shop: SHOP }, _sum: { points: true } });
    expect(Object.fromEntries(balances.map((b) => [b.customerId, b._sum.points]))).toEqual({ c1: 50, c2: 150, c3: 600, c4: 120, c5: 100 });
    expect(summary?.pointsEntries).toBe(8);
    // Again: nothing new.
    const again = await evaluation.runTierEvaluation(client, SHOP, { reason: "program_started" });
    expect(again?.pointsEntries).toBe(0);
  });
});

describe("preview and evaluation", () => {
  it("previews a net-spend ladder over the whole history and saving it writes exactly that", async () => {
    const preview = await evaluation.previewTierDraft(client, SHOP, NET_SPEND, { fresh: true });
    if (!preview.ok) throw new Error(JSON.stringify(preview.errors));
    // c1 50.00 and c6 0 → Bronze; c2 150.00, c4 120.00, c5 100.00 (1,000.00 − 900.00) → Silver; c3 600.00 → Gold.
    expect(preview.rows.map((r) => [r.tierId, r.customers, r.netRevenueMinor])).toEqual([
      [null, 0, 0],
      ["bronze", 2, 5_000],
      ["silver", 3, 37_000],
      ["gold", 1, 60_000],
    ]);
    const saved = await programs.saveTiers(client, SHOP, NET_SPEND);
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    const runId = await evaluation.createEvaluationRun(client, SHOP, "tiers_changed", saved.value.tiersVersion);
    const summary = await evaluation.runTierEvaluation(client, SHOP, { reason: "tiers_changed", runId });
    expect(summary).toMatchObject({ customers: 6, membersChanged: 6, tierChanges: 6 });
    expect(await tierCounts()).toEqual(new Map(preview.rows.filter((r) => r.customers > 0).map((r) => [r.tierId, r.customers])));
    expect(await client.tierEvaluationRun.findUnique({ where: { id: runId } })).toMatchObject({ status: "completed", total: 6, done: 6 });
    expect(await client.shopifySyncState.count({ where: { shop: SHOP, channel: "loyalty", dirty: true } })).toBe(6);
  });

  it("writes nothing when nothing changed", async () => {
    const summary = await evaluation.runTierEvaluation(client, SHOP, { reason: "nightly" });
    expect(summary).toMatchObject({ customers: 6, membersChanged: 0, tierChanges: 0 });
  });

  it("previews a different ladder as its save then evaluates it, and records the moves as tier edits", async () => {
    const preview = await evaluation.previewTierDraft(client, SHOP, ORDER_COUNT, { fresh: true });
    if (!preview.ok) throw new Error(JSON.stringify(preview.errors));
    // Two counted orders: c3 and c4. The test order of c6 does not count; c5's order is only partly refunded.
    expect(preview.rows.map((r) => [r.tierId, r.customers])).toEqual([
      [null, 0],
      ["regular", 4],
      ["repeat", 2],
    ]);
    const saved = await programs.saveTiers(client, SHOP, ORDER_COUNT);
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    const before = new Date();
    await evaluation.runTierEvaluation(client, SHOP, { reason: "tiers_changed" });
    expect(await tierCounts()).toEqual(
      new Map([
        ["regular", 4],
        ["repeat", 2],
      ]),
    );
    const moves = await client.tierChange.findMany({ where: { shop: SHOP, createdAt: { gte: before } } });
    expect(moves).toHaveLength(6);
    expect(new Set(moves.map((m) => m.reason))).toEqual(new Set(["tiers_changed"]));
  });

  it("refuses an invalid draft with a message per field", async () => {
    const preview = await evaluation.previewTierDraft(client, SHOP, {
      ...NET_SPEND,
      tiers: [NET_SPEND.tiers[0], { ...NET_SPEND.tiers[1], threshold: 0 }],
    });
    expect(preview.ok).toBe(false);
    if (!preview.ok) expect(preview.errors.map((e) => e.path)).toContain("tiers.1.threshold");
  });
});

describe("predicted-value ladders", () => {
  it("promotes on the refit's prediction and keeps a member through the grace period when it drops", async () => {
    const setPrediction = (customerId: string, minor: bigint | null) =>
      client.customerValue.update({ where: { shop_customerId: { shop: SHOP, customerId } }, data: { predictedClvMinor: minor } });
    await setPrediction("c1", 20_000n);
    await setPrediction("c2", 5_000n);
    const saved = await programs.saveTiers(client, SHOP, {
      basis: "predicted_clv",
      window: null,
      tiers: [
        { id: "base", name: "Base", threshold: 0 },
        { id: "vip", name: "VIP", threshold: 10_000, retention: { kind: "grace_period", days: 30 } },
      ],
    });
    expect(saved.ok).toBe(true);
    const now = Date.now();
    await evaluation.runTierEvaluation(client, SHOP, { reason: "tiers_changed", nowMs: now });
    const member = () => client.loyaltyMember.findUniqueOrThrow({ where: { shop_customerId: { shop: SHOP, customerId: "c1" } } });
    expect(await member()).toMatchObject({ tierId: "vip", holdUntilDay: null });

    await setPrediction("c1", 3_000n);
    await evaluation.runTierEvaluation(client, SHOP, { reason: "refit", nowMs: now + DAY });
    const held = await member();
    expect(held.tierId).toBe("vip");
    const refitDay = Math.floor((now + DAY) / DAY);
    expect(held.holdUntilDay).toBe(refitDay + 30);

    await evaluation.runTierEvaluation(client, SHOP, { reason: "refit", nowMs: now + 31 * DAY });
    expect(await member()).toMatchObject({ tierId: "base" });
    const last = await client.tierChange.findFirst({ where: { shop: SHOP, customerId: "c1" }, orderBy: { createdAt: "desc" } });
    expect(last).toMatchObject({ fromTierId: "vip", toTierId: "base", reason: "grace_ended" });
  });
});

describe("expiry", () => {
  it("expires a balance after the months without an order, dated on the due day", async () => {
    await installShop(client, EXPIRY_SHOP, { currencyCode: "USD", ianaTimezone: "UTC" });
    await ingest.ingestBatch(client, EXPIRY_SHOP, [{ orders: [order("e1", "x1", 5_000, "2025-01-10T12:00:00.000Z")] }]);
    await programs.saveProgramSettings(client, EXPIRY_SHOP, {
      settings: { enabled: true, currencyCode: "USD", earning: { pointsPerCurrencyUnit: 1 }, expiry: { monthsWithoutOrder: 1 } },
      effectiveFromMs: Date.UTC(2024, 0, 1),
    });
    await evaluation.runTierEvaluation(client, EXPIRY_SHOP, { reason: "program_started" });
    const summary = await evaluation.runTierEvaluation(client, EXPIRY_SHOP, { reason: "nightly" });
    expect(summary?.pointsEntries).toBe(1);
    const expired = await client.pointsEntry.findFirst({ where: { shop: EXPIRY_SHOP, kind: "expire" } });
    expect(expired).toMatchObject({ customerId: "x1", points: -50 });
    expect(expired?.effectiveAt.toISOString()).toBe("2025-02-10T00:00:00.000Z");
    expect((await evaluation.runTierEvaluation(client, EXPIRY_SHOP, { reason: "nightly" }))?.pointsEntries).toBe(0);
  });
});
