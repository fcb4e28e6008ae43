// For tests of the double itself: a double whose webhooks land in a local receiver, a GraphQL caller
// for one shop's token, the request log entries a block of calls added, and the HMAC check of a delivery.
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { AdminApiDoubleOptions } from "./double-state";
import { startAdminApiDouble, type AdminApiDouble } from "./server";
import type { RequestLogEntry } from "./state";

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
}

export interface GraphqlAnswer {
  status: number;
  // The tests read answers of any shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface DoubleHarness {
  double: AdminApiDouble;
  received: ReceivedWebhook[];
  gql(query: string, variables?: Record<string, unknown>, token?: string, version?: string): Promise<GraphqlAnswer>;
  /** Runs the calls and returns the request log entries they added. */
  logged(run: () => Promise<unknown>): Promise<RequestLogEntry[]>;
  /** Whether a delivery's X-Shopify-Hmac-Sha256 is the HMAC of its raw body with the secret. */
  signedBy(hook: ReceivedWebhook): boolean;
  close(): Promise<void>;
}

export async function startDoubleHarness(
  options: Omit<AdminApiDoubleOptions, "webhooks"> & { apiSecret: string; token: string; version?: string },
): Promise<DoubleHarness> {
  const received: ReceivedWebhook[] = [];
  const receiver = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({ path: req.url ?? "", headers: req.headers, raw: Buffer.concat(chunks) });
    res.writeHead(200).end();
  });
  receiver.listen(0, "127.0.0.1");
  await new Promise((r) => receiver.once("listening", r));
  const { apiSecret, token: defaultToken, version: defaultVersion = "2026-07", ...rest } = options;
  const appUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const double = await startAdminApiDouble({ ...rest, webhooks: { appUrl, apiSecret } });
  return {
    double,
    received,
    async gql(query, variables = {}, token = defaultToken, version = defaultVersion) {
      const response = await fetch(`${double.origin}/admin/api/${version}/graphql.json`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: await response.json() };
    },
    async logged(run) {
      const before = double.control.requests.length;
      await run();
      return double.control.requests.slice(before);
    },
    signedBy: (hook) => hook.headers["x-shopify-hmac-sha256"] === createHmac("sha256", apiSecret).update(hook.raw).digest("base64"),
    async close() {
      await double.close();
      await new Promise((r) => receiver.close(r));
    },
  };
}
