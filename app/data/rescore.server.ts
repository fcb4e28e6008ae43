// Re-scoring on ingest: every change to a customer's counted orders (a new order, an edit of its total, date
// or status, a refund; ingest.server.ts tells them from versions that change nothing these read) re-scores the
// customer with the shop's current fit, in the ingest transaction, so that P(alive), expected purchases,
// predicted value, the 12-month probability, the intervals and the segment are never older than the
// customer's last order. The refit only re-estimates the parameters (and re-scores whoever changed while it
// fitted: rescoreChangedSince).
//
// Ingest (recomputeValuesAndRescore), per batch: one read of the fit (its scoring payload,
// app/clv/score-customer.ts), one read of the customers' orders that gives both their historic values and
// their purchase summaries on the fit's calendar (purchase-summaries.server.ts, the refit's definitions),
// pure math per customer, and one multi-row upsert of values and predictions together: the values row is
// written once, not once for the values and again for the predictions. Without a usable fit it is the plain
// values recompute (customer-values.server.ts). A customer re-scored at the fit's as-of gets the refit's numbers.
import type { Prisma } from "@prisma/client";
import { databaseProvider, type Db } from "~/db.server";
import { isModelName } from "~/clv/models";
import {
  prepareScoring,
  scoreSummaries,
  type PreparedScoring,
  SCORING_VERSION,
  type CustomerPrediction,
  type CustomerSummaryRow,
  type ScoringFit,
} from "~/clv/score-customer";
import { assertValidTimeZone } from "~/clv/time-zone";
import { historicValue, type HistoricValue } from "~/lib/historic-value";
import { currencyDigits } from "~/lib/money";
import { takeIncoming } from "./bulk-upsert.server";
import { recomputeCustomerValues } from "./customer-values.server";
import { customerOrderHistories, purchaseSummaries, type SummaryCalendar } from "./purchase-summaries.server";
import {
  compactId,
  constant,
  Dictionary,
  jsonField,
  jsonLookup,
  jsonRowsSource,
  jsonTimestampFromMs,
  type FieldType,
  type JsonField,
} from "./json-rows.server";
import { lockShop } from "./shop-lock.server";
import { executeRaw, join, queryRaw, raw, sql } from "./sql.server";

type Tx = Prisma.TransactionClient;

/** The columns the refit writes for a customer's prediction (the same list, in the same order). */
export const PREDICTION_COLUMNS = [
  "shop",
  "customerId",
  "expectedPurchases",
  "probabilityAlive",
  "expectedAovMinor",
  "predictedClvMinor",
  "segment",
  "predictedAt",
  "modelFitId",
  "probabilityOrder12m",
  "purchasesLow",
  "purchasesHigh",
  "clvLowMinor",
  "clvHighMinor",
];

type Value = string | number | bigint | Date | null;

/** Major units to whole minor units: the one rounding of predicted amounts, for both row forms below. */
const roundedMinor = (major: number, scale: number) => Math.round(major * scale);
/** Major units to minor units (module level: the refit builds a row per customer, a million at a time). */
const minorUnits = (major: number | null, scale: number) => (major === null ? null : BigInt(roundedMinor(major, scale)));

/** A CustomerValue prediction row (PREDICTION_COLUMNS), money in minor units of the shop currency. */
export function predictionRow(
  shop: string,
  customerId: string,
  p: CustomerPrediction | null,
  predictedAt: Date,
  modelFitId: string | null,
  scale: number,
): Value[] {
  if (!p) return [shop, customerId, null, null, null, null, null, predictedAt, null, null, null, null, null, null];
  return [
    shop,
    customerId,
    p.expectedPurchases,
    p.probabilityAlive,
    minorUnits(p.expectedAverageValue, scale),
    minorUnits(p.predictedClv, scale),
    p.segment,
    predictedAt,
    modelFitId,
    p.probabilityOfPurchase,
    p.purchasesLow,
    p.purchasesHigh,
    minorUnits(p.valueLow, scale),
    minorUnits(p.valueHigh, scale),
  ];
}

interface CurrentFit {
  id: string;
  scoring: ScoringFit;
  currencyCode: string | null;
}

const finitePositive = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v > 0;
const numberList = (v: unknown, length: number) =>
  Array.isArray(v) && v.length === length && v.every((x) => x === null || (typeof x === "number" && Number.isFinite(x)));

/** The scoring payload of a fit's params JSON, or null when it has none usable (a fit stored before it existed). */
export function scoringOf(paramsJson: string): { scoring: ScoringFit; currencyCode: string | null } | null {
  let parsed: { scoring?: Partial<ScoringFit>; currencyCode?: unknown };
  try {
    parsed = JSON.parse(paramsJson) as typeof parsed;
  } catch {
    return null;
  }
  const s = parsed?.scoring;
  if (!s || typeof s !== "object" || s.version !== SCORING_VERSION) return null;
  if (s.period !== "day" && s.period !== "week") return null;
  if (typeof s.timeZone !== "string" || !finitePositive(s.unitsPerMonth) || typeof s.horizonMonths !== "number") return null;
  if (s.model !== null && !(typeof s.model === "string" && isModelName(s.model))) return null;
  if (s.model !== null && !(numberList(s.params, 4) && (s.params as number[]).every(finitePositive))) return null;
  if (s.covariance != null && !numberList(s.covariance, 16)) return null;
  if (s.segments != null && !(numberList(s.segments.recency, 4) && numberList(s.segments.frequency, 3))) return null;
  try {
    assertValidTimeZone(s.timeZone); // cached per zone (a new Intl.DateTimeFormat per batch cost a millisecond)
  } catch {
    return null;
  }
  return { scoring: s as ScoringFit, currencyCode: typeof parsed.currencyCode === "string" ? parsed.currencyCode : null };
}

/** The shop's current fit (the newest), with its scoring payload; null without one. */
async function currentFit(tx: Tx | Db, shop: string): Promise<CurrentFit | null> {
  // Raw: Prisma compiles a findFirst on every call, which cost more than the indexed read itself.
  const [row] = await queryRaw<{ id: string; params: string }>(
    tx,
    sql`SELECT "id", "params" FROM "ModelFit" WHERE "shop" = ${shop} ORDER BY "fittedAt" DESC LIMIT 1`,
  );
  if (!row) return null;
  const scoring = scoringOf(row.params);
  return scoring ? { id: row.id, ...scoring } : null;
}

const IDS_PER_QUERY = 500;

/** The scoring of a batch: the fit's draws are made once per fit, not once per batch (the same fit scores many). */
const preparedByFit = new Map<string, PreparedScoring>();
function preparedFor(fit: CurrentFit): PreparedScoring {
  let prepared = preparedByFit.get(fit.id);
  if (!prepared) {
    if (preparedByFit.size >= 16) preparedByFit.delete(preparedByFit.keys().next().value!);
    prepared = prepareScoring(fit.scoring);
    preparedByFit.set(fit.id, prepared);
  }
  return prepared;
}

const calendarOf = (fit: CurrentFit, now: Date): SummaryCalendar => ({
  asOfMs: now.getTime(),
  timeZone: fit.scoring.timeZone,
  period: fit.scoring.period,
  scale: 10 ** currencyDigits(fit.currencyCode ?? "USD"),
});

/**
 * Predictions of the customers with a summary, by customer id: one scoring pass for all of them. As the
 * refit: a net revenue ≤ 0 leaves the customer unscored (absent from the map).
 */
function predictionsOf(fit: CurrentFit, summaries: readonly (CustomerSummaryRow & { customerId: string; netRevenueMinor: bigint })[]) {
  const scored = summaries.filter((summary) => summary.netRevenueMinor > 0n);
  const column = (key: keyof CustomerSummaryRow) => Float64Array.from(scored, (row) => row[key]);
  const predictions = scoreSummaries(preparedFor(fit), {
    frequency: column("frequency"),
    recency: column("recency"),
    T: column("T"),
    monetary: column("monetary"),
    totalSpend: column("totalSpend"),
    orders: column("orders"),
    daysSinceLastPurchase: column("daysSinceLastPurchase"),
  });
  const byCustomer = new Map<string, CustomerPrediction>();
  scored.forEach((summary, row) => byCustomer.set(summary.customerId, predictions[row]));
  return byCustomer;
}

/**
 * Re-scores these customers with the shop's current fit, as of `now`, in the caller's transaction (after
 * their values were recomputed). Customers with no purchase left (no counted order with something left
 * after refunds, or a net revenue ≤ 0) lose their prediction, as in the refit. Without a fit, or with one
 * stored before fits carried their scoring payload, nothing is written (the next refit scores them).
 * Returns the number of customers written.
 */
export async function rescoreCustomers(tx: Tx, shop: string, customerIds: readonly string[], now: Date): Promise<number> {
  if (customerIds.length === 0) return 0;
  const fit = await currentFit(tx, shop);
  if (!fit) return 0;
  const ids = [...new Set(customerIds)].sort();
  const calendar = calendarOf(fit, now);
  let written = 0;
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const chunk = ids.slice(i, i + IDS_PER_QUERY);
    const byCustomer = predictionsOf(fit, await purchaseSummaries(tx, shop, chunk, calendar));
    const rows = new JsonRows(fit.id, calendar.scale);
    for (const id of chunk) rows.add(id, null, byCustomer.get(id) ?? null);
    await rows.upsert(tx, shop, PREDICTIONS, now);
    written += chunk.length;
  }
  return written;
}

/** A customer without any counted order (none at all, or all cancelled, test or in another currency). */
const NO_ORDERS = historicValue({ orderCount: 0, grossMinor: 0n, refundedMinor: 0n, firstOrderAt: null, lastOrderAt: null });

/**
 * Ingest: recomputes these customers' historic values from their orders (as recomputeCustomerValues) and
 * re-scores them with the shop's current fit as of `now` (as rescoreCustomers), reading their orders once
 * and writing each customer's row once. Without a usable fit: the values recompute alone.
 */
export async function recomputeValuesAndRescore(tx: Tx, shop: string, customerIds: readonly string[], now: Date): Promise<void> {
  if (customerIds.length === 0) return;
  const ids = [...new Set(customerIds)].sort();
  const fit = await currentFit(tx, shop);
  if (!fit) {
    await recomputeCustomerValues(tx, shop, ids);
    return;
  }
  const calendar = calendarOf(fit, now);
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const chunk = ids.slice(i, i + IDS_PER_QUERY);
    const histories = await customerOrderHistories(tx, shop, chunk, calendar);
    const values = new Map(histories.map((h) => [h.customerId, historicValue(h.aggregates)]));
    const byCustomer = predictionsOf(
      fit,
      histories.flatMap(({ customerId, summary }) =>
        summary ? [{ customerId, netRevenueMinor: values.get(customerId)!.netRevenueMinor, ...summary }] : [],
      ),
    );
    const rows = new JsonRows(fit.id, calendar.scale);
    for (const id of chunk) rows.add(id, values.get(id) ?? NO_ORDERS, byCustomer.get(id) ?? null);
    await rows.upsert(tx, shop, VALUES_AND_PREDICTIONS, now);
  }
}

/** A written column of a JSON row: its name and how its field is read ("ms": a time as epoch milliseconds). */
type Written = readonly (readonly [name: string, type: FieldType | "ms"])[];

/** The prediction columns of a row (PREDICTION_COLUMNS less shop, customerId and predictedAt, which is shared). */
const PREDICTION_FIELDS: Written = [
  ["expectedPurchases", "float"],
  ["probabilityAlive", "float"],
  ["expectedAovMinor", "bigint"],
  ["predictedClvMinor", "bigint"],
  ["segment", "text"],
  ["modelFitId", "text"],
  ["probabilityOrder12m", "float"],
  ["purchasesLow", "float"],
  ["purchasesHigh", "float"],
  ["clvLowMinor", "bigint"],
  ["clvHighMinor", "bigint"],
];
/** Re-scoring alone: the predictions. */
const PREDICTIONS = { columns: PREDICTION_FIELDS, times: ["predictedAt"] } as const;
/** Ingest: the values recomputeCustomerValues writes, then the predictions; both written at the same time. */
const VALUES_AND_PREDICTIONS = {
  columns: [
    ["orderCount", "int"],
    ["grossMinor", "bigint"],
    ["refundedMinor", "bigint"],
    ["netRevenueMinor", "bigint"],
    ["aovMinor", "bigint"],
    ["firstOrderAt", "ms"],
    ["lastOrderAt", "ms"],
    ["tenureDays", "int"],
    ...PREDICTION_FIELDS,
  ],
  times: ["computedAt", "predictedAt"],
} as const satisfies { columns: Written; times: readonly string[] };

const MAX_EXACT_MINOR = BigInt(Number.MAX_SAFE_INTEGER);
/** An amount in minor units as a JSON field: a number while exact (always, for money), else its digits. */
const exactField = (minor: bigint): JsonField => (minor >= -MAX_EXACT_MINOR && minor <= MAX_EXACT_MINOR ? Number(minor) : minor.toString());
/**
 * Major units to minor units as a JSON field. The rounded double goes as it is: JSON writes an integral double below
 * 10^21 with all its digits, so the database reads the very integer predictionRow's BigInt of it would be.
 */
const minorField = (major: number | null, scale: number): JsonField => (major === null ? null : roundedMinor(major, scale));
const msField = (at: Date | null): JsonField => (at === null ? null : at.getTime());

/**
 * The rows of one multi-row upsert of CustomerValue, built straight into the JSON that carries them (see upsert):
 * [compact id, ...the values (ingest), ...the predictions], the segment as a position in a list sent once, the fit
 * id (one per batch) as position 0 of a list of one, times as epoch milliseconds, amounts as numbers.
 */
class JsonRows {
  private readonly rows: JsonField[][] = [];
  private readonly segments = new Dictionary();

  constructor(
    private readonly fitId: string,
    private readonly scale: number,
  ) {}

  /** A customer's row: their values when the statement writes them, and their prediction (null: none). */
  add(customerId: string, v: HistoricValue | null, p: CustomerPrediction | null): void {
    const row: JsonField[] = [compactId(customerId)];
    if (v) {
      row.push(v.orderCount, exactField(v.grossMinor), exactField(v.refundedMinor), exactField(v.netRevenueMinor));
      row.push(exactField(v.aovMinor), msField(v.firstOrderAt), msField(v.lastOrderAt), v.tenureDays);
    }
    if (!p) row.push(null, null, null, null, null, null, null, null, null, null, null);
    else {
      const { scale } = this;
      row.push(p.expectedPurchases, p.probabilityAlive, minorField(p.expectedAverageValue, scale), minorField(p.predictedClv, scale));
      row.push(this.segments.indexOf(p.segment), 0, p.probabilityOfPurchase, p.purchasesLow);
      row.push(p.purchasesHigh, minorField(p.valueLow, scale), minorField(p.valueHigh, scale));
    }
    this.rows.push(row);
  }

  /**
   * One multi-row upsert of the rows, as a single JSON parameter of arrays (json-rows.server.ts): binding 14
   * parameters per row cost more than the statement itself (190 rows: 2,660 parameters, about 2.5× the time of
   * this form on SQLite), and the JSON's length counts too (Prisma carries it through its query plan), hence the
   * compact fields. `times` are the columns written with `now`, sent once. Each row is parsed once (`parseOnce`):
   * the statement reads 20 fields of it.
   */
  async upsert(tx: Tx, shop: string, written: { columns: Written; times: readonly string[] }, now: Date): Promise<void> {
    if (this.rows.length === 0) return;
    const fields = written.columns.map(([name, type], j) => {
      if (type === "ms") return jsonTimestampFromMs(j + 1, "e");
      if (type !== "text") return jsonField(j + 1, type, "e");
      return jsonLookup(name === "segment" ? this.segments.values : [this.fitId], j + 1, "e");
    });
    // The id as text: SQLite compares it with the stored ids as it is cast.
    const id = sql`CAST(${jsonField(0, "text", "e")} AS TEXT)`;
    const times = written.times.map(() => constant(now, "timestamp"));
    const names = ["customerId", ...written.columns.map(([name]) => name), ...written.times];
    // WHERE true: SQLite's INSERT … SELECT … ON CONFLICT needs it.
    await executeRaw(
      tx,
      sql`INSERT INTO "CustomerValue" ("shop", ${raw(names.map((name) => `"${name}"`).join(", "))})
          SELECT ${shop}, s.* FROM (SELECT ${join([id, ...fields, ...times], ", ")} FROM ${jsonRowsSource(this.rows, "e", { parseOnce: true })}) AS s WHERE true
          ON CONFLICT ("shop", "customerId") DO UPDATE SET ${raw(takeIncoming(names.slice(1)).join(", "))}`,
    );
  }
}

/**
 * After a refit has written its predictions: re-scores, with that fit, the customers whose values changed
 * since the refit read the orders (`since`), which the refit has just overwritten with predictions from
 * before their new orders. Batches of 500 in their own transactions, rows locked in id order like ingest.
 */
export async function rescoreChangedSince(db: Db, shop: string, since: Date, now = new Date()): Promise<number> {
  const changed = await queryRaw<{ customerId: string }>(
    db,
    sql`SELECT "customerId" FROM "CustomerValue" WHERE "shop" = ${shop} AND "computedAt" >= ${since} ORDER BY "customerId"`,
  );
  let written = 0;
  for (let i = 0; i < changed.length; i += IDS_PER_QUERY) {
    const ids = changed.slice(i, i + IDS_PER_QUERY).map((r) => r.customerId);
    written += await db.$transaction(
      async (tx) => {
        if (!(await lockShop(tx, shop, "shared"))?.installed) return 0;
        if (databaseProvider() === "postgresql") {
          await queryRaw(
            tx,
            sql`SELECT "customerId" FROM "CustomerValue" WHERE "shop" = ${shop} AND "customerId" IN (${join(ids)}) ORDER BY "customerId" FOR UPDATE`,
          );
        }
        return rescoreCustomers(tx, shop, ids, now);
      },
      { maxWait: 60_000, timeout: 120_000 },
    );
  }
  return written;
}
