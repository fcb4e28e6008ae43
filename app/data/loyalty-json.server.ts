// Ids in the loyalty step's JSON parameters (json-rows.server.ts) as short as they can travel exactly.
//
// Why: Prisma carries a statement's parameters through its query plan as JSON, so every `"` of a JSON-rows
// parameter is escaped and unescaped on the way; measured, a 200-row points insert's parameter cost twice as much
// as one of the same length without quotes. Shopify's ids are decimal integers: sent as JSON numbers they need no
// quotes. Exact: only canonical integers below 2^53 (no sign, no leading zero, at most 15 digits) are sent so;
// any other id stays a string. The database turns the number back into the same digits: SQLite stores it in a
// TEXT column as text (column affinity) and its `->>` gives the integer, which TEXT affinity or a CAST to TEXT
// prints as those digits; PostgreSQL's `->>` gives the number's text as written.
import { databaseProvider } from "~/db.server";
import { sql, type SqlFragment } from "./sql.server";

const CANONICAL_INTEGER = /^[1-9][0-9]{0,14}$/;

/** `id` as a JSON-rows field: a number when it is a canonical integer below 2^53, else the string itself. */
export function compactId(id: string): string | number;
export function compactId(id: string | null): string | number | null;
export function compactId(id: string | null): string | number | null {
  return id !== null && CANONICAL_INTEGER.test(id) ? Number(id) : id;
}

/**
 * `IN (<this>)` or `FROM (<this>) AS x`: a list of ids as one parameter (numbers where `compactId` allows), one
 * row per id, column "id" as text: json-rows' `jsonIdList` for the loyalty step's id lists. The CAST gives the
 * column TEXT affinity on SQLite, so an `IN` against a text column compares text and keeps its index.
 */
export function compactIdList(ids: readonly string[]): SqlFragment {
  const text = JSON.stringify(ids.map((id) => compactId(id)));
  return databaseProvider() === "postgresql"
    ? sql`SELECT json_array_elements_text(CAST(${text} AS json)) AS "id"`
    : sql`SELECT CAST("value" AS TEXT) AS "id" FROM json_each(${text})`;
}
