// The loyalty ingest's storage shortcuts on PostgreSQL (one fresh schema per run): see loyalty-storage.suite.ts.
import { freshPostgresSchema } from "../support/postgres";
import { loyaltyStorageSuite } from "./loyalty-storage.suite";

loyaltyStorageSuite(async () => {
  const database = await freshPostgresSchema();
  return { url: database.url, drop: database.drop };
});
