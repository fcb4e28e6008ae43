// CSV export of the customers list as the merchant sees it: the same filters, search and sort as the page
// (customers-query.server.ts builds the condition for both), every page of it. Streamed: the stream reads
// EXPORT_PAGE rows at a time with a keyset on (sort column, customerId), the order the page uses, with the
// rows that have no value in the sort column after the others, so memory stays flat whatever the shop's
// size and the download starts at once.
import type { Db } from "~/db.server";
import { csvField, csvRecord } from "~/lib/csv";
import { formatMinorDecimal } from "~/lib/money";
import { empty, queryRaw, raw, sql, type SqlFragment } from "./sql.server";
import { customerConditions, sortColumn, type CustomerQuery } from "./customers-query.server";
import { orderProbabilities } from "./order-probability.server";

export const EXPORT_PAGE = 1_000;

export const CSV_HEADER = [
  "customer_id",
  "email",
  "first_name",
  "last_name",
  "orders",
  "gross_revenue",
  "refunded",
  "net_revenue",
  "average_order_value",
  "first_order_at",
  "last_order_at",
  "expected_purchases_12m",
  // The 80% interval (10th–90th percentile) next to each prediction it bounds.
  "purchases_low",
  "purchases_high",
  "probability_order_12m",
  "probability_alive",
  "predicted_clv_12m",
  "clv_low",
  "clv_high",
  "segment",
  "currency",
] as const;

function exportFilename(shop: string, now: Date, filtered: boolean): string {
  const handle = shop.replace(/\.myshopify\.com$/, "").replace(/[^a-z0-9-]/gi, "-");
  return `customers-${handle}${filtered ? "-filtered" : ""}-${now.toISOString().slice(0, 10)}.csv`;
}

interface ExportRow {
  customerId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  orderCount: number | bigint;
  grossMinor: bigint | number;
  refundedMinor: bigint | number;
  netRevenueMinor: bigint | number;
  aovMinor: bigint | number;
  firstOrderAt: Date | string | null;
  lastOrderAt: Date | string | null;
  expectedPurchases: number | null;
  probabilityAlive: number | null;
  predictedClvMinor: bigint | number | null;
  purchasesLow: number | bigint | null;
  purchasesHigh: number | bigint | null;
  clvLowMinor: bigint | number | null;
  clvHighMinor: bigint | number | null;
  segment: string | null;
  predictedAt: Date | string | null;
  modelFitId: string | null;
  probabilityOrder12m: number | null;
  sortValue: unknown;
}

/** Where the previous page ended: the last row's sort value and id, and whether the rows without a value have begun. */
interface Cursor {
  inNulls: boolean;
  value: unknown;
  customerId: string;
}

function pageSql(shop: string, query: CustomerQuery, cursor: Cursor | null, inNulls: boolean): SqlFragment {
  const { name, nullable } = sortColumn(query);
  const col = raw(`cv."${name}"`);
  const descending = query.direction === "desc";
  const direction = raw(descending ? "DESC" : "ASC");
  const beyond = raw(descending ? "<" : ">");
  let range: SqlFragment = empty;
  if (!inNulls) {
    if (nullable) range = sql` AND ${col} IS NOT NULL`;
    if (cursor)
      range = sql`${range} AND (${col} ${beyond} ${cursor.value} OR (${col} = ${cursor.value} AND cv."customerId" ${beyond} ${cursor.customerId}))`;
  } else {
    range = sql` AND ${col} IS NULL`;
    if (cursor?.inNulls) range = sql`${range} AND cv."customerId" ${beyond} ${cursor.customerId}`;
  }
  return sql`
    SELECT cv."customerId", c."email", c."firstName", c."lastName", cv."orderCount", cv."grossMinor", cv."refundedMinor",
           cv."netRevenueMinor", cv."aovMinor", cv."firstOrderAt", cv."lastOrderAt", cv."expectedPurchases",
           cv."probabilityAlive", cv."predictedClvMinor", cv."segment", cv."predictedAt", cv."modelFitId", cv."probabilityOrder12m",
           cv."purchasesLow", cv."purchasesHigh", cv."clvLowMinor", cv."clvHighMinor",
           ${col} AS "sortValue"
    FROM "CustomerValue" cv
    LEFT JOIN "Customer" c ON c."shop" = cv."shop" AND c."id" = cv."customerId"
    WHERE ${customerConditions(shop, query)}${range}
    ORDER BY ${inNulls ? empty : sql`${col} ${direction}, `}cv."customerId" ${direction}
    LIMIT ${BigInt(EXPORT_PAGE)}`;
}

/** Raw timestamps come back as Date or ISO text depending on the driver: bound again as Date, as Prisma stores them. */
function cursorValue(value: unknown, column: string): unknown {
  if (column === "lastOrderAt" && value !== null && !(value instanceof Date)) return new Date(String(value));
  return value;
}

/** The CSV as a stream of UTF-8 chunks: the header, then one chunk per database page. */
export function customersCsvStream(db: Db, shop: string, currencyCode: string, query: CustomerQuery): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const money = (minor: bigint | number | null) => (minor === null ? "" : formatMinorDecimal(minor, currencyCode));
  const { name, nullable } = sortColumn(query);
  let cursor: Cursor | null = null;
  let inNulls = false;
  let headerSent = false;
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvRecord([...CSV_HEADER])));
        return;
      }
      let values = await queryRaw<ExportRow>(db, pageSql(shop, query, cursor, inNulls));
      if (values.length === 0 && !inNulls && nullable) {
        inNulls = true;
        values = await queryRaw<ExportRow>(db, pageSql(shop, query, cursor, inNulls));
      }
      if (cancelled) return;
      if (values.length === 0) {
        controller.close();
        return;
      }
      const lastRow = values[values.length - 1];
      cursor = { inNulls, value: cursorValue(lastRow.sortValue, name), customerId: lastRow.customerId };
      const probabilities = await orderProbabilities(
        db,
        shop,
        values.map((v) => ({
          customerId: v.customerId,
          modelFitId: v.modelFitId,
          predictedAt: isoOf(v.predictedAt),
          probabilityOrder12m: v.probabilityOrder12m === null ? null : Number(v.probabilityOrder12m),
          orderCount: Number(v.orderCount),
          firstOrderAt: isoOf(v.firstOrderAt),
        })),
      );
      let chunk = "";
      for (const v of values) {
        const probability = probabilities.get(v.customerId) ?? null;
        chunk += csvRecord([
          csvField(v.customerId),
          csvField(v.email, { text: true }),
          csvField(v.firstName, { text: true }),
          csvField(v.lastName, { text: true }),
          csvField(Number(v.orderCount)),
          money(v.grossMinor),
          money(v.refundedMinor),
          money(v.netRevenueMinor),
          money(v.aovMinor),
          csvField(isoOf(v.firstOrderAt)),
          csvField(isoOf(v.lastOrderAt)),
          csvField(v.expectedPurchases === null ? null : round(Number(v.expectedPurchases), 4)),
          csvField(interval(v.expectedPurchases, v.purchasesLow)),
          csvField(interval(v.expectedPurchases, v.purchasesHigh)),
          csvField(probability === null ? null : round(probability, 4)),
          csvField(v.probabilityAlive === null ? null : round(Number(v.probabilityAlive), 4)),
          money(v.predictedClvMinor),
          money(v.predictedClvMinor === null ? null : v.clvLowMinor),
          money(v.predictedClvMinor === null ? null : v.clvHighMinor),
          csvField(v.segment, { text: true }),
          csvField(currencyCode),
        ]);
      }
      controller.enqueue(encoder.encode(chunk));
      if (values.length < EXPORT_PAGE && (inNulls || !nullable)) controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
}

/** An interval bound of purchases (whole numbers), only beside a prediction. */
function interval(prediction: number | null, bound: number | bigint | null): number | null {
  return prediction === null || bound === null ? null : Number(bound);
}

function isoOf(value: Date | string | null): string | null {
  if (value === null) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

function round(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}

export function csvResponse(stream: ReadableStream<Uint8Array>, shop: string, options: { filtered?: boolean; now?: Date } = {}): Response {
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${exportFilename(shop, options.now ?? new Date(), options.filtered ?? false)}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
