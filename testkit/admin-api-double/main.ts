// Runs the local Shopify Admin API double (testkit/admin-api-double/) until interrupted.
//
//   npx tsx testkit/admin-api-double/main.ts --port 4010 \
//     [--shop demo.myshopify.com --token T] [--orders-file F.jsonl | --synthetic-orders 20000 --seed 1] \
//     [--currency USD --timezone America/New_York --scopes read_orders,read_customers] \
//     [--app-url http://localhost:3000 --api-secret S] [--max-available 2000 --restore-rate 100 --cost 10] \
//     [--bulk-delay-ms 150]
//
// Then point the app at it: SHOPIFY_ADMIN_API_ORIGIN=http://127.0.0.1:4010 (ignored when NODE_ENV=production).
// Faults and inspection: the control API under /__control/* (testkit/admin-api-double/handlers/control.ts).
import { parseArgs } from "node:util";
import { startAdminApiDouble } from "./server";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4010" },
    host: { type: "string", default: "127.0.0.1" },
    shop: { type: "string", default: "demo.myshopify.com" },
    token: { type: "string", default: "demo-token" },
    "orders-file": { type: "string" },
    "synthetic-orders": { type: "string" },
    seed: { type: "string", default: "1" },
    currency: { type: "string", default: "USD" },
    timezone: { type: "string", default: "America/New_York" },
    scopes: { type: "string" },
    "app-url": { type: "string" },
    "api-secret": { type: "string" },
    "api-version": { type: "string", default: "2026-07" },
    "max-available": { type: "string" },
    "restore-rate": { type: "string" },
    cost: { type: "string" },
    "bulk-delay-ms": { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) {
  console.log(`usage: npx tsx testkit/admin-api-double/main.ts [--port 4010] [--shop demo.myshopify.com --token T]
  [--orders-file F.jsonl | --synthetic-orders N [--seed S]] [--currency USD] [--timezone America/New_York]
  [--scopes a,b,c] [--app-url URL --api-secret SECRET [--api-version 2026-07]]
  [--max-available 2000] [--restore-rate 100] [--cost 10] [--bulk-delay-ms 150]`);
  process.exit(0);
}

if ((values["app-url"] === undefined) !== (values["api-secret"] === undefined)) {
  console.error("--app-url and --api-secret go together (webhooks are signed with the secret)");
  process.exit(2);
}

const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
const seed = /^\d+$/.test(values.seed!) ? Number(values.seed) : values.seed!;

const double = await startAdminApiDouble({
  port: Number(values.port),
  host: values.host,
  throttle: { maximumAvailable: num(values["max-available"]), restoreRate: num(values["restore-rate"]), cost: num(values.cost) },
  bulk: values["bulk-delay-ms"] ? { completeAfterMs: Number(values["bulk-delay-ms"]) } : undefined,
  webhooks: values["app-url"]
    ? { appUrl: values["app-url"], apiSecret: values["api-secret"]!, apiVersion: values["api-version"] }
    : undefined,
  shops: [
    {
      shop: values.shop!,
      accessToken: values.token!,
      currencyCode: values.currency,
      ianaTimezone: values.timezone,
      scopes: values.scopes
        ?.split(",")
        .map((s) => s.trim())
        .filter(Boolean),
      bulkFile: values["orders-file"],
      synthetic: values["orders-file"]
        ? undefined
        : { orders: Number(values["synthetic-orders"] ?? 2000), seed, currencyCode: values.currency },
    },
  ],
});

console.log(`Admin API double listening on ${double.origin}`);
console.log(
  `  shop ${values.shop}, token ${values.token}, orders: ${values["orders-file"] ?? `synthetic (${values["synthetic-orders"] ?? 2000}, seed ${values.seed})`}`,
);
console.log(`  GraphQL: POST ${double.origin}/admin/api/<version>/graphql.json   control: ${double.origin}/__control/shops`);
console.log(`  app: SHOPIFY_ADMIN_API_ORIGIN=${double.origin}${values["app-url"] ? `; webhooks to ${values["app-url"]}` : ""}`);

let closing = false;
const stop = async () => {
  if (closing) return;
  closing = true;
  await double.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
