// The app proxy over real HTTP against the built app, on each database: Shopify-signed requests (valid, forged,
// stale, replayed with another customer id, guest) to every route; answers for the signed customer only,
// whatever else the request says; redemption through the Admin API double, idempotent under concurrent retries.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { startApp } from "../support/app-under-test";
import { installOfflineSession } from "../support/session-token";
import { waitFor } from "../support/webhooks";
import { startAdminApiDouble, type AdminApiDouble } from "../../testkit/admin-api-double/index";
import {
  FRIEND_C,
  HOSTILE_NAME,
  MEMBER_A,
  MEMBER_B,
  proxyUrl,
  seedProxyShop,
  tampered,
  type ProxyParams,
  type ProxyShop,
} from "./proxy-requests";

type App = Awaited<ReturnType<typeof startApp>>;

const TOKEN = "proxy-suite-token";

interface StatusBody {
  logged_in: boolean;
  program: {
    enabled: boolean;
    pitch?: string;
    how_to_earn?: string[];
    tiers?: { id: string; requirement: string | null; perk_lines: string[] }[];
    rewards?: { id: string }[];
  };
  member?: {
    tier: { id: string; name: string } | null;
    points: { balance: number; reserved: number; available: number };
    next_tier: { id: string; name: string; amount_to_reach: number; label: string } | null;
    rewards_available: { id: string }[];
    next_reward: { id: string; points_needed: number } | null;
    referral_code: string | null;
    referral_path: string | null;
  };
}

interface RecommendationsBody {
  enabled: boolean;
  source: string | null;
  offer_id: string | null;
  products: { id: string; title: string; url: string; price_minor: string | null; price: string | null }[];
}

/** Starts the app (with the gateway pointed at `adminApiOrigin`) on one database. */
export type StartProxyApp = (env: Record<string, string>) => Promise<App>;

export function proxyRoutesSuite(label: string, start: StartProxyApp) {
  const SHOP = `proxy-${label}.myshopify.com`;
  const QUIET = `proxy-${label}-quiet.myshopify.com`;
  let app: App;
  let double: AdminApiDouble;
  let seeded: ProxyShop;

  beforeAll(async () => {
    double = await startAdminApiDouble({ shops: [{ shop: SHOP, accessToken: TOKEN, currencyCode: "USD" }] });
    app = await start({ NODE_ENV: "test", SHOPIFY_ADMIN_API_ORIGIN: double.origin });
    await installOfflineSession(app.db, SHOP, "read_orders,read_customers,write_customers,write_discounts,write_app_proxy");
    await app.db.session.update({ where: { id: `offline_${SHOP}` }, data: { accessToken: TOKEN } });
    seeded = await seedProxyShop(app.db, SHOP);
    // Another shop with the same program, where customer 1001 has nothing: shops never mix.
    await seedProxyShop(app.db, QUIET, { withExperiment: false });
    await app.db.pointsEntry.deleteMany({ where: { shop: QUIET } });
    await app.db.loyaltyMember.deleteMany({ where: { shop: QUIET } });
    await app.db.redemption.deleteMany({ where: { shop: QUIET } });
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await double?.close();
  });

  const url = (path: string, p: Omit<ProxyParams, "shop"> & { shop?: string }) => proxyUrl(app.baseUrl, path, { shop: SHOP, ...p });
  const getJson = async <T>(target: string) => {
    const response = await fetch(target);
    return { response, body: (await response.json()) as T };
  };
  const status = (customerId: string | null, extra?: [string, string][], shop = SHOP) =>
    getJson<StatusBody>(url("/proxy/status", { customerId, extra, shop }));
  const recommendations = (customerId: string | null, productId: string | null, extra: [string, string][] = []) =>
    getJson<RecommendationsBody>(
      url("/proxy/recommendations", { customerId, extra: productId === null ? extra : [["product_id", productId], ...extra] }),
    );
  const redeemRequest = (customerId: string | null, body: Record<string, unknown>, init: { form?: boolean } = {}) =>
    fetch(url("/proxy/redeem", { customerId }), {
      method: "POST",
      headers: init.form
        ? { "Content-Type": "application/x-www-form-urlencoded" }
        : { "Content-Type": "application/json", Accept: "application/json" },
      body: init.form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
    });

  /** The request must be refused with only a status: no body, nothing to learn from. */
  async function expectRefused(response: Response, statusCode: 400 | 401) {
    expect(response.status).toBe(statusCode);
    expect(await response.text()).toBe("");
    expect(response.headers.get("content-type")).toBeNull();
  }

  describe("signature", () => {
    const routes = ["/proxy/status", "/proxy/recommendations", "/proxy/"];

    it("answers a validly signed request and refuses forged, stale, unsigned and re-signed-by-someone-else ones with an empty 401", async () => {
      for (const path of routes) {
        const valid = url(path, { customerId: MEMBER_A, extra: [["product_id", "9001"]] });
        expect((await fetch(valid)).status, path).toBe(200);
        // forged: the signature of other parameters
        const forged = tampered(valid, "signature", "0".repeat(64));
        await expectRefused(await fetch(forged), 401);
        // signed with another secret
        await expectRefused(await fetch(url(path, { customerId: MEMBER_A, secret: "not-the-app-secret" })), 401);
        // stale: 2 minutes old (Shopify allows 90 s), and as far in the future
        await expectRefused(await fetch(url(path, { customerId: MEMBER_A, timestampS: Math.floor(Date.now() / 1000) - 120 })), 401);
        await expectRefused(await fetch(url(path, { customerId: MEMBER_A, timestampS: Math.floor(Date.now() / 1000) + 120 })), 401);
        // no signature at all
        const unsigned = new URL(valid);
        unsigned.searchParams.delete("signature");
        await expectRefused(await fetch(unsigned), 401);
        // a plain request, as a browser would send it straight to the app
        await expectRefused(await fetch(`${app.baseUrl}${path}?shop=${SHOP}&logged_in_customer_id=${MEMBER_A}`), 401);
      }
    });

    it("refuses a signed request replayed with another customer's id, for every route", async () => {
      for (const path of routes) {
        const signedForA = url(path, { customerId: MEMBER_A, extra: [["product_id", "9001"]] });
        await expectRefused(await fetch(tampered(signedForA, "logged_in_customer_id", MEMBER_B)), 401);
        // a guest's signed request turned into a member's
        await expectRefused(await fetch(tampered(url(path, { customerId: null }), "logged_in_customer_id", MEMBER_A)), 401);
        // another shop's data with A's signature
        await expectRefused(await fetch(tampered(signedForA, "shop", QUIET)), 401);
      }
      const redeem = await fetch(tampered(url("/proxy/redeem", { customerId: MEMBER_A }), "logged_in_customer_id", MEMBER_B), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ reward_id: "gold-gift", idempotency_key: "replayed-0001" }),
      });
      await expectRefused(redeem, 401);
      expect(await app.db.redemption.count({ where: { shop: SHOP, id: { not: "stuck-1" } } })).toBe(0);
    });

    it("refuses a signed request that names two customers", async () => {
      const twice = url("/proxy/status", { customerId: MEMBER_A, extra: [["logged_in_customer_id", MEMBER_B]] });
      await expectRefused(await fetch(twice), 400);
    });
  });

  describe("GET /proxy/status", () => {
    it("gives a member mid-way their tier, points, next tier, rewards they can redeem now and referral code", async () => {
      const { response, body } = await status(MEMBER_A);
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("private, no-store");
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(body.logged_in).toBe(true);
      // 1000 + 100 + 400 + 500 points; 500 held by the redemption in flight.
      expect(body.member).toEqual({
        tier: { id: "silver", name: "Silver" },
        points: { balance: 2000, reserved: 500, available: 1500 },
        next_tier: { id: "gold", name: "Gold", basis: "net_spend", amount_to_reach: 23457, label: "Spend $234.57 more" },
        // gold-gift (300) is for Gold and above; retired is inactive.
        rewards_available: [
          expect.objectContaining({ id: "five-off", value: "$5.00 off" }),
          expect.objectContaining({ id: "ten-pct", value: "10% off" }),
        ],
        next_reward: null,
        referral_code: "REF-AAAA1111",
        referral_path: "/discount/REF-AAAA1111",
      });
      expect(body.program.how_to_earn).toEqual([
        "Earn 1.5 points for every $1.00 you spend on orders from $20.00",
        "Get 100 points when you create an account",
        "Get 500 points when a friend orders with your referral code (your friend gets 10% off their first order)",
      ]);
      expect(body.program.rewards!.map((r) => r.id)).toEqual(["gold-gift", "five-off", "ten-pct"]);
      expect(body.program.tiers!.map((t) => t.requirement)).toEqual([
        "Every member",
        "Spend $500.00 in 12 months",
        "Spend $1,000.00 in 12 months",
      ]);
      expect(body.program.tiers![2].perk_lines).toEqual(["10% off every order", "1.5× points", "Free shipping", "Early access to sales"]);
    });

    it("gives a top-tier member no next tier, the tier's own reward, and what the next reward still needs", async () => {
      const { body } = await status(MEMBER_B);
      expect(body.member).toMatchObject({
        tier: { id: "gold" },
        points: { balance: 300, reserved: 0, available: 300 },
        next_tier: null,
        rewards_available: [expect.objectContaining({ id: "gold-gift" })],
        next_reward: expect.objectContaining({ id: "five-off", points_needed: 200 }),
        referral_code: "REF-BBBB2222",
      });
    });

    it("gives a logged-in customer with nothing yet zero points and no tier", async () => {
      const { body } = await status(FRIEND_C);
      expect(body.member).toMatchObject({
        tier: null,
        points: { balance: 0, reserved: 0, available: 0 },
        rewards_available: [],
        referral_code: null,
      });
      expect(body.member!.next_reward).toMatchObject({ id: "five-off", points_needed: 500 });
    });

    it("gives a guest the program's pitch and how to earn, and nothing about any customer", async () => {
      const { response, body } = await status(null);
      expect(response.status).toBe(200);
      expect(body.logged_in).toBe(false);
      expect(body.program.pitch).toBe("Earn points on every order and unlock Silver and Gold perks.");
      expect(body.program.how_to_earn).toHaveLength(3);
      expect(Object.hasOwn(body, "member")).toBe(false);
    });

    it("answers for the signed customer only, whatever other parameters name", async () => {
      const attempts: [string, string][][] = [
        [["customer_id", MEMBER_B]],
        [["customer", MEMBER_B]],
        [["logged_in_customer", MEMBER_B]],
        [
          ["id", MEMBER_B],
          ["customerId", MEMBER_B],
        ],
      ];
      for (const extra of attempts) {
        const { response, body } = await status(MEMBER_A, extra);
        const text = JSON.stringify(body);
        expect(response.status).toBe(200);
        expect(body.member!.points.balance).toBe(2000);
        expect(text).not.toContain("REF-BBBB2222");
      }
      const guest = await status(null, [["customer_id", MEMBER_A]]);
      expect(Object.hasOwn(guest.body, "member")).toBe(false);
      expect(JSON.stringify(guest.body)).not.toContain("REF-AAAA1111");
      // The same customer id in another shop: that shop's (empty) record, not this shop's.
      const elsewhere = await status(MEMBER_A, [], QUIET);
      expect(elsewhere.body.member).toMatchObject({ tier: null, points: { balance: 0 }, referral_code: null });
    });
  });

  describe("GET /proxy/recommendations", () => {
    it("gives a shopper in the treatment arm their personal list: published products only, without the one on screen", async () => {
      const { response, body } = await recommendations(seeded.treatment, "9001");
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("private, no-store");
      // [9003 draft, 9001 on screen, 9002, 9004 unpublished, 9006]
      expect(body).toMatchObject({ enabled: true, source: "personal", offer_id: "personal" });
      expect(body.products.map((p) => p.id)).toEqual(["9002", "9006"]);
      expect(body.products[0]).toMatchObject({ title: "Mug", url: "/products/mug", price_minor: "10020", price: "$100.20" });
      const one = await recommendations(seeded.treatment, "9001", [["limit", "1"]]);
      expect(one.body.products.map((p) => p.id)).toEqual(["9002"]);
    });

    it("gives the holdout arm an empty list, and records the exposure of both arms alike", async () => {
      const { body } = await recommendations(seeded.holdout, "9001");
      expect(body).toEqual({ enabled: true, source: null, offer_id: null, currency_code: "USD", products: [] });
      await recommendations(seeded.holdout, "9001");
      // Recorded in the background, after the answer.
      const exposures = await waitFor(
        () => app.db.experimentExposure.findMany({ where: { shop: SHOP }, orderBy: { customerId: "asc" } }),
        (rows) => rows.some((e) => e.customerId === seeded.holdout) && rows.some((e) => e.customerId === seeded.treatment),
      );
      const arms = new Map(exposures.map((e) => [e.customerId, e.arm]));
      expect(arms.get(seeded.holdout)).toBe("holdout");
      expect(arms.get(seeded.treatment)).toBe("treatment");
      expect(exposures.filter((e) => e.customerId === seeded.holdout)).toHaveLength(1);
      expect(exposures.every((e) => e.experimentKey === "offers-1")).toBe(true);
    });

    it("gives a logged-in shopper without a list, and a guest, the product's highest-priority live offer", async () => {
      for (const customerId of [seeded.treatmentWithoutList, null]) {
        const { body } = await recommendations(customerId, "9001");
        // tea-time (priority 10) offers [9003 draft, 9006, 9002]; switched-off and ended do not run; big-pot is 90011's.
        expect(body, String(customerId)).toMatchObject({ enabled: true, source: "offer", offer_id: "tea-time" });
        expect(body.products.map((p) => p.id)).toEqual(["9006", "9002"]);
      }
      const big = await recommendations(null, "90011");
      expect(big.body).toMatchObject({ offer_id: "big-pot", products: [expect.objectContaining({ id: "9008" })] });
    });

    it("falls back to the mined list, then to nothing", async () => {
      // 9009's suggestions: 9002 rejected, 9003 a draft, 9008 kept.
      const mined = await recommendations(null, "9009");
      expect(mined.body).toMatchObject({ source: "cross_sell", offer_id: "cross_sell" });
      expect(mined.body.products.map((p) => p.id)).toEqual(["9008"]);
      expect((await recommendations(null, "9010")).body).toMatchObject({ enabled: true, source: null, products: [] });
      expect((await recommendations(null, null)).body).toMatchObject({ enabled: true, products: [] });
    });

    it("records no exposure for guests, and answers nothing while offers are off", async () => {
      await waitFor(
        () => app.db.experimentExposure.count({ where: { shop: SHOP } }),
        (count) => count >= 4,
      );
      await new Promise((r) => setTimeout(r, 200)); // a stray write, were there one, lands meanwhile
      const exposures = await app.db.experimentExposure.findMany({ where: { shop: SHOP } });
      // Member A asked in the signature tests; the guests asked many times and are not there.
      expect(exposures.map((e) => e.customerId).sort()).toEqual(
        [MEMBER_A, seeded.holdout, seeded.treatment, seeded.treatmentWithoutList].sort(),
      );
      const off = await getJson<RecommendationsBody>(
        url("/proxy/recommendations", { customerId: seeded.treatment, shop: QUIET, extra: [["product_id", "9001"]] }),
      );
      expect(off.body).toMatchObject({ enabled: false, products: [] });
    });

    it("takes the shopper from the signature only and checks the product id", async () => {
      // The holdout shopper naming the treatment shopper in the query still gets the holdout's answer.
      const { body } = await recommendations(seeded.holdout, "9001", [
        ["customer_id", seeded.treatment],
        ["logged_in", seeded.treatment],
      ]);
      expect(body.products).toEqual([]);
      const bad = await fetch(url("/proxy/recommendations", { customerId: null, extra: [["product_id", "1 OR 1=1"]] }));
      expect(bad.status).toBe(400);
    });
  });

  describe("GET /proxy/ (the Rewards page)", () => {
    it("renders a member's page as Liquid: status, rewards with forms, history, with every data value escaped", async () => {
      const response = await fetch(url("/proxy/", { customerId: MEMBER_A }));
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/liquid");
      expect(response.headers.get("cache-control")).toBe("private, no-store");
      const page = await response.text();
      expect(page).toContain("You are a <strong>Silver</strong> member.");
      expect(page).toContain("<strong>2,000 points</strong> (500 points held for a code being created)");
      expect(page).toContain("Spend $234.57 more to reach <strong>Gold</strong>");
      expect(page).toContain('action="/apps/clv/redeem"');
      expect(page).toContain('name="reward_id" value="five-off"');
      expect(page).toContain("Order #1001");
      expect(page).toContain("A friend&#39;s first order");
      expect(page).not.toContain("#7001"); // the friend's order
      expect(page).toContain("REF-AAAA1111");
      // The hostile reward name is printed, not run, by Liquid or by the browser.
      expect(page).toContain("10% off &#123;&#123; customer.email &#125;&#125; &lt;b&gt;now&lt;/b&gt;");
      expect(page).not.toContain(HOSTILE_NAME);
      // The only Liquid is the page's own.
      expect(page.match(/\{\{[^}]*\}\}|\{%[^%]*%\}/g) ?? []).toEqual(["{{ shop.url }}"]);
      expect(page).not.toContain("REF-BBBB2222");
    });

    it("renders a guest's page with how to earn, the tiers and the sign-in links, and no member section", async () => {
      const page = await (await fetch(url("/proxy/", { customerId: null, extra: [["customer_id", MEMBER_A]] }))).text();
      expect(page).toContain("{{ routes.account_login_url }}");
      expect(page).toContain("Earn 1.5 points for every $1.00 you spend on orders from $20.00");
      expect(page).toContain("Spend $1,000.00 in 12 months");
      expect(page).not.toContain("Your status");
      expect(page).not.toContain("REF-AAAA1111");
      expect(page).not.toContain("<form");
    });
  });

  describe("POST /proxy/redeem", () => {
    const discountsWithCode = (code: string) => double.control.getDiscounts(SHOP).filter((d) => d.codes.includes(code));
    const redeemEntries = (customerId: string) =>
      app.db.pointsEntry.findMany({ where: { shop: SHOP, customerId, kind: "redeem" }, select: { points: true, sourceId: true } });

    it("redeems once under concurrent retries of one request: one code, one deduction", async () => {
      const body = { reward_id: "five-off", idempotency_key: "click-0001-five" };
      const responses = await Promise.all(Array.from({ length: 5 }, () => redeemRequest(MEMBER_A, body)));
      const answers = await Promise.all(
        responses.map(async (r) => ({ status: r.status, body: (await r.json()) as { status: string; code: string; balance: number } })),
      );
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      const codes = new Set(answers.map((a) => a.body.code));
      expect(codes.size).toBe(1);
      const [code] = [...codes];
      expect(answers[0].body).toMatchObject({ status: "redeemed", reward_id: "five-off", points_spent: 500, balance: 1500 });
      expect(discountsWithCode(code!)).toHaveLength(1);
      expect(discountsWithCode(code!)[0].context).toEqual({ type: "customers", ids: [`gid://shopify/Customer/${MEMBER_A}`] });
      expect((await redeemEntries(MEMBER_A)).map((e) => e.points)).toEqual([-500]);
      // A retry afterwards returns the same code and deducts nothing more.
      const again = (await (await redeemRequest(MEMBER_A, body)).json()) as { code: string; balance: number };
      expect(again).toMatchObject({ code, balance: 1500 });
      const { body: after } = await status(MEMBER_A);
      expect(after.member!.points).toEqual({ balance: 1500, reserved: 500, available: 1000 });
    });

    it("spends the same points once when two different requests race for them", async () => {
      // 1000 points available; each request wants 1000.
      const [first, second] = await Promise.all([
        redeemRequest(MEMBER_A, { reward_id: "ten-pct", idempotency_key: "race-0001-left" }),
        redeemRequest(MEMBER_A, { reward_id: "ten-pct", idempotency_key: "race-0002-right" }),
      ]);
      const statuses = [first.status, second.status].sort();
      expect(statuses).toEqual([200, 422]);
      const refused = (await (first.status === 422 ? first : second).json()) as { status: string; reason: string };
      expect(refused).toMatchObject({ status: "refused", reason: "not_enough_points" });
      expect((await redeemEntries(MEMBER_A)).map((e) => e.points).sort()).toEqual([-1000, -500]);
    });

    it("redeems for the signed customer even when the body names another", async () => {
      const response = await redeemRequest(MEMBER_B, {
        reward_id: "gold-gift",
        idempotency_key: "body-names-a-01",
        customer_id: MEMBER_A,
        customerId: MEMBER_A,
      });
      expect(response.status).toBe(200);
      expect((await redeemEntries(MEMBER_B)).map((e) => e.points)).toEqual([-300]);
      expect((await redeemEntries(MEMBER_A)).map((e) => e.points).sort()).toEqual([-1000, -500]);
    });

    it("refuses guests, bad bodies and rewards the member cannot have, without touching the ledger", async () => {
      const before = await app.db.pointsEntry.count({ where: { shop: SHOP } });
      const guest = await redeemRequest(null, { reward_id: "five-off", idempotency_key: "guest-0001-try" });
      expect(guest.status).toBe(403);
      for (const body of [
        { reward_id: "five-off" },
        { reward_id: "five-off", idempotency_key: "short" },
        { idempotency_key: "no-reward-0001" },
      ]) {
        expect((await redeemRequest(FRIEND_C, body)).status, JSON.stringify(body)).toBe(400);
      }
      const tooLow = await redeemRequest(FRIEND_C, { reward_id: "gold-gift", idempotency_key: "friend-0001-ship" });
      expect(tooLow.status).toBe(422);
      expect(await tooLow.json()).toMatchObject({ reason: "tier_too_low" });
      const unknown = await redeemRequest(FRIEND_C, { reward_id: "nope", idempotency_key: "friend-0002-nope" });
      expect(await unknown.json()).toMatchObject({ status: "refused", reason: "unknown_reward" });
      const stale = await fetch(url("/proxy/redeem", { customerId: MEMBER_B, timestampS: Math.floor(Date.now() / 1000) - 600 }), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ reward_id: "gold-gift", idempotency_key: "stale-0001-ship" }),
      });
      await expectRefused(stale, 401);
      expect((await fetch(url("/proxy/redeem", { customerId: MEMBER_A }))).status).toBe(405);
      expect(await app.db.pointsEntry.count({ where: { shop: SHOP } })).toBe(before);
    });

    it("answers a plain form from the Rewards page with the page and the code", async () => {
      await app.db.pointsEntry.create({
        data: {
          shop: SHOP,
          key: "adjust:3003:gift",
          customerId: FRIEND_C,
          kind: "adjust",
          points: 600,
          sourceType: "manual",
          reason: "gift",
          effectiveAt: new Date(),
        },
      });
      const page = await redeemRequest(FRIEND_C, { reward_id: "five-off", idempotency_key: "form-0001-five" }, { form: true });
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toBe("application/liquid");
      const text = await page.text();
      expect(text).toMatch(/Your discount code: <code>[A-Z0-9-]+<\/code>/);
      expect(text).toContain("<strong>100 points</strong>");
    });
  });
}
