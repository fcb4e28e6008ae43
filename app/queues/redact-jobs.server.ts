// Redis keeps copies of personal data in ingest jobs: waiting and delayed ones until they run, completed
// ones for a while (BullMQ's duplicate check), failed ones for days (retry from the sync page). A redaction
// reaches them too, from the worker that applies it, once the database side has committed:
//   - customers/redact scrubs the customer's personal fields from the shop's jobs that carry them (their
//     orders still count, anonymously, when they run);
//   - shop/redact removes the shop's jobs from both queues (the running ones, which cannot be removed, are
//     scrubbed: they find the shop gone and store nothing).
// A job that arrives later for a redacted customer or shop is scrubbed by the worker that runs it
// (app/worker/ingest-processor.server.ts). Failure reasons carry no values (app/data/database-errors.server.ts).
import type { Job, JobType, Queue } from "bullmq";
import type { WebhookJob } from "./jobs";
import { queues } from "./queues.server";

/** Every state in which a job is kept, except "active" (locked by a worker: it can be scrubbed, not removed). */
const KEPT_STATES: JobType[] = ["waiting", "paused", "prioritized", "delayed", "waiting-children", "failed", "completed"];
const PAGE = 500;

const ERASED_PROFILE = { email: null, firstName: null, lastName: null, phone: null, tags: null } as const;

/** The job's data without the personal fields of its order and customer; the rest (money, ids, times) is kept. */
export function withoutPersonalData(job: WebhookJob): WebhookJob {
  const e = job.event;
  if (e.kind === "order") {
    const customer = e.order.customer && { ...e.order.customer, ...ERASED_PROFILE };
    // Discount codes are free text that may carry the person's name (the database side erases them too).
    return { ...job, event: { kind: "order", order: { ...e.order, email: null, discountCodes: [], customer } } };
  }
  if (e.kind === "customer") return { ...job, event: { kind: "customer", customer: { ...e.customer, ...ERASED_PROFILE } } };
  return job; // the other events carry ids only
}

/** Whether the job carries personal data of one of these customers or orders. */
export function carriesPersonalDataOf(job: WebhookJob, customerIds: ReadonlySet<string>, orderIds: ReadonlySet<string>): boolean {
  const e = job.event;
  if (e.kind === "order") return orderIds.has(e.order.id) || (e.order.customer !== null && customerIds.has(e.order.customer.id));
  if (e.kind === "customer") return customerIds.has(e.customer.id);
  return false;
}

/** The jobs of these states, page by page (read-only: callers must not remove while paging). */
async function* jobsIn(queue: Queue, states: JobType[]): AsyncGenerator<Job> {
  for (const state of states) {
    for (let start = 0; ; start += PAGE) {
      const page = (await queue.getJobs([state], start, start + PAGE - 1, true)) as (Job | undefined)[];
      for (const job of page) if (job) yield job;
      if (page.length < PAGE) break;
    }
  }
}

const shopOf = (job: Job) => (job.data as { shop?: unknown } | undefined)?.shop;

/** A job that finished or was removed meanwhile has nothing left to scrub. */
async function scrub(job: Job<WebhookJob>): Promise<void> {
  await job.updateData(withoutPersonalData(job.data)).catch(() => {});
}

/** customers/redact: scrubs the customer's personal data from every ingest job of the shop that carries it. */
export async function scrubCustomerFromJobs(shop: string, customerId: string, orderIds: string[]): Promise<number> {
  const customers = new Set([customerId]);
  const orders = new Set(orderIds);
  let scrubbed = 0;
  for await (const job of jobsIn(queues().ingest, [...KEPT_STATES, "active"])) {
    if (shopOf(job) === shop && carriesPersonalDataOf(job.data as WebhookJob, customers, orders)) {
      await scrub(job as Job<WebhookJob>);
      scrubbed++;
    }
  }
  return scrubbed;
}

/**
 * shop/redact: removes every kept job of the shop from both queues (except `keepJobId`, the redaction's own)
 * and scrubs the running ones.
 */
export async function removeShopJobs(shop: string, keepJobId?: string): Promise<number> {
  let removed = 0;
  for (const queue of [queues().ingest, queues().analytics]) {
    const doomed: Job[] = [];
    for await (const job of jobsIn(queue, KEPT_STATES)) if (shopOf(job) === shop && job.id !== keepJobId) doomed.push(job);
    for (const job of doomed) {
      try {
        await job.remove();
        removed++;
      } catch {
        // Taken by a worker meanwhile (locked): scrubbed below with the other running jobs.
      }
    }
  }
  for await (const job of jobsIn(queues().ingest, ["active"])) {
    if (shopOf(job) === shop && job.id !== keepJobId) await scrub(job as Job<WebhookJob>);
  }
  return removed;
}
