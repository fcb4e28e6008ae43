// Tagging a list longer than the page tags in one request (MAX_TAGGED, 250): the page queues a job and says
// how many customers it is tagging in the background; the job tags every customer of the list in Shopify
// (the Admin API double), page by page, resumes after the last page it finished, and saves the segment last.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job } from "bullmq";
import { startApp } from "../support/app-under-test";
import { seedShop, type SeedSummary } from "../support/seed";
import { actionResult, bearerRequest, installOfflineSession, sessionToken } from "../support/session-token";
import { startAdminApiDouble, type AdminApiDouble } from "../../testkit/admin-api-double/index";
import type { TagActionAnswer } from "~/routes/app.customers.tag";

const BIG = "tagging-big.myshopify.com";
const GONE = "tagging-gone.myshopify.com";
const CUSTOMERS = 320;
const tokenOf = (shop: string) => `token-${shop}`;
const gid = (id: string) => `gid://shopify/Customer/${id}`;

let double: AdminApiDouble;
let app: Awaited<ReturnType<typeof startApp>>;
let seeded: SeedSummary;

beforeAll(async () => {
  double = await startAdminApiDouble({
    shops: [
      { shop: BIG, accessToken: tokenOf(BIG), currencyCode: "USD" },
      { shop: GONE, accessToken: tokenOf(GONE), currencyCode: "USD" },
    ],
    // Ten times a standard plan's restore rate: the job still waits on the bucket, the test less long.
    throttle: { restoreRate: 1_000 },
  });
  // No worker: the test runs the job itself, to look at it before and after.
  app = await startApp({ workers: false, env: { NODE_ENV: "test", SHOPIFY_ADMIN_API_ORIGIN: double.origin } });
  for (const shop of [BIG, GONE]) {
    await installOfflineSession(app.db, shop, "read_orders,read_all_orders,read_customers,write_customers");
    await app.db.session.update({ where: { id: `offline_${shop}` }, data: { accessToken: tokenOf(shop) } });
  }
  seeded = await seedShop(app.db, { shop: BIG, customers: CUSTOMERS, seed: 31, orders: false, firstOrderId: 8_700_000 });
  await seedShop(app.db, { shop: GONE, customers: 260, seed: 32, orders: false, firstOrderId: 8_710_000 });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await double?.close();
});

async function tag(shop: string, fields: Record<string, string>) {
  const response = await bearerRequest(app.baseUrl, "/app/customers/tag.data", sessionToken({ shop }), {
    method: "POST",
    body: new URLSearchParams(fields),
  });
  return { status: response.status, result: (await actionResult<TagActionAnswer>(response)).data! };
}

async function taggingJobs(shop: string): Promise<Job[]> {
  const { TAG_CUSTOMERS_JOB } = await import("~/queues/customer-tagging.server");
  const jobs = (await app.queues().analytics.getJobs(["waiting", "prioritized", "delayed", "active"])) as Job[];
  return jobs.filter((j) => j.name === TAG_CUSTOMERS_JOB && j.data?.shop === shop);
}

async function runJob(job: Job) {
  const { processCustomerTaggingJob } = await import("~/worker/customer-tagging-processor.server");
  const result = await processCustomerTaggingJob(job);
  await job.remove();
  return result;
}

const ids = () =>
  seeded.customers
    .map((c) => c.customerId)
    .slice()
    .sort();

describe("tagging a long list in the background", () => {
  it("queues the list past 250 customers and says how many it is tagging; the job tags them all, then saves the segment", async () => {
    const { status, result } = await tag(BIG, { tag: "everyone", saveSegment: "on", segmentName: "Everyone" });
    expect(status).toBe(202);
    expect(result).toEqual({ ok: true, queued: true, count: CUSTOMERS, tag: "everyone", segmentName: "Everyone" });
    // Nothing is tagged in the request.
    expect(double.control.getTags(BIG, gid(ids()[0]!))).toEqual([]);

    // A second click while the job waits adds nothing.
    expect((await tag(BIG, { tag: "everyone", saveSegment: "on", segmentName: "Everyone" })).status).toBe(202);
    const jobs = await taggingJobs(BIG);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.data).toMatchObject({ shop: BIG, tag: "everyone", segmentName: "Everyone", announced: CUSTOMERS });

    const outcome = await runJob(jobs[0]!);
    expect(outcome).toMatchObject({ announced: CUSTOMERS, tagged: CUSTOMERS, failed: 0, segmentError: null });
    for (const id of ids()) expect(double.control.getTags(BIG, gid(id)), id).toContain("everyone");
    const segments = double.control.getSegments(BIG);
    expect(segments.map((s) => [s.name, s.query])).toEqual([["Everyone", "customer_tags CONTAINS 'everyone'"]]);
    expect(outcome).toMatchObject({ segment: { id: segments[0]!.id, name: "Everyone" } });
  });

  it("a retried job resumes after the last page it finished", async () => {
    expect((await tag(BIG, { tag: "second-run" })).status).toBe(202);
    const [job] = await taggingJobs(BIG);
    const sorted = ids();
    // As if a first attempt had tagged the first 250 customers and then failed.
    await job!.updateProgress({ after: sorted[249], tagged: 250, failed: 0 });
    const outcome = await runJob(job!);
    expect(outcome).toMatchObject({ tagged: CUSTOMERS, failed: 0, segment: null });
    expect(double.control.getTags(BIG, gid(sorted[249]!))).not.toContain("second-run");
    for (const id of sorted.slice(250)) expect(double.control.getTags(BIG, gid(id)), id).toContain("second-run");
  });

  it("tags nothing for a shop that uninstalled the app before the job ran", async () => {
    expect((await tag(GONE, { tag: "late" })).status).toBe(202);
    const [job] = await taggingJobs(GONE);
    await app.db.session.deleteMany({ where: { shop: GONE } });
    expect(await runJob(job!)).toEqual({ skipped: "no offline session: the app was uninstalled, nothing tagged" });
  });

  it("still tags a list of 250 or fewer in the request, with no job", async () => {
    const one = seeded.customers.find((c) => c.email)!;
    const { status, result } = await tag(BIG, { tag: "just-one", q: one.email! });
    expect(status).toBe(200);
    expect(result).toMatchObject({ ok: true, tag: "just-one", outcome: { tagged: 1, failed: 0 } });
    expect(double.control.getTags(BIG, gid(one.customerId))).toContain("just-one");
    expect(await taggingJobs(BIG)).toHaveLength(0);
  });
});
