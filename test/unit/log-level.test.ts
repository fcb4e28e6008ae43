// LOG_LEVEL (app/config.server.ts) and what the Shopify library's log lines may carry (app/lib/redact-secrets.ts).
import { LogSeverity } from "@shopify/shopify-app-remix/server";
import { describe, expect, it } from "vitest";
import { config, parseLogLevel } from "~/config.server";
import { REDACTED, redactSecrets } from "~/lib/redact-secrets";

describe("LOG_LEVEL", () => {
  it("defaults to warning, so the library's per-request INFO lines stay out", () => {
    expect(parseLogLevel(undefined)).toBe(LogSeverity.Warning);
    expect(parseLogLevel("")).toBe(LogSeverity.Warning);
    expect(parseLogLevel("  ")).toBe(LogSeverity.Warning);
  });

  it("takes the four names in any case, and warn for warning", () => {
    expect(parseLogLevel("error")).toBe(LogSeverity.Error);
    expect(parseLogLevel("WARNING")).toBe(LogSeverity.Warning);
    expect(parseLogLevel("warn")).toBe(LogSeverity.Warning);
    expect(parseLogLevel("Info")).toBe(LogSeverity.Info);
    expect(parseLogLevel(" debug ")).toBe(LogSeverity.Debug);
  });

  it("refuses anything else rather than guessing", () => {
    for (const value of ["verbose", "2", "trace", "infos", "toString", "__proto__"]) {
      expect(() => parseLogLevel(value), value).toThrow(/LOG_LEVEL must be error, warning, info or debug/);
    }
  });

  it("is read from the environment by config.logLevel", () => {
    const before = process.env.LOG_LEVEL;
    try {
      process.env.LOG_LEVEL = "info";
      expect(config.logLevel).toBe(LogSeverity.Info);
      delete process.env.LOG_LEVEL;
      expect(config.logLevel).toBe(LogSeverity.Warning);
    } finally {
      if (before === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = before;
    }
  });
});

describe("log lines never carry tokens", () => {
  const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJkZXN0IjoiaHR0cHM6Ly9zaG9wLm15c2hvcGlmeS5jb20ifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ";

  it("cuts session tokens, access tokens and named credentials out", () => {
    const cases: [string, string][] = [
      [`[shopify-app/DEBUG] Validating | {token: ${jwt}}`, `[shopify-app/DEBUG] Validating | {token: ${REDACTED}}`],
      ["offline token shpat_0123456789abcdef0123456789abcdef stored", `offline token ${REDACTED} stored`],
      ["online shpua_abcdef0123456789", `online ${REDACTED}`],
      ['headers {"Authorization":"Bearer abc.def.ghi"}', `headers {"Authorization":"Bearer ${REDACTED}"}`],
      ["GET /app?id_token=abc123&shop=s.myshopify.com", `GET /app?id_token=${REDACTED}&shop=s.myshopify.com`],
      ['{"accessToken":"secret-value","shop":"s"}', `{"accessToken":"${REDACTED}","shop":"s"}`],
      ["X-Shopify-Access-Token: tok_1234", `X-Shopify-Access-Token: ${REDACTED}`],
      ["access_token=abc", `access_token=${REDACTED}`],
      ["client_secret: s3cr3t", `client_secret: ${REDACTED}`],
    ];
    for (const [line, expected] of cases) expect(redactSecrets(line), line).toBe(expected);
  });

  it("leaves ordinary lines alone", () => {
    const lines = [
      "[shopify-app/WARNING] Authenticating admin request | {shop: shop-a.myshopify.com}",
      "refit of shop-a.myshopify.com took 1.2 s (tokens: none)",
      "customer 1234567890 tagged vip",
    ];
    for (const line of lines) expect(redactSecrets(line)).toBe(line);
  });
});
