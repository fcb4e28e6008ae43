// A local stand-in for the Shopify Admin GraphQL API, for tests and the demo.
//
//   const double = await startAdminApiDouble({ shops: [{ shop: "demo.myshopify.com", accessToken: "T", synthetic: { orders: 5000 } }] });
//   process.env.SHOPIFY_ADMIN_API_ORIGIN = double.origin;  // the app's gateway then talks to it
//   double.control.failNext({ status: 503, count: 2 });
//   await double.close();
//
// Routes: POST /admin/api/<version>/graphql.json (handlers/graphql.ts), GET /bulk/<n>.jsonl
// (handlers/bulk-files.ts), POST /staged-uploads/ (handlers/staged-uploads.ts), and the control API under
// /__control/* (handlers/control.ts). The state they
// share is one DoubleState (double-state.ts); the operations answered are in operations/.
import { createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import type { AddressInfo, Socket } from "node:net";
import { createControl, type AdminApiDoubleControl } from "./control";
import { createDoubleState, webhooksSettled, type AdminApiDoubleOptions } from "./double-state";
import { serveBulkFile } from "./handlers/bulk-files";
import { handleControlRequest } from "./handlers/control";
import { handleGraphql } from "./handlers/graphql";
import { handleStagedUpload } from "./handlers/staged-uploads";
import { json, router } from "./http";

export type { AdminApiDoubleControl, BulkUpdate, PublicBulkOperation, ThrottleUpdate } from "./control";
export type { AdminApiDoubleOptions, FailNextOptions, InjectedStatus } from "./double-state";
export type { ShopInput, RequestLogEntry, WebhookDelivery, StoredMetafield, BulkOperationRecord, BulkFailure } from "./state";
export type { WebhookTarget, WebhookMessage } from "./webhooks";

export interface AdminApiDouble {
  origin: string;
  port: number;
  control: AdminApiDoubleControl;
  close(): Promise<void>;
}

export async function startAdminApiDouble(options: AdminApiDoubleOptions = {}): Promise<AdminApiDouble> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), "admin-api-double-"));
  const state = createDoubleState(options, dataDir);
  const control = createControl(state);
  const handle = router([
    { path: /^\/admin\/api\/([^/]+)\/graphql\.json$/, handle: (req, res, m) => handleGraphql(state, req, res, decodeURIComponent(m[1])) },
    {
      path: /^\/bulk\/(\d+)(\.partial)?\.jsonl$/,
      methods: ["GET", "HEAD"],
      handle: (req, res, m) => serveBulkFile(state, req, res, Number(m[1]), Boolean(m[2])),
    },
    { path: /^\/staged-uploads\/?$/, methods: ["POST"], handle: (req, res) => handleStagedUpload(state, req, res) },
    { path: /^\/__control\//, handle: (req, res, _m, url) => handleControlRequest(req, res, url, control) },
  ]);

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error(`admin-api-double: ${req.method} ${req.url}: ${(error as Error).stack ?? error}`);
      if (!res.headersSent) json(res, 500, { errors: "Internal error in the Admin API double" });
      else res.destroy();
    });
  });
  // Kept so that close() can drop keep-alive connections instead of waiting for them.
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  const host = options.host ?? "127.0.0.1";
  server.listen(options.port ?? 0, host);
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  state.origin = `http://${host}:${port}`;

  return {
    origin: state.origin,
    port,
    control,
    async close() {
      state.bulk.close();
      await webhooksSettled(state).catch(() => undefined);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
