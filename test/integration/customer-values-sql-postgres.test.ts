import { customerValuesSuite } from "../support/customer-values-suite";
import { isolatedEnvironment } from "../support/environment";
import { freshPostgresSchema } from "../support/postgres";

customerValuesSuite(async () => {
  const database = await freshPostgresSchema();
  const environment = isolatedEnvironment({ DATABASE_URL: database.url });
  return { cleanup: async () => (environment.cleanup(), await database.drop()) };
});
