// Read models of the loyalty admin: the overview (members per tier, points outstanding and their liability,
// redemptions, tier moves this month, cost against value per tier) and one member's panel (tier, progress,
// balance, ledger, redemptions, referrals).
import type { Db } from "~/db.server";
import {
  allocateTierColumns,
  civilDateOf,
  compileLadder,
  costAgainstValue,
  dayNumberOf,
  isoDateOf,
  pointValueMinor,
  startOfShopDay,
  type TierCostValueRow,
} from "~/loyalty";
import { recentEntries, pointsBalanceOf } from "./loyalty-ledger.server";
import { currentMetrics, evaluationDay } from "./loyalty-members.server";
import { loadProgram, type LoyaltyProgramState } from "./loyalty-program.server";
import { redemptionsOf } from "./loyalty-redemptions.server";
import { referralsOf } from "./loyalty-referrals.server";
import { dirtyCount, tierProgressPercent } from "./loyalty-write-back.server";
import { latestEvaluationRun } from "./loyalty-evaluation.server";
import { queryRaw, sql } from "./sql.server";

const toNumber = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));

/** The first instant of the shop's current calendar month. */
export function monthStartMs(nowMs: number, timeZone: string): number {
  const { year, month } = civilDateOf(evaluationDay(nowMs, timeZone));
  return startOfShopDay(dayNumberOf(year, month, 1), timeZone);
}

export interface TierOverviewRow {
  tierId: string | null;
  name: string | null;
  members: number;
  pointsOutstanding: number;
}

export interface LoyaltyOverview {
  program: {
    enabled: boolean;
    currencyCode: string;
    basis: string | null;
    tiersVersion: number;
    rewards: number;
    referrals: boolean;
  } | null;
  members: number;
  tiers: TierOverviewRow[];
  pointsOutstanding: number;
  /** Outstanding points at the most generous amount-off reward's rate; null without such a reward. */
  liabilityMinor: number | null;
  redemptions: { deducted: number; failed: number; inFlight: number; pointsRedeemedThisMonth: number };
  tierMovesThisMonth: { up: number; down: number };
  costValue: TierCostValueRow[];
  evaluation: { status: string; total: number; done: number; startedAt: string; finishedAt: string | null } | null;
  waitingForShopify: number;
}

export async function loyaltyOverview(db: Db, shop: string, nowMs = Date.now()): Promise<LoyaltyOverview> {
  const program = await loadProgram(db, shop);
  const empty: LoyaltyOverview = {
    program: null,
    members: 0,
    tiers: [],
    pointsOutstanding: 0,
    liabilityMinor: null,
    redemptions: { deducted: 0, failed: 0, inFlight: 0, pointsRedeemedThisMonth: 0 },
    tierMovesThisMonth: { up: 0, down: 0 },
    costValue: [],
    evaluation: null,
    waitingForShopify: 0,
  };
  if (!program) return empty;
  const monthStart = new Date(monthStartMs(nowMs, program.timeZone));
  const [perCustomer, redemptionStates, redeemed, moves, run, waiting] = await Promise.all([
    customerColumns(db, program),
    db.redemption.groupBy({ by: ["state"], where: { shop }, _count: { _all: true } }),
    db.pointsEntry.aggregate({ where: { shop, kind: "redeem", effectiveAt: { gte: monthStart } }, _sum: { points: true } }),
    db.tierChange.findMany({ where: { shop, createdAt: { gte: monthStart } }, select: { fromTierId: true, toTierId: true } }),
    latestEvaluationRun(db, shop),
    dirtyCount(db, shop, nowMs),
  ]);
  const ladder = program.tiers ? compileLadder(program.tiers) : null;
  const indexOf = (id: string | null) => (id && ladder ? ladder.ids.indexOf(id) : -1);
  let up = 0;
  let down = 0;
  for (const move of moves) {
    if (indexOf(move.toTierId) > indexOf(move.fromTierId)) up++;
    else down++;
  }
  const count = (state: string) => redemptionStates.find((r) => r.state === state)?._count._all ?? 0;
  const valuePerPoint = pointValueMinor(program.rewards);
  const tiers: TierOverviewRow[] = [{ tierId: null, name: null, members: 0, pointsOutstanding: 0 }];
  for (const tier of program.tiers?.tiers ?? []) tiers.push({ tierId: tier.id, name: tier.name, members: 0, pointsOutstanding: 0 });
  const { ids, tierIndex, balance } = perCustomer;
  let outstanding = 0;
  for (let k = 0; k < ids.length; k++) {
    const row = tiers[tierIndex[k] + 1] ?? tiers[0];
    row.members += 1;
    if (balance[k] > 0) {
      row.pointsOutstanding += balance[k];
      outstanding += balance[k];
    }
  }
  let costValue: TierCostValueRow[] = [];
  if (ladder) {
    const columns = allocateTierColumns(ids.length);
    columns.tier.set(perCustomer.tierIndex);
    costValue = costAgainstValue(ladder, columns, perCustomer.costValue, valuePerPoint);
  }
  return {
    program: {
      enabled: program.enabled,
      currencyCode: program.currencyCode,
      basis: program.tiers?.basis ?? null,
      tiersVersion: program.tiersVersion,
      rewards: program.rewards.length,
      referrals: program.referral.enabled,
    },
    members: ids.length,
    tiers,
    pointsOutstanding: outstanding,
    liabilityMinor: valuePerPoint === null ? null : Math.round(outstanding * valuePerPoint),
    redemptions: {
      deducted: count("deducted"),
      failed: count("failed"),
      inFlight: count("requested") + count("code_created"),
      pointsRedeemedThisMonth: -(redeemed._sum.points ?? 0),
    },
    tierMovesThisMonth: { up, down },
    costValue,
    evaluation: run
      ? {
          status: run.status,
          total: run.total,
          done: run.done,
          startedAt: run.startedAt.toISOString(),
          finishedAt: run.finishedAt?.toISOString() ?? null,
        }
      : null,
    waitingForShopify: waiting,
  };
}

/** Per member (LoyaltyMember rows and anyone holding points): tier, balance, values, reward discounts used. */
async function customerColumns(db: Db, program: LoyaltyProgramState) {
  const shop = program.shop;
  const rows = await queryRaw<{ customerId: string; tierId: string | null; balance: unknown; net: unknown; predicted: unknown }>(
    db,
    sql`SELECT c."customerId" AS "customerId", m."tierId" AS "tierId",
               (SELECT SUM(p."points") FROM "PointsEntry" p WHERE p."shop" = c."shop" AND p."customerId" = c."customerId") AS balance,
               v."netRevenueMinor" AS net, v."predictedClvMinor" AS predicted
          FROM (SELECT "shop", "customerId" FROM "LoyaltyMember" WHERE "shop" = ${shop}
                UNION SELECT "shop", "customerId" FROM "PointsEntry" WHERE "shop" = ${shop}) c
          LEFT JOIN "LoyaltyMember" m ON m."shop" = c."shop" AND m."customerId" = c."customerId"
          LEFT JOIN "CustomerValue" v ON v."shop" = c."shop" AND v."customerId" = c."customerId"`,
  );
  const amountOff = new Map(program.rewards.map((r) => [r.id, r.kind === "amount_off" ? r.amountMinor : 0]));
  const used = await db.redemption.findMany({ where: { shop, state: "deducted" }, select: { customerId: true, rewardId: true } });
  const discounts = new Map<string, number>();
  for (const r of used) discounts.set(r.customerId, (discounts.get(r.customerId) ?? 0) + (amountOff.get(r.rewardId) ?? 0));
  const ladder = program.tiers ? compileLadder(program.tiers) : null;
  const n = rows.length;
  const tierIndex = new Int8Array(n).fill(-1);
  const balance = new Float64Array(n);
  const costValue = {
    netRevenueMinor: new Float64Array(n),
    predictedClvMinor: new Float64Array(n),
    rewardDiscountsMinor: new Float64Array(n),
    tierDiscountsMinor: new Float64Array(n),
    pointsBalance: balance,
  };
  rows.forEach((row, k) => {
    tierIndex[k] = row.tierId && ladder ? ladder.ids.indexOf(row.tierId) : -1;
    balance[k] = toNumber(row.balance);
    costValue.netRevenueMinor[k] = toNumber(row.net);
    costValue.predictedClvMinor[k] = row.predicted === null || row.predicted === undefined ? NaN : Number(row.predicted);
    costValue.rewardDiscountsMinor[k] = discounts.get(row.customerId) ?? 0;
  });
  return { ids: rows.map((r) => r.customerId), tierIndex, balance, costValue };
}

export interface MemberPanel {
  program: { enabled: boolean; currencyCode: string; basis: string | null; referrals: boolean } | null;
  customerId: string;
  tier: { id: string; name: string; since: string | null; holdUntil: string | null } | null;
  nextTier: { id: string; name: string; amountToReach: number } | null;
  progressPercent: number | null;
  metric: number;
  balance: number;
  referralCode: string | null;
  ledger: { key: string; kind: string; points: number; source: string; reason: string | null; effectiveAt: string }[];
  redemptions: {
    id: string;
    rewardId: string;
    pointsCost: number;
    state: string;
    code: string | null;
    failure: string | null;
    requestedAt: string;
  }[];
  referrals: { referredCustomerId: string; orderId: string; state: string; reason: string | null; decideAfter: string | null }[];
  referredBy: { referrerCustomerId: string; state: string; reason: string | null } | null;
  rewards: { id: string; name: string; pointsCost: number; active: boolean }[];
}

/** The customer page's loyalty panel (also the member page's body). */
export async function loyaltyMemberPanel(db: Db, shop: string, customerId: string): Promise<MemberPanel> {
  const program = await loadProgram(db, shop);
  const [member, balance, ledger, redemptions, referrals, referredBy] = await Promise.all([
    db.loyaltyMember.findUnique({ where: { shop_customerId: { shop, customerId } } }),
    pointsBalanceOf(db, shop, customerId),
    recentEntries(db, shop, customerId, 50),
    redemptionsOf(db, shop, customerId),
    referralsOf(db, shop, customerId),
    db.referral.findUnique({ where: { shop_referredCustomerId: { shop, referredCustomerId: customerId } } }),
  ]);
  const ladder = program?.tiers ? compileLadder(program.tiers) : null;
  const metric = program ? ((await currentMetrics(db, program, [customerId], Date.now())).get(customerId) ?? member?.metric ?? 0) : 0;
  const nextIndex = ladder && member?.nextTierId ? ladder.ids.indexOf(member.nextTierId) : -1;
  const nameOf = (id: string | null) => (id && ladder ? (ladder.names[ladder.ids.indexOf(id)] ?? null) : null);
  const tierName = nameOf(member?.tierId ?? null);
  const nextName = nameOf(member?.nextTierId ?? null);
  return {
    program: program
      ? {
          enabled: program.enabled,
          currencyCode: program.currencyCode,
          basis: program.tiers?.basis ?? null,
          referrals: program.referral.enabled,
        }
      : null,
    customerId,
    tier:
      member?.tierId && tierName
        ? {
            id: member.tierId,
            name: tierName,
            since: member.tierSinceDay === null ? null : isoDateOf(member.tierSinceDay),
            holdUntil: member.holdUntilDay === null ? null : isoDateOf(member.holdUntilDay),
          }
        : null,
    nextTier:
      member?.nextTierId && nextName && ladder && nextIndex >= 0
        ? { id: member.nextTierId, name: nextName, amountToReach: Math.max(0, ladder.thresholds[nextIndex] - metric) }
        : null,
    progressPercent: ladder && member ? tierProgressPercent(ladder, member.tierId, metric, member.nextTierId) : null,
    metric,
    balance,
    referralCode: member?.referralCode ?? null,
    ledger: ledger.map((e) => ({
      key: e.key,
      kind: e.kind,
      points: e.points,
      source:
        e.sourceType === "order" || e.sourceType === "refund" || e.sourceType === "cancellation"
          ? `${e.sourceType} ${e.orderId ?? ""}`.trim()
          : e.sourceType,
      reason: e.reason,
      effectiveAt: e.effectiveAt.toISOString(),
    })),
    redemptions: redemptions.map((r) => ({
      id: r.id,
      rewardId: r.rewardId,
      pointsCost: r.pointsCost,
      state: r.state,
      code: r.code,
      failure: r.failure,
      requestedAt: new Date(r.requestedAtMs).toISOString(),
    })),
    referrals: referrals.map((r) => ({
      referredCustomerId: r.referredCustomerId,
      orderId: r.orderId,
      state: r.state,
      reason: r.reason,
      decideAfter: r.decideAfter?.toISOString() ?? null,
    })),
    referredBy: referredBy
      ? { referrerCustomerId: referredBy.referrerCustomerId, state: referredBy.state, reason: referredBy.reason }
      : null,
    rewards: (program?.rewards ?? []).map((r) => ({ id: r.id, name: r.name, pointsCost: r.pointsCost, active: r.active })),
  };
}
