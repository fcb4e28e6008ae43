// A database error's message can quote the values of the statement that failed: Prisma lists every
// parameter of a query it could not run (e-mails, names), PostgreSQL's DETAIL quotes a conflicting key.
// A job's failure reason is kept in Redis for days and shown on the sync page, so errors raised by the
// database leave the worker as their kind and codes only; the original stays attached as `cause` for a
// debugger in the same process (BullMQ stores only the message and the stack).

export class DatabaseFailure extends Error {
  override name = "DatabaseFailure";
}

interface DatabaseErrorShape {
  name?: unknown;
  code?: unknown;
  clientVersion?: unknown;
  meta?: { driverAdapterError?: { cause?: Record<string, unknown> } };
  cause?: unknown;
}

/** Codes are short identifiers (P2010, 22021, SQLITE_BUSY, UniqueConstraintViolation); anything else is left out. */
const CODE = /^[A-Za-z0-9_.-]{1,48}$/;

function isDatabaseError(error: DatabaseErrorShape): boolean {
  const name = typeof error.name === "string" ? error.name : "";
  return error.clientVersion !== undefined || /^PrismaClient|^DriverAdapterError$|^SqliteError$/.test(name);
}

/** The error itself when it is not the database's; otherwise a DatabaseFailure naming `doing`, its kind and codes. */
export function withoutValues(error: unknown, doing: string): unknown {
  if (typeof error !== "object" || error === null) return error;
  const e = error as DatabaseErrorShape;
  if (!isDatabaseError(e)) return error;
  const driver = e.meta?.driverAdapterError?.cause ?? (e.name === "DriverAdapterError" ? (e.cause as Record<string, unknown>) : undefined);
  const codes = [e.code, driver?.originalCode ?? driver?.code, driver?.kind].filter(
    (code, i, all): code is string => typeof code === "string" && CODE.test(code) && all.indexOf(code) === i,
  );
  const kind = typeof e.name === "string" && CODE.test(e.name) ? e.name : "database error";
  return new DatabaseFailure(`${doing} failed: ${kind}${codes.length ? ` (${codes.join(", ")})` : ""}; values not shown`, { cause: error });
}
