// Writes synthetic shop data to files.
//
//   npx tsx testkit/synthetic-shop/cli.ts bulk     --orders 1000000 --seed 42 --out orders.jsonl [--grouped]
//   npx tsx testkit/synthetic-shop/cli.ts webhooks --orders 5000 --seed 42 --out events.ndjson [--timezone America/New_York]
//   npx tsx testkit/synthetic-shop/cli.ts cdnow    --in test/fixtures/cdnow/CDNOW_sample.txt --out cdnow.jsonl [--webhooks]
//
// Common options: --customers N (instead of --orders), --end 2026-06-30, --span-days 730, --currency USD.
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { parseArgs } from "node:util";
import { writeBulkJsonl } from "./bulk-jsonl";
import { cdnowOrders } from "./cdnow";
import { resolveShopOptions, syntheticOrders } from "./generator";
import { webhookEvents } from "./rest";
import type { SyntheticOrder } from "./model";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    orders: { type: "string" },
    customers: { type: "string" },
    seed: { type: "string", default: "1" },
    out: { type: "string" },
    in: { type: "string", default: "test/fixtures/cdnow/CDNOW_sample.txt" },
    end: { type: "string" },
    "span-days": { type: "string" },
    currency: { type: "string" },
    timezone: { type: "string", default: "UTC" },
    grouped: { type: "boolean", default: false },
    webhooks: { type: "boolean", default: false },
  },
});

const command = positionals[0];
if (!command || !["bulk", "webhooks", "cdnow"].includes(command) || !values.out) {
  console.error(
    "usage: cli.ts bulk|webhooks|cdnow --out FILE [--orders N | --customers N] [--seed S] [--end DATE] [--span-days D] [--currency C]",
  );
  process.exit(2);
}

const shopOptions = resolveShopOptions({
  seed: /^\d+$/.test(values.seed!) ? Number(values.seed) : values.seed,
  orders: values.orders ? Number(values.orders) : undefined,
  customers: values.customers ? Number(values.customers) : undefined,
  endDate: values.end,
  spanDays: values["span-days"] ? Number(values["span-days"]) : undefined,
  currencyCode: values.currency,
});

async function writeEvents(orders: Iterable<SyntheticOrder>, file: string) {
  const out = createWriteStream(file);
  let n = 0;
  for (const event of webhookEvents(orders, { timeZone: values.timezone })) {
    n++;
    if (!out.write(JSON.stringify(event) + "\n")) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return n;
}

const started = Date.now();
if (command === "bulk") {
  console.log(`${shopOptions.customers} customers…`);
  const stats = await writeBulkJsonl(syntheticOrders(shopOptions), values.out, {
    ungrouped: !values.grouped,
    onProgress: (s) => s.orders % 100_000 === 0 && console.log(`  ${s.orders} orders`),
  });
  console.log(`${values.out}: ${stats.orders} orders, ${stats.lineItems} line items, ${stats.bytes} bytes in ${Date.now() - started} ms`);
} else if (command === "webhooks") {
  const n = await writeEvents(syntheticOrders(shopOptions), values.out);
  console.log(`${values.out}: ${n} webhook events in ${Date.now() - started} ms`);
} else {
  const orders: SyntheticOrder[] = [];
  if (values.webhooks) {
    for await (const o of cdnowOrders(values.in!)) orders.push(o);
    const n = await writeEvents(orders, values.out);
    console.log(`${values.out}: ${n} webhook events from ${values.in}`);
  } else {
    const stats = await writeBulkJsonl(cdnowOrders(values.in!), values.out, { ungrouped: !values.grouped });
    console.log(`${values.out}: ${stats.orders} orders, ${stats.lineItems} line items from ${values.in}`);
  }
}
