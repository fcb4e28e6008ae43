// Loyalty inside the ingest pipeline: for a batch's changed orders, append the points entries that make each
// order's stream hold what the order should hold now (app/loyalty/order-points.ts), pay account bonuses,
// re-evaluate the customers' tiers, mark them for the write-back and record referrals. Runs in the ingest
// transaction (same commit as the order change), so a redelivery or a crash never leaves the two apart.
//
// Portable SQL only. Stream entries are inserted with ON CONFLICT DO NOTHING on (shop, key); an insert that
// lost a race for a stream position (a concurrent transaction appended there first) re-reads the stream and
// appends only what is still missing: the engine's contract for concurrent events of one order.
import type { Prisma } from "@prisma/client";
import type { Db } from "~/db.server";
import {
  bonusEntriesDue,
  compileLadder,
  earningMultiplier,
  orderEntriesToAppend,
  shopDayOf,
  type FinancialStatus,
  type LedgerEntry,
  type OrderPointsState,
  type RefundPointsState,
} from "~/loyalty";
import { refundInShopMoney } from "~/lib/refunds";
import { insertEntries, orderStreams } from "./loyalty-ledger.server";
import { markLoyaltyDirty, reevaluateCustomers } from "./loyalty-members.server";
import { factNeedsOf, factsOf, loadCustomerFacts, type CustomerFacts, type MemberRow } from "./loyalty-population.server";
import { join, queryRaw, sql, type SqlFragment } from "./sql.server";
import { loadProgram, PROGRAM_REUSE_MS, type LoyaltyProgramState } from "./loyalty-program.server";
import { recordReferrals, type OrderWithCodes } from "./loyalty-referrals.server";
import { lockShop } from "./shop-lock.server";

type Tx = Prisma.TransactionClient;

export interface LoyaltyBatch {
  /** Orders the batch wrote, or whose refunds it stored (an order may not exist yet: refund before order). */
  orderIds: readonly string[];
  /** Customers whose value the batch recomputed (also those an order moved away from). */
  customerIds: readonly string[];
  /** The batch's orders as delivered: the discount codes on them record referrals. */
  orders?: readonly OrderWithCodes[];
}

export interface LoyaltyBatchResult {
  entriesWritten: number;
  membersChanged: number;
  tierChanges: number;
  /** Customers marked for the write-back. */
  dirty: number;
  referralsRecorded: number;
}

const NOTHING: LoyaltyBatchResult = { entriesWritten: 0, membersChanged: 0, tierChanges: 0, dirty: 0, referralsRecorded: 0 };

/** Attempts at a stream before the transaction gives up (each lost race means another writer progressed). */
const STREAM_ATTEMPTS = 5;

const FINANCIAL_STATUSES: ReadonlySet<string> = new Set([
  "pending",
  "authorized",
  "partially_paid",
  "paid",
  "partially_refunded",
  "refunded",
  "voided",
  "expired",
]);

/** Shopify's status, lower case; an unknown or missing one earns nothing (treated as pending). */
export function financialStatusOf(value: string | null): FinancialStatus {
  const status = (value ?? "").toLowerCase();
  return FINANCIAL_STATUSES.has(status) ? (status as FinancialStatus) : "pending";
}

interface OrderInput {
  state: OrderPointsState | null;
  refunds: RefundPointsState[];
}

const toMs = (value: unknown) => (value instanceof Date ? value.getTime() : new Date(String(value)).getTime());
const toBool = (value: unknown) => value === true || value === 1 || value === 1n || value === "1" || value === "t";
const toBig = (value: unknown) => (value === null || value === undefined ? 0n : BigInt(value as number | bigint | string));

/** What the loyalty step reads about a batch, in as few statements as the ladder allows. */
interface BatchContext {
  inputs: Map<string, OrderInput>;
  customerIds: string[];
  /** Only with a ladder: the customers' facts and stored member rows. */
  facts: Map<string, CustomerFacts>;
  stored: Map<string, MemberRow>;
}

/**
 * Reads the batch's orders (by id) and, with a ladder, the facts of their customers (every order of theirs, by
 * customer) and their member rows: three indexed raw statements (an OR of both conditions in one statement
 * would scan the shop's orders). The facts follow loyalty-population's definitions.
 */
async function loadBatchContext(tx: Tx, program: LoyaltyProgramState, batch: LoyaltyBatch, orderIds: string[]): Promise<BatchContext> {
  const shop = program.shop;
  const needs = factNeedsOf(program.tiers?.basis);
  const inputs = new Map<string, OrderInput>(orderIds.map((id) => [id, { state: null, refunds: [] }]));
  const byOrder = new Map<string, Record<string, unknown>>();
  const customers = new Set(batch.customerIds);
  const refunded: string[] = [];
  for (let i = 0; i < orderIds.length; i += 500) {
    const rows = await queryRaw<Record<string, unknown>>(tx, batchOrdersQuery(shop, orderIds.slice(i, i + 500)));
    for (const row of rows) {
      const id = String(row.id);
      byOrder.set(id, row);
      const customerId = row.customerId === null || row.customerId === undefined ? null : String(row.customerId);
      const input = inputs.get(id);
      // Orders without a customer earn for nobody; orders in another currency than the shop's are not counted.
      if (!input || !customerId || toBool(row.currencyMismatch)) continue;
      customers.add(customerId);
      input.state = {
        orderId: id,
        customerId,
        processedAtMs: toMs(row.processedAt),
        updatedAtMs: toMs(row.updatedAt),
        merchandiseMinor: pointsBasisOf(toBig(row.totalMinor)),
        cancelledAtMs: row.cancelledAt === null || row.cancelledAt === undefined ? null : toMs(row.cancelledAt),
        test: toBool(row.test),
        financialStatus: financialStatusOf((row.financialStatus as string | null) ?? null),
      };
      // Refunds count once applied to their order (refundedMinor); one that came before its order waits with it.
      if (toBig(row.refundedMinor) !== 0n) refunded.push(id);
    }
  }
  for (let i = 0; i < refunded.length; i += 500) {
    const refunds = await tx.refund.findMany({
      where: { shop, orderId: { in: refunded.slice(i, i + 500) } },
      select: { id: true, orderId: true, amountMinor: true, currencyCode: true, createdAt: true },
    });
    for (const r of refunds) {
      const order = byOrder.get(r.orderId);
      const money = order
        ? refundInShopMoney(r.amountMinor, r.currencyCode, {
            currencyCode: String(order.currencyCode),
            totalMinor: toBig(order.totalMinor),
            presentmentCurrency: (order.presentmentCurrency as string | null) ?? null,
            presentmentTotalMinor:
              order.presentmentTotalMinor === null || order.presentmentTotalMinor === undefined ? null : toBig(order.presentmentTotalMinor),
          })
        : r.amountMinor;
      inputs.get(r.orderId)?.refunds.push({ refundId: r.id, merchandiseMinor: Number(money), createdAtMs: r.createdAt.getTime() });
    }
  }
  const customerIds = [...customers].sort();
  if (!needs) return { inputs, customerIds, facts: new Map(), stored: new Map() };
  const facts = await loadCustomerFacts(tx, shop, customerIds, program.timeZone, needs);
  const stored = await membersOfRaw(tx, shop, customerIds);
  return { inputs, customerIds, facts, stored };
}

/** The batch's orders with what their points need. */
function batchOrdersQuery(shop: string, ids: string[]): SqlFragment {
  return sql`SELECT o."id" AS id, o."customerId" AS "customerId", o."processedAt" AS "processedAt", o."shopifyUpdatedAt" AS "updatedAt",
                    o."totalMinor" AS "totalMinor", o."refundedMinor" AS "refundedMinor", o."cancelledAt" AS "cancelledAt", o."test" AS test,
                    o."financialStatus" AS "financialStatus", o."currencyMismatch" AS "currencyMismatch", o."currencyCode" AS "currencyCode",
                    o."presentmentCurrency" AS "presentmentCurrency", o."presentmentTotalMinor" AS "presentmentTotalMinor"
               FROM "Order" o
              WHERE o."shop" = ${shop} AND o."id" IN (${join(ids)})`;
}

/** Stored member rows (raw SQL: Prisma's query compiler costs several times more for a 200-id list). */
async function membersOfRaw(tx: Tx, shop: string, customerIds: string[]): Promise<Map<string, MemberRow>> {
  const members = new Map<string, MemberRow>();
  const nullable = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  for (let i = 0; i < customerIds.length; i += 500) {
    const rows = await queryRaw<Record<string, unknown>>(
      tx,
      sql`SELECT "customerId", "tierId", "tierSinceDay", "holdUntilDay", "metric", "nextTierId", "amountToNext", "referralCode", "tiersVersion"
            FROM "LoyaltyMember" WHERE "shop" = ${shop} AND "customerId" IN (${join(customerIds.slice(i, i + 500))})`,
    );
    for (const row of rows) {
      members.set(String(row.customerId), {
        customerId: String(row.customerId),
        tierId: (row.tierId as string | null) ?? null,
        sinceDay: nullable(row.tierSinceDay),
        holdUntilDay: nullable(row.holdUntilDay),
        programVersionId: String(row.tiersVersion),
        metric: Number(row.metric ?? 0),
        nextTierId: (row.nextTierId as string | null) ?? null,
        amountToNext: nullable(row.amountToNext),
        referralCode: (row.referralCode as string | null) ?? null,
        tiersVersion: Number(row.tiersVersion ?? 0),
      });
    }
  }
  return members;
}

/**
 * The value an order's points are computed on. The engine's definition is the net merchandise value (line
 * items after discounts); the stored order carries its total as placed (after discounts, with shipping and
 * taxes) and its refunds as money returned, so until Order.subtotalMinor and Refund.merchandiseMinor are stored
 * the total and the refunded money are used: the same ratio reverses points proportionally.
 */
export function pointsBasisOf(totalMinor: bigint): number {
  return Number(totalMinor);
}

/**
 * Applies the batch's loyalty effects in the caller's transaction. Without a program nothing happens; a
 * program that is off still reverses points its orders earned before.
 */
export async function applyLoyalty(tx: Tx, shop: string, batch: LoyaltyBatch, nowMs = Date.now()): Promise<LoyaltyBatchResult> {
  if (batch.orderIds.length === 0 && batch.customerIds.length === 0) return NOTHING;
  const program = await loadProgram(tx, shop, { reuseForMs: PROGRAM_REUSE_MS });
  if (!program) return NOTHING;

  const orderIds = [...new Set(batch.orderIds)];
  const { inputs, customerIds, facts, stored } = await loadBatchContext(tx, program, batch, orderIds);
  let streams = await orderStreams(tx, shop, orderIds);
  const ladder = program.tiers ? compileLadder(program.tiers) : null;

  const entriesOf = (orderId: string): LedgerEntry[] => {
    const input = inputs.get(orderId);
    if (!input?.state) return [];
    const existing = streams.get(orderId) ?? [];
    const order = input.state;
    let multiplierHundredths = 100;
    if (ladder && !existing.some((entry) => entry.kind === "earn")) {
      const customer = facts.get(order.customerId);
      const day = shopDayOf(order.processedAtMs, program.timeZone);
      if (customer) multiplierHundredths = earningMultiplier(factsOf(customer), ladder, day, stored.get(order.customerId));
    }
    return orderEntriesToAppend({ order, refunds: input.refunds, existing, ruleVersions: program.ruleVersions, multiplierHundredths });
  };

  // Oldest first: a points-earned ladder's multiplier for a later order sees the points of an earlier one. All
  // the batch's entries go in one statement; orders whose insert lost a race are re-read and computed again.
  let todo = orderIds
    .filter((id) => inputs.get(id)?.state)
    .sort((a, b) => (inputs.get(a)?.state?.processedAtMs ?? 0) - (inputs.get(b)?.state?.processedAtMs ?? 0));
  const withNewEntries = new Set<string>();
  let entriesWritten = 0;
  for (let attempt = 1; todo.length > 0; attempt++) {
    if (attempt > STREAM_ATTEMPTS) throw new Error(`loyalty: order streams still contended after ${STREAM_ATTEMPTS} attempts`);
    const planned = new Map<string, LedgerEntry[]>();
    for (const orderId of todo) {
      const entries = entriesOf(orderId);
      if (entries.length === 0) continue;
      planned.set(orderId, entries);
      // As if written, so that the next order of the same customer sees these points.
      updateOrderPoints(facts, orderId, inputs.get(orderId)?.state ?? null, [...(streams.get(orderId) ?? []), ...entries]);
    }
    const inserted = await insertEntries(tx, shop, [...planned.values()].flat());
    entriesWritten += inserted.size;
    const lost: string[] = [];
    for (const [orderId, entries] of planned) {
      if (entries.some((entry) => inserted.has(entry.key))) withNewEntries.add(entries[0].customerId);
      if (entries.every((entry) => inserted.has(entry.key))) streams.set(orderId, [...(streams.get(orderId) ?? []), ...entries]);
      else lost.push(orderId);
    }
    if (lost.length > 0) {
      const reread = await orderStreams(tx, shop, lost);
      streams = new Map([...streams, ...lost.map((id) => [id, reread.get(id) ?? []] as const)]);
      for (const id of lost) updateOrderPoints(facts, id, inputs.get(id)?.state ?? null, streams.get(id) ?? []);
    }
    todo = lost;
  }

  entriesWritten += await payAccountBonuses(tx, program, customerIds, facts, withNewEntries, nowMs);
  // Member rows only when the tier moved (the metric is computed fresh by the write-back); with a ladder every
  // customer of the batch is marked, since their amount to the next tier may have moved with the order.
  const evaluated = await reevaluateCustomers(tx, program, customerIds, nowMs, facts, stored, { withMetric: false });
  const dirty = await markLoyaltyDirty(tx, shop, ladder ? [...customerIds, ...withNewEntries] : [...withNewEntries]);
  const referralsRecorded = batch.orders ? await recordReferrals(tx, program, batch.orders) : 0;
  return {
    entriesWritten,
    membersChanged: evaluated.changed.length,
    tierChanges: evaluated.tierChanges.length,
    dirty,
    referralsRecorded,
  };
}

/** Keeps the in-memory facts in step with an order's stream (its points activity). */
function updateOrderPoints(
  facts: Map<string, CustomerFacts>,
  orderId: string,
  order: OrderPointsState | null,
  stream: LedgerEntry[],
): void {
  if (!order) return;
  const activity = facts.get(order.customerId)?.orders.get(orderId);
  if (!activity) return;
  let points = 0;
  for (const entry of stream) points += entry.points;
  facts.get(order.customerId)?.orders.set(orderId, { ...activity, points });
}

/** The account-creation bonus of customers whose account was created while a paying version was in force. */
async function payAccountBonuses(
  tx: Tx,
  program: LoyaltyProgramState,
  customerIds: readonly string[],
  facts: Map<string, CustomerFacts>,
  withNewEntries: Set<string>,
  nowMs: number,
): Promise<number> {
  if (!program.ruleVersions.some((v) => v.settings.bonuses.accountCreationPoints)) return 0;
  let written = 0;
  for (let i = 0; i < customerIds.length; i += 500) {
    const rows = await tx.customer.findMany({
      where: { shop: program.shop, id: { in: customerIds.slice(i, i + 500) }, shopifyCreatedAt: { not: null } },
      select: { id: true, shopifyCreatedAt: true },
    });
    const entries = rows.flatMap((row) =>
      bonusEntriesDue({
        customer: { customerId: row.id, createdAtMs: (row.shopifyCreatedAt as Date).getTime(), birthday: null },
        ruleVersions: program.ruleVersions,
        asOfMs: nowMs,
        timeZone: program.timeZone,
      }),
    );
    const inserted = await insertEntries(tx, program.shop, entries);
    for (const entry of entries) {
      if (!inserted.has(entry.key)) continue;
      written += 1;
      withNewEntries.add(entry.customerId);
      facts.get(entry.customerId)?.credits.push({
        day: shopDayOf(entry.effectiveAtMs, program.timeZone),
        netSpendMinor: 0,
        countsAsOrder: false,
        points: entry.points,
      });
    }
  }
  return written;
}

/**
 * The same, in a transaction of its own (the backfill's points pass, tests, a manual re-run): takes the shop
 * lock first, as ingest does, so that on SQLite the reads cannot go stale before the first write.
 */
export async function applyLoyaltyNow(db: Db, shop: string, batch: LoyaltyBatch, nowMs = Date.now()): Promise<LoyaltyBatchResult> {
  return db.$transaction(
    async (tx) => {
      const state = await lockShop(tx, shop, "shared");
      if (!state?.installed) return NOTHING;
      return applyLoyalty(tx, shop, batch, nowMs);
    },
    { maxWait: 60_000, timeout: 120_000 },
  );
}
