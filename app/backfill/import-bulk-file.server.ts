// Streams a bulk operation's JSONL result into the database through the same idempotent ingest the
// webhooks use, in batches. Memory stays bounded by the batch size whatever the file's size; progress
// (the offset just past the last committed line) is reported after every batch so an interrupted
// import resumes there.
import type { Db } from "~/db.server";
import { ingestBatch } from "~/data/ingest.server";
import { insertLineItemsIfAbsent } from "~/data/line-items.server";
import { recomputeAllCustomerValues } from "~/data/customer-values.server";
import type { NormalizedOrder } from "~/orders/types";
import { parseBulkLine, type BulkLineItem } from "./bulk-lines";
import { streamJsonl } from "./jsonl-stream.server";

export interface ImportProgress {
  bytesImported: number;
  linesImported: number;
  ordersImported: number;
  lineItemsImported: number;
  badLines: number;
  firstBadLine: string | null;
}

export interface ImportOptions {
  startOffset?: number;
  progress?: Partial<ImportProgress>;
  ordersPerBatch?: number;
  onProgress?: (progress: ImportProgress) => Promise<void>;
}

export async function importBulkFile(db: Db, shop: string, url: string, options: ImportOptions = {}): Promise<ImportProgress> {
  const ordersPerBatch = options.ordersPerBatch ?? 900; // Prisma allows 999 parameters per query: the IN lists of a batch stay below
  const progress: ImportProgress = {
    bytesImported: options.startOffset ?? 0,
    linesImported: 0,
    ordersImported: 0,
    lineItemsImported: 0,
    badLines: 0,
    firstBadLine: null,
    ...options.progress,
  };
  let orders: NormalizedOrder[] = [];
  let lineItems: BulkLineItem[] = [];
  let lines = 0;
  let lastOffset = progress.bytesImported;
  const profilesWritten = new Set<string>(); // this run's; a resumed run writes each profile once more at most

  const flush = async () => {
    if (orders.length > 0) {
      const result = await ingestBatch(db, shop, [{ orders }], { deferCustomerValues: true, profilesWritten });
      // Uninstalled or redacted while importing: stop here, writing nothing more of the shop.
      if (!result.installed) throw new ShopNotInstalledError(shop);
    }
    await insertLineItemsIfAbsent(db, shop, lineItems);
    progress.ordersImported += orders.length;
    progress.lineItemsImported += lineItems.length;
    progress.linesImported += lines;
    progress.bytesImported = lastOffset;
    orders = [];
    lineItems = [];
    lines = 0;
    await options.onProgress?.(progress);
  };

  for await (const line of streamJsonl(url, progress.bytesImported)) {
    lines++;
    lastOffset = line.endOffset;
    try {
      const parsed = parseBulkLine(line.text);
      if (parsed.kind === "order") orders.push(parsed.order);
      else if (parsed.kind === "line_item") lineItems.push(parsed.lineItem);
    } catch (error) {
      // One unreadable line must not block the whole history: count it, keep the first reason for the UI.
      progress.badLines++;
      progress.firstBadLine ??= `line ending at byte ${line.endOffset}: ${(error as Error).message.slice(0, 300)}`;
    }
    if (orders.length >= ordersPerBatch || lineItems.length >= ordersPerBatch * 4) await flush();
  }
  await flush();
  // Values were left out batch by batch: one pass over the shop's customers now. (Webhooks that came in
  // meanwhile recomputed theirs from the orders stored at the time; this pass brings all up to date.)
  await recomputeAllCustomerValues(db, shop);
  return progress;
}

export class ShopNotInstalledError extends Error {
  constructor(shop: string) {
    super(`${shop} is not installed: the import stopped`);
  }
}
