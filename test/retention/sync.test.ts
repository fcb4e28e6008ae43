import { describe, expect, it } from "vitest";
import {
  FLOW_MARKER_KEY,
  isEmptyRetentionSyncDiff,
  RETENTION_METAFIELD_DEFINITIONS,
  retentionSyncDiff,
  writtenAfterRetentionSync,
  type RetentionCustomerState,
  type RetentionSyncInput,
} from "../../app/retention/index.ts";

const atRisk: RetentionCustomerState = {
  customerId: "gid://shopify/Customer/7001",
  historicValueMinor: 60_000,
  predictedValue12mMinor: 15_049,
  predictedValue12mLowMinor: 4_200,
  predictedValue12mHighMinor: 31_800,
  probabilityOrder12m: 0.41,
  probabilityAlive: 0.4,
  segment: "Champions",
  atRisk: true,
  valueAtStakeMinor: 32_228,
  reason: "ordered every ~10 weeks, nothing for 10 weeks",
  winBack: null,
};
const base: RetentionSyncInput = { written: new Map(), currentTags: [], state: atRisk, currencyCode: "USD" };

/** Apply a diff as the worker would: store the written values and update the tags. */
function applied(input: RetentionSyncInput): RetentionSyncInput {
  const diff = retentionSyncDiff(input);
  const removed = new Set(diff.tagsToRemove);
  return {
    ...input,
    written: writtenAfterRetentionSync(input.written, diff),
    currentTags: [...input.currentTags.filter((tag) => !removed.has(tag)), ...diff.tagsToAdd],
  };
}

describe("retention sync diff", () => {
  it("writes every field the first time, typed for the segment editor, with the at-risk and segment tags", () => {
    const diff = retentionSyncDiff(base);
    expect(diff.metafieldsToSet).toEqual([
      { namespace: "$app", key: "historic_value", type: "number_decimal", value: "600.00" },
      { namespace: "$app", key: "predicted_value_12m", type: "number_decimal", value: "150.00" }, // whole units
      { namespace: "$app", key: "predicted_value_12m_low", type: "number_decimal", value: "42.00" },
      { namespace: "$app", key: "predicted_value_12m_high", type: "number_decimal", value: "318.00" },
      { namespace: "$app", key: "probability_order_12m", type: "number_decimal", value: "0.41" },
      { namespace: "$app", key: "probability_alive", type: "number_decimal", value: "0.40" },
      { namespace: "$app", key: "segment", type: "single_line_text_field", value: "Champions" },
      { namespace: "$app", key: "at_risk", type: "boolean", value: "true" },
      { namespace: "$app", key: "value_at_stake", type: "number_decimal", value: "322.00" },
    ]);
    expect(diff.metafieldsToDelete).toEqual([]);
    expect(diff.tagsToAdd).toEqual(["clv:at-risk", "clv:champion"]);
    expect(diff.tagsToRemove).toEqual([]);
  });

  it("writes nothing when nothing changed, and only the changed value otherwise", () => {
    const synced = applied(base);
    expect(isEmptyRetentionSyncDiff(retentionSyncDiff(synced))).toBe(true);
    // Cents of a prediction do not count; a P(alive) change of a point does.
    const moved = retentionSyncDiff({ ...synced, state: { ...atRisk, predictedValue12mMinor: 14_990, probabilityAlive: 0.38 } });
    expect(moved.metafieldsToSet).toEqual([{ namespace: "$app", key: "probability_alive", type: "number_decimal", value: "0.38" }]);
    expect(moved.tagsToAdd).toEqual([]);
    expect(moved.tagsToRemove).toEqual([]);
    expect(moved.flowTrigger).toBeNull();
  });

  it("adds and removes tags as the states change, leaving the merchant's own tags alone", () => {
    const synced = applied({ ...base, currentTags: ["vip", "clv:wholesale"] });
    expect(synced.currentTags).toEqual(["vip", "clv:wholesale", "clv:at-risk", "clv:champion"]);
    // Recovered, and moved from Champions to Loyal.
    const recovered = retentionSyncDiff({ ...synced, state: { ...atRisk, atRisk: false, segment: "Loyal", valueAtStakeMinor: 0 } });
    expect(recovered.tagsToAdd).toEqual(["clv:loyal"]);
    expect(recovered.tagsToRemove).toEqual(["clv:at-risk", "clv:champion"]);
    expect(recovered.metafieldsToSet.map((write) => [write.key, write.value])).toEqual([
      ["segment", "Loyal"],
      ["at_risk", "false"],
      ["value_at_stake", "0.00"],
    ]);
    // A segment without a tag of its own (New) removes the old tag and adds none; case does not matter.
    const untagged = retentionSyncDiff({ ...synced, currentTags: ["CLV:Champion", "clv:at-risk"], state: { ...atRisk, segment: "New" } });
    expect(untagged.tagsToRemove).toEqual(["CLV:Champion"]);
    expect(untagged.tagsToAdd).toEqual([]);
    // The RFM "At risk" cell has its own tag, distinct from the model's at-risk flag.
    expect(retentionSyncDiff({ ...base, state: { ...atRisk, atRisk: false, segment: "At risk" } }).tagsToAdd).toEqual([
      "clv:at-risk-segment",
    ]);
    // The merchant may tag more segments.
    expect(retentionSyncDiff({ ...base, taggedSegments: ["New"], state: { ...atRisk, segment: "New" } }).tagsToAdd).toEqual([
      "clv:at-risk",
      "clv:new",
    ]);
  });

  it("deletes predictions that no longer exist", () => {
    const synced = applied(base);
    const diff = retentionSyncDiff({
      ...synced,
      state: {
        ...atRisk,
        predictedValue12mMinor: null,
        predictedValue12mLowMinor: null,
        predictedValue12mHighMinor: null,
        probabilityOrder12m: null,
        probabilityAlive: null,
      },
    });
    expect(diff.metafieldsToDelete).toEqual([
      "predicted_value_12m",
      "predicted_value_12m_low",
      "predicted_value_12m_high",
      "probability_order_12m",
      "probability_alive",
    ]);
    expect(diff.metafieldsToSet).toEqual([]);
    expect(writtenAfterRetentionSync(synced.written, diff).has("probability_alive")).toBe(false);
  });

  it("writes the win-back code while the customer has one, and deletes it after", () => {
    const synced = applied(base);
    const withCode = retentionSyncDiff({
      ...synced,
      state: { ...atRisk, winBack: { code: "WB-ABCD-EFGH-JKMN", expiresOn: "2026-12-31" } },
    });
    expect(withCode.metafieldsToSet).toEqual([
      { namespace: "$app", key: "win_back_code", type: "single_line_text_field", value: "WB-ABCD-EFGH-JKMN" },
      { namespace: "$app", key: "win_back_expires_on", type: "date", value: "2026-12-31" },
    ]);
    const later = { ...synced, written: writtenAfterRetentionSync(synced.written, withCode) };
    expect(retentionSyncDiff(later).metafieldsToDelete).toEqual(["win_back_code", "win_back_expires_on"]);
  });

  it("declares a definition for every field, none of them of a type the segment editor cannot filter", () => {
    const filterable = new Set(["number_decimal", "number_integer", "single_line_text_field", "boolean", "date"]);
    expect(RETENTION_METAFIELD_DEFINITIONS.map((definition) => definition.key).sort()).toEqual(
      [
        ...new Set(
          retentionSyncDiff({ ...base, state: { ...atRisk, winBack: { code: "X", expiresOn: "2026-01-01" } } }).metafieldsToSet.map(
            (w) => w.key,
          ),
        ),
      ].sort(),
    );
    for (const definition of RETENTION_METAFIELD_DEFINITIONS) expect(filterable.has(definition.type)).toBe(true);
  });
});

describe("Flow trigger: once per at-risk episode", () => {
  it("fires when the customer newly becomes at risk, with the customer reference and the value at stake (whole units, as the metafield)", () => {
    const diff = retentionSyncDiff(base);
    expect(diff.flowTrigger).toEqual({
      handle: "valuable-customer-at-risk",
      payload: { customer_id: 7001, "Value at stake": 322, Reason: "ordered every ~10 weeks, nothing for 10 weeks" },
    });
    expect(diff.flowMarker).toBe("set");
  });

  it("does not fire again while the episode lasts, and fires again for a new episode", () => {
    const first = applied(base);
    expect(first.written.get(FLOW_MARKER_KEY)).toBeDefined();
    const second = retentionSyncDiff({ ...first, state: { ...atRisk, valueAtStakeMinor: 40_000, probabilityAlive: 0.3 } });
    expect(second.flowTrigger).toBeNull();
    expect(second.flowMarker).toBeNull();
    // Back to safety: the marker is cleared (no trigger).
    const recovered = applied({ ...first, state: { ...atRisk, atRisk: false, valueAtStakeMinor: 0 } });
    expect(recovered.written.has(FLOW_MARKER_KEY)).toBe(false);
    // Slipping again later: a new episode, a new trigger.
    const again = retentionSyncDiff({ ...recovered, state: atRisk });
    expect(again.flowTrigger).not.toBeNull();
  });

  it("never fires for customers who are not at risk", () => {
    const diff = retentionSyncDiff({ ...base, state: { ...atRisk, atRisk: false } });
    expect(diff.flowTrigger).toBeNull();
    expect(diff.flowMarker).toBeNull();
  });

  it("can mark without sending (first sync after install), and resends if the call failed", () => {
    const suppressed = retentionSyncDiff({ ...base, suppressFlowTrigger: true });
    expect(suppressed.flowTrigger).toBeNull();
    expect(suppressed.flowMarker).toBe("set");
    expect(writtenAfterRetentionSync(new Map(), suppressed).has(FLOW_MARKER_KEY)).toBe(true);

    const diff = retentionSyncDiff(base);
    const written = writtenAfterRetentionSync(new Map(), diff, { flowSent: false });
    expect(written.has(FLOW_MARKER_KEY)).toBe(false);
    expect(written.get("at_risk")).toBe("true");
    expect(retentionSyncDiff({ ...base, written, currentTags: ["clv:at-risk", "clv:champion"] }).flowTrigger).not.toBeNull();
  });
});
