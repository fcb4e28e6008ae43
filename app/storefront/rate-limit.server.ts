// Per-shopper rate limiting for the app proxy: a fixed window per (shop, customer or guest, bucket) held in
// the shared Redis, so every web process counts the same requests. One round trip per request (a MULTI of
// SET NX PX and INCR: the window's key always carries its expiry, even if a process dies mid-way).
// When Redis does not answer within the budget the request is let through: the limiter protects the app,
// it must not take the storefront down with it.
import type { Redis } from "ioredis";
import { config } from "~/config.server";
import { withTimeout } from "~/lib/with-timeout";

export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateDecision {
  allowed: boolean;
  remaining: number;
  /** Seconds until the window resets (for Retry-After). */
  retryAfterS: number;
}

const REDIS_BUDGET_MS = 50;

export async function takeToken(redis: Redis, key: string, rule: RateLimit, nowMs = Date.now()): Promise<RateDecision> {
  const window = Math.floor(nowMs / rule.windowMs);
  const redisKey = `${config.queuePrefix}:ratelimit:${key}:${window}`;
  const retryAfterS = Math.max(1, Math.ceil(((window + 1) * rule.windowMs - nowMs) / 1000));
  try {
    const results = await withTimeout(
      redis.multi().set(redisKey, "0", "PX", rule.windowMs, "NX").incr(redisKey).exec(),
      REDIS_BUDGET_MS,
      "rate limiter",
    );
    const count = Number(results?.[1]?.[1] ?? 0);
    return { allowed: count <= rule.limit, remaining: Math.max(0, rule.limit - count), retryAfterS };
  } catch {
    return { allowed: true, remaining: rule.limit, retryAfterS };
  }
}
