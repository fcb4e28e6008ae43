// Tagging a long customers list in Shopify, on the analytics queue (producer side). The page tags up to
// MAX_TAGGED customers in the request; past that it queues this job, which walks the same list (the same
// filters, read again when it runs) a page at a time. Asking again for the same list and tag while a job
// for it is waiting or running adds nothing (a double click, a second tab).
import { createHash } from "node:crypto";
import type { CustomerQuery } from "~/lib/customer-query";
import { TAG_CUSTOMERS_JOB } from "./jobs";
import { queueCall } from "./queues.server";

export { TAG_CUSTOMERS_JOB };

export interface TagCustomersJob {
  shop: string;
  tag: string;
  /** Also save the list as a customer segment under this name, once every customer is tagged. */
  segmentName: string | null;
  /** The list's filters and search as the merchant posted them (sort and page do not matter here). */
  query: CustomerQuery;
  /** How many customers the list held when it was asked for (what the page announced). */
  announced: number;
  requestedAt: string;
}

/** Where a job stands, kept as the job's progress so that a retried job resumes after the last page. */
export interface TagCustomersProgress {
  /** The last customer id of the last page tagged; null before the first. */
  after: string | null;
  tagged: number;
  failed: number;
}

/** One deduplication id per shop, tag, segment and filters (BullMQ ids may not contain ':'). */
export function tagCustomersDedupeId(job: Pick<TagCustomersJob, "shop" | "tag" | "segmentName" | "query">): string {
  const { segment, atRisk, tier, search } = job.query;
  const list = createHash("sha256")
    .update(JSON.stringify([job.tag, job.segmentName, segment, atRisk, tier, search]))
    .digest("hex")
    .slice(0, 32);
  return `tag-customers|${job.shop}|${list}`.replaceAll(":", "_");
}

export async function enqueueCustomerTagging(job: TagCustomersJob): Promise<void> {
  await queueCall("queue the customer tagging", (q) =>
    // Removed once done: its search may name a person, and nothing reads a finished job's result.
    q.analytics.add(TAG_CUSTOMERS_JOB, job, { deduplication: { id: tagCustomersDedupeId(job) }, removeOnComplete: true }),
  );
}
