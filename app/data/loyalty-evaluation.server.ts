// The whole-shop loyalty run: after a tier edit, after a refit (predicted-value ladders), nightly (expiry,
// referral decisions) and when a program starts (past orders earn from the first version's start). Columnar:
// the population comes from SQL in pages (loyalty-population), app/loyalty evaluates every customer at once,
// and only members whose state changed are written, with their tier changes and a write-back mark. Progress
// is kept in TierEvaluationRun. The editor's live preview runs the same evaluation on the same population.
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import {
  compileLadder,
  customerTierResult,
  evaluateProgram,
  expiryEntriesToAppend,
  previewTiers,
  previousTierColumns,
  validateTierProgram,
  type FieldError,
  type TierProgram,
  type TierSummaryRow,
} from "~/loyalty";
import { entryOfRow, insertEntries } from "./loyalty-ledger.server";
import {
  evaluationDay,
  markLoyaltyDirty,
  memberChanged,
  memberStateOf,
  recordTierChanges,
  writeMembers,
  type MemberState,
  type RecordedTierChange,
} from "./loyalty-members.server";
import { applyLoyaltyNow } from "./loyalty-pipeline.server";
import { loadShopPopulation, type ShopPopulation } from "./loyalty-population.server";
import { loadProgram, programVersionId, type LoyaltyProgramState } from "./loyalty-program.server";
import { decideDueReferrals } from "./loyalty-referrals.server";
import { join, queryRaw, sql } from "./sql.server";
import { lockShop } from "./shop-lock.server";
import type { EvaluationReason } from "~/queues/loyalty.server";

export type { EvaluationReason };

export interface EvaluationSummary {
  runId: string;
  customers: number;
  membersChanged: number;
  tierChanges: number;
  pointsEntries: number;
  referrals: { rewarded: number; rejected: number; waiting: number; nextDueMs: number | null } | null;
  durationMs: number;
}

const WRITE_CHUNK = 1_000;

/** Creates the run row (so the editor can show progress at once); the job fills it in. */
export async function createEvaluationRun(db: Db, shop: string, reason: EvaluationReason, tiersVersion: number): Promise<string> {
  const id = randomUUID();
  await db.tierEvaluationRun.create({ data: { id, shop, reason, tiersVersion, status: "running" } });
  return id;
}

/** The shop's latest run, for the editor's progress bar. */
export async function latestEvaluationRun(db: Db, shop: string) {
  return db.tierEvaluationRun.findFirst({ where: { shop }, orderBy: { startedAt: "desc" } });
}

/**
 * Re-evaluates every customer of the shop. Safe to run twice or beside ingest: every write is of a state
 * computed from the facts, and ingest re-evaluates the customers it touches in its own transaction.
 */
export async function runTierEvaluation(
  db: Db,
  shop: string,
  options: { reason: EvaluationReason; runId?: string; nowMs?: number },
): Promise<EvaluationSummary | null> {
  const started = Date.now();
  const nowMs = options.nowMs ?? Date.now();
  const program = await loadProgram(db, shop);
  if (!program) return null;
  const runId = options.runId ?? (await createEvaluationRun(db, shop, options.reason, program.tiersVersion));
  const progress = (data: { total?: number; done?: number }) =>
    db.tierEvaluationRun.update({ where: { id: runId }, data }).catch(() => null);
  try {
    let pointsEntries = 0;
    if (options.reason === "program_started") pointsEntries += await awardPastOrders(db, program, nowMs);
    if (options.reason === "nightly" || options.reason === "on_demand") pointsEntries += await expirePoints(db, program, nowMs);
    const referrals = options.reason === "nightly" || options.reason === "on_demand" ? await decideDueReferrals(db, shop, nowMs) : null;

    // Read the program again: the points passes above do not change it, but a tier edit may have landed.
    const current = (await loadProgram(db, shop)) ?? program;
    const population = await loadShopPopulation(db, shop, current.timeZone);
    await progress({ total: population.customerIds.length, done: 0 });
    const { membersChanged, tierChanges } = await writeEvaluation(db, current, population, nowMs, (done) => progress({ done }));
    await db.tierEvaluationRun.update({
      where: { id: runId },
      data: { status: "completed", finishedAt: new Date(), done: population.customerIds.length, tiersVersion: current.tiersVersion },
    });
    return {
      runId,
      customers: population.customerIds.length,
      membersChanged,
      tierChanges,
      pointsEntries,
      referrals,
      durationMs: Date.now() - started,
    };
  } catch (error) {
    await db.tierEvaluationRun.update({ where: { id: runId }, data: { status: "failed", finishedAt: new Date() } }).catch(() => null);
    throw error;
  }
}

/** Evaluates the population under the saved ladder and writes the members whose state changed. */
async function writeEvaluation(
  db: Db,
  program: LoyaltyProgramState,
  { customerIds, population, members }: ShopPopulation,
  nowMs: number,
  onProgress: (done: number) => Promise<unknown>,
): Promise<{ membersChanged: number; tierChanges: number }> {
  const day = evaluationDay(nowMs, program.timeZone);
  const versionId = programVersionId(program);
  const ladder = program.tiers ? compileLadder(program.tiers) : null;
  const columns =
    ladder && program.tiers ? evaluateProgram(population, program.tiers, day, previousTierColumns(ladder, members)).columns : null;
  let membersChanged = 0;
  let tierChanges = 0;
  for (let from = 0; from < customerIds.length; from += WRITE_CHUNK) {
    const states: MemberState[] = [];
    const changes: RecordedTierChange[] = [];
    for (let k = from; k < Math.min(customerIds.length, from + WRITE_CHUNK); k++) {
      const stored = members[k];
      const result =
        ladder && columns
          ? customerTierResult(ladder, columns, k, day, { previous: stored ?? undefined, programVersionId: versionId })
          : null;
      const state = memberStateOf(customerIds[k], result);
      // Without a ladder, only customers already known as members are kept in step (their tier is cleared).
      if (!ladder && !stored) continue;
      if (!memberChanged(stored, state, program.tiersVersion)) continue;
      states.push(state);
      if (result?.change) changes.push({ customerId: customerIds[k], ...result.change });
    }
    if (states.length > 0) {
      await db.$transaction(
        async (tx) => {
          await lockShop(tx, program.shop, "shared");
          await writeMembers(tx, program.shop, states, program.tiersVersion);
          await recordTierChanges(tx, program.shop, changes);
          await markLoyaltyDirty(
            tx,
            program.shop,
            states.map((s) => s.customerId),
          );
        },
        { maxWait: 60_000, timeout: 120_000 },
      );
    }
    membersChanged += states.length;
    tierChanges += changes.length;
    await onProgress(Math.min(customerIds.length, from + WRITE_CHUNK));
  }
  return { membersChanged, tierChanges };
}

/** Past orders earn from the first version's start: the pipeline's own step, over the shop's orders in pages. */
async function awardPastOrders(db: Db, program: LoyaltyProgramState, nowMs: number): Promise<number> {
  const first = program.ruleVersions[0];
  if (!first) return 0;
  let written = 0;
  let after = "";
  for (;;) {
    const page = await db.order.findMany({
      where: { shop: program.shop, id: { gt: after }, customerId: { not: null }, processedAt: { gte: new Date(first.effectiveFromMs) } },
      select: { id: true },
      orderBy: { id: "asc" },
      take: 500,
    });
    if (page.length === 0) break;
    const result = await applyLoyaltyNow(db, program.shop, { orderIds: page.map((o) => o.id), customerIds: [] }, nowMs);
    written += result.entriesWritten;
    after = page[page.length - 1].id;
  }
  return written;
}

/** Expiry (points expire after N months without an order) for customers holding points. */
async function expirePoints(db: Db, program: LoyaltyProgramState, nowMs: number): Promise<number> {
  if (!program.ruleVersions.some((v) => v.settings.expiry)) return 0;
  const holders = await queryRaw<{ customerId: string }>(
    db,
    sql`SELECT "customerId" FROM "PointsEntry" WHERE "shop" = ${program.shop} GROUP BY "customerId" HAVING SUM("points") > 0 ORDER BY "customerId"`,
  );
  let written = 0;
  for (let i = 0; i < holders.length; i += 200) {
    const chunk = holders.slice(i, i + 200).map((h) => h.customerId);
    written += await db.$transaction(
      async (tx) => {
        await lockShop(tx, program.shop, "shared");
        const [entries, orders] = await Promise.all([
          tx.pointsEntry.findMany({
            where: { shop: program.shop, customerId: { in: chunk } },
            select: {
              key: true,
              customerId: true,
              kind: true,
              points: true,
              sourceType: true,
              sourceId: true,
              orderId: true,
              ruleVersionId: true,
              basisMinor: true,
              multiplierHundredths: true,
              reason: true,
              effectiveAt: true,
            },
          }),
          queryRaw<{ customerId: string; processedAt: unknown }>(
            tx,
            sql`SELECT "customerId", "processedAt" FROM "Order"
                 WHERE "shop" = ${program.shop} AND "customerId" IN (${join(chunk)}) AND "cancelledAt" IS NULL AND "test" = false
                   AND "currencyMismatch" = false AND "totalMinor" > "refundedMinor"`,
          ),
        ]);
        const appended = chunk.flatMap((customerId) =>
          expiryEntriesToAppend({
            customerId,
            entries: entries.filter((e) => e.customerId === customerId).map(entryOfRow),
            orderTimesMs: orders
              .filter((o) => o.customerId === customerId)
              .map((o) => (o.processedAt instanceof Date ? o.processedAt.getTime() : new Date(String(o.processedAt)).getTime())),
            ruleVersions: program.ruleVersions,
            asOfMs: nowMs,
            timeZone: program.timeZone,
          }),
        );
        const inserted = await insertEntries(tx, program.shop, appended);
        await markLoyaltyDirty(
          tx,
          program.shop,
          appended.filter((e) => inserted.has(e.key)).map((e) => e.customerId),
        );
        return inserted.size;
      },
      { maxWait: 60_000, timeout: 120_000 },
    );
  }
  return written;
}

// The preview reads the whole population; the editor asks again on every keystroke pause, so a shop's
// population is kept for a short while in this process (the figures are "as of" that read).
const POPULATION_TTL_MS = 60_000;
const populationCache = new Map<string, { at: number; population: Promise<ShopPopulation> }>();

async function cachedPopulation(db: Db, shop: string, timeZone: string): Promise<ShopPopulation> {
  const cached = populationCache.get(shop);
  if (cached && Date.now() - cached.at < POPULATION_TTL_MS) return cached.population;
  const population = loadShopPopulation(db, shop, timeZone);
  populationCache.set(shop, { at: Date.now(), population });
  population.catch(() => populationCache.delete(shop));
  return population;
}

/** Forgets the cached population (after a save, so the next preview reads fresh facts). */
export function forgetPreviewPopulation(shop: string): void {
  populationCache.delete(shop);
}

export type PreviewResult = { ok: true; rows: TierSummaryRow[]; customers: number; asOfDay: number } | { ok: false; errors: FieldError[] };

/**
 * The editor's live preview: how many customers (and how much net revenue and predicted value) each draft tier
 * would hold, over the whole imported history: previewTiers on the same population the saved run evaluates.
 */
export async function previewTierDraft(
  db: Db,
  shop: string,
  draft: unknown,
  options: { nowMs?: number; fresh?: boolean } = {},
): Promise<PreviewResult> {
  const program = await loadProgram(db, shop);
  if (!program) return { ok: false, errors: [{ path: "", message: "Save the program settings first" }] };
  const validated = validateTierProgram(draft, program.currencyCode);
  if (!validated.ok) return validated;
  if (options.fresh) forgetPreviewPopulation(shop);
  const population = await cachedPopulation(db, shop, program.timeZone);
  const day = evaluationDay(options.nowMs ?? Date.now(), program.timeZone);
  const tiers: TierProgram = validated.value;
  const ladder = compileLadder(tiers);
  const rows = previewTiers(population.population, tiers, day, previousTierColumns(ladder, population.members));
  return { ok: true, rows, customers: population.customerIds.length, asOfDay: day };
}
