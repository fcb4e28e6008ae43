// The admin pages' loaders and actions on PostgreSQL, the production database: one fresh schema per run.
import { startApp } from "../support/app-under-test";
import { freshPostgresSchema } from "../support/postgres";
import { adminPagesSuite } from "./admin-pages.suite";

adminPagesSuite(async () => {
  const database = await freshPostgresSchema();
  const app = await startApp({ workers: false, env: { DATABASE_URL: database.url } });
  return {
    ...app,
    stop: async () => {
      await app.stop();
      await database.drop();
    },
  };
});
