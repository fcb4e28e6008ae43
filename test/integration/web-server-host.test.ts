// How the production server starts: where it listens (`host` when given, as the demo passes loopback, else
// HOST, else every interface: a deployment behind a load balancer or in a container), and with the Redis
// connection of the webhook acknowledgements and the proxy's rate limit already open.
import { afterAll, expect, it } from "vitest";
import { isolatedEnvironment, removeRedisKeys } from "../support/environment";

const environment = isolatedEnvironment();

afterAll(async () => {
  await removeRedisKeys(environment.prefix);
  environment.cleanup();
});

async function listeningAddress(options: { host?: string }, hostEnv?: string) {
  const before = process.env.HOST;
  if (hostEnv === undefined) delete process.env.HOST;
  else process.env.HOST = hostEnv;
  try {
    const { startWebServer } = await import("../../server");
    const web = await startWebServer({ port: 0, quiet: true, buildDir: process.env.TEST_BUILD_DIR, ...options });
    const address = web.server.address();
    await new Promise<void>((resolve) => web.server.close(() => resolve()));
    return typeof address === "object" && address ? address.address : null;
  } finally {
    if (before === undefined) delete process.env.HOST;
    else process.env.HOST = before;
  }
}

it("listens on the host it is given, else on HOST, else on every interface", async () => {
  expect(await listeningAddress({ host: "127.0.0.1" })).toBe("127.0.0.1");
  expect(await listeningAddress({ host: "127.0.0.1" }, "0.0.0.0")).toBe("127.0.0.1");
  expect(await listeningAddress({}, "127.0.0.1")).toBe("127.0.0.1");
  expect(["::", "0.0.0.0"]).toContain(await listeningAddress({}));
});

it("fails to start, rather than hang, when the address cannot be taken", async () => {
  const { startWebServer } = await import("../../server");
  const first = await startWebServer({ port: 0, host: "127.0.0.1", quiet: true, buildDir: process.env.TEST_BUILD_DIR });
  try {
    await expect(
      startWebServer({ port: first.port, host: "127.0.0.1", quiet: true, buildDir: process.env.TEST_BUILD_DIR }),
    ).rejects.toThrow(/EADDRINUSE/);
  } finally {
    await first.close();
  }
});

it("has the Redis connection open before the first request (the rate limiter counts from the first one)", async () => {
  const { startWebServer } = await import("../../server");
  const web = await startWebServer({ port: 0, host: "127.0.0.1", quiet: true, buildDir: process.env.TEST_BUILD_DIR });
  try {
    const { queues } = await import("~/queues/queues.server");
    expect(queues().connection.status).toBe("ready");
  } finally {
    await web.close();
  }
});
