// `npm run worker`: the worker process. Run as many as you like, on as many machines as you like.
import { setPriority } from "node:os";
import { startWorkers } from "./workers.server";

// On a machine shared with the web process, a worker at lower CPU priority keeps webhook acks fast;
// ingest can wait a few milliseconds, Shopify's 5 s deadline cannot. (0 = normal, 19 = lowest.)
if (process.env.WORKER_NICE) setPriority(Number(process.env.WORKER_NICE));

const workers = await startWorkers({ log: true });
console.info(`worker ${process.pid} started (ingest concurrency ${workers.ingest.opts.concurrency})`);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.info(`worker ${process.pid}: ${signal}, finishing in-flight jobs`);
    await workers.close();
    process.exit(0);
  });
}
