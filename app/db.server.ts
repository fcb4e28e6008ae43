// The Prisma client of this process. It holds connections, not application state: every process
// (web or worker) opens its own and they share the one database.
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { config } from "./config.server";
import { createPostgresClient } from "./db-postgres.server";

export type Db = PrismaClient;
export type DbProvider = "sqlite" | "postgresql";

export function databaseProvider(url = config.databaseUrl): DbProvider {
  return /^postgres(ql)?:/.test(url) ? "postgresql" : "sqlite";
}

function createClient(url: string): { client: PrismaClient; ready: Promise<void> } {
  if (databaseProvider(url) === "postgresql") return { client: createPostgresClient(url), ready: Promise.resolve() };
  // busy timeout: several processes write to one SQLite file; a writer waits for the lock instead of failing.
  const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url, timeout: 15_000 }) });
  // WAL lets readers (the admin pages) run while a worker writes.
  const ready = (async () => {
    await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await client.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
    // Checkpoint every 10,000 WAL pages (40 MB) instead of SQLite's 1,000: ingest rewrites the same index pages
    // batch after batch, and each checkpoint copies them to the database file (and syncs it) once however often
    // they changed since the last. bench:rescore-pipeline, SQLite, 1 worker: 2,022–2,111 → 2,243–2,297 orders/s.
    // The file is cut back to 64 MB after a checkpoint; redaction still truncates it (lifecycle.server.ts).
    await client.$queryRawUnsafe("PRAGMA wal_autocheckpoint = 10000");
    await client.$queryRawUnsafe("PRAGMA journal_size_limit = 67108864");
    // GDPR erasure: deleted and overwritten values are zeroed in the file, not merely unlinked from the
    // b-tree (otherwise a redacted e-mail stays readable in the file's bytes until its page is reused).
    await client.$queryRawUnsafe("PRAGMA secure_delete = ON");
    // A 64 MB page cache (SQLite's default is 2 MB): admin pages read across many rows, imports write many.
    await client.$queryRawUnsafe("PRAGMA cache_size = -65536");
    // Memory-mapped reads speed up the dashboard further, but the mapped file counts in the process's
    // RSS, so it is opt-in (e.g. 256 on web processes).
    const mmapMb = Number(process.env.SQLITE_MMAP_MB ?? 0);
    if (mmapMb > 0) await client.$queryRawUnsafe(`PRAGMA mmap_size = ${Math.floor(mmapMb * 1024 * 1024)}`);
  })();
  return { client, ready };
}

declare global {
  var __clvDb: { client: PrismaClient; ready: Promise<void> } | undefined;
}

function instance() {
  // Vite's dev server reloads modules: keep the client on globalThis so reloads do not leak connections.
  globalThis.__clvDb ??= createClient(config.databaseUrl);
  return globalThis.__clvDb;
}

/** The client, usable at once (for Shopify's session storage, which wants it synchronously). */
export function prismaClient(): PrismaClient {
  return instance().client;
}

/** The client once its connection settings are applied. */
export async function db(): Promise<PrismaClient> {
  const { client, ready } = instance();
  await ready;
  return client;
}

export async function disconnectDb(): Promise<void> {
  const current = globalThis.__clvDb;
  globalThis.__clvDb = undefined;
  if (current) await current.client.$disconnect();
}
