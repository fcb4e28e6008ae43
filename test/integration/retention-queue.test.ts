// The retention sync's job: one per shop and model fit whatever the number of asks (Redis, real BullMQ queue),
// recognised by the dispatcher's test, and run by its processor against the Admin API double.
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminApiDouble, type AdminApiDouble } from "../../testkit/admin-api-double/index";
import { isolatedEnvironment, removeRedisKeys } from "../support/environment";
import { installShop } from "../support/shops";

const SHOP = "retention-queue.myshopify.com";
const TOKEN = "shpat_retention_queue";

let double: AdminApiDouble;
let environment: ReturnType<typeof isolatedEnvironment>;
let producer: typeof import("~/queues/retention.server");
let queues: typeof import("~/queues/queues.server");

beforeAll(async () => {
  double = await startAdminApiDouble({ shops: [{ shop: SHOP, accessToken: TOKEN }] });
  environment = isolatedEnvironment({ NODE_ENV: "test", SHOPIFY_ADMIN_API_ORIGIN: double.origin });
  producer = await import("~/queues/retention.server");
  queues = await import("~/queues/queues.server");
});

afterAll(async () => {
  await queues?.closeQueues();
  const { disconnectDb } = await import("~/db.server");
  await disconnectDb();
  await double?.close();
  await removeRedisKeys(environment.prefix);
  environment?.cleanup();
});

const retentionJobs = async () =>
  (await queues.queues().analytics.getJobs(["waiting", "delayed", "prioritized", "active", "completed"])).filter((job) =>
    producer.isRetentionJob(job),
  );

describe("enqueueRetentionSync", () => {
  it("adds one job per shop and fit, however often it is asked", async () => {
    await producer.enqueueRetentionSync({ shop: SHOP, modelFitId: "fit-1" });
    await producer.enqueueRetentionSync({ shop: SHOP, modelFitId: "fit-1" });
    expect((await retentionJobs()).map((job) => job.id)).toEqual([`retention-sync|${SHOP}|fit-1`]);
    await producer.enqueueRetentionSync({ shop: SHOP, modelFitId: "fit-2" });
    const jobs = await retentionJobs();
    expect(jobs.map((job) => job.data).sort((a, b) => a.modelFitId.localeCompare(b.modelFitId))).toEqual([
      { shop: SHOP, modelFitId: "fit-1" },
      { shop: SHOP, modelFitId: "fit-2" },
    ]);
    expect(jobs.every((job) => job.name === "retention-sync")).toBe(true);
    expect(producer.isRetentionJob({ name: "loyalty-sync" })).toBe(false);
  });
});

describe("processRetentionJob", () => {
  it("writes nothing without an offline session, and syncs the shop with one", async () => {
    const { processRetentionJob } = await import("~/worker/retention-processor.server");
    const { db } = await import("~/db.server");
    const client = await db();
    await installShop(client, SHOP, { currencyCode: "EUR" });
    const job = { name: "retention-sync", data: { shop: SHOP, modelFitId: "fit-2" }, updateProgress: async () => {} } as unknown as Job;
    expect(await processRetentionJob(job)).toMatchObject({ skipped: expect.stringContaining("no offline session") });

    await client.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, accessToken: TOKEN } });
    await client.customerValue.create({ data: { shop: SHOP, customerId: "77", orderCount: 1, netRevenueMinor: 1_999n } });
    expect(await processRetentionJob(job)).toMatchObject({ modelFitId: "fit-2", written: 1, segmentsCreated: 2 });
    expect(double.control.getMetafields(SHOP, "gid://shopify/Customer/77").find((m) => m.key === "historic_value")?.value).toBe("19.99");
    await expect(processRetentionJob({ ...job, name: "retention-other" } as Job)).rejects.toThrow(/unknown retention job/);
  });
});
