// The production web process: the Remix build behind Express (static assets with long caching).
// `npm run build` first. Webhooks are acknowledged here and processed by `npm run worker`.
import { createServer, type Server } from "node:http";
import { pathToFileURL } from "node:url";
import path from "node:path";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";

export async function startWebServer(options: { port?: number; buildDir?: string; quiet?: boolean } = {}) {
  const buildDir = path.resolve(options.buildDir ?? "build");
  const build = (await import(pathToFileURL(path.join(buildDir, "server/index.js")).href)) as ServerBuild;
  const app = express();
  app.disable("x-powered-by");
  app.use("/assets", express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
  app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV ?? "production" }));

  const server: Server = createServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? Number(process.env.PORT ?? 3000), resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  if (!options.quiet) console.info(`app listening on http://localhost:${port}`);
  return {
    port,
    server,
    /** Stops accepting, then closes the Redis and database connections the app opened. */
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const { closeQueues } = await import("./app/jobs/queues.server");
      const { disconnectDb } = await import("./app/db.server");
      await closeQueues();
      await disconnectDb();
    },
  };
}

const isEntry = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isEntry) {
  const web = await startWebServer();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, async () => {
      await web.close();
      process.exit(0);
    });
  }
}
