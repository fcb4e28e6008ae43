// Re-scoring on ingest on PostgreSQL, the production database: one fresh Postgres schema per run.
import { startApp } from "../support/app-under-test";
import { freshPostgresSchema } from "../support/postgres";
import { rescoreOnIngestSuite } from "./rescore-on-ingest.suite";

rescoreOnIngestSuite(async () => {
  const database = await freshPostgresSchema();
  const app = await startApp({ env: { DATABASE_URL: database.url } });
  return {
    ...app,
    stop: async () => {
      await app.stop();
      await database.drop();
    },
  };
});
