// At-risk detection after a refit, stored: every customer's current prediction (CustomerValue) and their
// state after the previous refit (CustomerRisk) become app/retention's columns; what it returns becomes the
// new CustomerRisk rows and one RetentionSnapshot for the fit.
//
// Written in short transactions, not one: SQLite has a single database-wide write lock, and one transaction
// for every customer of a large shop held it for seconds (ingest of every shop waited). Each chunk of a few
// thousand rows is one INSERT … SELECT from a single JSON parameter (json-rows.server.ts: a fraction of the
// driver's cost of VALUES tuples) under the shop's lock held shared, like the refit's prediction writes.
// Then, once, the rows of customers without a counted order are cleared (found by a read, which takes no
// write lock, then updated by id in chunks), and LAST the snapshot is inserted: it is the marker that the fit
// was detected. A run that finds it returns the stored figures. Longest transaction at 100,000 customers on
// SQLite: ~0.1–0.2 s (bench/retention.ts, "stored detection"); the whole detection ~2–3 s.
//
// Safe to run twice or in parallel: a row already written for this fit (CustomerRisk.modelFitId = the fit)
// is never rewritten (the upsert's WHERE, and a rerun does not even send it), so every row holds what one
// detection computed from the previous fit's state; the snapshot is inserted with ON CONFLICT DO NOTHING, so
// there is one, and the run that loses returns the winner's figures.
//
// A crash between chunks (or a parallel run that started late) leaves some rows written for the fit and no
// snapshot; the rerun (the retried job) reads them as written, writes only the others and the snapshot. The
// rows end exactly as an uninterrupted run leaves them: the rows not yet written still hold the previous
// fit's state, which is all their detection reads. What the written rows have lost is their previous state:
//  - exact anyway: the headline figures (customers at risk, value at stake: the written rows' stored flag
//    and value replace what the rerun would compute for them), and the newly at risk with their value (a
//    written row is newly flagged exactly when its episode started on this fit's as-of day);
//  - not recoverable: whether a written row was at risk before. For the snapshot's "returned" and "lapsed"
//    and the summary's changedCustomers those rows count as unchanged (so these may be short after a crash).
// The rerun also detects the remaining rows from CustomerValue as it is then: a customer re-scored by an
// order in between is judged on the newer prediction (as a refit that started later would). The refit job
// itself retries with a new fit rather than this one: the rows written for the abandoned fit are then those
// customers' previous state, the latest judgment of them.
import type { Prisma } from "@prisma/client";
import { databaseProvider, type Db } from "~/db.server";
import { shopDaysOf } from "~/loyalty/population";
import { resolveTimeZone } from "~/lib/format";
import {
  detectAtRisk,
  NO_DAY,
  reasonsFor,
  type AtRiskInput,
  type AtRiskResult,
  type AtRiskTotals,
  type PreviousRefitColumns,
} from "~/retention";
import {
  bigintText,
  constant,
  jsonAggregate,
  jsonField,
  idIn,
  jsonResult,
  jsonRowsSource,
  msOfTimestamp,
  parseJsonRows,
  queryJsonRows,
  type JsonField,
} from "./json-rows.server";
import { executeRaw, queryRaw, raw, sql } from "./sql.server";
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

/** A stored CustomerRisk row, aligned with the current rows. */
interface StoredRow {
  atRisk: boolean;
  episodeStartDay: number | null;
  valueAtStakeMinor: bigint;
  probabilityAlive: number | null;
  predictedClvMinor: bigint | null;
  modelFitId: string | null;
}

interface Loaded {
  input: AtRiskInput;
  /** What the previous detection left (null: no row, or the row is already this fit's). */
  previousRows: (StoredRow | null)[];
  /** The row as already written for this fit by an earlier or parallel run (null: not written yet). */
  written: (StoredRow | null)[];
}

export interface RiskDetectionOptions {
  /** Rows per writing transaction (default CHUNK_ROWS). */
  chunkRows?: number;
  /**
   * Called after each committed transaction (a chunk of rows, the clearing, the snapshot), with its size and
   * duration: the benchmark reports the longest; a test throws here to stop a run between transactions.
   */
  afterTransaction?: (step: TransactionStep) => void | Promise<void>;
}

export interface TransactionStep {
  kind: "rows" | "clear" | "snapshot";
  rows: number;
  ms: number;
}

/** ~4,000 rows: about 0.1 s of SQLite's write lock per transaction at 100,000 customers (bench/retention.ts). */
export const CHUNK_ROWS = 4_000;

const NOTHING_WRITTEN: RiskDetectionSummary = { atRisk: 0, valueAtStakeMinor: 0, changedCustomers: 0, alreadyStored: false };

export async function detectAndStoreRisk(
  db: Db,
  shop: string,
  modelFitId: string,
  options: RiskDetectionOptions = {},
): Promise<RiskDetectionSummary> {
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

  const loaded = await loadColumns(db, shop, modelFitId, asOfDay, previousAsOfDay, timeZone);
  const result = detectAtRisk(loaded.input, settings);
  const outcome = settle(loaded, result);
  const now = new Date();
  const step = async (kind: TransactionStep["kind"], rows: number, started: number) =>
    options.afterTransaction?.({ kind, rows, ms: performance.now() - started });

  const chunkRows = Math.max(1, Math.trunc(options.chunkRows ?? CHUNK_ROWS));
  for (let start = 0; start < outcome.toWrite.length; start += chunkRows) {
    const rows = outcome.toWrite.subarray(start, start + chunkRows);
    const started = performance.now();
    const installed = await db.$transaction(
      async (tx) => {
        // Held shared like every write of the shop's data: a shop/redact waits, or has already removed the shop.
        if (!(await lockShop(tx, shop, "shared"))?.installed) return false;
        await writeRiskRows(tx, shop, modelFitId, now, loaded.input, result, rows);
        return true;
      },
      { maxWait: 60_000, timeout: 120_000 },
    );
    // Uninstalled or redacted while the model was fitting: nothing more of the shop is written.
    if (!installed) return NOTHING_WRITTEN;
    await step("rows", rows.length, started);
  }

  // Customers who no longer have a counted order: found by a read (no write lock, however large the shop),
  // then cleared by id in chunks like the rows.
  let cleared = 0;
  const uncounted = await uncountedCustomers(db, shop, modelFitId);
  for (let start = 0; start < uncounted.length; start += chunkRows) {
    const ids = uncounted.slice(start, start + chunkRows);
    const started = performance.now();
    const changes = await db.$transaction(
      async (tx) => {
        if (!(await lockShop(tx, shop, "shared"))?.installed) return null;
        return clearUncounted(tx, shop, modelFitId, now, ids);
      },
      { maxWait: 60_000, timeout: 120_000 },
    );
    if (changes === null) return NOTHING_WRITTEN;
    cleared += changes;
    await step("clear", ids.length, started);
  }

  const started = performance.now();
  const { totals } = outcome;
  const marked = await db.$transaction(
    async (tx) => {
      if (!(await lockShop(tx, shop, "shared"))?.installed) return null;
      return queryRaw<{ modelFitId: string }>(
        tx,
        sql`INSERT INTO "RetentionSnapshot" ("shop", "modelFitId", "atRiskCustomers", "valueAtStakeMinor", "newlyAtRisk", "returned",
                                             "lapsed", "newValueAtStakeMinor", "createdAt")
            VALUES (${shop}, ${modelFitId}, ${totals.flagged}, ${BigInt(totals.valueAtStakeMinor)}, ${totals.newlyAtRisk},
                    ${totals.returned}, ${totals.lapsed}, ${BigInt(totals.newValueAtStakeMinor)}, ${now})
            ON CONFLICT ("shop", "modelFitId") DO NOTHING RETURNING "modelFitId"`,
      );
    },
    { maxWait: 60_000, timeout: 120_000 },
  );
  if (marked === null) return NOTHING_WRITTEN;
  await step("snapshot", marked.length, started);
  // Another run of the fit got there first: its figures are the fit's.
  if (marked.length === 0) return (await storedSummary(db, shop, modelFitId)) ?? { ...NOTHING_WRITTEN, alreadyStored: true };
  return {
    atRisk: totals.flagged,
    valueAtStakeMinor: totals.valueAtStakeMinor,
    changedCustomers: outcome.changedCustomers + cleared,
    alreadyStored: false,
  };
}

/** The figures of the snapshot, and the rows left to write. */
interface Outcome {
  /** Row indexes not yet written for this fit, in customer id order. */
  toWrite: Uint32Array;
  totals: Pick<AtRiskTotals, "flagged" | "valueAtStakeMinor" | "newlyAtRisk" | "newValueAtStakeMinor" | "returned" | "lapsed">;
  /** Rows to write whose flag, value at stake or episode differ from what the previous detection left. */
  changedCustomers: number;
}

/**
 * The detection's totals with the rows already written for this fit (by a crashed or parallel run) taken as
 * stored: their previous state was neutralised before the detection (loadColumns), so they add nothing to
 * "returned" and "lapsed"; their flag and value at stake are swapped for the stored ones.
 */
function settle(loaded: Loaded, result: AtRiskResult): Outcome {
  const { input, previousRows, written } = loaded;
  const n = input.customerIds.length;
  const totals = {
    flagged: result.totals.flagged,
    valueAtStakeMinor: result.totals.valueAtStakeMinor,
    newlyAtRisk: result.totals.newlyAtRisk,
    newValueAtStakeMinor: result.totals.newValueAtStakeMinor,
    returned: result.totals.returned,
    lapsed: result.totals.lapsed,
  };
  const toWrite = new Uint32Array(n);
  let count = 0;
  let changedCustomers = 0;
  for (let i = 0; i < n; i++) {
    const atRisk = result.atRisk[i] === 1;
    const stake = atRisk ? result.valueAtStakeMinor[i] : 0;
    const stored = written[i];
    if (stored !== null) {
      // Swap what the detection made of this row (without its previous state) for what was written.
      const newly = result.newlyAtRisk[i] === 1;
      totals.flagged += Number(stored.atRisk) - Number(atRisk);
      totals.valueAtStakeMinor += Number(stored.valueAtStakeMinor) - stake;
      const storedNewly = stored.atRisk && stored.episodeStartDay === input.asOfDay;
      totals.newlyAtRisk += Number(storedNewly) - Number(newly);
      totals.newValueAtStakeMinor += (storedNewly ? Number(stored.valueAtStakeMinor) : 0) - (newly ? stake : 0);
      continue;
    }
    toWrite[count++] = i;
    const before = previousRows[i];
    const since = atRisk ? result.atRiskSinceDay[i] : null;
    if (
      (before?.atRisk ?? false) !== atRisk ||
      (before?.valueAtStakeMinor ?? 0n) !== BigInt(stake) ||
      (before?.episodeStartDay ?? null) !== since
    )
      changedCustomers++;
  }
  return { toWrite: toWrite.subarray(0, count), totals, changedCustomers };
}

/**
 * One chunk of rows as one INSERT … SELECT from a JSON parameter. A row of this fit already there is left
 * as it is: a parallel run wrote the same values, or a crashed run wrote them from the previous state that
 * is gone now.
 */
async function writeRiskRows(
  tx: Prisma.TransactionClient,
  shop: string,
  modelFitId: string,
  now: Date,
  input: AtRiskInput,
  result: AtRiskResult,
  rows: Uint32Array,
): Promise<void> {
  const json: JsonField[][] = [];
  for (const i of rows) {
    const atRisk = result.atRisk[i] === 1;
    const p = input.probabilityAlive[i];
    const predicted = input.predictedValueMinor[i];
    json.push([
      input.customerIds[i],
      atRisk,
      atRisk ? result.atRiskSinceDay[i] : null,
      bigintText(atRisk ? result.valueAtStakeMinor[i] : 0),
      atRisk ? JSON.stringify(reasonRecord(input, result, i)) : null,
      Number.isNaN(p) ? null : p,
      Number.isNaN(predicted) ? null : bigintText(predicted),
    ]);
  }
  const f = jsonField;
  await executeRaw(
    tx,
    sql`INSERT INTO "CustomerRisk" ("shop", "customerId", "atRisk", "episodeStartDay", "valueAtStakeMinor", "reason", "probabilityAlive",
                                    "predictedClvMinor", "modelFitId", "updatedAt")
        SELECT ${constant(shop, "text")}, ${f(0, "text")}, ${f(1, "bool")}, ${f(2, "int")}, ${f(3, "bigint")}, ${f(4, "text")},
               ${f(5, "float")}, ${f(6, "bigint")}, ${constant(modelFitId, "text")}, ${constant(now, "timestamp")}
          FROM ${jsonRowsSource(json)}
         WHERE true
        ON CONFLICT ("shop", "customerId") DO UPDATE SET ${raw(RISK_UPDATES)}
         WHERE "CustomerRisk"."modelFitId" IS NULL OR "CustomerRisk"."modelFitId" <> excluded."modelFitId"`,
  );
}

const RISK_UPDATES = [
  "atRisk",
  "episodeStartDay",
  "valueAtStakeMinor",
  "reason",
  "probabilityAlive",
  "predictedClvMinor",
  "modelFitId",
  "updatedAt",
]
  .map((c) => `"${c}" = excluded."${c}"`)
  .join(", ");

/**
 * Customers who no longer have a counted order are not judged: any flag they carried ends. The rows not
 * written for this fit whose customer has no counted order now (checked again by the update: the ids come
 * from a read outside the write lock, and a customer may have ordered since).
 */
function uncountedCondition(shop: string, modelFitId: string) {
  return sql`"CustomerRisk"."shop" = ${shop} AND ("CustomerRisk"."modelFitId" IS NULL OR "CustomerRisk"."modelFitId" <> ${modelFitId})
             AND NOT EXISTS (SELECT 1 FROM "CustomerValue" AS v
                              WHERE v."shop" = "CustomerRisk"."shop" AND v."customerId" = "CustomerRisk"."customerId" AND v."orderCount" > 0)`;
}

async function uncountedCustomers(db: Db, shop: string, modelFitId: string): Promise<string[]> {
  const rows = await queryJsonRows(
    db,
    jsonResult(sql`"customerId"`, sql`FROM "CustomerRisk" WHERE ${uncountedCondition(shop, modelFitId)}`),
  );
  return rows.map((row) => String(row[0]));
}

/** Clears the given customers' rows, if they are still without a counted order and not this fit's. */
function clearUncounted(
  tx: Prisma.TransactionClient,
  shop: string,
  modelFitId: string,
  now: Date,
  ids: readonly string[],
): Promise<number> {
  return executeRaw(
    tx,
    sql`UPDATE "CustomerRisk" SET "atRisk" = ${false}, "episodeStartDay" = NULL, "valueAtStakeMinor" = ${0n}, "reason" = NULL,
          "probabilityAlive" = NULL, "predictedClvMinor" = NULL, "modelFitId" = ${modelFitId}, "updatedAt" = ${now}
        WHERE ${idIn(`"customerId"`, ids)} AND ${uncountedCondition(shop, modelFitId)}`,
  );
}

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
 * the previous refit's (P(alive), predicted value, flag, episode start). Each page is one statement whose
 * result is one JSON text (json-rows.server.ts): through Prisma's row mapping 100,000 customers and their
 * risk rows took about two seconds, as JSON a fraction of that.
 */
async function loadColumns(
  db: Db,
  shop: string,
  modelFitId: string,
  asOfDay: number,
  previousAsOfDay: number | null,
  timeZone: string,
): Promise<Loaded> {
  const ids: string[] = [];
  const orders: number[] = [];
  const revenue: number[] = [];
  const firstMs: number[] = [];
  const lastMs: number[] = [];
  const probability: number[] = [];
  const predicted: number[] = [];
  const previousRows: (StoredRow | null)[] = [];
  const written: (StoredRow | null)[] = [];
  let after = "";
  for (;;) {
    const [page] = await queryRaw<{ rows: string | null; last: string | null }>(db, customerPage(shop, after));
    if (page === undefined || page.last === null) break;
    after = page.last;
    for (const row of parseJsonRows(page.rows)) {
      const [customerId, orderCount, net, first, last, p, value, riskId, atRisk, since, stake, riskP, riskValue, riskFit] = row;
      ids.push(String(customerId));
      orders.push(Number(orderCount));
      revenue.push(Number(net));
      firstMs.push(instantMs(first));
      lastMs.push(instantMs(last));
      probability.push(p === null ? Number.NaN : Number(p));
      predicted.push(value === null ? Number.NaN : Number(value));
      const risk: StoredRow | null =
        riskId === null
          ? null
          : {
              atRisk: atRisk === true || atRisk === 1,
              episodeStartDay: since === null ? null : Number(since),
              valueAtStakeMinor: BigInt(stake as string),
              probabilityAlive: riskP === null ? null : Number(riskP),
              predictedClvMinor: riskValue === null ? null : BigInt(riskValue as string),
              modelFitId: riskFit === null ? null : String(riskFit),
            };
      // A row already written for this fit is not a previous state: it is detected as if new, and settled
      // from what is stored (see settle).
      const done = risk !== null && risk.modelFitId === modelFitId;
      previousRows.push(done ? null : risk);
      written.push(done ? risk : null);
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
  return { input, previousRows, written };
}

/**
 * One page of customers with a counted order after `after` (in the database's order of ids), each with their
 * risk row if any, as one JSON text; and the page's last id, the next page's key.
 */
function customerPage(shop: string, after: string) {
  const fields = sql`v."customerId", v."orderCount", CAST(v."netRevenueMinor" AS TEXT), v."firstOrderAt", v."lastOrderAt",
                     ${exactFloat('v."probabilityAlive"')}, CAST(v."predictedClvMinor" AS TEXT), r."customerId", r."atRisk",
                     r."episodeStartDay", CAST(r."valueAtStakeMinor" AS TEXT), ${exactFloat('r."probabilityAlive"')},
                     CAST(r."predictedClvMinor" AS TEXT), r."modelFitId"`;
  return sql`SELECT ${jsonAggregate(fields)} AS "rows", MAX(v."customerId") AS "last"
               FROM (SELECT "shop", "customerId", "orderCount", "netRevenueMinor", "firstOrderAt", "lastOrderAt", "probabilityAlive",
                            "predictedClvMinor"
                       FROM "CustomerValue"
                      WHERE "shop" = ${shop} AND "orderCount" > 0 AND "customerId" > ${after}
                      ORDER BY "customerId"
                      LIMIT ${PAGE}) AS v
               LEFT JOIN "CustomerRisk" AS r ON r."shop" = v."shop" AND r."customerId" = v."customerId"`;
}

/**
 * A float column, exact through JSON. SQLite renders a REAL in JSON with 15 significant digits (P(alive)
 * would come back changed in its last digits), so it is sent as its 17-digit text ("%!.17g" round-trips
 * exactly; printf would turn NULL into "0"). PostgreSQL renders float8 exactly in JSON already.
 */
function exactFloat(column: string) {
  return databaseProvider() === "postgresql"
    ? raw(column)
    : raw(`CASE WHEN ${column} IS NULL THEN NULL ELSE printf('%!.17g', ${column}) END`);
}

/** A timestamp read through JSON (text; an integer of milliseconds if a row was ever written that way); NaN for none. */
function instantMs(value: unknown): number {
  if (value === null || value === undefined) return Number.NaN;
  return typeof value === "number" ? value : msOfTimestamp(value);
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
