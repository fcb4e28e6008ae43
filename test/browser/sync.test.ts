// The sync page in Chromium: queue depths, this shop's failed job with a working Retry button, and
// "Refit now" queueing a refit (both actions are fetch POSTs, authenticated like App Bridge does).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { Job } from "bullmq";
import { startApp } from "../support/app-under-test";
import { seedShop } from "../support/seed";
import { installOfflineSession } from "../support/session-token";
import { launchBrowser, openAdmin, screenshot, type AdminPage } from "../support/browser";

const SHOP = "browser-sync.myshopify.com";
let app: Awaited<ReturnType<typeof startApp>>;
let browser: Browser;
let admin: AdminPage;
let failedJobId: string;

beforeAll(async () => {
  app = await startApp({ workers: false });
  await installOfflineSession(app.db, SHOP);
  await seedShop(app.db, { shop: SHOP, customers: 50, seed: 4 });
  await app.db.webhookDelivery.createMany({
    data: [
      { shop: SHOP, topic: "orders/create", deliveryKey: "a", receivedAt: new Date(), processedAt: new Date() },
      { shop: SHOP, topic: "orders/updated", deliveryKey: "b", receivedAt: new Date(), processedAt: new Date() },
    ],
  });
  await app.db.backfillRun.create({
    data: { id: "sync-run", shop: SHOP, status: "completed", objectCount: 420, linesImported: 420, finishedAt: new Date() },
  });
  // A failed job of this shop, failed by a throwaway worker.
  const { Worker } = await import("bullmq");
  const { Redis } = await import("ioredis");
  const analytics = app.queues().analytics;
  const job = await analytics.add("backfill-shop", { shop: SHOP, runId: "sync-run-2" }, { attempts: 1 });
  failedJobId = job.id!;
  const connection = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  const worker = new Worker(
    analytics.name,
    async () => {
      throw new Error("bulk operation result URL expired");
    },
    { connection, prefix: app.environment.prefix },
  );
  while (!(await analytics.getJob(failedJobId))?.failedReason) await new Promise((r) => setTimeout(r, 50));
  await worker.close();
  connection.disconnect();
  browser = await launchBrowser();
});

afterAll(async () => {
  await admin?.close();
  await browser?.close();
  await app?.stop();
});

describe("sync page in a browser", () => {
  it("shows the status, retries a failed job and queues a refit", async () => {
    admin = await openAdmin(browser, { baseUrl: app.baseUrl, shop: SHOP });
    const { page } = admin;
    await admin.open("/app/sync");
    await expect.poll(() => page.getByText("bulk operation result URL expired").count()).toBe(1);
    await expect.poll(() => page.getByText("orders/updated").count()).toBeGreaterThan(0);
    await screenshot(page, "sync");

    await page.getByRole("button", { name: "Retry" }).click();
    // The job is queued again; the page revalidates and the job leaves the failed list.
    await expect.poll(async () => (await app.queues().analytics.getJob(failedJobId))!.getState()).toBe("waiting");
    await expect.poll(() => page.getByText("bulk operation result URL expired").count()).toBe(0);
    await expect.poll(() => page.getByText("No failed jobs for your store.").count()).toBe(1);

    await page.getByRole("button", { name: "Refit now" }).click();
    await expect.poll(() => page.getByTestId("refit-result").count()).toBe(1);
    const refits = ((await app.queues().analytics.getJobs(["waiting", "prioritized", "delayed"])) as Job[]).filter(
      (j) => j.name === "refit-shop" && j.data.shop === SHOP,
    );
    expect(refits.map((j) => j.data)).toEqual([{ shop: SHOP, reason: "on_demand" }]);
    await screenshot(page, "sync-after-actions");
    expect(admin.signedRequests.filter((r) => r.startsWith("/app/sync.data")).length).toBeGreaterThanOrEqual(2);
    expect(admin.errors).toEqual([]);
  });
});
