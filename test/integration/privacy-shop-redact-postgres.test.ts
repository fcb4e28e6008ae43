// shop/redact against queued work on PostgreSQL, where batches of one shop run in parallel transactions.
import { startApp } from "../support/app-under-test";
import { freshPostgresSchema } from "../support/postgres";
import { shopRedactSuite } from "../support/shop-redact-suite";

let schema = "";
shopRedactSuite(
  async () => {
    const database = await freshPostgresSchema();
    schema = database.schema;
    const app = await startApp({ env: { DATABASE_URL: database.url } });
    return {
      ...app,
      stop: async () => {
        await app.stop();
        await database.drop();
      },
    };
  },
  { postgresSchema: () => schema },
);
