// Members' tier state: evaluated by app/loyalty from the facts, stored only when it changed (LoyaltyMember),
// each tier move recorded (TierChange), and the customer marked for the Shopify write-back
// (ShopifySyncState, channel "loyalty").
import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import {
  compileLadder,
  customerTierResult,
  evaluateTiers,
  populationFromFacts,
  previousTierColumns,
  shopDayOf,
  type CustomerTierResult,
  type TierChange,
  type TierLadder,
} from "~/loyalty";
import { compactId, constant, Dictionary, jsonField, jsonLookup, jsonRowsSource } from "./json-rows.server";
import { factNeedsOf, factsOf, loadCustomerFacts, membersOf, type CustomerFacts, type MemberRow } from "./loyalty-population.server";
import { programVersionId, type LoyaltyProgramState } from "./loyalty-program.server";
import { executeRaw, raw, sql } from "./sql.server";
import { markSyncDirty } from "./sync-state-marks.server";

type Client = Prisma.TransactionClient;

export const LOYALTY_CHANNEL = "loyalty";

/** The shop's calendar day of an instant: the day evaluations run "as of". */
export function evaluationDay(nowMs: number, timeZone: string): number {
  return shopDayOf(nowMs, timeZone);
}

/** What a member row holds after an evaluation (no ladder: no tier, nothing to reach). */
export interface MemberState {
  customerId: string;
  tierId: string | null;
  sinceDay: number | null;
  holdUntilDay: number | null;
  metric: number;
  nextTierId: string | null;
  amountToNext: number | null;
}

export function memberStateOf(customerId: string, result: CustomerTierResult | null): MemberState {
  if (!result) return { customerId, tierId: null, sinceDay: null, holdUntilDay: null, metric: 0, nextTierId: null, amountToNext: null };
  return {
    customerId,
    tierId: result.tierId,
    sinceDay: result.sinceDay,
    holdUntilDay: result.holdUntilDay,
    metric: result.metric,
    nextTierId: result.nextTier?.tierId ?? null,
    amountToNext: result.nextTier?.amountToReach ?? null,
  };
}

/**
 * Whether the stored row differs from the new state (or was computed under another ladder). `withMetric`:
 * also when only the metric (and so the amount to the next tier) moved. The ingest path leaves those to the
 * write-back and the nightly run, which compute them fresh: most orders move the metric, few move the tier, and
 * a row written per order would cost the ingest a statement per batch.
 */
export function memberChanged(stored: MemberRow | null | undefined, next: MemberState, tiersVersion: number, withMetric = true): boolean {
  if (!stored) return true;
  const tierMoved =
    stored.tierId !== next.tierId ||
    stored.sinceDay !== next.sinceDay ||
    stored.holdUntilDay !== next.holdUntilDay ||
    stored.nextTierId !== next.nextTierId ||
    stored.tiersVersion !== tiersVersion;
  return tierMoved || (withMetric && (stored.metric !== next.metric || stored.amountToNext !== next.amountToNext));
}

/** Rows per statement (the JSON text of one stays a few hundred kilobytes). */
const ROWS_PER_STATEMENT = 2_000;

/**
 * Writes member rows (the referral code column is left as it is). The rows travel as one JSON parameter and
 * the shop, ladder version and time once per statement (json-rows.server.ts): on the ingest path the driver's
 * cost is per value sent.
 */
export async function writeMembers(tx: Client, shop: string, states: readonly MemberState[], tiersVersion: number): Promise<void> {
  const now = new Date();
  const f = jsonField;
  for (let i = 0; i < states.length; i += ROWS_PER_STATEMENT) {
    // Tier ids (a few, repeated) sent once and referred to by position; customer ids as numbers where they can be.
    const tiers = new Dictionary();
    const rows = states
      .slice(i, i + ROWS_PER_STATEMENT)
      .map((s) => [
        compactId(s.customerId),
        tiers.indexOf(s.tierId),
        s.sinceDay,
        s.holdUntilDay,
        s.metric,
        tiers.indexOf(s.nextTierId),
        s.amountToNext,
      ]);
    await executeRaw(
      tx,
      sql`INSERT INTO "LoyaltyMember" ("shop", "customerId", "tierId", "tierSinceDay", "holdUntilDay", "metric", "nextTierId",
                                       "amountToNext", "tiersVersion", "evaluatedAt")
          SELECT ${constant(shop, "text")}, ${f(0, "text")}, ${jsonLookup(tiers.values, 1)}, ${f(2, "int")}, ${f(3, "int")},
                 ${f(4, "float")}, ${jsonLookup(tiers.values, 5)}, ${f(6, "float")}, ${constant(tiersVersion, "int")}, ${constant(now, "timestamp")}
            FROM ${jsonRowsSource(rows)}
           WHERE true
          ON CONFLICT ("shop", "customerId") DO UPDATE SET ${raw(MEMBER_UPDATES)}`,
    );
  }
}

const MEMBER_UPDATES = ["tierId", "tierSinceDay", "holdUntilDay", "metric", "nextTierId", "amountToNext", "tiersVersion", "evaluatedAt"]
  .map((c) => `"${c}" = excluded."${c}"`)
  .join(", ");

export interface RecordedTierChange extends TierChange {
  customerId: string;
}

/**
 * Records tier moves in one statement per 2,000 (rows as one JSON parameter; shop and time sent once). A
 * change's id is the call's random id and the change's position in the call: unique without a UUID per row to
 * send.
 */
export async function recordTierChanges(tx: Client, shop: string, changes: readonly RecordedTierChange[]): Promise<void> {
  const now = new Date();
  const f = jsonField;
  const callId = `${randomUUID()}:`;
  for (let i = 0; i < changes.length; i += ROWS_PER_STATEMENT) {
    // As in writeMembers: tier ids and reasons by position, customer ids as numbers where they can be.
    const texts = new Dictionary();
    const rows = changes
      .slice(i, i + ROWS_PER_STATEMENT)
      .map((c, k) => [
        i + k,
        compactId(c.customerId),
        texts.indexOf(c.fromTierId),
        texts.indexOf(c.toTierId),
        c.day,
        texts.indexOf(c.reason),
      ]);
    await executeRaw(
      tx,
      sql`INSERT INTO "TierChange" ("id", "shop", "customerId", "fromTierId", "toTierId", "day", "reason", "createdAt")
          SELECT ${constant(callId, "text")} || ${f(0, "text")}, ${constant(shop, "text")}, ${f(1, "text")}, ${jsonLookup(texts.values, 2)},
                 ${jsonLookup(texts.values, 3)}, ${f(4, "int")}, ${jsonLookup(texts.values, 5)}, ${constant(now, "timestamp")}
            FROM ${jsonRowsSource(rows)}
           WHERE true
          ON CONFLICT ("id") DO NOTHING`,
    );
  }
}

/** Marks customers for the loyalty write-back: dirty, and "changed since the last claim" (syncedAt null). */
export async function markLoyaltyDirty(tx: Client, shop: string, customerIds: Iterable<string>): Promise<number> {
  return markSyncDirty(tx, shop, LOYALTY_CHANNEL, customerIds);
}

export interface CustomersEvaluated {
  /** Customers whose member row changed (written). */
  changed: string[];
  tierChanges: RecordedTierChange[];
}

/**
 * Re-evaluates a few customers from their facts (the ingest pipeline, a redemption, a referral reward) and
 * stores what changed. `facts` may be passed when the caller already loaded (and updated) them.
 */
export async function reevaluateCustomers(
  tx: Client,
  program: LoyaltyProgramState,
  customerIds: readonly string[],
  nowMs: number,
  loaded?: Map<string, CustomerFacts>,
  storedMembers?: Map<string, MemberRow>,
  options: { withMetric?: boolean } = {},
): Promise<CustomersEvaluated> {
  const shop = program.shop;
  const needs = factNeedsOf(program.tiers?.basis);
  // Without a ladder there is no tier to evaluate: balances alone are written back (from the ledger).
  if (customerIds.length === 0 || !needs) return { changed: [], tierChanges: [] };
  const facts = loaded ?? (await loadCustomerFacts(tx, shop, customerIds, program.timeZone, needs));
  const stored = storedMembers ?? (await membersOf(tx, shop, customerIds));
  const ladder = program.tiers ? compileLadder(program.tiers) : null;
  const day = evaluationDay(nowMs, program.timeZone);
  const states: MemberState[] = [];
  const tierChanges: RecordedTierChange[] = [];
  const results = ladder ? evaluateFew(ladder, customerIds, facts, stored, day, programVersionId(program)) : null;
  customerIds.forEach((customerId, k) => {
    const result = results?.[k] ?? null;
    const state = memberStateOf(customerId, result);
    if (!memberChanged(stored.get(customerId), state, program.tiersVersion, options.withMetric ?? true)) return;
    states.push(state);
    if (result?.change) tierChanges.push({ customerId, ...result.change });
  });
  await writeMembers(tx, shop, states, program.tiersVersion);
  await recordTierChanges(tx, shop, tierChanges);
  return { changed: states.map((s) => s.customerId), tierChanges };
}

/**
 * The basis value of each customer today (net spend in the window, orders, points or the prediction), computed
 * from the facts: the ingest path does not rewrite member rows for a metric change, so the write-back and the
 * member page read it fresh. Customers absent from the map have no ladder to measure against.
 */
export async function currentMetrics(
  client: Client,
  program: LoyaltyProgramState,
  customerIds: readonly string[],
  nowMs: number,
): Promise<Map<string, number>> {
  const metrics = new Map<string, number>();
  const needs = factNeedsOf(program.tiers?.basis);
  if (!program.tiers || !needs || customerIds.length === 0) return metrics;
  const ladder = compileLadder(program.tiers);
  const day = evaluationDay(nowMs, program.timeZone);
  for (let i = 0; i < customerIds.length; i += 2_000) {
    const chunk = customerIds.slice(i, i + 2_000);
    const facts = await loadCustomerFacts(client, program.shop, chunk, program.timeZone, needs);
    const population = populationFromFacts(
      chunk.map((id) => {
        const customer = facts.get(id);
        return customer ? factsOf(customer) : { activities: [], predictedClvMinor: null, netRevenueMinor: 0 };
      }),
    );
    const columns = evaluateTiers(population, ladder, day);
    chunk.forEach((id, k) => metrics.set(id, columns.metric[k]));
  }
  return metrics;
}

function evaluateFew(
  ladder: TierLadder,
  customerIds: readonly string[],
  facts: Map<string, CustomerFacts>,
  stored: Map<string, MemberRow>,
  day: number,
  versionId: string,
): CustomerTierResult[] {
  const population = populationFromFacts(
    customerIds.map((id) => {
      const customer = facts.get(id);
      return customer ? factsOf(customer) : { activities: [], predictedClvMinor: null, netRevenueMinor: 0 };
    }),
  );
  const previous = customerIds.map((id) => stored.get(id) ?? null);
  const columns = evaluateTiers(population, ladder, day, previousTierColumns(ladder, previous));
  return customerIds.map((id, k) => customerTierResult(ladder, columns, k, day, { previous: stored.get(id), programVersionId: versionId }));
}
