// What to write to Shopify for one customer after a refit: the $app metafields support and segment editors
// read, the clv: tags, and the Flow trigger once per at-risk episode — only what changed since the last
// successful write. The gateway batches the result (metafieldsSet takes 25 per call; tagsAdd/tagsRemove);
// a customer whose figures did not move costs no call at all. Definitions: docs/retention.md ("Sync").
import type { SegmentName } from "../clv/rfm.ts";
import { decimalOfMinor, roundToWholeUnits } from "./amounts.ts";
import { flowTriggerCall, type FlowTriggerCall } from "./flow.ts";

export const METAFIELD_NAMESPACE = "$app";

/**
 * Types chosen so Shopify's segment editor can filter on every field: it filters customer metafields of the
 * number, text, true/false and date types only, not money. Amounts are therefore decimals in the shop
 * currency's major unit ("181.09").
 */
export const RETENTION_METAFIELDS = {
  historic_value: "number_decimal",
  predicted_value_12m: "number_decimal",
  predicted_value_12m_low: "number_decimal",
  predicted_value_12m_high: "number_decimal",
  probability_order_12m: "number_decimal",
  probability_alive: "number_decimal",
  segment: "single_line_text_field",
  at_risk: "boolean",
  value_at_stake: "number_decimal",
  win_back_code: "single_line_text_field",
  win_back_expires_on: "date",
} as const;
export type RetentionMetafieldKey = keyof typeof RETENTION_METAFIELDS;

interface MetafieldDefinition {
  key: RetentionMetafieldKey;
  type: (typeof RETENTION_METAFIELDS)[RetentionMetafieldKey];
  name: string;
  description: string;
}

const definition = (key: RetentionMetafieldKey, name: string, description: string): MetafieldDefinition => ({
  key,
  type: RETENTION_METAFIELDS[key],
  name,
  description,
});

/** The definitions to declare ([customer.metafields.app.<key>] in shopify.app.toml), admin access merchant_read. */
export const RETENTION_METAFIELD_DEFINITIONS: readonly MetafieldDefinition[] = [
  definition("historic_value", "Historic value", "Net revenue of the customer's counted orders, shop currency"),
  definition(
    "predicted_value_12m",
    "Predicted 12-month value",
    "Discounted value of the purchases predicted over 12 months, shop currency (whole units)",
  ),
  definition(
    "predicted_value_12m_low",
    "Predicted 12-month value, low",
    "Lower end (10th percentile) of the predicted 12-month value, shop currency (whole units)",
  ),
  definition(
    "predicted_value_12m_high",
    "Predicted 12-month value, high",
    "Upper end (90th percentile) of the predicted 12-month value, shop currency (whole units)",
  ),
  definition(
    "probability_order_12m",
    "Chance of ordering in 12 months",
    "Model probability (0–1) of at least one order in the next 12 months",
  ),
  definition("probability_alive", "Chance still active", "Model probability (0–1) that the customer still buys; empty for one-time buyers"),
  definition("segment", "CLV segment", "RFM segment (Champions, Loyal, At risk, …)"),
  definition("at_risk", "At risk", "A valuable customer slipping away (the app's at-risk list)"),
  definition(
    "value_at_stake",
    "Value at stake",
    "Value if they stayed × chance they are gone, shop currency (whole units); 0 when not at risk",
  ),
  definition("win_back_code", "Win-back code", "Single-use discount code offered to win the customer back"),
  definition("win_back_expires_on", "Win-back code expires", "Last day the win-back code can be used"),
];

export const AT_RISK_TAG = "clv:at-risk";

/** One tag per RFM segment. "At risk" (the RFM cell) is not our model's at-risk flag, hence its own tag. */
export const SEGMENT_TAGS: Readonly<Record<SegmentName, string>> = {
  Champions: "clv:champion",
  Loyal: "clv:loyal",
  "Potential loyalist": "clv:potential-loyalist",
  New: "clv:new",
  Promising: "clv:promising",
  "Need attention": "clv:need-attention",
  "About to sleep": "clv:about-to-sleep",
  "At risk": "clv:at-risk-segment",
  "Can't lose": "clv:cant-lose",
  Hibernating: "clv:hibernating",
  Lost: "clv:lost",
};

/**
 * Segments tagged by default: the ones merchants act on. Each tag change costs two mutations and RFM
 * recency moves every night, so tagging all eleven would rewrite most customers daily; the `segment`
 * metafield carries all eleven for the segment editor anyway.
 */
export const DEFAULT_TAGGED_SEGMENTS: readonly SegmentName[] = ["Champions", "Loyal", "At risk", "Can't lose"];

/** Written-state key recording that this at-risk episode's Flow trigger was sent (no metafield key has a colon). */
export const FLOW_MARKER_KEY = "flow:valuable-customer-at-risk";

export interface RetentionCustomerState {
  /** "123" or "gid://shopify/Customer/123". */
  customerId: string;
  historicValueMinor: number;
  /** Null without a prediction (the metafield is deleted). */
  predictedValue12mMinor: number | null;
  /** The 10th–90th percentile of the predicted 12-month value; null or absent without an interval. */
  predictedValue12mLowMinor?: number | null;
  predictedValue12mHighMinor?: number | null;
  /** Probability of at least one order in the next 12 months; null or absent without a prediction. */
  probabilityOrder12m?: number | null;
  /** Null without a prediction, and for one-time buyers (the model gives them 1 by construction: not a figure to show support). */
  probabilityAlive: number | null;
  /** An RFM segment name; null when none. */
  segment: string | null;
  atRisk: boolean;
  valueAtStakeMinor: number;
  /** English reason (formatReasonsEnglish), sent with the Flow trigger. */
  reason: string;
  /** The customer's current win-back code (win-back.ts), or null. */
  winBack: { code: string; expiresOn: string } | null;
}

export interface RetentionMetafieldWrite {
  namespace: typeof METAFIELD_NAMESPACE;
  key: RetentionMetafieldKey;
  type: (typeof RETENTION_METAFIELDS)[RetentionMetafieldKey];
  value: string;
}

export interface RetentionSyncInput {
  /** Values last written (key → value, plus FLOW_MARKER_KEY), as stored after the previous successful sync; empty at first. */
  written: ReadonlyMap<string, string>;
  /** The customer's current tags in Shopify; only the clv: tags of SEGMENT_TAGS and AT_RISK_TAG are touched. */
  currentTags: readonly string[];
  state: RetentionCustomerState;
  currencyCode: string;
  /** Segments that get a tag (default DEFAULT_TAGGED_SEGMENTS); tags of the others are removed. */
  taggedSegments?: readonly SegmentName[];
  /**
   * Record a newly at-risk customer as notified without sending the trigger: for the first sync after
   * install, so that a shop's whole backlog of slipping customers does not start flows at once.
   */
  suppressFlowTrigger?: boolean;
}

export interface RetentionSyncDiff {
  metafieldsToSet: RetentionMetafieldWrite[];
  metafieldsToDelete: RetentionMetafieldKey[];
  tagsToAdd: string[];
  tagsToRemove: string[];
  /** flowTriggerReceive to send: the customer newly became at risk. */
  flowTrigger: FlowTriggerCall | null;
  /** How FLOW_MARKER_KEY changes once the diff is applied: set when an episode starts, cleared when it ends. */
  flowMarker: "set" | "clear" | null;
}

/** The metafield values a state should have; null where the metafield should not exist. */
export function desiredRetentionMetafields(state: RetentionCustomerState, currencyCode: string): Map<RetentionMetafieldKey, string | null> {
  const decimal = (minor: number) => decimalOfMinor(minor, currencyCode);
  const wholeUnits = (minor: number | null | undefined) =>
    minor === null || minor === undefined || !Number.isFinite(minor) ? null : decimal(roundToWholeUnits(minor, currencyCode));
  const probability = (value: number | null | undefined) =>
    value === null || value === undefined || !Number.isFinite(value) ? null : Math.min(1, Math.max(0, value)).toFixed(2);
  const p = state.probabilityAlive;
  return new Map<RetentionMetafieldKey, string | null>([
    ["historic_value", decimal(state.historicValueMinor)],
    [
      "predicted_value_12m",
      state.predictedValue12mMinor === null ? null : decimal(roundToWholeUnits(state.predictedValue12mMinor, currencyCode)),
    ],
    ["predicted_value_12m_low", wholeUnits(state.predictedValue12mLowMinor)],
    ["predicted_value_12m_high", wholeUnits(state.predictedValue12mHighMinor)],
    ["probability_order_12m", probability(state.probabilityOrder12m)],
    ["probability_alive", p === null || !Number.isFinite(p) ? null : Math.min(1, Math.max(0, p)).toFixed(2)],
    ["segment", state.segment],
    ["at_risk", state.atRisk ? "true" : "false"],
    ["value_at_stake", decimal(state.atRisk ? roundToWholeUnits(state.valueAtStakeMinor, currencyCode) : 0)],
    ["win_back_code", state.winBack?.code ?? null],
    ["win_back_expires_on", state.winBack?.expiresOn ?? null],
  ]);
}

/** The clv: tags a state should carry. */
export function desiredRetentionTags(
  state: RetentionCustomerState,
  taggedSegments: readonly SegmentName[] = DEFAULT_TAGGED_SEGMENTS,
): string[] {
  const tags: string[] = [];
  if (state.atRisk) tags.push(AT_RISK_TAG);
  const segment = taggedSegments.find((name) => name === state.segment);
  if (segment !== undefined) tags.push(SEGMENT_TAGS[segment]);
  return tags;
}

const MANAGED_TAGS = new Set([AT_RISK_TAG, ...Object.values(SEGMENT_TAGS)]);

export function retentionSyncDiff(input: RetentionSyncInput): RetentionSyncDiff {
  const metafieldsToSet: RetentionMetafieldWrite[] = [];
  const metafieldsToDelete: RetentionMetafieldKey[] = [];
  for (const [key, value] of desiredRetentionMetafields(input.state, input.currencyCode)) {
    const previous = input.written.get(key);
    if (value === null) {
      if (previous !== undefined) metafieldsToDelete.push(key);
    } else if (previous !== value) {
      metafieldsToSet.push({ namespace: METAFIELD_NAMESPACE, key, type: RETENTION_METAFIELDS[key], value });
    }
  }

  // Tags compare without case, as Shopify's do; the merchant's own tags, clv: or not, stay.
  const wanted = desiredRetentionTags(input.state, input.taggedSegments);
  const wantedFolded = new Set(wanted.map((tag) => tag.toLowerCase()));
  const currentFolded = new Set(input.currentTags.map((tag) => tag.toLowerCase()));
  const tagsToRemove = input.currentTags.filter((tag) => MANAGED_TAGS.has(tag.toLowerCase()) && !wantedFolded.has(tag.toLowerCase()));
  const tagsToAdd = wanted.filter((tag) => !currentFolded.has(tag));

  const notified = input.written.get(FLOW_MARKER_KEY) !== undefined;
  let flowTrigger: FlowTriggerCall | null = null;
  let flowMarker: RetentionSyncDiff["flowMarker"] = null;
  if (input.state.atRisk && !notified) {
    flowMarker = "set";
    if (!input.suppressFlowTrigger) {
      flowTrigger = flowTriggerCall({
        customerId: input.state.customerId,
        valueAtStakeMinor: input.state.valueAtStakeMinor,
        currencyCode: input.currencyCode,
        reason: input.state.reason,
      });
    }
  } else if (!input.state.atRisk && notified) {
    flowMarker = "clear";
  }
  return { metafieldsToSet, metafieldsToDelete, tagsToAdd, tagsToRemove, flowTrigger, flowMarker };
}

export function isEmptyRetentionSyncDiff(diff: RetentionSyncDiff): boolean {
  return (
    diff.metafieldsToSet.length + diff.metafieldsToDelete.length + diff.tagsToAdd.length + diff.tagsToRemove.length === 0 &&
    diff.flowTrigger === null &&
    diff.flowMarker === null
  );
}

/**
 * The written state once a diff was applied. The worker stores it after the metafield call succeeded, and
 * the marker only after flowTriggerReceive succeeded (or pass `flowSent: false` to keep the old marker, so
 * the next sync sends the trigger again).
 */
export function writtenAfterRetentionSync(
  written: ReadonlyMap<string, string>,
  diff: RetentionSyncDiff,
  options: { flowSent?: boolean } = {},
): Map<string, string> {
  const next = new Map(written);
  for (const write of diff.metafieldsToSet) next.set(write.key, write.value);
  for (const key of diff.metafieldsToDelete) next.delete(key);
  const flowSent = options.flowSent ?? true;
  if (diff.flowMarker === "set" && (diff.flowTrigger === null || flowSent)) next.set(FLOW_MARKER_KEY, "1");
  if (diff.flowMarker === "clear") next.delete(FLOW_MARKER_KEY);
  return next;
}
