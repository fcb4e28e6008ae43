// `npm run worker`: the worker process. Run as many as you like, on as many machines as you like.
import { startWorkers } from "./workers.server";

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
