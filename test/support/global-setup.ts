// Once per integration run: build the app (tests drive the real build over HTTP), make a migrated
// SQLite template that each test file copies, and check that Redis answers.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";

// TEST_TMP_DIR and TEST_BUILD_DIR let two runs share a checkout (each its own template and build).
export const TMP_DIR = path.resolve(process.env.TEST_TMP_DIR ?? ".tmp");
export const TEMPLATE_DB = path.join(TMP_DIR, "template.sqlite");

export default async function setup() {
  mkdirSync(TMP_DIR, { recursive: true });
  rmSync(TEMPLATE_DB, { force: true });
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${TEMPLATE_DB}` },
    stdio: "pipe",
  });
  if (!process.env.SKIP_BUILD)
    execFileSync("npx", ["remix", "vite:build"], {
      stdio: "pipe",
      env: { ...process.env, NODE_ENV: "production", REMIX_BUILD_DIR: process.env.TEST_BUILD_DIR ?? "build" },
    });
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Redis is not reachable (${(error as Error).message}); start it: see README "Requirements"`);
  } finally {
    redis.disconnect();
  }
}
