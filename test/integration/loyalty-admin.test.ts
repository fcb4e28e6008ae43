// The loyalty admin through the built app (session tokens, single-fetch loaders and actions) and the real
// workers: set up a program, preview tiers, save them (background re-evaluation with progress), the write-back
// to the Admin API double, the member page and its actions, and one shop never seeing another's members.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminApiDouble, type AdminApiDouble } from "../../testkit/admin-api-double/index";
import { startApp } from "../support/app-under-test";
import { orderPayload } from "../support/payloads";
import { actionResult, bearerRequest, documentRequest, installOfflineSession, loaderData, sessionToken } from "../support/session-token";
import { installShop } from "../support/shops";
import { sendWebhook, waitFor } from "../support/webhooks";

const SHOP = "loyalty-admin.myshopify.com";
const OTHER = "loyalty-admin-other.myshopify.com";

let app: Awaited<ReturnType<typeof startApp>>;
let double: AdminApiDouble;
const token = (shop = SHOP) => sessionToken({ shop });

const postJson = (path: string, body: unknown, shop = SHOP) =>
  bearerRequest(app.baseUrl, `${path}.data`, token(shop), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  double = await startAdminApiDouble({
    shops: [
      { shop: SHOP, accessToken: "test-token" },
      { shop: OTHER, accessToken: "test-token-other" },
    ],
  });
  app = await startApp({ env: { NODE_ENV: "test", SHOPIFY_ADMIN_API_ORIGIN: double.origin } });
  for (const shop of [SHOP, OTHER]) {
    await installShop(app.db, shop, { currencyCode: "USD", ianaTimezone: "UTC" });
    await installOfflineSession(app.db, shop);
  }
  await app.db.session.update({ where: { id: `offline_${OTHER}` }, data: { accessToken: "test-token-other" } });
  // Three customers: 50.00, 150.00 and 600.00 of orders.
  const orders = [
    orderPayload({ id: 61001, customerId: 6101, total: "50.00", createdAt: "2025-03-01T10:00:00Z" }),
    orderPayload({ id: 61002, customerId: 6102, total: "150.00", createdAt: "2025-03-02T10:00:00Z" }),
    orderPayload({ id: 61003, customerId: 6103, total: "600.00", createdAt: "2025-03-03T10:00:00Z" }),
  ];
  for (const body of orders) expect((await sendWebhook(app.baseUrl, { topic: "orders/create", shop: SHOP, body })).status).toBe(200);
  await app.drained();
});

afterAll(async () => {
  await app?.stop();
  await double?.close();
});

describe("the loyalty admin", () => {
  it("invites the merchant to set up the program", async () => {
    const page = await documentRequest(app.baseUrl, "/app/loyalty", SHOP, token());
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Set up the program");
  });

  it("creates the program: past orders earn in the background, and the storefront's program metafields are written", async () => {
    const response = await postJson("/app/loyalty/settings", {
      enabled: true,
      pointsPerCurrencyUnit: "1",
      rounding: "down",
      requirePaid: true,
      includeTestOrders: false,
      minimumOrder: "",
      accountCreationPoints: "",
      expiryMonths: "",
      pitch: "Points on every order",
      startFrom: "2025-01-01",
    });
    expect(response.status).toBe(200);
    expect((await actionResult(response)).data).toMatchObject({ ok: true });
    // The run starts a few seconds after the save (every worker's copy of the program is fresh by then).
    const balances = await waitFor(
      () => app.db.pointsEntry.groupBy({ by: ["customerId"], where: { shop: SHOP }, _sum: { points: true } }),
      (rows) => rows.length === 3,
      30_000,
    );
    expect(Object.fromEntries(balances.map((b) => [b.customerId, b._sum.points]))).toEqual({ "6101": 50, "6102": 150, "6103": 600 });
    const installation = await waitFor(
      async () => double.control.getMetafields(SHOP, "gid://shopify/AppInstallation/1234567"),
      (list) => list.some((m) => m.key === "program_enabled"),
    );
    expect(installation.find((m) => m.key === "program_enabled")?.value).toBe("true");
  });

  it("refuses invalid settings with a message on the field", async () => {
    const response = await postJson("/app/loyalty/settings", {
      enabled: true,
      pointsPerCurrencyUnit: "-2",
      rounding: "down",
      requirePaid: true,
      includeTestOrders: false,
      minimumOrder: "",
      accountCreationPoints: "",
      expiryMonths: "",
      pitch: "",
      startFrom: "2025-01-01",
    });
    expect(response.status).toBe(400);
    const { data } = await actionResult<{ message: { key: string }; errors: { path: string; key?: string }[] }>(response);
    expect(data?.errors.map((e) => e.path)).toContain("earning.pointsPerCurrencyUnit");
    // Messages travel as keys, translated where the page shows them.
    expect(data?.message).toEqual({ key: "loyalty.common.checkFields" });
    expect(data?.errors.find((e) => e.path === "earning.pointsPerCurrencyUnit")?.key).toBe("loyalty.error.settings.pointsNotPositive");
  });

  it("previews a ladder, saves it, re-evaluates everyone in the background and writes tiers to Shopify", async () => {
    const draft = {
      basis: "net_spend",
      window: "lifetime",
      tiers: [
        {
          id: "member",
          name: "Member",
          threshold: "0.00",
          retention: "immediate",
          graceDays: "30",
          reviewMonth: "1",
          reviewDay: "1",
          percentOff: "0",
          pointsMultiplier: "1",
          freeShipping: false,
          description: "",
        },
        {
          id: "silver",
          name: "Silver",
          threshold: "100.00",
          retention: "immediate",
          graceDays: "30",
          reviewMonth: "1",
          reviewDay: "1",
          percentOff: "0",
          pointsMultiplier: "1",
          freeShipping: false,
          description: "",
        },
        {
          id: "gold",
          name: "Gold",
          threshold: "500.00",
          retention: "immediate",
          graceDays: "30",
          reviewMonth: "1",
          reviewDay: "1",
          percentOff: "5",
          automaticDiscount: true,
          pointsMultiplier: "2",
          freeShipping: true,
          description: "Early access",
        },
      ],
    };
    const preview = await postJson("/app/loyalty/tiers", { intent: "preview", draft });
    expect(preview.status).toBe(200);
    const { data: previewed } = await actionResult<{ ok: boolean; rows: { tierId: string | null; customers: number }[] }>(preview);
    expect(previewed?.rows.map((r) => [r.tierId, r.customers])).toEqual([
      [null, 0],
      ["member", 1],
      ["silver", 1],
      ["gold", 1],
    ]);
    const saved = await postJson("/app/loyalty/tiers", { intent: "save", draft });
    const { data: result } = await actionResult<{ ok: boolean; runId: string }>(saved);
    expect(result?.ok).toBe(true);
    // In progress until the delayed run (a few seconds after the save) completes.
    expect((await app.db.tierEvaluationRun.findUnique({ where: { id: result!.runId } }))?.status).toBe("running");
    await waitFor(
      () => app.db.tierEvaluationRun.findUnique({ where: { id: result!.runId } }),
      (run) => run?.status === "completed",
      30_000,
    );
    const members = await app.db.loyaltyMember.findMany({ where: { shop: SHOP }, orderBy: { customerId: "asc" } });
    expect(members.map((m) => m.tierId)).toEqual(["member", "silver", "gold"]);
    // The write-back job follows the evaluation.
    const tier = await waitFor(
      async () => double.control.getMetafields(SHOP, "gid://shopify/Customer/6103").find((m) => m.key === "tier")?.value,
      (value) => value === "Gold",
      30_000,
    );
    expect(tier).toBe("Gold");
    // Tags go out in their own calls after the metafields: wait for them too.
    const silverTags = await waitFor(
      async () => double.control.getTags(SHOP, "gid://shopify/Customer/6102"),
      (tags) => tags.length > 0,
      30_000,
    );
    expect(silverTags).toEqual(["tier:Silver"]);
    // Gold's 5% is an automatic discount for the Gold segment, written by the tier-discount job.
    const automatic = await waitFor(
      async () => double.control.getDiscounts(SHOP).filter((d) => d.kind === "automatic"),
      (list) => list.length === 1,
      30_000,
    );
    const [segment] = double.control.getSegments(SHOP);
    expect(segment).toMatchObject({ query: "customer_tags CONTAINS 'tier:Gold'" });
    expect(automatic[0]).toMatchObject({
      value: { type: "percentage", percentage: 0.05 },
      context: { type: "segments", ids: [segment.id] },
    });

    const overview = await loaderData<{ members: number; tiers: { tierId: string | null; members: number; pointsOutstanding: number }[] }>(
      app.baseUrl,
      "/app/loyalty",
      "routes/app.loyalty._index",
      token(),
    );
    expect(overview.members).toBe(3);
    expect(overview.tiers.find((t) => t.tierId === "gold")).toMatchObject({ members: 1, pointsOutstanding: 600 });
  });

  it("shows a member's panel and adjusts their points with a reason, once per request", async () => {
    const adjust = () =>
      bearerRequest(app.baseUrl, "/app/loyalty/members/6101.data", token(), {
        method: "POST",
        body: new URLSearchParams({ intent: "adjust", points: "25", reason: "Late delivery", requestId: "form-1" }),
      });
    expect((await actionResult(await adjust())).data).toMatchObject({ ok: true, message: { key: "loyalty.member.adjusted" } });
    expect((await actionResult(await adjust())).data).toMatchObject({ ok: true, message: { key: "loyalty.member.alreadyAdjusted" } });
    const noReason = await bearerRequest(app.baseUrl, "/app/loyalty/members/6101.data", token(), {
      method: "POST",
      body: new URLSearchParams({ intent: "adjust", points: "25", reason: " ", requestId: "form-2" }),
    });
    expect(noReason.status).toBe(400);
    // The engine's English refusal reaches the panel as its key.
    expect((await actionResult(noReason)).data).toMatchObject({ ok: false, message: { key: "loyalty.error.adjust.reasonMissing" } });
    const panel = await loaderData<{
      panel: { balance: number; tier: { name: string } | null; ledger: { kind: string; reason: string | null }[] };
    }>(app.baseUrl, "/app/loyalty/members/6101", "routes/app.loyalty.members.$id", token());
    expect(panel.panel.balance).toBe(75);
    expect(panel.panel.tier?.name).toBe("Member");
    expect(panel.panel.ledger[0]).toMatchObject({ kind: "adjust", reason: "Late delivery" });
    const page = await documentRequest(app.baseUrl, "/app/loyalty/members/6101", SHOP, token());
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Late delivery");
  });

  it("never shows one shop's members to another", async () => {
    const overview = await loaderData<{ members: number; program: unknown }>(
      app.baseUrl,
      "/app/loyalty",
      "routes/app.loyalty._index",
      token(OTHER),
    );
    expect(overview).toMatchObject({ members: 0, program: null });
    const panel = await loaderData<{ panel: { balance: number; ledger: unknown[] } }>(
      app.baseUrl,
      "/app/loyalty/members/6101",
      "routes/app.loyalty.members.$id",
      token(OTHER),
    );
    expect(panel.panel).toMatchObject({ balance: 0, ledger: [] });
    const page = await documentRequest(app.baseUrl, "/app/loyalty/tiers", SHOP, token());
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Preview over the whole history");
  });

  it("speaks the admin's language: the tiers page in French", async () => {
    const page = await documentRequest(app.baseUrl, "/app/loyalty/tiers?locale=fr", SHOP, token());
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const french of ["Paliers de fidélité", "Ajouter un palier", "Les paliers comptent", "Appliquer la remise automatiquement"])
      expect(html).toContain(french);
    for (const english of ["Loyalty tiers", "Add tier", "Preview over the whole history"]) expect(html).not.toContain(english);
    // And in English when the admin is in English.
    const english = await (await documentRequest(app.baseUrl, "/app/loyalty/tiers", SHOP, token())).text();
    expect(english).toContain("Add tier");
  });
});
