// The sync page in Chromium: the merchant's summary first (history complete, orders arriving, predictions
// updated, what failed and what to do), the diagnostics below it; a failed job retried; "Update
// predictions" with a banner that says what happened and goes once it is done; the whole history
// re-imported only after a confirmation; a French pass and a keyboard-only pass. The actions are fetch
// POSTs, authenticated like App Bridge does.
import { describe, expect, it } from "vitest";
import type { Job } from "bullmq";
import { seedShop } from "../support/seed";
import { headingOutline, headingsInOrder, screenshot, tabTo } from "../support/browser";
import { browserSuite, type AppUnderTest } from "../support/browser-suite";

const SHOP = "browser-sync.myshopify.com";
let failedJobId: string;

const suite = browserSuite({ shop: SHOP, seed });

// A synced shop: history imported, webhooks processed, and one failed job (its id in failedJobId).
async function seed(app: AppUnderTest) {
  await seedShop(app.db, { shop: SHOP, customers: 50, seed: 4, ianaTimezone: "Europe/Paris" });
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
}

/** Queued jobs of this shop by name (the failed job retried by the first test left out). */
const jobsNamed = async (name: string) =>
  ((await suite.app.queues().analytics.getJobs(["waiting", "prioritized", "delayed"])) as Job[]).filter(
    (j) => j.name === name && j.data.shop === SHOP && j.id !== failedJobId,
  );

describe("sync page in a browser", () => {
  it("leads with the summary, says what failed and what to do, and retries the failed job", async () => {
    const admin = await suite.open("/app/sync");
    const { page } = admin;
    expect(await page.getByTestId("health-headline").innerText()).toBe("Something failed: see below what to do.");
    expect(await page.getByTestId("health-problems").innerText()).toContain("1 background job failed.");
    expect(await page.getByTestId("health-import").innerText()).toMatch(/Order history imported on .+ \(420 records\)\./);
    expect(await page.getByTestId("health-orders").innerText()).toContain("New orders are arriving: the last order change came in today.");
    expect(await page.getByTestId("health-model").innerText()).toMatch(/Predictions updated .+ (CET|CEST|GMT\+[12])\./);
    // The summary comes before the diagnostics, which keep the details.
    const summaryTop = await page.getByTestId("health-headline").boundingBox();
    const diagnosticsTop = await page.getByRole("heading", { name: "Diagnostics" }).boundingBox();
    expect(summaryTop!.y).toBeLessThan(diagnosticsTop!.y);
    await expect.poll(() => page.getByText("bulk operation result URL expired").count()).toBe(1);
    await expect.poll(() => page.getByText("orders/updated").count()).toBeGreaterThan(0);
    expect(headingsInOrder(await headingOutline(page))).toBe(true);
    await screenshot(page, "sync");

    await page.getByRole("button", { name: /^Retry/ }).click();
    // The job is queued again; the page revalidates, the job leaves the failed list and the summary is green.
    await expect.poll(async () => (await suite.app.queues().analytics.getJob(failedJobId))!.getState()).toBe("waiting");
    await expect.poll(() => page.getByText("bulk operation result URL expired").count()).toBe(0);
    await expect.poll(() => page.getByText("No failed jobs for your store.").count()).toBe(1);
    await expect.poll(() => page.getByTestId("health-headline").innerText()).toBe("Everything is up to date.");
    expect(admin.errors).toEqual([]);
  });

  it("updates the predictions with a banner that goes once they are updated", async () => {
    const admin = await suite.open("/app/sync");
    const { page } = admin;
    await page.getByRole("button", { name: "Update predictions" }).click();
    await expect
      .poll(() => page.getByTestId("refit-result").innerText())
      .toBe("Updating the predictions: this takes a few seconds to a few minutes.");
    expect((await jobsNamed("refit-shop")).map((j) => j.data)).toEqual([{ shop: SHOP, reason: "on_demand" }]);
    await screenshot(page, "sync-refit-requested", { fullPage: false });

    // No worker runs here: the refit's result is written as the worker would, and the page notices it.
    const fit = await suite.app.db.modelFit.findFirstOrThrow({ where: { shop: SHOP } });
    await suite.app.db.modelFit.create({ data: { ...fit, id: "fit-after-refit", fittedAt: new Date() } });
    await expect.poll(() => page.getByTestId("refit-result").innerText(), { timeout: 15_000 }).toMatch(/^Predictions updated /);
    await expect.poll(() => page.getByTestId("refit-result").count(), { timeout: 15_000 }).toBe(0);
    expect(admin.signedRequests.filter((r) => r.startsWith("/app/sync.data")).length).toBeGreaterThanOrEqual(2);
    expect(admin.errors).toEqual([]);
  });

  it("asks before importing the whole history again", async () => {
    const admin = await suite.open("/app/sync");
    const { page } = admin;
    const importButton = page.getByRole("button", { name: "Import order history" });
    await importButton.click();
    await expect.poll(() => page.getByText("Import the whole order history again?").count()).toBe(1);
    await screenshot(page, "sync-confirm-import", { fullPage: false });
    await page.getByRole("button", { name: "Cancel" }).click();
    expect(await page.getByText("Import the whole order history again?").count()).toBe(0);
    expect(await jobsNamed("backfill-shop")).toEqual([]);

    await importButton.click();
    await page.getByRole("button", { name: "Import again" }).click();
    await expect
      .poll(() => page.getByTestId("import-result").innerText())
      .toBe("Import started: its progress shows below, and this message goes when it is done.");
    await expect.poll(async () => (await jobsNamed("backfill-shop")).length).toBe(1);
    expect(admin.errors).toEqual([]);
  });

  it("speaks French and works with the keyboard alone", async () => {
    const admin = await suite.open("/app/sync", { locale: "fr" });
    const { page } = admin;
    expect(await page.locator("h1").first().innerText()).toBe("Synchronisation");
    expect(await page.getByRole("heading", { name: "Vos données sont-elles à jour ?" }).count()).toBe(1);
    expect(await page.getByRole("heading", { name: "Diagnostic" }).count()).toBe(1);
    await screenshot(page, "sync-fr");

    await tabTo(page, "button", { text: "Mettre à jour les prédictions" });
    const before = (await jobsNamed("refit-shop")).length;
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByTestId("refit-result").count()).toBe(1);
    // Deduplicated with the refit already queued by the previous test, or queued anew: either way one is waiting.
    expect((await jobsNamed("refit-shop")).length).toBeGreaterThanOrEqual(Math.max(1, before));
    expect(admin.errors).toEqual([]);
  });
});
