// Redemption against the Admin API double, on each database: a single-use code limited to the customer, points
// deducted only once the code exists, never twice (retries, concurrent requests), never without a code (refused
// or unanswered creation), and no overspending by two different requests at once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ALL_APP_SCOPES, startAdminApiDouble, type AdminApiDouble } from "../../testkit/admin-api-double/index";
import { isolatedEnvironment } from "../support/environment";
import { freshPostgresSchema } from "../support/postgres";
import { installShop } from "../support/shops";

/** SQLite (the file of isolatedEnvironment) or a fresh PostgreSQL schema. */
export function redemptionSuite(database: "sqlite" | "postgresql") {
  const SHOP = "loyalty-redeem.myshopify.com";
  const TOKEN = "shpat_loyalty_redeem";
  const target = { shop: SHOP, accessToken: TOKEN };

  let double: AdminApiDouble;
  let environment: ReturnType<typeof isolatedEnvironment>;
  let postgres: Awaited<ReturnType<typeof freshPostgresSchema>> | null = null;
  let client: import("@prisma/client").PrismaClient;
  let redemptions: typeof import("~/data/loyalty-redemptions.server");
  let ledger: typeof import("~/data/loyalty-ledger.server");

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
    redemptions = await import("~/data/loyalty-redemptions.server");
    ledger = await import("~/data/loyalty-ledger.server");
    const programs = await import("~/data/loyalty-program.server");
    await installShop(client, SHOP, { currencyCode: "USD", ianaTimezone: "UTC" });
    const saved = await programs.saveProgramSettings(client, SHOP, {
      settings: { enabled: true, currencyCode: "USD", earning: { pointsPerCurrencyUnit: 1 } },
    });
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    const rewards = await programs.saveRewards(client, SHOP, [
      { id: "five-off", name: "$5 off", kind: "amount_off", pointsCost: 500, amountMinor: 500, minimumOrderMinor: 2_000 },
      { id: "ten-percent", name: "10% off", kind: "percentage_off", pointsCost: 300, percent: 10 },
    ]);
    if (!rewards.ok) throw new Error(JSON.stringify(rewards.errors));
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
    double.control.setScopes(SHOP, [...ALL_APP_SCOPES]);
  });

  async function givePoints(customerId: string, points: number) {
    await client.$transaction((tx) =>
      ledger.adjustPoints(tx, SHOP, {
        customerId,
        points,
        reason: "welcome",
        staffMemberId: null,
        requestId: `seed-${points}`,
        atMs: Date.UTC(2025, 0, 1),
      }),
    );
  }
  const balance = (customerId: string) => ledger.pointsBalanceOf(client, SHOP, customerId);
  const codesOf = (customerId: string) =>
    double.control
      .getDiscounts(SHOP)
      .filter((d) => d.context.type === "customers" && d.context.ids.includes(`gid://shopify/Customer/${customerId}`));

  describe("redeem", () => {
    it("creates a single-use code for that customer only, then deducts the points once", async () => {
      await givePoints("7001", 800);
      const result = await redemptions.redeem(client, SHOP, { customerId: "7001", rewardId: "five-off", requestId: "req-1" }, { target });
      expect(result.status).toBe("deducted");
      if (result.status !== "deducted") return;
      expect(result.balance).toBe(300);
      const [discount] = codesOf("7001");
      expect(discount).toMatchObject({
        kind: "code",
        codes: [redemptions.redemptionCode(result.redemption.id)],
        usageLimit: 1,
        appliesOncePerCustomer: true,
        value: { type: "amount", amount: "5.00" },
        minimumRequirement: { type: "subtotal", amount: "20.00" },
      });
      expect(discount.context).toEqual({ type: "customers", ids: ["gid://shopify/Customer/7001"] });
      const entry = await client.pointsEntry.findUnique({ where: { shop_key: { shop: SHOP, key: `redeem:${result.redemption.id}` } } });
      expect(entry).toMatchObject({ kind: "redeem", points: -500, customerId: "7001" });

      // The same request again (a double click, a retry): the same redemption, nothing more.
      const again = await redemptions.redeem(client, SHOP, { customerId: "7001", rewardId: "five-off", requestId: "req-1" }, { target });
      expect(again).toMatchObject({ status: "deducted", redemption: { id: result.redemption.id } });
      expect(await balance("7001")).toBe(300);
      expect(codesOf("7001")).toHaveLength(1);
    });

    it("deducts once for five concurrent retries of one request", async () => {
      await givePoints("7002", 1_000);
      const request = { customerId: "7002", rewardId: "ten-percent", requestId: "req-concurrent" };
      const results = await Promise.all(Array.from({ length: 5 }, () => redemptions.redeem(client, SHOP, request, { target })));
      expect(results.every((r) => r.status === "deducted")).toBe(true);
      expect(new Set(results.map((r) => (r.status === "deducted" ? r.redemption.id : null))).size).toBe(1);
      expect(await balance("7002")).toBe(700);
      expect(codesOf("7002")).toHaveLength(1);
      expect(codesOf("7002")[0].value).toEqual({ type: "percentage", percentage: 0.1 });
    });

    it("lets only one of two different requests spend the same points", async () => {
      await givePoints("7003", 500);
      const [a, b] = await Promise.all([
        redemptions.redeem(client, SHOP, { customerId: "7003", rewardId: "five-off", requestId: "tab-1" }, { target }),
        redemptions.redeem(client, SHOP, { customerId: "7003", rewardId: "five-off", requestId: "tab-2" }, { target }),
      ]);
      expect([a.status, b.status].sort()).toEqual(["deducted", "refused"]);
      expect(await balance("7003")).toBe(0);
      expect(codesOf("7003")).toHaveLength(1);
    });

    it("never deducts when Shopify refuses the code, and succeeds on a retry once it accepts", async () => {
      await givePoints("7004", 600);
      double.control.setScopes(
        SHOP,
        ALL_APP_SCOPES.filter((scope) => scope !== "write_discounts"),
      );
      const request = { customerId: "7004", rewardId: "five-off", requestId: "req-denied" };
      const refused = await redemptions.redeem(client, SHOP, request, { target });
      expect(refused.status).toBe("failed");
      expect(await balance("7004")).toBe(600);
      expect(codesOf("7004")).toHaveLength(0);
      expect(await client.pointsEntry.count({ where: { shop: SHOP, customerId: "7004", kind: "redeem" } })).toBe(0);

      double.control.setScopes(SHOP, [...ALL_APP_SCOPES]);
      const retried = await redemptions.redeem(client, SHOP, request, { target });
      expect(retried).toMatchObject({ status: "deducted", balance: 100 });
    });

    it("keeps the points reserved but undeducted when Shopify does not answer, then settles on a retry", async () => {
      await givePoints("7005", 500);
      double.control.failNext({ status: 503, count: 100 });
      const request = { customerId: "7005", rewardId: "five-off", requestId: "req-silent" };
      const silent = await redemptions.redeem(client, SHOP, request, { target, gateway: { maxAttempts: 1 } });
      expect(silent.status).toBe("pending");
      expect(await balance("7005")).toBe(500);
      // Reserved: another request cannot spend the same points meanwhile.
      const other = await redemptions.redeem(client, SHOP, { ...request, requestId: "req-other" }, { target, gateway: { maxAttempts: 1 } });
      expect(other).toMatchObject({ status: "refused", reason: "not_enough_points" });

      double.control.clearFailures();
      const settled = await redemptions.redeem(client, SHOP, request, { target });
      expect(settled).toMatchObject({ status: "deducted", balance: 0 });
      expect(codesOf("7005")).toHaveLength(1);
    });

    it("finds the code a lost answer created instead of creating a second one", async () => {
      await givePoints("7006", 500);
      const request = { customerId: "7006", rewardId: "five-off", requestId: "req-lost" };
      const { redemptionKey } = await import("~/loyalty");
      const { createDiscountCode } = await import("~/data/loyalty-discounts.server");
      // Shopify created the code, but the answer never reached the app (simulated: created beforehand).
      const code = redemptions.redemptionCode(redemptionKey("7006", "five-off", "req-lost"));
      const created = await createDiscountCode(target, {
        code,
        title: "lost answer",
        customers: ["7006"],
        value: { kind: "amount", amountMinor: 500 },
        currencyCode: "USD",
        minimumOrderMinor: null,
        usageLimit: 1,
        appliesOncePerCustomer: true,
        startsAt: new Date(),
      });
      expect(created.ok).toBe(true);
      const result = await redemptions.redeem(client, SHOP, request, { target });
      expect(result).toMatchObject({ status: "deducted", balance: 0 });
      expect(codesOf("7006")).toHaveLength(1);
    });

    it("refuses unknown rewards and customers without the points", async () => {
      expect(await redemptions.redeem(client, SHOP, { customerId: "7007", rewardId: "nope", requestId: "x" }, { target })).toMatchObject({
        status: "refused",
        reason: "unknown_reward",
      });
      expect(
        await redemptions.redeem(client, SHOP, { customerId: "7007", rewardId: "five-off", requestId: "x" }, { target }),
      ).toMatchObject({
        status: "refused",
        reason: "not_enough_points",
      });
      expect(codesOf("7007")).toHaveLength(0);
    });
  });
}
