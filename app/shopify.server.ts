import "@shopify/shopify-app-remix/adapters/node";
import { AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { API_VERSION, config } from "./config.server";
import { prismaClient } from "./db.server";
import { markShopInstalled } from "./data/lifecycle.server";
import { db } from "./db.server";
import { enqueueBackfillStep } from "./queues/queues.server";
import { redactSecrets } from "./lib/redact-secrets";

/** The library's lines, at LOG_LEVEL and above (Info would be one line per admin request), tokens cut out. */
function writeLibraryLog(severity: LogSeverity, message: string): void {
  const line = redactSecrets(message);
  if (severity === LogSeverity.Error) console.error(line);
  else if (severity === LogSeverity.Warning) console.warn(line);
  else console.log(line);
}

const shopify = shopifyApp({
  apiKey: config.apiKey,
  apiSecretKey: config.apiSecret,
  apiVersion: API_VERSION,
  scopes: config.scopes,
  appUrl: config.appUrl,
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(prismaClient()),
  distribution: AppDistribution.AppStore,
  logger: { level: config.logLevel, log: writeLibraryLog, httpRequests: false },
  future: {
    unstable_newEmbeddedAuthStrategy: true, // token exchange: no OAuth redirects inside the admin
  },
  hooks: {
    afterAuth: async ({ session }) => {
      // Webhooks are declared in shopify.app.toml (app-specific subscriptions); nothing to register here.
      const client = await db();
      await markShopInstalled(client, session.shop, { scopes: session.scope ?? null });
      // First install: import the order history (the job finds the run under way if there is one).
      if ((await client.backfillRun.count({ where: { shop: session.shop } })) === 0) {
        try {
          await enqueueBackfillStep({ shop: session.shop });
        } catch (error) {
          // Redis is down (the call gives up within 2 s). Failing here would fail the install with a 500 after
          // the session is stored, and the hook would not run again; the app opens instead, the sync page
          // shows that no import has run, and "Import order history" starts it once Redis is back.
          console.error(`first import of ${session.shop} could not be queued: ${(error as Error).message}`);
        }
      }
    },
  },
  ...(process.env.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [process.env.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export const apiVersion = API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
