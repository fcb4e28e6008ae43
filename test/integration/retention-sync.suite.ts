// The retention sync against the Admin API double, on each database: metafields written only when they
// change, the clv: tags added and removed as customers slip and recover, the two segments created once and
// kept in step (not duplicated), the Flow trigger's payload once per at-risk episode, pacing from
// throttleStatus and THROTTLED retried, the bulk-mutation path, and runs twice over or in parallel writing
// nothing twice. No web server, no queue: the job's function is called directly.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAdminApiDouble, type AdminApiDouble } from "../../testkit/admin-api-double/index";
import { FLOW_FIELD_REASON, FLOW_FIELD_VALUE_AT_STAKE, FLOW_TRIGGER_HANDLE } from "~/retention";
import { isolatedEnvironment } from "../support/environment";
import { freshPostgresSchema } from "../support/postgres";
import { installShop } from "../support/shops";

interface SeedCustomer {
  id: string;
  netMinor: number;
  predictedMinor?: number | null;
  probabilityAlive?: number | null;
  orders?: number;
  segment?: string | null;
  atRisk?: boolean;
  stakeMinor?: number;
  reason?: unknown;
  tags?: string | null;
}

/** SQLite (the file of isolatedEnvironment) or a fresh PostgreSQL schema. */
export function retentionSyncSuite(database: "sqlite" | "postgresql") {
  const SHOP = "retention-sync.myshopify.com";
  const TOKEN = "shpat_retention_sync";
  const target = { shop: SHOP, accessToken: TOKEN };

  let double: AdminApiDouble;
  let environment: ReturnType<typeof isolatedEnvironment>;
  let postgres: Awaited<ReturnType<typeof freshPostgresSchema>> | null = null;
  let client: import("@prisma/client").PrismaClient;
  let sync: typeof import("~/data/retention-write-back.server");

  const gid = (id: string) => `gid://shopify/Customer/${id}`;
  const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => String(from + i));

  beforeAll(async () => {
    double = await startAdminApiDouble({
      shops: [{ shop: SHOP, accessToken: TOKEN, currencyCode: "USD" }],
      flowTriggers: [
        {
          handle: FLOW_TRIGGER_HANDLE,
          fields: [
            { type: "customer_reference" },
            { type: "number_decimal", key: FLOW_FIELD_VALUE_AT_STAKE },
            { type: "single_line_text_field", key: FLOW_FIELD_REASON },
          ],
        },
      ],
    });
    postgres = database === "postgresql" ? await freshPostgresSchema() : null;
    environment = isolatedEnvironment({
      NODE_ENV: "test",
      SHOPIFY_ADMIN_API_ORIGIN: double.origin,
      ...(postgres ? { DATABASE_URL: postgres.url } : {}),
    });
    const { db } = await import("~/db.server");
    client = await db();
    sync = await import("~/data/retention-write-back.server");
    await installShop(client, SHOP, { currencyCode: "USD", ianaTimezone: "UTC" });
  });

  afterAll(async () => {
    const { disconnectDb } = await import("~/db.server");
    await disconnectDb();
    await double?.close();
    environment?.cleanup();
    await postgres?.drop();
  });

  beforeEach(() => {
    double.control.clearFailures();
    double.control.setThrottle({ shop: SHOP, maximumAvailable: 2000, restoreRate: 100, currentlyAvailable: 2000 });
    double.control.clearRequests();
  });

  /** Customers as the refit and the at-risk detection leave them (CustomerValue, CustomerRisk, Customer). */
  async function seed(customers: SeedCustomer[]) {
    const first = new Date(Date.UTC(2024, 0, 10));
    for (const c of customers) {
      const orders = c.orders ?? 3;
      const values = {
        orderCount: orders,
        netRevenueMinor: BigInt(c.netMinor),
        grossMinor: BigInt(c.netMinor),
        firstOrderAt: first,
        lastOrderAt: orders >= 2 ? new Date(Date.UTC(2025, 5, 1)) : first,
        predictedClvMinor: c.predictedMinor == null ? null : BigInt(c.predictedMinor),
        probabilityAlive: c.probabilityAlive ?? null,
        segment: c.segment ?? null,
      };
      await client.customer.upsert({
        where: { shop_id: { shop: SHOP, id: c.id } },
        create: { shop: SHOP, id: c.id, tags: c.tags ?? null },
        update: { tags: c.tags ?? null },
      });
      await client.customerValue.upsert({
        where: { shop_customerId: { shop: SHOP, customerId: c.id } },
        create: { shop: SHOP, customerId: c.id, ...values },
        update: values,
      });
      const risk = {
        atRisk: c.atRisk ?? false,
        valueAtStakeMinor: BigInt(c.stakeMinor ?? 0),
        reason: c.reason === undefined ? null : JSON.stringify(c.reason),
        episodeStartDay: c.atRisk ? 20_400 : null,
      };
      await client.customerRisk.upsert({
        where: { shop_customerId: { shop: SHOP, customerId: c.id } },
        create: { shop: SHOP, customerId: c.id, ...risk },
        update: risk,
      });
    }
  }

  const metafield = (customerId: string, key: string) =>
    double.control.getMetafields(SHOP, gid(customerId)).find((m) => m.key === key && m.namespace.startsWith("app--"));
  const tags = (customerId: string) => double.control.getTags(SHOP, gid(customerId)).sort();
  const okCalls = (root: string) => double.control.requests.filter((r) => r.rootFields.includes(root) && r.outcome === "ok");
  const metafieldsSent = () =>
    okCalls("metafieldsSet").reduce((n, r) => n + ((r.variables as { metafields?: unknown[] } | undefined)?.metafields?.length ?? 0), 0);
  const mutationCalls = () =>
    double.control.requests.filter((r) => r.outcome === "ok" && r.rootFields.some((f) => !["segment", "segments"].includes(f))).length;
  const run = (options: Partial<Parameters<typeof sync.writeBackRetention>[2]> = {}) =>
    sync.writeBackRetention(client, SHOP, { target, pollMs: 20, ...options });

  const RHYTHM_REASONS = [{ kind: "rhythm_broken", values: { averageGapDays: 35, daysSinceLastOrder: 133 } }];
  /** As the detection stores it (app/data/retention-reason.server.ts). */
  const RHYTHM = { v: 1, criteria: 1, effectiveProbabilityAlive: 0.15, previousProbabilityAlive: 0.6, reasons: RHYTHM_REASONS };

  describe("customers", () => {
    it("first sync: every scored customer's metafields, the tags, both segments, and no Flow trigger for the backlog", async () => {
      await seed([
        { id: "1001", netMinor: 60_000, predictedMinor: 15_049, probabilityAlive: 0.404, segment: "Champions" },
        {
          id: "1002",
          netMinor: 42_000,
          predictedMinor: 9_000,
          probabilityAlive: 0.2,
          segment: "Can't lose",
          atRisk: true,
          stakeMinor: 32_150,
          reason: RHYTHM,
        },
        { id: "1003", netMinor: 2_500, predictedMinor: 800, probabilityAlive: 1, orders: 1, segment: "New", tags: "vip, newsletter" },
      ]);
      const summary = await run();
      expect(summary).toMatchObject({
        deferred: false,
        scanned: 3,
        written: 3,
        failed: 0,
        flowTriggers: 0,
        flowSuppressed: 1,
        segmentsCreated: 2,
      });

      expect(metafield("1001", "historic_value")).toMatchObject({ type: "number_decimal", value: "600.00" });
      expect(metafield("1001", "predicted_value_12m")).toMatchObject({ type: "number_decimal", value: "150.00" });
      expect(metafield("1001", "probability_alive")).toMatchObject({ type: "number_decimal", value: "0.40" });
      expect(metafield("1001", "segment")).toMatchObject({ type: "single_line_text_field", value: "Champions" });
      expect(metafield("1001", "at_risk")).toMatchObject({ type: "boolean", value: "false" });
      expect(metafield("1001", "value_at_stake")).toMatchObject({ type: "number_decimal", value: "0.00" });
      expect(metafield("1002", "at_risk")?.value).toBe("true");
      expect(metafield("1002", "value_at_stake")?.value).toBe("322.00");
      // A one-time buyer's P(alive) is the model's 1 by construction: not written.
      expect(metafield("1003", "probability_alive")).toBeUndefined();
      expect(metafield("1003", "historic_value")?.value).toBe("25.00");

      expect(tags("1001")).toEqual(["clv:champion"]);
      expect(tags("1002")).toEqual(["clv:at-risk", "clv:cant-lose"]);
      expect(tags("1003")).toEqual([]);
      // 6 + 6 + 5 metafields, in calls of at most 25.
      expect(metafieldsSent()).toBe(17);
      for (const call of okCalls("metafieldsSet"))
        expect((call.variables as { metafields: unknown[] }).metafields.length).toBeLessThanOrEqual(25);

      expect(
        double.control
          .getSegments(SHOP)
          .map((s) => [s.name, s.query])
          .sort(),
      ).toEqual([
        ["CLV: At risk, high value", "customer_tags CONTAINS 'clv:at-risk'"],
        ["CLV: Champions", "customer_tags CONTAINS 'clv:champion'"],
      ]);
      expect(double.control.getFlowTriggerCalls(SHOP)).toEqual([]);
    });

    it("a second run writes nothing and creates no segment", async () => {
      const summary = await run();
      expect(summary).toMatchObject({ scanned: 3, changed: 0, written: 0, segmentsCreated: 0, segmentsUpdated: 0 });
      expect(mutationCalls()).toBe(0);
      // Only the two segment(id:) reads that check our segments still exist.
      expect(double.control.requests.map((r) => r.rootFields.join(","))).toEqual(["segment", "segment"]);
      expect(double.control.getSegments(SHOP)).toHaveLength(2);
    });

    it("writes only the metafields that changed, and nothing for a change below the written precision", async () => {
      const before = metafield("1001", "historic_value")?.updatedAt;
      await seed([
        { id: "1001", netMinor: 60_000, predictedMinor: 18_020, probabilityAlive: 0.401, segment: "Champions" },
        { id: "1003", netMinor: 2_500, predictedMinor: 820, probabilityAlive: 1, orders: 1, segment: "New", tags: "vip, newsletter" },
      ]);
      const summary = await run();
      expect(summary).toMatchObject({ changed: 1, written: 1, metafieldsSet: 1 });
      expect(okCalls("metafieldsSet")).toHaveLength(1);
      expect(okCalls("metafieldsSet")[0].variables).toEqual({
        metafields: [{ ownerId: gid("1001"), namespace: "$app", key: "predicted_value_12m", type: "number_decimal", value: "180.00" }],
      });
      expect(metafield("1001", "historic_value")?.updatedAt).toBe(before);
      expect(okCalls("tagsAdd")).toHaveLength(0);
    });

    it("a customer newly at risk: metafields, tag, and one Flow trigger with the customer reference and value at stake", async () => {
      await seed([
        {
          id: "1001",
          netMinor: 60_000,
          predictedMinor: 18_020,
          probabilityAlive: 0.15,
          segment: "Can't lose",
          atRisk: true,
          stakeMinor: 48_649,
          reason: RHYTHM,
        },
      ]);
      const summary = await run();
      expect(summary).toMatchObject({ written: 1, flowTriggers: 1, tagsAdded: 2, tagsRemoved: 1 });
      expect(tags("1001")).toEqual(["clv:at-risk", "clv:cant-lose"]);
      expect(metafield("1001", "value_at_stake")?.value).toBe("486.00");
      expect(double.control.getFlowTriggerCalls(SHOP)).toEqual([
        {
          handle: FLOW_TRIGGER_HANDLE,
          payload: {
            customer_id: 1001,
            [FLOW_FIELD_VALUE_AT_STAKE]: 486,
            [FLOW_FIELD_REASON]: "ordered every ~5 weeks, nothing for 19 weeks",
          },
          receivedAt: expect.any(String),
        },
      ]);
      // The trigger goes after the customer's metafields and tags (a workflow may read them).
      const order = double.control.requests.map((r) => r.rootFields[0]);
      expect(order.indexOf("flowTriggerReceive")).toBeGreaterThan(order.lastIndexOf("tagsAdd"));
      expect(order.indexOf("flowTriggerReceive")).toBeGreaterThan(order.lastIndexOf("metafieldsSet"));

      // Still at risk next time, value at stake a little higher: the metafield moves, no second trigger.
      double.control.clearRequests();
      await seed([
        {
          id: "1001",
          netMinor: 60_000,
          predictedMinor: 18_020,
          probabilityAlive: 0.12,
          segment: "Can't lose",
          atRisk: true,
          stakeMinor: 51_000,
          reason: RHYTHM,
        },
      ]);
      expect(await run()).toMatchObject({ written: 1, flowTriggers: 0, metafieldsSet: 2 });
      expect(double.control.getFlowTriggerCalls(SHOP)).toHaveLength(1);
    });

    it("a customer who recovers loses the clv:at-risk tag; a later episode fires the trigger again", async () => {
      await seed([{ id: "1001", netMinor: 66_000, predictedMinor: 21_000, probabilityAlive: 0.9, segment: "Champions" }]);
      const recovered = await run();
      expect(recovered).toMatchObject({ written: 1, tagsRemoved: 2, tagsAdded: 1, flowTriggers: 0 });
      expect(tags("1001")).toEqual(["clv:champion"]);
      expect(metafield("1001", "at_risk")?.value).toBe("false");
      expect(metafield("1001", "value_at_stake")?.value).toBe("0.00");

      await seed([
        {
          id: "1001",
          netMinor: 66_000,
          predictedMinor: 9_000,
          probabilityAlive: 0.1,
          segment: "At risk",
          atRisk: true,
          stakeMinor: 20_000,
          reason: RHYTHM,
        },
      ]);
      expect(await run()).toMatchObject({ flowTriggers: 1 });
      expect(tags("1001")).toEqual(["clv:at-risk", "clv:at-risk-segment"]);
      expect(double.control.getFlowTriggerCalls(SHOP)).toHaveLength(2);
      // The merchant's own tags are never touched.
      expect(tags("1003")).toEqual([]);
    });

    it("keeps a customer whose write failed for the next sync, then writes them", async () => {
      await seed([
        {
          id: "1003",
          netMinor: 9_000,
          predictedMinor: 2_000,
          probabilityAlive: 0.7,
          orders: 2,
          segment: "Champions",
          tags: "vip, newsletter",
        },
      ]);
      double.control.failNext({ status: 500, count: 20, rootField: "tagsAdd" });
      const failed = await run({ gateway: { maxAttempts: 2, sleep: async () => {} } });
      expect(failed).toMatchObject({ written: 0, failed: 1 });
      double.control.clearFailures();
      const retried = await run();
      expect(retried).toMatchObject({ written: 1, failed: 0, tagsAdded: 1 });
      expect(tags("1003")).toEqual(["clv:champion"]);
      expect(metafield("1003", "probability_alive")?.value).toBe("0.70");
    });
  });

  describe("segments", () => {
    it("puts our query back on a segment edited in the admin, and recreates a deleted one without duplicates", async () => {
      const [atRisk, champions] = ["CLV: At risk, high value", "CLV: Champions"].map((name) =>
        double.control.getSegments(SHOP).find((s) => s.name === name),
      );
      const gql = (query: string, variables: Record<string, unknown>) =>
        fetch(`${double.origin}/admin/api/2026-07/graphql.json`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": TOKEN },
          body: JSON.stringify({ query, variables }),
        });
      await gql(`mutation($id: ID!, $query: String) { segmentUpdate(id: $id, query: $query) { userErrors { message } } }`, {
        id: champions!.id,
        query: "number_of_orders > 10",
      });
      await gql(`mutation($id: ID!) { segmentDelete(id: $id) { deletedSegmentId } }`, { id: atRisk!.id });
      double.control.clearRequests();
      // The create succeeds but its answer is lost: the retry finds the name taken and adopts the segment.
      double.control.failNext({ status: 503, rootField: "segmentCreate", afterExecute: true });
      const summary = await run();
      expect(summary.segmentErrors).toEqual([]);
      expect(summary.segmentsUpdated).toBeGreaterThanOrEqual(1);
      const segments = double.control.getSegments(SHOP);
      expect(segments.map((s) => [s.name, s.query]).sort()).toEqual([
        ["CLV: At risk, high value", "customer_tags CONTAINS 'clv:at-risk'"],
        ["CLV: Champions", "customer_tags CONTAINS 'clv:champion'"],
      ]);
      expect(segments.find((s) => s.name === "CLV: Champions")?.id).toBe(champions!.id);
      // The stored ids are Shopify's: the next run only checks them.
      double.control.clearRequests();
      expect(await run()).toMatchObject({ segmentsCreated: 0, segmentsUpdated: 0 });
      expect(double.control.requests.map((r) => r.rootFields.join(","))).toEqual(["segment", "segment"]);
      const stored = await client.shopifySyncState.findMany({ where: { shop: SHOP, channel: "shopify_segment" } });
      expect(stored.map((s) => JSON.parse(s.written).segmentId).sort()).toEqual(segments.map((s) => s.id).sort());
    });
  });

  describe("rate limits", () => {
    it("paces itself from throttleStatus on a small bucket without being throttled", async () => {
      double.control.setThrottle({ shop: SHOP, maximumAvailable: 100, restoreRate: 400, currentlyAvailable: 100 });
      await seed(
        ids(2000, 20).map((id, i) => ({ id, netMinor: 10_000 + i * 100, predictedMinor: 5_000, probabilityAlive: 0.8, segment: "Loyal" })),
      );
      const summary = await run();
      expect(summary).toMatchObject({ written: 20, failed: 0, tagsAdded: 20 });
      expect(summary.throttleWaitMs).toBeGreaterThan(0);
      expect(double.control.requests.filter((r) => r.outcome === "throttled")).toHaveLength(0);
      // No request may cost more than the bucket holds: aliased tag mutations are cut to 10 a request.
      for (const r of double.control.requests) expect(r.requestedQueryCost ?? 0).toBeLessThanOrEqual(100);
    });

    it("waits out THROTTLED answers and retries them", async () => {
      await seed(
        ids(2000, 20).map((id, i) => ({ id, netMinor: 20_000 + i * 100, predictedMinor: 5_000, probabilityAlive: 0.8, segment: "Loyal" })),
      );
      // Other callers have drained the bucket (0.3 s of refill owed): the first calls are refused until it refills.
      double.control.setThrottle({ shop: SHOP, maximumAvailable: 2000, restoreRate: 1000, currentlyAvailable: -300 });
      const summary = await run();
      expect(double.control.requests.filter((r) => r.outcome === "throttled").length).toBeGreaterThan(0);
      expect(summary).toMatchObject({ written: 20, failed: 0 });
      expect(summary.retries).toBeGreaterThan(0);
      expect(metafield("2019", "historic_value")?.value).toBe("219.00");
    });
  });

  describe("bulk mutations", () => {
    it("writes many changes with staged uploads and bulkOperationRunMutation, then sends the Flow triggers", async () => {
      const many = ids(3000, 40).map((id, i) => ({
        id,
        netMinor: 30_000 + i,
        predictedMinor: 7_000,
        probabilityAlive: 0.3,
        segment: "Champions",
        atRisk: i < 5,
        stakeMinor: i < 5 ? 12_345 : 0,
        reason: RHYTHM_REASONS, // the bare list is read too
      }));
      await seed(many);
      const summary = await run({ bulkThreshold: 10 });
      expect(summary).toMatchObject({ changed: 40, written: 40, failed: 0, flowTriggers: 5 });
      expect(summary.bulkOperations).toBeGreaterThanOrEqual(2); // metafieldsSet and tagsAdd lines
      expect(okCalls("stagedUploadsCreate").length).toBe(summary.bulkOperations);
      expect(okCalls("metafieldsSet")).toHaveLength(0);
      expect(metafield("3039", "historic_value")?.value).toBe("300.39");
      expect(tags("3000")).toEqual(["clv:at-risk", "clv:champion"]);
      expect(tags("3039")).toEqual(["clv:champion"]);
      const triggered = double.control
        .getFlowTriggerCalls(SHOP)
        .map((c) => (c.payload as { customer_id: number }).customer_id)
        .filter((id) => id >= 3000);
      expect(triggered.sort()).toEqual([3000, 3001, 3002, 3003, 3004]);
      const first = double.control.getFlowTriggerCalls(SHOP).find((c) => (c.payload as { customer_id: number }).customer_id === 3000);
      expect(first?.payload).toEqual({
        customer_id: 3000,
        [FLOW_FIELD_VALUE_AT_STAKE]: 123,
        [FLOW_FIELD_REASON]: "ordered every ~5 weeks, nothing for 19 weeks",
      });

      double.control.clearRequests();
      expect(await run({ bulkThreshold: 10 })).toMatchObject({ changed: 0, bulkOperations: 0 });
      expect(mutationCalls()).toBe(0);
    });
  });

  describe("idempotence", () => {
    it("two syncs started together write each change once: one defers to the other, which passes again", async () => {
      await seed(
        ids(4000, 12).map((id, i) => ({
          id,
          netMinor: 40_000 + i,
          predictedMinor: 3_000,
          probabilityAlive: 0.25,
          segment: "At risk",
          atRisk: true,
          stakeMinor: 9_999,
          reason: RHYTHM,
        })),
      );
      const flowBefore = double.control.getFlowTriggerCalls(SHOP).length;
      const [a, b] = await Promise.all([run(), run()]);
      expect([a.deferred, b.deferred].sort()).toEqual([false, true]);
      const ran = a.deferred ? b : a;
      expect(ran.passes).toBe(2);
      expect(ran).toMatchObject({ written: 12, flowTriggers: 12 });
      expect(double.control.getFlowTriggerCalls(SHOP).length - flowBefore).toBe(12);
      // 6 metafields per new customer, each sent once.
      expect(metafieldsSent()).toBe(72);
      expect(okCalls("tagsAdd").reduce((n, r) => n + Object.keys(r.variables as object).length / 2, 0)).toBe(12);

      double.control.clearRequests();
      expect(await run()).toMatchObject({ deferred: false, written: 0, flowTriggers: 0 });
      expect(mutationCalls()).toBe(0);
    });

    it("a lease left by a crashed sync is taken over once it expires", async () => {
      const { acquireLease } = await import("~/data/retention-sync.server");
      const held = await acquireLease(client, SHOP, 60_000);
      expect(held).not.toBeNull();
      expect(await run()).toMatchObject({ deferred: true });
      // Past its expiry the lease is free again.
      await client.shopifySyncState.updateMany({
        where: { shop: SHOP, channel: "retention_lease" },
        data: { syncedAt: new Date(Date.now() - 1_000) },
      });
      // Taking it over clears the deferred request: this pass serves it.
      expect(await run()).toMatchObject({ deferred: false, passes: 1 });
    });
  });

  describe("win-back offer", () => {
    it("gives the treatment arm a single-use, expiring code limited to them, holds the others out, and decides each episode once", async () => {
      await client.retentionSettings.create({ data: { shop: SHOP, winBackEnabled: true } });
      const customers = ids(5000, 20);
      await seed(
        customers.map((id) => ({
          id,
          netMinor: 50_000,
          predictedMinor: 4_000,
          probabilityAlive: 0.2,
          segment: "Can't lose",
          atRisk: true,
          stakeMinor: 25_000,
          reason: RHYTHM,
        })),
      );
      const nowMs = Date.UTC(2026, 10, 30, 12);
      const summary = await run({ nowMs });
      // Every customer at risk is decided once offers are on, the earlier tests' ones too.
      const atRisk = await client.customerRisk.count({ where: { shop: SHOP, atRisk: true } });
      expect(atRisk).toBeGreaterThan(20);
      expect(summary).toMatchObject({ failed: 0, winBackFailed: 0 });
      expect(summary.winBackIssued + summary.winBackHeldOut).toBe(atRisk);
      expect(summary.winBackIssued).toBeGreaterThan(atRisk / 2);

      const exposures = await client.experimentExposure.findMany({ where: { shop: SHOP, experimentKey: "win-back" } });
      expect(exposures).toHaveLength(atRisk);
      const discounts = double.control.getDiscounts(SHOP);
      for (const id of customers) {
        const arm = exposures.find((e) => e.customerId === id)?.arm;
        const code = metafield(id, "win_back_code")?.value;
        if (arm === "holdout") {
          expect(code).toBeUndefined();
          continue;
        }
        expect(code).toMatch(/^WB-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
        // 30 days counting the day of issue (UTC shop): valid through 29 December, ends at the start of the 30th.
        expect(metafield(id, "win_back_expires_on")).toMatchObject({ type: "date", value: "2026-12-29" });
        const discount = discounts.find((d) => d.codes.includes(code!));
        expect(Date.parse(discount?.endsAt ?? "")).toBe(Date.UTC(2026, 11, 30));
        expect(discount).toMatchObject({
          kind: "code",
          usageLimit: 1,
          appliesOncePerCustomer: true,
          value: { type: "percentage", percentage: 0.15 },
          context: { type: "customers", ids: [gid(id)] },
        });
      }
      expect(discounts.filter((d) => d.title.startsWith("Win-back"))).toHaveLength(summary.winBackIssued);

      // The same episode next time: nothing decided again, nothing created, nothing written.
      double.control.clearRequests();
      expect(await run({ nowMs: nowMs + 86_400_000 })).toMatchObject({ winBackIssued: 0, winBackHeldOut: 0, changed: 0 });
      expect(okCalls("discountCodeBasicCreate")).toHaveLength(0);
      expect(await client.experimentExposure.count({ where: { shop: SHOP, experimentKey: "win-back" } })).toBe(atRisk);
    });

    it("writes no code Shopify refused, and offers it again next sync", async () => {
      const { assignArm } = await import("~/experiments");
      const experiment = await client.experiment.findUniqueOrThrow({ where: { shop_key: { shop: SHOP, key: "win-back" } } });
      // A customer the hash puts in the treatment arm (the salt is the shop's, drawn at random).
      const id = ids(5100, 50).find(
        (customerId) =>
          assignArm({ salt: experiment.salt, customerId, experimentKey: "win-back", holdoutShare: experiment.holdoutShare }) ===
          "treatment",
      )!;
      await seed([
        {
          id,
          netMinor: 50_000,
          predictedMinor: 4_000,
          probabilityAlive: 0.2,
          segment: "Loyal",
          atRisk: true,
          stakeMinor: 25_000,
          reason: RHYTHM,
        },
      ]);
      const nowMs = Date.UTC(2026, 10, 30, 12);
      double.control.failNext({ status: 500, count: 5, rootField: "discountCodeBasicCreate" });
      const refused = await run({ nowMs, gateway: { maxAttempts: 1, sleep: async () => {} } });
      expect(refused).toMatchObject({ winBackIssued: 0, winBackFailed: 1, written: 1 });
      expect(metafield(id, "win_back_code")).toBeUndefined();
      expect(metafield(id, "at_risk")?.value).toBe("true");
      // The rest of the customer's sync goes on: their Flow trigger is sent all the same.
      expect(
        double.control.getFlowTriggerCalls(SHOP).filter((c) => (c.payload as { customer_id: number }).customer_id === Number(id)),
      ).toHaveLength(1);
      double.control.clearFailures();
      const offered = await run({ nowMs });
      expect(offered).toMatchObject({ winBackIssued: 1, winBackFailed: 0, written: 1 });
      expect(metafield(id, "win_back_code")?.value).toMatch(/^WB-/);
    });
  });

  it("the double refuses a Flow payload whose custom field has the wrong type", async () => {
    const response = await fetch(`${double.origin}/admin/api/2026-07/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": TOKEN },
      body: JSON.stringify({
        query: `mutation($h: String!, $p: JSON!) { flowTriggerReceive(handle: $h, payload: $p) { userErrors { field message } } }`,
        variables: { h: FLOW_TRIGGER_HANDLE, p: { customer_id: 1, [FLOW_FIELD_VALUE_AT_STAKE]: "322.00", [FLOW_FIELD_REASON]: "x" } },
      }),
    });
    const body = (await response.json()) as { data: { flowTriggerReceive: { userErrors: { message: string }[] } } };
    expect(body.data.flowTriggerReceive.userErrors[0]?.message).toMatch(/'Value at stake' must be a number/);
  });
}
