// `idIn` on PostgreSQL: a batch's ids (one JSON parameter) must be expanded once per statement whether or not
// the table has statistics. Written as `IN (SELECT json_array_elements_text(…))`, a new shop's table (no
// statistics yet) was read in full and the JSON parsed once per row: re-scoring a 190-customer batch against
// 24,000 orders took 1.3 s. The plan is PostgreSQL's, asked with EXPLAIN, before and after ANALYZE.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isolatedEnvironment } from "../support/environment";
import { freshPostgresSchema } from "../support/postgres";
import { paidOrder } from "../../testkit/loyalty-orders";

const SHOP = "plan-shop.myshopify.com";
let database: Awaited<ReturnType<typeof freshPostgresSchema>>;
let environment: ReturnType<typeof isolatedEnvironment>;

beforeAll(async () => {
  database = await freshPostgresSchema();
  environment = isolatedEnvironment({ DATABASE_URL: database.url });
});

afterAll(async () => {
  const { disconnectDb } = await import("~/db.server");
  await disconnectDb();
  environment.cleanup();
  await database.drop();
});

type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };

/**
 * Where the plan expands the ids (its ProjectSet or Function Scan nodes over the JSON): "once" when inside an
 * InitPlan (computed once per statement), else the relationship to the node that runs it (e.g. "Inner" of a nested loop).
 */
function idExpansions(node: PlanNode, insideInitPlan = false): string[] {
  const initPlan = insideInitPlan || node["Parent Relationship"] === "InitPlan";
  const own =
    node["Node Type"] === "ProjectSet" || node["Node Type"] === "Function Scan"
      ? [initPlan ? "once" : String(node["Parent Relationship"])]
      : [];
  return [...own, ...(node.Plans ?? []).flatMap((child) => idExpansions(child, initPlan))];
}

describe("idIn on PostgreSQL", () => {
  it("expands the ids once per statement, without and with statistics", async () => {
    const { db } = await import("~/db.server");
    const { markShopInstalled } = await import("~/data/lifecycle.server");
    const { ingestBatch } = await import("~/data/ingest.server");
    const { idIn } = await import("~/data/json-rows.server");
    const { queryRaw, sql } = await import("~/data/sql.server");
    const client = await db();
    // No statistics until the test asks for them.
    await client.$executeRawUnsafe(`ALTER TABLE "Order" SET (autovacuum_enabled = false)`);
    await markShopInstalled(client, SHOP, { name: "Plan", currencyCode: "USD", ianaTimezone: "UTC" });
    const orders = Array.from({ length: 3_000 }, (_, i) =>
      paidOrder({
        id: 1_000 + i,
        customerId: 100 + (i % 500),
        totalMinor: 1_000,
        processedAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
      }),
    );
    for (let i = 0; i < orders.length; i += 500)
      await ingestBatch(client, SHOP, [{ orders: orders.slice(i, i + 500) }], { deferCustomerValues: true });

    const ids = Array.from({ length: 190 }, (_, k) => String(100 + k * 2));
    const query = sql`SELECT o."customerId", COUNT(*) AS "orders" FROM "Order" o
                       WHERE o."shop" = ${SHOP} AND ${idIn(`o."customerId"`, ids)} GROUP BY o."customerId"`;
    const plan = async () => {
      const [row] = await queryRaw<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(client, sql`EXPLAIN (FORMAT JSON) ${query}`);
      return idExpansions(row["QUERY PLAN"][0].Plan);
    };

    const [analyzed] = await queryRaw<{ analyzed: unknown }>(
      client,
      sql`SELECT last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL AS "analyzed" FROM pg_stat_user_tables WHERE relname = 'Order' AND schemaname = current_schema()`,
    );
    expect(analyzed?.analyzed).toBe(false);
    expect(await plan()).toEqual(["once"]);
    await client.$executeRawUnsafe(`ANALYZE "Order"`);
    expect(await plan()).toEqual(["once"]);

    // And the answer is the ids' orders: 6 each (3,000 orders over 500 customers).
    const counts = await queryRaw<{ customerId: string; orders: unknown }>(client, query);
    expect(counts.map((c) => c.customerId).sort()).toEqual([...ids].sort());
    expect(new Set(counts.map((c) => Number(c.orders)))).toEqual(new Set([6]));
  });
});
