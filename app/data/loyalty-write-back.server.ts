// The loyalty write-back to Shopify: for members marked dirty (ShopifySyncState, channel "loyalty"), only what
// differs from what was last written (app/loyalty writeBackDiff): customer metafields in the app's `$app`
// namespace and the `tier:<name>` tags; and the app-data metafields the storefront reads (`clv.program`,
// `clv.program_enabled`) when the program changed.
//
// Few customers: metafieldsSet at 25 per call, tagsAdd/tagsRemove aliased 25 per request, paced from each
// answer's throttleStatus (the next call waits until the bucket holds its cost; the gateway retries THROTTLED).
// Many (a tier edit, a refit): bulk mutations (stagedUploadsCreate, upload the JSONL, bulkOperationRunMutation),
// which Shopify runs outside the rate limit.
//
// Claims: a job takes dirty rows by setting syncedAt to its claim time; a row changed meanwhile is marked again
// (syncedAt NULL), so finishing clears `dirty` only where syncedAt is still the claim. A claim older than
// STALE_CLAIM_MS (a crashed job, or a customer whose write failed) is taken again by a later job.
import type { Prisma } from "@prisma/client";
import type { Db } from "~/db.server";
import {
  compileLadder,
  isEmptyDiff,
  METAFIELD_NAMESPACE,
  TIER_TAG_PREFIX,
  writeBackDiff,
  type TierLadder,
  type WriteBackDiff,
} from "~/loyalty";
import { AdminApiError, type AdminTarget, type CallOptions } from "~/shopify/admin-gateway.server";
import {
  APP_INSTALLATION_ID,
  BULK_METAFIELDS_DELETE,
  BULK_METAFIELDS_SET,
  BULK_OPERATION_RUN_MUTATION,
  BULK_TAGS_ADD,
  BULK_TAGS_REMOVE,
  LOYALTY_BULK_STATUS,
  STAGED_UPLOADS_CREATE,
  type AppInstallationIdData,
  type BulkOperationRunMutationData,
  type LoyaltyBulkStatusData,
  type StagedUploadsCreateData,
} from "~/shopify/loyalty-operations";
import { customerGid } from "~/shopify/customer-operations";
import { METAFIELDS_SET, type MetafieldsSetData } from "~/shopify/metafield-operations";
import { AdminPacer, MUTATION_COST } from "./admin-pacer.server";
import { deleteCustomerMetafields, writeCustomerTags } from "./customer-writes.server";
import { executeRaw, join, sql } from "./sql.server";
import { pointsBalancesOf } from "./loyalty-ledger.server";
import { currentMetrics, LOYALTY_CHANNEL } from "./loyalty-members.server";
import { loadProgram, programStorefrontJson, type LoyaltyProgramState } from "./loyalty-program.server";

type Client = Prisma.TransactionClient;

/** Shopify's limit of metafields per metafieldsSet call. */
export const METAFIELDS_PER_CALL = 25;
/** Tag mutations aliased in one request: 25 × 10 points, far below the 1,000-point query limit. */
const TAG_MUTATIONS_PER_REQUEST = 25;
/** Above this many dirty customers the job uses bulk mutations. */
export const BULK_THRESHOLD = 1_000;
/** The paced path writes at most this many customers per job (the job queues the next one). */
export const PACED_CUSTOMERS_PER_JOB = 5_000;
export const STALE_CLAIM_MS = 30 * 60_000;
/** A bulk file stays well below Shopify's (reported) 20 MB limit. */
const BULK_FILE_BYTES = 12 * 1024 * 1024;
const MAX_CONCURRENT_BULK = 4;
/** The app-data metafields' namespace (docs/storefront.md). */
export const APP_DATA_NAMESPACE = "clv";
const PROGRAM_OWNER = "$app";
const PROGRAM_CHANNEL = "loyalty_program";

/** What was last written for a customer (ShopifySyncState.written). */
export interface WrittenState {
  metafields: Record<string, string>;
  tags: string[];
}

export function parseWritten(text: string | null): WrittenState {
  try {
    const value = JSON.parse(text ?? "{}") as Partial<WrittenState>;
    const metafields: Record<string, string> = {};
    for (const [key, v] of Object.entries(value.metafields ?? {})) if (typeof v === "string") metafields[key] = v;
    return { metafields, tags: Array.isArray(value.tags) ? value.tags.filter((t): t is string => typeof t === "string") : [] };
  } catch {
    return { metafields: {}, tags: [] };
  }
}

export interface WriteBackOptions {
  target: AdminTarget;
  nowMs?: number;
  bulkThreshold?: number;
  pacedCustomersPerJob?: number;
  /** Injected for tests and the benchmark. */
  sleep?: (ms: number) => Promise<void>;
  gateway?: CallOptions;
  pollMs?: number;
  /** Bulk: give up waiting after this (the claims then go stale and are retried). */
  bulkTimeoutMs?: number;
  /** Bulk operations run at once (Shopify allows 5 bulk mutations per shop from API 2026-01). */
  bulkConcurrency?: number;
}

export interface WriteBackSummary {
  claimed: number;
  written: number;
  unchanged: number;
  failed: number;
  metafieldsSet: number;
  metafieldsDeleted: number;
  tagsAdded: number;
  tagsRemoved: number;
  calls: number;
  throttleWaitMs: number;
  bulkOperations: number;
  programWritten: boolean;
  /** Dirty customers left for the next job. */
  remaining: number;
}

/** One customer's planned write. */
interface Plan {
  customerId: string;
  diff: WriteBackDiff;
  next: WrittenState;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const dirtyWhere = (shop: string, staleBefore: Date) => ({
  shop,
  channel: LOYALTY_CHANNEL,
  dirty: true,
  OR: [{ syncedAt: null }, { syncedAt: { lt: staleBefore } }],
});

/** Dirty members waiting for a write-back (claims in progress excluded). */
export async function dirtyCount(db: Client, shop: string, nowMs = Date.now()): Promise<number> {
  return db.shopifySyncState.count({ where: dirtyWhere(shop, new Date(nowMs - STALE_CLAIM_MS)) });
}

/** Takes up to `limit` dirty rows: their syncedAt becomes `claimedAt`. Returns the claimed rows. */
async function claim(db: Db, shop: string, limit: number, claimedAt: Date, nowMs: number) {
  const where = dirtyWhere(shop, new Date(nowMs - STALE_CLAIM_MS));
  const candidates = await db.shopifySyncState.findMany({
    where,
    select: { customerId: true },
    orderBy: { customerId: "asc" },
    take: limit,
  });
  const claimed: { customerId: string; written: string }[] = [];
  for (let i = 0; i < candidates.length; i += 500) {
    const ids = candidates.slice(i, i + 500).map((c) => c.customerId);
    await db.shopifySyncState.updateMany({ where: { ...where, customerId: { in: ids } }, data: { syncedAt: claimedAt } });
    claimed.push(
      // In id order, as the candidates: without it PostgreSQL returns them in whatever order its plan yields, and the
      // write-back's lines (and so which customers a bulk operation that fails part-way wrote) would vary by run.
      ...(await db.shopifySyncState.findMany({
        where: { shop, channel: LOYALTY_CHANNEL, customerId: { in: ids }, syncedAt: claimedAt },
        select: { customerId: true, written: true },
        orderBy: { customerId: "asc" },
      })),
    );
  }
  return claimed;
}

/** Plans the diffs of claimed customers from their member rows, balances and tags. */
async function plan(
  db: Db,
  program: LoyaltyProgramState,
  claimed: { customerId: string; written: string }[],
  nowMs: number,
): Promise<Plan[]> {
  const shop = program.shop;
  const ladder = program.tiers ? compileLadder(program.tiers) : null;
  const ids = claimed.map((c) => c.customerId);
  const [balances, members, customers, metrics] = await Promise.all([
    pointsBalancesOf(db, shop, ids),
    chunked(ids, (chunk) =>
      db.loyaltyMember.findMany({
        where: { shop, customerId: { in: chunk } },
        select: { customerId: true, tierId: true, metric: true, nextTierId: true, amountToNext: true, referralCode: true },
      }),
    ),
    chunked(ids, (chunk) => db.customer.findMany({ where: { shop, id: { in: chunk } }, select: { id: true, tags: true } })),
    currentMetrics(db, program, ids, nowMs),
  ]);
  const memberOf = new Map(members.map((m) => [m.customerId, m]));
  const tagsOf = new Map(customers.map((c) => [c.id, c.tags]));
  const tierName = (id: string | null) => (id && ladder ? (ladder.names[ladder.ids.indexOf(id)] ?? null) : null);
  return claimed.map(({ customerId, written: text }) => {
    const written = parseWritten(text);
    const member = memberOf.get(customerId);
    // The tier is the stored one (retention decided it); the distance to the next is measured today.
    const metric = metrics.get(customerId) ?? member?.metric ?? 0;
    const next = ladder && member?.nextTierId ? ladder.ids.indexOf(member.nextTierId) : -1;
    const state = {
      tierName: tierName(member?.tierId ?? null),
      pointsBalance: balances.get(customerId) ?? 0,
      nextTierName: tierName(member?.nextTierId ?? null),
      amountToNextTier: ladder && next >= 0 ? Math.max(0, ladder.thresholds[next] - metric) : null,
      referralCode: member?.referralCode ?? null,
    };
    const shopifyTags = (tagsOf.get(customerId) ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter((t) => t.toLowerCase().startsWith(TIER_TAG_PREFIX));
    const currentTags = [...new Set([...written.tags, ...shopifyTags])];
    const knownTierNames = [...(ladder?.names ?? []), ...written.tags.map((t) => t.slice(TIER_TAG_PREFIX.length))];
    const writtenMap = new Map(Object.entries(written.metafields));
    const diff = writeBackDiff({
      written: writtenMap,
      currentTags,
      state,
      basis: program.tiers?.basis ?? "net_spend",
      currencyCode: program.currencyCode,
      knownTierNames,
    });
    addProgress(diff, writtenMap, ladder, member?.tierId ?? null, metric, member?.nextTierId ?? null);
    const metafields = { ...written.metafields };
    for (const write of diff.metafieldsToSet) metafields[write.key] = write.value;
    for (const key of diff.metafieldsToDelete) delete metafields[key];
    const removed = new Set(diff.tagsToRemove.map((t) => t.toLowerCase()));
    const tags = [...written.tags.filter((t) => !removed.has(t.toLowerCase())), ...diff.tagsToAdd];
    return { customerId, diff, next: { metafields, tags: [...new Set(tags)] } };
  });
}

/**
 * `tier_progress_percent` (docs/storefront.md): floor(100 × (metric − held threshold) / (next − held threshold)),
 * clamped to 0–100, 0 as the held threshold without a tier; absent at the top (with next_tier).
 */
export function tierProgressPercent(ladder: TierLadder, tierId: string | null, metric: number, nextTierId: string | null): number | null {
  if (!nextTierId) return null;
  const next = ladder.ids.indexOf(nextTierId);
  if (next < 0) return null;
  const held = tierId ? ladder.ids.indexOf(tierId) : -1;
  const from = held >= 0 ? ladder.thresholds[held] : 0;
  const to = ladder.thresholds[next];
  if (to <= from) return 100;
  return Math.max(0, Math.min(100, Math.floor((100 * (metric - from)) / (to - from))));
}

function addProgress(
  diff: WriteBackDiff,
  written: Map<string, string>,
  ladder: TierLadder | null,
  tierId: string | null,
  metric: number,
  nextTierId: string | null,
): void {
  const percent = ladder ? tierProgressPercent(ladder, tierId, metric, nextTierId) : null;
  const key = "tier_progress_percent";
  const previous = written.get(key);
  // The engine's key list does not include this one; the diff's arrays take it like any other key.
  const keys = diff.metafieldsToSet as { namespace: typeof METAFIELD_NAMESPACE; key: string; type: string; value: string }[];
  if (percent === null) {
    if (previous !== undefined) (diff.metafieldsToDelete as string[]).push(key);
  } else if (previous !== String(percent)) {
    keys.push({ namespace: METAFIELD_NAMESPACE, key, type: "number_integer", value: String(percent) });
  }
}

async function chunked<T>(ids: string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += 500) out.push(...(await read(ids.slice(i, i + 500))));
  return out;
}

/** Stores what was written and clears `dirty` where the claim still holds (a change since then keeps it dirty). */
async function commit(db: Db, shop: string, done: Plan[], claimedAt: Date): Promise<void> {
  for (let i = 0; i < done.length; i += 400) {
    const chunk = done.slice(i, i + 400);
    const cases = chunk.map((p) => sql`WHEN ${p.customerId} THEN ${JSON.stringify(p.next)}`);
    const ids = chunk.map((p) => p.customerId);
    await executeRaw(
      db,
      sql`UPDATE "ShopifySyncState" SET "written" = CASE "customerId" ${join(cases, " ")} END
           WHERE "shop" = ${shop} AND "channel" = ${LOYALTY_CHANNEL} AND "customerId" IN (${join(ids)})`,
    );
    await db.shopifySyncState.updateMany({
      where: { shop, channel: LOYALTY_CHANNEL, customerId: { in: ids }, syncedAt: claimedAt },
      data: { dirty: false },
    });
  }
}

/** Customers whose write failed are retried by a job RETRY_FAILED_MS from now (not at once: the cause may persist). */
export const RETRY_FAILED_MS = 5 * 60_000;

async function release(db: Db, shop: string, customerIds: string[], claimedAt: Date): Promise<void> {
  const retryAt = new Date(Date.now() + RETRY_FAILED_MS - STALE_CLAIM_MS);
  for (let i = 0; i < customerIds.length; i += 500) {
    await db.shopifySyncState.updateMany({
      where: { shop, channel: LOYALTY_CHANNEL, customerId: { in: customerIds.slice(i, i + 500) }, syncedAt: claimedAt },
      data: { syncedAt: retryAt },
    });
  }
}

function emptySummary(): WriteBackSummary {
  return {
    claimed: 0,
    written: 0,
    unchanged: 0,
    failed: 0,
    metafieldsSet: 0,
    metafieldsDeleted: 0,
    tagsAdded: 0,
    tagsRemoved: 0,
    calls: 0,
    throttleWaitMs: 0,
    bulkOperations: 0,
    programWritten: false,
    remaining: 0,
  };
}

/** Writes the shop's changed members (and the program's app-data metafields) to Shopify. */
export async function writeBackLoyalty(db: Db, shop: string, options: WriteBackOptions): Promise<WriteBackSummary> {
  const summary = emptySummary();
  const nowMs = options.nowMs ?? Date.now();
  const program = await loadProgram(db, shop);
  if (!program) return summary;
  const pacer = new AdminPacer({ target: options.target, sleep: options.sleep, gateway: options.gateway });
  summary.programWritten = await syncProgramMetafields(db, program, pacer, nowMs);

  const waiting = await dirtyCount(db, shop, nowMs);
  const bulk = waiting > (options.bulkThreshold ?? BULK_THRESHOLD);
  const claimedAt = new Date(nowMs);
  const claimed = await claim(db, shop, bulk ? waiting : (options.pacedCustomersPerJob ?? PACED_CUSTOMERS_PER_JOB), claimedAt, nowMs);
  summary.claimed = claimed.length;
  const plans = await plan(db, program, claimed, nowMs);
  const unchanged = plans.filter((p) => isEmptyDiff(p.diff));
  summary.unchanged = unchanged.length;
  await commit(db, shop, unchanged, claimedAt);
  const changed = plans.filter((p) => !isEmptyDiff(p.diff));
  if (bulk) await writeBulk(db, shop, changed, claimedAt, pacer, options, summary);
  else await writePaced(db, shop, changed, claimedAt, pacer, summary);
  summary.remaining = await dirtyCount(db, shop, Date.now());
  summary.calls = pacer.stats.calls;
  summary.throttleWaitMs = pacer.stats.waitMs;
  return summary;
}

async function writePaced(
  db: Db,
  shop: string,
  plans: Plan[],
  claimedAt: Date,
  pacer: AdminPacer,
  summary: WriteBackSummary,
): Promise<void> {
  // Customers in groups whose metafields fit one metafieldsSet call; each group is committed when done, so a
  // crash loses at most one group's record (it is rewritten, which is harmless).
  const failed = new Set<string>();
  let group: Plan[] = [];
  let groupSize = 0;
  const flush = async () => {
    if (group.length === 0) return;
    await writeGroup(pacer, group, failed, summary);
    const done = group.filter((p) => !failed.has(p.customerId));
    await commit(db, shop, done, claimedAt);
    summary.written += done.length;
    group = [];
    groupSize = 0;
  };
  for (const p of plans) {
    const size = p.diff.metafieldsToSet.length;
    if (groupSize + size > METAFIELDS_PER_CALL || group.length >= TAG_MUTATIONS_PER_REQUEST) await flush();
    group.push(p);
    groupSize += size;
  }
  await flush();
  summary.failed += failed.size;
  await release(db, shop, [...failed], claimedAt);
}

async function writeGroup(pacer: AdminPacer, group: Plan[], failed: Set<string>, summary: WriteBackSummary): Promise<void> {
  const sets = group.flatMap((p) =>
    p.diff.metafieldsToSet.map((m) => ({ ...m, ownerId: customerGid(p.customerId), customerId: p.customerId })),
  );
  if (sets.length > 0) {
    try {
      const data = await pacer.call<MetafieldsSetData>(
        METAFIELDS_SET,
        { metafields: sets.map(({ customerId: _customerId, ...m }) => m) },
        MUTATION_COST,
      );
      const errors = data.metafieldsSet.userErrors;
      if (errors.length > 0) {
        // The call is atomic: nothing was written. The customers named stay dirty; the others are retried alone.
        const named = new Set(
          errors
            .map((e) => e.elementIndex)
            .filter((i): i is number => typeof i === "number")
            .map((i) => sets[i]?.customerId),
        );
        for (const p of group) if (named.size === 0 || named.has(p.customerId)) failed.add(p.customerId);
        const others = group.filter((p) => !failed.has(p.customerId));
        if (others.length > 0 && others.length < group.length) return writeGroup(pacer, others, failed, summary);
        for (const p of others) failed.add(p.customerId);
        return;
      }
      summary.metafieldsSet += sets.length;
    } catch (error) {
      if (!(error instanceof AdminApiError)) throw error;
      for (const p of group) failed.add(p.customerId);
      return;
    }
  }
  const changes = group.map((p) => ({ customerId: p.customerId, ...p.diff }));
  const isCustomerFailure = (error: unknown) => error instanceof AdminApiError;
  await deleteCustomerMetafields(pacer, METAFIELD_NAMESPACE, changes, failed, summary, isCustomerFailure);
  await writeCustomerTags(pacer, changes, failed, summary, isCustomerFailure);
}

/** One bulk mutation's lines, each belonging to a customer. */
interface BulkBatch {
  mutation: string;
  lines: string[];
  customers: string[];
}

function bulkBatches(plans: Plan[]): BulkBatch[] {
  const batches: BulkBatch[] = [];
  const add = (mutation: string, customerId: string, variables: unknown) => {
    const line = JSON.stringify(variables);
    let batch = batches.findLast((b) => b.mutation === mutation);
    const bytes = batch ? batch.lines.reduce((n, l) => n + l.length + 1, 0) : 0;
    if (!batch || bytes + line.length + 1 > BULK_FILE_BYTES) {
      batch = { mutation, lines: [], customers: [] };
      batches.push(batch);
    }
    batch.lines.push(line);
    batch.customers.push(customerId);
  };
  for (const p of plans) {
    const ownerId = customerGid(p.customerId);
    if (p.diff.metafieldsToSet.length > 0)
      add(BULK_METAFIELDS_SET, p.customerId, { metafields: p.diff.metafieldsToSet.map((m) => ({ ...m, ownerId })) });
    if (p.diff.metafieldsToDelete.length > 0)
      add(BULK_METAFIELDS_DELETE, p.customerId, {
        metafields: p.diff.metafieldsToDelete.map((key) => ({ ownerId, namespace: METAFIELD_NAMESPACE, key })),
      });
    if (p.diff.tagsToRemove.length > 0) add(BULK_TAGS_REMOVE, p.customerId, { id: ownerId, tags: p.diff.tagsToRemove });
    if (p.diff.tagsToAdd.length > 0) add(BULK_TAGS_ADD, p.customerId, { id: ownerId, tags: p.diff.tagsToAdd });
  }
  return batches;
}

/** Uploads the lines (stagedUploadsCreate + multipart POST) and starts the bulk mutation; returns its id. */
async function startBulk(pacer: AdminPacer, batch: BulkBatch, n: number): Promise<string> {
  const staged = await pacer.call<StagedUploadsCreateData>(
    STAGED_UPLOADS_CREATE,
    { input: [{ resource: "BULK_MUTATION_VARIABLES", filename: `loyalty-${n}.jsonl`, mimeType: "text/jsonl", httpMethod: "POST" }] },
    MUTATION_COST,
  );
  const target = staged.stagedUploadsCreate.stagedTargets[0];
  if (!target)
    throw new Error(`stagedUploadsCreate: ${staged.stagedUploadsCreate.userErrors.map((e) => e.message).join("; ") || "no target"}`);
  const form = new FormData();
  for (const p of target.parameters) form.append(p.name, p.value);
  form.append("file", new Blob([batch.lines.join("\n") + "\n"], { type: "text/jsonl" }), `loyalty-${n}.jsonl`);
  const upload = await fetch(target.url, { method: "POST", body: form, signal: AbortSignal.timeout(120_000) });
  if (upload.status >= 300) throw new Error(`staged upload answered HTTP ${upload.status}: ${(await upload.text()).slice(0, 200)}`);
  await upload.body?.cancel();
  const path = target.parameters.find((p) => p.name === "key")?.value;
  if (!path) throw new Error("staged upload target has no key");
  const run = await pacer.call<BulkOperationRunMutationData>(
    BULK_OPERATION_RUN_MUTATION,
    { mutation: batch.mutation, stagedUploadPath: path, clientIdentifier: `loyalty-${n}` },
    MUTATION_COST,
  );
  const op = run.bulkOperationRunMutation.bulkOperation;
  if (!op) throw new Error(`bulkOperationRunMutation: ${run.bulkOperationRunMutation.userErrors.map((e) => e.message).join("; ")}`);
  return op.id;
}

const FINAL = new Set(["COMPLETED", "FAILED", "CANCELED", "EXPIRED"]);

/** Waits for the operation, then reads its result file: the customers whose lines failed. */
async function finishBulk(pacer: AdminPacer, id: string, batch: BulkBatch, options: WriteBackOptions): Promise<Set<string>> {
  const deadline = Date.now() + (options.bulkTimeoutMs ?? 30 * 60_000);
  const sleep = options.sleep ?? defaultSleep;
  for (;;) {
    const { node } = await pacer.call<LoyaltyBulkStatusData>(LOYALTY_BULK_STATUS, { id }, 1);
    if (node && FINAL.has(node.status)) {
      const url = node.url ?? node.partialDataUrl;
      const ok = new Set<number>();
      if (url) {
        const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
        for (const line of (await response.text()).split("\n")) {
          if (line.trim() === "") continue;
          const result = JSON.parse(line) as {
            __lineNumber?: number;
            errors?: unknown[];
            data?: Record<string, { userErrors?: unknown[] } | null>;
          };
          const payload = result.data ? Object.values(result.data)[0] : null;
          if (typeof result.__lineNumber === "number" && !result.errors?.length && payload && !(payload.userErrors?.length ?? 0))
            ok.add(result.__lineNumber);
        }
      }
      return new Set(batch.customers.filter((_, line) => !ok.has(line)));
    }
    if (Date.now() > deadline) return new Set(batch.customers);
    await sleep(options.pollMs ?? 2_000);
  }
}

async function writeBulk(
  db: Db,
  shop: string,
  plans: Plan[],
  claimedAt: Date,
  pacer: AdminPacer,
  options: WriteBackOptions,
  summary: WriteBackSummary,
): Promise<void> {
  const batches = bulkBatches(plans);
  const failed = new Set<string>();
  // At most MAX_CONCURRENT_BULK at once (Shopify allows 5 bulk mutations per shop from API 2026-01).
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const n = next++;
      const batch = batches[n];
      try {
        const id = await startBulk(pacer, batch, n);
        summary.bulkOperations += 1;
        for (const customerId of await finishBulk(pacer, id, batch, options)) failed.add(customerId);
      } catch {
        // Upload or start refused, or Shopify unreachable: the batch's customers are retried later.
        for (const customerId of batch.customers) failed.add(customerId);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.bulkConcurrency ?? MAX_CONCURRENT_BULK, batches.length) }, worker));
  const done = plans.filter((p) => !failed.has(p.customerId));
  for (const p of done) {
    summary.metafieldsSet += p.diff.metafieldsToSet.length;
    summary.metafieldsDeleted += p.diff.metafieldsToDelete.length;
    summary.tagsAdded += p.diff.tagsToAdd.length;
    summary.tagsRemoved += p.diff.tagsToRemove.length;
  }
  await commit(db, shop, done, claimedAt);
  await release(db, shop, [...failed], claimedAt);
  summary.written += done.length;
  summary.failed += plans.length - done.length;
}

/** The app-data metafields (program JSON and program_enabled) when they differ from what was last written. */
async function syncProgramMetafields(db: Db, program: LoyaltyProgramState, pacer: AdminPacer, nowMs: number): Promise<boolean> {
  const shop = program.shop;
  const json = JSON.stringify(programStorefrontJson(program, nowMs));
  const enabled = String(program.enabled);
  const row = await db.shopifySyncState.findUnique({
    where: { shop_customerId_channel: { shop, customerId: PROGRAM_OWNER, channel: PROGRAM_CHANNEL } },
  });
  const written = parseWritten(row?.written ?? null);
  if (written.metafields.program === json && written.metafields.program_enabled === enabled) return false;
  const installation = await pacer.call<AppInstallationIdData>(APP_INSTALLATION_ID, {}, 1);
  const ownerId = installation.currentAppInstallation.id;
  const data = await pacer.call<MetafieldsSetData>(
    METAFIELDS_SET,
    {
      metafields: [
        { ownerId, namespace: APP_DATA_NAMESPACE, key: "program", type: "json", value: json },
        { ownerId, namespace: APP_DATA_NAMESPACE, key: "program_enabled", type: "boolean", value: enabled },
      ],
    },
    MUTATION_COST,
  );
  if (data.metafieldsSet.userErrors.length > 0)
    throw new Error(`program metafields: ${data.metafieldsSet.userErrors.map((e) => e.message).join("; ")}`);
  const next = JSON.stringify({ metafields: { program: json, program_enabled: enabled }, tags: [] } satisfies WrittenState);
  await db.shopifySyncState.upsert({
    where: { shop_customerId_channel: { shop, customerId: PROGRAM_OWNER, channel: PROGRAM_CHANNEL } },
    create: { shop, customerId: PROGRAM_OWNER, channel: PROGRAM_CHANNEL, written: next, dirty: false, syncedAt: new Date(nowMs) },
    update: { written: next, dirty: false, syncedAt: new Date(nowMs) },
  });
  return true;
}
