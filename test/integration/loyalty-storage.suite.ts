// The loyalty ingest's storage shortcuts, on SQLite and PostgreSQL (see the two test files):
// - rows written as one JSON parameter (points entries, member rows, tier moves, write-back marks) are stored
//   exactly as Prisma stores the same values: same storage type and text, column by column. (On SQLite a
//   DateTime is ISO text; casting it to TIMESTAMP there would store a number.)
// - the batch's reads: an order whose customer is not among the batch's customers still finds its member row;
// - the ingest path's copy of the program: a rule change made by another process is seen within
//   PROGRAM_REUSE_MS, and a steady ingest reads the program row once per window, not once per batch.
import type { PrismaClient } from "@prisma/client";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { LedgerEntry } from "~/loyalty";
import { paidOrder } from "../../testkit/loyalty-orders";
import { isolatedEnvironment } from "../support/environment";
import { installShop } from "../support/shops";

export interface StorageDatabase {
  /** DATABASE_URL override (PostgreSQL); SQLite uses the test file's copy of the template. */
  url?: string;
  drop?: () => Promise<void>;
}

const SHOP = "loyalty-storage.myshopify.com";
const LADDER = {
  basis: "net_spend",
  window: "lifetime",
  tiers: [
    { id: "member", name: "Member", threshold: 0 },
    { id: "silver", name: "Silver", threshold: 10_000 },
  ],
};

export function loyaltyStorageSuite(database: () => Promise<StorageDatabase>) {
  let storage: StorageDatabase;
  let environment: ReturnType<typeof isolatedEnvironment>;
  let client: PrismaClient;
  let postgres = false;

  beforeAll(async () => {
    storage = await database();
    environment = isolatedEnvironment({ NODE_ENV: "test", ...(storage.url ? { DATABASE_URL: storage.url } : {}) });
    const { db, databaseProvider } = await import("~/db.server");
    postgres = databaseProvider() === "postgresql";
    client = await db();
    await installShop(client, SHOP, { currencyCode: "USD", ianaTimezone: "UTC" });
  });

  afterAll(async () => {
    const { disconnectDb } = await import("~/db.server");
    await disconnectDb();
    environment?.cleanup();
    await storage?.drop?.();
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Each column of the row as (storage type, text): what the database holds, not what Prisma makes of it. */
  async function stored(table: string, where: string, columns: string[], ...values: unknown[]): Promise<Record<string, string>> {
    const select = columns
      .map((c) =>
        postgres
          ? `pg_typeof("${c}")::text || ':' || COALESCE(CAST("${c}" AS TEXT), 'NULL') AS "${c}"`
          : `typeof("${c}") || ':' || COALESCE(CAST("${c}" AS TEXT), 'NULL') AS "${c}"`,
      )
      .join(", ");
    let n = 0;
    const text = `SELECT ${select} FROM "${table}" WHERE ${where.replace(/\?/g, () => (postgres ? `$${++n}` : "?"))}`;
    const rows = await client.$queryRawUnsafe<Record<string, string>[]>(text, ...values);
    expect(rows).toHaveLength(1);
    return rows[0];
  }

  const ENTRY_COLUMNS = [
    "shop",
    "customerId",
    "kind",
    "points",
    "sourceType",
    "sourceId",
    "orderId",
    "ruleVersionId",
    "basisMinor",
    "multiplierHundredths",
    "reason",
    "effectiveAt",
    "createdAt",
  ];

  describe("rows sent as JSON", () => {
    const entries: LedgerEntry[] = [
      {
        key: "order:json-1:0",
        customerId: "c-json",
        kind: "earn",
        points: 1_234,
        source: { type: "order", orderId: "json-1" },
        ruleVersionId: "6f1c2b8e-1d7c-4bfb-9d55-0a1b2c3d4e5f",
        effectiveAtMs: Date.UTC(2025, 0, 2, 3, 4, 5, 678),
        basisMinor: 9_007_199_254_740_991,
        multiplierHundredths: 150,
      },
      {
        key: "order:json-1:1",
        customerId: "c-json",
        kind: "reverse",
        points: -34,
        source: { type: "refund", orderId: "json-1", refundIds: ["r1", "r2"] },
        ruleVersionId: "6f1c2b8e-1d7c-4bfb-9d55-0a1b2c3d4e5f",
        effectiveAtMs: Date.UTC(2025, 11, 31, 23, 59, 59, 999),
      },
      {
        key: "adjust:json-2",
        customerId: "c-json",
        kind: "adjust",
        points: 7,
        source: { type: "manual", reason: 'Goodwill «merci» "quoted" \\ back', staffMemberId: null },
        ruleVersionId: null,
        effectiveAtMs: Date.UTC(1999, 0, 1, 0, 0, 0, 1),
      },
      // Shopify's numeric ids travel as JSON numbers (json-rows.server.ts, compactId) and must come back as the same text;
      // ids that are not canonical integers below 2^53 (a leading zero, 20 digits) travel as strings.
      {
        key: "order:5012345678901:0",
        customerId: "7012345678901",
        kind: "earn",
        points: 5,
        source: { type: "order", orderId: "5012345678901" },
        ruleVersionId: "6f1c2b8e-1d7c-4bfb-9d55-0a1b2c3d4e5f",
        effectiveAtMs: Date.UTC(2025, 5, 6, 7, 8, 9, 10),
        basisMinor: 500,
        multiplierHundredths: 100,
      },
      {
        key: "order:0123:0",
        customerId: "12345678901234567890",
        kind: "reverse",
        points: -5,
        source: { type: "cancellation", orderId: "0123" },
        ruleVersionId: null,
        effectiveAtMs: Date.UTC(2025, 5, 6, 7, 8, 9, 11),
      },
      {
        key: "referral:9007199254740993",
        customerId: "9007199254740993",
        kind: "referral",
        points: 50,
        source: { type: "referral", referredCustomerId: "123456789012345", orderId: "5012345678901" },
        ruleVersionId: null,
        effectiveAtMs: Date.UTC(2025, 5, 6, 7, 8, 9, 12),
      },
    ];

    it("stores points entries exactly as Prisma stores the same values", async () => {
      const { insertEntries } = await import("~/data/loyalty-ledger.server");
      const inserted = await client.$transaction((tx) => insertEntries(tx, SHOP, entries));
      expect([...inserted].sort()).toEqual(entries.map((e) => e.key).sort());
      // A second insert of the same keys inserts nothing (a redelivery).
      expect((await client.$transaction((tx) => insertEntries(tx, SHOP, entries))).size).toBe(0);

      for (const entry of entries) {
        const viaJson = await client.pointsEntry.findUniqueOrThrow({ where: { shop_key: { shop: SHOP, key: entry.key } } });
        expect(viaJson.effectiveAt.getTime()).toBe(entry.effectiveAtMs);
        expect(viaJson.basisMinor).toBe(entry.basisMinor === undefined ? null : BigInt(entry.basisMinor));
        // The same values written by Prisma, under another key.
        const copyKey = `${entry.key}:prisma`;
        await client.pointsEntry.create({ data: { ...viaJson, key: copyKey } });
        const a = await stored("PointsEntry", `"shop" = ? AND "key" = ?`, ENTRY_COLUMNS, SHOP, entry.key);
        const b = await stored("PointsEntry", `"shop" = ? AND "key" = ?`, ENTRY_COLUMNS, SHOP, copyKey);
        expect(a).toEqual(b);
        expect(a.customerId).toBe(`text:${entry.customerId}`);
        // Dates are text on SQLite (Prisma's representation), timestamps on PostgreSQL; never numbers.
        expect(a.effectiveAt).toMatch(postgres ? /^timestamp without time zone:/ : /^text:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
        expect(a.createdAt).toMatch(postgres ? /^timestamp without time zone:/ : /^text:/);
      }
    });

    it("stores member rows, tier moves and write-back marks exactly as Prisma does", async () => {
      const members = await import("~/data/loyalty-members.server");
      await client.$transaction(async (tx) => {
        await members.writeMembers(
          tx,
          SHOP,
          [
            {
              customerId: "m-1",
              tierId: "silver",
              sinceDay: 20_100,
              holdUntilDay: null,
              metric: 12_345.5,
              nextTierId: null,
              amountToNext: null,
            },
            {
              customerId: "m-2",
              tierId: "member",
              sinceDay: 20_101,
              holdUntilDay: 20_500,
              metric: 100,
              nextTierId: "silver",
              amountToNext: 9_900,
            },
            {
              customerId: "8012345678901",
              tierId: "member",
              sinceDay: 20_102,
              holdUntilDay: null,
              metric: 1,
              nextTierId: "silver",
              amountToNext: 9_999,
            },
          ],
          3,
        );
        await members.recordTierChanges(tx, SHOP, [
          { customerId: "m-1", fromTierId: "member", toTierId: "silver", day: 20_100, reason: "qualified" },
          { customerId: "m-2", fromTierId: null, toTierId: "member", day: 20_101, reason: "enrolled" },
          { customerId: "8012345678901", fromTierId: null, toTierId: "member", day: 20_102, reason: "enrolled" },
        ]);
        await members.markLoyaltyDirty(tx, SHOP, ["m-2", "m-1", "m-2", "8012345678901", "08012345678901"]);
      });
      const memberColumns = [
        "tierId",
        "tierSinceDay",
        "holdUntilDay",
        "metric",
        "nextTierId",
        "amountToNext",
        "tiersVersion",
        "evaluatedAt",
      ];
      for (const customerId of ["m-1", "m-2", "8012345678901"]) {
        const viaJson = await client.loyaltyMember.findUniqueOrThrow({ where: { shop_customerId: { shop: SHOP, customerId } } });
        await client.loyaltyMember.create({ data: { ...viaJson, customerId: `${customerId}-prisma` } });
        const a = await stored("LoyaltyMember", `"shop" = ? AND "customerId" = ?`, memberColumns, SHOP, customerId);
        const b = await stored("LoyaltyMember", `"shop" = ? AND "customerId" = ?`, memberColumns, SHOP, `${customerId}-prisma`);
        expect(a).toEqual(b);
      }
      expect((await client.loyaltyMember.findUniqueOrThrow({ where: { shop_customerId: { shop: SHOP, customerId: "m-1" } } })).metric).toBe(
        12_345.5,
      );

      const changes = await client.tierChange.findMany({ where: { shop: SHOP }, orderBy: { customerId: "asc" } });
      expect(changes.map((c) => [c.customerId, c.fromTierId, c.toTierId, c.day, c.reason])).toEqual([
        ["8012345678901", null, "member", 20_102, "enrolled"],
        ["m-1", "member", "silver", 20_100, "qualified"],
        ["m-2", null, "member", 20_101, "enrolled"],
      ]);
      expect(new Set(changes.map((c) => c.id)).size).toBe(3);
      const changeColumns = ["fromTierId", "toTierId", "day", "reason", "createdAt"];
      await client.tierChange.create({ data: { ...changes[0], id: "prisma-copy" } });
      expect(await stored("TierChange", `"id" = ?`, changeColumns, changes[0].id)).toEqual(
        await stored("TierChange", `"id" = ?`, changeColumns, "prisma-copy"),
      );

      const marks = await client.shopifySyncState.findMany({ where: { shop: SHOP, channel: "loyalty" }, orderBy: { customerId: "asc" } });
      expect(marks.map((m) => [m.customerId, m.dirty, m.syncedAt, m.written])).toEqual([
        ["08012345678901", true, null, "{}"],
        ["8012345678901", true, null, "{}"],
        ["m-1", true, null, "{}"],
        ["m-2", true, null, "{}"],
      ]);
      expect(await stored("ShopifySyncState", `"shop" = ? AND "customerId" = ?`, ["customerId"], SHOP, "8012345678901")).toEqual({
        customerId: "text:8012345678901",
      });
      await client.shopifySyncState.create({ data: { ...marks[2], customerId: "m-1-prisma" } });
      const markColumns = ["channel", "written", "dirty", "syncedAt"];
      expect(await stored("ShopifySyncState", `"shop" = ? AND "customerId" = ?`, markColumns, SHOP, "m-1")).toEqual(
        await stored("ShopifySyncState", `"shop" = ? AND "customerId" = ?`, markColumns, SHOP, "m-1-prisma"),
      );
      // A claimed mark (synced, clean) is marked again; one already marked stays as it is.
      await client.shopifySyncState.update({
        where: { shop_customerId_channel: { shop: SHOP, customerId: "m-1", channel: "loyalty" } },
        data: { dirty: false, syncedAt: new Date(), written: '{"tags":["tier:silver"]}' },
      });
      await client.$transaction((tx) => members.markLoyaltyDirty(tx, SHOP, ["m-1", "m-2"]));
      const again = await client.shopifySyncState.findMany({
        where: { shop: SHOP, channel: "loyalty", customerId: { startsWith: "m-" } },
        orderBy: { customerId: "asc" },
      });
      expect(again.filter((m) => !m.customerId.endsWith("prisma")).map((m) => [m.customerId, m.dirty, m.syncedAt, m.written])).toEqual([
        ["m-1", true, null, '{"tags":["tier:silver"]}'],
        ["m-2", true, null, "{}"],
      ]);
    });
  });

  describe("the ingest path's copy of the program", () => {
    it("reads the row once per window, and sees another process's rule change within it", async () => {
      const programs = await import("~/data/loyalty-program.server");
      const saved = await programs.saveProgramSettings(client, SHOP, {
        settings: { enabled: true, currencyCode: "USD", earning: { pointsPerCurrencyUnit: 1 } },
        effectiveFromMs: Date.UTC(2024, 0, 1),
      });
      expect(saved.ok).toBe(true);
      programs.forgetProgram(SHOP);

      let reads = 0;
      const counting = new Proxy(client, {
        get(target, property) {
          if (property === "loyaltyProgram")
            return {
              findUnique: (args: Parameters<PrismaClient["loyaltyProgram"]["findUnique"]>[0]) => {
                reads++;
                return target.loyaltyProgram.findUnique(args);
              },
            };
          return Reflect.get(target, property) as unknown;
        },
      });
      const start = Date.now();
      let now = start;
      vi.spyOn(Date, "now").mockImplementation(() => now);
      const window = programs.PROGRAM_REUSE_MS;
      const load = async (atMs: number) => {
        now = start + atMs;
        const program = await programs.loadProgram(counting, SHOP, { reuseForMs: window });
        return program?.ruleVersions.length;
      };

      expect(await load(0)).toBe(1);
      expect(reads).toBe(1);
      expect(await load(window / 2)).toBe(1);
      expect(reads).toBe(1);
      // Past the window: the row is read again (unchanged: the parsed copy is kept)…
      expect(await load(window + 1_000)).toBe(1);
      expect(reads).toBe(2);
      // …and the window counts from that check, not from the parse: no read per batch from here on.
      expect(await load(window + 2_000)).toBe(1);
      expect(await load(2 * window)).toBe(1);
      expect(reads).toBe(2);

      // Another process saves a new rule version (this process's copy is not told).
      const changedAt = 2 * window + 500;
      const first = await client.loyaltyRuleVersion.findFirstOrThrow({ where: { shop: SHOP } });
      const settings = JSON.parse(first.settings) as { earning: { pointsPerCurrencyUnit: number } };
      settings.earning.pointsPerCurrencyUnit = 2;
      await client.loyaltyRuleVersion.create({
        data: {
          shop: SHOP,
          id: "other-process",
          effectiveFrom: new Date(start + changedAt + programs.RULE_CHANGE_DELAY_MS),
          settings: JSON.stringify(settings),
        },
      });
      await client.loyaltyProgram.update({ where: { shop: SHOP }, data: { settings: JSON.stringify({ ...settings, pitch: "" }) } });

      // Seen at the latest one window after the change (before the new version can take effect).
      expect(window).toBeLessThan(programs.RULE_CHANGE_DELAY_MS);
      let seenAt: number | null = null;
      for (let at = changedAt; at <= changedAt + window; at += 250) {
        if ((await load(at)) === 2) {
          seenAt = at;
          break;
        }
      }
      expect(seenAt).not.toBeNull();
      expect((seenAt as number) - changedAt).toBeLessThanOrEqual(window);
      const program = await programs.loadProgram(counting, SHOP, { reuseForMs: window });
      expect(program?.ruleVersions.at(-1)?.settings.earning.pointsPerCurrencyUnit).toBe(2);
    });
  });

  describe("the batch's reads", () => {
    it("finds the member row of an order's customer that the batch did not name", async () => {
      const programs = await import("~/data/loyalty-program.server");
      const tiers = await programs.saveTiers(client, SHOP, LADDER);
      expect(tiers.ok).toBe(true);
      const { ingestBatch } = await import("~/data/ingest.server");
      const { applyLoyaltyNow } = await import("~/data/loyalty-pipeline.server");
      const orders = [
        paidOrder({ id: "read-1", customerId: "r-1", totalMinor: 15_000, subtotalMinor: 15_000, processedAt: "2025-03-01T10:00:00.000Z" }),
        paidOrder({ id: "read-2", customerId: "r-2", totalMinor: 2_000, subtotalMinor: 2_000, processedAt: "2025-03-01T11:00:00.000Z" }),
      ];
      await ingestBatch(client, SHOP, [{ orders }]);
      const members = await client.loyaltyMember.findMany({
        where: { shop: SHOP, customerId: { in: ["r-1", "r-2"] } },
        orderBy: { customerId: "asc" },
      });
      expect(members.map((m) => [m.customerId, m.tierId])).toEqual([
        ["r-1", "silver"],
        ["r-2", "member"],
      ]);
      const changesBefore = await client.tierChange.count({ where: { shop: SHOP } });
      // A re-run naming the orders but none of their customers (as a refund of another batch would): their
      // member rows are read, so nothing moves and nothing is recorded again.
      const result = await applyLoyaltyNow(client, SHOP, { orderIds: ["read-1", "read-2"], customerIds: [] });
      expect(result).toMatchObject({ entriesWritten: 0, membersChanged: 0, tierChanges: 0 });
      expect(await client.tierChange.count({ where: { shop: SHOP } })).toBe(changesBefore);
      const balances = await client.pointsEntry.groupBy({
        by: ["customerId"],
        where: { shop: SHOP, customerId: { in: ["r-1", "r-2"] } },
        _sum: { points: true },
      });
      expect(Object.fromEntries(balances.map((b) => [b.customerId, b._sum.points]))).toEqual({ "r-1": 150, "r-2": 20 });
    });
  });
}
