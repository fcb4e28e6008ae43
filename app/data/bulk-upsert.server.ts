// Multi-row upserts in the one SQL dialect SQLite (3.35+) and PostgreSQL share:
//   INSERT INTO "T" (...) VALUES (...), (...) ON CONFLICT (key) DO UPDATE SET ... WHERE ... RETURNING ...
// Prisma issues one statement per row for upserts and conditional updates; at webhook volume that
// per-statement overhead dominates, so the ingest path writes whole batches in one statement.
import type { Prisma } from "@prisma/client";
import { executeRaw, join, queryRaw, raw, sql } from "./sql.server";

type Value = string | number | bigint | boolean | Date | null;

export interface BulkUpsert {
  table: string;
  columns: string[];
  rows: Value[][];
  conflict: string[];
  /** SET clauses, e.g. `"total" = excluded."total"`; omitted → DO NOTHING. */
  set?: string[];
  /** Only update when this holds (e.g. the incoming version is newer). */
  where?: string;
  returning?: string[];
}

const q = (identifier: string) => `"${identifier}"`;

/** `"col" = excluded."col"` for each column. */
export const takeIncoming = (columns: string[]) => columns.map((c) => `${q(c)} = excluded.${q(c)}`);

/** Runs the upsert in chunks that stay under both databases' parameter limits; returns RETURNING rows. */
export async function bulkUpsert<R = Record<string, unknown>>(tx: Prisma.TransactionClient, u: BulkUpsert): Promise<R[]> {
  if (u.rows.length === 0) return [];
  const perChunk = Math.max(1, Math.floor(30_000 / u.columns.length));
  const results: R[] = [];
  const head = raw(`INSERT INTO ${q(u.table)} (${u.columns.map(q).join(", ")}) VALUES `);
  let tail = ` ON CONFLICT (${u.conflict.map(q).join(", ")}) `;
  tail += u.set?.length ? `DO UPDATE SET ${u.set.join(", ")}${u.where ? ` WHERE ${u.where}` : ""}` : "DO NOTHING";
  if (u.returning?.length) tail += ` RETURNING ${u.returning.map(q).join(", ")}`;
  for (let start = 0; start < u.rows.length; start += perChunk) {
    const tuples = u.rows.slice(start, start + perChunk).map((row) => {
      if (row.length !== u.columns.length)
        throw new Error(`bulkUpsert ${u.table}: row has ${row.length} values for ${u.columns.length} columns`);
      return sql`(${join(row)})`;
    });
    const statement = sql`${head}${join(tuples)}${raw(tail)}`;
    if (u.returning?.length) results.push(...(await queryRaw<R>(tx, statement)));
    else await executeRaw(tx, statement);
  }
  return results;
}
