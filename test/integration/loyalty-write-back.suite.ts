// The loyalty write-back against the Admin API double, on each database: only changed values, 25 metafields per
// metafieldsSet, tier tags swapped, deletions at the top tier, pacing from throttleStatus and retries on THROTTLED,
// the bulk-mutation path (with a failing operation), and the storefront's app-data metafields. No web server.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAdminApiDouble, type AdminApiDouble } from "../../testkit/admin-api-double/index";
import { isolatedEnvironment } from "../support/environment";
import { freshPostgresSchema } from "../support/postgres";
import { installShop } from "../support/shops";

/** SQLite (the file of isolatedEnvironment) or a fresh PostgreSQL schema. */
export function writeBackSuite(database: "sqlite" | "postgresql") {
  const SHOP = "loyalty-sync.myshopify.com";
  const TOKEN = "shpat_loyalty_sync";
  const target = { shop: SHOP, accessToken: TOKEN };
  const INSTALLATION = "gid://shopify/AppInstallation/1234567";

  let double: AdminApiDouble;
  let environment: ReturnType<typeof isolatedEnvironment>;
  let postgres: Awaited<ReturnType<typeof freshPostgresSchema>> | null = null;
  let client: import("@prisma/client").PrismaClient;
  let writeBack: typeof import("~/data/loyalty-write-back.server");
  let members: typeof import("~/data/loyalty-members.server");
  let ledger: typeof import("~/data/loyalty-ledger.server");

  const gid = (id: string) => `gid://shopify/Customer/${id}`;
  const noSleep = async () => {};

  beforeAll(async () => {
    double = await startAdminApiDouble({ shops: [{ shop: SHOP, accessToken: TOKEN }] });
    postgres = database === "postgresql" ? await freshPostgresSchema() : null;
    environment = isolatedEnvironment({
      NODE_ENV: "test",
      SHOPIFY_ADMIN_API_ORIGIN: double.origin,
      ...(postgres ? { DATABASE_URL: postgres.url } : {}),
    });
    const { db } = await import("~/db.server");
    client = await db();
    writeBack = await import("~/data/loyalty-write-back.server");
    members = await import("~/data/loyalty-members.server");
    ledger = await import("~/data/loyalty-ledger.server");
    const programs = await import("~/data/loyalty-program.server");
    await installShop(client, SHOP, { currencyCode: "USD", ianaTimezone: "UTC" });
    const saved = await programs.saveProgramSettings(client, SHOP, {
      settings: { enabled: true, currencyCode: "USD", earning: { pointsPerCurrencyUnit: 1 } },
      pitch: "Earn points on every order.",
    });
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    const tiers = await programs.saveTiers(client, SHOP, {
      basis: "net_spend",
      window: "lifetime",
      tiers: [
        { id: "bronze", name: "Bronze", threshold: 0 },
        { id: "silver", name: "Silver", threshold: 10_000 },
        { id: "gold", name: "Gold", threshold: 50_000 },
      ],
    });
    if (!tiers.ok) throw new Error(JSON.stringify(tiers.errors));
  });

  afterAll(async () => {
    const { disconnectDb } = await import("~/db.server");
    await disconnectDb();
    await double?.close();
    environment?.cleanup();
    await postgres?.drop();
  });

  beforeEach(() => {
    double.control.clearFailures();
    double.control.setThrottle({ shop: SHOP, maximumAvailable: 2000, restoreRate: 100, currentlyAvailable: 2000, cost: { default: 10 } });
    double.control.clearRequests();
  });

  /** Net spend seeded so far per customer (the write-back measures it from the orders). */
  const spent = new Map<string, number>();
  let orderSeq = 0;

  /** Members in a tier with a balance and orders worth `metric`, marked dirty (what the pipeline leaves behind). */
  async function seed(
    ids: string[],
    state: { tierId: string; metric: number; nextTierId: string | null; amountToNext: number | null },
    points: number,
  ) {
    const { tiersVersion } = await client.loyaltyProgram.findUniqueOrThrow({ where: { shop: SHOP } });
    const at = new Date(Date.UTC(2025, 0, 2));
    const orders = ids
      .map((customerId) => ({ customerId, delta: state.metric - (spent.get(customerId) ?? 0) }))
      .filter((o) => o.delta > 0)
      .map((o) => ({
        shop: SHOP,
        id: `seed-${++orderSeq}`,
        customerId: o.customerId,
        currencyCode: "USD",
        totalMinor: BigInt(o.delta),
        financialStatus: "paid",
        shopifyCreatedAt: at,
        processedAt: at,
        shopifyUpdatedAt: at,
      }));
    if (orders.length > 0) await client.order.createMany({ data: orders });
    for (const customerId of ids) spent.set(customerId, Math.max(spent.get(customerId) ?? 0, state.metric));
    await client.$transaction(async (tx) => {
      await members.writeMembers(
        tx,
        SHOP,
        ids.map((customerId) => ({ customerId, sinceDay: 20_000, holdUntilDay: null, ...state })),
        tiersVersion,
      );
      for (const customerId of ids) {
        await ledger.insertEntries(tx, SHOP, [
          {
            key: `adjust:${customerId}:seed-${points}`,
            customerId,
            kind: "adjust",
            points,
            source: { type: "manual", reason: "seed", staffMemberId: null },
            ruleVersionId: null,
            effectiveAtMs: Date.UTC(2025, 0, 1),
          },
        ]);
      }
      await members.markLoyaltyDirty(tx, SHOP, ids);
    });
  }

  const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => String(from + i));
  const metafield = (customerId: string, key: string) =>
    double.control.getMetafields(SHOP, gid(customerId)).find((m) => m.key === key && m.namespace.startsWith("app--"))?.value;
  const dirty = async (customerId: string) =>
    (await client.shopifySyncState.findUnique({ where: { shop_customerId_channel: { shop: SHOP, customerId, channel: "loyalty" } } }))
      ?.dirty;
  const calls = (root: string) => double.control.requests.filter((r) => r.rootFields.includes(root) && r.outcome === "ok");

  describe("paced write-back", () => {
    it("writes each member's metafields in calls of at most 25, tags them, and writes nothing the second time", async () => {
      const customers = ids(1000, 30);
      await seed(customers, { tierId: "silver", metric: 20_000, nextTierId: "gold", amountToNext: 30_000 }, 120);
      const summary = await writeBack.writeBackLoyalty(client, SHOP, { target, sleep: noSleep });
      expect(summary).toMatchObject({ claimed: 30, written: 30, failed: 0, tagsAdded: 30, bulkOperations: 0, programWritten: true });
      // tier, points_balance, next_tier, amount_to_next_tier, tier_progress_percent: 5 per member, 150 in all.
      expect(summary.metafieldsSet).toBe(150);
      // 5 members (25 metafields) per call: 6 calls for the members, plus 1 for the program.
      expect(calls("metafieldsSet")).toHaveLength(7);
      for (const request of calls("metafieldsSet")) {
        const variables = request.variables as { metafields: unknown[] } | undefined;
        if (variables) expect(variables.metafields.length).toBeLessThanOrEqual(25);
      }
      expect(metafield("1000", "tier")).toBe("Silver");
      expect(metafield("1000", "points_balance")).toBe("120");
      expect(metafield("1000", "next_tier")).toBe("Gold");
      expect(JSON.parse(metafield("1000", "amount_to_next_tier") ?? "null")).toEqual({ amount: "300.00", currency_code: "USD" });
      // (20,000 − 10,000) / (50,000 − 10,000) = 25 %.
      expect(metafield("1029", "tier_progress_percent")).toBe("25");
      expect(double.control.getTags(SHOP, gid("1017"))).toEqual(["tier:Silver"]);
      expect(await dirty("1000")).toBe(false);

      double.control.clearRequests();
      const again = await writeBack.writeBackLoyalty(client, SHOP, { target, sleep: noSleep });
      expect(again).toMatchObject({ claimed: 0, calls: 0, programWritten: false });
    });

    it("writes only what changed: a new balance is one metafield; a promotion swaps the tier tag", async () => {
      const customers = ids(2000, 2);
      await seed(customers, { tierId: "bronze", metric: 5_000, nextTierId: "silver", amountToNext: 5_000 }, 10);
      await writeBack.writeBackLoyalty(client, SHOP, { target, sleep: noSleep });
      expect(double.control.getTags(SHOP, gid("2001"))).toEqual(["tier:Bronze"]);

      double.control.clearRequests();
      await seed(["2000"], { tierId: "bronze", metric: 5_000, nextTierId: "silver", amountToNext: 5_000 }, 7);
      await seed(["2001"], { tierId: "silver", metric: 12_000, nextTierId: "gold", amountToNext: 38_000 }, 0);
      const summary = await writeBack.writeBackLoyalty(client, SHOP, { target, sleep: noSleep });
      expect(summary).toMatchObject({ claimed: 2, written: 2, tagsAdded: 1, tagsRemoved: 1 });
      // 2000: points_balance only; 2001: tier, next_tier, amount and progress (its balance is unchanged).
      expect(summary.metafieldsSet).toBe(1 + 4);
      expect(metafield("2000", "points_balance")).toBe("17");
      expect(metafield("2001", "tier")).toBe("Silver");
      expect(double.control.getTags(SHOP, gid("2001"))).toEqual(["tier:Silver"]);
    });

    it("deletes what no longer applies when a member reaches the top tier", async () => {
      await seed(["2500"], { tierId: "silver", metric: 30_000, nextTierId: "gold", amountToNext: 20_000 }, 5);
      await writeBack.writeBackLoyalty(client, SHOP, { target, sleep: noSleep });
      expect(metafield("2500", "next_tier")).toBe("Gold");
      await seed(["2500"], { tierId: "gold", metric: 60_000, nextTierId: null, amountToNext: null }, 0);
      const summary = await writeBack.writeBackLoyalty(client, SHOP, { target, sleep: noSleep });
      expect(summary).toMatchObject({ written: 1, failed: 0, metafieldsDeleted: 3, tagsAdded: 1, tagsRemoved: 1 });
      expect(metafield("2500", "tier")).toBe("Gold");
      for (const key of ["next_tier", "amount_to_next_tier", "tier_progress_percent"]) expect(metafield("2500", key)).toBeUndefined();
      expect(double.control.getTags(SHOP, gid("2500"))).toEqual(["tier:Gold"]);
    });

    it("paces itself from throttleStatus on a small bucket, and retries a THROTTLED answer", async () => {
      // A bucket of 30 points restoring 200 per second: whatever the calls cost beyond 30 points waits for the refill.
      double.control.setThrottle({ shop: SHOP, maximumAvailable: 30, restoreRate: 200, currentlyAvailable: 30, cost: { default: 10 } });
      const customers = ids(3000, 30);
      await seed(customers, { tierId: "gold", metric: 60_000, nextTierId: null, amountToNext: null }, 5);
      const started = performance.now();
      const summary = await writeBack.writeBackLoyalty(client, SHOP, { target });
      const elapsed = performance.now() - started;
      expect(summary).toMatchObject({ claimed: 30, written: 30, failed: 0 });
      // tier + points_balance per member: 60 metafields in 3 metafieldsSet calls; 30 tagsAdd fields of 10 points,
      // at most 3 per request on this bucket. Every point beyond the first 30 waits for the refill at 200/s.
      const points = double.control.requests.reduce((sum, r) => sum + (r.outcome === "ok" ? (r.requestedQueryCost ?? 0) : 0), 0);
      expect(points).toBeGreaterThanOrEqual(3 * 10 + 30 * 10);
      expect(calls("tagsAdd").every((r) => (r.requestedQueryCost ?? 0) <= 30)).toBe(true);
      const minimum = ((points - 30) / 200) * 1000;
      expect(elapsed).toBeGreaterThanOrEqual(minimum - 50);
      expect(summary.throttleWaitMs).toBeGreaterThan(0);
      expect(double.control.requests.filter((r) => r.outcome === "throttled").length).toBeLessThanOrEqual(1);
      expect(metafield("3029", "tier")).toBe("Gold");

      // Now an empty bucket: the first call is THROTTLED, waited out and retried by the gateway.
      await seed(["3000"], { tierId: "gold", metric: 60_000, nextTierId: null, amountToNext: null }, 1);
      double.control.clearRequests();
      // 10 points take 2 s to come back: whatever the job does before its first call, that call finds the bucket short.
      double.control.setThrottle({ shop: SHOP, maximumAvailable: 100, restoreRate: 5, currentlyAvailable: 0, cost: { default: 10 } });
      const retried = await writeBack.writeBackLoyalty(client, SHOP, { target });
      expect(retried).toMatchObject({ written: 1, failed: 0 });
      expect(double.control.requests.some((r) => r.outcome === "throttled")).toBe(true);
      expect(metafield("3000", "points_balance")).toBe("6");
    });

    it("leaves members dirty when Shopify fails, and retries them later", async () => {
      const customers = ids(4000, 3);
      await seed(customers, { tierId: "bronze", metric: 100, nextTierId: "silver", amountToNext: 9_900 }, 3);
      double.control.failNext({ status: 500, count: 50 });
      const summary = await writeBack.writeBackLoyalty(client, SHOP, { target, sleep: noSleep, gateway: { maxAttempts: 1 } });
      expect(summary).toMatchObject({ claimed: 3, written: 0, failed: 3 });
      expect(await dirty("4000")).toBe(true);
      expect(metafield("4000", "tier")).toBeUndefined();
      // Released for a retry a few minutes later: a job after that time writes them.
      double.control.clearFailures();
      const later = await writeBack.writeBackLoyalty(client, SHOP, {
        target,
        sleep: noSleep,
        nowMs: Date.now() + writeBack.RETRY_FAILED_MS + 1_000,
      });
      expect(later).toMatchObject({ claimed: 3, written: 3 });
      expect(metafield("4002", "tier")).toBe("Bronze");
      expect(await dirty("4002")).toBe(false);
    });
  });

  describe("bulk write-back", () => {
    it("uses bulk mutations above the threshold and keeps the customers of failed lines dirty", async () => {
      const customers = ids(5000, 40);
      await seed(customers, { tierId: "silver", metric: 30_000, nextTierId: "gold", amountToNext: 20_000 }, 40);
      // The first bulk operation (metafieldsSet) fails after 10 lines; the others complete.
      double.control.setBulk({
        shop: SHOP,
        runningAfterMs: 5,
        completeAfterMs: 10,
        failNext: { errorCode: "INTERNAL_SERVER_ERROR", partialObjects: 10 },
      });
      const summary = await writeBack.writeBackLoyalty(client, SHOP, { target, bulkThreshold: 10, pollMs: 20, bulkConcurrency: 1 });
      expect(summary.bulkOperations).toBe(2);
      expect(calls("stagedUploadsCreate")).toHaveLength(2);
      expect(calls("bulkOperationRunMutation")).toHaveLength(2);
      // Only metafieldsSet and tagsAdd ran: per-customer calls were not used.
      expect(calls("tagsAdd")).toHaveLength(0);
      expect(summary).toMatchObject({ claimed: 40, written: 10, failed: 30 });
      expect(metafield("5000", "tier")).toBe("Silver");
      expect(await dirty("5000")).toBe(false);
      expect(await dirty("5039")).toBe(true);
      // Every customer's tag was added by the second operation, even those whose metafields failed.
      expect(double.control.getTags(SHOP, gid("5039"))).toEqual(["tier:Silver"]);

      const retry = await writeBack.writeBackLoyalty(client, SHOP, {
        target,
        bulkThreshold: 10,
        pollMs: 20,
        bulkConcurrency: 1,
        nowMs: Date.now() + writeBack.RETRY_FAILED_MS + 1_000,
      });
      // The 30 left are written again in full (their tag, already there, is added again: a no-op in Shopify).
      expect(retry).toMatchObject({ claimed: 30, written: 30, failed: 0, bulkOperations: 2 });
      expect(metafield("5039", "points_balance")).toBe("40");
    });
  });

  describe("app-data metafields", () => {
    it("writes the program JSON and program_enabled on the app installation, only when the program changed", async () => {
      const written = double.control.getMetafields(SHOP, INSTALLATION);
      const program = JSON.parse(written.find((m) => m.key === "program")?.value ?? "{}");
      expect(program).toMatchObject({
        version: 1,
        enabled: true,
        currency_code: "USD",
        minor_per_unit: 100,
        pitch: "Earn points on every order.",
        earning: { points_per_unit: 1, points_per_unit_hundredths: 100, rounding: "down", minimum_order_minor: null },
        basis: "net_spend",
      });
      expect(program.tiers.map((t: { name: string }) => t.name)).toEqual(["Bronze", "Silver", "Gold"]);
      expect(written.find((m) => m.key === "program_enabled")).toMatchObject({ type: "boolean", value: "true" });
      expect(written.find((m) => m.key === "program")?.namespace).toBe("clv");
    });
  });
}
