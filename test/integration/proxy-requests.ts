// App proxy requests signed as Shopify signs them, and a shop seeded for the proxy tests (directly with Prisma,
// the loyalty program in the JSON shapes app/loyalty validates). The signer here is written from Shopify's
// description, not taken from the app: a test of the app's verification must not share its code.
import { createHash, createHmac } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { TEST_API_SECRET } from "../support/environment";
import { installShop } from "../support/shops";

export const PATH_PREFIX = "/apps/clv";

export interface ProxyParams {
  shop: string;
  /** null: nobody is logged in (the parameter is still sent, empty). */
  customerId: string | null;
  /** Extra query parameters, signed with the rest (product_id, limit, a forged customer_id…). */
  extra?: [string, string][];
  /** Seconds since the epoch; default now. */
  timestampS?: number;
  secret?: string;
}

/** Shopify's signature: every parameter but `signature` as key=value (repeats joined by ","), sorted, concatenated. */
export function shopifySignature(pairs: [string, string][], secret = TEST_API_SECRET): string {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of pairs) grouped.set(key, [...(grouped.get(key) ?? []), value]);
  const message = [...grouped.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => `${key}=${grouped.get(key)!.join(",")}`)
    .join("");
  return createHmac("sha256", secret).update(message).digest("hex");
}

/** The query Shopify forwards for a storefront request, signed. */
export function proxyQuery(p: ProxyParams): URLSearchParams {
  const pairs: [string, string][] = [
    ["shop", p.shop],
    ["logged_in_customer_id", p.customerId ?? ""],
    ["path_prefix", PATH_PREFIX],
    ["timestamp", String(p.timestampS ?? Math.floor(Date.now() / 1000))],
    ...(p.extra ?? []),
  ];
  const query = new URLSearchParams(pairs);
  query.append("signature", shopifySignature(pairs, p.secret));
  return query;
}

export function proxyUrl(baseUrl: string, path: string, p: ProxyParams): string {
  return `${baseUrl}${path}?${proxyQuery(p)}`;
}

/** The same signed URL with one parameter changed after signing (a replay with another customer id, say). */
export function tampered(url: string, key: string, value: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set(key, value);
  return parsed.toString();
}

export const SALT = "proxy-test-salt-0001";
export const EXPERIMENT_KEY = "offers-1";
export const HOLDOUT_SHARE = 0.5;

/** The offers arm as docs/offers.md defines it, computed here independently of app/experiments. */
export function expectedArm(customerId: string): "treatment" | "holdout" {
  const bucket = createHash("sha256").update(`${SALT}:${customerId}:${EXPERIMENT_KEY}`).digest("hex").slice(0, 4);
  const threshold = Math.floor(HOLDOUT_SHARE * 65536)
    .toString(16)
    .padStart(4, "0");
  return bucket < threshold ? "holdout" : "treatment";
}

/** The first ids from `from` upwards in the given arm. */
export function customersInArm(arm: "treatment" | "holdout", count: number, from = 4001): string[] {
  const ids: string[] = [];
  for (let id = from; ids.length < count; id++) if (expectedArm(String(id)) === arm) ids.push(String(id));
  return ids;
}

// A reward whose name tries Liquid and HTML: the Rewards page must print it, not run it.
export const HOSTILE_NAME = "10% off {{ customer.email }} <b>now</b>";

const SETTINGS = {
  enabled: true,
  currencyCode: "USD",
  earning: { pointsPerCurrencyUnit: 1.5, rounding: "down", requirePaid: true, includeTestOrders: false, minimumOrderMinor: 2000 },
  bonuses: { accountCreationPoints: 100, birthdayPoints: null },
  expiry: null,
};
const TIERS = {
  basis: "net_spend",
  window: "rolling_12_months",
  tiers: [
    {
      id: "bronze",
      name: "Bronze",
      threshold: 0,
      retention: { kind: "immediate" },
      perks: { percentOff: 0, pointsMultiplier: 1, freeShipping: false, description: "" },
    },
    {
      id: "silver",
      name: "Silver",
      threshold: 50_000,
      retention: { kind: "immediate" },
      perks: { percentOff: 5, pointsMultiplier: 1.25, freeShipping: false, description: "" },
    },
    {
      id: "gold",
      name: "Gold",
      threshold: 100_000,
      retention: { kind: "grace_period", days: 30 },
      perks: { percentOff: 10, pointsMultiplier: 1.5, freeShipping: true, description: "Early access to sales" },
    },
  ],
};
const REWARDS = [
  {
    id: "five-off",
    name: "$5 off your next order",
    kind: "amount_off",
    amountMinor: 500,
    pointsCost: 500,
    active: true,
    minimumOrderMinor: null,
    minimumTierId: null,
  },
  {
    id: "gold-gift",
    name: "Gold gift",
    kind: "amount_off",
    amountMinor: 300,
    pointsCost: 300,
    active: true,
    minimumOrderMinor: null,
    minimumTierId: "gold",
  },
  {
    id: "ten-pct",
    name: HOSTILE_NAME,
    kind: "percentage_off",
    percent: 10,
    pointsCost: 1000,
    active: true,
    minimumOrderMinor: null,
    minimumTierId: null,
  },
  {
    id: "retired",
    name: "Old reward",
    kind: "amount_off",
    amountMinor: 100,
    pointsCost: 10,
    active: false,
    minimumOrderMinor: null,
    minimumTierId: null,
  },
];
const REFERRAL = {
  enabled: true,
  referrerRewardPoints: 500,
  refundWindowDays: 14,
  monthlyCapPerReferrer: null,
  friendDiscount: { kind: "percentage", percent: 10 },
  friendRewardText: "10% off their first order",
};

/** Members: A mid-way (Silver), B at the top (Gold), C a friend with nothing. */
export const MEMBER_A = "1001";
export const MEMBER_B = "2002";
export const FRIEND_C = "3003";

export interface ProxyShop {
  shop: string;
  treatment: string;
  treatmentWithoutList: string;
  holdout: string;
}

const day = 86_400_000;

export async function seedProxyShop(db: PrismaClient, shop: string, options: { withExperiment?: boolean } = {}): Promise<ProxyShop> {
  const now = Date.now();
  await installShop(db, shop, { currencyCode: "USD", ianaTimezone: "UTC" });
  await db.loyaltyProgram.create({
    data: {
      shop,
      enabled: true,
      settings: JSON.stringify({ ...SETTINGS, pitch: "Earn points on every order and unlock Silver and Gold perks." }),
      tiers: JSON.stringify(TIERS),
      tiersVersion: 1,
      rewards: JSON.stringify(REWARDS),
      referral: JSON.stringify(REFERRAL),
      salt: "0123456789abcdef0123456789abcdef",
    },
  });
  await db.loyaltyRuleVersion.create({
    data: { shop, id: "v1", effectiveFrom: new Date(Date.UTC(2024, 0, 1)), settings: JSON.stringify(SETTINGS) },
  });
  await db.loyaltyMember.createMany({
    data: [
      {
        shop,
        customerId: MEMBER_A,
        tierId: "silver",
        nextTierId: "gold",
        amountToNext: 23_456.4,
        referralCode: "REF-AAAA1111",
        tiersVersion: 1,
        evaluatedAt: new Date(now),
      },
      {
        shop,
        customerId: MEMBER_B,
        tierId: "gold",
        nextTierId: null,
        amountToNext: null,
        referralCode: "REF-BBBB2222",
        tiersVersion: 1,
        evaluatedAt: new Date(now),
      },
    ],
  });
  const order = (id: string, customerId: string, name: string, at: number) => ({
    shop,
    id,
    customerId,
    name,
    currencyCode: "USD",
    totalMinor: 50_000n,
    shopifyCreatedAt: new Date(at),
    processedAt: new Date(at),
    shopifyUpdatedAt: new Date(at),
  });
  await db.order.createMany({
    data: [
      order("5001", MEMBER_A, "#1001", now - 30 * day),
      order("5002", MEMBER_A, "#1002", now - 20 * day),
      order("7001", FRIEND_C, "#7001", now - 10 * day),
    ],
  });
  const entry = (
    key: string,
    customerId: string,
    kind: string,
    points: number,
    sourceType: string,
    orderId: string | null,
    at: number,
  ) => ({
    shop,
    key,
    customerId,
    kind,
    points,
    sourceType,
    sourceId: orderId ?? sourceType,
    orderId,
    effectiveAt: new Date(at),
  });
  await db.pointsEntry.createMany({
    data: [
      entry("order:5001:0", MEMBER_A, "earn", 1000, "order", "5001", now - 30 * day),
      entry(`bonus:account_creation:${MEMBER_A}`, MEMBER_A, "earn", 100, "bonus", null, now - 40 * day),
      entry("order:5002:0", MEMBER_A, "earn", 400, "order", "5002", now - 20 * day),
      // The friend's order: the member sees the referral, never the friend's order name.
      entry(`referral:${FRIEND_C}`, MEMBER_A, "referral", 500, "referral", "7001", now - 5 * day),
      entry("order:6001:0", MEMBER_B, "earn", 300, "order", "6001", now - 3 * day),
    ],
  });
  // A redemption still in flight: its points are reserved.
  await db.redemption.create({
    data: { shop, id: "stuck-1", customerId: MEMBER_A, rewardId: "five-off", pointsCost: 500, state: "requested" },
  });

  const product = (id: string, title: string, extra: { status?: string; publishedAt?: Date | null; deletedAt?: Date | null } = {}) => ({
    shop,
    id,
    title,
    handle: title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    status: extra.status ?? "ACTIVE",
    publishedAt: extra.publishedAt === undefined ? new Date(now - 100 * day) : extra.publishedAt,
    deletedAt: extra.deletedAt ?? null,
    imageUrl: `https://cdn.example.com/${id}.jpg`,
    priceMinor: BigInt(Number(id) - 8000) * 10n,
    updatedAt: new Date(now - day),
  });
  await db.product.createMany({
    data: [
      product("9001", "Teapot"),
      product("9002", "Mug"),
      product("9003", "Draft cup", { status: "DRAFT" }),
      product("9004", "Hidden saucer", { publishedAt: null }),
      product("9005", "Gone kettle", { deletedAt: new Date(now - day) }),
      product("9006", "Green tea"),
      product("9007", "Future tray", { publishedAt: new Date(now + day) }),
      product("9008", "Spoon"),
      product("9009", "Strainer"),
      product("9010", "Lonely lid"),
      product("90011", "Big teapot"),
    ],
  });
  const offer = (id: string, trigger: string[], offered: string[], priority: number, extra: { active?: boolean; endsAt?: Date } = {}) => ({
    shop,
    id,
    name: id,
    triggerProductIds: JSON.stringify(trigger),
    offeredProductIds: JSON.stringify(offered),
    priority,
    active: extra.active ?? true,
    startsAt: new Date(now - 10 * day),
    endsAt: extra.endsAt ?? null,
    createdAt: new Date(now - 10 * day),
  });
  await db.offer.createMany({
    data: [
      offer("tea-time", ["9001"], ["9003", "9006", "9002"], 10),
      offer("spoons", ["9001"], ["9008"], 5),
      offer("switched-off", ["9001"], ["9008"], 100, { active: false }),
      offer("ended", ["9001"], ["9008"], 50, { endsAt: new Date(now - day) }),
      // Names 90011, whose id contains "9001": must not be taken for 9001's offer.
      offer("big-pot", ["90011"], ["9008"], 1000),
    ],
  });
  const suggestion = (offered: string, valueScore: number, verdict = "new") => ({
    shop,
    productId: "9009",
    offeredProductId: offered,
    orders: 10,
    support: 0.01,
    confidence: 0.2,
    lift: 2,
    shrunkLift: 1.5,
    valueScore,
    verdict,
    minedAt: new Date(now - day),
  });
  await db.offerSuggestion.createMany({ data: [suggestion("9008", 2), suggestion("9003", 3), suggestion("9002", 5, "rejected")] });

  const [treatment, treatmentWithoutList] = customersInArm("treatment", 2);
  const [holdout] = customersInArm("holdout", 1);
  await db.customerRecommendation.createMany({
    data: [
      { shop, customerId: treatment!, productIds: JSON.stringify(["9003", "9001", "9002", "9004", "9006"]), computedAt: new Date(now) },
      { shop, customerId: holdout!, productIds: JSON.stringify(["9002"]), computedAt: new Date(now) },
    ],
  });
  if (options.withExperiment !== false) {
    await db.experiment.create({
      data: { shop, key: EXPERIMENT_KEY, kind: "offers", holdoutShare: HOLDOUT_SHARE, salt: SALT, startedAt: new Date(now - day) },
    });
  }
  return { shop, treatment: treatment!, treatmentWithoutList: treatmentWithoutList!, holdout: holdout! };
}
