// The production web process: the Remix build behind Express (static assets with long caching).
// `npm run build` first. Webhooks are acknowledged here and processed by `npm run worker`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { pathToFileURL } from "node:url";
import path from "node:path";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import { matchRoutes } from "@remix-run/react";
import type { ServerBuild } from "@remix-run/node";

export interface WebServerOptions {
  port?: number;
  /** Interface to listen on; default HOST, else every interface (a deployment behind a proxy or in a container). */
  host?: string;
  buildDir?: string;
  quiet?: boolean;
}

export async function startWebServer(options: WebServerOptions = {}) {
  const buildDir = path.resolve(options.buildDir ?? "build");
  const build = (await import(pathToFileURL(path.join(buildDir, "server/index.js")).href)) as ServerBuild;
  const app = express();
  app.disable("x-powered-by");
  app.use("/assets", express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
  app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV ?? "production" }));

  // Webhooks skip Express and Remix's router (see app/webhooks/receive.server.ts): same code, less work.
  // Every spelling of the path that Remix would send to the webhook route comes here, so that each one
  // gets the capped, streamed body reading (the Remix route reads its body the same way, as a second line).
  const acknowledge = (build.entry.module as { acknowledgeWebhook?: AcknowledgeWebhook }).acknowledgeWebhook;
  const webhookTopicOf = webhookRouteMatcher(build);
  // The app proxy's reads (the storefront calls them on most page views) skip them too, through the same
  // framework-free answers the Remix routes call (app/storefront/proxy-handler.server.ts): the signature,
  // the timestamp window, the rate limit and the identity are checked by one piece of code on either path.
  // Only exact pathnames come here; other spellings, and every POST, still reach the Remix routes.
  const proxy = proxyFastPath(build);
  const server: Server = createServer((req, res) => {
    const url = remixUrl(req);
    if (url === null) return refuse(req, res, 400, "malformed URL");
    const topic = acknowledge ? webhookTopicOf(url.pathname) : null;
    if (topic !== null) return void answerWebhook(acknowledge!, req, res, topic);
    const proxyRoute = proxy && (req.method === "GET" || req.method === "HEAD") ? proxy.routeOf(url.pathname) : null;
    if (proxyRoute) return void answerProxyRead(proxy!.answer, proxyRoute, req, res, url);
    const bodyProblem = unacceptableBody(req);
    if (bodyProblem) return refuse(req, res, bodyProblem.status, bodyProblem.text);
    app(req, res);
  });
  server.keepAliveTimeout = 65_000;
  // A request (headers and body) must arrive within this: slow senders cannot hold memory or sockets for
  // long. Shopify gives a delivery 5 s in total; admin requests are small.
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  await openProducerConnection();
  const host = options.host ?? (process.env.HOST || undefined);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? Number(process.env.PORT ?? 3000), host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  if (!options.quiet) console.info(`app listening on http://${linkHost(host)}:${port}`);
  return {
    port,
    server,
    /** Stops accepting, then closes the Redis and database connections the app opened. */
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Requests still running get a moment to finish; then their connections are cut, so a stop is bounded.
        setTimeout(() => server.closeAllConnections(), 10_000).unref();
      });
      const { closeQueues } = await import("./app/queues/queues.server");
      const { disconnectDb } = await import("./app/db.server");
      const { withTimeout } = await import("./app/lib/with-timeout");
      await closeQueues();
      // A database connection stuck in a query would hold the pool open until the query times out.
      await withTimeout(disconnectDb(), 3_000, "database did not disconnect").catch(() => {});
    },
  };
}

type AcknowledgeWebhook = typeof import("./app/webhooks/receive.server").acknowledgeWebhook;
type ProxyHandler = typeof import("./app/storefront/proxy-handler.server");
type ProxyRoute = NonNullable<ReturnType<ProxyHandler["proxyRouteOf"]>>;

/** How long a start waits for Redis before listening anyway (webhooks then answer 503 until it is back). */
const REDIS_READY_WAIT_MS = 2_000;

/**
 * Opens the producer connection (webhook acknowledgements, the proxy's rate limit) before the first request
 * rather than on it: it buffers nothing while it connects, so the first storefront requests would otherwise
 * each pass the rate limiter uncounted. Waits for it at most REDIS_READY_WAIT_MS, and not past a failure.
 */
async function openProducerConnection(): Promise<void> {
  const { queues } = await import("./app/queues/queues.server");
  const { connection } = queues();
  if (connection.status === "ready") return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      connection.off("ready", done);
      connection.off("error", done);
      resolve();
    };
    const timer = setTimeout(done, REDIS_READY_WAIT_MS);
    connection.once("ready", done);
    connection.once("error", done);
  });
}

/** The host of a link to the server: an "every interface" address is not one a browser can open. */
function linkHost(host: string | undefined): string {
  if (host === undefined || host === "0.0.0.0" || host === "::") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}

const WEBHOOK_ROUTE_ID = "routes/webhooks.$";
/** Bodies of every other route: forms and fetches of the admin pages and the login form, a few kilobytes. */
const MAX_OTHER_BODY_BYTES = 1024 * 1024;
/**
 * After an early answer (413, 401…), the rest of a body is read and dropped for a moment before the
 * connection is closed: closing on unread data resets the connection, and the client may then never see
 * the answer. Dropping keeps nothing in memory; past this much, or this long, the connection is closed
 * (some clients stop sending once they have the answer, and would otherwise hold it open).
 */
const MAX_DISCARDED_BYTES = 32 * 1024 * 1024;
const MAX_DISCARD_MS = 2_000;

/**
 * The URL Remix will route on, built as @remix-run/express builds its request URL
 * (`${protocol}://${host}${originalUrl}`, so dot segments, backslashes, a `//` prefix and the query are
 * resolved the same way), or null when the URL cannot be parsed or holds a malformed percent-encoding.
 */
function remixUrl(req: IncomingMessage): URL | null {
  const hostHeader = req.headers.host ?? "";
  // Express's req.hostname: the Host header without its port (an IPv6 literal keeps its brackets).
  const portAt = hostHeader.indexOf(":", hostHeader.startsWith("[") ? hostHeader.indexOf("]") + 1 : 0);
  const hostname = portAt === -1 ? hostHeader : hostHeader.slice(0, portAt);
  let url: URL;
  try {
    url = new URL(`http://${hostname}${req.url ?? "/"}`);
  } catch {
    return null;
  }
  // Remix and Express both decode each segment; a malformed one is the client's error, not a 500.
  for (const segment of url.pathname.split("/")) {
    if (!segment.includes("%")) continue;
    try {
      decodeURIComponent(segment);
    } catch {
      return null;
    }
  }
  return url;
}

/**
 * The proxy answers of the build's entry module, or null when the build has none, or mounts the app under a
 * basename (the exact pathnames of proxyRouteOf would not be Remix's then: Remix alone routes).
 */
function proxyFastPath(build: ServerBuild): { routeOf: ProxyHandler["proxyRouteOf"]; answer: ProxyHandler["answerProxy"] } | null {
  const entry = build.entry.module as Partial<ProxyHandler>;
  if (!entry.answerProxy || !entry.proxyRouteOf || (build.basename ?? "/") !== "/") return null;
  return { routeOf: entry.proxyRouteOf, answer: entry.answerProxy };
}

/**
 * A proxy GET or HEAD, answered as the Remix route answers it: the same ProxyCall (path and query of the
 * URL Remix would build, headers joined as the Fetch API joins them, no body: Remix gives a GET none),
 * the same reply; HEAD gets the headers alone.
 */
async function answerProxyRead(
  answer: ProxyHandler["answerProxy"],
  route: ProxyRoute,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) {
  try {
    const reply = await answer(route, {
      method: req.method!,
      url: `${url.pathname}${url.search}`,
      header: (name) => {
        const value = req.headers[name];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
      body: async () => "",
    });
    // The whole body is known: a Content-Length spares the client chunked framing (HEAD: the GET's length).
    const body = Buffer.from(reply.body);
    res.writeHead(reply.status, { ...reply.headers, "Content-Length": String(body.length) });
    res.end(req.method === "HEAD" ? undefined : body);
  } catch (error) {
    console.error(`app proxy ${route} failed:`, error);
    if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "private, no-store" });
    res.end("Unexpected Server Error");
  }
  // A GET has no body as a rule; one that declares a body has it dropped with the usual bounds.
  if (req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined) {
    discardRest(req, res, streamReader(req));
  }
}

/**
 * Decides, with Remix's own matcher on the build's route tree, whether a pathname reaches the webhook
 * route; returns the topic the URL names ("" when none) or null. Remix's single-fetch form (`<path>.data`)
 * counts too. Matching costs ~0.1 ms, so decisions are cached (first in, first out: junk paths cannot
 * crowd out the few paths Shopify uses for long).
 */
function webhookRouteMatcher(build: ServerBuild): (pathname: string) => string | null {
  interface RouteNode {
    id: string;
    path?: string;
    caseSensitive?: boolean;
    index?: boolean;
    children?: RouteNode[];
  }
  const manifest = Object.values(build.routes);
  const childrenOf = (parentId: string | undefined): RouteNode[] =>
    manifest
      .filter((route) => route.parentId === parentId)
      .map((route) =>
        route.index
          ? { id: route.id, path: route.path, caseSensitive: route.caseSensitive, index: true }
          : { id: route.id, path: route.path, caseSensitive: route.caseSensitive, children: childrenOf(route.id) },
      );
  const routes = childrenOf(undefined) as Parameters<typeof matchRoutes>[0];
  const topicOf = (pathname: string): string | null => {
    const matches = matchRoutes(routes, pathname, build.basename);
    const last = matches?.[matches.length - 1];
    return last?.route.id === WEBHOOK_ROUTE_ID ? (last.params["*"] ?? "") : null;
  };
  const cache = new Map<string, string | null>();
  return (pathname) => {
    const cached = cache.get(pathname);
    if (cached !== undefined) return cached;
    const topic = topicOf(pathname) ?? (pathname.endsWith(".data") ? topicOf(pathname.slice(0, -".data".length) || "/") : null);
    if (cache.size >= 1_000) cache.delete(cache.keys().next().value!);
    cache.set(pathname, topic);
    return topic;
  };
}

/** Bodies of other routes: declared (Content-Length, as browsers and App Bridge send them) and small. */
function unacceptableBody(req: IncomingMessage): { status: number; text: string } | null {
  if (req.method === "GET" || req.method === "HEAD") return null;
  const declared = req.headers["content-length"];
  if (declared === undefined) return req.headers["transfer-encoding"] ? { status: 411, text: "a Content-Length is required" } : null;
  if (Number(declared) > MAX_OTHER_BODY_BYTES) return { status: 413, text: `request bodies are limited to ${MAX_OTHER_BODY_BYTES} bytes` };
  return null;
}

function refuse(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" }).end(text);
  discardRest(req, res, streamReader(req));
}

async function answerWebhook(acknowledge: AcknowledgeWebhook, req: IncomingMessage, res: ServerResponse, routeTopic: string) {
  const body = streamReader(req);
  try {
    const header = (name: string) => {
      const value = req.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    };
    const result = await acknowledge(req.method!, header, body.read, routeTopic || undefined);
    res.writeHead(result.status, result.headers).end(result.body);
  } catch (error) {
    if (req.destroyed) return; // the sender went away mid-body
    console.error("webhook handling failed:", error);
    if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
    res.end("internal error");
  }
  discardRest(req, res, body);
}

interface StreamReader {
  read: () => Promise<{ done?: boolean; value?: Buffer }>;
  finished: () => boolean;
}

/** Pulls a request body one piece at a time (nothing is read ahead beyond the socket's own buffer). */
function streamReader(req: IncomingMessage): StreamReader {
  let iterator: AsyncIterator<Buffer> | undefined;
  let done = req.readableEnded;
  return {
    read: async () => {
      if (done) return { done: true };
      iterator ??= req[Symbol.asyncIterator]();
      const next = await iterator.next();
      if (next.done) done = true;
      return next;
    },
    finished: () => done || req.readableEnded,
  };
}

/** Reads and drops what is left of a body after the answer, then closes the connection if anything is left. */
function discardRest(req: IncomingMessage, res: ServerResponse, body: StreamReader): void {
  if (body.finished() || req.destroyed) return;
  const close = () => (res.writableFinished ? req.destroy() : res.once("finish", () => req.destroy()));
  if (Number(req.headers["content-length"] ?? 0) > MAX_DISCARDED_BYTES) return void close();
  const timer = setTimeout(close, MAX_DISCARD_MS);
  void (async () => {
    let dropped = 0;
    try {
      for (;;) {
        const { done, value } = await body.read();
        if (done || !value) return clearTimeout(timer);
        dropped += value.length;
        if (dropped > MAX_DISCARDED_BYTES) {
          clearTimeout(timer);
          return void close();
        }
      }
    } catch {
      clearTimeout(timer); // the sender went away: nothing left to drop
    }
  })();
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
