// The app proxy's main cases on PostgreSQL, the production database (row locks, not SQLite's one writer,
// keep concurrent redemptions apart): one fresh schema per run.
import { startApp } from "../support/app-under-test";
import { freshPostgresSchema } from "../support/postgres";
import { proxyRoutesSuite } from "./proxy-routes.suite";

proxyRoutesSuite("postgres", async (env) => {
  const database = await freshPostgresSchema();
  const app = await startApp({ workers: false, env: { ...env, DATABASE_URL: database.url } });
  return {
    ...app,
    stop: async () => {
      await app.stop();
      await database.drop();
    },
  };
});
