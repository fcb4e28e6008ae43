// Ingest's combined values recompute and re-scoring on PostgreSQL.
import { isolatedEnvironment } from "../support/environment";
import { freshPostgresSchema } from "../support/postgres";
import { recomputeAndRescoreSuite } from "../support/recompute-and-rescore-suite";

recomputeAndRescoreSuite(async () => {
  const database = await freshPostgresSchema();
  const environment = isolatedEnvironment({ DATABASE_URL: database.url });
  return { cleanup: async () => (environment.cleanup(), await database.drop()) };
});
