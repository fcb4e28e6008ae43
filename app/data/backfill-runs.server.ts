// The BackfillRun rows: a run's state machine (app/backfill/statuses.ts) as stored, every statement
// scoped by shop or by the run's own id.
import { randomUUID } from "node:crypto";
import type { BackfillRun } from "@prisma/client";
import type { Db } from "~/db.server";
import { ACTIVE_BACKFILL_STATUSES } from "~/backfill/statuses";

export type { BackfillRun };

export async function activeBackfillRun(db: Db, shop: string): Promise<BackfillRun | null> {
  return db.backfillRun.findFirst({ where: { shop, status: { in: [...ACTIVE_BACKFILL_STATUSES] } }, orderBy: { startedAt: "desc" } });
}

export async function hasAnyBackfillRun(db: Db, shop: string): Promise<boolean> {
  return (await db.backfillRun.count({ where: { shop } })) > 0;
}

export async function createBackfillRun(db: Db, shop: string, onlyLast60Days: boolean): Promise<BackfillRun> {
  return db.backfillRun.create({ data: { id: randomUUID(), shop, status: "created", onlyLast60Days } });
}

export async function findBackfillRun(db: Db, shop: string, runId: string): Promise<BackfillRun | null> {
  return db.backfillRun.findFirst({ where: { id: runId, shop } });
}

export async function findRunOfBulkOperation(db: Db, shop: string, bulkOperationId: string): Promise<BackfillRun | null> {
  return db.backfillRun.findFirst({ where: { shop, bulkOperationId } });
}

export async function markRunRunning(db: Db, runId: string, bulkOperationId: string): Promise<void> {
  await db.backfillRun.update({ where: { id: runId }, data: { status: "running", bulkOperationId } });
}

export async function markRunImporting(db: Db, runId: string, file: { url: string | null; objectCount: number; rootObjectCount: number }) {
  await db.backfillRun.update({ where: { id: runId }, data: { status: "importing", ...file } });
}

export async function recordRunObjectCount(db: Db, runId: string, objectCount: number): Promise<void> {
  await db.backfillRun.update({ where: { id: runId }, data: { objectCount } });
}

/** Progress only moves forward: should two workers ever import one run, the slower one changes nothing. */
export async function recordRunProgress(db: Db, runId: string, progress: { bytesImported: number; linesImported: number }) {
  await db.backfillRun.updateMany({
    where: { id: runId, bytesImported: { lt: BigInt(progress.bytesImported) } },
    data: { bytesImported: BigInt(progress.bytesImported), linesImported: progress.linesImported },
  });
}

export async function markRunFailed(db: Db, runId: string, error: string): Promise<void> {
  await db.backfillRun.update({ where: { id: runId }, data: { status: "failed", finishedAt: new Date(), error } });
}

export async function markRunCompleted(db: Db, runId: string, note: string | null): Promise<void> {
  await db.backfillRun.update({ where: { id: runId }, data: { status: "completed", finishedAt: new Date(), error: note } });
}
