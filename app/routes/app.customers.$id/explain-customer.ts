// P(alive) and the customer's ordering rhythm in sentences a merchant can act on (the customer page).
import { formatAgo, formatDays, formatNumber, formatPercent } from "~/lib/format";

const DAY_MS = 86_400_000;

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
    sentences.push(
      "No prediction yet: the model has not scored this customer (a refit scores every customer once the shop has enough repeat buyers).",
    );
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
      sentences.push(
        "With a single order there is no rhythm to go by yet, so the estimate leans on how the shop's other customers behave.",
      );
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
