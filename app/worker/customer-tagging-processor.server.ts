// What the analytics worker does with a customer tagging job (app/queues/customer-tagging.server.ts): tags
// the list's customers in Shopify a page at a time (tagsAdd through the gateway, which waits for Shopify's
// rate-limit bucket), records after each page how far it got, then saves the segment if one was asked for.
// Safe to run twice: tagsAdd of a tag a customer already has changes nothing, and a retried job starts after
// the last page it finished.
import type { Job } from "bullmq";
import { db } from "~/db.server";
import { offlineAccessToken } from "~/data/sessions.server";
import { customerIdsAfter, tagCustomers, type TagOutcome } from "~/data/customer-tags.server";
import type { TagCustomersJob, TagCustomersProgress } from "~/queues/customer-tagging.server";

/** Customers per page: one page is ten tagsAdd requests of 25 (2,500 of Shopify's cost points). */
export const TAGGING_PAGE = 250;

export type TagCustomersResult = (TagOutcome & { announced: number }) | { skipped: string };

function progressOf(job: Job): TagCustomersProgress {
  const saved = job.progress as Partial<TagCustomersProgress> | number | undefined;
  if (typeof saved !== "object" || saved === null) return { after: null, tagged: 0, failed: 0 };
  return { after: saved.after ?? null, tagged: saved.tagged ?? 0, failed: saved.failed ?? 0 };
}

export async function processCustomerTaggingJob(job: Job): Promise<TagCustomersResult> {
  const { shop, tag, segmentName, query, announced } = job.data as TagCustomersJob;
  const client = await db();
  const session = await client.session.findFirst({ where: { shop, isOnline: false }, select: { id: true } });
  if (!session) return { skipped: "no offline session: the app was uninstalled, nothing tagged" };
  const target = { shop, accessToken: await offlineAccessToken(client, shop) };

  const progress = progressOf(job);
  for (;;) {
    const ids = await customerIdsAfter(client, shop, query, progress.after, TAGGING_PAGE);
    if (ids.length === 0) break;
    const page = await tagCustomers(target, ids, { tag, segmentName: null });
    progress.after = ids[ids.length - 1]!;
    progress.tagged += page.tagged;
    progress.failed += page.failed;
    await job.updateProgress({ ...progress });
    if (ids.length < TAGGING_PAGE) break;
  }
  // The segment last: it is built on the tag, and a failure to save it leaves the tags in place.
  const withSegment = segmentName
    ? await tagCustomers(target, [], { tag, segmentName })
    : { tagged: 0, failed: 0, segment: null, segmentError: null };
  return {
    announced,
    tagged: progress.tagged,
    failed: progress.failed,
    segment: withSegment.segment,
    segmentError: withSegment.segmentError,
  };
}
