// The CDNOW sample (Fader, Hardie & Lee 2005; the data set of the BG/NBD and Gamma-Gamma papers,
// distributed with their notes and the `lifetimes` library; copy in test/fixtures/cdnow/) as shop orders:
// one order per transaction line, the customer is the sample id (column 2), the dollar amount (column 5)
// is the order total, split exactly over line items of "CD" with the number of CDs (column 4) as quantity.
//
// Line format, whitespace-separated, no header: full-data-set id, sample id, YYYYMMDD, CDs, dollars.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { toMinorUnits } from "../../app/lib/money";
import type { SyntheticCustomer, SyntheticLineItem, SyntheticOrder } from "./model";

export interface CdnowTransaction {
  line: number;
  fullId: string;
  sampleId: number;
  date: string; // YYYY-MM-DD
  cds: number;
  amountMinor: number;
}

export interface CdnowOptions {
  /** "date" (default): oldest first, like a shop's history; "file": the file's order (by customer). */
  order?: "date" | "file";
  currencyCode?: string;
  /** Hour of day (UTC) given to every transaction; the file has dates only. Default 12. */
  hourUtc?: number;
  ids?: Partial<Record<"order" | "customer" | "lineItem" | "product" | "variant", number>>;
}

export async function* readCdnowTransactions(file: string): AsyncGenerator<CdnowTransaction> {
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
  let n = 0;
  for await (const raw of lines) {
    n++;
    const text = raw.trim();
    if (text === "") continue;
    const cols = text.split(/\s+/);
    if (cols.length !== 5 || !/^\d{8}$/.test(cols[2]))
      throw new Error(`${file}:${n}: expected "id sampleId YYYYMMDD cds dollars", got "${raw}"`);
    const [fullId, sample, ymd, cds, dollars] = cols;
    yield {
      line: n,
      fullId,
      sampleId: Number(sample),
      date: `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`,
      cds: Number(cds),
      amountMinor: toMinorUnits(dollars, "USD"),
    };
  }
}

/**
 * CDNOW transactions as orders. The file is small (6,919 lines), so "date" order sorts it in memory;
 * "file" order streams it. Customers' createdAt/updatedAt are their first/last purchase days.
 */
export async function* cdnowOrders(file: string, options: CdnowOptions = {}): AsyncGenerator<SyntheticOrder> {
  const currencyCode = options.currencyCode ?? "USD";
  const hour = options.hourUtc ?? 12;
  const ids = {
    order: 3_300_000_000_000,
    customer: 0,
    lineItem: 13_300_000_000_000,
    product: 7_700_000_001,
    variant: 40_400_000_001,
    ...options.ids,
  };
  const all: CdnowTransaction[] = [];
  const span = new Map<number, { first: number; last: number }>();
  const at = (t: CdnowTransaction) => Date.parse(`${t.date}T${String(hour).padStart(2, "0")}:00:00Z`) + (t.line % 3600) * 1000;
  for await (const t of readCdnowTransactions(file)) {
    all.push(t);
    const ms = at(t);
    const s = span.get(t.sampleId);
    if (!s) span.set(t.sampleId, { first: ms, last: ms });
    else {
      s.first = Math.min(s.first, ms);
      s.last = Math.max(s.last, ms);
    }
  }
  if ((options.order ?? "date") === "date") all.sort((x, y) => at(x) - at(y) || x.line - y.line);
  let number = 1000;
  for (const t of all) {
    number++;
    const createdAt = at(t);
    const s = span.get(t.sampleId)!;
    const customer: SyntheticCustomer = {
      id: ids.customer + t.sampleId,
      email: `cdnow-${t.sampleId}@example.com`,
      firstName: null,
      lastName: null,
      phone: null,
      createdAt: s.first,
      updatedAt: s.last,
    };
    // Split the total exactly: `extra` CDs at base + 1 cent, the rest at base.
    const quantity = Math.max(1, t.cds);
    const base = Math.floor(t.amountMinor / quantity);
    const extra = t.amountMinor - base * quantity;
    const lineItems: SyntheticLineItem[] = [];
    const line = (q: number, unit: number, k: number) =>
      lineItems.push({
        id: ids.lineItem + t.line * 2 + k,
        title: "Compact Disc",
        variantTitle: null,
        sku: "CD",
        vendor: "CDNOW",
        quantity: q,
        productId: ids.product,
        variantId: ids.variant,
        unitPriceMinor: unit,
      });
    if (quantity - extra > 0) line(quantity - extra, base, 0);
    if (extra > 0) line(extra, base + 1, 1);
    yield {
      id: ids.order + t.line,
      number,
      name: `#${number}`,
      email: customer.email,
      phone: null,
      createdAt,
      processedAt: createdAt,
      updatedAt: createdAt,
      cancelledAt: null,
      cancelReason: null,
      closedAt: null,
      test: false,
      sourceName: "web",
      financialStatus: "PAID",
      currencyCode,
      presentmentCurrencyCode: currencyCode,
      totalMinor: t.amountMinor,
      presentmentTotalMinor: t.amountMinor,
      customer,
      lineItems,
      refunds: [],
    };
  }
}
