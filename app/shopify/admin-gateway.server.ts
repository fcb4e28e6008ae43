// The app's one door to the Shopify Admin GraphQL API, for workers (offline token) and pages alike.
// Pacing follows Shopify's cost-based leaky bucket: every answer carries extensions.cost.throttleStatus;
// a THROTTLED error (HTTP 200) or an HTTP 429 waits for the bucket to refill and retries, HTTP 5xx and
// network errors back off exponentially. Nothing is kept between calls: each retry waits by what the
// last answer said, so many processes can call for one shop without sharing state.
import { API_VERSION, config } from "~/config.server";

export interface AdminTarget {
  shop: string;
  accessToken: string;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface GraphqlCost {
  requestedQueryCost?: number;
  actualQueryCost?: number;
  throttleStatus?: ThrottleStatus;
}

export interface GraphqlResult<T> {
  data: T;
  cost: GraphqlCost | null;
  attempts: number;
}

export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export interface CallOptions {
  /** Failed attempts (network, HTTP 5xx) before giving up. */
  maxAttempts?: number;
  /** Total time a call may spend waiting for the rate-limit bucket (THROTTLED, HTTP 429) before giving up. */
  maxThrottleWaitMs?: number;
  /** Per request; a hung connection counts as a failed attempt. */
  timeoutMs?: number;
  /** Injected for tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function adminGraphqlUrl(shop: string): string {
  const origin = config.adminApiOrigin ?? `https://${shop}`;
  return `${origin}/admin/api/${API_VERSION}/graphql.json`;
}

/** How long until the bucket holds `needed` points again. */
export function waitForPoints(status: ThrottleStatus | undefined, needed: number): number {
  if (!status || status.restoreRate <= 0) return 1_000;
  const missing = Math.max(0, Math.min(needed, status.maximumAvailable) - status.currentlyAvailable);
  return Math.ceil((missing / status.restoreRate) * 1_000) + 50;
}

export async function adminGraphql<T>(
  target: AdminTarget,
  query: string,
  variables: Record<string, unknown> = {},
  options: CallOptions = {},
): Promise<GraphqlResult<T>> {
  const maxAttempts = options.maxAttempts ?? 8;
  const maxThrottleWaitMs = options.maxThrottleWaitMs ?? 120_000;
  const sleep = options.sleep ?? defaultSleep;
  let lastError: AdminApiError | null = null;
  let failures = 0;
  let throttledMs = 0;
  // A failure uses up an attempt; being throttled is pacing, not failure, and has its own time budget.
  // Either way nothing is waited for once the call is going to give up.
  const retryAfter = async (error: AdminApiError, ms: number): Promise<boolean> => {
    lastError = error;
    if (error.code === "THROTTLED") {
      throttledMs += ms;
      if (throttledMs > maxThrottleWaitMs) return false;
    } else if (++failures >= maxAttempts) return false;
    await sleep(ms);
    return true;
  };
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(adminGraphqlUrl(target.shop), {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": target.accessToken },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      if (await retryAfter(new AdminApiError(`network error: ${(error as Error).message}`, 0, "NETWORK"), backoff(failures + 1))) continue;
      break;
    }
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel();
      const seconds = Number(response.headers.get("Retry-After"));
      const error = new AdminApiError(`HTTP ${response.status}`, response.status, response.status === 429 ? "THROTTLED" : "SERVER_ERROR");
      if (await retryAfter(error, Number.isFinite(seconds) && seconds > 0 ? seconds * 1_000 : backoff(failures + 1))) continue;
      break;
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new AdminApiError(`HTTP ${response.status}: access token rejected for ${target.shop}`, response.status, "UNAUTHORIZED");
    }
    if (!response.ok) throw new AdminApiError(`HTTP ${response.status}: ${await response.text()}`, response.status, null);

    let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[]; extensions?: { cost?: GraphqlCost } };
    try {
      body = (await response.json()) as typeof body;
    } catch (error) {
      throw new AdminApiError(`answer is not JSON: ${(error as Error).message}`, response.status, "BAD_RESPONSE");
    }
    const cost = body.extensions?.cost ?? null;
    const throttled = body.errors?.find((e) => e.extensions?.code === "THROTTLED");
    if (throttled) {
      // Jitter: callers throttled together must not all wake together and collide again.
      const wait = waitForPoints(cost?.throttleStatus, cost?.requestedQueryCost ?? 50);
      if (await retryAfter(new AdminApiError(throttled.message, 200, "THROTTLED"), wait + Math.floor(Math.random() * wait))) continue;
      break;
    }
    if (body.errors?.length) {
      throw new AdminApiError(body.errors.map((e) => e.message).join("; "), 200, body.errors[0]?.extensions?.code ?? null);
    }
    return { data: body.data as T, cost, attempts: attempt };
  }
  throw lastError ?? new AdminApiError("no attempt made", 0, null);
}

function backoff(attempt: number): number {
  const base = Math.min(30_000, 500 * 2 ** (attempt - 1));
  return base + Math.floor(Math.random() * base * 0.25);
}
