// One customer of the shop: profile, historic and predicted value, order timeline, and P(alive) in words.
import type { Db } from "~/db.server";
import { formatAgo, formatDays, formatNumber, formatPercent } from "~/lib/format";
import { shopCurrency } from "./dashboard.server";

/** The timeline shows the latest orders; the page says how many more there are. */
export const TIMELINE_LIMIT = 100;
const DAY_MS = 86_400_000;

export interface TimelineOrder {
  id: string;
  name: string | null;
  processedAt: string;
  totalMinor: string;
  refundedMinor: string;
  netMinor: string;
  financialStatus: string | null;
  cancelled: boolean;
  test: boolean;
}

export interface CustomerDetail {
  currencyCode: string;
  customerId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  deletedAt: string | null;
  redactedAt: string | null;
  orderCount: number;
  grossMinor: string;
  refundedMinor: string;
  netRevenueMinor: string;
  aovMinor: string;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  tenureDays: number;
  expectedPurchases: number | null;
  probabilityAlive: number | null;
  expectedAovMinor: string | null;
  predictedClvMinor: string | null;
  segment: string | null;
  predictedAt: string | null;
  /** Plain-words explanation of P(alive) and the ordering rhythm. */
  explanation: string[];
  orders: TimelineOrder[];
  /** All orders of the customer, including cancelled and test ones. */
  totalOrders: number;
}

/** Null when the shop has no such customer (neither a profile nor a value row): the page answers 404. */
export async function customerDetail(db: Db, shop: string, customerId: string, now = new Date(), locale = "en-US"): Promise<CustomerDetail | null> {
  const [profile, value] = await Promise.all([
    db.customer.findUnique({ where: { shop_id: { shop, id: customerId } } }),
    db.customerValue.findUnique({ where: { shop_customerId: { shop, customerId } } }),
  ]);
  if (!profile && !value) return null;
  const [currencyCode, orders, totalOrders] = await Promise.all([
    shopCurrency(db, shop),
    db.order.findMany({
      where: { shop, customerId },
      orderBy: [{ processedAt: "desc" }, { id: "desc" }],
      take: TIMELINE_LIMIT,
      select: {
        id: true,
        name: true,
        processedAt: true,
        totalMinor: true,
        refundedMinor: true,
        financialStatus: true,
        cancelledAt: true,
        test: true,
      },
    }),
    db.order.count({ where: { shop, customerId } }),
  ]);
  const lastOrderAt = value?.lastOrderAt ?? null;
  return {
    currencyCode,
    customerId,
    firstName: profile?.firstName ?? null,
    lastName: profile?.lastName ?? null,
    email: profile?.email ?? null,
    phone: profile?.phone ?? null,
    deletedAt: profile?.deletedAt?.toISOString() ?? null,
    redactedAt: profile?.redactedAt?.toISOString() ?? null,
    orderCount: value?.orderCount ?? 0,
    grossMinor: (value?.grossMinor ?? 0n).toString(),
    refundedMinor: (value?.refundedMinor ?? 0n).toString(),
    netRevenueMinor: (value?.netRevenueMinor ?? 0n).toString(),
    aovMinor: (value?.aovMinor ?? 0n).toString(),
    firstOrderAt: value?.firstOrderAt?.toISOString() ?? null,
    lastOrderAt: lastOrderAt?.toISOString() ?? null,
    tenureDays: value?.tenureDays ?? 0,
    expectedPurchases: value?.expectedPurchases ?? null,
    probabilityAlive: value?.probabilityAlive ?? null,
    expectedAovMinor: value?.expectedAovMinor?.toString() ?? null,
    predictedClvMinor: value?.predictedClvMinor?.toString() ?? null,
    segment: value?.segment ?? null,
    predictedAt: value?.predictedAt?.toISOString() ?? null,
    explanation: explainCustomer(
      {
        orderCount: value?.orderCount ?? 0,
        tenureDays: value?.tenureDays ?? 0,
        lastOrderAt,
        probabilityAlive: value?.probabilityAlive ?? null,
        expectedPurchases: value?.expectedPurchases ?? null,
      },
      now,
      locale,
    ),
    orders: orders.map((o) => ({
      id: o.id,
      name: o.name,
      processedAt: o.processedAt.toISOString(),
      totalMinor: o.totalMinor.toString(),
      refundedMinor: o.refundedMinor.toString(),
      netMinor: (o.totalMinor - o.refundedMinor).toString(),
      financialStatus: o.financialStatus,
      cancelled: o.cancelledAt !== null,
      test: o.test,
    })),
    totalOrders,
  };
}

export interface ExplainInput {
  orderCount: number;
  tenureDays: number;
  lastOrderAt: Date | null;
  probabilityAlive: number | null;
  expectedPurchases: number | null;
}

/**
 * P(alive) and the customer's rhythm in sentences a merchant can act on, e.g. "We estimate an 82% chance
 * this customer is still an active buyer and will order again. They usually order every ~6 weeks and
 * last ordered 3 weeks ago."
 */
export function explainCustomer(c: ExplainInput, now: Date, locale = "en-US"): string[] {
  const sentences: string[] = [];
  const sinceLast = c.lastOrderAt ? (now.getTime() - c.lastOrderAt.getTime()) / DAY_MS : null;
  const gap = c.orderCount >= 2 && c.tenureDays > 0 ? c.tenureDays / (c.orderCount - 1) : null;

  if (c.probabilityAlive === null) {
    sentences.push("No prediction yet: the model has not scored this customer (a refit scores every customer once the shop has enough repeat buyers).");
  } else {
    sentences.push(
      `We estimate ${article(c.probabilityAlive)} ${formatPercent(c.probabilityAlive, locale)} chance this customer is still an active buyer and will order again.`,
    );
  }

  if (c.orderCount === 0) {
    sentences.push("They have no counted orders (cancelled and test orders do not count).");
  } else if (c.orderCount === 1) {
    sentences.push(`They have ordered once${sinceLast !== null ? `, ${formatAgo(sinceLast)}` : ""}.`);
    if (c.probabilityAlive !== null) {
      sentences.push("With a single order there is no rhythm to go by yet, so the estimate leans on how the shop's other customers behave.");
    }
  } else {
    const rhythm = gap !== null ? `They usually order every ~${formatDays(gap)}` : `They placed ${c.orderCount} orders on the same day`;
    sentences.push(`${rhythm}${sinceLast !== null ? ` and last ordered ${formatAgo(sinceLast)}` : ""}.`);
    if (gap !== null && sinceLast !== null && c.probabilityAlive !== null) {
      if (sinceLast > 2 * gap && c.probabilityAlive < 0.5) {
        sentences.push("That is well beyond their usual gap between orders, which is why the estimate is low.");
      } else if (sinceLast <= gap) {
        sentences.push("They are within their usual gap between orders.");
      }
    }
  }

  if (c.expectedPurchases !== null) {
    sentences.push(`The model expects about ${formatNumber(c.expectedPurchases, locale, 1)} more orders from them in the next 12 months.`);
  }
  return sentences;
}

/** "an 82%", "an 8%", "an 11%", "a 64%": the English article for a spoken percentage. */
function article(probability: number): "a" | "an" {
  const n = Math.round(probability * 100);
  return n === 8 || n === 11 || n === 18 || (n >= 80 && n <= 89) ? "an" : "a";
}
