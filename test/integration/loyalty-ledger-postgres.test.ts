// The points ledger through the real pipeline on PostgreSQL (one fresh schema per run).
import { startApp } from "../support/app-under-test";
import { freshPostgresSchema } from "../support/postgres";
import { loyaltyLedgerSuite } from "./loyalty-ledger.suite";

loyaltyLedgerSuite(async () => {
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
