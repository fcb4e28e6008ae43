// Portable raw SQL for SQLite and PostgreSQL: fragments rendered with the placeholders of the database
// in use ("?" or "$n"), values always in the order they appear in the text.
import type { Prisma } from "@prisma/client";
import { databaseProvider, type DbProvider } from "~/db.server";

type Client = Pick<Prisma.TransactionClient, "$queryRawUnsafe" | "$executeRawUnsafe">;

// Prisma.sql fragments cannot be used: the PostgreSQL client
// is a separately generated client (node_modules/.prisma/client-pg) whose $queryRaw does not recognise
// the Sql objects of @prisma/client and would bind a nested fragment as a parameter. So fragments are
// built here and rendered with the placeholders of the database in use ("?" or "$n") for $queryRawUnsafe,
// which both clients share. Identifiers only ever come from fixed lists; every value is a parameter.

export class SqlFragment {
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}
}

/** Tagged template: nested SqlFragments are inlined, every other value becomes a parameter. */
export function sql(strings: readonly string[], ...values: unknown[]): SqlFragment {
  const out = [strings[0]];
  const params: unknown[] = [];
  values.forEach((value, i) => {
    if (value instanceof SqlFragment) {
      out[out.length - 1] += value.strings[0];
      value.values.forEach((v, j) => {
        params.push(v);
        out.push(value.strings[j + 1]);
      });
      out[out.length - 1] += strings[i + 1];
    } else {
      params.push(value);
      out.push(strings[i + 1]);
    }
  });
  return new SqlFragment(out, params);
}

/** Trusted SQL text (identifiers from fixed lists, keywords). */
export const raw = (text: string) => new SqlFragment([text], []);
export const empty = raw("");

/** Values (parameters) or fragments joined by a separator. */
export function join(items: readonly unknown[], separator = ", "): SqlFragment {
  if (items.length === 0) return empty;
  return sql(["", ...Array<string>(items.length - 1).fill(separator), ""], ...items);
}

export function renderSql(fragment: SqlFragment, provider: DbProvider = databaseProvider()): { text: string; values: unknown[] } {
  let text = fragment.strings[0];
  fragment.values.forEach((_, i) => {
    text += (provider === "postgresql" ? `$${i + 1}` : "?") + fragment.strings[i + 1];
  });
  return { text, values: [...fragment.values] };
}

export function queryRaw<T>(db: Client, fragment: SqlFragment): Promise<T[]> {
  const { text, values } = renderSql(fragment);
  return db.$queryRawUnsafe<T[]>(text, ...values);
}

export function executeRaw(db: Client, fragment: SqlFragment): Promise<number> {
  const { text, values } = renderSql(fragment);
  return db.$executeRawUnsafe(text, ...values);
}
