// What the model says about a customer, in sentences a merchant can act on, and a true sentence for every
// customer it did not score (no counted order, every order refunded, no model yet, too little data, a
// failed update, a customer newer than the last update). Returns message keys with their parameters: the
// page translates them.
//
// The headline is the probability of at least one order in the next 12 months. P(alive) is explained only
// for customers with repeat purchases: BG/NBD gives every one-time buyer P(alive) = 1, which says nothing
// about them.
import { formatAgo, formatDate, formatDays, formatNumber, formatPercent } from "~/lib/format";
import type { Text } from "~/i18n/translate";

const DAY_MS = 86_400_000;

export interface ExplainInput {
  orderCount: number;
  tenureDays: number;
  netRevenueMinor: string;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  probabilityAlive: number | null;
  probabilityOrder: number | null;
  expectedPurchases: number | null;
  predictedAt: string | null;
  latestFit: { status: string; reason: string | null; asOf: string; fittedAt: string } | null;
}

export type ExplanationState =
  | "no_counted_orders"
  | "all_refunded"
  | "no_model"
  | "insufficient_data"
  | "fit_failed"
  | "newer_than_model"
  | "awaiting_update"
  | "one_time_buyer"
  | "repeat_buyer";

export interface Explanation {
  state: ExplanationState;
  sentences: Text[];
}

export function explainCustomer(c: ExplainInput, now: Date, locale: string, timeZone: string): Explanation {
  const date = (iso: string) => formatDate(iso, locale, timeZone);
  const sinceLast = c.lastOrderAt ? (now.getTime() - Date.parse(c.lastOrderAt)) / DAY_MS : null;
  const ago = sinceLast === null ? "" : formatAgo(sinceLast, locale);

  if (c.probabilityAlive === null) {
    const state = unscoredState(c);
    const fitDate = c.latestFit ? date(c.latestFit.fittedAt) : "";
    const sentences: Text[] = [];
    switch (state) {
      case "no_counted_orders":
        sentences.push({ key: "explain.noCountedOrders" });
        break;
      case "all_refunded":
        sentences.push({ key: "explain.allRefunded", params: { count: c.orderCount } });
        break;
      case "no_model":
        sentences.push({ key: "explain.noModel" });
        break;
      case "insufficient_data":
        sentences.push({ key: "explain.insufficientData", params: { date: fitDate, reason: c.latestFit?.reason ?? "" } });
        break;
      case "fit_failed":
        sentences.push({ key: "explain.fitFailed", params: { date: fitDate } });
        break;
      case "newer_than_model":
        sentences.push({ key: "explain.newerThanModel", params: { date: fitDate } });
        break;
      default:
        sentences.push({ key: "explain.awaitingUpdate" });
    }
    if (c.orderCount === 1 && sinceLast !== null && state !== "all_refunded")
      sentences.push({ key: "explain.orderedOnce", params: { ago } });
    return { state, sentences };
  }

  const sentences: Text[] = [];
  if (c.probabilityOrder !== null) {
    sentences.push({ key: "explain.chance", params: { chance: formatPercent(c.probabilityOrder, locale) } });
  }
  const gap = c.orderCount >= 2 && c.tenureDays > 0 ? c.tenureDays / (c.orderCount - 1) : null;
  // P(alive) means something only once the customer has come back: it is exactly 1 before that.
  const repeat = c.orderCount >= 2 && c.probabilityAlive < 1;
  if (!repeat) {
    if (c.orderCount >= 2) sentences.push({ key: "explain.sameDay", params: { count: c.orderCount } });
    else sentences.push({ key: "explain.orderedOnce", params: { ago } });
    sentences.push({ key: "explain.oneTimeBasis" });
  } else {
    sentences.push(
      gap !== null
        ? { key: "explain.rhythm", params: { gap: formatDays(gap, locale), ago } }
        : { key: "explain.sameDayLast", params: { count: c.orderCount, ago } },
    );
    sentences.push({ key: "explain.alive", params: { chance: formatPercent(c.probabilityAlive, locale) } });
    if (gap !== null && sinceLast !== null) {
      if (sinceLast > 2 * gap && c.probabilityAlive < 0.5) sentences.push({ key: "explain.beyondGap" });
      else if (sinceLast <= gap) sentences.push({ key: "explain.withinGap" });
    }
  }
  if (c.expectedPurchases !== null) {
    sentences.push({ key: "explain.expected", params: { orders: formatNumber(c.expectedPurchases, locale, 1) } });
  }
  if (c.predictedAt && c.lastOrderAt && Date.parse(c.lastOrderAt) > Date.parse(c.predictedAt)) {
    sentences.push({ key: "explain.stale", params: { date: date(c.predictedAt), last: date(c.lastOrderAt) } });
  }
  return { state: repeat ? "repeat_buyer" : "one_time_buyer", sentences };
}

/** Why the model has no prediction for a customer, from their data and the shop's latest fit. */
export function unscoredState(c: ExplainInput): ExplanationState {
  if (c.orderCount === 0) return "no_counted_orders";
  // The refit leaves fully refunded orders out: a customer with nothing left has no purchase to score.
  if (BigInt(c.netRevenueMinor) <= 0n) return "all_refunded";
  if (!c.latestFit) return "no_model";
  if (c.latestFit.status === "insufficient_data") return "insufficient_data";
  if (c.latestFit.status === "failed") return "fit_failed";
  if (c.firstOrderAt && Date.parse(c.firstOrderAt) > Date.parse(c.latestFit.asOf)) return "newer_than_model";
  return "awaiting_update";
}
