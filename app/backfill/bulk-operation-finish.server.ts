// bulk_operations/finish: Shopify tells us a bulk query ended; the backfill run that owns it moves on.
import { db } from "~/db.server";
import { runBackfillStepNow } from "~/queues/queues.server";

export async function handleBulkOperationFinish(shop: string, bulkOperationId: string, status: string, errorCode: string | null) {
  const client = await db();
  const run = await client.backfillRun.findFirst({ where: { shop, bulkOperationId } });
  if (!run) {
    console.warn(`bulk operation ${bulkOperationId} of ${shop} finished (${status}) but no backfill run owns it`);
    return;
  }
  if (status.toLowerCase() !== "completed") {
    await client.backfillRun.update({
      where: { id: run.id },
      data: {
        status: "failed",
        error: `bulk operation ${status.toLowerCase()}${errorCode ? ` (${errorCode})` : ""}`,
        finishedAt: new Date(),
      },
    });
    return;
  }
  // The import itself runs on the analytics queue (it streams a file that may be gigabytes).
  await runBackfillStepNow({ shop, runId: run.id });
}
