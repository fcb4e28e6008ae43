// The tiers' automatic discounts against the Admin API double: a segment of the tier's members and an
// automatic discount limited to it, created once, updated when the tier's percentage or name changes, not
// duplicated by a second run, removed when the perk or the program is switched off; Shopify's refusal kept for
// the editor. And the free-shipping reward, whose code is a discountCodeFreeShippingCreate.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ALL_APP_SCOPES, startAdminApiDouble, type AdminApiDouble } from "../../testkit/admin-api-double/index";
import { isolatedEnvironment } from "../support/environment";
import { installShop } from "../support/shops";

const SHOP = "loyalty-tier-discounts.myshopify.com";
const TOKEN = "shpat_loyalty_tier_discounts";
const target = { shop: SHOP, accessToken: TOKEN };

let double: AdminApiDouble;
let environment: ReturnType<typeof isolatedEnvironment>;
let client: import("@prisma/client").PrismaClient;
let discounts: typeof import("~/data/loyalty-discounts.server");
let programs: typeof import("~/data/loyalty-program.server");

const tier = (id: string, name: string, threshold: number, perks: Record<string, unknown> = {}) => ({ id, name, threshold, perks });

async function saveLadder(goldName: string, goldPerks: Record<string, unknown>) {
  const saved = await programs.saveTiers(client, SHOP, {
    basis: "order_count",
    window: "lifetime",
    tiers: [tier("member", "Member", 0, { percentOff: 2, automaticDiscount: false }), tier("gold", goldName, 5, goldPerks)],
  });
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
}

async function setProgramOn(enabled: boolean) {
  const saved = await programs.saveProgramSettings(client, SHOP, {
    settings: { enabled, currencyCode: "USD", earning: { pointsPerCurrencyUnit: 1 } },
  });
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
}

const automatic = () => double.control.getDiscounts(SHOP).filter((d) => d.kind === "automatic");
const segments = () => double.control.getSegments(SHOP);
const sync = () => discounts.syncTierDiscounts(client, SHOP, target);

beforeAll(async () => {
  double = await startAdminApiDouble({ shops: [{ shop: SHOP, accessToken: TOKEN }] });
  environment = isolatedEnvironment({ NODE_ENV: "test", SHOPIFY_ADMIN_API_ORIGIN: double.origin });
  const { db } = await import("~/db.server");
  client = await db();
  discounts = await import("~/data/loyalty-discounts.server");
  programs = await import("~/data/loyalty-program.server");
  await installShop(client, SHOP, { currencyCode: "USD", ianaTimezone: "UTC" });
  await setProgramOn(true);
});

afterAll(async () => {
  const { disconnectDb } = await import("~/db.server");
  await disconnectDb();
  await double?.close();
  environment?.cleanup();
});

beforeEach(() => {
  double.control.clearFailures();
  double.control.setScopes(SHOP, [...ALL_APP_SCOPES]);
});

describe("a tier's automatic discount", () => {
  it("creates the tier's segment and a discount limited to it, once", async () => {
    await saveLadder("Gold", { percentOff: 10, automaticDiscount: true });
    expect(await sync()).toMatchObject({ created: 1, updated: 0, deleted: 0, failed: 0 });
    expect(segments()).toEqual([expect.objectContaining({ name: "Loyalty tier Gold", query: "customer_tags CONTAINS 'tier:Gold'" })]);
    const [discount] = automatic();
    expect(automatic()).toHaveLength(1);
    expect(discount).toMatchObject({
      title: "Loyalty Gold: 10% off",
      value: { type: "percentage", percentage: 0.1 },
      items: { type: "all" },
      context: { type: "segments", ids: [segments()[0].id] },
      combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
    });
    const records = await discounts.tierDiscountRecords(client, SHOP);
    expect(records.get("gold")).toMatchObject({ discountId: discount.id, segmentId: segments()[0].id, percent: 10, error: null });
    // The member tier's perk is off: nothing for it.
    expect(records.has("member")).toBe(false);

    // A second run (the job retried, the nightly pass) writes nothing.
    expect(await sync()).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    expect(automatic()).toHaveLength(1);
    expect(segments()).toHaveLength(1);
  });

  it("follows a new percentage and a new name in place", async () => {
    const [before] = automatic();
    const segmentId = segments()[0].id;
    await saveLadder("Gold", { percentOff: 15, automaticDiscount: true });
    expect(await sync()).toMatchObject({ updated: 1, created: 0 });
    expect(automatic()).toEqual([expect.objectContaining({ id: before.id, value: { type: "percentage", percentage: 0.15 } })]);

    await saveLadder("Or d'été", { percentOff: 15, automaticDiscount: true });
    expect(await sync()).toMatchObject({ updated: 1, created: 0 });
    // The same segment, its query on the renamed tag (the quote escaped); the same discount, retitled.
    expect(segments()).toEqual([
      expect.objectContaining({ id: segmentId, name: "Loyalty tier Or d'été", query: "customer_tags CONTAINS 'tier:Or d\\'été'" }),
    ]);
    expect(automatic()).toEqual([
      expect.objectContaining({ id: before.id, title: "Loyalty Or d'été: 15% off", context: { type: "segments", ids: [segmentId] } }),
    ]);
  });

  it("removes the discount when the perk is switched off, and brings it back when switched on", async () => {
    await saveLadder("Gold", { percentOff: 15, automaticDiscount: false });
    expect(await sync()).toMatchObject({ deleted: 1 });
    expect(automatic()).toHaveLength(0);
    // The segment stays (the merchant, or an offer limited to the tier, may use it) and the record remembers it.
    const segmentId = segments()[0].id;
    expect((await discounts.tierDiscountRecords(client, SHOP)).get("gold")).toMatchObject({ discountId: null, segmentId });
    expect(await sync()).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });

    await saveLadder("Gold", { percentOff: 15, automaticDiscount: true });
    expect(await sync()).toMatchObject({ created: 1 });
    expect(automatic()).toHaveLength(1);
    // The remembered segment is reused and follows the name the tier took meanwhile, not duplicated.
    expect(segments()).toEqual([expect.objectContaining({ id: segmentId, query: "customer_tags CONTAINS 'tier:Gold'" })]);
    expect(automatic()[0].context).toEqual({ type: "segments", ids: [segmentId] });
  });

  it("removes every tier discount when the program is switched off", async () => {
    await setProgramOn(false);
    expect(await sync()).toMatchObject({ deleted: 1 });
    expect(automatic()).toHaveLength(0);
    await setProgramOn(true);
    expect(await sync()).toMatchObject({ created: 1 });
    expect(automatic()).toHaveLength(1);
  });

  it("recreates a discount the merchant deleted in Shopify when the tier next changes", async () => {
    const [discount] = automatic();
    const gateway = await import("~/shopify/admin-gateway.server");
    await gateway.adminGraphql(target, `mutation($id: ID!) { discountAutomaticDelete(id: $id) { deletedAutomaticDiscountId } }`, {
      id: discount.id,
    });
    await saveLadder("Gold", { percentOff: 20, automaticDiscount: true });
    expect(await sync()).toMatchObject({ updated: 1, failed: 0 });
    expect(automatic()).toEqual([expect.objectContaining({ value: { type: "percentage", percentage: 0.2 } })]);
    expect(automatic()[0].id).not.toBe(discount.id);
  });

  it("keeps Shopify's refusal for the editor and tries again on the next run", async () => {
    await saveLadder("Gold", { percentOff: 20, automaticDiscount: false });
    await sync();
    // 25 other automatic discounts are active: Shopify refuses a 26th.
    const gateway = await import("~/shopify/admin-gateway.server");
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const { data } = await gateway.adminGraphql<{ discountAutomaticBasicCreate: { automaticDiscountNode: { id: string } } }>(
        target,
        `mutation($d: DiscountAutomaticBasicInput!) { discountAutomaticBasicCreate(automaticBasicDiscount: $d) { automaticDiscountNode { id } } }`,
        { d: { title: `Other ${i}`, customerGets: { value: { percentage: 0.05 }, items: { all: true } } } },
      );
      ids.push(data.discountAutomaticBasicCreate.automaticDiscountNode.id);
    }
    await saveLadder("Gold", { percentOff: 20, automaticDiscount: true });
    expect(await sync()).toMatchObject({ failed: 1, created: 0 });
    expect((await discounts.tierDiscountRecords(client, SHOP)).get("gold")).toMatchObject({
      discountId: null,
      error: expect.stringContaining("only 25 automatic discounts can be active"),
    });
    for (const id of ids)
      await gateway.adminGraphql(target, `mutation($id: ID!) { discountAutomaticDelete(id: $id) { deletedAutomaticDiscountId } }`, { id });
    expect(await sync()).toMatchObject({ created: 1, failed: 0 });
    expect((await discounts.tierDiscountRecords(client, SHOP)).get("gold")).toMatchObject({ error: null });
    expect(segments()).toHaveLength(1);
  });
});

describe("the free-shipping reward", () => {
  it("is a free-shipping code limited to the customer, and its points are deducted once it exists", async () => {
    const rewards = await programs.saveRewards(client, SHOP, [
      { id: "ship", name: "Free shipping", kind: "free_shipping", pointsCost: 200 },
    ]);
    if (!rewards.ok) throw new Error(JSON.stringify(rewards.errors));
    const ledger = await import("~/data/loyalty-ledger.server");
    await client.$transaction((tx) =>
      ledger.adjustPoints(tx, SHOP, {
        customerId: "8001",
        points: 300,
        reason: "welcome",
        staffMemberId: null,
        requestId: "seed",
        atMs: 1,
      }),
    );
    const { redeem } = await import("~/data/loyalty-redemptions.server");
    const result = await redeem(client, SHOP, { customerId: "8001", rewardId: "ship", requestId: "r1" }, { target });
    expect(result.status).toBe("deducted");
    if (result.status !== "deducted") return;
    expect(result.balance).toBe(100);
    const gateway = await import("~/shopify/admin-gateway.server");
    const { data } = await gateway.adminGraphql<{ codeDiscountNodeByCode: { codeDiscount: Record<string, unknown> } | null }>(
      target,
      `query($code: String!) { codeDiscountNodeByCode(code: $code) { id codeDiscount { __typename ... on DiscountCodeFreeShipping {
        usageLimit appliesOncePerCustomer destinationSelection { __typename }
        context { __typename ... on DiscountCustomers { customers { id } } } } } } }`,
      { code: result.redemption.code },
    );
    expect(data.codeDiscountNodeByCode?.codeDiscount).toEqual({
      __typename: "DiscountCodeFreeShipping",
      usageLimit: 1,
      appliesOncePerCustomer: true,
      destinationSelection: { __typename: "DiscountCountryAll" },
      context: { __typename: "DiscountCustomers", customers: [{ id: "gid://shopify/Customer/8001" }] },
    });
  });
});
