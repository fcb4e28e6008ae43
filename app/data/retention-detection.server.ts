// At-risk detection after a refit, stored: every customer's current prediction (CustomerValue) and their
// state after the previous refit (CustomerRisk) become app/retention's columns; what it returns becomes the
// new CustomerRisk rows (written in multi-row upserts) and one RetentionSnapshot for the fit.
//
// A fit is detected once. The snapshot is inserted first in the writing transaction and is its marker: a
// second run for the same fit (a retried job, a parallel worker) finds it, rolls back and returns the stored
// figures, so the rows never depend on how often it ran. Running it again could not give the same rows
// anyway: the previous state it reads is what the first run overwrote.
import type { Prisma } from "@prisma/client";
import type { Db } from "~/db.server";
import { shopDaysOf } from "~/loyalty/population";
import { resolveTimeZone } from "~/lib/format";
import { detectAtRisk, NO_DAY, reasonsFor, type AtRiskInput, type AtRiskResult, type PreviousRefitColumns } from "~/retention";
import { bulkUpsert, takeIncoming } from "./bulk-upsert.server";
import { executeRaw, queryRaw, sql } from "./sql.server";
import { lockShop } from "./shop-lock.server";
import { loadRetentionSettings } from "./retention-settings.server";
import { storedRiskReason, type StoredRiskReason } from "./retention-reason.server";

export interface RiskDetectionSummary {
  /** Customers flagged after this fit. */
  atRisk: number;
  valueAtStakeMinor: number;
  /** Customers whose stored state (flag, value at stake, episode) changed with this fit: the sync's work. */
  changedCustomers: number;
  /** True when the fit had been detected before and nothing was written. */
  alreadyStored: boolean;
}

const PAGE = 20_000;

/** What the previous detection left per customer, aligned with the current rows. */
interface PreviousRow {
  atRisk: boolean;
  episodeStartDay: number | null;
  valueAtStakeMinor: bigint;
  probabilityAlive: number | null;
  predictedClvMinor: bigint | null;
}

interface Loaded {
  input: AtRiskInput;
  previousRows: (PreviousRow | null)[];
}

class AlreadyStored extends Error {}
class NotInstalled extends Error {}

export async function detectAndStoreRisk(db: Db, shop: string, modelFitId: string): Promise<RiskDetectionSummary> {
  const fit = await db.modelFit.findUnique({ where: { id: modelFitId }, select: { shop: true, status: true, asOf: true, params: true } });
  if (fit === null || fit.shop !== shop) throw new RangeError(`no model fit ${modelFitId} for ${shop}`);
  if (fit.status !== "fitted") throw new RangeError(`model fit ${modelFitId} is ${fit.status}: nothing to detect`);
  const stored = await storedSummary(db, shop, modelFitId);
  if (stored) return stored;

  const shopRow = await db.shop.findUnique({ where: { shop }, select: { ianaTimezone: true } });
  const timeZone = resolveTimeZone(fitTimeZone(fit.params) ?? shopRow?.ianaTimezone);
  const asOfDay = shopDaysOf([fit.asOf.getTime()], timeZone)[0];
  const previousFit = await previousDetectedFit(db, shop, modelFitId);
  const previousAsOfDay = previousFit === null ? null : shopDaysOf([previousFit.asOf.getTime()], timeZone)[0];
  const { settings } = await loadRetentionSettings(db, shop);

  const { input, previousRows } = await loadColumns(db, shop, asOfDay, previousAsOfDay, timeZone);
  const result = detectAtRisk(input, settings);
  const now = new Date();
  const rows: (string | number | bigint | boolean | Date | null)[][] = [];
  let changedCustomers = 0;
  for (let i = 0; i < input.customerIds.length; i++) {
    const atRisk = result.atRisk[i] === 1;
    const stake = atRisk ? BigInt(result.valueAtStakeMinor[i]) : 0n;
    const since = atRisk ? result.atRiskSinceDay[i] : null;
    const before = previousRows[i];
    if ((before?.atRisk ?? false) !== atRisk || (before?.valueAtStakeMinor ?? 0n) !== stake || (before?.episodeStartDay ?? null) !== since)
      changedCustomers++;
    const p = input.probabilityAlive[i];
    const predicted = input.predictedValueMinor[i];
    rows.push([
      shop,
      input.customerIds[i],
      atRisk,
      since,
      stake,
      atRisk ? JSON.stringify(reasonRecord(input, result, i)) : null,
      Number.isNaN(p) ? null : p,
      Number.isNaN(predicted) ? null : BigInt(predicted),
      modelFitId,
      now,
    ]);
  }

  try {
    return await db.$transaction(
      async (tx) => {
        // Held shared like every write of the shop's data: a shop/redact waits, or has already removed the shop.
        if (!(await lockShop(tx, shop, "shared"))?.installed) throw new NotInstalled(shop);
        const marked = await queryRaw<{ modelFitId: string }>(
          tx,
          sql`INSERT INTO "RetentionSnapshot" ("shop", "modelFitId", "atRiskCustomers", "valueAtStakeMinor", "newlyAtRisk", "returned",
                                               "lapsed", "newValueAtStakeMinor", "createdAt")
              VALUES (${shop}, ${modelFitId}, ${result.totals.flagged}, ${BigInt(result.totals.valueAtStakeMinor)}, ${result.totals.newlyAtRisk},
                      ${result.totals.returned}, ${result.totals.lapsed}, ${BigInt(result.totals.newValueAtStakeMinor)}, ${now})
              ON CONFLICT ("shop", "modelFitId") DO NOTHING RETURNING "modelFitId"`,
        );
        if (marked.length === 0) throw new AlreadyStored("detected by another run");
        await bulkUpsert(tx, {
          table: "CustomerRisk",
          columns: RISK_COLUMNS,
          rows,
          conflict: ["shop", "customerId"],
          set: takeIncoming(RISK_COLUMNS.slice(2)),
        });
        // Customers who no longer have a counted order are not judged: any flag they carried ends.
        const cleared = await executeRaw(
          tx,
          sql`UPDATE "CustomerRisk" SET "atRisk" = ${false}, "episodeStartDay" = NULL, "valueAtStakeMinor" = ${0n}, "reason" = NULL,
                "probabilityAlive" = NULL, "predictedClvMinor" = NULL, "modelFitId" = ${modelFitId}, "updatedAt" = ${now}
              WHERE "shop" = ${shop} AND ("modelFitId" IS NULL OR "modelFitId" <> ${modelFitId})`,
        );
        return {
          atRisk: result.totals.flagged,
          valueAtStakeMinor: result.totals.valueAtStakeMinor,
          changedCustomers: changedCustomers + cleared,
          alreadyStored: false,
        };
      },
      { maxWait: 60_000, timeout: 300_000 },
    );
  } catch (error) {
    // Uninstalled or redacted while the model was fitting: nothing of the shop is written.
    if (error instanceof NotInstalled) return { atRisk: 0, valueAtStakeMinor: 0, changedCustomers: 0, alreadyStored: false };
    if (!(error instanceof AlreadyStored)) throw error;
    return (await storedSummary(db, shop, modelFitId)) ?? { atRisk: 0, valueAtStakeMinor: 0, changedCustomers: 0, alreadyStored: true };
  }
}

const RISK_COLUMNS = [
  "shop",
  "customerId",
  "atRisk",
  "episodeStartDay",
  "valueAtStakeMinor",
  "reason",
  "probabilityAlive",
  "predictedClvMinor",
  "modelFitId",
  "updatedAt",
];

function reasonRecord(input: AtRiskInput, result: AtRiskResult, row: number): StoredRiskReason {
  const previous = input.previous?.probabilityAlive[row];
  return storedRiskReason({
    criteria: result.criteria[row],
    effectiveProbabilityAlive: result.effectiveProbabilityAlive[row],
    previousProbabilityAlive: previous === undefined || Number.isNaN(previous) ? null : previous,
    reasons: reasonsFor(input, result, row),
  });
}

async function storedSummary(db: Db | Prisma.TransactionClient, shop: string, modelFitId: string): Promise<RiskDetectionSummary | null> {
  const snapshot = await db.retentionSnapshot.findUnique({ where: { shop_modelFitId: { shop, modelFitId } } });
  if (snapshot === null) return null;
  return {
    atRisk: snapshot.atRiskCustomers,
    valueAtStakeMinor: Number(snapshot.valueAtStakeMinor),
    changedCustomers: 0,
    alreadyStored: true,
  };
}

/** The fit detected last before this one (its as-of day tells who ordered since). */
async function previousDetectedFit(db: Db, shop: string, modelFitId: string): Promise<{ asOf: Date } | null> {
  const snapshots = await db.retentionSnapshot.findMany({
    where: { shop, modelFitId: { not: modelFitId } },
    orderBy: [{ createdAt: "desc" }, { modelFitId: "desc" }],
    take: 1,
    select: { modelFitId: true },
  });
  if (snapshots.length === 0) return null;
  return db.modelFit.findUnique({ where: { id: snapshots[0].modelFitId }, select: { asOf: true } });
}

function fitTimeZone(params: string): string | null {
  try {
    const parsed = JSON.parse(params) as { timeZone?: unknown };
    return typeof parsed.timeZone === "string" ? parsed.timeZone : null;
  } catch {
    return null;
  }
}

/**
 * Every customer with a counted order, in keyset pages, with their stored risk row: the current columns and
 * the previous refit's (P(alive), predicted value, flag, episode start).
 */
async function loadColumns(db: Db, shop: string, asOfDay: number, previousAsOfDay: number | null, timeZone: string): Promise<Loaded> {
  const ids: string[] = [];
  const orders: number[] = [];
  const revenue: number[] = [];
  const firstMs: number[] = [];
  const lastMs: number[] = [];
  const probability: number[] = [];
  const predicted: number[] = [];
  const previousRows: (PreviousRow | null)[] = [];
  let after = "";
  for (;;) {
    const page = await db.customerValue.findMany({
      where: { shop, orderCount: { gt: 0 }, customerId: { gt: after } },
      select: {
        customerId: true,
        orderCount: true,
        netRevenueMinor: true,
        firstOrderAt: true,
        lastOrderAt: true,
        probabilityAlive: true,
        predictedClvMinor: true,
      },
      orderBy: { customerId: "asc" },
      take: PAGE,
    });
    if (page.length === 0) break;
    const first = page[0].customerId;
    after = page[page.length - 1].customerId;
    const risks = await db.customerRisk.findMany({
      where: { shop, customerId: { gte: first, lte: after } },
      select: {
        customerId: true,
        atRisk: true,
        episodeStartDay: true,
        valueAtStakeMinor: true,
        probabilityAlive: true,
        predictedClvMinor: true,
      },
    });
    const riskOf = new Map(risks.map((r) => [r.customerId, r]));
    for (const c of page) {
      ids.push(c.customerId);
      orders.push(c.orderCount);
      revenue.push(Number(c.netRevenueMinor));
      firstMs.push(c.firstOrderAt?.getTime() ?? Number.NaN);
      lastMs.push(c.lastOrderAt?.getTime() ?? Number.NaN);
      probability.push(c.probabilityAlive ?? Number.NaN);
      predicted.push(c.predictedClvMinor === null ? Number.NaN : Number(c.predictedClvMinor));
      previousRows.push(riskOf.get(c.customerId) ?? null);
    }
  }
  const n = ids.length;
  const input: AtRiskInput = {
    customerIds: ids,
    asOfDay,
    probabilityAlive: Float64Array.from(probability),
    predictedValueMinor: Float64Array.from(predicted),
    orders: Int32Array.from(orders),
    netRevenueMinor: Float64Array.from(revenue),
    firstOrderDay: daysOf(firstMs, timeZone),
    lastOrderDay: daysOf(lastMs, timeZone),
  };
  if (previousAsOfDay !== null) {
    const previous: PreviousRefitColumns = {
      asOfDay: previousAsOfDay,
      probabilityAlive: new Float64Array(n).fill(Number.NaN),
      predictedValueMinor: new Float64Array(n).fill(Number.NaN),
      atRisk: new Uint8Array(n),
      atRiskSinceDay: new Int32Array(n).fill(NO_DAY),
    };
    previousRows.forEach((row, i) => {
      if (row === null) return;
      if (row.probabilityAlive !== null) previous.probabilityAlive[i] = row.probabilityAlive;
      if (row.predictedClvMinor !== null) previous.predictedValueMinor[i] = Number(row.predictedClvMinor);
      if (row.atRisk) {
        previous.atRisk[i] = 1;
        previous.atRiskSinceDay[i] = row.episodeStartDay ?? NO_DAY;
      }
    });
    input.previous = previous;
  }
  return { input, previousRows };
}

/** Shop-local day numbers of instants (NaN → NO_DAY). */
function daysOf(instantsMs: number[], timeZone: string): Int32Array {
  const known = instantsMs.filter((ms) => !Number.isNaN(ms));
  const days = new Int32Array(instantsMs.length).fill(NO_DAY);
  if (known.length === 0) return days;
  const computed = shopDaysOf(known, timeZone);
  let k = 0;
  instantsMs.forEach((ms, i) => {
    if (!Number.isNaN(ms)) days[i] = computed[k++];
  });
  return days;
}
