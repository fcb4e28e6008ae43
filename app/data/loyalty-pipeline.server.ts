// Loyalty inside the ingest pipeline: for a batch's changed orders, append the points entries that make each
// order's stream hold what the order should hold now (app/loyalty/order-points.ts), pay account bonuses,
// re-evaluate the customers' tiers, mark them for the write-back and record referrals. Runs in the ingest
// transaction (same commit as the order change), so a redelivery or a crash never leaves the two apart.
//
// Portable SQL only. Stream entries are inserted with ON CONFLICT DO NOTHING on (shop, key); an insert that
// lost a race for a stream position (a concurrent transaction appended there first) re-reads the stream and
// appends only what is still missing: the engine's contract for concurrent events of one order.
import type { Prisma } from "@prisma/client";
import { databaseProvider, type Db } from "~/db.server";
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
import { LOYALTY_CHANNEL, reevaluateCustomers } from "./loyalty-members.server";
import {
  customerFactsOf,
  factNeedsOf,
  factsOf,
  membersOf,
  msOfStoredTimestamp,
  orderFactRowsOfJson,
  orderFactsOfCustomers,
  orderFactsOfCustomersQuery,
  type CustomerFacts,
  type MemberRow,
  type OrderFactRow,
} from "./loyalty-population.server";
import { jsonAggregate, jsonIdList, parseJsonRows } from "./json-rows.server";
import { queryRaw, raw, sql, type SqlFragment } from "./sql.server";
import { loadProgram, PROGRAM_REUSE_MS, type LoyaltyProgramState } from "./loyalty-program.server";
import { recordReferrals, type OrderWithCodes } from "./loyalty-referrals.server";
import { lockShop } from "./shop-lock.server";
import { markSyncDirty } from "./sync-state-marks.server";

type Tx = Prisma.TransactionClient;

export interface LoyaltyBatch {
  /** Orders the batch wrote, or whose refunds it stored (an order may not exist yet: refund before order). */
  orderIds: readonly string[];
  /** Customers whose value the batch recomputed (also those an order moved away from). */
  customerIds: readonly string[];
  /** The batch's orders as delivered: the discount codes on them record referrals. */
  orders?: readonly OrderWithCodes[];
  /**
   * Orders the batch created (not stored before it): their points streams are empty, so they are not read. (Were
   * one not, the insert at its first position would lose, and the stream be read and computed again.)
   */
  newOrderIds?: readonly string[];
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
  /** The order's total as placed: refunds (money) are turned into merchandise in proportion to it. */
  totalMinor: bigint;
  /** Refunds in shop money (merchandiseMinor holds the money refunded until scaled by merchandiseRefunds). */
  refunds: RefundPointsState[];
}

const toMs = (value: unknown) => (value instanceof Date ? value.getTime() : msOfStoredTimestamp(value));
const toBool = (value: unknown) => value === true || value === 1 || value === 1n || value === "1" || value === "t";
const toBig = (value: unknown) => (value === null || value === undefined ? 0n : BigInt(value as number | bigint | string));
const toNullableBig = (value: unknown) => (value === null || value === undefined ? null : toBig(value));

/** What the loyalty step reads about a batch, in as few statements as the ladder allows. */
interface BatchContext {
  inputs: Map<string, OrderInput>;
  /** The stored discount codes of the batch's orders that have any. */
  storedCodes: Map<string, string[]>;
  customerIds: string[];
  /** Only with a ladder: the customers' facts and stored member rows. */
  facts: Map<string, CustomerFacts>;
  stored: Map<string, MemberRow>;
  /**
   * Batch customers already marked for the loyalty write-back (dirty, unclaimed), read on SQLite only: there the
   * ingest transaction holds the database's write lock (its shop lock is a write), so no claim can take a mark
   * between this read and the commit, and marking them again would be a statement that changes nothing. On
   * PostgreSQL a claim may commit meanwhile: every customer is marked (the upsert then sees the claim).
   */
  marked: Set<string>;
}

/**
 * Reads the batch's orders (by id) with, given a ladder, their customers' member rows, the facts of those
 * customers (every order of theirs, by customer; loyalty-population's definitions) and their write-back marks:
 * one statement of separate indexed subqueries (one query with an OR of the order and customer conditions would
 * scan the shop's orders). A customer only an order names (not the batch's) is read after it.
 */
async function loadBatchContext(tx: Tx, program: LoyaltyProgramState, batch: LoyaltyBatch, orderIds: string[]): Promise<BatchContext> {
  const shop = program.shop;
  const needs = factNeedsOf(program.tiers?.basis);
  const inputs = new Map<string, OrderInput>(orderIds.map((id) => [id, { state: null, totalMinor: 0n, refunds: [] }]));
  const inBatch = new Set(batch.customerIds);
  const customers = new Set(batch.customerIds);
  const byOrder = new Map<string, Record<string, unknown>>();
  const stored = new Map<string, MemberRow>();
  const factRows: OrderFactRow[] = [];
  const marked = new Set<string>();
  // At least one statement with a ladder: a batch of customers alone still reads their member rows. The batch's
  // customers' members come with the first chunk of orders.
  const chunks = Math.max(needs ? 1 : 0, Math.ceil(orderIds.length / READ_CHUNK));
  for (let c = 0; c < chunks; c++) {
    const chunk = orderIds.slice(c * READ_CHUNK, (c + 1) * READ_CHUNK);
    const first = needs !== null && c === 0;
    const [row] = await queryRaw<{ orders: unknown; members: unknown; facts: unknown; marked: unknown }>(
      tx,
      batchReadQuery(shop, chunk, first ? batch.customerIds : null, needs?.points ?? false),
    );
    if (first && needs) factRows.push(...orderFactRowsOfJson(parseJsonRows(row?.facts), needs.points));
    for (const fields of parseJsonRows(row?.marked)) marked.add(String(fields[0]));
    for (const fields of parseJsonRows(row?.orders)) byOrder.set(String(fields[0]), orderRecord(fields));
    for (const fields of parseJsonRows(row?.members)) {
      const member = memberOfFields(fields);
      stored.set(member.customerId, member);
    }
  }
  const refunded: string[] = [];
  const storedCodes = new Map<string, string[]>();
  for (const [id, row] of byOrder) {
    const codes = codesOf(row.discountCodes);
    if (codes.length > 0) storedCodes.set(id, codes);
    const customerId = row.customerId === null || row.customerId === undefined ? null : String(row.customerId);
    const input = inputs.get(id);
    // Orders without a customer earn for nobody; orders in another currency than the shop's are not counted.
    if (!input || !customerId || toBool(row.currencyMismatch)) continue;
    customers.add(customerId);
    input.totalMinor = toBig(row.totalMinor);
    input.state = {
      orderId: id,
      customerId,
      processedAtMs: toMs(row.processedAt),
      updatedAtMs: toMs(row.updatedAt),
      merchandiseMinor: pointsBasisOf(toNullableBig(row.subtotalMinor), input.totalMinor),
      cancelledAtMs: row.cancelledAt === null || row.cancelledAt === undefined ? null : toMs(row.cancelledAt),
      test: toBool(row.test),
      financialStatus: financialStatusOf((row.financialStatus as string | null) ?? null),
    };
    // Refunds count once applied to their order (refundedMinor); one that came before its order waits with it.
    if (toBig(row.refundedMinor) !== 0n) refunded.push(id);
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
            presentmentTotalMinor: toNullableBig(order.presentmentTotalMinor),
          })
        : r.amountMinor;
      inputs.get(r.orderId)?.refunds.push({ refundId: r.id, merchandiseMinor: Number(money), createdAtMs: r.createdAt.getTime() });
    }
  }
  const customerIds = [...customers].sort();
  if (!needs) return { inputs, storedCodes, customerIds, facts: new Map(), stored: new Map(), marked };
  // An order's stored customer is almost always one of the batch's (ingest passes every customer it touched);
  // another (a refund's order, a version older than the stored one) has its member row read here.
  const unread = customerIds.filter((id) => !inBatch.has(id));
  if (unread.length > 0) {
    for (const [id, member] of await membersOf(tx, shop, unread)) stored.set(id, member);
    factRows.push(...(await orderFactsOfCustomers(tx, shop, unread, needs.points)));
  }
  const facts = await customerFactsOf(tx, shop, customerIds, factRows, program.timeZone, needs);
  return { inputs, storedCodes, customerIds, facts, stored, marked };
}

/** Order.discountCodes (a JSON array of strings, or null) as a list; anything else reads as none. */
function codesOf(value: unknown): string[] {
  if (typeof value !== "string" || value === "") return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((code): code is string => typeof code === "string") : [];
  } catch {
    return [];
  }
}

/**
 * The batch's orders that used discount codes, as the referrals read them: the codes delivered with the order,
 * or else those stored with it (a refund or a re-run touching an order whose payload is not in the batch).
 */
function ordersWithCodes(batch: LoyaltyBatch, orderIds: readonly string[], context: BatchContext): OrderWithCodes[] {
  const delivered = new Map((batch.orders ?? []).map((o) => [o.id, o]));
  const result: OrderWithCodes[] = [];
  for (const id of orderIds) {
    const state = context.inputs.get(id)?.state;
    if (!state) continue;
    const fromBatch = delivered.get(id)?.discountCodes ?? [];
    const codes = fromBatch.length > 0 ? fromBatch : (context.storedCodes.get(id) ?? []);
    if (codes.length > 0) result.push({ id, customer: { id: state.customerId }, discountCodes: codes });
  }
  return result;
}

/** Names of ORDER_COLUMNS (below), in order. */
const ORDER_FIELDS = [
  "id",
  "customerId",
  "processedAt",
  "updatedAt",
  "totalMinor",
  "subtotalMinor",
  "refundedMinor",
  "cancelledAt",
  "test",
  "financialStatus",
  "currencyMismatch",
  "currencyCode",
  "presentmentCurrency",
  "presentmentTotalMinor",
  "discountCodes",
] as const;

/** Orders (and customers) per read statement: the JSON list of ids stays small. */
const READ_CHUNK = 2_000;

const ORDER_COLUMNS = raw(`o."id", o."customerId", o."processedAt", o."shopifyUpdatedAt", CAST(o."totalMinor" AS TEXT),
  CAST(o."subtotalMinor" AS TEXT), CAST(o."refundedMinor" AS TEXT), o."cancelledAt", o."test", o."financialStatus",
  o."currencyMismatch", o."currencyCode", o."presentmentCurrency", CAST(o."presentmentTotalMinor" AS TEXT), o."discountCodes"`);

const MEMBER_COLUMNS = raw(`m."customerId", m."tierId", m."tierSinceDay", m."holdUntilDay", m."metric", m."nextTierId",
  m."amountToNext", m."referralCode", m."tiersVersion"`);

/**
 * One statement for the batch's reads (statements have a fixed cost in the driver): its orders with what their
 * points need and, with a ladder (`customerIds` not null), the member rows of the batch's customers. The ids go
 * in, and each result comes back, as one JSON value (json-rows.server.ts; bigints as text, so exact).
 */
function batchReadQuery(shop: string, orderIds: string[], customerIds: readonly string[] | null, withPoints: boolean): SqlFragment {
  const orders = sql`SELECT ${jsonAggregate(ORDER_COLUMNS)} FROM "Order" o WHERE o."shop" = ${shop} AND o."id" IN (${jsonIdList(orderIds)})`;
  if (customerIds === null) return sql`SELECT (${orders}) AS "orders", NULL AS "members", NULL AS "facts", NULL AS "marked"`;
  // The customers' ids are sent once (a parameter's length costs the driver) and read by three subqueries.
  const batchCustomers = raw(`SELECT "id" FROM "batchCustomers"`);
  const members = sql`SELECT ${jsonAggregate(MEMBER_COLUMNS)} FROM "LoyaltyMember" m
                       WHERE m."shop" = ${shop} AND m."customerId" IN (${batchCustomers})`;
  const facts = orderFactsOfCustomersQuery(shop, batchCustomers, withPoints);
  // SQLite only (see BatchContext.marked). `+s."dirty"` keeps SQLite off the (shop, channel, dirty) index: with it
  // the planner walked every marked customer of the shop (most of a busy shop's, between two write-backs) to find
  // the batch's; the primary key finds each of the batch's customers directly.
  const marked =
    databaseProvider() === "sqlite"
      ? sql`SELECT ${jsonAggregate(raw(`s."customerId"`))} FROM "ShopifySyncState" s
             WHERE s."shop" = ${shop} AND s."channel" = ${LOYALTY_CHANNEL} AND s."customerId" IN (${batchCustomers})
               AND +s."dirty" = true AND s."syncedAt" IS NULL`
      : raw("NULL");
  return sql`WITH "batchCustomers" AS (${jsonIdList(customerIds)})
             SELECT (${orders}) AS "orders", (${members}) AS "members", (${facts}) AS "facts", (${marked}) AS "marked"`;
}

/** A batch order row (ORDER_COLUMNS) by column name. */
function orderRecord(fields: unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  ORDER_FIELDS.forEach((name, i) => {
    record[name] = fields[i];
  });
  return record;
}

/** A member row (MEMBER_COLUMNS) as the engine reads it. */
function memberOfFields(fields: unknown[]): MemberRow {
  const [customerId, tierId, sinceDay, holdUntilDay, metric, nextTierId, amountToNext, referralCode, tiersVersion] = fields;
  const nullable = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return {
    customerId: String(customerId),
    tierId: (tierId as string | null) ?? null,
    sinceDay: nullable(sinceDay),
    holdUntilDay: nullable(holdUntilDay),
    programVersionId: String(tiersVersion),
    metric: Number(metric ?? 0),
    nextTierId: (nextTierId as string | null) ?? null,
    amountToNext: nullable(amountToNext),
    referralCode: (referralCode as string | null) ?? null,
    tiersVersion: Number(tiersVersion ?? 0),
  };
}

/**
 * The value an order's points are computed on: its merchandise (line items after discounts, without shipping and
 * taxes: Order.subtotalMinor, as placed). Orders stored before the subtotal was (null) earn on their total.
 */
export function pointsBasisOf(subtotalMinor: bigint | null, totalMinor: bigint): number {
  return Number(subtotalMinor ?? totalMinor);
}

/**
 * Refunds carry money (with shipping and taxes); the engine reverses on merchandise. Each refund's money becomes
 * merchandise in the ratio basis / total, so that what an order keeps is its points × (total − refunded) / total:
 * proportional to the money refunded, whatever the basis. `basisMinor` is the earn entry's basis when there is one
 * (an order that earned on its total before the subtotal was stored keeps reversing on it). Cumulative, so the
 * refunds' merchandise sums to ⌊refunded × basis / total⌋ whichever refunds there are: within one minor unit.
 */
export function merchandiseRefunds(refunds: readonly RefundPointsState[], basisMinor: number, totalMinor: bigint): RefundPointsState[] {
  const basis = BigInt(basisMinor);
  if (totalMinor <= 0n || basis === totalMinor) return [...refunds];
  const ordered = [...refunds].sort(
    (a, b) => a.createdAtMs - b.createdAtMs || (a.refundId < b.refundId ? -1 : a.refundId > b.refundId ? 1 : 0),
  );
  let money = 0n;
  let before = 0n;
  return ordered.map((refund) => {
    money += BigInt(refund.merchandiseMinor);
    const upTo = (money * basis) / totalMinor;
    const merchandise = upTo - before;
    before = upTo;
    return { ...refund, merchandiseMinor: Number(merchandise) };
  });
}

/**
 * Applies the batch's loyalty effects in the caller's transaction. Without a program nothing happens; a
 * program that is off still reverses points its orders earned before.
 */
export async function applyLoyalty(tx: Tx, shop: string, batch: LoyaltyBatch, nowMs = Date.now()): Promise<LoyaltyBatchResult> {
  if (batch.orderIds.length === 0 && batch.customerIds.length === 0) return NOTHING;
  const program = await loadProgram(tx, shop, { reuseForMs: PROGRAM_REUSE_MS });
  if (!program) return NOTHING;

  const orderIds = [...new Set(batch.orderIds)].sort();
  const context = await loadBatchContext(tx, program, batch, orderIds);
  const { inputs, customerIds, facts, stored } = context;
  const created = new Set(batch.newOrderIds ?? []);
  let streams = await orderStreams(
    tx,
    shop,
    orderIds.filter((id) => inputs.get(id)?.state && !created.has(id)),
  );
  const ladder = program.tiers ? compileLadder(program.tiers) : null;
  // A ladder whose tiers all earn at 1× gives every order 100: the per-order tier replay is skipped.
  const multiplies = ladder !== null && ladder.multiplierHundredths.some((m) => m !== 100);
  // Only a points-earned ladder reads the orders' points from the facts (the others' facts hold none).
  const keepPoints = factNeedsOf(program.tiers?.basis)?.points ?? false;

  const entriesOf = (orderId: string): LedgerEntry[] => {
    const input = inputs.get(orderId);
    if (!input?.state) return [];
    const existing = streams.get(orderId) ?? [];
    const order = input.state;
    let multiplierHundredths = 100;
    if (ladder && multiplies && !existing.some((entry) => entry.kind === "earn")) {
      const customer = facts.get(order.customerId);
      const day = shopDayOf(order.processedAtMs, program.timeZone);
      if (customer) multiplierHundredths = earningMultiplier(factsOf(customer), ladder, day, stored.get(order.customerId));
    }
    const basisMinor = existing.find((entry) => entry.kind === "earn")?.basisMinor ?? order.merchandiseMinor;
    const refunds = merchandiseRefunds(input.refunds, basisMinor, input.totalMinor);
    return orderEntriesToAppend({ order, refunds, existing, ruleVersions: program.ruleVersions, multiplierHundredths });
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
      if (keepPoints) updateOrderPoints(facts, orderId, inputs.get(orderId)?.state ?? null, [...(streams.get(orderId) ?? []), ...entries]);
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
      if (keepPoints) for (const id of lost) updateOrderPoints(facts, id, inputs.get(id)?.state ?? null, streams.get(id) ?? []);
    }
    todo = lost;
  }

  entriesWritten += await payAccountBonuses(tx, program, customerIds, facts, withNewEntries, nowMs);
  // Member rows only when the tier moved (the metric is computed fresh by the write-back); with a ladder every
  // customer of the batch is marked, since their amount to the next tier may have moved with the order.
  const evaluated = await reevaluateCustomers(tx, program, customerIds, nowMs, facts, stored, { withMetric: false });
  const toMark = new Set(ladder ? [...customerIds, ...withNewEntries] : withNewEntries);
  const unmarked = [...toMark].filter((id) => !context.marked.has(id));
  if (unmarked.length > 0) await markSyncDirty(tx, shop, LOYALTY_CHANNEL, unmarked);
  const dirty = toMark.size;
  const referralsRecorded = await recordReferrals(tx, program, ordersWithCodes(batch, orderIds, context));
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
