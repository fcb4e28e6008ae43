// At-risk detection stored after each refit, on the embedded default, SQLite; and the refit job that runs it.
import { isolatedEnvironment, removeRedisKeys } from "../support/environment";
import { retentionDetectionSuite } from "./retention-detection.suite";

retentionDetectionSuite(
  async () => {
    const environment = isolatedEnvironment();
    const { db, disconnectDb } = await import("~/db.server");
    return {
      db: await db(),
      stop: async () => {
        const { closeQueues } = await import("~/queues/queues.server");
        await closeQueues();
        await disconnectDb();
        await removeRedisKeys(environment.prefix);
        environment.cleanup();
      },
    };
  },
  { throughTheJob: true },
);
