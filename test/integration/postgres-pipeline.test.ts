// The same pipeline suite on PostgreSQL, the production database: one fresh Postgres schema per run.
import { startApp } from "../support/app-under-test";
import { pipelineSuite } from "../support/pipeline-suite";
import { freshPostgresSchema } from "../support/postgres";

pipelineSuite(async () => {
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
