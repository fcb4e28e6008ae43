// The Admin API double's bulk write path and catalogue: staged uploads (the multipart POST to the double's
// own bucket), bulk mutations run line by line with their result file and signed finish webhook, and the
// products the offers write-back checks (status, publication, deletion, products/* webhooks).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { METAFIELDS_SET } from "../../app/shopify/metafield-operations";
import { startDoubleHarness, type DoubleHarness } from "../../testkit/admin-api-double/test-harness";
import { syntheticOrders } from "../../testkit/synthetic-shop/generator";

const SHOP = "writes-shop.myshopify.com";
const TOKEN = "shpat_writes";
const LIMITED = "readonly-shop.myshopify.com";
const LIMITED_TOKEN = "shpat_readonly";
const SYNTHETIC = { orders: 300, seed: 21, products: 60 };
const VERSION = "2026-07";

let harness: DoubleHarness;
let double: DoubleHarness["double"];
const gql: DoubleHarness["gql"] = (...args) => harness.gql(...args);
const logged: DoubleHarness["logged"] = (run) => harness.logged(run);

beforeAll(async () => {
  harness = await startDoubleHarness({
    token: TOKEN,
    apiSecret: "bulk-webhook-secret",
    shops: [
      { shop: SHOP, accessToken: TOKEN, currencyCode: "USD", synthetic: SYNTHETIC },
      { shop: LIMITED, accessToken: LIMITED_TOKEN, scopes: ["read_orders", "read_customers"], synthetic: SYNTHETIC },
    ],
    // A Plus-sized bucket: paging through the catalogue takes many calls.
    throttle: { maximumAvailable: 20_000, restoreRate: 1_000 },
    bulk: { runningAfterMs: 10, completeAfterMs: 80 },
  });
  double = harness.double;
});

afterAll(async () => {
  await harness?.close();
});

// ---------------------------------------------------------------------------------------------------

const STAGE = /* GraphQL */ `
  mutation ($input: [StagedUploadInput!]!) {
    stagedUploadsCreate(input: $input) {
      stagedTargets {
        url
        resourceUrl
        parameters {
          name
          value
        }
      }
      userErrors {
        field
        message
      }
    }
  }
`;
const RUN_MUTATION = /* GraphQL */ `
  mutation ($mutation: String!, $path: String!) {
    bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $path) {
      bulkOperation {
        id
        status
        type
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;
const STATUS = `query($id: ID!) { node(id: $id) { ... on BulkOperation { id type status errorCode objectCount url partialDataUrl } } }`;
const TAGS_ADD = `mutation($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } } }`;

interface Target {
  url: string;
  resourceUrl: string;
  parameters: { name: string; value: string }[];
}

async function stage(filename = "vars.jsonl"): Promise<Target> {
  const r = await gql(STAGE, { input: [{ resource: "BULK_MUTATION_VARIABLES", filename, mimeType: "text/jsonl", httpMethod: "POST" }] });
  expect(r.body.data.stagedUploadsCreate.userErrors).toEqual([]);
  return r.body.data.stagedUploadsCreate.stagedTargets[0];
}

async function upload(target: Target, content: string, change: (form: FormData) => void = () => undefined) {
  const form = new FormData();
  for (const p of target.parameters) form.append(p.name, p.value);
  form.append("file", new Blob([content], { type: "text/jsonl" }), "vars.jsonl");
  change(form);
  const response = await fetch(target.url, { method: "POST", body: form });
  return { status: response.status, text: await response.text() };
}

const keyOf = (target: Target) => target.parameters.find((p) => p.name === "key")!.value;

async function stageAndUpload(lines: unknown[]): Promise<string> {
  const target = await stage();
  const r = await upload(target, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  expect(r.status).toBe(201);
  return keyOf(target);
}

async function runBulkMutation(mutation: string, path: string, version = VERSION) {
  const r = await gql(RUN_MUTATION, { mutation, path }, TOKEN, version);
  return r.body.data.bulkOperationRunMutation;
}

async function pollUntilDone(id: string) {
  for (let i = 0; i < 300; i++) {
    const op = (await gql(STATUS, { id })).body.data.node;
    if (["COMPLETED", "FAILED", "CANCELED"].includes(op.status)) return { op };
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new Error(`bulk operation ${id} did not finish`);
}

const owners = Array.from({ length: 30 }, (_, i) => `gid://shopify/Customer/${7_200_000_000 + i}`);
const tierLine = (ownerId: string, tier: string, points: string) => ({
  metafields: [
    { ownerId, namespace: "$app", key: "tier", type: "single_line_text_field", value: tier },
    { ownerId, namespace: "$app", key: "points", type: "number_integer", value: points },
  ],
});

describe("staged uploads and bulk mutations", () => {
  it("hands out a target on the double that takes the multipart form and answers like the bucket", async () => {
    let target: Target | undefined;
    const log = await logged(async () => (target = await stage("tiers.jsonl")));
    expect(log).toEqual([expect.objectContaining({ rootFields: ["stagedUploadsCreate"], requestedQueryCost: 10 })]);
    expect(target!.url).toBe(`${double.origin}/staged-uploads/`);
    const names = target!.parameters.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(["key", "policy", "Content-Type", "success_action_status", "x-goog-signature"]));
    expect(keyOf(target!)).toMatch(/^tmp\/\d+\/bulk\/[0-9a-f-]{36}\/tiers\.jsonl$/);
    expect(target!.resourceUrl).toBe(`${target!.url}${keyOf(target!)}`);

    const ok = await upload(target!, '{"a":1}\n');
    expect(ok.status).toBe(201);
    expect(ok.text).toContain(`<Key>${keyOf(target!)}</Key>`);
    expect(double.control.stagedUploads(SHOP).find((u) => u.key === keyOf(target!))).toMatchObject({ size: 8, mimeType: "text/jsonl" });
  });

  it("refuses a forged signature, a wrong content type, a file sent before its key, and other resources", async () => {
    const target = await stage();
    const forged = await upload(target, "{}\n", (form) => form.set("x-goog-signature", "0".repeat(64)));
    expect([forged.status, forged.text]).toEqual([403, expect.stringContaining("<Code>SignatureDoesNotMatch</Code>")]);
    const type = await upload(target, "{}\n", (form) => form.set("Content-Type", "application/json"));
    expect(type.status).toBe(403);
    const fileFirst = new FormData();
    fileFirst.append("file", new Blob(["{}\n"]), "vars.jsonl");
    for (const p of target.parameters) fileFirst.append(p.name, p.value);
    const early = await fetch(target.url, { method: "POST", body: fileFirst });
    expect([early.status, await early.text()]).toEqual([400, expect.stringContaining("expects a key field before the file")]);
    const image = await gql(STAGE, { input: [{ resource: "IMAGE", filename: "a.png", mimeType: "image/png" }] });
    expect(image.body.data.stagedUploadsCreate.userErrors).toEqual([
      { field: ["input", "0", "resource"], message: expect.stringContaining("BULK_MUTATION_VARIABLES") },
    ]);
  });

  it("runs metafieldsSet for every line, asynchronously, then serves the results and sends the signed finish webhook", async () => {
    const lines = owners.map((ownerId, i) => tierLine(ownerId, i % 2 ? "gold" : "silver", String(100 + i)));
    lines[7] = tierLine(owners[7], "gold", "lots"); // not an integer: that line answers a userError
    const path = await stageAndUpload(lines);
    let started: Awaited<ReturnType<typeof runBulkMutation>> | undefined;
    const log = await logged(async () => (started = await runBulkMutation(METAFIELDS_SET, path)));
    expect(log).toEqual([expect.objectContaining({ rootFields: ["bulkOperationRunMutation"], requestedQueryCost: 10, outcome: "ok" })]);
    expect(started).toEqual({
      bulkOperation: { id: expect.stringMatching(/^gid:\/\/shopify\/BulkOperation\/\d+$/), status: "CREATED", type: "MUTATION" },
      userErrors: [],
    });
    const id = started!.bulkOperation.id;
    const { op } = await pollUntilDone(id);
    expect(op).toMatchObject({ type: "MUTATION", status: "COMPLETED", errorCode: null, objectCount: "30", partialDataUrl: null });

    const results = (await (await fetch(op.url)).text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(results.map((r) => r.__lineNumber)).toEqual(owners.map((_, i) => i));
    expect(results[0].data.metafieldsSet).toEqual({
      metafields: [
        { id: expect.any(String), namespace: "app--1234567", key: "tier", ownerType: "CUSTOMER" },
        { id: expect.any(String), namespace: "app--1234567", key: "points", ownerType: "CUSTOMER" },
      ],
      userErrors: [],
    });
    expect(results[7].data.metafieldsSet).toEqual({
      metafields: [],
      userErrors: [{ field: ["metafields", "1", "value"], message: "Value must be an integer.", code: "INVALID_VALUE", elementIndex: 1 }],
    });
    expect(double.control.getMetafields(SHOP, owners[3]).map((m) => [m.key, m.value])).toEqual([
      ["tier", "gold"],
      ["points", "103"],
    ]);
    expect(double.control.getMetafields(SHOP, owners[7])).toEqual([]);

    const current = await gql(`{ currentBulkOperation(type: MUTATION) { id status } query: currentBulkOperation { id } }`);
    expect(current.body.data.currentBulkOperation).toEqual({ id, status: "COMPLETED" });
    expect(current.body.data.query?.id).not.toBe(id);

    await double.control.webhooksSettled();
    const hook = harness.received.find(
      (r) => r.path === "/webhooks/bulk_operations/finish" && JSON.parse(r.raw.toString()).admin_graphql_api_id === id,
    )!;
    expect(harness.signedBy(hook)).toBe(true);
    expect(JSON.parse(hook.raw.toString())).toMatchObject({ status: "completed", type: "mutation", error_code: null });
  });

  it("runs tagsAdd per line too", async () => {
    const path = await stageAndUpload(owners.slice(0, 4).map((id) => ({ id, tags: ["tier:gold"] })));
    const started = await runBulkMutation(TAGS_ADD, path);
    const { op } = await pollUntilDone(started.bulkOperation.id);
    expect(op.status).toBe("COMPLETED");
    for (const owner of owners.slice(0, 4)) expect(double.control.getTags(SHOP, owner)).toEqual(["tier:gold"]);
    expect(double.control.getTags(SHOP, owners[4])).toEqual([]);
  });

  it("refuses a missing file, an invalid mutation and a file that is not JSONL", async () => {
    expect(await runBulkMutation(TAGS_ADD, "tmp/1/bulk/none/vars.jsonl")).toEqual({
      bulkOperation: null,
      userErrors: [{ field: ["stagedUploadPath"], message: expect.stringContaining("could not be found"), code: "NO_SUCH_FILE" }],
    });
    const path = await stageAndUpload([{ id: owners[0], tags: ["x"] }]);
    for (const mutation of [
      "{ shop { name } }",
      `mutation { a: tagsAdd(id: "x", tags: []) { node { id } } b: tagsRemove(id: "x", tags: []) { node { id } } }`,
      'mutation { bulkOperationRunQuery(query: "{}") { userErrors { message } } }',
      "mutation { tagsAdd(",
    ]) {
      const r = await runBulkMutation(mutation, path);
      expect(r.userErrors).toEqual([
        { field: ["mutation"], message: expect.stringMatching(/^Invalid mutation/), code: "INVALID_MUTATION" },
      ]);
    }
    const target = await stage();
    await upload(target, "id,tags\n1,x\n");
    expect((await runBulkMutation(TAGS_ADD, keyOf(target))).userErrors).toEqual([
      { field: ["stagedUploadPath"], message: "Unexpected file structure - expected JSONL", code: "INVALID_STAGED_UPLOAD_FILE" },
    ]);
    // Another shop cannot run this shop's upload.
    const other = await gql(RUN_MUTATION, { mutation: TAGS_ADD, path }, LIMITED_TOKEN);
    expect(other.body.data.bulkOperationRunMutation.userErrors[0].code).toBe("NO_SUCH_FILE");
  });

  it("runs at most five bulk mutations at once (one before 2026-01), besides bulk queries", async () => {
    double.control.setBulk({ shop: SHOP, completeAfterMs: 60_000 });
    try {
      const path = await stageAndUpload([{ id: owners[0], tags: ["y"] }]);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await runBulkMutation(TAGS_ADD, path)).bulkOperation.id);
      expect((await runBulkMutation(TAGS_ADD, path)).userErrors).toEqual([
        { field: null, message: expect.stringContaining("5 concurrent bulk mutation operations"), code: "LIMIT_REACHED" },
      ]);
      expect((await runBulkMutation(TAGS_ADD, path, "2025-10")).userErrors[0].code).toBe("OPERATION_IN_PROGRESS");
      const query = await gql(
        `mutation { bulkOperationRunQuery(query: "{ orders { edges { node { id } } } }") { bulkOperation { id } userErrors { code } } }`,
      );
      expect(query.body.data.bulkOperationRunQuery.userErrors).toEqual([]);
      ids.push(query.body.data.bulkOperationRunQuery.bulkOperation.id);
      for (const id of ids) await gql(`mutation($id: ID!) { bulkOperationCancel(id: $id) { userErrors { message } } }`, { id });
      for (const id of ids) expect((await double.control.waitForBulkOperation(id)).status).toBe("CANCELED");
    } finally {
      double.control.setBulk({ shop: SHOP, completeAfterMs: 80 });
    }
  });

  it("can fail part way: the first lines took effect and are in the partial data file", async () => {
    const failing = owners.slice(10, 20).map((ownerId) => tierLine(ownerId, "platinum", "900"));
    const path = await stageAndUpload(failing);
    double.control.setBulk({ shop: SHOP, failNext: { errorCode: "INTERNAL_SERVER_ERROR", partialObjects: 3 } });
    const started = await runBulkMutation(METAFIELDS_SET, path);
    const { op } = await pollUntilDone(started.bulkOperation.id);
    expect(op).toMatchObject({ status: "FAILED", errorCode: "INTERNAL_SERVER_ERROR", url: null, objectCount: "3" });
    const partial = (await (await fetch(op.partialDataUrl)).text()).trimEnd().split("\n");
    expect(partial.map((l) => JSON.parse(l).__lineNumber)).toEqual([0, 1, 2]);
    expect(owners.slice(10, 20).map((o) => double.control.getMetafields(SHOP, o).find((m) => m.key === "tier")?.value)).toEqual([
      "platinum",
      "platinum",
      "platinum",
      "gold",
      "silver",
      "gold",
      "silver",
      "gold",
      "silver",
      "gold",
    ]);
    await double.control.webhooksSettled();
    const hooks = harness.received.filter((r) => r.path === "/webhooks/bulk_operations/finish").map((r) => JSON.parse(r.raw.toString()));
    expect(hooks.find((b) => b.admin_graphql_api_id === started.bulkOperation.id)).toMatchObject({ status: "failed", type: "mutation" });
  });

  it("paces lines when a processing rate is set", async () => {
    double.control.setBulk({ shop: SHOP, mutationLinesPerSecond: 100, completeAfterMs: 0 });
    try {
      const path = await stageAndUpload(owners.slice(0, 20).map((id) => ({ id, tags: ["paced"] })));
      const started = Date.now();
      const op = await double.control.waitForBulkOperation((await runBulkMutation(TAGS_ADD, path)).bulkOperation.id);
      expect(op.status).toBe("COMPLETED");
      // 20 lines at 100 a second cannot finish in less than 200 ms.
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    } finally {
      double.control.setBulk({ shop: SHOP, mutationLinesPerSecond: null, completeAfterMs: 80 });
    }
  });
});

// ---------------------------------------------------------------------------------------------------

const PRODUCTS = /* GraphQL */ `
  query Products($first: Int!, $after: String, $query: String) {
    products(first: $first, after: $after, query: $query) {
      nodes {
        id
        title
        handle
        status
        publishedAt
        totalInventory
        featuredImage {
          url
          altText
          width
          height
        }
        variants(first: 1) {
          nodes {
            id
            price
            availableForSale
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

interface ProductNode {
  id: string;
  status: string;
  publishedAt: string | null;
  totalInventory: number;
  variants: { nodes: { id: string; price: string; availableForSale: boolean }[] };
}

async function allProducts(query?: string): Promise<ProductNode[]> {
  const out: ProductNode[] = [];
  let after: string | null = null;
  for (;;) {
    const r = await gql(PRODUCTS, { first: 25, after, query });
    out.push(...r.body.data.products.nodes);
    if (!r.body.data.products.pageInfo.hasNextPage) return out;
    after = r.body.data.products.pageInfo.endCursor;
  }
}

describe("products", () => {
  it("serves the synthetic shop's own catalogue: every product its orders name, none deleted", async () => {
    const sold = new Set<string>();
    for (const order of syntheticOrders({ currencyCode: "USD", ...SYNTHETIC }))
      for (const line of order.lineItems) if (line.productId !== null) sold.add(`gid://shopify/Product/${line.productId}`);
    const products = await allProducts();
    const ids = new Set(products.map((p) => p.id));
    expect(ids.size).toBe(products.length);
    for (const id of sold) expect(ids.has(id)).toBe(true);
    // 60 products, about 2% deleted after they sold: the catalogue holds the rest.
    expect(products.length).toBeGreaterThan(50);
    expect(products.length).toBeLessThanOrEqual(60);
    expect(double.control.products(SHOP).map((p) => p.id)).toEqual(products.map((p) => p.id));
  });

  it("answers Shopify's shape with pageInfo, and costs 2 + first × (product 1 + variants 3 + image 1)", async () => {
    const r = await gql(PRODUCTS, { first: 10 });
    const page = r.body.data.products;
    expect(page.nodes).toHaveLength(10);
    expect(page.nodes[0]).toEqual({
      id: expect.stringMatching(/^gid:\/\/shopify\/Product\/\d+$/),
      title: expect.any(String),
      handle: expect.stringMatching(/^[a-z0-9-]+$/),
      status: expect.stringMatching(/^(ACTIVE|DRAFT|ARCHIVED)$/),
      publishedAt: page.nodes[0].status === "ACTIVE" ? expect.anything() : null,
      totalInventory: expect.any(Number),
      featuredImage:
        page.nodes[0].featuredImage === null
          ? null
          : { url: expect.stringMatching(/^https:\/\//), altText: expect.any(String), width: 1200, height: 1200 },
      variants: {
        nodes: [
          {
            id: expect.stringMatching(/^gid:\/\/shopify\/ProductVariant\/\d+$/),
            price: expect.stringMatching(/^\d+\.\d\d$/),
            availableForSale: expect.any(Boolean),
          },
        ],
      },
    });
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: expect.any(String) });
    expect(r.body.extensions.cost.requestedQueryCost).toBe(2 + 10 * (1 + 3 + 1));
    expect(double.control.requests.at(-1)).toMatchObject({ operationName: "Products", requestedQueryCost: 52 });
    const tooBig = await gql(PRODUCTS.replace("variants(first: 1)", "variants(first: 10)"), { first: 250 });
    expect(tooBig.body.errors[0].extensions).toMatchObject({ code: "MAX_COST_EXCEEDED" });
    expect((await gql(`{ products(first: 251) { nodes { id } } }`)).body.errors[0].message).toBe("The first argument cannot exceed 250.");
    expect((await gql(`{ products(query: "x") { nodes { id } } }`)).body.errors[0].message).toBe("you must provide one of first or last");
  });

  it("keeps drafts and archived products unpublished, and filters by status and publication", async () => {
    const products = await allProducts();
    for (const p of products) if (p.status !== "ACTIVE") expect(p.publishedAt).toBeNull();
    for (const p of products) if (p.status !== "ACTIVE") expect(p.variants.nodes[0].availableForSale).toBe(false);
    for (const p of products) if (p.totalInventory === 0) expect(p.variants.nodes[0].availableForSale).toBe(false);
    const active = await allProducts("status:active");
    expect(active.map((p) => p.id)).toEqual(products.filter((p) => p.status === "ACTIVE").map((p) => p.id));
    const unpublished = await allProducts("published_status:unpublished");
    expect(unpublished.map((p) => p.id)).toEqual(products.filter((p) => p.publishedAt === null).map((p) => p.id));
    const notDraft = await allProducts("-status:draft");
    expect(notDraft.length).toBe(products.filter((p) => p.status !== "DRAFT").length);
  });

  it("lets a test unpublish or delete a product, with the products/update and products/delete webhooks", async () => {
    const [target, doomed] = (await allProducts("status:active published_status:published")).slice(0, 2);
    const deliveries = await double.control.setProduct(SHOP, target.id, { status: "DRAFT", publishedAt: null }, { notify: true });
    expect(deliveries.map((d) => d.status)).toEqual([200]);
    const one = await gql(`query($id: ID!) { product(id: $id) { id status publishedAt } }`, { id: target.id });
    expect(one.body.data.product).toEqual({ id: target.id, status: "DRAFT", publishedAt: null });
    const update = harness.received.find((r) => r.path === "/webhooks/products/update")!;
    expect(harness.signedBy(update)).toBe(true);
    expect(JSON.parse(update.raw.toString())).toMatchObject({
      id: Number(target.id.split("/").pop()),
      admin_graphql_api_id: target.id,
      status: "draft",
      published_at: null,
    });

    await double.control.deleteProduct(SHOP, doomed.id, { notify: true });
    expect((await gql(`query($id: ID!) { product(id: $id) { id } }`, { id: doomed.id })).body.data.product).toBeNull();
    expect((await gql(`query($id: ID!) { node(id: $id) { id } }`, { id: doomed.id })).body.data.node).toBeNull();
    const removed = harness.received.find((r) => r.path === "/webhooks/products/delete")!;
    expect(JSON.parse(removed.raw.toString())).toEqual({ id: Number(doomed.id.split("/").pop()) });

    // A cross-sell metafield may point at existing products only.
    const offer = (ids: string[]) => ({
      metafields: [
        { ownerId: target.id, namespace: "$app", key: "cross_sell", type: "list.product_reference", value: JSON.stringify(ids) },
      ],
    });
    const stale = await gql(METAFIELDS_SET, offer([doomed.id]));
    expect(stale.body.data.metafieldsSet.userErrors).toEqual([
      {
        field: ["metafields", "0", "value"],
        message: `Value references non-existent resource ${doomed.id}.`,
        code: "INVALID_VALUE",
        elementIndex: 0,
      },
    ]);
    const fine = await gql(METAFIELDS_SET, offer([target.id]));
    expect(fine.body.data.metafieldsSet.userErrors).toEqual([]);
  });

  it("adds and changes products over the control API's HTTP routes", async () => {
    const add = await fetch(`${double.origin}/__control/products`, {
      method: "POST",
      body: JSON.stringify({ shop: LIMITED, input: { title: "Gift Card", price: "25.00" } }),
    });
    const added = (await add.json()) as { id: string; status: string; publishedAt: string | null };
    expect(added).toMatchObject({
      id: expect.stringMatching(/^gid:\/\/shopify\/Product\/\d+$/),
      status: "ACTIVE",
      publishedAt: expect.any(String),
    });
    const patch = await fetch(`${double.origin}/__control/products`, {
      method: "PATCH",
      body: JSON.stringify({ shop: LIMITED, id: added.id, patch: { status: "ARCHIVED", publishedAt: null } }),
    });
    expect(patch.status).toBe(200);
    expect(double.control.products(LIMITED).find((p) => p.id === added.id)).toMatchObject({ status: "ARCHIVED", publishedAt: null });
    const gone = await fetch(`${double.origin}/__control/products?shop=${LIMITED}&id=${encodeURIComponent(added.id)}`, {
      method: "DELETE",
    });
    expect(gone.status).toBe(200);
    expect(double.control.products(LIMITED).some((p) => p.id === added.id)).toBe(false);
  });

  it("needs read_products", async () => {
    const r = await gql(PRODUCTS, { first: 1 }, LIMITED_TOKEN);
    expect(r.body.errors[0]).toMatchObject({ extensions: { code: "ACCESS_DENIED" } });
  });
});

describe("faults of the upload route", () => {
  it("fails staged uploads on their own route", async () => {
    const target = await stage();
    double.control.failNext({ status: 503, route: "upload" });
    expect((await gql(`{ shop { name } }`)).status).toBe(200);
    const failed = await upload(target, "{}\n");
    expect([failed.status, failed.text]).toEqual([503, expect.stringContaining("<Code>ServiceUnavailable</Code>")]);
    expect((await upload(target, "{}\n")).status).toBe(201);
  });
});
