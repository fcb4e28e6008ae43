// The retention sync to Shopify after a refit, for the customers whose figures changed since they were last
// written (app/retention/sync.ts decides what changed): customer metafields in `$app`, the clv: tags, the
// Flow trigger "Valuable customer at risk" once per at-risk episode, and the segments "CLV: At risk, high
// value" and "CLV: Champions" created once and kept in step. The loyalty tiers' segments are the loyalty
// sync's.
//
// Few changes: metafieldsSet (at most 25 metafields a call), metafieldsDelete, tagsRemove / tagsAdd (aliased,
// 25 a request), paced from each answer's throttleStatus; the gateway retries THROTTLED. Many changes (more
// than BULK_THRESHOLD in a chunk): bulk mutations, which Shopify runs outside the rate limit. Flow triggers are
// sent after the customer's metafields and tags are written (a workflow may read them), always paced.
//
// What was written is recorded per customer (ShopifySyncState, channel "retention") only once Shopify took
// it, so a failed write is simply tried again by the next sync, and a sync that finds nothing changed makes
// no call. One sync per shop at a time (a lease in the database): a sync asked for while another runs makes
// the running one do another pass instead, so no change is missed and nothing is written twice.
import type { Db } from "~/db.server";
import type { SegmentName } from "~/clv/rfm";
import {
  desiredSegments,
  FLOW_MARKER_KEY,
  formatReasonsEnglish,
  decideWinBack,
  isEmptyRetentionSyncDiff,
  liveWinBackCode,
  METAFIELD_NAMESPACE,
  retentionSyncDiff,
  segmentPlan,
  writtenAfterRetentionSync,
  type RetentionSyncDiff,
  type WinBackOffer,
  type WinBackRecord,
} from "~/retention";
import type { Exposure } from "~/experiments";
import { dayNumberInZone } from "~/clv/time-zone";
import { parseStoredRiskReason } from "./retention-reason.server";
import {
  createWinBackCode,
  parseWinBackRecord,
  recordWinBackDecisions,
  winBackContext,
  type WinBackContext,
} from "./retention-win-back.server";
import { AdminApiError, type AdminTarget, type CallOptions } from "~/shopify/admin-gateway.server";
import { BULK_METAFIELDS_DELETE, BULK_METAFIELDS_SET, BULK_TAGS_ADD, BULK_TAGS_REMOVE } from "~/shopify/loyalty-operations";
import { customerGid } from "~/shopify/customer-operations";
import { METAFIELDS_SET, type MetafieldsSetData } from "~/shopify/metafield-operations";
import {
  flowTriggersDocument,
  SEGMENT_BY_ID,
  SEGMENTS_NAMED,
  type AliasedAnswers,
  type SegmentByIdData,
  type SegmentsNamedData,
} from "~/shopify/retention-operations";
import {
  SEGMENT_CREATE,
  SEGMENT_UPDATE,
  type SegmentCreateData,
  type SegmentUpdateData,
  type ShopifySegment,
} from "~/shopify/segment-operations";
import { AdminPacer, MUTATION_COST } from "./admin-pacer.server";
import { deleteCustomerMetafields, writeCustomerTags } from "./customer-writes.server";
import { runBulkMutations, type BulkLine } from "./bulk-mutations.server";
import {
  abandonLease,
  acquireLease,
  finishPass,
  forgetSegment,
  recordWritten,
  renewLease,
  retentionRowsPage,
  saveSegment,
  storedSegments,
  type Lease,
  type RetentionRow,
  type StoredSegment,
  type WrittenState,
} from "./retention-sync.server";

/** Shopify's limit of metafields per metafieldsSet call. */
export const METAFIELDS_PER_CALL = 25;
/** Aliased tagsAdd / tagsRemove / flowTriggerReceive fields in one request (25 × 10 points). */
const FIELDS_PER_REQUEST = 25;
/** Above this many changed customers in a chunk, the chunk is written with bulk mutations. */
export const BULK_THRESHOLD = 1_000;
/** Changed customers planned before they are written: bounds memory on a shop of millions. */
export const CHUNK_CUSTOMERS = 50_000;
const PAGE_SIZE = 2_000;
/** The shop's lease; renewed while the sync runs. */
export const LEASE_MS = 10 * 60_000;
/** Win-back codes created at most per sync (10 points each, paced). */
export const WIN_BACK_CODES_PER_SYNC = 1_000;
/** Passes at most per job (a pass asked for by a sync that found this one running). */
const MAX_PASSES = 3;

export interface RetentionSyncOptions {
  target: AdminTarget;
  nowMs?: number;
  /** Waits (pacing, bulk polls); the worker's also keeps the job's lock. Defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  gateway?: CallOptions;
  bulkThreshold?: number;
  chunkCustomers?: number;
  pollMs?: number;
  bulkTimeoutMs?: number;
  leaseMs?: number;
  /** Win-back codes created at most per sync (each a paced call); the rest are decided by later syncs. */
  winBackCodesPerSync?: number;
  /** Segments tagged (default DEFAULT_TAGGED_SEGMENTS of app/retention). */
  taggedSegments?: readonly SegmentName[];
  /**
   * On the shop's first sync, record the customers already at risk as notified without starting their flows
   * (a backlog of hundreds would start hundreds of workflows at once). Default true.
   */
  quietFirstSync?: boolean;
}

export interface RetentionSyncSummary {
  /** Another sync of the shop was running: it was asked to run once more, and this one did nothing. */
  deferred: boolean;
  skipped: string | null;
  passes: number;
  scanned: number;
  changed: number;
  written: number;
  failed: number;
  metafieldsSet: number;
  metafieldsDeleted: number;
  tagsAdded: number;
  tagsRemoved: number;
  /** tagsAdd / tagsRemove mutations (one per customer and operation; 10 points each when paced). */
  tagMutations: number;
  flowTriggers: number;
  /** Newly at-risk customers recorded as notified without a trigger (first sync, or an id Flow cannot take). */
  flowSuppressed: number;
  segmentsCreated: number;
  segmentsUpdated: number;
  segmentErrors: string[];
  /** Win-back codes created (treatment arm), customers held out, codes Shopify refused. */
  winBackIssued: number;
  winBackHeldOut: number;
  winBackFailed: number;
  bulkOperations: number;
  calls: number;
  throttleWaitMs: number;
  retries: number;
}

function emptySummary(): RetentionSyncSummary {
  return {
    deferred: false,
    skipped: null,
    passes: 0,
    scanned: 0,
    changed: 0,
    written: 0,
    failed: 0,
    metafieldsSet: 0,
    metafieldsDeleted: 0,
    tagsAdded: 0,
    tagsRemoved: 0,
    tagMutations: 0,
    flowTriggers: 0,
    flowSuppressed: 0,
    segmentsCreated: 0,
    segmentsUpdated: 0,
    segmentErrors: [],
    winBackIssued: 0,
    winBackHeldOut: 0,
    winBackFailed: 0,
    bulkOperations: 0,
    calls: 0,
    throttleWaitMs: 0,
    retries: 0,
  };
}

/**
 * An Admin API failure that concerns the customers of one call (they are retried by the next sync). Anything
 * else — a revoked token, a bug — ends the job: every other call would fail the same way.
 */
const isCustomerFailure = (error: unknown) => error instanceof AdminApiError && error.code !== "UNAUTHORIZED";

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A win-back code decided for the customer: created before their metafields are written. */
interface PendingOffer {
  offer: WinBackOffer;
  exposure: Exposure;
  record: WinBackRecord;
  /** The diff without the new code, for when Shopify refuses it. */
  withoutCode: () => RetentionSyncDiff;
}

/** One customer's planned write. */
interface Plan {
  customerId: string;
  diff: RetentionSyncDiff;
  written: ReadonlyMap<string, string>;
  tags: readonly string[];
  offer: PendingOffer | null;
}

/** What planning needs beyond the row. */
interface PlanContext {
  currencyCode: string;
  taggedSegments?: readonly SegmentName[];
  quiet: boolean;
  /** The shop's local day (win-back codes expire by it). */
  today: number;
  winBack: WinBackContext | null;
  /** Codes this sync may still issue. */
  codesLeft: { count: number };
  /** Holdout decisions to record (no call needed). */
  heldOut: { customerId: string; record: WinBackRecord; exposure: Exposure }[];
}

/** CustomerRisk.reason (StoredRiskReason JSON; a bare list of reasons or plain text also read) in English for the Flow trigger. */
export function englishReason(stored: string | null): string {
  if (!stored) return "";
  const parsed = parseStoredRiskReason(stored);
  if (parsed) return formatReasonsEnglish(parsed.reasons);
  try {
    const value: unknown = JSON.parse(stored);
    if (!Array.isArray(value)) return "";
    // An older shape: the list alone.
    return formatReasonsEnglish(parseStoredRiskReason(JSON.stringify({ v: 1, reasons: value }))?.reasons ?? []);
  } catch {
    return stored; // plain text
  }
}

function planOf(row: RetentionRow, context: PlanContext, summary: RetentionSyncSummary): Plan | null {
  const written = new Map(Object.entries(row.written.metafields));
  const shopifyTags = (row.shopifyTags ?? "")
    .split(",")
    .map((tag) => tag.trim())
    .filter((tag) => tag !== "");
  const currentTags = [...new Set([...row.written.tags, ...shopifyTags])];
  const newlyAtRisk = row.atRisk && !written.has(FLOW_MARKER_KEY);
  const lastWinBack = parseWinBackRecord(row.winBackWritten);
  const liveCode = liveWinBackCode(lastWinBack, context.today);
  let offer: Omit<PendingOffer, "withoutCode"> | null = null;
  if (context.winBack && row.atRisk && row.episodeStartDay !== null) {
    const decision = decideWinBack({
      settings: context.winBack.settings,
      experiment: context.winBack.experiment,
      secret: context.winBack.secret,
      shop: context.winBack.shop,
      customerId: row.customerId,
      atRisk: true,
      atRiskSinceDay: row.episodeStartDay,
      valueAtStakeMinor: row.valueAtStakeMinor,
      today: context.winBack.today,
      nowMs: context.winBack.nowMs,
      last: lastWinBack,
    });
    if (decision.action === "hold_out") {
      context.heldOut.push({ customerId: row.customerId, record: decision.record, exposure: decision.exposure });
    } else if (decision.action === "issue" && context.codesLeft.count > 0) {
      // Past the cap the customer is decided by a later sync (nothing is recorded for them now).
      context.codesLeft.count -= 1;
      offer = { offer: decision.offer, exposure: decision.exposure, record: decision.record };
    }
  }
  const input = {
    written,
    currentTags,
    currencyCode: context.currencyCode,
    taggedSegments: context.taggedSegments,
    suppressFlowTrigger: context.quiet,
    state: {
      customerId: row.customerId,
      historicValueMinor: row.netRevenueMinor,
      predictedValue12mMinor: row.predictedClvMinor,
      predictedValue12mLowMinor: row.clvLowMinor,
      predictedValue12mHighMinor: row.clvHighMinor,
      probabilityOrder12m: row.probabilityOrder12m,
      // The model gives one-time buyers 1 by construction: not a figure to show support (docs/retention.md).
      probabilityAlive: row.repeatBuyer ? row.probabilityAlive : null,
      segment: row.segment,
      atRisk: row.atRisk,
      valueAtStakeMinor: row.valueAtStakeMinor,
      reason: newlyAtRisk && !context.quiet ? englishReason(row.reason) : "",
      winBack: offer ? { code: offer.offer.code, expiresOn: offer.offer.expiresOn } : liveCode,
    },
  };
  const diffOf = (state: typeof input.state): RetentionSyncDiff => {
    try {
      return retentionSyncDiff({ ...input, state });
    } catch (error) {
      // An id beyond 2^53 cannot travel as Flow's numeric customer_id: write everything else, skip the trigger.
      if (!(error instanceof RangeError)) throw error;
      summary.flowSuppressed += 1;
      return retentionSyncDiff({ ...input, state, suppressFlowTrigger: true });
    }
  };
  const diff = diffOf(input.state);
  if (isEmptyRetentionSyncDiff(diff)) return null;
  if (diff.flowMarker === "set" && diff.flowTrigger === null && context.quiet) summary.flowSuppressed += 1;
  return {
    customerId: row.customerId,
    diff,
    written,
    tags: row.written.tags,
    offer: offer
      ? {
          ...offer,
          withoutCode: () => diffOf({ ...input.state, winBack: liveCode }),
        }
      : null,
  };
}

/** What to record once the plan was applied (with or without its Flow trigger). */
function writtenState(plan: Plan, flowSent: boolean): WrittenState {
  const metafields = Object.fromEntries(writtenAfterRetentionSync(plan.written, plan.diff, { flowSent }));
  const removed = new Set(plan.diff.tagsToRemove.map((tag) => tag.toLowerCase()));
  const tags = [...new Set([...plan.tags.filter((tag) => !removed.has(tag.toLowerCase())), ...plan.diff.tagsToAdd])];
  return { metafields, tags };
}

interface SyncContext {
  db: Db;
  shop: string;
  pacer: AdminPacer;
  options: RetentionSyncOptions;
  summary: RetentionSyncSummary;
  sleep: (ms: number) => Promise<void>;
  nowMs: number;
}

/** Writes the shop's changed retention state to Shopify. Safe to run twice or in parallel. */
export async function writeBackRetention(db: Db, shop: string, options: RetentionSyncOptions): Promise<RetentionSyncSummary> {
  const summary = emptySummary();
  const shopRow = await db.shop.findUnique({
    where: { shop },
    select: { installedAt: true, uninstalledAt: true, currencyCode: true, ianaTimezone: true },
  });
  if (!shopRow?.installedAt || shopRow.uninstalledAt) return { ...summary, skipped: "shop not installed" };
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const lease = await acquireLease(db, shop, leaseMs);
  if (!lease) return { ...summary, deferred: true };

  const baseSleep = options.sleep ?? defaultSleep;
  let renewedAt = Date.now();
  let leaseLost = false;
  const keepLease = async () => {
    if (leaseLost || Date.now() - renewedAt < leaseMs / 3) return;
    renewedAt = Date.now();
    if (!(await renewLease(db, lease, leaseMs))) leaseLost = true;
  };
  const sleep = async (ms: number) => {
    await baseSleep(ms);
    await keepLease();
  };
  const pacer = new AdminPacer({ target: options.target, sleep, gateway: options.gateway });
  const context: SyncContext = { db, shop, pacer, options, summary, sleep, nowMs: options.nowMs ?? Date.now() };
  // Without a currency yet (set by the backfill), amounts are written with two decimals.
  const currencyCode = shopRow.currencyCode ?? "USD";
  const timeZone = shopRow.ianaTimezone ?? "UTC";
  try {
    for (;;) {
      summary.passes += 1;
      await syncSegments(context);
      await syncCustomers(context, lease, currencyCode, timeZone, () => leaseLost, keepLease);
      if (leaseLost) break;
      const outcome = await finishPass(db, lease, Date.now());
      if (outcome !== "again" || summary.passes >= MAX_PASSES) {
        if (outcome === "again") await abandonLease(db, lease); // the next job's pass covers it
        break;
      }
    }
  } catch (error) {
    await abandonLease(db, lease).catch(() => undefined);
    throw error;
  } finally {
    summary.calls = pacer.stats.calls;
    summary.throttleWaitMs = pacer.stats.waitMs;
    summary.retries = pacer.stats.retries;
  }
  return summary;
}

async function syncCustomers(
  context: SyncContext,
  lease: Lease,
  currencyCode: string,
  timeZone: string,
  leaseLost: () => boolean,
  keepLease: () => Promise<void>,
): Promise<void> {
  const { db, shop, options, summary } = context;
  const quiet = lease.firstSync && (options.quietFirstSync ?? true);
  const chunkSize = options.chunkCustomers ?? CHUNK_CUSTOMERS;
  const planContext: PlanContext = {
    currencyCode,
    taggedSegments: options.taggedSegments,
    quiet,
    today: dayNumberInZone(context.nowMs, timeZone),
    winBack: await winBackContext(db, shop, context.nowMs),
    codesLeft: { count: options.winBackCodesPerSync ?? WIN_BACK_CODES_PER_SYNC },
    heldOut: [],
  };
  let afterId = "";
  let plans: Plan[] = [];
  for (;;) {
    const { rows, lastId } = await retentionRowsPage(db, shop, afterId, PAGE_SIZE);
    summary.scanned += rows.length;
    await keepLease();
    for (const row of rows) {
      const plan = planOf(row, planContext, summary);
      if (plan) plans.push(plan);
    }
    // The holdout arm costs no call: recorded by the same rule and at the same point as the treatment's.
    await recordWinBackDecisions(db, shop, planContext.heldOut);
    summary.winBackHeldOut += planContext.heldOut.length;
    planContext.heldOut = [];
    if (lastId === null || plans.length >= chunkSize) {
      summary.changed += plans.length;
      await writeChunk(context, plans, currencyCode, planContext.winBack);
      plans = [];
      await keepLease();
      if (lastId === null || leaseLost()) return;
    }
    afterId = lastId;
  }
}

async function writeChunk(context: SyncContext, plans: Plan[], currencyCode: string, winBack: WinBackContext | null): Promise<void> {
  if (plans.length === 0) return;
  await issueWinBackCodes(context, plans, currencyCode, winBack);
  // Changes that need no call (a Flow marker recorded without a trigger) are recorded at once.
  const silent = plans.filter((p) => noCall(p.diff));
  await record(
    context,
    silent.map((p) => ({ customerId: p.customerId, state: writtenState(p, true) })),
  );
  const calling = plans.filter((p) => !noCall(p.diff));
  if (calling.length > (context.options.bulkThreshold ?? BULK_THRESHOLD)) await writeBulk(context, calling);
  else await writePaced(context, calling);
}

/**
 * Creates the decided win-back codes, then records their decisions (and exposures) so the episode is decided
 * once; a code Shopify refused is not written to the customer's metafields and is decided again next sync.
 */
async function issueWinBackCodes(context: SyncContext, plans: Plan[], currencyCode: string, winBack: WinBackContext | null): Promise<void> {
  const issued: { customerId: string; record: WinBackRecord; exposure: Exposure }[] = [];
  for (const plan of plans) {
    if (!plan.offer) continue;
    const failure = winBack
      ? await createWinBackCode(context.pacer, plan.offer.offer, winBack, currencyCode)
      : "win-back offers were turned off";
    if (failure === null) {
      issued.push({ customerId: plan.customerId, record: plan.offer.record, exposure: plan.offer.exposure });
      context.summary.winBackIssued += 1;
    } else {
      plan.diff = plan.offer.withoutCode();
      context.summary.winBackFailed += 1;
    }
    plan.offer = null;
  }
  await recordWinBackDecisions(context.db, context.shop, issued);
}

const noCall = (diff: RetentionSyncDiff) =>
  diff.metafieldsToSet.length + diff.metafieldsToDelete.length + diff.tagsToAdd.length + diff.tagsToRemove.length === 0 &&
  diff.flowTrigger === null;

async function record(context: SyncContext, done: { customerId: string; state: WrittenState }[]): Promise<void> {
  if (done.length === 0) return;
  const kept = await recordWritten(context.db, context.shop, done, Date.now());
  if (!kept) throw new Error(`${context.shop} was uninstalled or redacted during the retention sync`);
}

/** Customers in groups whose metafields fit one metafieldsSet call; each group recorded once written. */
async function writePaced(context: SyncContext, plans: Plan[]): Promise<void> {
  let group: Plan[] = [];
  let size = 0;
  const flush = async () => {
    if (group.length === 0) return;
    const failed = new Set<string>();
    await writeGroup(context, group, failed);
    const flowSent = await sendFlowTriggers(
      context,
      group.filter((p) => !failed.has(p.customerId)),
    );
    const done = group.filter((p) => !failed.has(p.customerId));
    await record(
      context,
      done.map((p) => ({ customerId: p.customerId, state: writtenState(p, flowSent.has(p.customerId)) })),
    );
    context.summary.written += done.length;
    context.summary.failed += failed.size;
    group = [];
    size = 0;
  };
  for (const plan of plans) {
    const count = plan.diff.metafieldsToSet.length;
    if (size + count > METAFIELDS_PER_CALL || group.length >= FIELDS_PER_REQUEST) await flush();
    group.push(plan);
    size += count;
  }
  await flush();
}

async function writeGroup(context: SyncContext, group: Plan[], failed: Set<string>): Promise<void> {
  const { pacer, summary } = context;
  let pending = group.filter((p) => p.diff.metafieldsToSet.length > 0);
  // metafieldsSet is all or nothing: the customers its errors name fail, the others are sent again (once).
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt === 2) {
      for (const p of pending) failed.add(p.customerId);
      break;
    }
    const inputs = pending.flatMap((p) =>
      p.diff.metafieldsToSet.map((m) => ({ ...m, ownerId: customerGid(p.customerId), customerId: p.customerId })),
    );
    try {
      const data = await pacer.call<MetafieldsSetData>(
        METAFIELDS_SET,
        { metafields: inputs.map(({ customerId: _customerId, ...input }) => input) },
        MUTATION_COST,
      );
      const errors = data.metafieldsSet.userErrors;
      if (errors.length === 0) {
        summary.metafieldsSet += inputs.length;
        pending = [];
        break;
      }
      const named = new Set(
        errors
          .map((e) => (typeof e.elementIndex === "number" ? inputs[e.elementIndex]?.customerId : undefined))
          .filter((id) => id !== undefined),
      );
      for (const p of pending) if (named.size === 0 || named.has(p.customerId)) failed.add(p.customerId);
      pending = pending.filter((p) => !failed.has(p.customerId));
    } catch (error) {
      if (!isCustomerFailure(error)) throw error;
      for (const p of pending) failed.add(p.customerId);
      pending = [];
    }
  }

  const changes = group.map((p) => ({ customerId: p.customerId, ...p.diff }));
  await deleteCustomerMetafields(pacer, METAFIELD_NAMESPACE, changes, failed, summary, isCustomerFailure);
  summary.tagMutations += await writeCustomerTags(pacer, changes, failed, summary, isCustomerFailure);
}

/** Sends the plans' Flow triggers (aliased, paced); returns the customers whose trigger Shopify took. */
async function sendFlowTriggers(context: SyncContext, plans: Plan[]): Promise<Set<string>> {
  const { pacer, summary } = context;
  const sent = new Set<string>();
  const triggers = plans.flatMap((p) => (p.diff.flowTrigger ? [{ customerId: p.customerId, call: p.diff.flowTrigger }] : []));
  const perRequest = pacer.fieldsPerRequest(MUTATION_COST, FIELDS_PER_REQUEST);
  for (let i = 0; i < triggers.length; i += perRequest) {
    const slice = triggers.slice(i, i + perRequest);
    const variables: Record<string, unknown> = {};
    slice.forEach((t, k) => {
      variables[`handle${k}`] = t.call.handle;
      variables[`payload${k}`] = t.call.payload;
    });
    try {
      const data = await pacer.call<AliasedAnswers>(flowTriggersDocument(slice.length), variables, MUTATION_COST * slice.length);
      slice.forEach((t, k) => {
        const answer = data[`r${k}`];
        if (answer && answer.userErrors.length === 0) {
          sent.add(t.customerId);
          summary.flowTriggers += 1;
        }
      });
    } catch (error) {
      // Not sent: the marker stays unset and the next sync sends the trigger again.
      if (!isCustomerFailure(error)) throw error;
    }
  }
  return sent;
}

async function writeBulk(context: SyncContext, plans: Plan[]): Promise<void> {
  const { pacer, summary, options } = context;
  const byMutation = new Map<string, BulkLine[]>([
    [BULK_METAFIELDS_SET, []],
    [BULK_METAFIELDS_DELETE, []],
    [BULK_TAGS_REMOVE, []],
    [BULK_TAGS_ADD, []],
  ]);
  const add = (mutation: string, owner: string, variables: unknown) => byMutation.get(mutation)?.push({ owner, variables });
  for (const p of plans) {
    const ownerId = customerGid(p.customerId);
    const { diff } = p;
    if (diff.metafieldsToSet.length > 0)
      add(BULK_METAFIELDS_SET, p.customerId, { metafields: diff.metafieldsToSet.map((m) => ({ ...m, ownerId })) });
    if (diff.metafieldsToDelete.length > 0)
      add(BULK_METAFIELDS_DELETE, p.customerId, {
        metafields: diff.metafieldsToDelete.map((key) => ({ ownerId, namespace: METAFIELD_NAMESPACE, key })),
      });
    if (diff.tagsToRemove.length > 0) add(BULK_TAGS_REMOVE, p.customerId, { id: ownerId, tags: diff.tagsToRemove });
    if (diff.tagsToAdd.length > 0) add(BULK_TAGS_ADD, p.customerId, { id: ownerId, tags: diff.tagsToAdd });
  }
  for (const [mutation, lines] of byMutation) if (lines.length === 0) byMutation.delete(mutation);
  const result = await runBulkMutations(pacer, byMutation, {
    sleep: context.sleep,
    pollMs: options.pollMs,
    timeoutMs: options.bulkTimeoutMs,
    label: `retention-${context.nowMs}`,
  });
  summary.bulkOperations += result.operations;
  const done = plans.filter((p) => !result.failedOwners.has(p.customerId));
  for (const p of done) {
    summary.metafieldsSet += p.diff.metafieldsToSet.length;
    summary.metafieldsDeleted += p.diff.metafieldsToDelete.length;
    summary.tagsAdded += p.diff.tagsToAdd.length;
    summary.tagsRemoved += p.diff.tagsToRemove.length;
    summary.tagMutations += (p.diff.tagsToAdd.length > 0 ? 1 : 0) + (p.diff.tagsToRemove.length > 0 ? 1 : 0);
  }
  const flowSent = await sendFlowTriggers(context, done);
  await record(
    context,
    done.map((p) => ({ customerId: p.customerId, state: writtenState(p, flowSent.has(p.customerId)) })),
  );
  summary.written += done.length;
  summary.failed += plans.length - done.length;
}

// ---------------------------------------------------------------------------------------------------
// Segments.

const TAKEN = /taken|already exists/i;
const MISSING = /does not exist|not found/i;

async function createSegment(context: SyncContext, name: string, query: string): Promise<ShopifySegment> {
  const { pacer } = context;
  const data = await pacer.call<SegmentCreateData>(SEGMENT_CREATE, { name, query }, MUTATION_COST);
  const { segment, userErrors } = data.segmentCreate;
  if (segment) return segment;
  if (!userErrors.some((e) => TAKEN.test(e.message)))
    throw new Error(`segmentCreate "${name}": ${userErrors.map((e) => e.message).join("; ")}`);
  // The name exists: ours from a create whose answer was lost, or the merchant's. Adopt it (our query is then
  // put on it by the update below): a second segment of the same name cannot exist anyway.
  const found = await pacer.call<SegmentsNamedData>(SEGMENTS_NAMED, { query: name }, 1);
  const same = found.segments.nodes.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!same) throw new Error(`segmentCreate "${name}": the name is taken but no such segment was found`);
  return same;
}

async function updateSegment(context: SyncContext, id: string, name: string, query: string): Promise<ShopifySegment | null> {
  const data = await context.pacer.call<SegmentUpdateData>(SEGMENT_UPDATE, { id, name, query }, MUTATION_COST);
  const { segment, userErrors } = data.segmentUpdate;
  if (segment) return segment;
  if (userErrors.some((e) => MISSING.test(e.message))) return null;
  throw new Error(`segmentUpdate "${name}": ${userErrors.map((e) => e.message).join("; ")}`);
}

/** Creates "CLV: At risk, high value" and "CLV: Champions" once, and keeps their name and query in step. */
async function syncSegments(context: SyncContext): Promise<void> {
  const { db, shop, pacer, summary } = context;
  const desired = desiredSegments([]).segments;
  const stored = await storedSegments(
    db,
    shop,
    desired.map((s) => s.key),
  );
  // A segment the merchant deleted in the admin is created again.
  const existing: StoredSegment[] = [];
  for (const segment of stored) {
    try {
      const { segment: found } = await pacer.call<SegmentByIdData>(SEGMENT_BY_ID, { id: segment.segmentId }, 1);
      if (found) existing.push({ ...segment, name: found.name, query: found.query });
      else await forgetSegment(db, shop, segment.key);
    } catch (error) {
      if (!isCustomerFailure(error)) throw error;
      existing.push(segment); // unknown: assume it is still there
    }
  }
  const plan = segmentPlan(desired, existing);
  const save = (key: string, s: ShopifySegment) =>
    saveSegment(db, shop, { key, segmentId: s.id, name: s.name, query: s.query }, Date.now());
  for (const segment of plan.create) {
    try {
      let created = await createSegment(context, segment.name, segment.query);
      if (created.query !== segment.query || created.name !== segment.name) {
        created = (await updateSegment(context, created.id, segment.name, segment.query)) ?? created;
        summary.segmentsUpdated += 1;
      } else {
        summary.segmentsCreated += 1;
      }
      await save(segment.key, created);
    } catch (error) {
      if (!(error instanceof AdminApiError) && !(error instanceof Error && error.message.startsWith("segment"))) throw error;
      summary.segmentErrors.push(error.message);
    }
  }
  for (const segment of plan.update) {
    try {
      const updated = await updateSegment(context, segment.segmentId, segment.name, segment.query);
      if (updated) {
        await save(segment.key, updated);
        summary.segmentsUpdated += 1;
      } else {
        await forgetSegment(db, shop, segment.key); // gone meanwhile: created by the next sync
      }
    } catch (error) {
      if (!(error instanceof AdminApiError) && !(error instanceof Error && error.message.startsWith("segment"))) throw error;
      summary.segmentErrors.push(error.message);
    }
  }
}
