// Both UI extensions rendered to HTML with preact-render-to-string, as Shopify would mount them, against a
// stubbed `shopify` global: the admin block's shopify.query answers in the Admin API's shape and the profile
// block's fetch in the Customer Account API's, with metafields made by the app's own writers; translations
// come from each extension's locale files. Checks the texts a person reads and that no "undefined"/"NaN"
// leaks. (Not run inside Shopify: the CLI and the admin cannot be had here.)
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import { afterEach, describe, expect, it } from "vitest";
import { CustomerValueBlock, CustomerValueCard } from "../../extensions/clv-admin-customer-block/src/CustomerValueBlock";
import { loadCustomerValue, type CustomerValueApi } from "../../extensions/clv-admin-customer-block/src/load-customer-value";
import { LoyaltyProfileBlock, LoyaltyProfileCard } from "../../extensions/clv-customer-account-profile/src/LoyaltyProfileBlock";
import { loadLoyaltyProfile, type FetchLike } from "../../extensions/clv-customer-account-profile/src/load-loyalty-profile";
import {
  ADMIN_EXTENSION,
  baseLoyaltyState,
  baseRetentionState,
  loyaltyNodes,
  PROFILE_EXTENSION,
  retentionNodes,
  stubI18n,
  textProblems,
  type MetafieldNode,
} from "./support";

const CUSTOMER_ID = "gid://shopify/Customer/1001";
const global = globalThis as { shopify?: unknown };

afterEach(() => {
  delete global.shopify;
});

/** Visible text of the rendered HTML, tags dropped and entities decoded. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, "\n")
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">");

interface AdminStubOptions {
  nodes?: MetafieldNode[];
  locale?: "en" | "fr";
  currencyCode?: string;
  selected?: { id: string }[];
  answer?: "ok" | "no-customer" | "throw" | "errors";
}

function adminShopify(options: AdminStubOptions = {}) {
  const queries: { query: string; variables: Record<string, unknown> | undefined }[] = [];
  const api = {
    extension: { target: "admin.customer-details.block.render" },
    data: { selected: options.selected ?? [{ id: CUSTOMER_ID }] },
    i18n: stubI18n(ADMIN_EXTENSION, options.locale ?? "en"),
    queries,
    query: async <Data>(query: string, opts?: { variables?: Record<string, unknown> }): Promise<{ data?: Data; errors?: unknown[] }> => {
      queries.push({ query, variables: opts?.variables });
      if (options.answer === "throw") throw new Error("network down");
      if (options.answer === "errors") return { errors: [{ message: "Access denied for customer field." }] };
      const customer =
        options.answer === "no-customer"
          ? null
          : { id: opts?.variables?.id, metafields: { nodes: (options.nodes ?? []).map((n) => ({ ...n })) } };
      return { data: { shop: { currencyCode: options.currencyCode ?? "USD" }, customer } as Data };
    },
  };
  global.shopify = api;
  return api;
}

async function renderAdmin(options: AdminStubOptions = {}) {
  const api = adminShopify(options);
  const state = await loadCustomerValue(api as CustomerValueApi);
  const html = renderToString(
    h(CustomerValueCard, { state, heading: api.i18n.translate("heading"), loadingText: api.i18n.translate("loading") }),
  );
  return { api, state, html, text: textOf(html) };
}

const fullAdminNodes = (state = baseRetentionState()) => [
  ...retentionNodes(state, "USD"),
  ...loyaltyNodes(baseLoyaltyState(), "net_spend", "USD", 40),
];

describe("admin customer block, rendered", () => {
  it("mounts with a loading state, then reads the customer on screen through shopify.query", async () => {
    adminShopify({ nodes: fullAdminNodes() });
    const loading = renderToString(h(CustomerValueBlock, null));
    expect(loading).toContain("<s-admin-block");
    expect(loading).toContain('heading="Customer lifetime value"');
    expect(textOf(loading)).toContain("Loading the customer's value…");

    const { api, html, text } = await renderAdmin({ nodes: fullAdminNodes() });
    expect(api.queries).toHaveLength(1);
    expect(api.queries[0].variables).toEqual({ id: CUSTOMER_ID });
    expect(api.queries[0].query).toMatch(/customer\(id: \$id\)/);
    expect(api.queries[0].query).toMatch(/metafields\(first: \d+, namespace: "\$app"\)/);
    expect(html).toContain('heading="Customer lifetime value"');
    // Attribute names come out lower-cased in HTML; in Shopify Preact sets the collapsedSummary property.
    expect(html).toMatch(/collapsedSummary="Next 12 months: \$490\.00 · Silver"/i);
    for (const expected of [
      "Historic value",
      "$1,234.50",
      "Predicted value, next 12 months",
      "$490.00",
      "Range not synced yet",
      "83%",
      "Champions",
      "40% of the way to Gold",
      "1,250 points",
    ]) {
      expect(text).toContain(expected);
    }
    expect(html).toContain('<s-badge tone="info">Champions</s-badge>');
    expect(html).not.toContain("<s-banner");
    expect(textProblems(html)).toEqual([]);
  });

  it("shows a customer at risk with a critical badge and banner", async () => {
    const state = baseRetentionState({
      atRisk: true,
      valueAtStakeMinor: 31_260,
      winBack: { code: "WB-1A2B-3C4D-5E6F", expiresOn: "2026-12-31" },
    });
    const { html, text } = await renderAdmin({ nodes: fullAdminNodes(state) });
    expect(html).toContain('<s-badge tone="critical">At risk</s-badge>');
    expect(html).toMatch(/<s-banner tone="critical">Valuable customer slipping away: \$313\.00 at stake over the next year\.<\/s-banner>/);
    expect(text).toContain("WB-1A2B-3C4D-5E6F, valid until Dec 31, 2026");
    expect(textProblems(html)).toEqual([]);
  });

  it("says so when the app has written nothing for the customer", async () => {
    const { html, text } = await renderAdmin({ nodes: [] });
    expect(text).toContain("Nothing computed for this customer yet.");
    expect(html).toMatch(/collapsedSummary="No value computed yet"/i);
    expect(html).not.toContain("<s-badge");
    expect(textProblems(html)).toEqual([]);
  });

  it("renders in French with the shop's currency", async () => {
    const nodes = [...retentionNodes(baseRetentionState(), "EUR"), ...loyaltyNodes(baseLoyaltyState(), "net_spend", "EUR", 40)];
    const { html, text } = await renderAdmin({ nodes, locale: "fr", currencyCode: "EUR" });
    expect(html).toContain('heading="Valeur vie client"');
    expect(text).toMatch(/1\s234,50\s€/u);
    expect(text).toContain("Niveau de fidélité");
    expect(textProblems(html)).toEqual([]);
  });

  it("answers without a customer, a deleted customer, an API error and a network failure with a sentence", async () => {
    const cases: [AdminStubOptions, string][] = [
      [{ selected: [] }, "Open a customer to see their value."],
      [{ answer: "no-customer" }, "This customer could not be read. They may have been deleted."],
      [{ answer: "errors" }, "The customer's value could not be loaded. Reload the page to try again."],
      [{ answer: "throw" }, "The customer's value could not be loaded. Reload the page to try again."],
    ];
    for (const [options, message] of cases) {
      const { api, html, text } = await renderAdmin(options);
      expect(text).toContain(message);
      expect(textProblems(html)).toEqual([]);
      if (options.selected) expect(api.queries).toHaveLength(0);
    }
  });
});

interface ProfileStubOptions {
  nodes?: MetafieldNode[];
  locale?: "en" | "fr";
  answer?: "ok" | "http-error" | "throw";
}

function profileShopify(options: ProfileStubOptions = {}) {
  const requests: { url: string; body: { query: string; variables: { identifiers: { namespace: string; key: string }[] } } }[] = [];
  const i18n = stubI18n(PROFILE_EXTENSION, options.locale ?? "en");
  global.shopify = { extension: { target: "customer-account.profile.block.render" }, i18n };
  const fetchStub: FetchLike = async (url, init) => {
    const body = JSON.parse(init.body) as (typeof requests)[number]["body"];
    requests.push({ url, body });
    if (options.answer === "throw") throw new TypeError("Failed to fetch");
    if (options.answer === "http-error") return { ok: false, json: async () => ({ errors: "Unauthorized" }) };
    // The Customer Account API answers metafields(identifiers:) in the order asked, null where absent.
    const byKey = new Map((options.nodes ?? []).map((n) => [n.key, n]));
    const metafields = body.variables.identifiers.map((id) => byKey.get(id.key) ?? null);
    return { ok: true, json: async () => ({ data: { customer: { id: CUSTOMER_ID, metafields } } }) };
  };
  return { i18n, requests, fetchStub };
}

async function renderProfile(options: ProfileStubOptions = {}) {
  const stub = profileShopify(options);
  const state = await loadLoyaltyProfile(stub.i18n, stub.fetchStub);
  const html = renderToString(
    h(LoyaltyProfileCard, {
      state,
      heading: stub.i18n.translate("heading"),
      loadingText: stub.i18n.translate("loading"),
      copyText: stub.i18n.translate("referral.copy"),
    }),
  );
  return { ...stub, html, text: textOf(html) };
}

describe("customer account profile block, rendered", () => {
  it("mounts with a loading state, then reads the shopper's loyalty metafields through the Customer Account API", async () => {
    profileShopify();
    const loading = renderToString(h(LoyaltyProfileBlock, null));
    expect(loading).toContain('<s-section heading="Rewards">');
    expect(textOf(loading)).toContain("Loading your rewards…");

    const { requests, html, text } = await renderProfile({ nodes: loyaltyNodes(baseLoyaltyState(), "net_spend", "USD", 40) });
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe("shopify://customer-account/api/2026-07/graphql.json");
    expect(requests[0].body.query).toMatch(/metafields\(identifiers: \$identifiers\)/);
    expect(requests[0].body.variables.identifiers.every((id) => id.namespace === "$app")).toBe(true);
    expect(requests[0].body.variables.identifiers.map((id) => id.key)).toEqual(
      expect.arrayContaining(["tier", "points_balance", "referral_code"]),
    );
    for (const expected of [
      "Your tier",
      "Silver",
      "You have 1,250 points",
      "Spend $40.00 more to reach Gold",
      "REF-7K3M9QXA",
      "Copy code",
    ]) {
      expect(text).toContain(expected);
    }
    expect(html).toMatch(/<s-progress value="40" max="100"/);
    expect(html).toContain('<s-clipboard-item id="clv-referral-code" text="REF-7K3M9QXA">');
    expect(html).toMatch(/<s-button variant="secondary" commandFor="clv-referral-code">Copy code<\/s-button>/);
    expect(textProblems(html)).toEqual([]);
  });

  it("a top-tier member sees the top reached and no bar", async () => {
    const state = baseLoyaltyState({ tierName: "Gold", nextTierName: null, amountToNextTier: null });
    const { html, text } = await renderProfile({ nodes: loyaltyNodes(state, "net_spend", "USD", null) });
    expect(text).toContain("You have reached our top tier. Thank you!");
    expect(html).not.toContain("<s-progress");
    expect(textProblems(html)).toEqual([]);
  });

  it("a shopper with nothing synced sees invitations, not blanks", async () => {
    const { html, text } = await renderProfile({ nodes: [] });
    for (const expected of [
      "No tier yet",
      "You have no points yet.",
      "Shop with us to start earning points and rewards.",
      "Your referral code is on its way.",
    ]) {
      expect(text).toContain(expected);
    }
    expect(html).not.toContain("<s-clipboard-item");
    expect(html).not.toContain("<s-badge");
    expect(textProblems(html)).toEqual([]);
  });

  it("renders in French", async () => {
    const { html, text } = await renderProfile({ nodes: loyaltyNodes(baseLoyaltyState(), "net_spend", "EUR", 40), locale: "fr" });
    expect(html).toContain('<s-section heading="Récompenses">');
    expect(text).toMatch(/Vous avez 1\s250 points/u);
    expect(text).toContain("Copier le code");
    expect(textProblems(html)).toEqual([]);
  });

  it("answers an HTTP error and a network failure with a sentence", async () => {
    for (const answer of ["http-error", "throw"] as const) {
      const { html, text } = await renderProfile({ answer });
      expect(text).toContain("Your rewards could not be loaded right now. Please try again later.");
      expect(html).toContain('tone="critical"');
      expect(textProblems(html)).toEqual([]);
    }
  });
});
