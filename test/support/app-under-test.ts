// Starts the built app (real HTTP server) and the real workers in this test process, against the
// isolated database and Redis prefix of the file.
import { isolatedEnvironment, removeRedisKeys } from "./environment";

export async function startApp(options: { env?: Record<string, string>; workers?: boolean; concurrency?: number } = {}) {
  const environment = isolatedEnvironment(options.env);
  const { startWebServer } = await import("../../server");
  // TEST_BUILD_DIR: a build of one's own, when several people test in one working tree (build/ is rebuilt by every run).
  const web = await startWebServer({ port: 0, quiet: true, buildDir: process.env.TEST_BUILD_DIR });
  const { startWorkers } = await import("~/worker/workers.server");
  const workers = options.workers === false ? null : await startWorkers({ concurrency: options.concurrency ?? 16 });
  const { db } = await import("~/db.server");
  const { queues } = await import("~/queues/queues.server");
  const client = await db();
  return {
    baseUrl: `http://127.0.0.1:${web.port}`,
    db: client,
    queues,
    /** The in-process workers (null with `workers: false`), e.g. to pause ingest while deliveries queue up. */
    workers,
    environment,
    /** Waits until no ingest job is waiting, active or retrying and no analytics job is waiting or active
     *  (the nightly refit is always delayed until 03:00: it does not count). */
    async drained(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [a, b] = await Promise.all([
          queues().ingest.getJobCounts("waiting", "active", "delayed", "prioritized"),
          queues().analytics.getJobCounts("waiting", "active", "prioritized"),
        ]);
        const pending = Object.values(a).reduce((s, n) => s + n, 0) + Object.values(b).reduce((s, n) => s + n, 0);
        if (pending === 0) return;
        if (Date.now() > deadline) throw new Error(`queues not drained: ${JSON.stringify({ ingest: a, analytics: b })}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      if (workers) await workers.close();
      await web.close();
      await removeRedisKeys(environment.prefix);
      environment.cleanup();
    },
  };
}
