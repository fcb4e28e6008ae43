// Redeeming a reward: requested → (Shopify discount code created) → points deducted. The admin and the app proxy
// (POST /proxy/redeem) call `redeem`. The points leave the balance only once the code exists; a refused code
// deducts nothing; a retried or concurrent request (same customer, reward and request id) is one redemption,
// deducted once (the ledger key redeem:<id> is unique).
import type { Prisma } from "@prisma/client";
import type { Db } from "~/db.server";
import {
  canRedeem,
  redemptionEntry,
  redemptionKey,
  requestRedemption,
  type RedeemRefusal,
  type Redemption,
  type RedemptionState,
  type Reward,
} from "~/loyalty";
import type { AdminTarget, CallOptions } from "~/shopify/admin-gateway.server";
import { bulkUpsert } from "./bulk-upsert.server";
import { createDiscountCode, discountIdOfCode, type DiscountValue } from "./loyalty-discounts.server";
import { insertEntries, pointsBalanceOf } from "./loyalty-ledger.server";
import { markLoyaltyDirty } from "./loyalty-members.server";
import { loadProgram, type LoyaltyProgramState } from "./loyalty-program.server";
import { offlineAccessToken } from "./sessions.server";
import { lockShop } from "./shop-lock.server";

type Tx = Prisma.TransactionClient;

export interface RedeemRequest {
  customerId: string;
  rewardId: string;
  /** The client's id for this attempt (form submission, proxy request): retries send the same one. */
  requestId: string;
}

export type RedeemResult =
  | { status: "deducted"; redemption: Redemption; balance: number }
  | { status: "refused"; reason: RedeemRefusal | "unknown_reward"; message: string }
  /** Shopify refused the code: nothing was deducted; the same request may be retried. */
  | { status: "failed"; redemption: Redemption; message: string }
  /** Shopify did not answer and the code's existence is unknown: the points stay reserved; retry the request. */
  | { status: "pending"; redemption: Redemption; message: string };

export interface RedeemOptions {
  /** Defaults to the shop's offline session. */
  target?: AdminTarget;
  nowMs?: number;
  /** Passed to the gateway (tests shorten the retries). */
  gateway?: CallOptions;
}

/** The code a redemption creates: derived from its key, so every attempt of one redemption names the same code. */
export function redemptionCode(redemptionId: string): string {
  return `LOYAL-${redemptionId.slice(0, 12).toUpperCase()}`;
}

type RedemptionRow = {
  id: string;
  customerId: string;
  rewardId: string;
  pointsCost: number;
  state: string;
  code: string | null;
  discountId: string | null;
  failure: string | null;
  createdAt: Date;
};

function redemptionOf(row: RedemptionRow): Redemption {
  return {
    id: row.id,
    customerId: row.customerId,
    rewardId: row.rewardId,
    pointsCost: row.pointsCost,
    state: row.state as RedemptionState,
    code: row.code,
    discountId: row.discountId,
    failure: row.failure,
    requestedAtMs: row.createdAt.getTime(),
  };
}

/**
 * Locks the customer's member row for the rest of the transaction (PostgreSQL row lock; on SQLite the write
 * takes the database's write lock): two redemptions of one customer check the balance one after the other.
 */
async function lockMember(tx: Tx, shop: string, customerId: string): Promise<void> {
  await bulkUpsert(tx, {
    table: "LoyaltyMember",
    columns: ["shop", "customerId", "metric", "tiersVersion", "evaluatedAt"],
    rows: [[shop, customerId, 0, 0, new Date(0)]],
    conflict: ["shop", "customerId"],
    set: [`"evaluatedAt" = "LoyaltyMember"."evaluatedAt"`],
  });
}

type Started =
  | { next: "done"; result: RedeemResult }
  | { next: "create"; redemption: Redemption; reward: Reward; program: LoyaltyProgramState }
  | { next: "deduct"; redemption: Redemption };

async function start(db: Db, shop: string, request: RedeemRequest, nowMs: number): Promise<Started> {
  return db.$transaction(
    async (tx): Promise<Started> => {
      await lockShop(tx, shop, "shared");
      const program = await loadProgram(tx, shop);
      const reward = program?.rewards.find((r) => r.id === request.rewardId);
      if (!program || !reward)
        return { next: "done", result: { status: "refused", reason: "unknown_reward", message: "This reward does not exist" } };
      await lockMember(tx, shop, request.customerId);
      const [balance, rows, member] = await Promise.all([
        pointsBalanceOf(tx, shop, request.customerId),
        tx.redemption.findMany({ where: { shop, customerId: request.customerId } }),
        tx.loyaltyMember.findUnique({ where: { shop_customerId: { shop, customerId: request.customerId } }, select: { tierId: true } }),
      ]);
      const redemptions = rows.map(redemptionOf);
      const tierIds = program.tiers?.tiers.map((t) => t.id) ?? [];
      const check = {
        programEnabled: program.enabled,
        reward,
        balance,
        redemptions,
        tierIndex: member?.tierId ? tierIds.indexOf(member.tierId) : -1,
        tierIds,
      };
      const key = redemptionKey(request.customerId, request.rewardId, request.requestId);
      const outcome = requestRedemption({ ...check, key, customerId: request.customerId, nowMs });
      if (outcome.outcome === "refused")
        return { next: "done", result: { status: "refused", reason: outcome.reason, message: outcome.message } };
      let redemption = outcome.redemption;
      if (outcome.outcome === "created") {
        await tx.redemption.create({
          data: {
            shop,
            id: redemption.id,
            customerId: redemption.customerId,
            rewardId: redemption.rewardId,
            pointsCost: redemption.pointsCost,
            state: "requested",
            createdAt: new Date(nowMs),
          },
        });
      } else if (redemption.state === "deducted") {
        return { next: "done", result: { status: "deducted", redemption, balance } };
      } else if (redemption.state === "code_created") {
        return { next: "deduct", redemption };
      } else if (redemption.state === "failed") {
        // A retry of a failed redemption: only if the points are still there (its own reservation was released).
        const again = canRedeem({ ...check, redemptions: redemptions.filter((r) => r.id !== redemption.id) });
        if (!again.ok) return { next: "done", result: { status: "refused", reason: again.reason, message: again.message } };
        await tx.redemption.updateMany({
          where: { shop, id: redemption.id, state: "failed" },
          data: { state: "requested", failure: null },
        });
        redemption = { ...redemption, state: "requested", failure: null };
      }
      return { next: "create", redemption, reward, program };
    },
    { maxWait: 30_000, timeout: 60_000 },
  );
}

function discountValueOf(reward: Reward): DiscountValue {
  if (reward.kind === "amount_off") return { kind: "amount", amountMinor: reward.amountMinor };
  if (reward.kind === "percentage_off") return { kind: "percentage", percent: reward.percent };
  return { kind: "free_shipping" };
}

/** Records the code and deducts the points, once (the state check and the ledger key both guard it). */
async function deduct(
  db: Db,
  shop: string,
  redemption: Redemption,
  code: string,
  discountId: string,
  nowMs: number,
): Promise<RedeemResult> {
  return db.$transaction(
    async (tx) => {
      await lockShop(tx, shop, "shared");
      // The member lock, as `start` takes it: a concurrent start (a retry, or another redemption of this
      // customer) then reads the balance and the redemptions either both before this deduction or both after.
      // Without it, on PostgreSQL (each statement its own snapshot) a start could read the balance before the
      // deduction and this redemption as deducted after it: a retry answered with the old balance, and a new
      // redemption checked against points that were already spent.
      await lockMember(tx, shop, redemption.customerId);
      await tx.redemption.updateMany({
        where: { shop, id: redemption.id, state: { in: ["requested", "failed"] } },
        data: { state: "code_created", code, discountId, failure: null },
      });
      const current = await tx.redemption.findUniqueOrThrow({ where: { shop_id: { shop, id: redemption.id } } });
      const withCode = redemptionOf(current);
      const entry = redemptionEntry(withCode, nowMs);
      if (entry) await insertEntries(tx, shop, [entry]);
      await tx.redemption.updateMany({ where: { shop, id: redemption.id, state: "code_created" }, data: { state: "deducted" } });
      await markLoyaltyDirty(tx, shop, [redemption.customerId]);
      const balance = await pointsBalanceOf(tx, shop, redemption.customerId);
      return { status: "deducted" as const, redemption: { ...withCode, state: "deducted" as const }, balance };
    },
    { maxWait: 30_000, timeout: 60_000 },
  );
}

/**
 * Redeems a reward for a customer. Safe to call again with the same request (a double click, a proxy retry,
 * a timeout): it returns the same redemption and never deducts twice.
 */
export async function redeem(db: Db, shop: string, request: RedeemRequest, options: RedeemOptions = {}): Promise<RedeemResult> {
  const nowMs = options.nowMs ?? Date.now();
  const started = await start(db, shop, request, nowMs);
  if (started.next === "done") return started.result;
  if (started.next === "deduct") {
    const { redemption } = started;
    return deduct(db, shop, redemption, redemption.code as string, redemption.discountId as string, nowMs);
  }
  const { redemption, reward, program } = started;
  const target = options.target ?? { shop, accessToken: await offlineAccessToken(db, shop) };
  const code = redemptionCode(redemption.id);
  const created = await createDiscountCode(
    target,
    {
      code,
      title: `Loyalty reward: ${reward.name}`,
      customers: [request.customerId],
      value: discountValueOf(reward),
      currencyCode: program.currencyCode,
      minimumOrderMinor: reward.minimumOrderMinor,
      usageLimit: 1,
      appliesOncePerCustomer: true,
      startsAt: new Date(nowMs),
    },
    options.gateway ?? { maxAttempts: 3, maxThrottleWaitMs: 20_000, timeoutMs: 10_000 },
  );
  if (created.ok) return deduct(db, shop, redemption, code, created.discountId, nowMs);
  if (created.ambiguous) return { status: "pending", redemption, message: `Shopify did not confirm the code: ${created.failure}` };
  await db.redemption.updateMany({
    where: { shop, id: redemption.id, state: "requested" },
    data: { state: "failed", failure: created.failure },
  });
  return { status: "failed", redemption: { ...redemption, state: "failed", failure: created.failure }, message: created.failure };
}

/**
 * Settles redemptions left "requested" (a request that never came back after Shopify went silent): the code
 * exists → deduct; it does not → failed (the reservation is released). Run by the nightly loyalty job.
 */
export async function settleStaleRedemptions(db: Db, shop: string, target: AdminTarget, olderThanMs = 15 * 60_000, nowMs = Date.now()) {
  const stale = await db.redemption.findMany({
    where: { shop, state: { in: ["requested", "code_created"] }, updatedAt: { lt: new Date(nowMs - olderThanMs) } },
  });
  let deducted = 0;
  let failed = 0;
  for (const row of stale) {
    const redemption = redemptionOf(row);
    const code = row.code ?? redemptionCode(row.id);
    const discountId = row.discountId ?? (await discountIdOfCode(target, code).catch(() => undefined));
    if (discountId === undefined) continue; // Shopify unreachable: next time
    if (discountId) {
      await deduct(db, shop, redemption, code, discountId, nowMs);
      deducted++;
    } else {
      await db.redemption.updateMany({
        where: { shop, id: row.id, state: "requested" },
        data: { state: "failed", failure: "the code was never created" },
      });
      failed++;
    }
  }
  return { deducted, failed };
}

/** A customer's redemptions, newest first (customer panel, overview). */
export async function redemptionsOf(db: Db, shop: string, customerId: string, limit = 20): Promise<Redemption[]> {
  const rows = await db.redemption.findMany({ where: { shop, customerId }, orderBy: { createdAt: "desc" }, take: limit });
  return rows.map(redemptionOf);
}
