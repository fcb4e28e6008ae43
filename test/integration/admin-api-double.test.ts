// The local Admin API double (testkit/admin-api-double): Shopify's shapes for the app's operations,
// bulk operations and their files, throttling, injected faults and signed webhooks.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BULK_ORDERS_QUERY, BULK_RUN_MUTATION, BULK_STATUS_QUERY, SHOP_QUERY } from "../../app/shopify/operations";
import { METAFIELDS_SET } from "../../app/shopify/metafield-operations";
import { ADMIN_API, DEFAULT_COSTS, startAdminApiDouble, type AdminApiDouble } from "../../testkit/admin-api-double/index";
import { OperationRegistry } from "../../testkit/admin-api-double/operations/registry";
import { restOrder } from "../../testkit/synthetic-shop/rest";
import { syntheticOrders } from "../../testkit/synthetic-shop/generator";

const SHOP = "double-shop.myshopify.com";
const TOKEN = "shpat_double_test";
const LIMITED = "limited-shop.myshopify.com";
const LIMITED_TOKEN = "shpat_limited";
const SECRET = "double-webhook-secret";
const VERSION = "2026-07";

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
}

let double: AdminApiDouble;
let receiver: Server;
const received: Received[] = [];

beforeAll(async () => {
  receiver = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({ path: req.url ?? "", headers: req.headers, raw: Buffer.concat(chunks) });
    res.writeHead(200).end();
  });
  receiver.listen(0, "127.0.0.1");
  await new Promise((r) => receiver.once("listening", r));
  const appUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  double = await startAdminApiDouble({
    shops: [
      { shop: SHOP, accessToken: TOKEN, currencyCode: "USD", ianaTimezone: "America/New_York", synthetic: { orders: 1500, seed: 11 } },
      {
        shop: LIMITED,
        accessToken: LIMITED_TOKEN,
        currencyCode: "EUR",
        ianaTimezone: "Europe/Berlin",
        scopes: ["read_orders", "read_customers"],
        synthetic: { orders: 1500, seed: 12, endDate: "2026-06-30T00:00:00Z", spanDays: 365 },
        now: "2026-06-30T00:00:00Z",
      },
    ],
    bulk: { runningAfterMs: 10, completeAfterMs: 250 },
    webhooks: { appUrl, apiSecret: SECRET },
  });
});

afterAll(async () => {
  await double?.close();
  await new Promise((r) => receiver?.close(r));
});

async function gql(query: string, variables: Record<string, unknown> = {}, token = TOKEN, version = VERSION) {
  const response = await fetch(`${double.origin}/admin/api/${version}/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
    body: JSON.stringify({ query, variables }),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

async function runBulk(token = TOKEN, version = VERSION) {
  const { body } = await gql(BULK_RUN_MUTATION, { query: BULK_ORDERS_QUERY }, token, version);
  expect(body.data.bulkOperationRunQuery.userErrors).toEqual([]);
  return body.data.bulkOperationRunQuery.bulkOperation.id as string;
}

async function pollBulk(id: string, token = TOKEN) {
  const seen = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const { body } = await gql(BULK_STATUS_QUERY, { id }, token);
    seen.add(body.data.node.status);
    if (["COMPLETED", "FAILED", "CANCELED"].includes(body.data.node.status)) return { op: body.data.node, seen };
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`bulk ${id} did not finish`);
}

const costShape = {
  requestedQueryCost: expect.any(Number),
  actualQueryCost: expect.any(Number),
  throttleStatus: { maximumAvailable: expect.any(Number), currentlyAvailable: expect.any(Number), restoreRate: expect.any(Number) },
};

describe("authentication and errors", () => {
  it("answers an unknown token with Shopify's 401", async () => {
    const r = await gql(SHOP_QUERY, {}, "nope");
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
  });

  it("answers an unknown field with a GraphQL error on QueryRoot", async () => {
    const r = await gql("query Q { shop { name } ordersCount { count } }");
    expect(r.status).toBe(200);
    expect(r.body.data).toBeUndefined();
    expect(r.body.errors).toEqual([
      expect.objectContaining({
        message: "Field 'ordersCount' doesn't exist on type 'QueryRoot'",
        locations: [{ line: 1, column: 25 }],
        path: ["query Q", "ordersCount"],
        extensions: { code: "undefinedField", typeName: "QueryRoot", fieldName: "ordersCount" },
      }),
    ]);
    const mutationOnQuery = await gql("{ metafieldsSet(metafields: []) { userErrors { message } } }");
    expect(mutationOnQuery.body.errors[0].message).toBe("Field 'metafieldsSet' doesn't exist on type 'QueryRoot'");
    const nested = await gql("{ shop { name planName } }");
    expect(nested.body.errors[0].message).toBe("Field 'planName' doesn't exist on type 'Shop'");
  });

  it("reports syntax errors, missing variables and a missing query", async () => {
    expect((await gql("{ shop { name }")).body.errors[0].message).toMatch(/^syntax error, unexpected end of file/);
    expect((await gql(BULK_STATUS_QUERY)).body.errors[0].message).toBe("Variable $id of type ID! was provided invalid value");
    const r = await fetch(`${double.origin}/admin/api/${VERSION}/graphql.json`, {
      method: "POST",
      headers: { "X-Shopify-Access-Token": TOKEN },
      body: "{}",
    });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ errors: { query: "Required parameter missing or invalid" } });
  });
});

describe("names that are also Object.prototype's keys", () => {
  it("treats them as unknown fields, variables and owner types, not as inherited properties", async () => {
    const fields = await gql("{ constructor toString }");
    expect(fields.status).toBe(200);
    expect(fields.body.errors.map((e: { message: string }) => e.message)).toEqual([
      "Field 'constructor' doesn't exist on type 'QueryRoot'",
      "Field 'toString' doesn't exist on type 'QueryRoot'",
    ]);
    const nested = await gql("{ shop { hasOwnProperty } }");
    expect(nested.body.errors[0].message).toBe("Field 'hasOwnProperty' doesn't exist on type 'Shop'");
    const variable = await gql("query($constructor: ID!) { node(id: $constructor) { id } }");
    expect(variable.body.errors[0].message).toBe("Variable $constructor of type ID! was provided invalid value");
    const owner = await gql(METAFIELDS_SET, {
      metafields: [{ ownerId: "gid://shopify/constructor/1", key: "tier", type: "single_line_text_field", value: "x" }],
    });
    expect(owner.body.data.metafieldsSet.userErrors).toEqual([
      {
        field: ["metafields", "0", "ownerId"],
        message: "Owner type constructor does not support metafields.",
        code: "INVALID",
        elementIndex: 0,
      },
    ]);
  });

  it("keeps an alias named __proto__ as an ordinary key of the answer", async () => {
    const r = await gql("{ __proto__: shop { name } }");
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body.data)).toBe('{"__proto__":{"name":"Double Shop"}}');
  });

  it("answers __typename on the root types", async () => {
    const r = await gql("{ __typename shop { __typename } }");
    expect(r.body.data).toEqual({ __typename: "QueryRoot", shop: { __typename: "Shop" } });
  });
});

describe("ShopDetails", () => {
  it("answers the app's SHOP_QUERY with the shop and its granted scopes", async () => {
    const r = await gql(SHOP_QUERY);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      data: {
        shop: { name: "Double Shop", myshopifyDomain: SHOP, currencyCode: "USD", ianaTimezone: "America/New_York" },
        currentAppInstallation: {
          accessScopes: expect.arrayContaining([{ handle: "read_orders" }, { handle: "read_all_orders" }, { handle: "write_customers" }]),
        },
      },
      extensions: { cost: costShape },
    });
  });

  it("omits scopes the shop did not grant", async () => {
    const r = await gql(SHOP_QUERY, {}, LIMITED_TOKEN);
    expect(r.body.data.shop).toMatchObject({ myshopifyDomain: LIMITED, currencyCode: "EUR", ianaTimezone: "Europe/Berlin" });
    expect(r.body.data.currentAppInstallation.accessScopes).toEqual([{ handle: "read_orders" }, { handle: "read_customers" }]);
  });

  it("honours aliases, __typename and fragments", async () => {
    const r = await gql("query { s: shop { ...F __typename } } fragment F on Shop { domain: myshopifyDomain }");
    expect(r.body.data).toEqual({ s: { domain: SHOP, __typename: "Shop" } });
  });
});

describe("bulk operations", () => {
  let fileText = "";
  let url = "";

  it("runs CREATED → RUNNING → COMPLETED and counts the file's objects", async () => {
    const { body } = await gql(BULK_RUN_MUTATION, { query: BULK_ORDERS_QUERY });
    expect(body.data.bulkOperationRunQuery).toEqual({
      bulkOperation: { id: expect.stringMatching(/^gid:\/\/shopify\/BulkOperation\/\d+$/), status: "CREATED" },
      userErrors: [],
    });
    const id = body.data.bulkOperationRunQuery.bulkOperation.id;
    const { op, seen } = await pollBulk(id);
    expect(seen.has("RUNNING")).toBe(true);
    expect(op).toMatchObject({ id, status: "COMPLETED", errorCode: null, partialDataUrl: null });
    expect(op.url).toBe(`${double.origin}/bulk/${id.split("/").pop()}.jsonl`);
    expect(op.completedAt).toMatch(/Z$/);

    const download = await fetch(op.url);
    expect(download.status).toBe(200);
    expect(download.headers.get("accept-ranges")).toBe("bytes");
    fileText = await download.text();
    url = op.url;
    const lines = fileText.trimEnd().split("\n");
    expect(op.objectCount).toBe(String(lines.length));
    expect(op.rootObjectCount).toBe(String(lines.filter((l) => !l.includes('"__parentId"')).length));
    expect(op.fileSize).toBe(String(Buffer.byteLength(fileText)));
  });

  it("serves an ungrouped file whose line items all point at orders of the file", () => {
    const objects = fileText
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    const orderLine = new Map<string, number>();
    objects.forEach((o, i) => {
      if (!o.__parentId) orderLine.set(o.id, i);
    });
    const children = objects.map((o, i) => ({ o, i })).filter(({ o }) => o.__parentId);
    expect(children.length).toBeGreaterThan(orderLine.size);
    for (const { o } of children) {
      expect(o.id).toMatch(/^gid:\/\/shopify\/LineItem\/\d+$/);
      expect(orderLine.has(o.__parentId)).toBe(true);
    }
    const before = children.filter(({ o, i }) => i < orderLine.get(o.__parentId)!).length;
    const far = children.filter(({ o, i }) => Math.abs(i - orderLine.get(o.__parentId)!) > 20).length;
    expect(before).toBeGreaterThan(0);
    expect(far).toBeGreaterThan(children.length / 10);
    // Orders themselves come oldest first (sortKey: CREATED_AT).
    const created = objects.filter((o) => !o.__parentId).map((o) => o.createdAt);
    expect([...created].sort()).toEqual(created);
  });

  it("supports Range: bytes=N- (206) and refuses an unsatisfiable range (416)", async () => {
    const total = Buffer.byteLength(fileText);
    const r = await fetch(url, { headers: { Range: "bytes=1000-" } });
    expect(r.status).toBe(206);
    expect(r.headers.get("content-range")).toBe(`bytes 1000-${total - 1}/${total}`);
    expect(r.headers.get("content-length")).toBe(String(total - 1000));
    expect(Buffer.from(await r.arrayBuffer()).equals(Buffer.from(fileText).subarray(1000))).toBe(true);

    const bounded = await fetch(url, { headers: { Range: "bytes=10-19" } });
    expect(bounded.status).toBe(206);
    expect(bounded.headers.get("content-range")).toBe(`bytes 10-19/${total}`);
    expect(await bounded.text()).toBe(Buffer.from(fileText).subarray(10, 20).toString());

    const suffix = await fetch(url, { headers: { Range: "bytes=-100" } });
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get("content-range")).toBe(`bytes ${total - 100}-${total - 1}/${total}`);
    expect(await suffix.text()).toBe(
      Buffer.from(fileText)
        .subarray(total - 100)
        .toString(),
    );

    const bad = await fetch(url, { headers: { Range: `bytes=${total}-` } });
    expect(bad.status).toBe(416);
    expect(bad.headers.get("content-range")).toBe(`bytes */${total}`);
    await bad.arrayBuffer();
  });

  it("cuts a download after K bytes; the rest can be resumed with Range", async () => {
    double.control.cutBulkDownloadAfter(5_000);
    const first = await fetch(url);
    expect(first.status).toBe(200);
    const got: Buffer[] = [];
    let failed: unknown = null;
    try {
      for await (const chunk of first.body as unknown as AsyncIterable<Uint8Array>) got.push(Buffer.from(chunk));
    } catch (error) {
      failed = error;
    }
    expect(failed).not.toBeNull();
    const head = Buffer.concat(got);
    expect(head.length).toBe(5_000);
    const rest = await fetch(url, { headers: { Range: `bytes=${head.length}-` } });
    expect(rest.status).toBe(206);
    const whole = Buffer.concat([head, Buffer.from(await rest.arrayBuffer())]);
    expect(whole.toString("utf8")).toBe(fileText);
  });

  it("sends a signed bulk_operations/finish webhook like Shopify", async () => {
    await double.control.webhooksSettled();
    const hook = received.find((r) => r.path === "/webhooks/bulk_operations/finish");
    expect(hook).toBeDefined();
    const h = hook!.headers;
    expect(h["x-shopify-topic"]).toBe("bulk_operations/finish");
    expect(h["x-shopify-shop-domain"]).toBe(SHOP);
    expect(h["x-shopify-api-version"]).toBe("2026-07");
    expect(h["x-shopify-webhook-id"]).toEqual(expect.any(String));
    expect(h["x-shopify-event-id"]).toEqual(expect.any(String));
    expect(Number.isNaN(Date.parse(String(h["x-shopify-triggered-at"])))).toBe(false);
    const expected = createHmac("sha256", SECRET).update(hook!.raw).digest();
    const given = Buffer.from(String(h["x-shopify-hmac-sha256"]), "base64");
    expect(given.length === expected.length && timingSafeEqual(given, expected)).toBe(true);
    const body = JSON.parse(hook!.raw.toString("utf8"));
    expect(body).toEqual({
      admin_graphql_api_id: expect.stringMatching(/^gid:\/\/shopify\/BulkOperation\/\d+$/),
      completed_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$/),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$/),
      error_code: null,
      status: "completed",
      type: "query",
    });
  });

  it("answers currentBulkOperation and node(id:) for the shop only", async () => {
    const current = await gql("{ currentBulkOperation { id status rootObjectCount } }");
    expect(current.body.data.currentBulkOperation).toMatchObject({ status: "COMPLETED" });
    const other = await gql(BULK_STATUS_QUERY, { id: current.body.data.currentBulkOperation.id }, LIMITED_TOKEN);
    expect(other.body.data.node).toBeNull();
  });

  it("refuses a 6th concurrent bulk query (five per shop from 2026-01), one before 2026-01", async () => {
    double.control.setBulk({ shop: SHOP, completeAfterMs: 60_000 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await runBulk());
      const sixth = await gql(BULK_RUN_MUTATION, { query: BULK_ORDERS_QUERY });
      expect(sixth.body.data.bulkOperationRunQuery.bulkOperation).toBeNull();
      expect(sixth.body.data.bulkOperationRunQuery.userErrors).toEqual([
        { field: null, message: expect.stringContaining("limit"), code: "LIMIT_REACHED" },
      ]);
      const old = await gql(BULK_RUN_MUTATION, { query: BULK_ORDERS_QUERY }, TOKEN, "2025-10");
      expect(old.body.data.bulkOperationRunQuery.userErrors[0]).toMatchObject({ code: "OPERATION_IN_PROGRESS" });
      for (const id of ids) {
        const c = await gql(`mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }`, {
          id,
        });
        expect(c.body.data.bulkOperationCancel).toEqual({ bulkOperation: { status: "CANCELING" }, userErrors: [] });
      }
      for (const id of ids) expect((await double.control.waitForBulkOperation(id)).status).toBe("CANCELED");
    } finally {
      double.control.setBulk({ shop: SHOP, completeAfterMs: 250 });
    }
  });

  it("refuses an invalid bulk query with a userError", async () => {
    const r = await gql(BULK_RUN_MUTATION, { query: "{ orders { edges { node { id } }" });
    expect(r.body.data.bulkOperationRunQuery.userErrors).toEqual([
      { field: ["query"], message: expect.stringMatching(/^Invalid bulk query: syntax error/), code: "INVALID" },
    ]);
  });

  it("can fail with INTERNAL_SERVER_ERROR and a partialDataUrl of the first objects", async () => {
    double.control.setBulk({ shop: SHOP, failNext: { errorCode: "INTERNAL_SERVER_ERROR", partialObjects: 25 } });
    const id = await runBulk();
    const { op } = await pollBulk(id);
    expect(op).toMatchObject({ status: "FAILED", errorCode: "INTERNAL_SERVER_ERROR", url: null, objectCount: "25", completedAt: null });
    const partial = await (await fetch(op.partialDataUrl)).text();
    expect(partial).toBe(fileText.split("\n").slice(0, 25).join("\n") + "\n");
    await double.control.webhooksSettled();
    const hook = received.filter((r) => r.path === "/webhooks/bulk_operations/finish").map((r) => JSON.parse(r.raw.toString()));
    expect(hook.find((b) => b.admin_graphql_api_id === id)).toMatchObject({ status: "failed", error_code: "internal_server_error" });
  });

  it("serves only the last 60 days of orders to a shop without read_all_orders", async () => {
    const id = await runBulk(LIMITED_TOKEN);
    const { op } = await pollBulk(id, LIMITED_TOKEN);
    expect(op.status).toBe("COMPLETED");
    const objects = (await (await fetch(op.url)).text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    const orders = objects.filter((o) => !o.__parentId);
    const cutoff = Date.parse("2026-06-30T00:00:00Z") - 60 * 86_400_000;
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.length).toBeLessThan(1500 / 3);
    for (const o of orders) expect(Date.parse(o.createdAt)).toBeGreaterThanOrEqual(cutoff);
    const ids = new Set(orders.map((o) => o.id));
    for (const li of objects.filter((o) => o.__parentId)) expect(ids.has(li.__parentId)).toBe(true);
    expect(orders[0].totalPriceSet.shopMoney.currencyCode).toBe("EUR");
  });
});

describe("writes", () => {
  const owner = "gid://shopify/Customer/7100000000101";

  it("stores metafieldsSet values under the app namespace and returns them", async () => {
    const r = await gql(METAFIELDS_SET, {
      metafields: [
        { ownerId: owner, namespace: "$app", key: "tier", type: "single_line_text_field", value: "gold" },
        { ownerId: owner, namespace: "$app", key: "clv", type: "number_decimal", value: "412.50" },
      ],
    });
    expect(r.body.data.metafieldsSet.userErrors).toEqual([]);
    expect(r.body.data.metafieldsSet.metafields).toEqual([
      { id: expect.stringMatching(/^gid:\/\/shopify\/Metafield\/\d+$/), namespace: "app--1234567", key: "tier", ownerType: "CUSTOMER" },
      { id: expect.stringMatching(/^gid:\/\/shopify\/Metafield\/\d+$/), namespace: "app--1234567", key: "clv", ownerType: "CUSTOMER" },
    ]);
    expect(double.control.getMetafields(SHOP, owner).map((m) => [m.key, m.value])).toEqual([
      ["tier", "gold"],
      ["clv", "412.50"],
    ]);
  });

  it("refuses more than 25 metafields, and is atomic on invalid input", async () => {
    const many = Array.from({ length: 26 }, (_, i) => ({
      ownerId: owner,
      namespace: "$app",
      key: `k${i}`,
      type: "number_integer",
      value: "1",
    }));
    const r = await gql(METAFIELDS_SET, { metafields: many });
    expect(r.body.data.metafieldsSet).toEqual({
      metafields: [],
      userErrors: [
        {
          field: ["metafields"],
          message: "Exceeded the maximum metafields input limit of 25.",
          code: "LESS_THAN_OR_EQUAL_TO",
          elementIndex: null,
        },
      ],
    });
    const mixed = await gql(METAFIELDS_SET, {
      metafields: [
        { ownerId: owner, namespace: "$app", key: "tier", type: "single_line_text_field", value: "platinum" },
        { ownerId: owner, namespace: "$app", key: "orders", type: "number_integer", value: "many" },
      ],
    });
    expect(mixed.body.data.metafieldsSet.userErrors).toEqual([
      { field: ["metafields", "1", "value"], message: "Value must be an integer.", code: "INVALID_VALUE", elementIndex: 1 },
    ]);
    expect(double.control.getMetafields(SHOP, owner).find((m) => m.key === "tier")?.value).toBe("gold");
    expect(double.control.getMetafields(SHOP).length).toBe(2);
  });

  it("denies customer metafields without write_customers", async () => {
    const r = await gql(
      METAFIELDS_SET,
      { metafields: [{ ownerId: owner, key: "tier", type: "single_line_text_field", value: "x" }] },
      LIMITED_TOKEN,
    );
    expect(r.body.data.metafieldsSet).toBeNull();
    expect(r.body.errors[0]).toMatchObject({
      message: expect.stringMatching(/^Access denied for metafieldsSet field/),
      extensions: { code: "ACCESS_DENIED" },
    });
  });

  it("adds and removes customer tags", async () => {
    const add = await gql(
      `mutation($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } } }`,
      { id: owner, tags: ["clv-gold", "vip"] },
    );
    expect(add.body.data.tagsAdd).toEqual({ node: { id: owner }, userErrors: [] });
    await gql(`mutation { tagsRemove(id: "${owner}", tags: "vip") { node { id } userErrors { message } } }`);
    expect(double.control.getTags(SHOP, owner)).toEqual(["clv-gold"]);
  });

  const otherOwner = "gid://shopify/Customer/7100000000202";
  const tierOf = (ownerId: string, value: string) => ({ ownerId, namespace: "$app", key: "tier", type: "single_line_text_field", value });

  it("accepts exactly 25 metafields in one call, costs 10 points a call, and keeps them per owner", async () => {
    const before = double.control.requests.length;
    const owners = Array.from({ length: 25 }, (_, i) => `gid://shopify/Customer/${8_000_000_000 + i}`);
    const r = await gql(METAFIELDS_SET, { metafields: owners.map((ownerId, i) => tierOf(ownerId, `tier-${i}`)) });
    expect(r.body.data.metafieldsSet.userErrors).toEqual([]);
    expect(r.body.data.metafieldsSet.metafields).toHaveLength(25);
    expect(r.body.extensions.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10 });
    expect(double.control.requests.slice(before)).toEqual([
      expect.objectContaining({ operationName: "SetMetafields", rootFields: ["metafieldsSet"], requestedQueryCost: 10, outcome: "ok" }),
    ]);
    expect(double.control.getMetafields(SHOP, owners[7]).map((m) => [m.ownerId, m.namespace, m.key, m.value])).toEqual([
      [owners[7], "app--1234567", "tier", "tier-7"],
    ]);
    // The owner of the earlier tests still has its own two.
    expect(double.control.getMetafields(SHOP, owner).map((m) => m.key)).toEqual(["tier", "clv"]);
    const overHttp = await fetch(`${double.origin}/__control/metafields?shop=${SHOP}&ownerId=${encodeURIComponent(owners[24])}`);
    expect(((await overHttp.json()) as { value: string }[]).map((m) => m.value)).toEqual(["tier-24"]);
  });

  it("logs a call with userErrors as user-error", async () => {
    const before = double.control.requests.length;
    const many = Array.from({ length: 26 }, (_, i) => tierOf(`gid://shopify/Customer/${9_000_000_000 + i}`, "x"));
    await gql(METAFIELDS_SET, { metafields: many });
    expect(double.control.requests.slice(before).map((r) => [r.outcome, r.requestedQueryCost])).toEqual([["user-error", 10]]);
    expect(double.control.getMetafields(SHOP, many[0].ownerId)).toEqual([]);
  });

  it("updates in place, and refuses a write whose compareDigest is stale", async () => {
    const first = await gql(METAFIELDS_SET, { metafields: [{ ...tierOf(otherOwner, "silver"), compareDigest: null }] });
    const id = first.body.data.metafieldsSet.metafields[0].id;
    const stored = double.control.getMetafields(SHOP, otherOwner)[0];
    // compareDigest: null means "only if it does not exist yet": now it does.
    const again = await gql(METAFIELDS_SET, { metafields: [{ ...tierOf(otherOwner, "gold"), compareDigest: null }] });
    expect(again.body.data.metafieldsSet.userErrors).toEqual([
      {
        field: ["metafields", "0", "compareDigest"],
        message: expect.stringContaining("has been updated"),
        code: "STALE_OBJECT",
        elementIndex: 0,
      },
    ]);
    const current = await gql(METAFIELDS_SET, {
      metafields: [{ ...tierOf(otherOwner, "gold"), compareDigest: stored.compareDigest }],
    });
    expect(current.body.data.metafieldsSet).toEqual({
      metafields: [{ id, namespace: "app--1234567", key: "tier", ownerType: "CUSTOMER" }],
      userErrors: [],
    });
    expect(double.control.getMetafields(SHOP, otherOwner).map((m) => [m.id, m.value])).toEqual([[id, "gold"]]);
  });

  it("reads tags back through node(id:), takes a comma-separated string, and refuses owners without tags", async () => {
    await gql(`mutation($id: ID!) { tagsAdd(id: $id, tags: "a, b ,c") { userErrors { message } } }`, { id: otherOwner });
    await gql(`mutation($id: ID!) { tagsRemove(id: $id, tags: ["b"]) { userErrors { message } } }`, { id: otherOwner });
    const read = await gql("query($id: ID!) { node(id: $id) { id ... on Customer { tags } } }", { id: otherOwner });
    expect(read.body.data.node).toEqual({ id: otherOwner, tags: ["a", "c"] });
    const collection = await gql(
      `mutation { tagsAdd(id: "gid://shopify/Collection/5", tags: ["x"]) { node { id } userErrors { field message } } }`,
    );
    expect(collection.body.data.tagsAdd).toEqual({
      node: null,
      userErrors: [{ field: ["id"], message: "Collection does not support tags" }],
    });
    const denied = await gql(`mutation { tagsAdd(id: "${otherOwner}", tags: ["x"]) { node { id } } }`, {}, LIMITED_TOKEN);
    expect(denied.body.data.tagsAdd).toBeNull();
    expect(denied.body.errors[0]).toMatchObject({ path: ["tagsAdd"], extensions: { code: "ACCESS_DENIED" } });
  });
});

describe("the operation registry", () => {
  it("derives the schema and the default costs from the declared root fields", () => {
    expect(ADMIN_API.schema.fieldType("QueryRoot", "shop")).toBe("Shop");
    expect(ADMIN_API.schema.fieldType("Mutation", "metafieldsSet")).toBe("MetafieldsSetPayload");
    expect(ADMIN_API.field("Mutation", "tagsAdd")?.requiredArguments).toEqual(["id", "tags"]);
    // Shopify: reads about 1 point per object, mutations 10.
    expect(DEFAULT_COSTS).toMatchObject({ default: 10, shop: 1, node: 1, metafieldsSet: 10, tagsAdd: 10, tagsRemove: 10 });
  });

  it("takes a new slice with a cost computed from the arguments, and refuses a field declared twice", () => {
    const products = {
      fields: [
        {
          root: "QueryRoot" as const,
          name: "products",
          returns: "ProductConnection",
          requiredArguments: [],
          cost: (args: Record<string, unknown>) => 2 + Number(args.first ?? 0),
          resolve: () => ({ edges: [] }),
        },
      ],
      types: { ProductConnection: { edges: "ProductEdge" }, ProductEdge: { node: "Product" }, Product: { id: "ID" } },
    };
    const registry = new OperationRegistry([products]);
    expect(registry.schema.fieldType("ProductEdge", "node")).toBe("Product");
    const cost = registry.field("QueryRoot", "products")!.cost;
    expect(typeof cost === "function" ? cost({ first: 50 }) : cost).toBe(52);
    // A cost that depends on the arguments is not in the fixed table.
    expect(registry.defaultCosts()).toEqual({ default: 10 });
    expect(() => new OperationRegistry([products, products])).toThrow("root field QueryRoot.products is declared twice");
  });
});

describe("throttling", () => {
  const shop = "throttle-shop.myshopify.com";
  const token = "shpat_throttle";

  it("refuses with THROTTLED when the bucket lacks the cost, and refills at the restore rate", async () => {
    double.control.addShop({ shop, accessToken: token });
    double.control.setThrottle({ shop, maximumAvailable: 100, restoreRate: 50, cost: 40 });
    const a = await gql(SHOP_QUERY, {}, token);
    const b = await gql(SHOP_QUERY, {}, token);
    expect(a.body.extensions.cost).toMatchObject({
      requestedQueryCost: 40,
      actualQueryCost: 40,
      throttleStatus: { maximumAvailable: 100, restoreRate: 50 },
    });
    expect(b.body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(25);
    const c = await gql(SHOP_QUERY, {}, token);
    expect(c.status).toBe(200);
    expect(c.body.data).toBeUndefined();
    expect(c.body.errors).toEqual([
      { message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } },
    ]);
    expect(c.body.extensions.cost).toEqual({
      requestedQueryCost: 40,
      actualQueryCost: null,
      throttleStatus: { maximumAvailable: 100, currentlyAvailable: expect.any(Number), restoreRate: 50 },
    });
    const level = c.body.extensions.cost.throttleStatus.currentlyAvailable;
    expect(level).toBeLessThan(40);

    await new Promise((r) => setTimeout(r, 600));
    const refilled = double.control.throttleStatus(shop).currentlyAvailable;
    expect(refilled).toBeGreaterThanOrEqual(level + 25);
    expect(refilled).toBeLessThanOrEqual(Math.min(100, level + 50 * 1.5));
    const d = await gql(SHOP_QUERY, {}, token);
    expect(d.body.data.shop.myshopifyDomain).toBe(shop);
    expect(double.control.requests.filter((r) => r.shop === shop).map((r) => r.outcome)).toEqual(["ok", "ok", "throttled", "ok"]);
  });

  it("refuses a single query above the maximum cost", async () => {
    double.control.setThrottle({ shop, maximumAvailable: 100, cost: 150 });
    const r = await gql(SHOP_QUERY, {}, token);
    expect(r.body.errors[0].extensions).toMatchObject({ code: "MAX_COST_EXCEEDED", cost: 150, maxCost: 100 });
  });
});

describe("injected faults", () => {
  it("answers the next requests with 503, 429 + Retry-After, 500, then normally", async () => {
    double.control.failNext({ status: 503 });
    double.control.failNext({ status: 429, retryAfter: 1.5 });
    double.control.failNext({ status: 500, shop: SHOP });
    const a = await gql(SHOP_QUERY);
    expect(a.status).toBe(503);
    const b = await gql(SHOP_QUERY);
    expect(b.status).toBe(429);
    expect(b.headers.get("retry-after")).toBe("1.5");
    const c = await gql(SHOP_QUERY);
    expect(c.status).toBe(500);
    expect((await gql(SHOP_QUERY)).status).toBe(200);
  });

  it("can drop the connection", async () => {
    double.control.failNext({ status: "reset" });
    await expect(gql(SHOP_QUERY)).rejects.toThrow();
    expect((await gql(SHOP_QUERY)).status).toBe(200);
  });

  it("is controllable over HTTP", async () => {
    const set = await fetch(`${double.origin}/__control/fail-next`, { method: "POST", body: JSON.stringify({ status: 502, count: 2 }) });
    expect(set.status).toBe(200);
    expect((await gql(SHOP_QUERY)).status).toBe(502);
    expect((await gql(SHOP_QUERY)).status).toBe(502);
    expect((await gql(SHOP_QUERY)).status).toBe(200);
    const log = (await (await fetch(`${double.origin}/__control/requests`)).json()) as { outcome: string }[];
    expect(log.slice(-3).map((r) => r.outcome)).toEqual(["injected-502", "injected-502", "ok"]);
    const tags = await (await fetch(`${double.origin}/__control/tags?shop=${SHOP}&id=gid://shopify/Customer/7100000000101`)).json();
    expect(tags).toEqual(["clv-gold"]);
    const unknownShop = await fetch(`${double.origin}/__control/throttle?shop=nope.myshopify.com`);
    expect([unknownShop.status, await unknownShop.json()]).toEqual([400, { error: "unknown shop nope.myshopify.com" }]);
    const unknownRoute = await fetch(`${double.origin}/__control/nothing`, { method: "POST" });
    expect([unknownRoute.status, await unknownRoute.json()]).toEqual([404, { error: "no control route POST /nothing" }]);
  });
});

describe("order webhooks for the demo", () => {
  it("sends a signed orders/create with the REST payload of a synthetic order", async () => {
    const order = syntheticOrders({ customers: 5, seed: 3 }).next().value!;
    const body = restOrder(order, { timeZone: "America/New_York" });
    const [delivery] = await double.control.sendWebhook({ topic: "orders/create", shop: SHOP, body });
    expect(delivery.status).toBe(200);
    const hook = received.find((r) => r.path === "/webhooks/orders/create")!;
    expect(hook.headers["x-shopify-topic"]).toBe("orders/create");
    expect(hook.headers["x-shopify-hmac-sha256"]).toBe(createHmac("sha256", SECRET).update(hook.raw).digest("base64"));
    expect(JSON.parse(hook.raw.toString())).toMatchObject({ id: order.id, admin_graphql_api_id: `gid://shopify/Order/${order.id}` });
  });
});
