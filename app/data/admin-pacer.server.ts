// The client side of Shopify's leaky bucket for a job that makes many Admin API calls for one shop: it
// remembers the last answer's throttleStatus and, before each call, waits until the bucket should hold the
// call's cost (what was left, plus the restore rate times the time since). A THROTTLED answer (another
// caller drained the bucket meanwhile) is still waited out and retried by the gateway.
import { adminGraphql, waitForPoints, type AdminTarget, type CallOptions, type ThrottleStatus } from "~/shopify/admin-gateway.server";

export interface PacerOptions {
  target: AdminTarget;
  /** Injected for tests and the benchmark; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Passed to the gateway (its own retries of THROTTLED, HTTP 429/5xx and network errors). */
  gateway?: CallOptions;
}

export interface PacerStats {
  calls: number;
  /** Time spent waiting for the bucket before calls. */
  waitMs: number;
  /** Attempts beyond the first the gateway made (THROTTLED, 429, 5xx, network). */
  retries: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Shopify's mutations cost 10 points each. */
export const MUTATION_COST = 10;

export class AdminPacer {
  readonly stats: PacerStats = { calls: 0, waitMs: 0, retries: 0 };
  private status: ThrottleStatus | null = null;
  private statusAtMs = 0;

  constructor(private readonly options: PacerOptions) {}

  /** Points estimated to be in the bucket now (null before the first answer). */
  estimatedAvailable(): number | null {
    if (!this.status) return null;
    const elapsed = (Date.now() - this.statusAtMs) / 1_000;
    return Math.min(this.status.maximumAvailable, this.status.currentlyAvailable + elapsed * this.status.restoreRate);
  }

  /** How many fields of `costEach` one request may carry: at most `limit`, never more than the bucket can hold. */
  fieldsPerRequest(costEach: number, limit: number): number {
    if (!this.status) return limit;
    return Math.max(1, Math.min(limit, Math.floor(this.status.maximumAvailable / costEach)));
  }

  async call<T>(query: string, variables: Record<string, unknown>, cost: number): Promise<T> {
    const available = this.estimatedAvailable();
    if (this.status && available !== null && available < cost) {
      const wait = waitForPoints({ ...this.status, currentlyAvailable: available }, cost);
      this.stats.waitMs += wait;
      await (this.options.sleep ?? defaultSleep)(wait);
    }
    const result = await adminGraphql<T>(this.options.target, query, variables, { maxThrottleWaitMs: 120_000, ...this.options.gateway });
    this.stats.calls += 1;
    this.stats.retries += result.attempts - 1;
    const status = result.cost?.throttleStatus;
    if (status) {
      this.status = status;
      this.statusAtMs = Date.now();
    }
    return result.data;
  }
}
