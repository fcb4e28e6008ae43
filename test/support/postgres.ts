// A fresh, migrated PostgreSQL schema for one test file (the server of the machine; see README).
import { randomUUID } from "node:crypto";
import pg from "pg";
import { deployPostgres } from "../../scripts/prisma-postgres";

export const POSTGRES_BASE_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export async function freshPostgresSchema() {
  const schema = `clv_test_${randomUUID().slice(0, 8)}`;
  const url = `${POSTGRES_BASE_URL}?schema=${schema}`;
  await deployPostgres(url);
  return {
    url,
    schema,
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_BASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}
