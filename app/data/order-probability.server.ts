// The headline prediction of the pages: the probability that a customer places at least one order in the
// model's horizon (12 months), 1 − P(Y(t) = 0 | x, t_x, T) under the BG/NBD fit that scored them.
//
// Why not P(alive): BG/NBD gives P(alive) = 1 to every customer without a repeat purchase (a property of
// the model: nobody can drop out before their first repeat), so "100% chance to order again" would be
// shown for a one-time buyer of two years ago. The probability of an order in the next 12 months accounts
// for how long ago and how often they bought.
//
// Where the scoring stored it (CustomerValue.probabilityOrder12m) it is read as is; where it did not (rows
// scored before the column existed), it is computed here for the rows a page shows: the fit's
// parameters (ModelFit.params) and each customer's summary (x repeat purchase days, recency t_x, age T in
// the fit's period and time zone) from their counted orders up to the moment they were scored
// (CustomerValue.predictedAt), the same data the refit used. About a microsecond per customer plus one
// indexed read of the page's orders.
import type { Db } from "~/db.server";
import { join, queryRaw, sql } from "./sql.server";
import type { BgNbdParams } from "~/clv/bgnbd";
import { bgnbdProbabilityAlive } from "~/clv/bgnbd";
import { ZonedDayCalculator } from "~/clv/time-zone";
import { UNITS_PER_MONTH } from "~/clv/clv";

/**
 * P(at least one purchase in (T, T + t] | x, t_x, T). A customer alive at T buys in the next t unless
 * their Poisson rate yields no purchase (they cannot drop out without buying first); given alive, the rate
 * is Gamma(r + x, α + T), so P(no purchase | alive) = ((α + T)/(α + T + t))^(r + x). Hence
 * P(Y(t) = 0) = 1 − P(alive) + P(alive) · ((α+T)/(α+T+t))^(r+x), and the result is
 * P(alive) · (1 − ((α+T)/(α+T+t))^(r+x)). For a new customer (x = t_x = T = 0) it is 1 − P(X(t) = 0).
 */
export function probabilityOfAnyPurchase(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  const alive = bgnbdProbabilityAlive(params, x, tx, T);
  const noPurchaseIfAlive = Math.exp((params.r + x) * (Math.log(params.alpha + T) - Math.log(params.alpha + T + t)));
  return alive * (1 - noPurchaseIfAlive);
}

/** What a fit's JSON holds that scoring needs (app/data/refit.server.ts writes it). */
export interface FitScoring {
  params: BgNbdParams;
  /** Days per model period (week: 7). */
  daysPerPeriod: number;
  timeZone: string;
  /** Horizon in model periods (12 months · units per month). */
  horizon: number;
  horizonMonths: number;
  asOf: Date;
}

export function fitScoring(json: string, asOf: Date): FitScoring | null {
  try {
    const parsed = JSON.parse(json) as {
      period?: string;
      timeZone?: string;
      horizonMonths?: number;
      unitsPerMonth?: number;
      bgnbd?: { params?: Partial<BgNbdParams> } | null;
    };
    const p = parsed.bgnbd?.params;
    if (!p || ![p.r, p.alpha, p.a, p.b].every((v) => typeof v === "number" && Number.isFinite(v) && v > 0)) return null;
    const period = parsed.period === "day" ? "day" : "week";
    const horizonMonths = typeof parsed.horizonMonths === "number" && parsed.horizonMonths > 0 ? parsed.horizonMonths : 12;
    const unitsPerMonth =
      typeof parsed.unitsPerMonth === "number" && parsed.unitsPerMonth > 0 ? parsed.unitsPerMonth : UNITS_PER_MONTH[period];
    let timeZone = typeof parsed.timeZone === "string" ? parsed.timeZone : "UTC";
    try {
      new Intl.DateTimeFormat("en-US", { timeZone });
    } catch {
      timeZone = "UTC";
    }
    return {
      params: p as BgNbdParams,
      daysPerPeriod: period === "day" ? 1 : 7,
      timeZone,
      horizon: horizonMonths * unitsPerMonth,
      horizonMonths,
      asOf,
    };
  } catch {
    return null;
  }
}

// Fits never change once written (a refit writes a new one): a few are kept per process.
const fitCache = new Map<string, FitScoring | null>();
const FIT_CACHE_SIZE = 64;

async function loadFits(db: Db, ids: string[]): Promise<Map<string, FitScoring | null>> {
  const missing = ids.filter((id) => !fitCache.has(id));
  if (missing.length > 0) {
    const rows = await db.modelFit.findMany({ where: { id: { in: missing } }, select: { id: true, params: true, asOf: true } });
    for (const row of rows) {
      if (fitCache.size >= FIT_CACHE_SIZE) fitCache.delete(fitCache.keys().next().value!);
      fitCache.set(row.id, fitScoring(row.params, row.asOf));
    }
  }
  return new Map(ids.map((id) => [id, fitCache.get(id) ?? null]));
}

const IDS_PER_QUERY = 500;

export interface ScoredRow {
  customerId: string;
  modelFitId: string | null;
  /** CustomerValue.probabilityOrder12m: when the scoring stored it, it is used as is. */
  probabilityOrder12m?: number | null;
  /** ISO instant the customer was scored; the fit's asOf when absent. */
  predictedAt: string | null;
  /** With one counted order, its time is all the summary needs (x = 0): no order is read. */
  orderCount?: number;
  firstOrderAt?: string | null;
}

/**
 * The probability of at least one order in the fit's horizon for each row that a fit scored (others: null).
 * One raw read of the rows' purchases (counted orders with something left after refunds) through the
 * (shop, customerId) index, and one calendar per fit for all the rows.
 */
export async function orderProbabilities(db: Db, shop: string, rows: ScoredRow[]): Promise<Map<string, number | null>> {
  const result = new Map<string, number | null>(rows.map((r) => [r.customerId, r.probabilityOrder12m ?? null]));
  const scored = rows.filter((r) => r.modelFitId !== null && (r.probabilityOrder12m === null || r.probabilityOrder12m === undefined));
  if (scored.length === 0) return result;
  const fits = await loadFits(db, [...new Set(scored.map((r) => r.modelFitId!))]);
  const byCustomer = new Map<string, number[]>();
  // A scored customer with one counted order bought once, at firstOrderAt (a fully refunded single order
  // leaves them unscored): their orders need not be read.
  const oneTime = (r: ScoredRow) => r.orderCount === 1 && typeof r.firstOrderAt === "string";
  for (const r of scored) if (oneTime(r)) byCustomer.set(r.customerId, [Date.parse(r.firstOrderAt!)]);
  const toRead = scored.filter((r) => !oneTime(r));
  // Prisma's SQLite driver takes at most 999 parameters: the export's pages of 1,000 are read in parts.
  for (let i = 0; i < toRead.length; i += IDS_PER_QUERY) {
    const ids = toRead.slice(i, i + IDS_PER_QUERY).map((r) => r.customerId);
    // A fully refunded order is not a purchase (the refit leaves it out too).
    const purchases = await queryRaw<{ customerId: string; processedAt: unknown }>(
      db,
      sql`SELECT o."customerId", o."processedAt" FROM "Order" o
          WHERE o."shop" = ${shop} AND o."customerId" IN (${join(ids)})
            AND o."cancelledAt" IS NULL AND o."test" = false AND o."currencyMismatch" = false
            AND o."totalMinor" > o."refundedMinor"`,
    );
    for (const p of purchases) {
      const list = byCustomer.get(p.customerId) ?? [];
      list.push(p.processedAt instanceof Date ? p.processedAt.getTime() : Date.parse(String(p.processedAt)));
      byCustomer.set(p.customerId, list);
    }
  }
  const calendars = new Map<string, ZonedDayCalculator>();
  for (const row of scored) {
    const fit = fits.get(row.modelFitId!);
    if (!fit) continue;
    const end = row.predictedAt ? Date.parse(row.predictedAt) : fit.asOf.getTime();
    const times = (byCustomer.get(row.customerId) ?? []).filter((t) => t <= end);
    if (times.length === 0) continue;
    let calendar = calendars.get(row.modelFitId!);
    if (!calendar) {
      // Two years either side of the scoring covers nearly every page; instants outside fall back to Intl.
      calendar = new ZonedDayCalculator(fit.timeZone, end - 800 * 86_400_000, end + 30 * 86_400_000);
      calendars.set(row.modelFitId!, calendar);
    }
    result.set(row.customerId, probabilityFromTimes(fit, times, end, calendar));
  }
  return result;
}

/** The customer's summary on the fit's calendar, then the probability. */
export function probabilityFromTimes(
  fit: FitScoring,
  timesMs: number[],
  calibrationEndMs: number,
  calendar = new ZonedDayCalculator(fit.timeZone, Math.min(...timesMs, calibrationEndMs), Math.max(...timesMs, calibrationEndMs)),
): number {
  let first = Infinity;
  let last = -Infinity;
  const days = new Set<number>();
  for (const t of timesMs) {
    const day = calendar.dayNumber(t);
    days.add(day);
    if (day < first) first = day;
    if (day > last) last = day;
  }
  const endDay = calendar.dayNumber(calibrationEndMs);
  const x = days.size - 1;
  const tx = (last - first) / fit.daysPerPeriod;
  const T = Math.max(tx, (endDay - first) / fit.daysPerPeriod);
  return probabilityOfAnyPurchase(fit.params, fit.horizon, x, tx, T);
}
