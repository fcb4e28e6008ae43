// Shared set-up of the benchmarks that need SQLite files of their own (bench/retention.ts, bench/loyalty-sync.ts,
// bench/rescore.ts): migrated SQLite files of their own, Shopify's Standard-plan bucket, and the time the paced path
// could not beat at that bucket.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { randomUUID } from "node:crypto";
import path from "node:path";

/** Shopify's Standard-plan bucket: 2,000 points, restoring 100 a second (Plus: 20,000 and 1,000). */
export const STANDARD_BUCKET = { maximumAvailable: 2_000, restoreRate: 100 } as const;
/** Every mutation field costs 10 points. */
export const MUTATION_POINTS = 10;

const root = path.resolve(import.meta.dirname, "../..");

/** Migrated SQLite databases for one benchmark run: one migration, then a copy per database. */
export class BenchDatabases {
  readonly runId = randomUUID().slice(0, 8);
  private readonly template: string;
  private readonly files: string[] = [];

  constructor(private readonly name: string) {
    this.template = path.join(root, ".tmp", `bench-${name}-template-${this.runId}.sqlite`);
  }

  fresh(label: string): string {
    if (!existsSync(this.template)) {
      mkdirSync(path.dirname(this.template), { recursive: true });
      execFileSync("npx", ["prisma", "migrate", "deploy"], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: `file:${this.template}` },
        stdio: "pipe",
      });
      this.files.push(this.template);
    }
    const file = path.join(root, ".tmp", `bench-${this.name}-${label}-${this.runId}.sqlite`);
    copyFileSync(this.template, file);
    this.files.push(file);
    return file;
  }

  removeAll(): void {
    for (const file of this.files) for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  }
}

/**
 * The least time `points` of paced calls can take at a bucket that starts full: whatever exceeds the bucket
 * must be restored first.
 */
export function pacedMinimumMs(points: number, bucket: { maximumAvailable: number; restoreRate: number } = STANDARD_BUCKET): number {
  return (Math.max(0, points - bucket.maximumAvailable) / bucket.restoreRate) * 1_000;
}

export const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;
