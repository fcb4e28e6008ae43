// The customers list's likely-to-order sort and loyalty tiers on PostgreSQL, the production database: one fresh schema per run.
import { startApp } from "../support/app-under-test";
import { freshPostgresSchema } from "../support/postgres";
import { customersListSuite } from "./customers-list.suite";

customersListSuite(async () => {
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
