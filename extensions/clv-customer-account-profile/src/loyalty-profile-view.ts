// What the shopper sees on their Profile page, from their `$app` loyalty metafields: pure, no Shopify API.
// Every part has a text when its value is missing (a customer the write-back has not reached yet, a ladder
// without a next tier), so the block never shows a blank, "NaN" or "undefined".
import type { Formatters, Translate } from "./formatting";
import { numberValue, textValue, type MetafieldValues } from "./metafield-values";

export interface LoyaltyProfileView {
  tierLabel: string;
  /** The tier's name, or the "no tier yet" text. */
  tierText: string;
  hasTier: boolean;
  pointsText: string;
  /** 0–100 for the progress bar; null when there is no bar to draw (top tier, no ladder, not synced). */
  progressPercent: number | null;
  progressText: string;
  referralCode: string | null;
  referralText: string;
}

/** A money metafield's value: {"amount":"40.00","currency_code":"EUR"}. */
export function moneyValue(values: MetafieldValues, key: string): { amount: number; currencyCode: string } | null {
  const raw = textValue(values, key);
  if (raw === null) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== "object" || parsed === null) return null;
    const { amount, currency_code: currencyCode } = parsed as { amount?: unknown; currency_code?: unknown };
    const n = typeof amount === "string" || typeof amount === "number" ? Number(amount) : NaN;
    if (!Number.isFinite(n) || typeof currencyCode !== "string" || !/^[A-Z]{3}$/.test(currencyCode)) return null;
    return { amount: n, currencyCode };
  } catch {
    return null;
  }
}

export function loyaltyProfileView(metafields: MetafieldValues, t: Translate, format: Formatters): LoyaltyProfileView {
  const tier = textValue(metafields, "tier");
  const points = numberValue(metafields, "points_balance");
  const nextTier = textValue(metafields, "next_tier");
  const amountToNext = moneyValue(metafields, "amount_to_next_tier");
  const ordersToNext = numberValue(metafields, "orders_to_next_tier");
  const pointsToNext = numberValue(metafields, "points_to_next_tier");
  const percent = numberValue(metafields, "tier_progress_percent");
  const referralCode = textValue(metafields, "referral_code");

  const wholePoints = points === null ? null : Math.trunc(points);
  const pointsText =
    wholePoints === null ? t("points.missing") : t("points.balance", { count: wholePoints, points: format.integer(wholePoints) });

  let progressText: string;
  if (nextTier !== null) {
    if (amountToNext !== null && amountToNext.amount > 0) {
      progressText = t("progress.spend", { amount: format.money(amountToNext.amount, amountToNext.currencyCode), tier: nextTier });
    } else if (ordersToNext !== null && ordersToNext > 0) {
      const orders = Math.ceil(ordersToNext);
      progressText = t("progress.orders", { count: orders, orders: format.integer(orders), tier: nextTier });
    } else if (pointsToNext !== null && pointsToNext > 0) {
      const needed = Math.ceil(pointsToNext);
      progressText = t("progress.points", { count: needed, points: format.integer(needed), tier: nextTier });
    } else {
      progressText = t("progress.next", { tier: nextTier });
    }
  } else {
    // The write-back deletes next_tier at the top of the ladder; without a tier either, nothing is synced yet.
    progressText = tier !== null ? t("progress.top") : t("progress.notStarted");
  }

  return {
    tierLabel: t("tier.label"),
    tierText: tier ?? t("tier.missing"),
    hasTier: tier !== null,
    pointsText,
    progressPercent: nextTier !== null && percent !== null ? Math.min(100, Math.max(0, Math.round(percent))) : null,
    progressText,
    referralCode,
    referralText: referralCode !== null ? t("referral.share") : t("referral.missing"),
  };
}
