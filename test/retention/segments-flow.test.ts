import { describe, expect, it } from "vitest";
import {
  desiredSegments,
  FLOW_FIELD_REASON,
  FLOW_FIELD_VALUE_AT_STAKE,
  FLOW_TRIGGER_EXTENSION_TOML,
  FLOW_TRIGGER_HANDLE,
  flowTriggerCall,
  isValidFlowFieldKey,
  segmentPlan,
  tagQuery,
  type ExistingSegment,
} from "../../app/retention/index.ts";

describe("segments kept in step", () => {
  const tiers = [
    { id: "t-silver", name: "Silver" },
    { id: "t-gold", name: "Gold" },
  ];

  it("queries the tags the app writes: at risk (valuable), champions, one per loyalty tier", () => {
    const { segments, skipped } = desiredSegments(tiers);
    expect(segments).toEqual([
      { key: "clv-at-risk-high-value", name: "CLV: At risk, high value", query: "customer_tags CONTAINS 'clv:at-risk'" },
      { key: "clv-champions", name: "CLV: Champions", query: "customer_tags CONTAINS 'clv:champion'" },
      { key: "loyalty-tier:t-silver", name: "Loyalty tier: Silver", query: "customer_tags CONTAINS 'tier:Silver'" },
      { key: "loyalty-tier:t-gold", name: "Loyalty tier: Gold", query: "customer_tags CONTAINS 'tier:Gold'" },
    ]);
    expect(skipped).toEqual([]);
  });

  it("refuses a tier name with a quote rather than guessing an escape", () => {
    expect(tagQuery("tier:Collector's")).toBeNull();
    expect(tagQuery("tier:back\\slash")).toBeNull();
    const { segments, skipped } = desiredSegments([{ id: "t-c", name: "Collector's" }]);
    expect(segments.map((segment) => segment.key)).toEqual(["clv-at-risk-high-value", "clv-champions"]);
    expect(skipped).toEqual([{ key: "loyalty-tier:t-c", name: "Loyalty tier: Collector's", reason: expect.stringContaining("quote") }]);
  });

  it("creates what is missing, updates a renamed tier, removes a deleted one, leaves the rest", () => {
    const existing: ExistingSegment[] = [
      {
        key: "clv-at-risk-high-value",
        segmentId: "gid://shopify/Segment/1",
        name: "CLV: At risk, high value",
        query: "customer_tags CONTAINS 'clv:at-risk'",
      },
      {
        key: "loyalty-tier:t-silver",
        segmentId: "gid://shopify/Segment/2",
        name: "Loyalty tier: Argent",
        query: "customer_tags CONTAINS 'tier:Argent'",
      },
      {
        key: "loyalty-tier:t-bronze",
        segmentId: "gid://shopify/Segment/3",
        name: "Loyalty tier: Bronze",
        query: "customer_tags CONTAINS 'tier:Bronze'",
      },
    ];
    const plan = segmentPlan(desiredSegments(tiers).segments, existing);
    expect(plan.create.map((segment) => segment.key)).toEqual(["clv-champions", "loyalty-tier:t-gold"]);
    expect(plan.update).toEqual([
      {
        key: "loyalty-tier:t-silver",
        segmentId: "gid://shopify/Segment/2",
        name: "Loyalty tier: Silver",
        query: "customer_tags CONTAINS 'tier:Silver'",
      },
    ]);
    expect(plan.remove.map((segment) => segment.segmentId)).toEqual(["gid://shopify/Segment/3"]);
    expect(plan.unchanged.map((segment) => segment.segmentId)).toEqual(["gid://shopify/Segment/1"]);
    // Applying the plan and planning again changes nothing.
    const after: ExistingSegment[] = [
      ...plan.unchanged,
      ...plan.update,
      ...plan.create.map((segment, index) => ({ ...segment, segmentId: `gid://shopify/Segment/${10 + index}` })),
    ];
    const again = segmentPlan(desiredSegments(tiers).segments, after);
    expect([again.create, again.update, again.remove]).toEqual([[], [], []]);
  });
});

describe("Flow trigger", () => {
  it("uses field keys Flow accepts (letters and spaces) and the same keys as its extension TOML", () => {
    for (const key of [FLOW_FIELD_VALUE_AT_STAKE, FLOW_FIELD_REASON]) {
      expect(isValidFlowFieldKey(key)).toBe(true);
      expect(FLOW_TRIGGER_EXTENSION_TOML).toContain(`key = "${key}"`);
    }
    expect(isValidFlowFieldKey("value_at_stake")).toBe(false);
    expect(isValidFlowFieldKey("Value at stake 2")).toBe(false);
    expect(FLOW_TRIGGER_HANDLE.length).toBeLessThanOrEqual(30);
    expect(FLOW_TRIGGER_HANDLE).toMatch(/^[a-z0-9-]+$/);
    expect(FLOW_TRIGGER_EXTENSION_TOML).toContain('type = "flow_trigger"');
    expect(FLOW_TRIGGER_EXTENSION_TOML).toContain('type = "customer_reference"');
  });

  it("builds the payload from a numeric id or a gid, in the currency's whole units, with a bounded reason", () => {
    const call = flowTriggerCall({
      customerId: "gid://shopify/Customer/8123456789",
      valueAtStakeMinor: 1_234_567,
      currencyCode: "JPY",
      reason: "x".repeat(300),
    });
    expect(call.payload.customer_id).toBe(8_123_456_789);
    expect(call.payload[FLOW_FIELD_VALUE_AT_STAKE]).toBe(1_234_567); // yen have no minor unit
    expect(call.payload[FLOW_FIELD_REASON]).toHaveLength(255);
    expect(
      flowTriggerCall({ customerId: "42", valueAtStakeMinor: 12_345, currencyCode: "EUR", reason: "r" }).payload["Value at stake"],
    ).toBe(123);
    expect(() => flowTriggerCall({ customerId: "not-an-id", valueAtStakeMinor: 1, currencyCode: "USD", reason: "" })).toThrow(RangeError);
  });
});
