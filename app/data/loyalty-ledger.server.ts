// The points ledger in the database: PointsEntry rows are LedgerEntry values (app/loyalty/ledger.ts) with
// their source flattened into columns. Append-only: rows are inserted with ON CONFLICT DO NOTHING on
// (shop, key), so a redelivery or a concurrent twin never doubles an entry; balances are always sums.
import type { Prisma } from "@prisma/client";
import { manualAdjustment, type LedgerEntry, type LedgerEntryKind, type LedgerSource, type ManualAdjustmentRequest } from "~/loyalty";
import { compactId, constant, Dictionary, jsonField, jsonLookup, jsonRowsSource, jsonTimestampFromMs } from "./json-rows.server";
import { join, queryRaw, raw, sql } from "./sql.server";

type Client = Prisma.TransactionClient;

const ENTRY_COLUMNS = [
  "shop",
  "key",
  "customerId",
  "kind",
  "points",
  "sourceType",
  "sourceId",
  "orderId",
  "ruleVersionId",
  "basisMinor",
  "multiplierHundredths",
  "reason",
  "effectiveAt",
  "createdAt",
];

/** Kinds that belong to an order's stream (order:<id>:<n>): what the order holds now. */
export const ORDER_STREAM_KINDS: readonly LedgerEntryKind[] = ["earn", "reverse"];

function sourceColumns(source: LedgerSource): {
  sourceType: string;
  sourceId: string | null;
  orderId: string | null;
  reason: string | null;
} {
  switch (source.type) {
    case "order":
      return { sourceType: "order", sourceId: source.orderId, orderId: source.orderId, reason: null };
    case "refund":
      return { sourceType: "refund", sourceId: source.refundIds.join(","), orderId: source.orderId, reason: null };
    case "cancellation":
      return { sourceType: "cancellation", sourceId: source.orderId, orderId: source.orderId, reason: null };
    case "redemption":
      return { sourceType: "redemption", sourceId: source.redemptionId, orderId: null, reason: null };
    case "referral":
      // orderId is the friend's order (another customer's): stream queries filter on kind, not only on orderId.
      return { sourceType: "referral", sourceId: source.referredCustomerId, orderId: source.orderId, reason: null };
    case "bonus":
      return { sourceType: "bonus", sourceId: source.action, orderId: null, reason: null };
    case "expiry":
      return { sourceType: "expiry", sourceId: String(source.expiresOnDay), orderId: null, reason: null };
    case "manual":
      return { sourceType: "manual", sourceId: source.staffMemberId, orderId: null, reason: source.reason };
  }
}

export interface PointsEntryRow {
  key: string;
  customerId: string;
  kind: string;
  points: number;
  sourceType: string;
  sourceId: string | null;
  orderId: string | null;
  ruleVersionId: string | null;
  basisMinor: bigint | number | null;
  multiplierHundredths: number | null;
  reason: string | null;
  effectiveAt: Date;
}

function sourceOf(row: PointsEntryRow): LedgerSource {
  const orderId = row.orderId ?? row.sourceId ?? "";
  switch (row.sourceType) {
    case "refund":
      return { type: "refund", orderId, refundIds: (row.sourceId ?? "").split(",").filter((id) => id !== "") };
    case "cancellation":
      return { type: "cancellation", orderId };
    case "redemption":
      return { type: "redemption", redemptionId: row.sourceId ?? "" };
    case "referral":
      return { type: "referral", referredCustomerId: row.sourceId ?? "", orderId: row.orderId ?? "" };
    case "bonus":
      return { type: "bonus", action: row.sourceId === "birthday" ? "birthday" : "account_creation" };
    case "expiry":
      return { type: "expiry", expiresOnDay: Number(row.sourceId) };
    case "manual":
      return { type: "manual", reason: row.reason ?? "", staffMemberId: row.sourceId };
    default:
      return { type: "order", orderId };
  }
}

export function entryOfRow(row: PointsEntryRow): LedgerEntry {
  const entry: LedgerEntry = {
    key: row.key,
    customerId: row.customerId,
    kind: row.kind as LedgerEntryKind,
    points: row.points,
    source: sourceOf(row),
    ruleVersionId: row.ruleVersionId,
    effectiveAtMs: row.effectiveAt.getTime(),
  };
  if (row.basisMinor !== null) entry.basisMinor = Number(row.basisMinor);
  if (row.multiplierHundredths !== null) entry.multiplierHundredths = row.multiplierHundredths;
  return entry;
}

/** Rows per statement: the JSON text of one stays a few hundred kilobytes. */
const ENTRIES_PER_STATEMENT = 2_000;

/**
 * Inserts the entries whose key is not stored yet; returns the keys this call inserted. The rows travel as one
 * JSON parameter and the shop and creation time once per statement (json-rows.server.ts: values, not
 * statements, are what the driver spends its time on); stored exactly as Prisma would store them.
 */
export async function insertEntries(tx: Client, shop: string, entries: readonly LedgerEntry[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  if (entries.length === 0) return inserted;
  const now = new Date();
  for (let i = 0; i < entries.length; i += ENTRIES_PER_STATEMENT) {
    // Texts that repeat (rule version ids, kinds, source types) are sent once and referred to by position; ids as
    // numbers where they can be (json-rows.server.ts, compactId); a source id equal to the order id (an order's or a
    // cancellation's) as null, read back as the order id; times as epoch milliseconds.
    const ruleVersions = new Dictionary();
    const kinds = new Dictionary();
    const sourceTypes = new Dictionary();
    const rows = entries.slice(i, i + ENTRIES_PER_STATEMENT).map((entry) => {
      const source = sourceColumns(entry.source);
      return [
        entry.key,
        compactId(entry.customerId),
        kinds.indexOf(entry.kind),
        entry.points,
        sourceTypes.indexOf(source.sourceType),
        source.sourceId === source.orderId ? null : compactId(source.sourceId),
        compactId(source.orderId),
        ruleVersions.indexOf(entry.ruleVersionId),
        entry.basisMinor ?? null,
        entry.multiplierHundredths ?? null,
        source.reason,
        entry.effectiveAtMs,
      ];
    });
    const f = jsonField;
    const returned = await queryRaw<{ key: string }>(
      tx,
      sql`INSERT INTO "PointsEntry" (${raw(ENTRY_COLUMNS.map((c) => `"${c}"`).join(", "))})
          SELECT ${constant(shop, "text")}, ${f(0, "text")}, ${f(1, "text")}, ${jsonLookup(kinds.values, 2)}, ${f(3, "int")},
                 ${jsonLookup(sourceTypes.values, 4)}, COALESCE(${f(5, "text")}, ${f(6, "text")}), ${f(6, "text")},
                 ${jsonLookup(ruleVersions.values, 7)}, ${f(8, "bigint")}, ${f(9, "int")},
                 ${f(10, "text")}, ${jsonTimestampFromMs(11)}, ${constant(now, "timestamp")}
            FROM ${jsonRowsSource(rows)}
           WHERE true
          ON CONFLICT ("shop", "key") DO NOTHING
          RETURNING "key"`,
    );
    for (const row of returned) inserted.add(row.key);
  }
  return inserted;
}

const ENTRY_SELECT = {
  key: true,
  customerId: true,
  kind: true,
  points: true,
  sourceType: true,
  sourceId: true,
  orderId: true,
  ruleVersionId: true,
  basisMinor: true,
  multiplierHundredths: true,
  reason: true,
  effectiveAt: true,
} as const;

const toDate = (value: unknown) => (value instanceof Date ? value : new Date(String(value)));
const toNullableNumber = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/** The streams of these orders (earn and reverse entries), each in stream position order. Raw SQL: the ingest path. */
export async function orderStreams(client: Client, shop: string, orderIds: readonly string[]): Promise<Map<string, LedgerEntry[]>> {
  const streams = new Map<string, LedgerEntry[]>();
  for (let i = 0; i < orderIds.length; i += 500) {
    const chunk = orderIds.slice(i, i + 500);
    const rows = await queryRaw<Record<string, unknown>>(
      client,
      sql`SELECT "key", "customerId", "kind", "points", "sourceType", "sourceId", "orderId", "ruleVersionId", "basisMinor",
                 "multiplierHundredths", "reason", "effectiveAt"
            FROM "PointsEntry" WHERE "shop" = ${shop} AND "orderId" IN (${join(chunk)}) AND "kind" IN ('earn', 'reverse')`,
    );
    for (const raw of rows) {
      const row: PointsEntryRow = {
        key: String(raw.key),
        customerId: String(raw.customerId),
        kind: String(raw.kind),
        points: Number(raw.points),
        sourceType: String(raw.sourceType),
        sourceId: (raw.sourceId as string | null) ?? null,
        orderId: (raw.orderId as string | null) ?? null,
        ruleVersionId: (raw.ruleVersionId as string | null) ?? null,
        basisMinor: toNullableNumber(raw.basisMinor),
        multiplierHundredths: toNullableNumber(raw.multiplierHundredths),
        reason: (raw.reason as string | null) ?? null,
        effectiveAt: toDate(raw.effectiveAt),
      };
      const entry = entryOfRow(row);
      const list = streams.get(row.orderId as string);
      if (list) list.push(entry);
      else streams.set(row.orderId as string, [entry]);
    }
  }
  for (const list of streams.values()) list.sort((a, b) => streamPosition(a.key) - streamPosition(b.key));
  return streams;
}

/** n of a stream key `<stream>:<n>`. */
export function streamPosition(key: string): number {
  return Number(key.slice(key.lastIndexOf(":") + 1));
}

/** Every entry of a customer, oldest effective first. */
export async function customerEntries(client: Client, shop: string, customerId: string): Promise<LedgerEntry[]> {
  const rows = await client.pointsEntry.findMany({
    where: { shop, customerId },
    select: ENTRY_SELECT,
    orderBy: [{ effectiveAt: "asc" }, { key: "asc" }],
  });
  return rows.map(entryOfRow);
}

/** The ledger as the admin shows it: newest first, with the reason and source in plain columns. */
export async function recentEntries(client: Client, shop: string, customerId: string, limit = 50) {
  return client.pointsEntry.findMany({
    where: { shop, customerId },
    select: { ...ENTRY_SELECT, createdAt: true },
    orderBy: [{ effectiveAt: "desc" }, { key: "desc" }],
    take: limit,
  });
}

const toNumber = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));

/** Balances (sums of entries) of these customers; customers without entries are absent. */
export async function pointsBalancesOf(client: Client, shop: string, customerIds: readonly string[]): Promise<Map<string, number>> {
  const balances = new Map<string, number>();
  for (let i = 0; i < customerIds.length; i += 500) {
    const chunk = customerIds.slice(i, i + 500);
    const rows = await queryRaw<{ customerId: string; total: unknown }>(
      client,
      sql`SELECT "customerId", SUM("points") AS total FROM "PointsEntry"
           WHERE "shop" = ${shop} AND "customerId" IN (${join(chunk)}) GROUP BY "customerId"`,
    );
    for (const row of rows) balances.set(row.customerId, toNumber(row.total));
  }
  return balances;
}

export async function pointsBalanceOf(client: Client, shop: string, customerId: string): Promise<number> {
  return (await pointsBalancesOf(client, shop, [customerId])).get(customerId) ?? 0;
}

/** A merchant's adjustment (a reason is required); the request id makes a double submit one entry. */
export async function adjustPoints(
  tx: Client,
  shop: string,
  request: ManualAdjustmentRequest,
): Promise<{ ok: true; entry: LedgerEntry; inserted: boolean } | { ok: false; message: string }> {
  const adjustment = manualAdjustment(request);
  if (!adjustment.ok) return adjustment;
  const inserted = await insertEntries(tx, shop, [adjustment.entry]);
  return { ok: true, entry: adjustment.entry, inserted: inserted.has(adjustment.entry.key) };
}
