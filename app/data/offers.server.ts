// Cross-sell storage: the shop's settings, the mined suggestions with the merchant's verdicts, and the
// offers (manual, or made from accepted suggestions), validated by app/offers. Every function takes the
// shop: nothing here reads across shops.
import { randomBytes } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import type { Db } from "~/db.server";
import {
  DEFAULT_MAX_OFFERED_PRODUCTS,
  fieldErrorOf,
  isOfferActive,
  keyedError,
  messageKey,
  validateManualOffer,
  type ManualOffer,
  type OfferErrors,
  type OfferFieldError,
  type SuggestedProduct,
} from "~/offers";
import { bulkUpsert } from "./bulk-upsert.server";
import { productSummaries, type ProductSummary } from "./products.server";

type Client = Db | Prisma.TransactionClient;

// ---- settings ----

export interface OfferSettingsValues {
  windowMonths: number;
  /** Share of orders (0.0005 = 0.05 %). */
  minSupport: number;
  /** P(offered | trigger). */
  minConfidence: number;
  /** Null: no recency weighting. */
  recencyHalfLifeDays: number | null;
  /** Share of logged-in customers held out (0.1 = 10 %). */
  holdoutShare: number;
  /** Products per trigger in the mined lists. */
  maxOffered: number;
}

export const DEFAULT_OFFER_SETTINGS: OfferSettingsValues = {
  windowMonths: 12,
  minSupport: 0.0005,
  minConfidence: 0.01,
  recencyHalfLifeDays: null,
  holdoutShare: 0.1,
  maxOffered: 4,
};

// The fields' message keys: offers.settings.<field>.error.*.
type WholeNumberField = "windowMonths" | "recencyHalfLifeDays" | "maxOffered";
type ShareField = "minSupport" | "minConfidence" | "holdoutShare";

// One check for "whole" and both bounds, so that the message can name them both.
const wholeNumber = (field: WholeNumberField, min: number, max: number) =>
  z.coerce
    .number({ invalid_type_error: messageKey(`offers.settings.${field}.error.notNumber`) })
    .refine((value) => Number.isInteger(value) && value >= min && value <= max, {
      message: messageKey(`offers.settings.${field}.error.range`),
      params: { min, max },
    });

// A share is said in percent, as the form asks for it.
const share = (field: ShareField, max: number) =>
  z.coerce
    .number({ invalid_type_error: messageKey(`offers.settings.${field}.error.notNumber`) })
    .min(0, messageKey(`offers.settings.${field}.error.negative`))
    .refine((value) => value <= max, { message: messageKey(`offers.settings.${field}.error.atMost`), params: { max: max * 100 } });

export const offerSettingsSchema = z.object({
  windowMonths: wholeNumber("windowMonths", 1, 36),
  minSupport: share("minSupport", 0.5),
  minConfidence: share("minConfidence", 1),
  // Null (no recency weighting) first, so that anything else is judged as a number.
  recencyHalfLifeDays: wholeNumber("recencyHalfLifeDays", 7, 3650).nullable(),
  holdoutShare: share("holdoutShare", 0.5),
  maxOffered: wholeNumber("maxOffered", 1, DEFAULT_MAX_OFFERED_PRODUCTS),
});

/** One error per field, with its key and its English. */
export type SettingsErrors = Partial<Record<keyof OfferSettingsValues, OfferFieldError>>;
export type SettingsValidation = { ok: true; settings: OfferSettingsValues } | { ok: false; errors: SettingsErrors };

export function validateOfferSettings(input: unknown): SettingsValidation {
  const parsed = offerSettingsSchema.safeParse(input);
  if (parsed.success) return { ok: true, settings: parsed.data };
  const errors: SettingsErrors = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0]) as keyof OfferSettingsValues;
    errors[field] ??= fieldErrorOf(field, issue);
  }
  return { ok: false, errors };
}

export async function offerSettings(db: Client, shop: string): Promise<OfferSettingsValues> {
  const row = await db.offerSettings.findUnique({ where: { shop } });
  if (!row) return { ...DEFAULT_OFFER_SETTINGS };
  return {
    windowMonths: row.windowMonths,
    minSupport: row.minSupport,
    minConfidence: row.minConfidence,
    recencyHalfLifeDays: row.recencyHalfLifeDays,
    holdoutShare: row.holdoutShare,
    maxOffered: row.maxOffered,
  };
}

export async function saveOfferSettings(db: Client, shop: string, settings: OfferSettingsValues): Promise<void> {
  await db.offerSettings.upsert({ where: { shop }, create: { shop, ...settings }, update: settings });
}

// ---- suggestions ----

export type Verdict = "new" | "accepted" | "rejected";
export const VERDICTS: readonly Verdict[] = ["new", "accepted", "rejected"];

export interface SuggestionInput extends SuggestedProduct {
  triggerProductId: string;
  support: number;
  lift: number;
}

/**
 * Stores one mining run's suggestions. Statistics are replaced, the merchant's verdict is kept; suggestions
 * the run no longer finds are removed unless the merchant gave a verdict (a rejected pair must stay
 * rejected when it comes back).
 */
export async function storeSuggestions(db: Db, shop: string, suggestions: SuggestionInput[], minedAt: Date): Promise<number> {
  const columns = [
    "shop",
    "productId",
    "offeredProductId",
    "orders",
    "support",
    "confidence",
    "lift",
    "shrunkLift",
    "buyersMeanClvMinor",
    "valueScore",
    "verdict",
    "minedAt",
  ];
  const rows = suggestions.map((s) => [
    shop,
    s.triggerProductId,
    s.productId,
    s.orders,
    s.support,
    s.confidence,
    s.lift,
    s.liftShrunk,
    s.buyersMeanClv === null ? null : BigInt(Math.round(s.buyersMeanClv)),
    s.valueScore,
    "new",
    minedAt,
  ]);
  const stats = columns.slice(3, 10).concat("minedAt");
  for (let i = 0; i < rows.length; i += 5_000) {
    await bulkUpsert(db, {
      table: "OfferSuggestion",
      columns,
      rows: rows.slice(i, i + 5_000),
      conflict: ["shop", "productId", "offeredProductId"],
      set: stats.map((c) => `"${c}" = excluded."${c}"`),
    });
  }
  await db.offerSuggestion.deleteMany({ where: { shop, verdict: "new", minedAt: { lt: minedAt } } });
  return rows.length;
}

export interface SuggestionRow {
  productId: string;
  offeredProductId: string;
  product: ProductSummary | null;
  offeredProduct: ProductSummary | null;
  orders: number;
  support: number;
  confidence: number;
  lift: number;
  shrunkLift: number;
  buyersMeanClvMinor: string | null;
  valueScore: number;
  verdict: Verdict;
  minedAt: string;
}

export interface SuggestionPage {
  rows: SuggestionRow[];
  total: number;
  page: number;
  pages: number;
  counts: Record<Verdict, number>;
  lastMinedAt: string | null;
}

export const SUGGESTIONS_PAGE_SIZE = 50;

export async function listSuggestions(
  db: Client,
  shop: string,
  options: { verdict?: Verdict; page?: number } = {},
): Promise<SuggestionPage> {
  const verdict = options.verdict ?? "new";
  const [total, grouped, latest] = await Promise.all([
    db.offerSuggestion.count({ where: { shop, verdict } }),
    db.offerSuggestion.groupBy({ by: ["verdict"], where: { shop }, _count: { _all: true } }),
    db.offerSuggestion.aggregate({ where: { shop }, _max: { minedAt: true } }),
  ]);
  const pages = Math.max(1, Math.ceil(total / SUGGESTIONS_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(options.page ?? 1)), pages);
  const rows = await db.offerSuggestion.findMany({
    where: { shop, verdict },
    orderBy: [{ valueScore: "desc" }, { shrunkLift: "desc" }, { orders: "desc" }, { productId: "asc" }, { offeredProductId: "asc" }],
    skip: (page - 1) * SUGGESTIONS_PAGE_SIZE,
    take: SUGGESTIONS_PAGE_SIZE,
  });
  const products = await productSummaries(
    db,
    shop,
    rows.flatMap((r) => [r.productId, r.offeredProductId]),
  );
  const counts: Record<Verdict, number> = { new: 0, accepted: 0, rejected: 0 };
  for (const g of grouped) if ((VERDICTS as readonly string[]).includes(g.verdict)) counts[g.verdict as Verdict] = g._count._all;
  return {
    rows: rows.map((r) => ({
      productId: r.productId,
      offeredProductId: r.offeredProductId,
      product: products.get(r.productId) ?? null,
      offeredProduct: products.get(r.offeredProductId) ?? null,
      orders: r.orders,
      support: r.support,
      confidence: r.confidence,
      lift: r.lift,
      shrunkLift: r.shrunkLift,
      buyersMeanClvMinor: r.buyersMeanClvMinor?.toString() ?? null,
      valueScore: r.valueScore,
      verdict: r.verdict as Verdict,
      minedAt: r.minedAt.toISOString(),
    })),
    total,
    page,
    pages,
    counts,
    lastMinedAt: latest._max.minedAt?.toISOString() ?? null,
  };
}

/** The mined lists per trigger the write-back uses: suggestions not rejected, best value score first. */
export async function minedLists(db: Client, shop: string): Promise<Map<string, string[]>> {
  const rows = await db.offerSuggestion.findMany({
    where: { shop, verdict: { not: "rejected" } },
    select: { productId: true, offeredProductId: true },
    orderBy: [{ productId: "asc" }, { valueScore: "desc" }, { shrunkLift: "desc" }, { confidence: "desc" }, { offeredProductId: "asc" }],
  });
  const lists = new Map<string, string[]>();
  for (const row of rows) {
    const list = lists.get(row.productId);
    if (list) list.push(row.offeredProductId);
    else lists.set(row.productId, [row.offeredProductId]);
  }
  return lists;
}

// ---- offers ----

export interface LoyaltyTier {
  id: string;
  name: string;
}

const tiersJson = z.object({ tiers: z.array(z.object({ id: z.string(), name: z.string() }).passthrough()) }).passthrough();

/** The loyalty program's tiers (id and name), or none when the shop has no program. */
export async function loyaltyTiers(db: Client, shop: string): Promise<LoyaltyTier[]> {
  const program = await db.loyaltyProgram.findUnique({ where: { shop }, select: { tiers: true } });
  if (!program) return [];
  try {
    const parsed = tiersJson.safeParse(JSON.parse(program.tiers));
    return parsed.success ? parsed.data.tiers.map((t) => ({ id: t.id, name: t.name })) : [];
  } catch {
    return [];
  }
}

export interface OfferRecord {
  id: string;
  title: string;
  triggerProductIds: string[];
  offeredProductIds: string[];
  discountPercent: number | null;
  tierId: string | null;
  startsAt: string | null;
  endsAt: string | null;
  priority: number;
  active: boolean;
  source: "manual" | "suggestion";
  discountId: string | null;
  createdAt: string;
  updatedAt: string;
}

type OfferRow = Awaited<ReturnType<Db["offer"]["findFirstOrThrow"]>>;

function idList(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

export function offerRecordOf(row: OfferRow): OfferRecord {
  return {
    id: row.id,
    title: row.name,
    triggerProductIds: idList(row.triggerProductIds),
    offeredProductIds: idList(row.offeredProductIds),
    discountPercent: row.percentOff,
    tierId: row.tierId,
    startsAt: row.startsAt?.toISOString() ?? null,
    endsAt: row.endsAt?.toISOString() ?? null,
    priority: row.priority,
    active: row.active,
    source: row.source === "suggestion" ? "suggestion" : "manual",
    discountId: row.discountId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Whether the offer is on the storefront at this instant: switched on and within its dates. */
export function isLive(offer: Pick<OfferRecord, "active" | "startsAt" | "endsAt">, atMs: number): boolean {
  if (!offer.active) return false;
  return isOfferActive({ startsAt: new Date(offer.startsAt ?? 0), endsAt: offer.endsAt === null ? null : new Date(offer.endsAt) }, atMs);
}

/** Offers by priority (highest first), then age: the order in which a trigger's offers are considered. */
export async function listOffers(db: Client, shop: string): Promise<OfferRecord[]> {
  const rows = await db.offer.findMany({ where: { shop }, orderBy: [{ priority: "desc" }, { createdAt: "asc" }, { id: "asc" }] });
  return rows.map(offerRecordOf);
}

export async function getOffer(db: Client, shop: string, id: string): Promise<OfferRecord | null> {
  const row = await db.offer.findUnique({ where: { shop_id: { shop, id } } });
  return row ? offerRecordOf(row) : null;
}

/** Offer ids go into the `_clv_offer` line-item property: [A-Za-z0-9_:-]{1,64}, never the reserved ones. */
export function newOfferId(): string {
  return `offer-${randomBytes(6).toString("hex")}`;
}

export type OfferSave = { ok: true; offer: OfferRecord } | { ok: false; errors: OfferErrors };

/** Validates with app/offers (tier names from the loyalty program) and maps the tier name to its id. */
async function validated(
  db: Client,
  shop: string,
  input: unknown,
): Promise<{ ok: true; offer: ManualOffer; tierId: string | null } | { ok: false; errors: OfferErrors }> {
  const tiers = await loyaltyTiers(db, shop);
  const result = validateManualOffer(input, { tierNames: tiers.map((t) => t.name) });
  if (!result.ok) return result;
  const tierId = result.offer.tierName === null ? null : (tiers.find((t) => t.name === result.offer.tierName)?.id ?? null);
  return { ok: true, offer: result.offer, tierId };
}

function rowData(offer: ManualOffer, tierId: string | null) {
  return {
    name: offer.title,
    triggerProductIds: JSON.stringify(offer.triggerProductIds),
    offeredProductIds: JSON.stringify(offer.offeredProductIds),
    percentOff: offer.discountPercent,
    tierId,
    startsAt: offer.startsAt,
    endsAt: offer.endsAt,
    priority: offer.priority,
  };
}

export async function createOffer(
  db: Client,
  shop: string,
  input: unknown,
  source: "manual" | "suggestion" = "manual",
): Promise<OfferSave> {
  const check = await validated(db, shop, input);
  if (!check.ok) return check;
  const row = await db.offer.create({ data: { shop, id: newOfferId(), source, active: true, ...rowData(check.offer, check.tierId) } });
  return { ok: true, offer: offerRecordOf(row) };
}

export async function updateOffer(db: Client, shop: string, id: string, input: unknown): Promise<OfferSave | null> {
  const existing = await db.offer.findUnique({ where: { shop_id: { shop, id } }, select: { id: true } });
  if (!existing) return null;
  const check = await validated(db, shop, input);
  if (!check.ok) return check;
  const row = await db.offer.update({ where: { shop_id: { shop, id } }, data: rowData(check.offer, check.tierId) });
  return { ok: true, offer: offerRecordOf(row) };
}

export async function setOfferActive(db: Client, shop: string, id: string, active: boolean): Promise<boolean> {
  const { count } = await db.offer.updateMany({ where: { shop, id }, data: { active } });
  return count > 0;
}

/**
 * Deletes an offer. Its Shopify discount (discountId) is removed by the next write-back, which finds the
 * discount's record without its offer (offer-discounts.server.ts).
 */
export async function deleteOffer(db: Client, shop: string, id: string): Promise<boolean> {
  const { count } = await db.offer.deleteMany({ where: { shop, id } });
  return count > 0;
}

export async function setOfferDiscountId(db: Client, shop: string, id: string, discountId: string | null): Promise<void> {
  await db.offer.updateMany({ where: { shop, id }, data: { discountId } });
}

function titleOf(product: ProductSummary | undefined, id: string): string {
  return product?.title?.trim() || `product ${id}`;
}

/**
 * Accepts a suggestion: its verdict becomes "accepted" and the offered product joins the trigger's
 * suggestion offer (one per trigger, made on the first acceptance), up to the metafield's 10 products.
 */
export async function acceptSuggestion(
  db: Db,
  shop: string,
  productId: string,
  offeredProductId: string,
  now = new Date(),
): Promise<OfferSave | null> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.offerSuggestion.updateMany({ where: { shop, productId, offeredProductId }, data: { verdict: "accepted" } });
    if (count === 0) return null;
    const candidates = await tx.offer.findMany({ where: { shop, source: "suggestion" }, orderBy: { createdAt: "asc" } });
    const own = candidates.map(offerRecordOf).find((o) => o.triggerProductIds.length === 1 && o.triggerProductIds[0] === productId);
    if (own) {
      if (own.offeredProductIds.includes(offeredProductId)) return { ok: true, offer: own };
      if (own.offeredProductIds.length >= DEFAULT_MAX_OFFERED_PRODUCTS) {
        return {
          ok: false,
          errors: { offeredProductIds: [keyedError("offers.editor.error.offerFull", { max: DEFAULT_MAX_OFFERED_PRODUCTS })] },
        };
      }
      const row = await tx.offer.update({
        where: { shop_id: { shop, id: own.id } },
        data: { offeredProductIds: JSON.stringify([...own.offeredProductIds, offeredProductId]) },
      });
      return { ok: true, offer: offerRecordOf(row) };
    }
    const names = await productSummaries(tx, shop, [productId]);
    const title = `Bought with ${titleOf(names.get(productId), productId)}`.slice(0, 80);
    return createOffer(
      tx,
      shop,
      { title, triggerProductIds: [productId], offeredProductIds: [offeredProductId], startsAt: now, priority: 0 },
      "suggestion",
    );
  });
}

/** Rejects a suggestion; an accepted one also leaves its suggestion offer (removed when it empties). */
export async function rejectSuggestion(db: Db, shop: string, productId: string, offeredProductId: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.offerSuggestion.updateMany({ where: { shop, productId, offeredProductId }, data: { verdict: "rejected" } });
    if (count === 0) return false;
    const offers = (await tx.offer.findMany({ where: { shop, source: "suggestion" } })).map(offerRecordOf);
    for (const offer of offers) {
      if (offer.triggerProductIds.length !== 1 || offer.triggerProductIds[0] !== productId) continue;
      if (!offer.offeredProductIds.includes(offeredProductId)) continue;
      const rest = offer.offeredProductIds.filter((id) => id !== offeredProductId);
      if (rest.length === 0) await tx.offer.delete({ where: { shop_id: { shop, id: offer.id } } });
      else await tx.offer.update({ where: { shop_id: { shop, id: offer.id } }, data: { offeredProductIds: JSON.stringify(rest) } });
    }
    return true;
  });
}

/** Puts a suggestion back to "new" (undo). */
export async function resetSuggestion(db: Client, shop: string, productId: string, offeredProductId: string): Promise<boolean> {
  const { count } = await db.offerSuggestion.updateMany({
    where: { shop, productId, offeredProductId, verdict: "rejected" },
    data: { verdict: "new" },
  });
  return count > 0;
}
