// The per-shop refit: the shop's counted orders become transactions, app/clv fits BG/NBD + Gamma-Gamma and
// scores every customer, and the fit and the predictions are stored. Run after a backfill, nightly and on
// demand (app/jobs); safe to run twice or in parallel: each run writes a complete fit of its own and the
// customer rows end up pointing at one of them.
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { analyzeShop, type ShopAnalysis } from "~/clv";
import { scoringFitOf } from "~/clv/score-customer";
import { currencyDigits, fromMinorUnits } from "~/lib/money";
import { bulkUpsert, takeIncoming } from "./bulk-upsert.server";
import { PREDICTION_COLUMNS, predictionRow, rescoreChangedSince } from "./rescore.server";
import { lockShop } from "./shop-lock.server";

export interface RefitOptions {
  asOf?: Date;
  period?: "day" | "week";
  horizonMonths?: number;
  monthlyDiscountRate?: number;
}

export interface RefitSummary {
  fitId: string;
  status: ShopAnalysis["status"] | "failed";
  reason?: string;
  customers: number;
  repeatCustomers: number;
  durationMs: number;
}

interface OrderTransactions {
  customerIndex: Int32Array;
  customerKeys: string[];
  timesMs: Float64Array;
  amounts: Float64Array;
  currencyCode: string;
}

/**
 * Counted orders (not cancelled, not test, with a customer) as transactions in major units of the shop
 * currency, net of refunds. A fully refunded order (net ≤ 0) is not a purchase and is left out.
 * Read in keyset pages into typed arrays: a million orders stay a few tens of MB.
 */
export async function loadOrderTransactions(db: Db, shop: string, fallbackCurrency: string): Promise<OrderTransactions> {
  const PAGE = 20_000;
  let capacity = 65_536;
  let customerIndex = new Int32Array(capacity);
  let timesMs = new Float64Array(capacity);
  let amounts = new Float64Array(capacity);
  const customerKeys: string[] = [];
  const indexOf = new Map<string, number>();
  let n = 0;
  let after = "";
  let currencyCode = fallbackCurrency;
  for (;;) {
    const page = await db.order.findMany({
      where: { shop, cancelledAt: null, test: false, currencyMismatch: false, customerId: { not: null }, id: { gt: after } },
      select: { id: true, customerId: true, processedAt: true, totalMinor: true, refundedMinor: true, currencyCode: true },
      orderBy: { id: "asc" },
      take: PAGE,
    });
    if (page.length === 0) break;
    for (const o of page) {
      const net = o.totalMinor - o.refundedMinor;
      if (net <= 0n) continue;
      if (n === capacity) {
        capacity *= 2;
        customerIndex = grow(customerIndex, new Int32Array(capacity));
        timesMs = grow(timesMs, new Float64Array(capacity));
        amounts = grow(amounts, new Float64Array(capacity));
      }
      let index = indexOf.get(o.customerId!);
      if (index === undefined) {
        index = customerKeys.length;
        customerKeys.push(o.customerId!);
        indexOf.set(o.customerId!, index);
      }
      currencyCode = o.currencyCode;
      customerIndex[n] = index;
      timesMs[n] = o.processedAt.getTime();
      amounts[n] = fromMinorUnits(net, o.currencyCode);
      n++;
    }
    after = page[page.length - 1]!.id;
  }
  return {
    customerIndex: customerIndex.subarray(0, n),
    customerKeys,
    timesMs: timesMs.subarray(0, n),
    amounts: amounts.subarray(0, n),
    currencyCode,
  };
}

function grow<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

export async function refitShop(db: Db, shop: string, options: RefitOptions = {}): Promise<RefitSummary> {
  const started = Date.now();
  const fitId = randomUUID();
  const shopRow = await db.shop.findUnique({ where: { shop }, select: { ianaTimezone: true, currencyCode: true } });
  // Customers whose values change from here on may be missing orders in this fit's predictions: they are
  // re-scored with the new fit at the end.
  const readingOrdersAt = new Date();
  const transactions = await loadOrderTransactions(db, shop, shopRow?.currencyCode ?? "USD");
  const currency = shopRow?.currencyCode ?? transactions.currencyCode;
  const asOf = options.asOf ?? new Date();
  const analysis = analyzeShop(transactions, {
    asOf,
    timeZone: shopRow?.ianaTimezone ?? "UTC",
    period: options.period ?? "week",
    horizonMonths: options.horizonMonths ?? 12,
    monthlyDiscountRate: options.monthlyDiscountRate ?? 0.01,
  });

  const scale = 10 ** currencyDigits(currency);
  const now = new Date();
  // The same row builder as re-scoring on ingest (rescore.server.ts), so both write the same numbers.
  const rows = analysis.customers.toArray().map((c) => predictionRow(shop, c.customerKey, c, now, fitId, scale));
  const { bgnbd, gammaGamma } = analysis;
  await db.modelFit.create({
    data: {
      id: fitId,
      shop,
      status: analysis.status,
      reason: analysis.reason ?? null,
      asOf,
      customers: analysis.counts.customers,
      repeatCustomers: analysis.counts.repeatCustomers,
      durationMs: 0,
      model: analysis.model ?? null,
      // The evidence for the merchant: every model's backtest scores, why the winner won, the interval
      // coverage, the last holdout's weekly tracking and calibration buckets (aggregates only) and, when the
      // data cannot support a prediction, what the shop needs (read by app/data/model-accuracy.server.ts).
      accuracy: JSON.stringify({
        modelChoice: analysis.modelChoice ?? null,
        intervals: analysis.intervals ?? null,
        needs: analysis.needs ?? null,
        shortfall: analysis.shortfall ?? null,
        evidence: analysis.evidence ?? null,
      }),
      params: JSON.stringify({
        model: analysis.model ?? null,
        fit: analysis.fit ?? null,
        period: analysis.period,
        timeZone: analysis.timeZone,
        horizonMonths: analysis.horizonMonths,
        monthlyDiscountRate: analysis.monthlyDiscountRate,
        unitsPerMonth: analysis.unitsPerMonth,
        bgnbd: bgnbd
          ? { params: bgnbd.params, logLikelihood: bgnbd.logLikelihood, converged: bgnbd.converged, stdErrors: bgnbd.stdErrors ?? null }
          : null,
        gammaGamma: gammaGamma ?? null,
        expectedAverageValueSource: analysis.expectedAverageValueSource,
        warnings: analysis.warnings,
        counts: analysis.counts,
        // What re-scoring one customer needs (app/clv/score-customer.ts): model, parameters and their
        // covariance, Gamma-Gamma, horizon, calendar and the segment thresholds; and the currency of the amounts.
        scoring: scoringFitOf(analysis),
        currencyCode: currency,
      }),
    },
  });
  for (let i = 0; i < rows.length; i += 5_000) {
    // Each chunk holds the shop's row shared: a shop/redact that ran while the model was fitting has
    // deleted it, and then nothing of the shop is written back.
    const installed = await db.$transaction(
      async (tx) => {
        if (!(await lockShop(tx, shop, "shared"))?.installed) return false;
        await bulkUpsert(tx, {
          table: "CustomerValue",
          columns: PREDICTION_COLUMNS,
          rows: rows.slice(i, i + 5_000),
          conflict: ["shop", "customerId"],
          set: takeIncoming(PREDICTION_COLUMNS.slice(2)),
        });
        return true;
      },
      { maxWait: 60_000, timeout: 120_000 },
    );
    if (!installed) {
      await db.modelFit.deleteMany({ where: { shop } });
      return {
        fitId,
        status: "insufficient_data",
        reason: "the shop is no longer installed",
        customers: 0,
        repeatCustomers: 0,
        durationMs: 0,
      };
    }
  }
  // Customers with no counted purchase any more (all cancelled or refunded) lose their old prediction.
  // Chosen by their data, not by fit id or time, so that a concurrent refit's rows are never cleared.
  await db.customerValue.updateMany({
    where: { shop, modelFitId: { not: null }, OR: [{ orderCount: 0 }, { netRevenueMinor: { lte: 0 } }] },
    data: {
      expectedPurchases: null,
      probabilityAlive: null,
      expectedAovMinor: null,
      predictedClvMinor: null,
      segment: null,
      modelFitId: null,
      probabilityOrder12m: null,
      purchasesLow: null,
      purchasesHigh: null,
      clvLowMinor: null,
      clvHighMinor: null,
    },
  });
  // Orders that arrived while the model was fitting: their customers were re-scored on ingest, then
  // overwritten above with predictions from before those orders. Score them again with this fit.
  await rescoreChangedSince(db, shop, readingOrdersAt);
  const durationMs = Date.now() - started;
  await db.modelFit.update({ where: { id: fitId }, data: { durationMs } });
  return {
    fitId,
    status: analysis.status,
    ...(analysis.reason ? { reason: analysis.reason } : {}),
    customers: analysis.counts.customers,
    repeatCustomers: analysis.counts.repeatCustomers,
    durationMs,
  };
}
