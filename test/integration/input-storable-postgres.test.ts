// "Acknowledged means storable" on PostgreSQL, which refuses more than SQLite (NUL in text, far-off dates).
import { startApp } from "../support/app-under-test";
import { inputSuite } from "../support/input-suite";
import { freshPostgresSchema } from "../support/postgres";

inputSuite(async () => {
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
