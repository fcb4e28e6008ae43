// Size budgets (issue 16): each rendered block ≤ 5 KB of HTML, every JS file ≤ 10 KB and only deferred,
// CSS ≤ 10 KB, all Liquid together well under Shopify's 100 KB. Rendered for every shopper state, and for a
// program and catalogue at the longest texts the app accepts, where the HTML is largest.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  appData,
  catalog,
  memberMidway,
  memberWithoutTier,
  newMember,
  program,
  stubProduct,
  topTierMember,
  type ProgramJson,
} from "./fixtures.ts";
import {
  ASSETS_DIR,
  BLOCK_NAMES,
  blockSchema,
  blockSource,
  byteLength,
  createEngine,
  EXTENSION_DIR,
  metafield,
  MoneyValue,
  renderBlock,
  SNIPPETS_DIR,
  type StorefrontContext,
  type StubCustomer,
} from "./liquid-harness.ts";

const RENDERED_BLOCK_BUDGET = 5 * 1024;
const JS_BUDGET = 10 * 1024;
const CSS_BUDGET = 10 * 1024;
const SHOPIFY_LIQUID_LIMIT = 100 * 1024;
/** "Well under" the limit: room for the proxy's Rewards page and later blocks. */
const OUR_LIQUID_BUDGET = 40 * 1024;

const letters = (n: number, seed: string) => (seed.repeat(Math.ceil(n / seed.length)) + "").slice(0, n);

/** Ten tiers and five rewards at the longest names and descriptions the loyalty validation accepts. */
function longestProgram(): ProgramJson {
  const base = program();
  return program({
    pitch: letters(200, "Earn points on every order, unlock perks & more. "),
    tiers: Array.from({ length: 10 }, (_, i) => ({
      id: `tier-${i}`,
      name: `${letters(36, "Platinum Reserve Circle ")}${String(i).padStart(4, "0")}`,
      threshold: 10_000 * (i + 1),
      points_multiplier: 1 + i / 4,
      points_multiplier_hundredths: 100 + 25 * i,
      percent_off: 12.5,
      free_shipping: true,
      description: letters(200, "Early access to sales, private events and gifts. "),
    })),
    rewards: Array.from({ length: 5 }, (_, i) => ({
      id: `reward-${i}`,
      name: letters(60, `Reward ${i}: a generous amount off your next order `),
      kind: "amount_off",
      points_cost: 100 * (i + 1),
      minimum_tier_id: null,
    })),
    referral: { ...base.referral, friend_reward: letters(120, "15% off the first order, free shipping included. ") },
  });
}

function longestMember(): StubCustomer {
  const shop = longestProgram();
  return memberMidway(7_300_000_000_009, {
    tier: metafield("single_line_text_field", shop.tiers[8].name),
    next_tier: metafield("single_line_text_field", shop.tiers[9].name),
    points_balance: metafield("number_integer", 1_000_000),
    amount_to_next_tier: metafield("money", new MoneyValue(123_456_789, "USD")),
  });
}

/** Four offered products with long titles (Shopify allows 255 characters; storefronts rarely pass 100). */
function longestOffers() {
  const offered = Array.from({ length: 4 }, (_, i) =>
    stubProduct(letters(100, `Organic single-origin espresso beans ${i}, 1 kg bag `), { price: 123_456 }),
  );
  const trigger = stubProduct("Espresso machine", {
    metafields: {
      cross_sell: metafield("list.product_reference", offered),
      cross_sell_offer: metafield("single_line_text_field", "a".repeat(64)),
    },
  });
  return { trigger, offered };
}

const engine = createEngine();

async function renderedSizes(): Promise<{ label: string; bytes: number }[]> {
  const { machine } = catalog();
  const shoppers: [string, StubCustomer | null][] = [
    ["guest", null],
    ["new member", newMember()],
    ["member without tier", memberWithoutTier()],
    ["member mid-way", memberMidway()],
    ["top tier", topTierMember()],
  ];
  const contexts: [string, StorefrontContext][] = shoppers.map(([label, customer]) => [
    label,
    { appData: appData({ holdoutShare: null }), customer, product: machine },
  ]);
  const long = longestOffers();
  const longData = appData({ program: longestProgram(), holdoutShare: null });
  const most = { max_rewards: 5, heading: letters(80, "Our rewards club "), intro: letters(300, "Share your link. ") };
  contexts.push(["longest texts, member", { appData: longData, customer: longestMember(), product: long.trigger, settings: most }]);
  contexts.push([
    "longest texts, guest",
    { appData: longData, customer: null, product: long.trigger, settings: { ...most, guest_pitch: letters(500, "Join us. ") } },
  ]);
  const sizes: { label: string; bytes: number }[] = [];
  for (const [label, context] of contexts) {
    for (const name of BLOCK_NAMES) sizes.push({ label: `${name}, ${label}`, bytes: byteLength(await renderBlock(engine, name, context)) });
  }
  return sizes;
}

describe("budgets", () => {
  it("keeps every rendered block within 5 KB of HTML, even at the longest texts", async () => {
    const sizes = await renderedSizes();
    expect(sizes.length).toBe(BLOCK_NAMES.length * 7);
    const over = sizes.filter((size) => size.bytes > RENDERED_BLOCK_BUDGET);
    expect(over).toEqual([]);
    // The longest-text renders did render something substantial (the budget is not met by rendering nothing).
    const substantial = { "loyalty-status": 1800, "points-preview": 150, referral: 600, offers: 2000 };
    for (const name of BLOCK_NAMES) {
      const longest = sizes.find((size) => size.label === `${name}, longest texts, member`)!;
      expect(longest.bytes, name).toBeGreaterThan(substantial[name]);
    }
  });

  it("ships JavaScript only as deferred assets of at most 10 KB, and CSS of at most 10 KB", () => {
    const assets = readdirSync(ASSETS_DIR);
    for (const file of assets) {
      const bytes = statSync(path.join(ASSETS_DIR, file)).size;
      if (file.endsWith(".js")) expect(bytes, file).toBeLessThanOrEqual(JS_BUDGET);
      if (file.endsWith(".css")) expect(bytes, file).toBeLessThanOrEqual(CSS_BUDGET);
    }
    // Shopify loads a block schema's "javascript" with defer; no block writes a <script> of its own, and
    // every asset is one a block schema names (nothing is loaded some other way).
    const referenced = new Set<string>();
    for (const name of BLOCK_NAMES) {
      expect(blockSource(name)).not.toMatch(/<script|{%-?\s*javascript/);
      const schema = blockSchema(name);
      for (const asset of [schema.stylesheet, schema.javascript]) if (asset) referenced.add(asset);
    }
    for (const file of readdirSync(SNIPPETS_DIR)) expect(readFileSync(path.join(SNIPPETS_DIR, file), "utf8")).not.toMatch(/<script/);
    expect([...referenced].sort()).toEqual([...assets].sort());
  });

  it("keeps all Liquid together well under Shopify's 100 KB", () => {
    let total = 0;
    for (const dir of ["blocks", "snippets"]) {
      for (const file of readdirSync(path.join(EXTENSION_DIR, dir))) total += statSync(path.join(EXTENSION_DIR, dir, file)).size;
    }
    expect(total).toBeGreaterThan(5 * 1024); // all four blocks were counted
    expect(total).toBeLessThanOrEqual(OUR_LIQUID_BUDGET);
    expect(total).toBeLessThan(SHOPIFY_LIQUID_LIMIT);
  });
});
