// `npm run worker`: the worker process. Run as many as you like, on as many machines as you like.
import { setPriority } from "node:os";
import { shutdownTimeoutMs, startWorkers } from "./workers.server";

// On a machine shared with the web process, a worker at lower CPU priority keeps webhook acks fast;
// ingest can wait a few milliseconds, Shopify's 5 s deadline cannot. (0 = normal, 19 = lowest.)
if (process.env.WORKER_NICE) setPriority(Number(process.env.WORKER_NICE));

const workers = await startWorkers({ log: true });
console.info(`worker ${process.pid} started (ingest concurrency ${workers.ingest.opts.concurrency})`);

/** Past the wait for active jobs, a forced stop has this long to hand them back and disconnect. */
const FORCED_STOP_GRACE_MS = 4_000;

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, async () => {
    if (stopping) {
      console.error(`worker ${process.pid}: second ${signal}, exiting now`);
      process.exit(1);
    }
    stopping = true;
    const timeoutMs = shutdownTimeoutMs();
    console.info(`worker ${process.pid}: ${signal}, finishing in-flight jobs (up to ${timeoutMs} ms)`);
    // Whatever hangs below (Redis, the database), the process is gone in bounded time: an orchestrator's
    // own kill comes later and would lose the chance to hand jobs back.
    setTimeout(() => {
      console.error(`worker ${process.pid}: stop did not complete, exiting`);
      process.exit(1);
    }, timeoutMs + FORCED_STOP_GRACE_MS).unref();
    const { forced } = await workers.close(timeoutMs);
    if (forced) console.error(`worker ${process.pid}: jobs still running after ${timeoutMs} ms were put back in the queue`);
    // Non-zero when forced, so a supervisor can tell a clean stop from one that cut work short.
    process.exit(forced ? 1 : 0);
  });
}
