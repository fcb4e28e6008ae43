// The loyalty status, points preview and referral blocks rendered with liquidjs for a guest, a member with
// nothing written yet, a member without a tier, a member mid-way and a top-tier member. Expected figures are
// worked out by hand from the fixtures (test/storefront/fixtures.ts).
import { describe, expect, it } from "vitest";
import { earningRuleSchema, pointsForAmount } from "../../app/loyalty/index.ts";
import { Random } from "../experiments/random.ts";
import { appData, catalog, memberMidway, memberWithoutTier, newMember, program, stubProduct, topTierMember } from "./fixtures.ts";
import { createEngine, metafield, renderBlock, textOf, type BlockName, type Locale, type StorefrontContext } from "./liquid-harness.ts";

const engines = new Map<Locale, ReturnType<typeof createEngine>>();
function render(name: BlockName, context: Partial<StorefrontContext>, locale: Locale = "en"): Promise<string> {
  let engine = engines.get(locale);
  if (!engine) {
    engine = createEngine({ locale });
    engines.set(locale, engine);
  }
  return renderBlock(engine, name, { appData: appData(), customer: null, ...context });
}

describe("loyalty status", () => {
  it("invites a guest with the program's pitch (escaped), the earning rate and links to join and sign in", async () => {
    const html = await render("loyalty-status", {});
    const text = textOf(html);
    expect(html).toContain("Earn points on every order &amp; unlock Silver and Gold perks.");
    expect(text).toContain("Earn 1.5 points per USD spent.");
    expect(html).toMatch(/<a class="clv-btn" href="\/account\/register">Join now<\/a>/);
    expect(html).toMatch(/href="\/account\/login">Sign in<\/a>/);
    expect(text).not.toMatch(/\d+ points\b(?! per)/);
    expect(html).not.toContain("clv-bar");
  });

  it("uses the block's own text for guests, or a translated pitch when the program has none", async () => {
    const own = await render("loyalty-status", { settings: { guest_pitch: "Members save more." } });
    expect(textOf(own)).toContain("Members save more.");
    expect(own).not.toContain("Silver and Gold perks");
    const noPitch = await render("loyalty-status", { appData: appData({ program: program({ pitch: "" }) }) });
    expect(textOf(noPitch)).toContain("Join our rewards program: earn points on every order and unlock perks.");
  });

  it("tells a member with nothing written yet what to expect", async () => {
    const text = textOf(await render("loyalty-status", { customer: newMember() }));
    expect(text).toContain("Tier No tier yet");
    expect(text).toContain("0 points");
    expect(text).toContain("Your points and tier appear here after your first order.");
    expect(text).toContain("500 more points to your first reward");
    expect(text).not.toContain("Rewards you can redeem now");
  });

  it("shows a member without a tier their points, the next tier, the amount to spend and the progress bar", async () => {
    const html = await render("loyalty-status", { customer: memberWithoutTier() });
    const text = textOf(html);
    expect(text).toContain("Tier No tier yet");
    expect(text).toContain("120 points");
    expect(text).toContain("Next tier: Silver · spend $380.00 more to get there");
    expect(html).toMatch(/role="progressbar"[^>]*aria-valuenow="24"/);
    expect(html).toContain('<span style="width:24%"></span>');
    expect(text).not.toContain("Your perks");
    expect(text).toContain("380 more points to your first reward"); // 500 − 120
    expect(html).toMatch(/<a class="clv-btn" href="\/apps\/clv">See all rewards<\/a>/);
  });

  it("shows a member mid-way their tier, perks and the rewards their points and tier allow", async () => {
    const html = await render("loyalty-status", { customer: memberMidway() });
    const text = textOf(html);
    expect(text).toContain("Tier Silver");
    expect(text).toContain("900 points");
    expect(text).toContain("Next tier: Gold · spend $600.00 more to get there");
    expect(html).toContain('<span style="width:40%"></span>');
    // Silver's perks, in this order and nothing else (no free shipping, no description).
    expect(text).toContain("Your perks 5% off every order 1.25× points on every order Rewards");
    // 900 points: $5 off (500) and free shipping (800, Silver and up); not $20 off (2000, Gold).
    expect(text).toContain("Rewards you can redeem now $5 off your next order (500 points) Free shipping (800 points)");
    expect(text).not.toContain("$20 off");
  });

  it("shows a top-tier member that they are at the top, every perk and every reward", async () => {
    const html = await render("loyalty-status", { customer: topTierMember() });
    const text = textOf(html);
    expect(text).toContain("Tier Gold");
    expect(text).toContain("2500 points");
    expect(text).toContain("You have reached our top tier. Thank you!");
    expect(html).not.toContain("clv-bar");
    expect(text).toContain("Your perks 10% off every order 1.5× points on every order Free shipping Early access to sales");
    expect(text).toContain("$5 off your next order (500 points) Free shipping (800 points) $20 off your next order (2000 points)");
    const two = textOf(await render("loyalty-status", { customer: topTierMember(), settings: { max_rewards: 2 } }));
    expect(two).toContain("Free shipping (800 points)");
    expect(two).not.toContain("$20 off");
  });

  it("hides the perks when the merchant switches them off", async () => {
    const text = textOf(await render("loyalty-status", { customer: topTierMember(), settings: { show_perks: false } }));
    expect(text).not.toContain("Your perks");
    expect(text).toContain("Rewards you can redeem now");
  });

  it("states orders or points to go for ladders on those bases, in the right plural", async () => {
    const orders = (n: number) =>
      memberMidway(undefined, {
        amount_to_next_tier: metafield("money", null),
        orders_to_next_tier: metafield("number_integer", n),
      });
    expect(textOf(await render("loyalty-status", { customer: orders(1) }))).toContain("Gold · 1 more order to get there");
    expect(textOf(await render("loyalty-status", { customer: orders(3) }))).toContain("Gold · 3 more orders to get there");
    const points = memberMidway(undefined, {
      amount_to_next_tier: metafield("money", null),
      points_to_next_tier: metafield("number_integer", 250),
    });
    expect(textOf(await render("loyalty-status", { customer: points }))).toContain("Gold · 250 more points to get there");
  });

  it("clamps the bar to 0–100 % and draws none without a progress value", async () => {
    const over = memberMidway(undefined, { tier_progress_percent: metafield("number_integer", 130) });
    expect(await render("loyalty-status", { customer: over })).toContain('style="width:100%"');
    const none = memberMidway(undefined, { tier_progress_percent: metafield("number_integer", null) });
    const html = await render("loyalty-status", { customer: none });
    expect(html).not.toContain("clv-bar");
    expect(textOf(html)).toContain("Next tier: Gold");
  });

  it("shows a tier the program no longer knows by name, without perks or tier-restricted rewards, and escapes it", async () => {
    const renamed = memberMidway(undefined, { tier: metafield("single_line_text_field", "<b>Silver & Co</b>") });
    const html = await render("loyalty-status", { customer: renamed });
    expect(html).toContain("&lt;b&gt;Silver &amp; Co&lt;/b&gt;");
    expect(html).not.toContain("<b>");
    expect(textOf(html)).not.toContain("Your perks");
    expect(textOf(html)).toContain("$5 off your next order (500 points)");
    expect(textOf(html)).not.toContain("Free shipping (800 points)");
  });

  it("renders nothing with the program off or not written", async () => {
    expect((await render("loyalty-status", { appData: appData({ programEnabled: false }), customer: memberMidway() })).trim()).toBe("");
    const withoutProgram = appData();
    delete withoutProgram.program;
    expect((await render("loyalty-status", { appData: withoutProgram })).trim()).toBe("");
  });

  it("applies the merchant's heading and colors, leaving unset colors to the theme", async () => {
    const html = await render("loyalty-status", {
      settings: { heading: "Club <CLV>", accent_color: "#aa0000", background_color: "#fafafa" },
    });
    expect(html).toMatch(/<h2 class="clv-h" id="clv-h-[^"]+">Club &lt;CLV&gt;<\/h2>/);
    expect(html).toContain('style="--clv-accent:#aa0000;--clv-on-accent:#ffffff;--clv-bg:#fafafa;"');
    expect(html).not.toContain("--clv-text");
  });

  it("speaks French and German", async () => {
    const fr = textOf(await render("loyalty-status", { customer: memberMidway() }, "fr"));
    expect(fr).toContain("Vos récompenses");
    expect(fr).toContain("Niveau Silver");
    expect(fr).toContain("900 points");
    expect(fr).toContain("Niveau suivant : Gold · encore $600.00 d’achats pour l’atteindre");
    expect(fr).toContain("5 % de réduction sur chaque commande");
    const de = textOf(await render("loyalty-status", { customer: memberWithoutTier() }, "de"));
    expect(de).toContain("Ihre Prämien");
    expect(de).toContain("Stufe Noch keine Stufe");
    expect(de).toContain("120 Punkte");
    expect(de).toContain("Noch 380 Punkte bis zu Ihrer ersten Prämie");
    const deOne = textOf(
      await render("loyalty-status", { customer: memberMidway(undefined, { points_balance: metafield("number_integer", 1) }) }, "de"),
    );
    expect(deOne).toContain("1 Punkt ");
    for (const text of [fr, de, deOne]) expect(text).not.toMatch(/translation missing/i);
  });
});

describe("points preview", () => {
  const { machine } = catalog(); // 123.45 USD

  function earned(html: string): number | null {
    const match = /Earn (\d+) points? with this purchase/.exec(textOf(html));
    return match ? Number(match[1]) : null;
  }

  it("computes the points of the product's price by the earning rule, with the member's tier multiplier", async () => {
    // 12,345 cents × 1.5 points per dollar = 185.175 → 185 (down).
    const guest = await render("points-preview", { product: machine });
    expect(earned(guest)).toBe(185);
    expect(guest).toContain('href="/account/login">Sign in to collect your points</a>');
    expect(earned(await render("points-preview", { product: machine, customer: memberWithoutTier() }))).toBe(185);
    // Silver 1.25×: 231.46875 → 231; Gold 1.5×: 277.7625 → 277.
    const silver = await render("points-preview", { product: machine, customer: memberMidway() });
    expect(earned(silver)).toBe(231);
    expect(textOf(silver)).toContain("Includes your 1.25× tier bonus");
    expect(silver).not.toContain("Sign in");
    expect(earned(await render("points-preview", { product: machine, customer: topTierMember() }))).toBe(277);
  });

  it("rounds once, by the program's rounding", async () => {
    // 33.00 × 1.5 = 49.5 exactly: down 49, nearest (halves up) 50, up 50; 123.45 × 1.5 = 185.175: up 186.
    const half = stubProduct("Half", { price: 3300 });
    const withRounding = (rounding: "down" | "nearest" | "up") =>
      appData({
        program: program({ earning: { points_per_unit: 1.5, points_per_unit_hundredths: 150, rounding, minimum_order_minor: null } }),
      });
    expect(earned(await render("points-preview", { product: half, appData: withRounding("down") }))).toBe(49);
    expect(earned(await render("points-preview", { product: half, appData: withRounding("nearest") }))).toBe(50);
    expect(earned(await render("points-preview", { product: half, appData: withRounding("up") }))).toBe(50);
    expect(earned(await render("points-preview", { product: machine, appData: withRounding("up") }))).toBe(186);
    expect(earned(await render("points-preview", { product: machine, appData: withRounding("nearest") }))).toBe(185);
  });

  it("agrees with the loyalty engine's pointsForAmount for random prices, rates, multipliers, roundings and currencies", async () => {
    const random = new Random(16);
    const currencies = [
      { code: "USD", minorPerUnit: 100 },
      { code: "JPY", minorPerUnit: 1 },
      { code: "KWD", minorPerUnit: 1000 },
    ];
    const roundings = ["down", "nearest", "up"] as const;
    for (let i = 0; i < 150; i++) {
      const currency = currencies[random.int(currencies.length)];
      const rateHundredths = 1 + random.int(1000); // 0.01 … 10.00 points per unit
      const multiplierHundredths = 100 + random.int(401); // 1× … 5×
      const rounding = roundings[random.int(3)];
      const price = 1 + random.int(2_000_000);
      const rate = rateHundredths / 100;
      const shop = program({
        currency_code: currency.code,
        minor_per_unit: currency.minorPerUnit,
        earning: { points_per_unit: rate, points_per_unit_hundredths: rateHundredths, rounding, minimum_order_minor: null },
        tiers: [
          { ...program().tiers[0], points_multiplier: multiplierHundredths / 100, points_multiplier_hundredths: multiplierHundredths },
        ],
      });
      const html = await render("points-preview", {
        product: stubProduct("Random", { price }),
        appData: appData({ program: shop }),
        customer: memberMidway(), // Silver, which this program's single tier is
        currency: currency.code,
      });
      const rule = earningRuleSchema.parse({ pointsPerCurrencyUnit: rate, rounding });
      const expected = pointsForAmount(price, rule, currency.code, multiplierHundredths);
      expect(earned(html) ?? 0, `${price} ${currency.code} × ${rate} × ${multiplierHundredths}% ${rounding}`).toBe(expected);
    }
  });

  it("names the minimum order when the price is below it", async () => {
    const cheap = stubProduct("Cheap", { price: 1500 });
    const text = textOf(await render("points-preview", { product: cheap }));
    expect(text).toContain("Orders from $20.00 earn reward points");
    expect(text).not.toMatch(/Earn \d+ points? with this purchase/);
  });

  it("states the rate instead of a figure when the shopper pays in another currency", async () => {
    const text = textOf(await render("points-preview", { product: machine, currency: "EUR" }));
    expect(text).toContain("Earn 1.5 points per USD spent");
    expect(text).not.toMatch(/with this purchase/);
  });

  it("renders nothing for a product that earns nothing, without a product, or with the program off", async () => {
    expect(
      (
        await render("points-preview", {
          product: stubProduct("Free", { price: 0 }),
          appData: appData({ program: program({ earning: { ...program().earning, minimum_order_minor: null } }) }),
        })
      ).trim(),
    ).toBe("");
    expect((await render("points-preview", { product: null })).trim()).toBe("");
    expect((await render("points-preview", { product: machine, appData: appData({ programEnabled: false }) })).trim()).toBe("");
  });

  it("speaks French and German, in the right plural", async () => {
    expect(textOf(await render("points-preview", { product: machine }, "fr"))).toContain("Gagnez 185 points avec cet achat");
    expect(textOf(await render("points-preview", { product: machine, customer: topTierMember() }, "de"))).toContain(
      "277 Punkte mit diesem Kauf sammeln",
    );
    const one = stubProduct("One", { price: 100 }); // 1.00 × 1.5 = 1.5 → 1
    const program1 = appData({ program: program({ earning: { ...program().earning, minimum_order_minor: null } }) });
    expect(textOf(await render("points-preview", { product: one, appData: program1 }))).toContain("Earn 1 point with this purchase");
    expect(textOf(await render("points-preview", { product: one, appData: program1 }, "de"))).toContain("1 Punkt mit diesem Kauf sammeln");
  });
});

describe("referral", () => {
  it("shows a member their link in the page, a copy button bound to it, their code and both rewards", async () => {
    const html = await render("referral", { customer: memberMidway(), blockId: "ref1" });
    expect(html).toContain('<code id="clv-ref-ref1">https://clv-demo.myshopify.com/discount/REF-KM7PQ2RS</code>');
    expect(html).toMatch(
      /<button type="button" class="clv-btn clv-copy" data-clv-copy="clv-ref-ref1" data-clv-copied="Copied!"[^>]*>Copy link<\/button>/,
    );
    const text = textOf(html);
    expect(text).toContain("Code: REF-KM7PQ2RS");
    expect(text).toContain("Your friend gets 15% off your first order");
    expect(text).toContain("You get 500 points after their first order");
    expect(html).not.toContain("<script");
  });

  it("tells a member whose code is not written yet that it is coming, without a button", async () => {
    const html = await render("referral", { customer: newMember() });
    expect(textOf(html)).toContain("Your referral link is being prepared.");
    expect(html).not.toContain("clv-copy");
  });

  it("asks a guest to sign in, with what both sides get", async () => {
    const html = await render("referral", {});
    expect(html).toMatch(/href="\/account\/login">Sign in to get your link<\/a>/);
    expect(textOf(html)).toContain("Your friend gets 15% off your first order");
    expect(html).not.toContain("/discount/");
  });

  it("escapes the merchant's texts and says 1 point in the singular", async () => {
    const shop = program({ referral: { enabled: true, member_points: 1, friend_reward: "<i>10%</i> off" } });
    const html = await render("referral", { appData: appData({ program: shop }), settings: { intro: "Tell <friends>" } });
    expect(html).toContain("&lt;i&gt;10%&lt;/i&gt; off");
    expect(html).toContain("Tell &lt;friends&gt;");
    expect(textOf(html)).toContain("You get 1 point after their first order");
  });

  it("renders nothing when referrals or the program are off", async () => {
    const off = program({ referral: { enabled: false, member_points: 500, friend_reward: "x" } });
    expect((await render("referral", { appData: appData({ program: off }), customer: memberMidway() })).trim()).toBe("");
    expect((await render("referral", { appData: appData({ programEnabled: false }), customer: memberMidway() })).trim()).toBe("");
  });

  it("speaks French and German", async () => {
    const fr = textOf(await render("referral", { customer: memberMidway() }, "fr"));
    expect(fr).toContain("Parrainez un ami");
    expect(fr).toContain("Copier le lien");
    const de = textOf(await render("referral", { customer: memberMidway() }, "de"));
    expect(de).toContain("Sie erhalten 500 Punkte nach seiner ersten Bestellung");
  });
});
