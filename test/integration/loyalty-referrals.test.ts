// Referrals: the member's code created lazily as a Shopify discount (double), an order using it recorded as a
// waiting referral, the reward paid once after the refund window, and the guards (self-referral, same e-mail,
// repeat buyer, refund within the window, monthly cap). Orders go through the real ingest; the discount codes
// on them are handed to the loyalty step as the wired pipeline will (NormalizedOrder.discountCodes).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminApiDouble, type AdminApiDouble } from "../../testkit/admin-api-double/index";
import type { NormalizedOrder } from "~/orders/types";
import { isolatedEnvironment } from "../support/environment";
import { installShop } from "../support/shops";

const SHOP = "loyalty-referrals.myshopify.com";
const TOKEN = "shpat_loyalty_referrals";
const target = { shop: SHOP, accessToken: TOKEN };
const DAY = 86_400_000;

let double: AdminApiDouble;
let environment: ReturnType<typeof isolatedEnvironment>;
let client: import("@prisma/client").PrismaClient;
let referrals: typeof import("~/data/loyalty-referrals.server");
let pipeline: typeof import("~/data/loyalty-pipeline.server");
let programs: typeof import("~/data/loyalty-program.server");
let ingest: typeof import("~/data/ingest.server");
let code = "";

function order(id: string, customerId: string, processedAt: string, extra: Partial<NormalizedOrder> = {}): NormalizedOrder {
  return {
    id,
    customer: {
      id: customerId,
      email: `c${customerId}@example.com`,
      firstName: null,
      lastName: null,
      phone: null,
      tags: null,
      createdAt: "2024-01-01T00:00:00.000Z",
      updatedAt: processedAt,
    },
    name: `#${id}`,
    email: null,
    currencyCode: "USD",
    totalMinor: 5_000,
    presentmentCurrency: "USD",
    presentmentTotalMinor: 5_000,
    financialStatus: "paid",
    sourceName: "web",
    test: false,
    createdAt: processedAt,
    processedAt,
    updatedAt: processedAt,
    cancelledAt: null,
    closedAt: null,
    lineItems: [],
    refunds: [],
    ...extra,
  };
}

/** Ingests the orders, then the loyalty step with the codes used on them. */
async function place(orders: NormalizedOrder[], codes: Record<string, string[]>) {
  await ingest.ingestBatch(client, SHOP, [{ orders }]);
  await pipeline.applyLoyaltyNow(client, SHOP, {
    orderIds: orders.map((o) => o.id),
    customerIds: [],
    orders: orders.map((o) => ({ id: o.id, customer: o.customer, discountCodes: codes[o.id] ?? [] })),
  });
}

const referralOf = (customerId: string) =>
  client.referral.findUnique({ where: { shop_referredCustomerId: { shop: SHOP, referredCustomerId: customerId } } });
const rewardEntry = (customerId: string) =>
  client.pointsEntry.findUnique({ where: { shop_key: { shop: SHOP, key: `referral:${customerId}` } } });

beforeAll(async () => {
  double = await startAdminApiDouble({ shops: [{ shop: SHOP, accessToken: TOKEN }] });
  environment = isolatedEnvironment({ NODE_ENV: "test", SHOPIFY_ADMIN_API_ORIGIN: double.origin });
  const { db } = await import("~/db.server");
  client = await db();
  referrals = await import("~/data/loyalty-referrals.server");
  pipeline = await import("~/data/loyalty-pipeline.server");
  programs = await import("~/data/loyalty-program.server");
  ingest = await import("~/data/ingest.server");
  await installShop(client, SHOP, { currencyCode: "USD", ianaTimezone: "UTC" });
  const saved = await programs.saveProgramSettings(client, SHOP, {
    settings: { enabled: true, currencyCode: "USD", earning: { pointsPerCurrencyUnit: 1 } },
    effectiveFromMs: Date.UTC(2024, 0, 1),
  });
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  const config = await programs.saveReferralConfig(client, SHOP, {
    enabled: true,
    referrerRewardPoints: 200,
    refundWindowDays: 14,
    friendDiscount: { kind: "percentage", percent: 15 },
    friendRewardText: "15% off your first order",
  });
  if (!config.ok) throw new Error(JSON.stringify(config.errors));
  // The referrer, a customer with an order.
  await place([order("80000", "8000", "2025-03-01T10:00:00.000Z")], {});
});

afterAll(async () => {
  const { disconnectDb } = await import("~/db.server");
  await disconnectDb();
  await double?.close();
  environment?.cleanup();
});

describe("referral codes", () => {
  it("creates the member's code in Shopify on first use, once", async () => {
    const first = await referrals.ensureReferralCode(client, SHOP, "8000", target);
    expect(first.problem).toBeNull();
    code = first.code as string;
    expect(code).toMatch(/^REF-[A-Z2-9]{8}$/);
    const again = await referrals.ensureReferralCode(client, SHOP, "8000", target);
    expect(again.code).toBe(code);
    const discounts = double.control.getDiscounts(SHOP).filter((d) => d.codes.includes(code));
    expect(discounts).toHaveLength(1);
    expect(discounts[0]).toMatchObject({
      context: { type: "all" },
      appliesOncePerCustomer: true,
      value: { type: "percentage", percentage: 0.15 },
    });
    const member = await client.loyaltyMember.findUnique({ where: { shop_customerId: { shop: SHOP, customerId: "8000" } } });
    expect(member?.referralCode).toBe(code);
  });
});

describe("referral rewards", () => {
  it("records a friend's first order with the code and pays the referrer once the refund window has passed", async () => {
    await place([order("80001", "8001", "2025-03-10T10:00:00.000Z")], { "80001": [code.toLowerCase()] });
    expect(await referralOf("8001")).toMatchObject({ referrerCustomerId: "8000", orderId: "80001", state: "waiting" });
    const placed = Date.parse("2025-03-10T10:00:00.000Z");
    const early = await referrals.decideDueReferrals(client, SHOP, placed + 13 * DAY);
    expect(early.rewarded).toBe(0);
    expect(early.nextDueMs).toBe(placed + 14 * DAY);
    const due = await referrals.decideDueReferrals(client, SHOP, placed + 15 * DAY);
    expect(due.rewarded).toBe(1);
    expect(await rewardEntry("8001")).toMatchObject({ customerId: "8000", kind: "referral", points: 200 });
    expect(await referralOf("8001")).toMatchObject({ state: "rewarded" });
    // Deciding again pays nothing more; a second order with the code records nothing new.
    await place([order("80011", "8001", "2025-04-10T10:00:00.000Z")], { "80011": [code] });
    expect((await referrals.decideDueReferrals(client, SHOP, placed + 60 * DAY)).rewarded).toBe(0);
    expect(await client.pointsEntry.count({ where: { shop: SHOP, customerId: "8000", kind: "referral" } })).toBe(1);
  });

  it("rejects self-referral, the same e-mail, a repeat buyer and an order refunded within the window", async () => {
    // The member's own later order with their code.
    await place([order("80002", "8000", "2025-05-01T10:00:00.000Z")], { "80002": [code] });
    // Another account with the member's e-mail.
    const sameEmail = order("80003", "8003", "2025-05-01T10:00:00.000Z");
    sameEmail.customer = { ...(sameEmail.customer as NonNullable<NormalizedOrder["customer"]>), email: " C8000@Example.com " };
    await place([sameEmail], { "80003": [code] });
    // A buyer who had ordered before.
    await place([order("80004", "8004", "2025-01-01T10:00:00.000Z")], {});
    await place([order("80005", "8004", "2025-05-02T10:00:00.000Z")], { "80005": [code] });
    // A first order refunded in full within the window.
    await place([order("80006", "8006", "2025-05-03T10:00:00.000Z")], { "80006": [code] });
    await ingest.ingestBatch(client, SHOP, [
      { refunds: [{ id: "86", orderId: "80006", amountMinor: 5_000, currencyCode: "USD", createdAt: "2025-05-05T10:00:00.000Z" }] },
    ]);
    await referrals.decideDueReferrals(client, SHOP, Date.parse("2025-06-30T00:00:00Z"));
    expect(await referralOf("8000")).toMatchObject({ state: "rejected", reason: "self_referral" });
    expect(await referralOf("8003")).toMatchObject({ state: "rejected", reason: "same_email" });
    expect(await referralOf("8004")).toMatchObject({ state: "rejected", reason: "repeat_buyer" });
    expect(await referralOf("8006")).toMatchObject({ state: "rejected", reason: "fully_refunded" });
    expect(await client.pointsEntry.count({ where: { shop: SHOP, customerId: "8000", kind: "referral" } })).toBe(1);
  });

  it("caps the rewards per referrer and month", async () => {
    const current = (await programs.loadProgram(client, SHOP))?.referral;
    await programs.saveReferralConfig(client, SHOP, { ...current, monthlyCapPerReferrer: 1 });
    await place([order("80007", "8007", "2025-07-01T10:00:00.000Z")], { "80007": [code] });
    await place([order("80008", "8008", "2025-07-02T10:00:00.000Z")], { "80008": [code] });
    const decided = await referrals.decideDueReferrals(client, SHOP, Date.parse("2025-08-30T00:00:00Z"));
    expect(decided).toMatchObject({ rewarded: 1, rejected: 1 });
    expect(await referralOf("8007")).toMatchObject({ state: "rewarded" });
    expect(await referralOf("8008")).toMatchObject({ state: "rejected", reason: "monthly_cap_reached" });
  });
});
