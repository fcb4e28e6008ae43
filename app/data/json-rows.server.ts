// Many rows as ONE statement parameter: a JSON array of arrays, unpacked by the database (SQLite's json_each,
// PostgreSQL's json_array_elements; both name the element column "value" and read its fields with `->>`).
//
// Why: on the ingest path the cost of a multi-row statement is the driver's handling of each value (Prisma's
// argument mapping, the adapter's binding, and SQLite compiling a statement text with thousands of
// placeholders), not the database's work. A 200-row insert of 12 columns sends 2,400 values as VALUES
// tuples and one as JSON; the database parses the JSON natively. The parameter's length still costs (Prisma
// serialises parameters into each query plan, about 50 ns a character measured): rows stay short, with texts
// that repeat sent once (jsonLookup) and times as epoch milliseconds (jsonTimestampFromMs). Results likewise
// come back as one JSON text (jsonAggregate).
//
// Types: SQLite's `->>` returns a JSON number as an integer or real and a string as text, which is what the
// columns hold (no cast: casting text to TIMESTAMP in SQLite would turn "2025-01-02T…" into the number 2025).
// PostgreSQL's `->>` returns text: each field is cast to its column's type. Timestamps travel as the text
// Prisma's SQLite adapter writes for a DateTime ("2025-01-02T03:04:05.678+00:00", so rows written here and by
// Prisma are stored identically) and PostgreSQL casts that text to TIMESTAMP(3) (UTC, the offset being +00:00).
// BigInts travel as strings (JSON numbers stop being exact at 2^53) and are cast on both databases.
import type { Prisma } from "@prisma/client";
import { databaseProvider } from "~/db.server";
import { queryRaw, raw, sql, type SqlFragment } from "./sql.server";

type Client = Prisma.TransactionClient;

export type JsonField = string | number | boolean | null;
export type FieldType = "text" | "int" | "bigint" | "float" | "bool" | "timestamp";

const PG_TYPES: Record<FieldType, string> = {
  text: "TEXT",
  int: "INTEGER",
  bigint: "BIGINT",
  float: "DOUBLE PRECISION",
  bool: "BOOLEAN",
  timestamp: "TIMESTAMP(3)",
};

const isPostgres = () => databaseProvider() === "postgresql";

/** A DateTime as Prisma's SQLite adapter stores it (ISO 8601 with "+00:00"); PostgreSQL reads it as UTC. */
export function timestampText(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

/** A bigint column's value in a JSON row (exact at any size). */
export function bigintText(value: bigint | number | null | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

/**
 * `FROM <this>`: one row per element of `rows` (in order), the element as `<alias>.value`. Read its fields
 * with `jsonField`.
 *
 * `parseOnce`, for rows of which a statement reads many fields (re-scoring reads 20): each row is parsed once
 * into the binary form (JSONB) and its fields read from that, instead of `->>` parsing the row's text again for
 * every field (SQLite, 190 rows of 20 fields: 3.3 → 2.0 ms). SQLite's LIMIT -1 keeps its subquery from being
 * flattened into the outer query, which would put the parse back into every field.
 */
export function jsonRowsSource(rows: readonly (readonly JsonField[])[], alias = "j", options: { parseOnce?: boolean } = {}): SqlFragment {
  const text = JSON.stringify(rows);
  if (isPostgres()) {
    const form = options.parseOnce ? "jsonb" : "json";
    return sql`${raw(`${form}_array_elements`)}(CAST(${text} AS ${raw(form)})) AS ${raw(alias)}`;
  }
  return options.parseOnce
    ? sql`(SELECT jsonb("value") AS "value" FROM json_each(${text}) LIMIT -1) AS ${raw(alias)}`
    : sql`json_each(${text}) AS ${raw(alias)}`;
}

/** Field `index` of the current row, typed as the column it goes to. */
export function jsonField(index: number, type: FieldType, alias = "j"): SqlFragment {
  // Parenthesised: `->>` shares its precedence with `||` (left to right) on both databases.
  const field = `(${alias}."value" ->> ${Math.trunc(index)})`;
  if (isPostgres()) return raw(`CAST(${field} AS ${PG_TYPES[type]})`);
  // SQLite: integers arrive as integers already; bigints arrive as text and are made integers exactly.
  return raw(type === "bigint" ? `CAST(${field} AS INTEGER)` : field);
}

/**
 * Field `index` of the current row, milliseconds since the epoch (a JSON number: 13 characters where the ISO text
 * is 29), made the DateTime column's value: on SQLite the text Prisma stores ("2025-01-02T03:04:05.678+00:00";
 * strftime rounds the seconds to the millisecond they came from), on PostgreSQL a TIMESTAMP(3) by integer
 * arithmetic (exact).
 */
export function jsonTimestampFromMs(index: number, alias = "j"): SqlFragment {
  const field = `(${alias}."value" ->> ${Math.trunc(index)})`;
  if (isPostgres())
    return raw(`CAST(TIMESTAMP '1970-01-01 00:00:00' + CAST(${field} AS BIGINT) * INTERVAL '1 millisecond' AS TIMESTAMP(3))`);
  return raw(`strftime('%Y-%m-%dT%H:%M:%f+00:00', ${field} / 1000.0, 'unixepoch')`);
}

/**
 * Texts that repeat across rows (a rule version's id) sent once: the row holds an index into `values` (or null),
 * and this is the text at field `index`'s position.
 */
export function jsonLookup(values: readonly string[], index: number, alias = "j"): SqlFragment {
  const field = `(${alias}."value" ->> ${Math.trunc(index)})`;
  const list = JSON.stringify(values);
  return isPostgres() ? sql`(CAST(${list} AS json) ->> CAST(${raw(field)} AS INTEGER))` : sql`(CAST(${list} AS TEXT) ->> ${raw(field)})`;
}

/** Index of each distinct value, for `jsonLookup`. */
export class Dictionary {
  readonly values: string[] = [];
  private readonly indexes = new Map<string, number>();

  indexOf(value: string | null): number | null {
    if (value === null) return null;
    let index = this.indexes.get(value);
    if (index === undefined) {
      index = this.values.push(value) - 1;
      this.indexes.set(value, index);
    }
    return index;
  }
}

/** A constant of the statement (sent once, not once per row), typed for PostgreSQL's SELECT list. */
export function constant(value: string | number | boolean | Date, type: FieldType): SqlFragment {
  const sent = value instanceof Date ? timestampText(value) : value;
  if (isPostgres()) return sql`CAST(${sent} AS ${raw(PG_TYPES[type])})`;
  // SQLite: a cast to TIMESTAMP would make the text a number; a boolean is bound as 0/1 by the adapter.
  return type === "timestamp"
    ? sql`${sent}`
    : sql`CAST(${sent} AS ${raw(type === "text" ? "TEXT" : type === "float" ? "REAL" : "INTEGER")})`;
}

const CANONICAL_INTEGER = /^[1-9][0-9]{0,14}$/;

/**
 * An id as a JSON-rows field, as short as it can travel exactly: a number when it is a canonical integer below
 * 2^53 (no sign, no leading zero, at most 15 digits), else the string itself. Why: Prisma carries a statement's
 * parameters through its query plan as JSON, so every `"` is escaped and unescaped on the way (a 200-row points
 * insert's parameter cost twice as much as one of the same length without quotes), and Shopify's ids are decimal
 * integers. The database turns the number back into the same digits: a TEXT column stores it as text (SQLite's
 * column affinity; PostgreSQL's `->>` gives the number's text as written).
 */
export function compactId(id: string): string | number;
export function compactId(id: string | null): string | number | null;
export function compactId(id: string | null): string | number | null {
  return id !== null && CANONICAL_INTEGER.test(id) ? Number(id) : id;
}

/** The ids as one JSON parameter, each as `compactId` sends it. */
const compactIds = (ids: readonly string[]) => JSON.stringify(ids.map((id) => compactId(id)));

/**
 * `FROM (<this>) AS x` (or a WITH's list): the ids as one parameter, one row per id (column "id", text, in order).
 * SQLite's CAST gives the column TEXT affinity, so comparisons with text columns compare text and keep their
 * index. To filter a table by the ids use `idIn`: on PostgreSQL an `IN (<this>)` is planned as a join against a
 * set-returning function, which, before the table has statistics (a new shop's first batches), became a nested
 * loop that parsed the JSON once per row of the table (1.3 s for 190 ids against 24,000 orders).
 */
export function jsonIdList(ids: readonly string[]): SqlFragment {
  const text = compactIds(ids);
  return isPostgres()
    ? sql`SELECT json_array_elements_text(CAST(${text} AS json)) AS "id"`
    : sql`SELECT CAST("value" AS TEXT) AS "id" FROM json_each(${text})`;
}

/**
 * `<column> IN <the ids>` with the ids as one parameter. PostgreSQL: `= ANY(ARRAY(…))`, an array computed once
 * (an InitPlan) that the column's index is searched with, whatever the statistics say.
 */
export function idIn(column: string, ids: readonly string[]): SqlFragment {
  const list = jsonIdList(ids);
  return isPostgres() ? sql`${raw(column)} = ANY(ARRAY(${list}))` : sql`${raw(column)} IN (${list})`;
}

/**
 * The aggregate of every row as ONE JSON text (an array of arrays, in row order; "[]" for none), so the driver
 * handles one value instead of rows × columns: `SELECT ${jsonAggregate(…)} FROM …`, also as a scalar subquery
 * (several results in one statement). Read it with `parseJsonRows`. Field types as JSON gives them: numbers,
 * strings, null; booleans are 0/1 on SQLite and true/false on PostgreSQL; timestamps are text, with "+00:00" on
 * SQLite and without a zone on PostgreSQL (UTC on both: read them with `msOfTimestamp`). Select bigints as text
 * (CAST(… AS TEXT)) to keep them exact.
 */
export function jsonAggregate(expressions: SqlFragment): SqlFragment {
  return isPostgres()
    ? sql`CAST(COALESCE(json_agg(json_build_array(${expressions})), CAST('[]' AS json)) AS TEXT)`
    : sql`json_group_array(json_array(${expressions}))`;
}

/** `SELECT <aggregate of expressions> AS "rows" <rest>`: read with `queryJsonRows`. */
export function jsonResult(expressions: SqlFragment, rest: SqlFragment): SqlFragment {
  return sql`SELECT ${jsonAggregate(expressions)} AS "rows" ${rest}`;
}

export function parseJsonRows(text: unknown): unknown[][] {
  return typeof text === "string" && text !== "" ? (JSON.parse(text) as unknown[][]) : [];
}

export async function queryJsonRows(client: Client, fragment: SqlFragment): Promise<unknown[][]> {
  const [row] = await queryRaw<{ rows: string | null }>(client, fragment);
  return parseJsonRows(row?.rows);
}

/** Milliseconds of a timestamp read through `jsonResult` (stored UTC; PostgreSQL's text has no zone). */
export function msOfTimestamp(value: unknown): number {
  // Prisma's SQLite adapter also reads a DateTime stored as a number as epoch milliseconds.
  if (typeof value === "number") return value;
  const text = String(value);
  return new Date(/(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`).getTime();
}
