// bulk_operations/finish: Shopify tells us a bulk query ended; the backfill run that owns it moves on.
import { db } from "~/db.server";
import { findRunOfBulkOperation, markRunFailed } from "~/data/backfill-runs.server";
import { runBackfillStepNow } from "~/queues/queues.server";

export async function handleBulkOperationFinish(shop: string, bulkOperationId: string, status: string, errorCode: string | null) {
  const client = await db();
  const run = await findRunOfBulkOperation(client, shop, bulkOperationId);
  if (!run) {
    console.warn(`bulk operation ${bulkOperationId} of ${shop} finished (${status}) but no backfill run owns it`);
    return;
  }
  if (status.toLowerCase() !== "completed") {
    await markRunFailed(client, run.id, `bulk operation ${status.toLowerCase()}${errorCode ? ` (${errorCode})` : ""}`);
    return;
  }
  // The import itself runs on the analytics queue (it streams a file that may be gigabytes).
  await runBackfillStepNow({ shop, runId: run.id });
}
