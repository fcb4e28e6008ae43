// What the customer-page block shows, from the customer's `$app` metafields: pure, no Shopify API. Every
// row has a text, a missing value included, so support staff never read a blank, "NaN" or "undefined".
// Amounts are decimals in the shop currency's major unit (app/retention/amounts.ts writes them so).
import type { Formatters, Translate } from "./formatting";
import { booleanValue, dateValue, numberValue, textValue, type MetafieldValues } from "./metafield-values";

export type BadgeTone = "critical" | "success" | "info" | "neutral" | "warning" | "caution";

export interface ValueRow {
  id: string;
  label: string;
  value: string;
  /** True when `value` is the missing-value text. */
  missing: boolean;
  /** A second line (the prediction's range, the progress to the next tier). */
  detail: string | null;
}

export interface ValueBadge {
  label: string;
  tone: BadgeTone;
}

export interface CustomerValueView {
  /** The admin block's collapsed summary. */
  summary: string;
  badges: ValueBadge[];
  /** Shown above the rows when the customer is at risk. */
  atRiskMessage: string | null;
  /** Shown instead of the rows when the app has written nothing for this customer yet. */
  emptyMessage: string | null;
  rows: ValueRow[];
}

export interface CustomerValueInput {
  metafields: MetafieldValues;
  /** The shop's currency (ISO 4217); null when unknown, amounts are then shown as plain numbers. */
  currencyCode: string | null;
}

/** The RFM segments app/clv/rfm.ts names, to their locale keys; another name is shown as written. */
const SEGMENT_KEYS: ReadonlyMap<string, string> = new Map([
  ["Champions", "segments.champions"],
  ["Loyal", "segments.loyal"],
  ["Potential loyalist", "segments.potentialLoyalist"],
  ["New", "segments.new"],
  ["Promising", "segments.promising"],
  ["Need attention", "segments.needAttention"],
  ["About to sleep", "segments.aboutToSleep"],
  ["At risk", "segments.atRisk"],
  ["Can't lose", "segments.cantLose"],
  ["Hibernating", "segments.hibernating"],
  ["Lost", "segments.lost"],
]);

const clampFraction = (p: number) => Math.min(1, Math.max(0, p));

export function customerValueView(input: CustomerValueInput, t: Translate, format: Formatters): CustomerValueView {
  const values = input.metafields;
  const money = (amount: number) =>
    input.currencyCode === null ? format.integer(Math.round(amount)) : format.money(amount, input.currencyCode);
  const row = (id: string, labelKey: string, value: string | null, missingKey: string, detail: string | null = null): ValueRow => ({
    id,
    label: t(labelKey),
    value: value ?? t(missingKey),
    missing: value === null,
    detail,
  });

  const historic = numberValue(values, "historic_value");
  const predicted = numberValue(values, "predicted_value_12m");
  const low = numberValue(values, "predicted_value_12m_low");
  const high = numberValue(values, "predicted_value_12m_high");
  const pOrder = numberValue(values, "probability_order_12m");
  const pAlive = numberValue(values, "probability_alive");
  const segment = textValue(values, "segment");
  const atRisk = booleanValue(values, "at_risk");
  const atStake = numberValue(values, "value_at_stake");
  const winBackCode = textValue(values, "win_back_code");
  const winBackDay = dateValue(values, "win_back_expires_on");
  const tier = textValue(values, "tier");
  const points = numberValue(values, "points_balance");
  const nextTier = textValue(values, "next_tier");
  const progress = numberValue(values, "tier_progress_percent");

  const rangeDetail =
    predicted === null
      ? null
      : low !== null && high !== null && low <= high
        ? t("rows.predicted.range", { low: money(low), high: money(high) })
        : t("rows.predicted.rangeMissing");

  const segmentKey = segment === null ? undefined : SEGMENT_KEYS.get(segment);
  const segmentText = segment === null ? null : segmentKey ? t(segmentKey) : segment;

  const atRiskText =
    atRisk === null
      ? null
      : atRisk
        ? atStake !== null && atStake > 0
          ? t("rows.atRisk.yesWithStake", { amount: money(atStake) })
          : t("rows.atRisk.yes")
        : t("rows.atRisk.no");

  const winBackText =
    winBackCode === null
      ? null
      : winBackDay === null
        ? winBackCode
        : t("rows.winBack.codeUntil", { code: winBackCode, date: format.day(winBackDay) });

  const pointsText =
    points === null ? null : t("rows.points.value", { count: Math.trunc(points), points: format.integer(Math.trunc(points)) });

  // Next tier: the write-back deletes next_tier (and the progress) at the top of the ladder.
  let tierDetail: string | null = null;
  if (nextTier !== null) {
    tierDetail =
      progress === null
        ? t("rows.tier.next", { tier: nextTier })
        : t("rows.tier.progress", { percent: format.percent(clampFraction(progress / 100)), tier: nextTier });
  } else if (tier !== null) {
    tierDetail = t("rows.tier.top");
  }

  const rows: ValueRow[] = [
    row("historic", "rows.historic.label", historic === null ? null : money(historic), "rows.historic.missing"),
    row("predicted", "rows.predicted.label", predicted === null ? null : money(predicted), "rows.predicted.missing", rangeDetail),
    row(
      "probabilityOrder",
      "rows.probabilityOrder.label",
      pOrder === null ? null : format.percent(clampFraction(pOrder)),
      "rows.probabilityOrder.missing",
    ),
    row(
      "probabilityAlive",
      "rows.probabilityAlive.label",
      pAlive === null ? null : format.percent(clampFraction(pAlive)),
      "rows.probabilityAlive.missing",
    ),
    row("segment", "rows.segment.label", segmentText, "rows.segment.missing"),
    row("atRisk", "rows.atRisk.label", atRiskText, "rows.atRisk.missing"),
    row("winBack", "rows.winBack.label", winBackText, "rows.winBack.missing"),
    row("tier", "rows.tier.label", tier, "rows.tier.missing", tierDetail),
    row("points", "rows.points.label", pointsText, "rows.points.missing"),
  ];

  const badges: ValueBadge[] = [];
  if (atRisk === true) badges.push({ label: t("badges.atRisk"), tone: "critical" });
  if (segmentText !== null) badges.push({ label: segmentText, tone: "info" });
  if (tier !== null) badges.push({ label: tier, tone: "success" });

  const empty = values.size === 0 || rows.every((r) => r.missing);
  const summaryParts: string[] = [];
  if (predicted !== null) summaryParts.push(t("summary.predicted", { amount: money(predicted) }));
  if (atRisk === true) summaryParts.push(t("badges.atRisk"));
  if (tier !== null) summaryParts.push(tier);

  return {
    summary: summaryParts.length > 0 ? summaryParts.join(" · ") : t("summary.none"),
    badges,
    atRiskMessage:
      atRisk === true
        ? atStake !== null && atStake > 0
          ? t("atRiskBanner.withStake", { amount: money(atStake) })
          : t("atRiskBanner.plain")
        : null,
    emptyMessage: empty ? t("empty") : null,
    rows,
  };
}
