// Referrals: each member's code (referralCode from the customer id and the shop's salt) becomes a Shopify
// discount code for a friend's first order when it is first needed; an order that uses a member's code records
// a Referral (waiting); after the refund window the decision (app/loyalty decideReferralReward) pays the
// referrer once, or rejects with a reason.
import type { Prisma } from "@prisma/client";
import type { Db } from "~/db.server";
import { decideReferralReward, referralCode, referralMonth, type ReferralParty } from "~/loyalty";
import type { AdminTarget, CallOptions } from "~/shopify/admin-gateway.server";
import { bulkUpsert } from "./bulk-upsert.server";
import { createDiscountCode } from "./loyalty-discounts.server";
import { insertEntries } from "./loyalty-ledger.server";
import { markLoyaltyDirty, reevaluateCustomers } from "./loyalty-members.server";
import { loadProgram, type LoyaltyProgramState } from "./loyalty-program.server";
import { lockShop } from "./shop-lock.server";

type Tx = Prisma.TransactionClient;

/** An order as the ingest batch has it: the codes on it (Shopify's `discount_codes[].code`) name the referrer. */
export interface OrderWithCodes {
  id: string;
  customer: { id: string } | null;
  discountCodes?: readonly string[] | null;
}

const CAPTURED = ["paid", "partially_refunded", "refunded"];

/**
 * Records a Referral for orders that used a member's referral code (one per referred customer: the first
 * such order). The decision waits for the refund window; guards (self-referral, repeat buyer…) are applied
 * then, with the reason kept for the merchant.
 */
export async function recordReferrals(tx: Tx, program: LoyaltyProgramState, orders: readonly OrderWithCodes[]): Promise<number> {
  if (!program.referral.enabled) return 0;
  const withCodes = orders.filter((o) => o.customer && (o.discountCodes?.length ?? 0) > 0);
  if (withCodes.length === 0) return 0;
  const codes = [...new Set(withCodes.flatMap((o) => (o.discountCodes ?? []).map((c) => c.trim().toUpperCase())))];
  const referrers = await tx.loyaltyMember.findMany({
    where: { shop: program.shop, referralCode: { in: codes } },
    select: { customerId: true, referralCode: true },
  });
  if (referrers.length === 0) return 0;
  const referrerOf = new Map(referrers.map((r) => [r.referralCode as string, r.customerId]));
  const processed = new Map(
    (
      await tx.order.findMany({
        where: { shop: program.shop, id: { in: withCodes.map((o) => o.id) } },
        select: { id: true, processedAt: true },
      })
    ).map((o) => [o.id, o.processedAt]),
  );
  let recorded = 0;
  for (const order of withCodes) {
    const code = (order.discountCodes ?? []).map((c) => c.trim().toUpperCase()).find((c) => referrerOf.has(c));
    const processedAt = processed.get(order.id);
    if (!code || !processedAt || !order.customer) continue;
    const decideAfter = new Date(processedAt.getTime() + program.referral.refundWindowDays * 86_400_000);
    const inserted = await bulkUpsert<{ orderId: string }>(tx, {
      table: "Referral",
      columns: ["shop", "referredCustomerId", "referrerCustomerId", "orderId", "code", "state", "decideAfter", "createdAt"],
      rows: [[program.shop, order.customer.id, referrerOf.get(code) as string, order.id, code, "waiting", decideAfter, new Date()]],
      conflict: ["shop", "referredCustomerId"],
      returning: ["orderId"],
    });
    recorded += inserted.length;
  }
  return recorded;
}

export interface ReferralCodeOutcome {
  code: string | null;
  /** Why there is no code (referrals off, Shopify refused or did not answer). */
  problem: string | null;
}

/**
 * The member's referral code, created in Shopify on first use (a discount for the friend's first order:
 * any customer, once each). Deterministic, so two concurrent first uses create one code.
 */
export async function ensureReferralCode(
  db: Db,
  shop: string,
  customerId: string,
  target: AdminTarget,
  options: CallOptions = {},
): Promise<ReferralCodeOutcome> {
  const program = await loadProgram(db, shop);
  if (!program?.enabled || !program.referral.enabled) return { code: null, problem: "Referrals are off" };
  const member = await db.loyaltyMember.findUnique({ where: { shop_customerId: { shop, customerId } }, select: { referralCode: true } });
  if (member?.referralCode) return { code: member.referralCode, problem: null };
  const code = referralCode(customerId, program.salt);
  const friend = program.referral.friendDiscount;
  const created = await createDiscountCode(
    target,
    {
      code,
      title: `Referral ${code}`,
      customers: "all",
      value:
        friend.kind === "percentage"
          ? { kind: "percentage", percent: friend.percent }
          : { kind: "amount", amountMinor: friend.amountMinor },
      currencyCode: program.currencyCode,
      minimumOrderMinor: null,
      usageLimit: null,
      appliesOncePerCustomer: true,
      startsAt: new Date(),
    },
    options,
  );
  if (!created.ok) return { code: null, problem: created.failure };
  await db.$transaction(async (tx) => {
    await lockShop(tx, shop, "shared");
    await tx.loyaltyMember.upsert({
      where: { shop_customerId: { shop, customerId } },
      create: { shop, customerId, referralCode: code, evaluatedAt: new Date(0) },
      update: { referralCode: code },
    });
    await markLoyaltyDirty(tx, shop, [customerId]);
  });
  return { code, problem: null };
}

export interface ReferralDecisions {
  rewarded: number;
  rejected: number;
  waiting: number;
  /** The earliest instant a waiting referral becomes decidable (for a delayed job), or null. */
  nextDueMs: number | null;
}

const customerParty = async (tx: Tx, shop: string, customerId: string): Promise<ReferralParty> => {
  const row = await tx.customer.findUnique({ where: { shop_id: { shop, id: customerId } }, select: { email: true } });
  // Default addresses are not stored by the app yet: the address guard sees none (it never matches on missing data).
  return { customerId, email: row?.email ?? null, defaultAddress: null };
};

/** Decides the referrals whose refund window has passed (or that waited for payment). */
export async function decideDueReferrals(db: Db, shop: string, nowMs = Date.now()): Promise<ReferralDecisions> {
  const result: ReferralDecisions = { rewarded: 0, rejected: 0, waiting: 0, nextDueMs: null };
  const due = await db.referral.findMany({
    where: { shop, state: "waiting", OR: [{ decideAfter: null }, { decideAfter: { lte: new Date(nowMs) } }] },
    orderBy: { createdAt: "asc" },
  });
  for (const referral of due) {
    const outcome = await db.$transaction(
      async (tx) => {
        await lockShop(tx, shop, "shared");
        const program = await loadProgram(tx, shop);
        if (!program) return "waiting" as const;
        return decideOne(tx, program, referral.referredCustomerId, nowMs);
      },
      { maxWait: 30_000, timeout: 60_000 },
    );
    result[outcome] += 1;
  }
  const next = await db.referral.findFirst({
    where: { shop, state: "waiting", decideAfter: { gt: new Date(nowMs) } },
    orderBy: { decideAfter: "asc" },
    select: { decideAfter: true },
  });
  result.nextDueMs = next?.decideAfter?.getTime() ?? null;
  return result;
}

async function decideOne(
  tx: Tx,
  program: LoyaltyProgramState,
  referredCustomerId: string,
  nowMs: number,
): Promise<"rewarded" | "rejected" | "waiting"> {
  const shop = program.shop;
  const referral = await tx.referral.findUnique({ where: { shop_referredCustomerId: { shop, referredCustomerId } } });
  if (!referral || referral.state !== "waiting") return "waiting";
  const order = await tx.order.findUnique({ where: { shop_id: { shop, id: referral.orderId } } });
  if (!order) {
    await tx.referral.update({
      where: { shop_referredCustomerId: { shop, referredCustomerId } },
      data: { decideAfter: new Date(nowMs + 86_400_000) },
    });
    return "waiting";
  }
  const [referrer, buyer, earlier, rewardedEntry, rewarded] = await Promise.all([
    customerParty(tx, shop, referral.referrerCustomerId),
    customerParty(tx, shop, referredCustomerId),
    tx.order.count({
      where: {
        shop,
        customerId: referredCustomerId,
        id: { not: order.id },
        processedAt: { lt: order.processedAt },
        cancelledAt: null,
        test: false,
        financialStatus: { in: CAPTURED },
      },
    }),
    tx.pointsEntry.findUnique({ where: { shop_key: { shop, key: `referral:${referredCustomerId}` } }, select: { key: true } }),
    tx.referral.findMany({
      where: { shop, referrerCustomerId: referral.referrerCustomerId, state: "rewarded" },
      select: { orderId: true },
    }),
  ]);
  const rewardedOrders = await tx.order.findMany({
    where: { shop, id: { in: rewarded.map((r) => r.orderId) } },
    select: { processedAt: true },
  });
  const status = (order.financialStatus ?? "").toLowerCase();
  const decision = decideReferralReward({
    settings: program.enabled ? program.referral : { ...program.referral, enabled: false },
    referrer,
    buyer,
    order: {
      orderId: order.id,
      processedAtMs: order.processedAt.getTime(),
      paid: CAPTURED.includes(status),
      test: order.test,
      cancelled: order.cancelledAt !== null,
      fullyRefunded: status === "refunded" || (order.totalMinor > 0n && order.refundedMinor >= order.totalMinor),
    },
    buyerEarlierPaidOrders: earlier,
    buyerAlreadyRewarded: rewardedEntry !== null,
    referrerRewardMonths: rewardedOrders.map((o) => referralMonth(o.processedAt.getTime(), program.timeZone)),
    nowMs,
    timeZone: program.timeZone,
  });
  const where = { shop_referredCustomerId: { shop, referredCustomerId } };
  if (decision.decision === "wait") {
    await tx.referral.update({ where, data: { decideAfter: new Date(decision.untilMs ?? nowMs + 86_400_000) } });
    return "waiting";
  }
  if (decision.decision === "reject") {
    await tx.referral.update({ where, data: { state: "rejected", reason: decision.reason, decidedAt: new Date(nowMs) } });
    return "rejected";
  }
  await insertEntries(tx, shop, [decision.entry]);
  await tx.referral.update({ where, data: { state: "rewarded", decidedAt: new Date(nowMs) } });
  // A points-earned ladder counts referral points: the referrer's tier may move.
  const evaluated = await reevaluateCustomers(tx, program, [referral.referrerCustomerId], nowMs);
  await markLoyaltyDirty(tx, shop, [referral.referrerCustomerId, ...evaluated.changed]);
  return "rewarded";
}

/** A member's referrals for the customer page: who they brought, and what was decided. */
export async function referralsOf(db: Db, shop: string, referrerCustomerId: string) {
  return db.referral.findMany({
    where: { shop, referrerCustomerId },
    orderBy: { createdAt: "desc" },
    select: { referredCustomerId: true, orderId: true, state: true, reason: true, decideAfter: true, decidedAt: true, createdAt: true },
  });
}
