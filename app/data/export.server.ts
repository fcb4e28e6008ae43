// CSV export of all the shop's customers with their values, streamed: the stream pages through the
// database EXPORT_PAGE rows at a time (keyset on the (shop, customerId) primary key, profiles joined in
// the same statement), so memory stays flat whatever the shop's size and the download starts at once.
import type { Db } from "~/db.server";
import { csvField, csvRecord } from "~/lib/csv";
import { empty, queryRaw, sql } from "./sql.server";
import { formatMinorDecimal } from "~/lib/money";

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
  "probability_alive",
  "predicted_clv_12m",
  "segment",
  "currency",
] as const;

function exportFilename(shop: string, now: Date): string {
  const handle = shop.replace(/\.myshopify\.com$/, "").replace(/[^a-z0-9-]/gi, "-");
  return `customers-${handle}-${now.toISOString().slice(0, 10)}.csv`;
}

/** The CSV as a stream of UTF-8 chunks: the header, then one chunk per database page. */
export function customersCsvStream(db: Db, shop: string, currencyCode: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const money = (minor: bigint | number | null) => (minor === null ? "" : formatMinorDecimal(minor, currencyCode));
  let after: string | null = null;
  let headerSent = false;
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvRecord([...CSV_HEADER])));
        return;
      }
      const values = await queryRaw<ExportRow>(
        db,
        sql`
        SELECT cv."customerId", c."email", c."firstName", c."lastName", cv."orderCount", cv."grossMinor", cv."refundedMinor",
               cv."netRevenueMinor", cv."aovMinor", cv."firstOrderAt", cv."lastOrderAt", cv."expectedPurchases",
               cv."probabilityAlive", cv."predictedClvMinor", cv."segment"
        FROM "CustomerValue" cv
        LEFT JOIN "Customer" c ON c."shop" = cv."shop" AND c."id" = cv."customerId"
        WHERE cv."shop" = ${shop}${after === null ? empty : sql` AND cv."customerId" > ${after}`}
        ORDER BY cv."customerId" ASC
        LIMIT ${BigInt(EXPORT_PAGE)}`,
      );
      if (cancelled) return;
      if (values.length === 0) {
        controller.close();
        return;
      }
      after = values[values.length - 1].customerId;
      let chunk = "";
      for (const v of values) {
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
          csvField(v.probabilityAlive === null ? null : round(Number(v.probabilityAlive), 4)),
          money(v.predictedClvMinor),
          csvField(v.segment, { text: true }),
          csvField(currencyCode),
        ]);
      }
      controller.enqueue(encoder.encode(chunk));
      if (values.length < EXPORT_PAGE) controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
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
  segment: string | null;
}

function isoOf(value: Date | string | null): string | null {
  if (value === null) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

function round(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}

export function csvResponse(stream: ReadableStream<Uint8Array>, shop: string, now = new Date()): Response {
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${exportFilename(shop, now)}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
