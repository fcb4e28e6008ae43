// The offers block rendered with liquidjs: "Frequently bought together" for guests, "Recommended for you" for
// a logged-in shopper with recommendations, the add-to-cart forms carrying the offer id, nothing without an
// offer, and nothing for the holdout arm — decided by the same hash as app/experiments.
import { describe, expect, it } from "vitest";
import { assignArm, HOLDOUT_LIQUID } from "../../app/experiments/index.ts";
import { Random } from "../experiments/random.ts";
import { appData, catalog, EXPERIMENT, memberMidway, OFFER_ID, SALT, stubProduct } from "./fixtures.ts";
import { blockSource, createEngine, metafield, renderBlock, textOf, type StorefrontContext } from "./liquid-harness.ts";

const engine = createEngine();
const frEngine = createEngine({ locale: "fr" });

function render(context: Partial<StorefrontContext>, locale: "en" | "fr" = "en"): Promise<string> {
  return renderBlock(locale === "en" ? engine : frEngine, "offers", {
    appData: appData({ holdoutShare: null }),
    customer: null,
    ...context,
  });
}

interface Card {
  title: string;
  href: string;
  variantId: string;
  offerId: string;
  price: string;
  image: string | null;
}

/** Each product card as a shopper and the cart see it. */
function cards(html: string): Card[] {
  return [...html.matchAll(/<li class="clv-card">([\s\S]*?)<\/li>/g)].map(([, card]) => {
    const image = /<img ([^>]*)>/.exec(card);
    if (image) {
      // Width and height on every image: the browser reserves the box before the file arrives.
      expect(image[1]).toMatch(/\bwidth="180"/);
      expect(image[1]).toMatch(/\bheight="180"/);
      expect(image[1]).toMatch(/\bloading="lazy"/);
    }
    const title = /<a class="clv-card__link" href="([^"]*)">[\s\S]*?<span class="clv-card__title" id="([^"]+)">([^<]*)<\/span><\/a>/.exec(
      card,
    );
    expect(title).not.toBeNull();
    // The button is described by the product's title (screen readers say what it adds).
    expect(card).toContain(`<button type="submit" class="clv-btn" aria-describedby="${title![2]}">`);
    const form = /<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/.exec(card);
    expect(form?.[1]).toBe("/cart/add");
    const field = (name: string) =>
      new RegExp(`<input type="hidden" name="${name.replace(/[[\]]/g, "\\$&")}" value="([^"]*)">`).exec(form![2])?.[1];
    expect(field("quantity")).toBe("1");
    return {
      title: title![3],
      href: title![1],
      variantId: field("id")!,
      offerId: field("properties[_clv_offer]")!,
      price: /<span class="clv-card__price">([^<]*)<\/span>/.exec(card)![1],
      image: image ? /src="([^"]*)"/.exec(image[1])![1] : null,
    };
  });
}

describe("offers block", () => {
  it("shows a guest the product's cross-sells: available ones only, in order, at most the block's limit", async () => {
    const { machine, beans, grinder, cups, cleaner } = catalog();
    const html = await render({ product: machine });
    expect(html).toMatch(/<h2 class="clv-h" id="[^"]+">Frequently bought together<\/h2>/);
    expect(html).toContain(`data-clv-offer="${OFFER_ID}"`);
    // The milk jug is sold out; the tamper is the fifth available one, beyond the default limit of 4.
    expect(cards(html)).toEqual([
      {
        title: beans.title,
        href: beans.url,
        variantId: String(beans.id + 500_000),
        offerId: OFFER_ID,
        price: "$24.00",
        image: `${beans.featured_image!.src}?width=360`,
      },
      {
        title: grinder.title,
        href: grinder.url,
        variantId: String(grinder.id + 500_000),
        offerId: OFFER_ID,
        price: "$89.00",
        image: `${grinder.featured_image!.src}?width=360`,
      },
      { title: cups.title, href: cups.url, variantId: String(cups.id + 500_000), offerId: OFFER_ID, price: "$32.00", image: null },
      {
        title: cleaner.title,
        href: cleaner.url,
        variantId: String(cleaner.id + 500_000),
        offerId: OFFER_ID,
        price: "$12.50",
        image: `${cleaner.featured_image!.src}?width=360`,
      },
    ]);
    const two = cards(await render({ product: machine, settings: { max_products: 2 } }));
    expect(two.map((card) => card.title)).toEqual([beans.title, grinder.title]);
  });

  it("escapes titles and gives every title its own id within the page", async () => {
    const odd = stubProduct('Mug "Large" <b>', { price: 900 });
    const { beans } = catalog();
    const trigger = stubProduct("Trigger", { metafields: { cross_sell: metafield("list.product_reference", [odd, beans]) } });
    const html = await render({ product: trigger, blockId: "b7" });
    // Ruby's escape writes &quot;, liquidjs &#34;: both are the same character.
    expect(html).toMatch(/>Mug &(quot|#34);Large&(quot|#34); &lt;b&gt;<\/span>/);
    expect(html).not.toContain("<b>");
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(["clv-h-b7", `clv-o-b7-${odd.id}`, `clv-o-b7-${beans.id}`]);
  });

  it("labels items with the cross_sell offer when the product has no offer id of its own", async () => {
    const { beans } = catalog();
    const trigger = stubProduct("Trigger", { metafields: { cross_sell: metafield("list.product_reference", [beans]) } });
    expect(cards(await render({ product: trigger })).map((card) => card.offerId)).toEqual(["cross_sell"]);
  });

  it("shows a logged-in shopper their recommendations, without the product on screen, as the personal offer", async () => {
    const { machine, scale, tamper, soldOut } = catalog();
    const shopper = memberMidway(undefined, { recommendations: metafield("list.product_reference", [machine, scale, soldOut, tamper]) });
    const html = await render({ product: machine, customer: shopper });
    expect(html).toMatch(/>Recommended for you<\/h2>/);
    expect(cards(html).map((card) => [card.title, card.offerId])).toEqual([
      [scale.title, "personal"],
      [tamper.title, "personal"],
    ]);
    expect(html).toContain('data-clv-offer="personal"');
  });

  it("falls back to the product's offers for a shopper without recommendations, or with none left to show", async () => {
    const { machine, beans, soldOut } = catalog();
    const none = await render({ product: machine, customer: memberMidway() });
    expect(none).toMatch(/>Frequently bought together<\/h2>/);
    expect(cards(none)[0]).toMatchObject({ title: beans.title, offerId: OFFER_ID });
    const onlyThisOne = memberMidway(undefined, { recommendations: metafield("list.product_reference", [machine, soldOut]) });
    const fallback = await render({ product: machine, customer: onlyThisOne });
    expect(fallback).toMatch(/>Frequently bought together<\/h2>/);
    expect(cards(fallback).every((card) => card.offerId === OFFER_ID)).toBe(true);
  });

  it("renders nothing when there is no offer: no metafield, an empty list, or only unavailable products", async () => {
    const { lonely, soldOut } = catalog();
    expect(await render({ product: lonely })).toBe("");
    expect(await render({ product: lonely, customer: memberMidway() })).toBe("");
    const empty = stubProduct("Empty", { metafields: { cross_sell: metafield("list.product_reference", []) } });
    expect(await render({ product: empty })).toBe("");
    // Neither a sold-out product nor the product on screen counts as an offer.
    const selfAndSoldOut = stubProduct("Self", { metafields: {} });
    selfAndSoldOut.metafields.$app.cross_sell = metafield("list.product_reference", [soldOut, selfAndSoldOut]);
    expect(await render({ product: selfAndSoldOut })).toBe("");
  });

  it("renders nothing with offers off", async () => {
    const { machine } = catalog();
    expect(await render({ product: machine, appData: appData({ offersEnabled: false, holdoutShare: null }) })).toBe("");
  });

  it("speaks French", async () => {
    const { machine } = catalog();
    const text = textOf(await render({ product: machine }, "fr"));
    expect(text).toContain("Souvent achetés ensemble");
    expect(text).toContain("Ajouter au panier");
    expect(text).not.toMatch(/translation missing/i);
  });
});

describe("offers holdout", () => {
  it("embeds app/experiments' HOLDOUT_LIQUID verbatim", () => {
    expect(blockSource("offers")).toContain(HOLDOUT_LIQUID);
  });

  it("renders nothing for exactly the customers assignArm puts in the holdout, and the offers for the others", async () => {
    const { machine } = catalog();
    const share = 0.3;
    const data = appData({ holdoutShare: share });
    const random = new Random(1616);
    let held = 0;
    const total = 240;
    for (let i = 0; i < total; i++) {
      // Shopify customer ids: 13 digits today; some beyond 2^53 (Liquid prints them exactly, as strings here).
      const id = i % 8 === 7 ? String(9_007_199_254_740_993n + BigInt(random.int(1e9))) : 6_000_000_000_000 + random.int(1e12);
      const html = await render({ product: machine, customer: memberMidway(id), appData: data });
      const arm = assignArm({ salt: SALT, customerId: id, experimentKey: EXPERIMENT, holdoutShare: share });
      expect(html === "" ? "holdout" : "treatment", `customer ${id}`).toBe(arm);
      if (arm === "holdout") held++;
    }
    // Both arms were exercised (about 30 % held out).
    expect(held).toBeGreaterThan(total * 0.2);
    expect(held).toBeLessThan(total * 0.4);
  });

  it("never holds out a guest, and holds out nobody without a threshold", async () => {
    const { machine } = catalog();
    const guest = await render({ product: machine, appData: appData({ holdoutShare: 0.99 }) });
    expect(cards(guest).length).toBe(4);
    const heldAtHalf = findCustomerInArm("holdout", 0.5);
    expect(await render({ product: machine, customer: memberMidway(heldAtHalf), appData: appData({ holdoutShare: 0.5 }) })).toBe("");
    expect(
      cards(await render({ product: machine, customer: memberMidway(heldAtHalf), appData: appData({ holdoutShare: null }) })).length,
    ).toBe(4);
  });
});

function findCustomerInArm(arm: "holdout" | "treatment", share: number): number {
  for (let id = 7_000_000_000_000; ; id++) {
    if (assignArm({ salt: SALT, customerId: id, experimentKey: EXPERIMENT, holdoutShare: share }) === arm) return id;
  }
}
