// The Admin API double's write-back surface for loyalty and retention: code and automatic discounts,
// segments, Flow triggers, app-data metafields and metafield definitions — Shopify's shapes and
// userErrors, the cost in the request log, read-back through the control API, and injected faults.
// (Staged uploads, bulk mutations and products: admin-api-double-bulk.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { METAFIELDS_SET } from "../../app/shopify/metafield-operations";
import { DEFAULT_COSTS } from "../../testkit/admin-api-double/index";
import { startDoubleHarness, type DoubleHarness } from "../../testkit/admin-api-double/test-harness";

const SHOP = "writes-shop.myshopify.com";
const TOKEN = "shpat_writes";
const LIMITED = "readonly-shop.myshopify.com";
const LIMITED_TOKEN = "shpat_readonly";
const SYNTHETIC = { orders: 300, seed: 21, products: 60 };
const AT_RISK = "valuable-customer-at-risk";

let harness: DoubleHarness;
let double: DoubleHarness["double"];
const gql: DoubleHarness["gql"] = (...args) => harness.gql(...args);
const logged: DoubleHarness["logged"] = (run) => harness.logged(run);

beforeAll(async () => {
  harness = await startDoubleHarness({
    token: TOKEN,
    apiSecret: "writes-webhook-secret",
    shops: [
      { shop: SHOP, accessToken: TOKEN, currencyCode: "USD", synthetic: SYNTHETIC },
      { shop: LIMITED, accessToken: LIMITED_TOKEN, scopes: ["read_orders", "read_customers"], synthetic: SYNTHETIC },
    ],
    // A Plus-sized bucket: these tests send many calls; the throttling test uses a shop of its own.
    throttle: { maximumAvailable: 20_000, restoreRate: 1_000 },
    flowTriggers: [{ handle: AT_RISK, fields: [{ type: "customer_reference" }, { type: "number_decimal", key: "Value at stake" }] }],
  });
  double = harness.double;
});

afterAll(async () => {
  await harness?.close();
});

// ---------------------------------------------------------------------------------------------------

const CODE_CREATE = /* GraphQL */ `
  mutation CreateCode($input: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $input) {
      codeDiscountNode {
        id
        codeDiscount {
          __typename
          ... on DiscountCodeBasic {
            title
            status
            usageLimit
            appliesOncePerCustomer
            codes(first: 1) {
              nodes {
                code
              }
            }
            context {
              __typename
              ... on DiscountCustomers {
                customers {
                  id
                }
              }
            }
            customerGets {
              value {
                __typename
                ... on DiscountPercentage {
                  percentage
                }
                ... on DiscountAmount {
                  amount {
                    amount
                    currencyCode
                  }
                  appliesOnEachItem
                }
              }
              items {
                __typename
              }
            }
            minimumRequirement {
              ... on DiscountMinimumSubtotal {
                greaterThanOrEqualToSubtotal {
                  amount
                }
              }
            }
          }
        }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

const customer = "gid://shopify/Customer/7100000000555";
const redemption = (code: string) => ({
  title: `Reward ${code}`,
  code,
  startsAt: "2026-01-01T00:00:00Z",
  usageLimit: 1,
  appliesOncePerCustomer: true,
  context: { customers: { add: [customer] } },
  customerGets: { value: { percentage: 0.1 }, items: { all: true } },
});

describe("code discounts", () => {
  it("creates a single-use code limited to one customer, costs 10, and reads it back", async () => {
    let r: Awaited<ReturnType<typeof gql>> | undefined;
    const log = await logged(async () => (r = await gql(CODE_CREATE, { input: redemption("LOYAL-500-A1") })));
    expect(r!.body.data.discountCodeBasicCreate).toEqual({
      codeDiscountNode: {
        id: expect.stringMatching(/^gid:\/\/shopify\/DiscountCodeNode\/\d+$/),
        codeDiscount: {
          __typename: "DiscountCodeBasic",
          title: "Reward LOYAL-500-A1",
          status: "ACTIVE",
          usageLimit: 1,
          appliesOncePerCustomer: true,
          codes: { nodes: [{ code: "LOYAL-500-A1" }] },
          context: { __typename: "DiscountCustomers", customers: [{ id: customer }] },
          customerGets: { value: { __typename: "DiscountPercentage", percentage: 0.1 }, items: { __typename: "AllDiscountItems" } },
          minimumRequirement: null,
        },
      },
      userErrors: [],
    });
    expect(log).toEqual([expect.objectContaining({ rootFields: ["discountCodeBasicCreate"], requestedQueryCost: 10, outcome: "ok" })]);
    const [stored] = double.control.getDiscounts(SHOP);
    expect(stored).toMatchObject({
      kind: "code",
      codes: ["LOYAL-500-A1"],
      usageLimit: 1,
      context: { type: "customers", ids: [customer] },
      value: { type: "percentage", percentage: 0.1 },
      startsAt: "2026-01-01T00:00:00Z",
      endsAt: null,
    });

    // Looked up by code, case-insensitively. Cost: the node 1 + codeDiscount 1 + codes(first: 1) 2 + 1 = 5.
    const query = `query($code: String!) { codeDiscountNodeByCode(code: $code) { id codeDiscount { ... on DiscountCodeBasic { title codes(first: 1) { nodes { code } } } } } }`;
    const byCode = await gql(query, { code: "loyal-500-a1" });
    expect(byCode.body.data.codeDiscountNodeByCode).toEqual({
      id: stored.id,
      codeDiscount: { title: "Reward LOYAL-500-A1", codes: { nodes: [{ code: "LOYAL-500-A1" }] } },
    });
    expect(byCode.body.extensions.cost.requestedQueryCost).toBe(5);
    const missing = await gql(query, { code: "NOPE" });
    expect(missing.body.data.codeDiscountNodeByCode).toBeNull();
    const viaNode = await gql(`query($id: ID!) { node(id: $id) { ... on DiscountCodeNode { id } } }`, { id: stored.id });
    expect(viaNode.body.data.node).toEqual({ id: stored.id });
  });

  it("refuses a code that exists (any case) with TAKEN and stores nothing", async () => {
    const r = await gql(CODE_CREATE, { input: redemption("loyal-500-a1") });
    expect(r.body.data.discountCodeBasicCreate).toEqual({
      codeDiscountNode: null,
      userErrors: [{ field: ["basicCodeDiscount", "code"], message: "Code must be unique. Please try a different code.", code: "TAKEN" }],
    });
    expect(double.control.getDiscounts(SHOP)).toHaveLength(1);
    expect(double.control.requests.at(-1)).toMatchObject({ outcome: "user-error", requestedQueryCost: 10 });
  });

  it("reports every invalid input field, under the argument's name", async () => {
    const r = await gql(CODE_CREATE, {
      input: { title: " ", code: "X1", customerGets: { value: { percentage: 1.5 }, items: { all: true } }, endsAt: "2020-01-01T00:00:00Z" },
    });
    const errors = r.body.data.discountCodeBasicCreate.userErrors;
    expect(errors).toEqual([
      { field: ["basicCodeDiscount", "title"], message: "Title can't be blank", code: "BLANK" },
      { field: ["basicCodeDiscount", "endsAt"], message: "Ends at needs to be after starts_at", code: "INVALID" },
      { field: ["basicCodeDiscount", "context"], message: "Context can't be blank", code: "BLANK" },
      {
        field: ["basicCodeDiscount", "customerGets", "value", "percentage"],
        message: "Value must be between 0.0 and 1.0",
        code: "VALUE_OUTSIDE_RANGE",
      },
    ]);
    const both = await gql(CODE_CREATE, {
      input: {
        ...redemption("X2"),
        context: { all: "ALL", customers: { add: [customer] } },
        minimumRequirement: { quantity: { greaterThanOrEqualToQuantity: 2 }, subtotal: { greaterThanOrEqualToSubtotal: "10.00" } },
      },
    });
    expect(both.body.data.discountCodeBasicCreate.userErrors.map((e: { code: string }) => e.code)).toEqual([
      "TOO_MANY_ARGUMENTS",
      "MINIMUM_SUBTOTAL_AND_QUANTITY_RANGE_BOTH_PRESENT",
    ]);
  });

  it("takes an amount off chosen catalogue products with a minimum subtotal, and refuses unknown products", async () => {
    const [product] = double.control.products(SHOP);
    const input = {
      ...redemption("OFFER-5"),
      context: { all: "ALL" },
      customerGets: {
        value: { discountAmount: { amount: "5.00", appliesOnEachItem: false } },
        items: { products: { productsToAdd: [product.id] } },
      },
      minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "40.00" } },
    };
    const r = await gql(CODE_CREATE, { input });
    expect(r.body.data.discountCodeBasicCreate.userErrors).toEqual([]);
    expect(r.body.data.discountCodeBasicCreate.codeDiscountNode.codeDiscount).toMatchObject({
      context: { __typename: "DiscountBuyerSelectionAll" },
      customerGets: {
        value: { __typename: "DiscountAmount", amount: { amount: "5.00", currencyCode: "USD" }, appliesOnEachItem: false },
        items: { __typename: "DiscountProducts" },
      },
      minimumRequirement: { greaterThanOrEqualToSubtotal: { amount: "40.00" } },
    });
    const unknown = await gql(CODE_CREATE, {
      input: {
        ...input,
        code: "OFFER-6",
        customerGets: { ...input.customerGets, items: { products: { productsToAdd: ["gid://shopify/Product/1"] } } },
      },
    });
    expect(unknown.body.data.discountCodeBasicCreate.userErrors).toEqual([
      {
        field: ["basicCodeDiscount", "customerGets", "items", "products", "productsToAdd"],
        message: "Product gid://shopify/Product/1 does not exist",
        code: "INVALID",
      },
    ]);
  });

  it("updates and deletes a code discount; a deleted code can be used again", async () => {
    const { id } = double.control.getDiscounts(SHOP).find((d) => d.codes[0] === "OFFER-5")!;
    const update = await gql(
      `mutation($id: ID!, $input: DiscountCodeBasicInput!) { discountCodeBasicUpdate(id: $id, basicCodeDiscount: $input) { codeDiscountNode { id } userErrors { field message code } } }`,
      { id, input: { title: "Offer, renamed", endsAt: "2030-01-01T00:00:00Z" } },
    );
    expect(update.body.data.discountCodeBasicUpdate).toEqual({ codeDiscountNode: { id }, userErrors: [] });
    expect(double.control.getDiscounts(SHOP).find((d) => d.id === id)).toMatchObject({
      title: "Offer, renamed",
      endsAt: "2030-01-01T00:00:00Z",
      codes: ["OFFER-5"],
    });
    const remove = `mutation($id: ID!) { discountCodeDelete(id: $id) { deletedCodeDiscountId userErrors { field message code } } }`;
    expect((await gql(remove, { id })).body.data.discountCodeDelete).toEqual({ deletedCodeDiscountId: id, userErrors: [] });
    expect((await gql(remove, { id })).body.data.discountCodeDelete).toEqual({
      deletedCodeDiscountId: null,
      userErrors: [{ field: ["id"], message: "Discount does not exist", code: "INVALID" }],
    });
    const again = await gql(CODE_CREATE, { input: { ...redemption("OFFER-5") } });
    expect(again.body.data.discountCodeBasicCreate.userErrors).toEqual([]);
  });

  it("reads the discounts back over the control API's HTTP routes too", async () => {
    const overHttp = (await (await fetch(`${double.origin}/__control/discounts?shop=${SHOP}`)).json()) as { codes: string[] }[];
    expect(overHttp.map((d) => d.codes)).toEqual(double.control.getDiscounts(SHOP).map((d) => d.codes));
    expect(overHttp.flatMap((d) => d.codes)).toContain("LOYAL-500-A1");
  });

  it("needs write_discounts", async () => {
    const r = await gql(CODE_CREATE, { input: redemption("DENIED-1") }, LIMITED_TOKEN);
    expect(r.body.data.discountCodeBasicCreate).toBeNull();
    expect(r.body.errors[0]).toMatchObject({ path: ["discountCodeBasicCreate"], extensions: { code: "ACCESS_DENIED" } });
  });
});

// ---------------------------------------------------------------------------------------------------

const SEGMENT_CREATE = `mutation($name: String!, $query: String!) { segmentCreate(name: $name, query: $query) { segment { id name query } userErrors { field message } } }`;
const SEGMENT_UPDATE = `mutation($id: ID!, $name: String, $query: String) { segmentUpdate(id: $id, name: $name, query: $query) { segment { id name query } userErrors { field message } } }`;

async function createSegment(name: string, query: string): Promise<string> {
  const r = await gql(SEGMENT_CREATE, { name, query });
  expect(r.body.data.segmentCreate.userErrors).toEqual([]);
  return r.body.data.segmentCreate.segment.id;
}

describe("segments", () => {
  it("creates a segment, costs 10, and keeps it", async () => {
    let r: Awaited<ReturnType<typeof gql>> | undefined;
    const log = await logged(
      async () => (r = await gql(SEGMENT_CREATE, { name: "CLV: at risk, high value", query: "customer_tags CONTAINS 'clv:at-risk'" })),
    );
    expect(r!.body.data.segmentCreate).toEqual({
      segment: {
        id: expect.stringMatching(/^gid:\/\/shopify\/Segment\/\d+$/),
        name: "CLV: at risk, high value",
        query: "customer_tags CONTAINS 'clv:at-risk'",
      },
      userErrors: [],
    });
    expect(log).toEqual([expect.objectContaining({ rootFields: ["segmentCreate"], requestedQueryCost: 10, outcome: "ok" })]);
    expect(double.control.getSegments(SHOP).map((s) => [s.name, s.query])).toEqual([
      ["CLV: at risk, high value", "customer_tags CONTAINS 'clv:at-risk'"],
    ]);
  });

  it("refuses a taken name, a blank name and a query with an unknown filter", async () => {
    const taken = await gql(SEGMENT_CREATE, { name: "clv: AT RISK, high value", query: "number_of_orders > 2" });
    expect(taken.body.data.segmentCreate).toEqual({
      segment: null,
      userErrors: [{ field: ["name"], message: "Name has already been taken" }],
    });
    const bad = await gql(SEGMENT_CREATE, { name: " ", query: "customer_tag CONTAINS 'x'" });
    expect(bad.body.data.segmentCreate.userErrors).toEqual([
      { field: ["name"], message: "Name can't be blank" },
      { field: ["query"], message: "Query Line 1 Column 0: 'customer_tag' filter cannot be found." },
    ]);
    const noOperator = await gql(SEGMENT_CREATE, { name: "Champions", query: "amount_spent > 500 AND customer_tags 'vip'" });
    expect(noOperator.body.data.segmentCreate.userErrors[0].message).toMatch(/'customer_tags' needs a comparison/);
    const unbalanced = await gql(SEGMENT_CREATE, { name: "Champions", query: "customer_tags CONTAINS 'vip" });
    expect(unbalanced.body.data.segmentCreate.userErrors).toEqual([{ field: ["query"], message: "Query Line 1: unterminated string." }]);
    expect(double.control.getSegments(SHOP)).toHaveLength(1);
  });

  it("accepts metafield filters, updates name and query, lists with pagination, and deletes", async () => {
    const champions = await createSegment("CLV: champions", "metafields.app--1234567.segment = 'champion' AND number_of_orders >= 3");
    const gold = await createSegment("Tier: gold", "customer_tags CONTAINS 'tier:gold'");
    const updated = await gql(SEGMENT_UPDATE, {
      id: gold,
      query: "customer_tags CONTAINS 'tier:gold' OR customer_tags CONTAINS 'tier:platinum'",
    });
    expect(updated.body.data.segmentUpdate).toEqual({
      segment: { id: gold, name: "Tier: gold", query: "customer_tags CONTAINS 'tier:gold' OR customer_tags CONTAINS 'tier:platinum'" },
      userErrors: [],
    });
    const clash = await gql(SEGMENT_UPDATE, { id: gold, name: "CLV: champions" });
    expect(clash.body.data.segmentUpdate.userErrors).toEqual([{ field: ["name"], message: "Name has already been taken" }]);

    const page = `query($after: String) { segments(first: 2, after: $after) { nodes { id name } pageInfo { hasNextPage endCursor } } }`;
    const first = await gql(page);
    expect(first.body.data.segments.nodes.map((s: { name: string }) => s.name)).toEqual(["CLV: at risk, high value", "CLV: champions"]);
    expect(first.body.data.segments.pageInfo.hasNextPage).toBe(true);
    // Cost: 2 + 2 segments × 1.
    expect(first.body.extensions.cost.requestedQueryCost).toBe(4);
    const second = await gql(page, { after: first.body.data.segments.pageInfo.endCursor });
    expect(second.body.data.segments).toEqual({
      nodes: [{ id: gold, name: "Tier: gold" }],
      pageInfo: { hasNextPage: false, endCursor: expect.any(String) },
    });

    const remove = `mutation($id: ID!) { segmentDelete(id: $id) { deletedSegmentId userErrors { field message } } }`;
    expect((await gql(remove, { id: champions })).body.data.segmentDelete).toEqual({ deletedSegmentId: champions, userErrors: [] });
    expect((await gql(`query($id: ID!) { segment(id: $id) { id } }`, { id: champions })).body.data.segment).toBeNull();
    expect((await gql(SEGMENT_UPDATE, { id: champions, name: "x" })).body.data.segmentUpdate.userErrors).toEqual([
      { field: ["id"], message: "Segment does not exist" },
    ]);
    expect(double.control.getSegments(SHOP).map((s) => s.name)).toEqual(["CLV: at risk, high value", "Tier: gold"]);
  });

  it("needs write_customers to write", async () => {
    const r = await gql(SEGMENT_CREATE, { name: "x", query: "number_of_orders > 1" }, LIMITED_TOKEN);
    expect(r.body.errors[0]).toMatchObject({ message: expect.stringContaining("write_customers"), extensions: { code: "ACCESS_DENIED" } });
  });
});

// ---------------------------------------------------------------------------------------------------

const AUTOMATIC_CREATE = /* GraphQL */ `
  mutation ($input: DiscountAutomaticBasicInput!) {
    discountAutomaticBasicCreate(automaticBasicDiscount: $input) {
      automaticDiscountNode {
        id
        automaticDiscount {
          ... on DiscountAutomaticBasic {
            title
            status
            context {
              ... on DiscountCustomerSegments {
                segments {
                  id
                  name
                }
              }
            }
          }
        }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;
const AUTOMATIC_UPDATE = /* GraphQL */ `
  mutation ($id: ID!, $input: DiscountAutomaticBasicInput!) {
    discountAutomaticBasicUpdate(id: $id, automaticBasicDiscount: $input) {
      automaticDiscountNode {
        automaticDiscount {
          ... on DiscountAutomaticBasic {
            title
            context {
              ... on DiscountCustomerSegments {
                segments {
                  name
                }
              }
            }
          }
        }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

const tierPerk = (title: string, segments: string[], extra: Record<string, unknown> = {}) => ({
  title,
  startsAt: "2026-01-01T00:00:00Z",
  context: { customerSegments: { add: segments } },
  customerGets: { value: { percentage: 0.05 }, items: { all: true } },
  ...extra,
});

describe("automatic discounts", () => {
  it("limits a perk to a tier's segment, and moves it to another segment with add/remove", async () => {
    const silver = await createSegment("Tier: silver", "customer_tags CONTAINS 'tier:silver'");
    const platinum = await createSegment("Tier: platinum", "customer_tags CONTAINS 'tier:platinum'");
    const r = await gql(AUTOMATIC_CREATE, { input: tierPerk("Silver perk", [silver]) });
    expect(r.body.data.discountAutomaticBasicCreate).toEqual({
      automaticDiscountNode: {
        id: expect.stringMatching(/^gid:\/\/shopify\/DiscountAutomaticNode\/\d+$/),
        automaticDiscount: { title: "Silver perk", status: "ACTIVE", context: { segments: [{ id: silver, name: "Tier: silver" }] } },
      },
      userErrors: [],
    });
    const id = r.body.data.discountAutomaticBasicCreate.automaticDiscountNode.id;
    const moved = await gql(AUTOMATIC_UPDATE, {
      id,
      input: { title: "Platinum perk", context: { customerSegments: { add: [platinum], remove: [silver] } } },
    });
    expect(moved.body.data.discountAutomaticBasicUpdate).toEqual({
      automaticDiscountNode: { automaticDiscount: { title: "Platinum perk", context: { segments: [{ name: "Tier: platinum" }] } } },
      userErrors: [],
    });
    expect(double.control.getDiscounts(SHOP).find((d) => d.id === id)).toMatchObject({
      kind: "automatic",
      context: { type: "segments", ids: [platinum] },
    });
    const unknown = await gql(AUTOMATIC_CREATE, { input: tierPerk("Ghost perk", ["gid://shopify/Segment/42"]) });
    expect(unknown.body.data.discountAutomaticBasicCreate.userErrors).toEqual([
      {
        field: ["automaticBasicDiscount", "context", "customerSegments", "add"],
        message: "Customer segment gid://shopify/Segment/42 does not exist",
        code: "INVALID",
      },
    ]);
  });

  it("allows at most 25 active at once; an expired one does not count; a delete frees a place", async () => {
    const segment = await createSegment("Everyone who ordered", "number_of_orders >= 1");
    const ids: string[] = [];
    // One exists from the previous test.
    for (let i = 2; i <= 25; i++) {
      const r = await gql(AUTOMATIC_CREATE, { input: tierPerk(`Perk ${i}`, [segment]) });
      expect(r.body.data.discountAutomaticBasicCreate.userErrors).toEqual([]);
      ids.push(r.body.data.discountAutomaticBasicCreate.automaticDiscountNode.id);
    }
    const over = await gql(AUTOMATIC_CREATE, { input: tierPerk("Perk 26", [segment]) });
    expect(over.body.data.discountAutomaticBasicCreate).toEqual({
      automaticDiscountNode: null,
      userErrors: [
        {
          field: ["automaticBasicDiscount", "startsAt"],
          message: expect.stringContaining("only 25 automatic discounts"),
          code: "ACTIVE_PERIOD_OVERLAP",
        },
      ],
    });
    const past = await gql(AUTOMATIC_CREATE, {
      input: tierPerk("Last year's perk", [segment], { startsAt: "2025-01-01T00:00:00Z", endsAt: "2025-02-01T00:00:00Z" }),
    });
    expect(past.body.data.discountAutomaticBasicCreate.automaticDiscountNode.automaticDiscount.status).toBe("EXPIRED");
    const remove = `mutation($id: ID!) { discountAutomaticDelete(id: $id) { deletedAutomaticDiscountId userErrors { code } } }`;
    expect((await gql(remove, { id: ids[0] })).body.data.discountAutomaticDelete).toEqual({
      deletedAutomaticDiscountId: ids[0],
      userErrors: [],
    });
    expect(
      (await gql(AUTOMATIC_CREATE, { input: tierPerk("Perk 26", [segment]) })).body.data.discountAutomaticBasicCreate.userErrors,
    ).toEqual([]);
    expect(double.control.getDiscounts(SHOP).filter((d) => d.kind === "automatic")).toHaveLength(26);
  });
});

// ---------------------------------------------------------------------------------------------------

const FLOW = `mutation($handle: String!, $payload: JSON!) { flowTriggerReceive(handle: $handle, payload: $payload) { userErrors { field message } } }`;

describe("Flow triggers", () => {
  it("accepts a registered trigger's payload, costs 10, and keeps every call", async () => {
    const payload = { customer_id: 7100000000555, "Value at stake": 412.5 };
    let r: Awaited<ReturnType<typeof gql>> | undefined;
    const log = await logged(async () => (r = await gql(FLOW, { handle: AT_RISK, payload })));
    expect(r!.body.data.flowTriggerReceive).toEqual({ userErrors: [] });
    expect(log).toEqual([expect.objectContaining({ rootFields: ["flowTriggerReceive"], requestedQueryCost: 10, outcome: "ok" })]);
    expect(double.control.getFlowTriggerCalls(SHOP)).toEqual([{ handle: AT_RISK, payload, receivedAt: expect.any(String) }]);
  });

  it("refuses an unknown handle, missing or malformed fields, and an oversized payload", async () => {
    const unknown = await gql(FLOW, { handle: "win-back", payload: { customer_id: 1 } });
    expect(unknown.body.data.flowTriggerReceive.userErrors).toEqual([
      { field: ["handle"], message: expect.stringContaining("'win-back'") },
    ]);
    const missing = await gql(FLOW, { handle: AT_RISK, payload: { customer_id: 1 } });
    expect(missing.body.data.flowTriggerReceive.userErrors).toEqual([
      { field: ["payload"], message: "Payload is missing the trigger field 'Value at stake'." },
    ]);
    const gid = await gql(FLOW, { handle: AT_RISK, payload: { customer_id: "gid://shopify/Customer/1", "Value at stake": 1 } });
    expect(gid.body.data.flowTriggerReceive.userErrors[0].message).toMatch(/'customer_id' must be a numeric id/);
    const big = await gql(FLOW, { handle: AT_RISK, payload: { customer_id: 1, "Value at stake": 1, note: "x".repeat(50_000) } });
    expect(big.body.data.flowTriggerReceive.userErrors).toEqual([
      { field: ["payload"], message: "Properties size exceeds the limit of 50000 bytes." },
    ]);
    expect(double.control.getFlowTriggerCalls(SHOP)).toHaveLength(1);
  });

  it("takes handles registered through the control API (over HTTP too)", async () => {
    const registered = await fetch(`${double.origin}/__control/flow-triggers`, {
      method: "POST",
      body: JSON.stringify({ handle: "tier-changed" }),
    });
    expect(registered.status).toBe(200);
    expect((await gql(FLOW, { handle: "tier-changed", payload: { anything: true } })).body.data.flowTriggerReceive.userErrors).toEqual([]);
    const calls = (await (await fetch(`${double.origin}/__control/flow-triggers?shop=${SHOP}`)).json()) as { handle: string }[];
    expect(calls.map((c) => c.handle)).toEqual([AT_RISK, "tier-changed"]);
  });
});

// ---------------------------------------------------------------------------------------------------

describe("app-data metafields and metafield definitions", () => {
  it("writes metafields on the app installation and reads them back", async () => {
    const installation = (await gql(`{ currentAppInstallation { id } }`)).body.data.currentAppInstallation.id;
    expect(installation).toBe("gid://shopify/AppInstallation/1234567");
    const set = await gql(METAFIELDS_SET, {
      metafields: [{ ownerId: installation, namespace: "$app", key: "loyalty_enabled", type: "boolean", value: "true" }],
    });
    expect(set.body.data.metafieldsSet.metafields).toEqual([
      { id: expect.any(String), namespace: "app--1234567", key: "loyalty_enabled", ownerType: "API_PERMISSION" },
    ]);
    expect(double.control.getMetafields(SHOP, installation).map((m) => [m.key, m.type, m.value])).toEqual([
      ["loyalty_enabled", "boolean", "true"],
    ]);
    const read = await gql(`{ currentAppInstallation { metafield(namespace: "$app", key: "loyalty_enabled") { value type } } }`);
    expect(read.body.data.currentAppInstallation.metafield).toEqual({ value: "true", type: "boolean" });
    const foreign = await gql(METAFIELDS_SET, {
      metafields: [{ ownerId: "gid://shopify/AppInstallation/999", namespace: "$app", key: "x1", type: "boolean", value: "true" }],
    });
    expect(foreign.body.data.metafieldsSet.userErrors).toEqual([
      { field: ["metafields", "0", "ownerId"], message: "Owner does not exist.", code: "INVALID", elementIndex: 0 },
    ]);
  });

  const DEFINE = /* GraphQL */ `
    mutation ($definition: MetafieldDefinitionInput!) {
      metafieldDefinitionCreate(definition: $definition) {
        createdDefinition {
          id
          name
          namespace
          key
          type {
            name
          }
          access {
            storefront
          }
        }
        userErrors {
          field
          message
          code
        }
      }
    }
  `;
  const tierDefinition = {
    name: "Loyalty tier",
    namespace: "$app",
    key: "tier",
    type: "single_line_text_field",
    ownerType: "CUSTOMER",
    access: { storefront: "PUBLIC_READ" },
  };

  it("creates a definition once (TAKEN after), and holds metafieldsSet to its type", async () => {
    let r: Awaited<ReturnType<typeof gql>> | undefined;
    const log = await logged(async () => (r = await gql(DEFINE, { definition: tierDefinition })));
    expect(r!.body.data.metafieldDefinitionCreate).toEqual({
      createdDefinition: {
        id: expect.stringMatching(/^gid:\/\/shopify\/MetafieldDefinition\/\d+$/),
        name: "Loyalty tier",
        namespace: "app--1234567",
        key: "tier",
        type: { name: "single_line_text_field" },
        access: { storefront: "PUBLIC_READ" },
      },
      userErrors: [],
    });
    expect(log[0]).toMatchObject({ requestedQueryCost: 10 });
    const again = await gql(DEFINE, { definition: { ...tierDefinition, name: "Tier again" } });
    expect(again.body.data.metafieldDefinitionCreate).toEqual({
      createdDefinition: null,
      userErrors: [
        { field: ["definition", "key"], message: "Key is in use for customer metafields on the 'app--1234567' namespace.", code: "TAKEN" },
      ],
    });
    const adminOnForeign = await gql(DEFINE, {
      definition: { ...tierDefinition, namespace: "custom", access: { admin: "MERCHANT_READ" } },
    });
    expect(adminOnForeign.body.data.metafieldDefinitionCreate.userErrors[0].code).toBe("ADMIN_ACCESS_INPUT_NOT_ALLOWED");
    expect(double.control.getMetafieldDefinitions(SHOP).map((d) => [d.ownerType, d.namespace, d.key, d.type])).toEqual([
      ["CUSTOMER", "app--1234567", "tier", "single_line_text_field"],
    ]);

    const owner = "gid://shopify/Customer/7300000000001";
    const wrongType = await gql(METAFIELDS_SET, {
      metafields: [{ ownerId: owner, namespace: "$app", key: "tier", type: "number_integer", value: "3" }],
    });
    expect(wrongType.body.data.metafieldsSet.userErrors).toEqual([
      {
        field: ["metafields", "0", "type"],
        message: "Type 'number_integer' must be consistent with the definition's type: 'single_line_text_field'.",
        code: "INVALID_TYPE",
        elementIndex: 0,
      },
    ]);
    const untyped = await gql(METAFIELDS_SET, { metafields: [{ ownerId: owner, namespace: "$app", key: "tier", value: "gold" }] });
    expect(untyped.body.data.metafieldsSet.userErrors).toEqual([]);
    expect(double.control.getMetafields(SHOP, owner)[0]).toMatchObject({ type: "single_line_text_field", value: "gold" });
  });
});

// ---------------------------------------------------------------------------------------------------

describe("faults, throttling and costs of the new operations", () => {
  it("fails a named root field only, before it runs: nothing is written", async () => {
    double.control.failNext({ status: 500, rootField: "discountCodeBasicCreate" });
    expect((await gql(`{ shop { name } }`)).status).toBe(200);
    const r = await gql(CODE_CREATE, { input: redemption("FAULT-1") });
    expect(r.status).toBe(500);
    expect(double.control.getDiscounts(SHOP).some((d) => d.codes.includes("FAULT-1"))).toBe(false);
    expect((await gql(CODE_CREATE, { input: redemption("FAULT-1") })).body.data.discountCodeBasicCreate.userErrors).toEqual([]);
  });

  it("can lose the answer after the write: the code exists although the call failed", async () => {
    double.control.failNext({ status: "reset", rootField: "discountCodeBasicCreate", afterExecute: true });
    await expect(gql(CODE_CREATE, { input: redemption("LOST-1") })).rejects.toThrow();
    expect(double.control.requests.at(-1)).toMatchObject({ rootFields: ["discountCodeBasicCreate"], outcome: "injected-reset-after" });
    const found = await gql(`{ codeDiscountNodeByCode(code: "LOST-1") { id } }`);
    expect(found.body.data.codeDiscountNodeByCode).toEqual({ id: expect.any(String) });
  });

  it("answers Shopify's HTTP 200 INTERNAL_SERVER_ERROR", async () => {
    double.control.failNext({ status: "internal-error", rootField: "segmentCreate" });
    const r = await gql(SEGMENT_CREATE, { name: "Never", query: "number_of_orders > 1" });
    expect(r.status).toBe(200);
    expect(r.body.errors).toEqual([
      {
        message: expect.stringMatching(/^Internal error\. Looks like something went wrong on our end\./),
        extensions: { code: "INTERNAL_SERVER_ERROR", requestId: expect.any(String) },
      },
    ]);
    expect(double.control.getSegments(SHOP).some((s) => s.name === "Never")).toBe(false);
  });

  it("throttles the new mutations through the same bucket: a throttled segmentCreate writes nothing", async () => {
    const shop = "tiny-bucket.myshopify.com";
    const token = "shpat_tiny";
    double.control.addShop({ shop, accessToken: token });
    double.control.setThrottle({ shop, maximumAvailable: 15, restoreRate: 1 });
    const a = await gql(SEGMENT_CREATE, { name: "A", query: "number_of_orders > 1" }, token);
    const b = await gql(SEGMENT_CREATE, { name: "B", query: "number_of_orders > 1" }, token);
    expect(a.body.data.segmentCreate.userErrors).toEqual([]);
    expect(b.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: "THROTTLED" }) })]);
    expect(double.control.getSegments(shop).map((s) => s.name)).toEqual(["A"]);
  });

  it("prices the new mutations at Shopify's 10 points in the default cost table", () => {
    for (const name of [
      "discountCodeBasicCreate",
      "discountCodeBasicUpdate",
      "discountCodeDelete",
      "discountAutomaticBasicCreate",
      "discountAutomaticBasicUpdate",
      "discountAutomaticDelete",
      "segmentCreate",
      "segmentUpdate",
      "segmentDelete",
      "stagedUploadsCreate",
      "bulkOperationRunMutation",
      "flowTriggerReceive",
      "metafieldDefinitionCreate",
    ])
      expect(DEFAULT_COSTS[name]).toBe(10);
    // Reads are priced from their selection, so they are not in the fixed table.
    expect(Object.hasOwn(DEFAULT_COSTS, "products")).toBe(false);
  });
});
