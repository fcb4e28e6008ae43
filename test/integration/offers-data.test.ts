// Cross-sell storage on the embedded default, SQLite.
import { isolatedEnvironment } from "../support/environment";
import { offersDataSuite } from "./offers-data.suite";

offersDataSuite(async () => {
  const environment = isolatedEnvironment();
  const { db, disconnectDb } = await import("~/db.server");
  return {
    db: await db(),
    stop: async () => {
      await disconnectDb();
      environment.cleanup();
    },
  };
});
