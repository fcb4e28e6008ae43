// The app proxy's answers, once the gate (proxy-gate.server.ts) has verified the request and counted it:
// each takes the verified shopper and nothing else that could name a customer.
import { z } from "zod";
import { db } from "~/db.server";
import { loadProgram } from "~/data/loyalty-program.server";
import { redeem, type RedeemResult } from "~/data/loyalty-redemptions.server";
import {
  armOf,
  memberSnapshot,
  MINED_LIST_OFFER_ID,
  offersSetup,
  personalList,
  pointsHistory,
  productOfferLists,
  recordExposure,
  redeemedCodes,
  showableProducts,
  type HistoryLine,
  type RedeemedCode,
} from "~/data/storefront.server";
import type { Shopper } from "./proxy-gate.server";
import { memberView, programView, type MemberView, type ProgramView, type StatusAnswer } from "./proxy-status";
import { shortCache } from "./short-cache";
import { moneyText } from "./storefront-format";

/**
 * How long a web process keeps a shop's program and offers setup: a merchant's change reaches the storefront's
 * answers within this (redemption always reads the program afresh).
 */
export const STOREFRONT_CACHE_MS = 5_000;

const programs = shortCache(STOREFRONT_CACHE_MS, async (shop) => {
  const program = await loadProgram(await db(), shop);
  return { program, view: programView(program, Date.now()) };
});
const offersSetups = shortCache(STOREFRONT_CACHE_MS, async (shop) => offersSetup(await db(), shop));

// ---- status ----

export async function statusAnswer(shopper: Shopper): Promise<StatusAnswer> {
  const client = await db();
  const [{ program, view }, snapshot] = await Promise.all([
    programs.get(shopper.shop),
    shopper.customerId === null ? null : memberSnapshot(client, shopper.shop, shopper.customerId),
  ]);
  if (!view || !program) return { logged_in: shopper.customerId !== null, program: { enabled: false } };
  if (shopper.customerId === null || snapshot === null) return { logged_in: false, program: view };
  return { logged_in: true, program: view, member: memberView(program, view, snapshot) };
}

// ---- the Rewards page ----

export interface RewardsPageData {
  program: ProgramView | null;
  member: MemberView | null;
  history: HistoryLine[];
  codes: (RedeemedCode & { rewardName: string })[];
  loggedIn: boolean;
  timeZone: string;
}

export async function rewardsPageData(shopper: Shopper): Promise<RewardsPageData> {
  const client = await db();
  const customerId = shopper.customerId;
  const [{ program, view }, snapshot, history, codes] = await Promise.all([
    programs.get(shopper.shop),
    customerId === null ? null : memberSnapshot(client, shopper.shop, customerId),
    customerId === null ? [] : pointsHistory(client, shopper.shop, customerId, 10),
    customerId === null ? [] : redeemedCodes(client, shopper.shop, customerId, 5),
  ]);
  const member = view && program && snapshot ? memberView(program, view, snapshot) : null;
  const rewardNames = new Map((program?.rewards ?? []).map((r) => [r.id, r.name]));
  return {
    program: view,
    member,
    history: view ? history : [],
    codes: view ? codes.map((c) => ({ ...c, rewardName: rewardNames.get(c.rewardId) ?? "Reward" })) : [],
    loggedIn: customerId !== null,
    timeZone: program?.timeZone ?? "UTC",
  };
}

// ---- recommendations ----

const PRODUCT_ID = /^(?:gid:\/\/shopify\/Product\/)?(\d{1,20})$/;

export const recommendationsQuerySchema = z.object({
  product_id: z
    .string()
    .regex(PRODUCT_ID, "product_id must be a Shopify product id")
    .transform((value) => (PRODUCT_ID.exec(value) as RegExpExecArray)[1])
    .nullable(),
  limit: z.coerce.number().int().min(1).max(8).nullable(),
});

export interface RecommendedProduct {
  id: string;
  title: string;
  handle: string;
  url: string;
  image_url: string | null;
  price_minor: string | null;
  price: string | null;
}

export interface RecommendationsAnswer {
  /** Offers are on for the shop (an offers experiment runs). */
  enabled: boolean;
  /** Where the list comes from; null when there is none to show. */
  source: "personal" | "offer" | "cross_sell" | null;
  /** The `_clv_offer` line-item property of items added from this list. */
  offer_id: string | null;
  currency_code: string;
  products: RecommendedProduct[];
}

const PERSONAL_OFFER_ID = "personal";
const DEFAULT_LIMIT = 4;

export async function recommendationsAnswer(
  shopper: Shopper,
  query: { productId: string | null; limit: number | null },
  nowMs = Date.now(),
): Promise<RecommendationsAnswer> {
  const client = await db();
  const { shop, customerId } = shopper;
  const limit = query.limit ?? DEFAULT_LIMIT;
  const { experiment, currencyCode: currency, maxOffered } = await offersSetups.get(shop);
  const nothing = (enabled: boolean): RecommendationsAnswer => ({
    enabled,
    source: null,
    offer_id: null,
    currency_code: currency,
    products: [],
  });
  if (!experiment) return nothing(false);

  if (customerId !== null) {
    // Guests are in no experiment (the storefront has nothing stable to hash); a logged-in shopper is, and the
    // exposure is recorded in both arms alike, whatever either is shown.
    const arm = armOf(experiment, customerId);
    // Written in the background, batched: the shopper's answer never waits for a write (SQLite may be busy
    // with an ingest batch).
    recordExposure(client, shop, experiment, customerId, arm, new Date(nowMs));
    if (arm === "holdout") return nothing(true);
    const personal = (await personalList(client, shop, customerId)).filter((id) => id !== query.productId);
    const shown = await showableProducts(client, shop, personal, nowMs);
    if (shown.length > 0) return answerOf("personal", PERSONAL_OFFER_ID, shown.slice(0, limit), currency);
  }
  if (query.productId === null) return nothing(true);
  for (const list of await productOfferLists(client, shop, query.productId, maxOffered, nowMs)) {
    const shown = await showableProducts(client, shop, list.productIds, nowMs);
    if (shown.length > 0)
      return answerOf(list.offerId === MINED_LIST_OFFER_ID ? "cross_sell" : "offer", list.offerId, shown.slice(0, limit), currency);
  }
  return nothing(true);
}

function answerOf(
  source: RecommendationsAnswer["source"],
  offerId: string,
  products: Awaited<ReturnType<typeof showableProducts>>,
  currency: string,
): RecommendationsAnswer {
  return {
    enabled: true,
    source,
    offer_id: offerId,
    currency_code: currency,
    products: products.map((p) => ({
      id: p.id,
      title: p.title,
      handle: p.handle,
      url: `/products/${encodeURIComponent(p.handle)}`,
      image_url: p.imageUrl,
      price_minor: p.priceMinor,
      price: p.priceMinor === null ? null : moneyText(p.priceMinor, currency),
    })),
  };
}

// ---- redemption ----

/** The client's id for one redemption attempt: the same key on a retry (double click, lost answer). */
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,64}$/;

export const redeemBodySchema = z.object({
  reward_id: z.string({ required_error: "reward_id is required" }).trim().min(1, "reward_id is required").max(64, "reward_id is too long"),
  idempotency_key: z
    .string({ required_error: "idempotency_key is required" })
    .regex(IDEMPOTENCY_KEY, "idempotency_key must be 8–64 characters of A–Z, a–z, 0–9, _ or -"),
});
export type RedeemBody = z.infer<typeof redeemBodySchema>;

export type RedeemAnswer =
  | { status: 200; body: { status: "redeemed"; code: string; reward_id: string; points_spent: number; balance: number } }
  | { status: 202; body: { status: "pending"; message: string } }
  | { status: 422; body: { status: "refused"; reason: string; message: string } }
  | { status: 502; body: { status: "failed"; message: string } };

/** Shopify's own words on a failure are for the merchant; the shopper gets a sentence and a retry. */
export function redeemAnswerOf(result: RedeemResult): RedeemAnswer {
  switch (result.status) {
    case "deducted":
      return {
        status: 200,
        body: {
          status: "redeemed",
          code: result.redemption.code ?? "",
          reward_id: result.redemption.rewardId,
          points_spent: result.redemption.pointsCost,
          balance: result.balance,
        },
      };
    case "refused":
      return { status: 422, body: { status: "refused", reason: result.reason, message: result.message } };
    case "pending":
      return { status: 202, body: { status: "pending", message: "Your code is being created. Try again in a moment." } };
    case "failed":
      return { status: 502, body: { status: "failed", message: "We could not create your code. Please try again." } };
  }
}

/** Redeems for the verified customer only: the body names the reward and the attempt, never the customer. */
export async function redeemFor(shopper: Shopper & { customerId: string }, body: RedeemBody): Promise<RedeemAnswer> {
  const result = await redeem(await db(), shopper.shop, {
    customerId: shopper.customerId,
    rewardId: body.reward_id,
    requestId: body.idempotency_key,
  });
  return redeemAnswerOf(result);
}
