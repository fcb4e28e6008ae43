// The retention admin over real HTTP against the built app, with session tokens as App Bridge sends them:
// the at-risk list (highest value at stake first, reasons in words, P(alive) now and before), the trend over
// refits, the settings form with a message per field, the dashboard card, the experiments list and report
// with "too early to tell"; a customer of shop B never appears for shop A, and a forged token gets nothing.
import type { PrismaClient } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../support/app-under-test";
import { addCustomer, addModelFit } from "../support/hand-shop";
import { actionResult, bearerRequest, documentRequest, installOfflineSession, loaderData, sessionToken } from "../support/session-token";
import type { RetentionLoaderData } from "~/routes/app.retention._index/route";
import type { ExperimentsLoaderData } from "~/routes/app.retention.experiments/route";
import type { SettingsActionResult } from "~/routes/app.retention._index/settings-form.server";

const A = "retention-a.myshopify.com";
const B = "retention-b.myshopify.com";
const INDEX = "routes/app.retention._index";
const EXPERIMENTS = "routes/app.retention.experiments";
const DAY = 86_400_000;
const NOW = Date.now();

let app: Awaited<ReturnType<typeof startApp>>;
let db: PrismaClient;
const token = (shop: string) => sessionToken({ shop });

async function postSettings(shop: string, fields: Record<string, string>, authToken = token(shop)) {
  const response = await bearerRequest(app.baseUrl, "/app/retention.data?index", authToken, {
    method: "POST",
    body: new URLSearchParams(fields),
  });
  return {
    status: response.status,
    result: response.status < 300 || response.status === 400 ? (await actionResult<SettingsActionResult>(response)).data : undefined,
  };
}

/** A stored risk row as the detection writes it (reason JSON included). */
function risk(shop: string, customerId: string, stakeMinor: bigint, reason: unknown, fitId: string) {
  return {
    shop,
    customerId,
    atRisk: true,
    episodeStartDay: Math.floor(NOW / DAY) - 14,
    valueAtStakeMinor: stakeMinor,
    reason: JSON.stringify(reason),
    probabilityAlive: 0.31,
    predictedClvMinor: 10_000n,
    modelFitId: fitId,
  };
}

beforeAll(async () => {
  app = await startApp({ workers: false });
  db = app.db;
  for (const shop of [A, B]) {
    await installOfflineSession(db, shop);
    await db.shop.create({ data: { shop, currencyCode: "USD", ianaTimezone: "UTC", installedAt: new Date() } });
  }
  const order = (id: string, daysAgo: number) => ({ id, at: new Date(NOW - daysAgo * DAY), totalMinor: 10_000n });
  await addCustomer(db, A, { id: "501", firstName: "Alice", lastName: "Slipping", orders: [order("5011", 400), order("5012", 133)] });
  await addCustomer(db, A, { id: "502", firstName: "Carol", lastName: "Once", orders: [order("5021", 200)] });
  await addCustomer(db, B, { id: "601", firstName: "Bruno", lastName: "Otherstore", orders: [order("6011", 300)] });
  // Two detected refits for A (the trend), one for B.
  await addModelFit(db, A, { id: "fit-a1", asOf: new Date(NOW - 8 * DAY), timeZone: "UTC" });
  await addModelFit(db, A, { id: "fit-a2", asOf: new Date(NOW - DAY), timeZone: "UTC" });
  await addModelFit(db, B, { id: "fit-b1", asOf: new Date(NOW - DAY), timeZone: "UTC" });
  await db.retentionSnapshot.createMany({
    data: [
      { shop: A, modelFitId: "fit-a1", atRiskCustomers: 1, valueAtStakeMinor: 4_000n, createdAt: new Date(NOW - 8 * DAY) },
      { shop: A, modelFitId: "fit-a2", atRiskCustomers: 2, valueAtStakeMinor: 32_228n + 9_500n, createdAt: new Date(NOW - DAY) },
      { shop: B, modelFitId: "fit-b1", atRiskCustomers: 1, valueAtStakeMinor: 77_700n, createdAt: new Date(NOW - DAY) },
    ],
  });
  await db.customerRisk.createMany({
    data: [
      risk(
        A,
        "502",
        9_500n,
        {
          v: 1,
          criteria: 4,
          effectiveProbabilityAlive: 0.05,
          previousProbabilityAlive: null,
          reasons: [{ kind: "one_time_overdue", values: { daysSinceOrder: 200, typicalGapDays: 35, shareReorderedSooner: 0.95 } }],
        },
        "fit-a2",
      ),
      risk(
        A,
        "501",
        32_228n,
        {
          v: 1,
          criteria: 3,
          effectiveProbabilityAlive: 0.31,
          previousProbabilityAlive: 0.82,
          reasons: [
            { kind: "rhythm_broken", values: { averageGapDays: 35, daysSinceLastOrder: 133 } },
            { kind: "probability_dropped", values: { previousProbabilityAlive: 0.82, probabilityAlive: 0.31 } },
          ],
        },
        "fit-a2",
      ),
      risk(B, "601", 77_700n, { v: 1, criteria: 1, effectiveProbabilityAlive: 0.2, previousProbabilityAlive: null, reasons: [] }, "fit-b1"),
    ],
  });
  // An experiment of A with a handful of customers: far too few to judge.
  await db.experiment.create({
    data: {
      shop: A,
      key: "win-back-1",
      kind: "win_back",
      holdoutShare: 0.2,
      salt: "saltsaltsaltsaltsaltsalt",
      startedAt: new Date(NOW - 300 * DAY),
    },
  });
  await db.experimentExposure.createMany({
    data: [
      {
        shop: A,
        experimentKey: "win-back-1",
        customerId: "501",
        arm: "treatment",
        firstExposedAt: new Date(NOW - 250 * DAY),
        costMinor: 1_500n,
      },
      { shop: A, experimentKey: "win-back-1", customerId: "502", arm: "holdout", firstExposedAt: new Date(NOW - 150 * DAY) },
    ],
  });
  await db.experiment.create({ data: { shop: B, key: "offers-9", kind: "offers", holdoutShare: 0.1, salt: "saltsaltsaltsaltsaltsalt" } });
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

describe("the at-risk list", () => {
  it("lists the shop's own customers at risk, highest value at stake first, with the stored figures", async () => {
    const a = await loaderData<RetentionLoaderData>(app.baseUrl, "/app/retention", INDEX, token(A));
    expect(a.list.total).toBe(2);
    expect(a.list.valueAtStakeMinor).toBe("41728");
    expect(a.list.rows.map((r) => [r.customerId, r.valueAtStakeMinor, r.probabilityAlive, r.previousProbabilityAlive])).toEqual([
      ["501", "32228", 0.31, 0.82],
      ["502", "9500", 0.05, null],
    ]);
    expect(a.list.rows[0]).toMatchObject({ firstName: "Alice", lastName: "Slipping" });
    expect(a.list.rows[0].lastOrderAt).toBe(new Date(NOW - 133 * DAY).toISOString());
    expect(a.trend.map((p) => [p.refitId, p.flagged, p.valueAtStakeMinor, p.flaggedChange])).toEqual([
      ["fit-a1", 1, "4000", null],
      ["fit-a2", 2, "41728", 1],
    ]);
    // Defaults until the merchant saves.
    expect(a.form).toEqual({ threshold: "50", sharpDrop: "30", minValue: "0.00", winBack: "off" });

    const b = await loaderData<RetentionLoaderData>(app.baseUrl, "/app/retention", INDEX, token(B));
    expect(b.list.rows.map((r) => r.customerId)).toEqual(["601"]);
    expect(b.trend.map((p) => p.refitId)).toEqual(["fit-b1"]);
  });

  it("renders the page with the reasons in plain words, links to the customer, and never another shop's customer", async () => {
    const response = await documentRequest(app.baseUrl, "/app/retention", A, token(A));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("<title>Customers at risk · ");
    expect(html).toContain("ui-title-bar");
    expect(html).toContain("Alice Slipping");
    expect(html).toContain("ordered every ~5 weeks, nothing for 19 weeks");
    expect(html).toContain("chance of still being an active customer fell from 82% to 31% since the last model update");
    expect(html).toContain("bought once, 6 months ago; 95% of repeat customers order again sooner (typically after ~5 weeks)");
    expect(html).toContain("/app/customers/501");
    expect(html).toContain("2 customers at risk, $417.28 at stake");
    expect(html).not.toContain("Otherstore");
    // Headings in order: the page's h1, then the cards' h2s.
    const headings = [...html.matchAll(/<h([1-6])[^>]*>(.*?)<\/h\1>/g)].map((m) => `h${m[1]}:${m[2].replace(/<[^>]+>/g, "")}`);
    expect(headings.filter((h) => /^h[12]/.test(h))).toEqual([
      "h1:Customers at risk",
      "h2:Valuable customers slipping",
      "h2:Over the model updates",
      "h2:When a customer counts as slipping",
    ]);
  });

  it("says it in French for a French admin", async () => {
    const response = await documentRequest(app.baseUrl, "/app/retention?locale=fr", A, token(A));
    const html = await response.text();
    expect(html).toContain("commandait toutes les ~5 semaines, rien depuis 19 semaines");
  });

  it("refuses a forged token and a token for no shop's session", async () => {
    const forged = sessionToken({ shop: A, secret: "not-the-app-secret" });
    const data = await bearerRequest(app.baseUrl, "/app/retention.data?_routes=routes%2Fapp.retention._index", forged);
    expect(data.status).toBe(401);
    const page = await documentRequest(app.baseUrl, "/app/retention", A, forged);
    expect([302, 401]).toContain(page.status);
    expect(await page.text()).not.toContain("Alice");
    const saved = await postSettings(A, { threshold: "40", sharpDrop: "20", minValue: "10", winBack: "on" }, forged);
    expect(saved.status).toBe(401);
    expect(await db.retentionSettings.findUnique({ where: { shop: A } })).toBeNull();
  });
});

describe("the settings", () => {
  it("refuses invalid values with a message per field and stores nothing", async () => {
    const { status, result } = await postSettings(A, { threshold: "150", sharpDrop: "abc", minValue: "-5", winBack: "on" });
    expect(status).toBe(400);
    expect(result).toEqual({
      ok: false,
      message: "retention.settings.invalid",
      errors: {
        threshold: "retention.settings.error.threshold",
        sharpDrop: "retention.settings.error.sharpDrop",
        minValue: "retention.settings.error.minValue",
      },
    });
    expect(await db.retentionSettings.findUnique({ where: { shop: A } })).toBeNull();
  });

  it("saves for the shop of the token only, in app/retention's units", async () => {
    const { status, result } = await postSettings(A, { threshold: "40", sharpDrop: "25", minValue: "12.50", winBack: "on" });
    expect(status).toBe(200);
    expect(result).toMatchObject({ ok: true, message: "retention.settings.saved" });
    expect(await db.retentionSettings.findUnique({ where: { shop: A } })).toMatchObject({
      aliveThreshold: 0.4,
      sharpDrop: 0.25,
      minValueAtStakeMinor: 1_250n,
      winBackEnabled: true,
    });
    expect(await db.retentionSettings.findUnique({ where: { shop: B } })).toBeNull();
    const a = await loaderData<RetentionLoaderData>(app.baseUrl, "/app/retention", INDEX, token(A));
    expect(a.form).toEqual({ threshold: "40", sharpDrop: "25", minValue: "12.50", winBack: "on" });
  });
});

describe("the dashboard card", () => {
  it("says how many valuable customers are slipping and what is at stake, per shop", async () => {
    const a = await (await documentRequest(app.baseUrl, "/app", A, token(A))).text();
    expect(a).toContain("2 valuable customers slipping, $417.28 at stake");
    const b = await (await documentRequest(app.baseUrl, "/app", B, token(B))).text();
    expect(b).toContain("1 valuable customer slipping, $777.00 at stake");
  });
});

describe("the experiments", () => {
  it("lists the shop's experiments and reports one, saying plainly the sample is too small", async () => {
    const a = await loaderData<ExperimentsLoaderData>(app.baseUrl, "/app/retention/experiments", EXPERIMENTS, token(A));
    expect(a.experiments.map((e) => [e.key, e.kind, e.treatment, e.holdout])).toEqual([["win-back-1", "win_back", 1, 1]]);
    expect(a.selected?.key).toBe("win-back-1");
    expect(a.selected?.report.sample.sufficient).toBe(false);
    expect(a.selected?.report.treatment).toMatchObject({ customers: 1, buyers: 1, revenueMinor: 10_000, costMinor: 1_500 });
    expect(a.selected?.report.holdout).toMatchObject({ customers: 1, buyers: 0, revenueMinor: 0 });
    const html = await (await documentRequest(app.baseUrl, "/app/retention/experiments", A, token(A))).text();
    expect(html).toContain(
      "Too early to tell: each group needs at least 100 customers and 10 who bought; now 1 and 1 customers, 1 and 0 who bought.",
    );
    expect(html).toContain("Win-back codes");
    expect(html).not.toContain("offers-9");
  });

  it("never reports another shop's experiment", async () => {
    const a = await loaderData<ExperimentsLoaderData>(app.baseUrl, "/app/retention/experiments?key=offers-9", EXPERIMENTS, token(A));
    expect(a.selected).toBeNull();
    expect(a.notFound).toBe(true);
    const b = await loaderData<ExperimentsLoaderData>(app.baseUrl, "/app/retention/experiments", EXPERIMENTS, token(B));
    expect(b.experiments.map((e) => e.key)).toEqual(["offers-9"]);
    expect(b.selected?.report.treatment.customers).toBe(0);
  });
});
