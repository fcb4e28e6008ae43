// Orders → the JSONL file Shopify produces for the app's BULK_ORDERS_QUERY (app/shopify/operations.ts):
// one Order object a line (customer and refunds inline), one LineItem a line with "__parentId".
//
// Ungrouped, as API 2026-01+ serves it by default (groupObjects: false): a line item is not next to its
// order. Most line items trail their order by a few to a few hundred orders; some come just before it;
// some come up to `lookahead` orders before it. Orders themselves stay in creation order. All of this
// in constant memory: a ring of slots, one per order position, holds the lines not yet due.
import { createWriteStream } from "node:fs";
import { isoUtc, money } from "./format";
import { gid, type SyntheticLineItem, type SyntheticOrder } from "./model";
import { Rng } from "./random";

export function orderNode(order: SyntheticOrder) {
  const c = order.currencyCode;
  const shopMoney = (minor: number) => ({ amount: money(minor, c), currencyCode: c });
  // Merchandise after discounts: the total without its shipping; "current" leaves out what was refunded since.
  const subtotal = order.totalMinor - (order.shippingMinor ?? 0);
  const refunded = order.refunds.reduce((sum, r) => sum + r.amountMinor, 0);
  return {
    id: gid.order(order.id),
    name: order.name,
    email: order.email,
    createdAt: isoUtc(order.createdAt),
    processedAt: isoUtc(order.processedAt),
    updatedAt: isoUtc(order.updatedAt),
    cancelledAt: order.cancelledAt === null ? null : isoUtc(order.cancelledAt),
    closedAt: order.closedAt === null ? null : isoUtc(order.closedAt),
    test: order.test,
    sourceName: order.sourceName,
    displayFinancialStatus: order.financialStatus,
    currencyCode: c,
    presentmentCurrencyCode: order.presentmentCurrencyCode,
    totalPriceSet: {
      shopMoney: shopMoney(order.totalMinor),
      presentmentMoney: {
        amount: money(order.presentmentTotalMinor, order.presentmentCurrencyCode),
        currencyCode: order.presentmentCurrencyCode,
      },
    },
    subtotalPriceSet: { shopMoney: shopMoney(subtotal) },
    currentSubtotalPriceSet: { shopMoney: shopMoney(Math.max(0, subtotal - refunded)) },
    discountCodes: order.discountCodes ?? [],
    customer: order.customer && {
      id: gid.customer(order.customer.id),
      email: order.customer.email,
      firstName: order.customer.firstName,
      lastName: order.customer.lastName,
      phone: order.customer.phone,
      createdAt: isoUtc(order.customer.createdAt),
      updatedAt: isoUtc(order.customer.updatedAt),
    },
    refunds: order.refunds.map((r) => ({
      id: gid.refund(r.id),
      createdAt: isoUtc(r.createdAt),
      totalRefundedSet: { shopMoney: shopMoney(r.amountMinor) },
    })),
  };
}

export function lineItemNode(item: SyntheticLineItem, order: SyntheticOrder) {
  return {
    id: gid.lineItem(item.id),
    title: item.title,
    quantity: item.quantity,
    product: item.productId === null ? null : { id: gid.product(item.productId) },
    variant: item.variantId === null ? null : { id: gid.variant(item.variantId) },
    originalUnitPriceSet: { shopMoney: { amount: money(item.unitPriceMinor, order.currencyCode), currencyCode: order.currencyCode } },
    __parentId: gid.order(order.id),
  };
}

export interface UngroupOptions {
  /** false: every line item right after its order (groupObjects: true). Default true. */
  ungrouped?: boolean;
  /** How many orders ahead a line item may be emitted before its own order. Default 64. */
  lookahead?: number;
  /** Mean delay, in orders, of a trailing line item. Default 40. */
  meanDelay?: number;
  /** Longest delay, in orders. Default 1000. */
  maxDelay?: number;
  /** Share of line items emitted before their order (at most `lookahead` orders before). Default 0.08. */
  beforeShare?: number;
  /** Share of line items emitted right after their order. Default 0.25. */
  adjacentShare?: number;
  /** Seed of the placement (independent of the data). Default 1. */
  seed?: number | string;
}

interface Slot {
  before: string[];
  root: string | null;
  after: string[];
}

/**
 * Places the lines of a stream of orders. Feed orders with push(); it returns the lines that became due.
 * Lines live in a ring of `lookahead + maxDelay + 1` slots (one per order position), so memory is bounded.
 */
export class Ungrouper {
  private readonly lookahead: number;
  private readonly maxDelay: number;
  private readonly meanDelay: number;
  private readonly beforeShare: number;
  private readonly adjacentShare: number;
  private readonly ungrouped: boolean;
  private readonly ring: Slot[];
  private readonly rng: Rng;
  private pushed = 0; // orders pushed so far: the next order takes slot `pushed`
  private emitted = 0; // slots emitted so far

  constructor(options: UngroupOptions = {}) {
    this.ungrouped = options.ungrouped ?? true;
    this.lookahead = this.ungrouped ? Math.max(0, Math.floor(options.lookahead ?? 64)) : 0;
    this.maxDelay = this.ungrouped ? Math.max(0, Math.floor(options.maxDelay ?? 1000)) : 0;
    this.meanDelay = Math.max(1, options.meanDelay ?? 40);
    this.beforeShare = options.beforeShare ?? 0.08;
    this.adjacentShare = options.adjacentShare ?? 0.25;
    this.rng = new Rng(options.seed ?? 1, "ungroup");
    this.ring = Array.from({ length: this.lookahead + this.maxDelay + 1 }, () => ({ before: [], root: null, after: [] }));
  }

  private slot(position: number): Slot {
    return this.ring[position % this.ring.length];
  }

  /** Adds one order (its line and its children's lines); returns the lines now due, in file order. */
  push(root: string, children: string[]): string[] {
    const position = this.pushed++;
    this.slot(position).root = root;
    for (const child of children) {
      if (!this.ungrouped) {
        this.slot(position).after.push(child);
        continue;
      }
      const u = this.rng.next();
      let target: number;
      let before: boolean;
      if (u < this.beforeShare) {
        // Before its order: just before it, or up to `lookahead` orders earlier (but not before slots already written).
        const earliest = Math.max(this.emitted, position - this.lookahead);
        target = earliest + this.rng.int(position - earliest + 1);
        before = target === position ? true : this.rng.chance(0.5);
      } else if (u < this.beforeShare + this.adjacentShare) {
        target = position;
        before = false;
      } else {
        const delay = Math.min(this.maxDelay, 1 + Math.floor(this.rng.exponential(this.meanDelay)));
        target = position + delay;
        before = this.rng.chance(0.5);
      }
      const slot = this.slot(target);
      (before ? slot.before : slot.after).push(child);
    }
    // A slot is due once no later order can put a line into it: orders up to `position` are known,
    // and an order puts lines at most `lookahead` slots back.
    const due: string[] = [];
    while (this.emitted <= position - this.lookahead) this.emitSlot(due);
    return due;
  }

  /** All remaining lines, at the end of the stream. */
  flush(): string[] {
    const due: string[] = [];
    const last = this.pushed + this.maxDelay;
    while (this.emitted < last) this.emitSlot(due);
    return due;
  }

  private emitSlot(into: string[]): void {
    const slot = this.slot(this.emitted++);
    for (const line of slot.before) into.push(line);
    if (slot.root !== null) into.push(slot.root);
    for (const line of slot.after) into.push(line);
    slot.before = [];
    slot.after = [];
    slot.root = null;
  }
}

/** The JSONL lines (without newline) of the orders' bulk export, ungrouped. Constant memory. */
export function* bulkJsonlLines(orders: Iterable<SyntheticOrder>, options: UngroupOptions = {}): Generator<string> {
  const ungrouper = new Ungrouper(options);
  for (const order of orders) {
    const root = JSON.stringify(orderNode(order));
    const children = order.lineItems.map((li) => JSON.stringify(lineItemNode(li, order)));
    yield* ungrouper.push(root, children);
  }
  yield* ungrouper.flush();
}

export interface WriteStats {
  orders: number;
  lineItems: number;
  lines: number;
  bytes: number;
}

/**
 * Writes the bulk JSONL file of the orders (sync or async iterable), honouring back-pressure.
 * Memory stays constant whatever the number of orders.
 */
export async function writeBulkJsonl(
  orders: Iterable<SyntheticOrder> | AsyncIterable<SyntheticOrder>,
  file: string,
  options: UngroupOptions & { onProgress?: (stats: WriteStats) => void } = {},
): Promise<WriteStats> {
  const out = createWriteStream(file);
  // Waits for `event` or an error, leaving no listener behind (a race against one long-lived promise
  // would keep a reaction per wait: a slow leak over millions of orders).
  const wait = (event: "drain" | "finish") =>
    new Promise<void>((resolve, reject) => {
      const done = () => {
        out.off("error", fail);
        resolve();
      };
      const fail = (error: Error) => {
        out.off(event, done);
        reject(error);
      };
      out.once(event, done);
      out.once("error", fail);
    });
  const stats: WriteStats = { orders: 0, lineItems: 0, lines: 0, bytes: 0 };
  const ungrouper = new Ungrouper(options);
  let buffer = "";
  const write = async (lines: string[]) => {
    for (const line of lines) {
      buffer += line + "\n";
      stats.lines++;
    }
    if (buffer.length >= 1 << 16) {
      const chunk = Buffer.from(buffer, "utf8");
      stats.bytes += chunk.length;
      buffer = "";
      if (!out.write(chunk)) await wait("drain");
    }
  };
  for await (const order of orders as AsyncIterable<SyntheticOrder>) {
    stats.orders++;
    stats.lineItems += order.lineItems.length;
    await write(
      ungrouper.push(
        JSON.stringify(orderNode(order)),
        order.lineItems.map((li) => JSON.stringify(lineItemNode(li, order))),
      ),
    );
    if (options.onProgress && stats.orders % 10_000 === 0) options.onProgress({ ...stats });
  }
  await write(ungrouper.flush());
  if (buffer.length > 0) {
    const chunk = Buffer.from(buffer, "utf8");
    stats.bytes += chunk.length;
    out.write(chunk);
  }
  const finished = wait("finish");
  out.end();
  await finished;
  return stats;
}
