// Small HTTP helpers of the double's handlers, and its tiny router.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export async function readBody(req: IncomingMessage, limit = 20 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads and discards the body, so that the client can read our answer before the socket is reused. */
export async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) void _;
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, match: RegExpExecArray, url: URL) => Promise<void>;

export interface Route {
  path: RegExp;
  /** Methods this route answers; others fall through to the next routes (and finally 404). Default: all. */
  methods?: string[];
  handle: RouteHandler;
}

/** The first route whose path and method match answers; every answer carries an X-Request-Id like Shopify's. */
export function router(routes: Route[]): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://double.local");
    res.setHeader("X-Request-Id", randomUUID());
    for (const route of routes) {
      const match = route.path.exec(url.pathname);
      if (match && (!route.methods || route.methods.includes(req.method ?? ""))) return route.handle(req, res, match, url);
    }
    json(res, 404, { errors: "Not Found" });
  };
}
