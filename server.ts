// The production web process: the Remix build behind Express (static assets with long caching).
// `npm run build` first. Webhooks are acknowledged here and processed by `npm run worker`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
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

  // Webhooks skip Express and Remix's router (see app/webhooks/receive.server.ts): same code, less work.
  const acknowledge = (build.entry.module as { acknowledgeWebhook?: AcknowledgeWebhook }).acknowledgeWebhook;
  const server: Server = createServer((req, res) => {
    if (acknowledge && req.method === "POST" && req.url?.startsWith("/webhooks/")) void answerWebhook(acknowledge, req, res);
    else app(req, res);
  });
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
      const { closeQueues } = await import("./app/queues/queues.server");
      const { disconnectDb } = await import("./app/db.server");
      await closeQueues();
      await disconnectDb();
    },
  };
}

type AcknowledgeWebhook = typeof import("./app/webhooks/receive.server").acknowledgeWebhook;

const MAX_WEBHOOK_BYTES = 20 * 1024 * 1024;

async function answerWebhook(acknowledge: AcknowledgeWebhook, req: IncomingMessage, res: ServerResponse) {
  try {
    const routeTopic = decodeURIComponent(req.url!.slice("/webhooks/".length).split("?")[0]!);
    const header = (name: string) => {
      const value = req.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    };
    const result = await acknowledge(req.method!, header, () => readBody(req), routeTopic || undefined);
    res.writeHead(result.status, result.headers).end(result.body);
  } catch (error) {
    console.error("webhook handling failed:", error);
    if (!res.headersSent) res.writeHead((error as { status?: number }).status ?? 500, { "Content-Type": "text/plain" });
    res.end((error as { status?: number }).status === 413 ? "payload too large" : "internal error");
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_WEBHOOK_BYTES) {
        reject(Object.assign(new Error("webhook body too large"), { status: 413 }));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
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
