// Per test file: a fresh SQLite database (copy of the migrated template), its own Redis key prefix,
// and the test app credentials. Call before the app's modules open connections.
import { copyFileSync, rmSync } from "node:fs";
import { randomUUID } from "node:crypto";
import path from "node:path";

export const TEST_API_KEY = "test-api-key";
export const TEST_API_SECRET = "test-api-secret-for-hmac";

export function isolatedEnvironment(overrides: Record<string, string> = {}) {
  const id = randomUUID().slice(0, 8);
  const tmpDir = path.resolve(process.env.TEST_TMP_DIR ?? ".tmp");
  const dbFile = path.join(tmpDir, `test-${id}.sqlite`);
  copyFileSync(path.join(tmpDir, "template.sqlite"), dbFile);
  Object.assign(process.env, {
    NODE_ENV: "production",
    DATABASE_URL: `file:${dbFile}`,
    QUEUE_PREFIX: `test-${id}`,
    SHOPIFY_API_KEY: TEST_API_KEY,
    SHOPIFY_API_SECRET: TEST_API_SECRET,
    SHOPIFY_APP_URL: "https://clv-app.example.com",
    ...overrides,
  });
  return {
    id,
    dbFile,
    prefix: `test-${id}`,
    cleanup: () => {
      for (const suffix of ["", "-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
    },
  };
}

/** Removes a test run's keys from Redis, so runs leave nothing behind (nothing to do when Redis is unreachable). */
export async function removeRedisKeys(prefix: string): Promise<void> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", {
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    lazyConnect: true,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } catch {
    // the outage test points REDIS_URL at nothing: there is nothing to clean
  } finally {
    redis.disconnect();
  }
}
