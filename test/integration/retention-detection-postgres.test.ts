// At-risk detection stored after each refit, on PostgreSQL: the same rows and figures as on SQLite.
import { isolatedEnvironment } from "../support/environment";
import { freshPostgresSchema } from "../support/postgres";
import { retentionDetectionSuite } from "./retention-detection.suite";

retentionDetectionSuite(async () => {
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
