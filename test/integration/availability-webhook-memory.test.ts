// Issue 10, item 9: forged, oversized webhook bodies must not take the web process's memory, whatever
// spelling of the webhook path they use, and a malformed percent-encoding in a URL is a client error.
// The built server runs as its own process (as in production and bench/webhooks.ts), so its resident
// memory can be read from /proc/<pid>/status.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isolatedEnvironment, removeRedisKeys } from "../support/environment";
import { orderPayload } from "../support/payloads";
import { sendWebhook, webhookRequest } from "../support/webhooks";

const SHOP = "memory.myshopify.com";
const MB = 1024 * 1024;
/** What the issue measured: 24 concurrent forged posts of 19 MB took the process from 180 MB to 1.9 GB. */
const POSTS = 24;
const POST_BYTES = 19 * MB;
const ALLOWED_GROWTH_MB = 150;

let environment: ReturnType<typeof isolatedEnvironment>;
let server: ChildProcess;
let baseUrl: string;
let port: number;

beforeAll(async () => {
  environment = isolatedEnvironment();
  server = spawn("node", ["--import", "tsx", "server.ts"], {
    env: { ...process.env, PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  port = await new Promise<number>((resolve, reject) => {
    server.stdout!.on("data", (d: Buffer) => {
      const match = /listening on http:\/\/localhost:(\d+)/.exec(d.toString());
      if (match) resolve(Number(match[1]));
    });
    server.on("exit", (code) => reject(new Error(`server exited early (${code})`)));
  });
  server.stderr!.resume();
  baseUrl = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.on("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  const { closeQueues } = await import("~/queues/queues.server");
  await closeQueues();
  await removeRedisKeys(environment.prefix);
  environment.cleanup();
});

/** Resident memory of the server process, in MB: now (VmRSS) or the peak since the last reset (VmHWM). */
function memoryMb(field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
  const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)![1]);
  return kb / 1024;
}

/** Sends a forged delivery of `bytes` to `path` in 64 KB pieces; `chunked` leaves out Content-Length. */
function forgedPost(path: string, bytes: number, chunked: boolean): Promise<{ status: number | null; error: string | null }> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = {
      "content-type": "application/json",
      "x-shopify-hmac-sha256": Buffer.alloc(32, 1).toString("base64"),
      "x-shopify-topic": "orders/create",
      "x-shopify-shop-domain": SHOP,
      "x-shopify-api-version": "2026-07",
      "x-shopify-webhook-id": `forged-${Math.random()}`,
    };
    if (!chunked) headers["content-length"] = bytes;
    let settled = false;
    const done = (status: number | null, error: string | null) => {
      if (!settled) resolve({ status, error });
      settled = true;
    };
    const req = request({ host: "127.0.0.1", port, path, method: "POST", headers }, (res) => {
      res.resume();
      res.on("end", () => done(res.statusCode ?? null, null));
    });
    req.on("error", (error) => done(null, error.message));
    const piece = Buffer.alloc(64 * 1024, 0x20); // spaces: valid JSON whitespace, so only size and signature decide
    let sent = 0;
    const write = () => {
      while (sent < bytes) {
        sent += piece.length;
        if (!req.write(piece)) return void req.once("drain", write);
      }
      req.end();
    };
    req.on("socket", () => write());
  });
}

/** The spellings of the webhook path that Remix's router sends to the webhook route. */
const SPELLINGS = [
  "/webhooks/orders/create",
  "/Webhooks/orders/create",
  "/WEBHOOKS",
  "/webhooks",
  "/%77ebhooks/orders/create",
  "/webhooks/orders/create.data",
  "/webhooks.data",
  "/x/../webhooks/orders/create",
];

describe("the web process under forged oversized webhook bodies", () => {
  it(`stays within ${ALLOWED_GROWTH_MB} MB of its idle memory under ${POSTS} concurrent forged 19 MB posts`, async () => {
    // Warm up: a valid delivery, a forged one, a page.
    expect((await sendWebhook(baseUrl, { topic: "orders/create", shop: SHOP, body: orderPayload({ id: 1 }) })).status).toBe(200);
    expect((await sendWebhook(baseUrl, { topic: "orders/create", shop: SHOP, body: orderPayload({ id: 2 }), secret: "x" })).status).toBe(
      401,
    );
    await fetch(`${baseUrl}/`);
    await new Promise((r) => setTimeout(r, 300));
    const idle = memoryMb("VmRSS");
    // Reset the peak (VmHWM) to the current RSS, so the peak below is this test's.
    writeFileSync(`/proc/${server.pid}/clear_refs`, "5");

    let peakSampled = idle;
    const sampler = setInterval(() => (peakSampled = Math.max(peakSampled, memoryMb("VmRSS"))), 10);
    const results = await Promise.all(
      Array.from({ length: POSTS }, (_, i) => forgedPost(SPELLINGS[i % SPELLINGS.length]!, POST_BYTES, i % 2 === 1)),
    );
    clearInterval(sampler);
    const peak = Math.max(peakSampled, memoryMb("VmHWM"));

    console.info(`web process: idle ${idle.toFixed(0)} MB, peak ${peak.toFixed(0)} MB under ${POSTS} forged 19 MB posts`);
    expect(peak - idle).toBeLessThan(ALLOWED_GROWTH_MB);
    // Each one was refused as too large (never acknowledged, never parsed).
    expect(results.map((r) => r.status)).toEqual(results.map(() => 413));

    // And the server still takes real deliveries, on any spelling.
    for (const path of ["/webhooks/orders/create", "/Webhooks/orders/create", "/webhooks"]) {
      const r = await sendWebhook(baseUrl, { topic: "orders/create", shop: SHOP, body: orderPayload({ id: 3 }), path });
      expect(r.status, path).toBe(200);
    }
  });

  it("answers 413 at once to a declared oversized body, and 401 to a forged body under the cap", async () => {
    const { url, init } = webhookRequest(baseUrl, { topic: "orders/create", shop: SHOP, body: null, rawBody: " ".repeat(6 * MB) });
    expect((await fetch(url, init)).status).toBe(413);
    const forged = await forgedPost("/webhooks/orders/create", MB, false);
    expect(forged.status).toBe(401);
  });

  it("answers 400, not 500, to a malformed percent-encoding anywhere in the path", async () => {
    for (const path of ["/webhooks/%zz", "/webhooks/orders%2", "/app/%E0%A4%A", "/%zz", "/app/customers/%E0%A4%A.data"]) {
      for (const method of ["GET", "POST"]) {
        const response = await fetch(`${baseUrl}${path}`, { method, body: method === "POST" ? "{}" : undefined, redirect: "manual" });
        expect(response.status, `${method} ${path}`).toBe(400);
      }
    }
  });
});

describe("the Remix webhook route (reached without the server's direct path, e.g. under `shopify app dev`)", () => {
  it("reads the body as a capped stream: a forged 19 MB body is refused after at most the cap, not read whole", async () => {
    const { createRequestHandler } = await import("@remix-run/node");
    const { pathToFileURL } = await import("node:url");
    const build = await import(pathToFileURL(`${process.cwd()}/build/server/index.js`).href);
    const handle = createRequestHandler(build, "production");
    let pulled = 0;
    const piece = new Uint8Array(64 * 1024).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= POST_BYTES) return controller.close();
        pulled += piece.length;
        controller.enqueue(piece);
      },
    });
    const { init } = webhookRequest("http://app.test", { topic: "orders/create", shop: SHOP, body: null, rawBody: "" });
    const response = await handle(
      new Request("http://app.test/webhooks/orders/create", { method: "POST", headers: init.headers, body, duplex: "half" } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(pulled).toBeLessThan(8 * MB);
  });
});
