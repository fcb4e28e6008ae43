// Cross-sell storage on PostgreSQL, the production database: its raw SQL must mean the same as on SQLite.
import { isolatedEnvironment } from "../support/environment";
import { freshPostgresSchema } from "../support/postgres";
import { offersDataSuite } from "./offers-data.suite";

offersDataSuite(async () => {
  const database = await freshPostgresSchema();
  const environment = isolatedEnvironment({ DATABASE_URL: database.url });
  const { db, disconnectDb } = await import("~/db.server");
  return {
    db: await db(),
    stop: async () => {
      await disconnectDb();
      await database.drop();
      environment.cleanup();
    },
  };
});
