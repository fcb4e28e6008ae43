// Bulk JSONL lines in the shape of BULK_ORDERS_QUERY, and a local HTTP server that serves a file the
// way Shopify's storage does (Range requests), with a fault that cuts the connection after K bytes.
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";

export interface BulkOrderSpec {
  id: number;
  customerId: number | null;
  total: string;
  createdAt: string;
  updatedAt?: string;
  refunds?: { id: number; amount: string }[];
  lineItems?: { id: number; productId: number; quantity: number; price: string }[];
  cancelled?: boolean;
}

const usd = (amount: string) => ({ amount, currencyCode: "USD" });

export function orderLine(o: BulkOrderSpec): string {
  return JSON.stringify({
    id: `gid://shopify/Order/${o.id}`,
    name: `#${o.id}`,
    email: o.customerId ? `c${o.customerId}@example.com` : null,
    createdAt: o.createdAt,
    processedAt: o.createdAt,
    updatedAt: o.updatedAt ?? o.createdAt,
    cancelledAt: o.cancelled ? (o.updatedAt ?? o.createdAt) : null,
    closedAt: null,
    test: false,
    sourceName: "web",
    displayFinancialStatus: "PAID",
    currencyCode: "USD",
    presentmentCurrencyCode: "USD",
    totalPriceSet: { shopMoney: usd(o.total), presentmentMoney: usd(o.total) },
    customer: o.customerId
      ? {
          id: `gid://shopify/Customer/${o.customerId}`,
          email: `c${o.customerId}@example.com`,
          firstName: "Ann",
          lastName: `N${o.customerId}`,
          phone: null,
          createdAt: o.createdAt,
          updatedAt: o.createdAt,
        }
      : null,
    refunds: (o.refunds ?? []).map((r) => ({
      id: `gid://shopify/Refund/${r.id}`,
      createdAt: o.createdAt,
      totalRefundedSet: { shopMoney: usd(r.amount) },
    })),
  });
}

export function lineItemLines(o: BulkOrderSpec): string[] {
  return (o.lineItems ?? []).map((li) =>
    JSON.stringify({
      id: `gid://shopify/LineItem/${li.id}`,
      title: `Product ${li.productId}`,
      quantity: li.quantity,
      product: { id: `gid://shopify/Product/${li.productId}` },
      variant: { id: `gid://shopify/ProductVariant/${li.productId}1` },
      originalUnitPriceSet: { shopMoney: usd(li.price) },
      __parentId: `gid://shopify/Order/${o.id}`,
    }),
  );
}

/** Ungrouped, as from API 2026-01: each order's line items come BEFORE it, others after. */
export function ungroupedJsonl(orders: BulkOrderSpec[]): string {
  const lines: string[] = [];
  orders.forEach((o, i) => {
    const items = lineItemLines(o);
    if (i % 2 === 0) lines.push(...items, orderLine(o));
    else lines.push(orderLine(o), ...items);
  });
  return lines.join("\n") + "\n";
}

export async function serveFile(path: string, options: { cutAfterBytes?: number } = {}) {
  let cut = options.cutAfterBytes;
  const requests: { range: string | null }[] = [];
  const server = createServer((req, res) => {
    const size = statSync(path).size;
    const range = req.headers.range ?? null;
    requests.push({ range });
    const start = range ? Number(/bytes=(\d+)-/.exec(range)?.[1] ?? 0) : 0;
    res.writeHead(range ? 206 : 200, {
      "Content-Type": "application/jsonl",
      "Content-Length": String(size - start),
      ...(range ? { "Content-Range": `bytes ${start}-${size - 1}/${size}` } : {}),
    });
    const limit = cut;
    cut = undefined; // the fault happens once
    const stream = createReadStream(path, { start, ...(limit !== undefined ? { end: start + limit - 1 } : {}) });
    stream.pipe(res, { end: limit === undefined });
    if (limit !== undefined) stream.on("end", () => res.socket?.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/bulk.jsonl`, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}
