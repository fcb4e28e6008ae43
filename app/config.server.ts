// Every environment variable the app reads, in one place, with its default. The README lists the same set.
import { ApiVersion, LogSeverity } from "@shopify/shopify-app-remix/server";

/** One Admin API version everywhere: shopify.server.ts, shopify.app.toml [webhooks], the gateway. */
export const API_VERSION = ApiVersion.July26;

/** LOG_LEVEL's names, lowest volume first: Shopify's library logs at Info on every admin request. */
const LOG_LEVELS = new Map<string, LogSeverity>([
  ["error", LogSeverity.Error],
  ["warning", LogSeverity.Warning],
  ["warn", LogSeverity.Warning],
  ["info", LogSeverity.Info],
  ["debug", LogSeverity.Debug],
]);

/**
 * The severity of a LOG_LEVEL value (any case; unset or empty: warning). An unknown name stops the app at
 * start: a typo must not silently turn logging up or off.
 */
export function parseLogLevel(value: string | undefined): LogSeverity {
  const name = (value ?? "").trim().toLowerCase();
  if (name === "") return LogSeverity.Warning;
  const level = LOG_LEVELS.get(name);
  if (level === undefined) throw new Error(`LOG_LEVEL must be error, warning, info or debug (got "${value}")`);
  return level;
}

function env(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === "" ? fallback : value;
}

export const config = {
  get apiKey() {
    return env("SHOPIFY_API_KEY", "test-api-key");
  },
  get apiSecret() {
    return env("SHOPIFY_API_SECRET", "test-api-secret");
  },
  get appUrl() {
    return env("SHOPIFY_APP_URL", "http://localhost:3000");
  },
  get scopes() {
    return env(
      "SCOPES",
      "read_orders,read_all_orders,read_customers,write_customers,read_products,write_products,write_discounts,write_app_proxy",
    ).split(",");
  },
  get databaseUrl() {
    return env("DATABASE_URL", "file:./prisma/dev.sqlite");
  },
  get redisUrl() {
    return env("REDIS_URL", "redis://127.0.0.1:6379");
  },
  /** Prefix of every BullMQ key, so that several deployments (or test runs) can share one Redis. */
  get queuePrefix() {
    return env("QUEUE_PREFIX", "clv");
  },
  get workerConcurrency() {
    return Number(env("WORKER_CONCURRENCY", "256")); // jobs in flight: what lets micro-batches fill
  },
  /** Minimum severity of the Shopify library's log lines (app/shopify.server.ts). */
  get logLevel(): LogSeverity {
    return parseLogLevel(process.env.LOG_LEVEL);
  },
  /** Admin API origin override for the local Admin API double; ignored in production. */
  get adminApiOrigin(): string | undefined {
    if (process.env.NODE_ENV === "production") return undefined;
    return process.env.SHOPIFY_ADMIN_API_ORIGIN || undefined;
  },
};
