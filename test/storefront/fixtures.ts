// A small shop as the storefront blocks see it: the program JSON and flags the app writes on its
// installation, customers at each stage of the program, and products with cross-sell metafields — all in
// the shapes of docs/storefront.md.
import { holdoutThreshold } from "../../app/experiments/index.ts";
import { metafield, MoneyValue, type Metafield, type StubCustomer, type StubProduct } from "./liquid-harness.ts";

export const SALT = "shop-salt-4f1c9a";
export const EXPERIMENT = "offers-2026-q4";

export interface ProgramJson {
  version: number;
  enabled: boolean;
  currency_code: string;
  minor_per_unit: number;
  pitch: string;
  earning: {
    points_per_unit: number;
    points_per_unit_hundredths: number;
    rounding: "down" | "nearest" | "up";
    minimum_order_minor: number | null;
  };
  basis: string;
  tiers: {
    id: string;
    name: string;
    threshold: number;
    points_multiplier: number;
    points_multiplier_hundredths: number;
    percent_off: number;
    free_shipping: boolean;
    description: string;
  }[];
  rewards: { id: string; name: string; kind: string; points_cost: number; minimum_tier_id: string | null }[];
  referral: { enabled: boolean; member_points: number; friend_reward: string };
}

export function program(overrides: Partial<ProgramJson> = {}): ProgramJson {
  return {
    version: 1,
    enabled: true,
    currency_code: "USD",
    minor_per_unit: 100,
    pitch: "Earn points on every order & unlock Silver and Gold perks.",
    earning: { points_per_unit: 1.5, points_per_unit_hundredths: 150, rounding: "down", minimum_order_minor: 2000 },
    basis: "net_spend",
    tiers: [
      {
        id: "silver",
        name: "Silver",
        threshold: 50_000,
        points_multiplier: 1.25,
        points_multiplier_hundredths: 125,
        percent_off: 5,
        free_shipping: false,
        description: "",
      },
      {
        id: "gold",
        name: "Gold",
        threshold: 150_000,
        points_multiplier: 1.5,
        points_multiplier_hundredths: 150,
        percent_off: 10,
        free_shipping: true,
        description: "Early access to sales",
      },
    ],
    rewards: [
      { id: "five-off", name: "$5 off your next order", kind: "amount_off", points_cost: 500, minimum_tier_id: null },
      { id: "free-ship", name: "Free shipping", kind: "free_shipping", points_cost: 800, minimum_tier_id: "silver" },
      { id: "twenty-off", name: "$20 off your next order", kind: "amount_off", points_cost: 2000, minimum_tier_id: "gold" },
    ],
    referral: { enabled: true, member_points: 500, friend_reward: "15% off your first order" },
    ...overrides,
  };
}

export interface AppDataOptions {
  program?: ProgramJson;
  programEnabled?: boolean;
  offersEnabled?: boolean;
  holdoutShare?: number | null;
}

export function appData(options: AppDataOptions = {}): Record<string, Metafield> {
  const data: Record<string, Metafield> = {
    program: metafield("json", options.program ?? program()),
    program_enabled: metafield("boolean", options.programEnabled ?? true),
    offers_enabled: metafield("boolean", options.offersEnabled ?? true),
    holdout_salt: metafield("single_line_text_field", SALT),
    offers_experiment: metafield("single_line_text_field", EXPERIMENT),
  };
  const share = options.holdoutShare === undefined ? 0.1 : options.holdoutShare;
  if (share !== null) data.offers_holdout_threshold = metafield("single_line_text_field", holdoutThreshold(share));
  return data;
}

function customer(id: number | string, values: Record<string, Metafield>): StubCustomer {
  return { id, first_name: "Alex", metafields: { $app: values } };
}

/** Just signed up: no metafield written yet. */
export function newMember(id: number | string = 7_300_000_000_004): StubCustomer {
  return customer(id, {});
}

/** Below the first tier's threshold: points, no tier, on the way to Silver. */
export function memberWithoutTier(id: number | string = 7_300_000_000_001): StubCustomer {
  return customer(id, {
    points_balance: metafield("number_integer", 120),
    next_tier: metafield("single_line_text_field", "Silver"),
    amount_to_next_tier: metafield("money", new MoneyValue(38_000, "USD")),
    tier_progress_percent: metafield("number_integer", 24),
    referral_code: metafield("single_line_text_field", "REF-AB2CD3EF"),
  });
}

/** Silver, 40 % of the way to Gold. */
export function memberMidway(id: number | string = 7_300_000_000_002, extra: Record<string, Metafield> = {}): StubCustomer {
  return customer(id, {
    tier: metafield("single_line_text_field", "Silver"),
    points_balance: metafield("number_integer", 900),
    next_tier: metafield("single_line_text_field", "Gold"),
    amount_to_next_tier: metafield("money", new MoneyValue(60_000, "USD")),
    tier_progress_percent: metafield("number_integer", 40),
    referral_code: metafield("single_line_text_field", "REF-KM7PQ2RS"),
    ...extra,
  });
}

/** Gold, the top tier: no next tier, every reward affordable. */
export function topTierMember(id: number | string = 7_300_000_000_003): StubCustomer {
  return customer(id, {
    tier: metafield("single_line_text_field", "Gold"),
    points_balance: metafield("number_integer", 2500),
    referral_code: metafield("single_line_text_field", "REF-ZX9WV8TU"),
  });
}

let nextProductId = 8_100_000_000_000;

export function stubProduct(
  title: string,
  options: { price?: number; available?: boolean; image?: boolean; metafields?: Record<string, Metafield> } = {},
): StubProduct {
  const id = nextProductId++;
  const handle = title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  const price = options.price ?? 2500;
  const available = options.available ?? true;
  return {
    id,
    title,
    url: `/products/${handle}`,
    available,
    price,
    featured_image: options.image === false ? null : { src: `/images/${handle}.svg`, alt: title, width: 800, height: 600 },
    selected_or_first_available_variant: available ? { id: id + 500_000, price, available } : null,
    metafields: { $app: options.metafields ?? {} },
  };
}

export const OFFER_ID = "auto:8100000000000";

/** A viewed product with four available cross-sells and one sold out, and products to recommend. */
export function catalog() {
  const beans = stubProduct("Espresso beans 1 kg", { price: 2400 });
  const grinder = stubProduct("Burr grinder", { price: 8900 });
  const soldOut = stubProduct("Milk jug", { price: 1900, available: false });
  const cups = stubProduct("Espresso cups, set of 4", { price: 3200, image: false });
  const cleaner = stubProduct("Descaler", { price: 1250 });
  const tamper = stubProduct("Tamper", { price: 2900 });
  const scale = stubProduct("Coffee scale", { price: 3900 });
  const machine = stubProduct("Espresso machine", {
    price: 12_345,
    metafields: {
      cross_sell: metafield("list.product_reference", [beans, soldOut, grinder, cups, cleaner, tamper]),
      cross_sell_offer: metafield("single_line_text_field", OFFER_ID),
    },
  });
  const lonely = stubProduct("Gift card holder", { price: 500 });
  return { machine, beans, grinder, soldOut, cups, cleaner, tamper, scale, lonely };
}
