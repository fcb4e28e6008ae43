import { customerValuesRecomputeSuite } from "../support/customer-values-recompute-suite";
import { isolatedEnvironment } from "../support/environment";
import { freshPostgresSchema } from "../support/postgres";

customerValuesRecomputeSuite(async () => {
  const database = await freshPostgresSchema();
  const environment = isolatedEnvironment({ DATABASE_URL: database.url });
  return { cleanup: async () => (environment.cleanup(), await database.drop()) };
});
