// Paced metafield writes through the Admin API gateway: metafieldsSet in calls of at most 25 inputs
// (Shopify's limit), metafieldsDelete for values that no longer apply (Shopify has no empty metafield).
// Before each call the writer estimates the bucket from the last answer's throttleStatus (what was left,
// plus the restore rate times the time since) and waits when the call would not fit, so a long write-back
// shares the shop's bucket instead of draining it; a THROTTLED answer is still retried by the gateway.
// A user error fails only the inputs it names: the rest of the call is sent again without them.
import { METAFIELDS_SET, METAFIELDS_DELETE, type MetafieldsDeleteData, type MetafieldsSetData } from "~/shopify/metafield-operations";
import {
  adminGraphql,
  waitForPoints,
  type AdminTarget,
  type CallOptions,
  type GraphqlCost,
  type ThrottleStatus,
} from "~/shopify/admin-gateway.server";

export const METAFIELDS_PER_CALL = 25;

export interface MetafieldInput {
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
}

export interface MetafieldIdentifier {
  ownerId: string;
  namespace: string;
  key: string;
}

export interface WriteFailure {
  ownerId: string;
  key: string;
  message: string;
}

export interface WriterOptions {
  /** Points a call is expected to cost until an answer says (metafieldsSet costs 10). */
  expectedCost?: number;
  /** Keep this many points in the bucket for the shop's other callers (default 10 % of its size). */
  reserveShare?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  call?: CallOptions;
}

export interface WriterStats {
  calls: number;
  set: number;
  deleted: number;
  failed: number;
  /** Time spent waiting for the bucket before calls (the writer's own pacing). */
  pacedMs: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class MetafieldWriter {
  readonly stats: WriterStats = { calls: 0, set: 0, deleted: 0, failed: 0, pacedMs: 0 };
  private last: { status: ThrottleStatus; atMs: number } | null = null;
  private expectedCost: number;

  constructor(
    private readonly target: AdminTarget,
    private readonly options: WriterOptions = {},
  ) {
    this.expectedCost = options.expectedCost ?? 10;
  }

  /** Points estimated to be in the bucket now (null before the first answer). */
  estimatedAvailable(): number | null {
    if (!this.last) return null;
    const { status, atMs } = this.last;
    const now = (this.options.now ?? Date.now)();
    return Math.min(status.maximumAvailable, status.currentlyAvailable + (status.restoreRate * Math.max(0, now - atMs)) / 1_000);
  }

  private async pace(): Promise<void> {
    const available = this.estimatedAvailable();
    if (available === null || !this.last) return;
    const reserve = this.last.status.maximumAvailable * (this.options.reserveShare ?? 0.1);
    const needed = this.expectedCost + reserve;
    if (available >= needed) return;
    const wait = waitForPoints({ ...this.last.status, currentlyAvailable: available }, needed);
    this.stats.pacedMs += wait;
    await (this.options.sleep ?? defaultSleep)(wait);
  }

  private record(cost: GraphqlCost | null): void {
    this.stats.calls++;
    if (cost?.requestedQueryCost) this.expectedCost = cost.requestedQueryCost;
    if (cost?.throttleStatus) this.last = { status: cost.throttleStatus, atMs: (this.options.now ?? Date.now)() };
  }

  private async call<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    await this.pace();
    const result = await adminGraphql<T>(this.target, query, variables, this.options.call);
    this.record(result.cost);
    return result.data;
  }

  /** Sets the inputs, 25 per call; returns the inputs that failed (with Shopify's message). */
  async set(inputs: readonly MetafieldInput[]): Promise<WriteFailure[]> {
    const failures: WriteFailure[] = [];
    for (let i = 0; i < inputs.length; i += METAFIELDS_PER_CALL) {
      let batch = inputs.slice(i, i + METAFIELDS_PER_CALL);
      while (batch.length > 0) {
        const data = await this.call<MetafieldsSetData>(METAFIELDS_SET, { metafields: batch });
        const errors = data.metafieldsSet.userErrors;
        if (errors.length === 0) {
          this.stats.set += batch.length;
          break;
        }
        // metafieldsSet is all or nothing: drop the inputs the errors name and send the rest again.
        const bad = new Set<number>();
        for (const error of errors) {
          const index = error.field?.[0] === "metafields" ? Number(error.field[1]) : Number.NaN;
          if (Number.isInteger(index) && index >= 0 && index < batch.length) {
            if (!bad.has(index)) failures.push({ ownerId: batch[index].ownerId, key: batch[index].key, message: error.message });
            bad.add(index);
          }
        }
        if (bad.size === 0) {
          // An error about the whole call: every input of it failed.
          const message = errors.map((e) => e.message).join("; ");
          for (const input of batch) failures.push({ ownerId: input.ownerId, key: input.key, message });
          break;
        }
        batch = batch.filter((_, k) => !bad.has(k));
      }
    }
    this.stats.failed += failures.length;
    return failures;
  }

  /** Deletes the metafields, 25 per call (a metafield that does not exist counts as deleted). */
  async delete(identifiers: readonly MetafieldIdentifier[]): Promise<WriteFailure[]> {
    const failures: WriteFailure[] = [];
    for (let i = 0; i < identifiers.length; i += METAFIELDS_PER_CALL) {
      const batch = identifiers.slice(i, i + METAFIELDS_PER_CALL);
      const data = await this.call<MetafieldsDeleteData>(METAFIELDS_DELETE, { metafields: batch });
      const errors = data.metafieldsDelete.userErrors;
      if (errors.length > 0) {
        const message = errors.map((e) => e.message).join("; ");
        for (const id of batch) failures.push({ ownerId: id.ownerId, key: id.key, message });
      } else {
        this.stats.deleted += batch.length;
      }
    }
    this.stats.failed += failures.length;
    return failures;
  }
}

/** What to send for one owner: the values that differ from what was last written, and the keys to remove. */
export interface OwnerDiff {
  set: MetafieldInput[];
  remove: MetafieldIdentifier[];
  /** What will have been written once both succeed (null: nothing any more). */
  next: Record<string, string> | null;
}

/**
 * Compares an owner's wanted values (key → type and value; null: the owner should have none of the keys)
 * with what was last written (key → value).
 */
export function ownerDiff(
  ownerId: string,
  namespace: string,
  written: Readonly<Record<string, string>> | undefined,
  wanted: ReadonlyMap<string, { type: string; value: string }> | null,
): OwnerDiff {
  const set: MetafieldInput[] = [];
  const remove: MetafieldIdentifier[] = [];
  const next: Record<string, string> = {};
  for (const [key, { type, value }] of wanted ?? []) {
    next[key] = value;
    if (written === undefined || !Object.hasOwn(written, key) || written[key] !== value) set.push({ ownerId, namespace, key, type, value });
  }
  for (const key of Object.keys(written ?? {})) {
    if (wanted === null || !wanted.has(key)) remove.push({ ownerId, namespace, key });
  }
  return { set, remove, next: Object.keys(next).length > 0 ? next : null };
}
