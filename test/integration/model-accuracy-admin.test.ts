// The model accuracy page, the sync page's accuracy line, the intervals on the customer page and in the CSV
// export, and the loyalty panel on the customer page, through the built app with real session tokens. The
// fits are real: orders go through the ingest pipeline and the refit runs app/clv on them, so the page shows
// what a merchant would see.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NormalizedOrder } from "~/orders/types";
import type { ModelAccuracy, AccuracySummary } from "~/data/model-accuracy.server";
import type { CustomerDetail } from "~/data/customer-detail.server";
import type { MemberPanel } from "~/data/loyalty-overview.server";
import { formatMinorDecimal } from "~/lib/money";
import { formatMoney, formatPercent } from "~/lib/format";
import { startApp } from "../support/app-under-test";
import { bearerRequest, documentRequest, installOfflineSession, loaderData, sessionToken } from "../support/session-token";
import { installShop } from "../support/shops";
import { syntheticOrders } from "../../testkit/synthetic-shop";

const FITTED = "accuracy-fitted.myshopify.com";
const THIN = "accuracy-thin.myshopify.com";
const NEVER = "accuracy-never.myshopify.com";
const YEN = "accuracy-yen.myshopify.com";
const DAY = 86_400_000;

let app: Awaited<ReturnType<typeof startApp>>;
const token = (shop: string) => sessionToken({ shop });
const html = async (shop: string, path: string) => {
  const response = await documentRequest(app.baseUrl, path, shop, token(shop));
  expect(response.status).toBe(200);
  return response.text();
};
const accuracyOf = (shop: string) =>
  loaderData<{ accuracy: ModelAccuracy | null }>(app.baseUrl, "/app/model", "routes/app.model", token(shop));
const detailOf = (shop: string, id: string) =>
  loaderData<CustomerDetail & { loyalty: MemberPanel | null }>(
    app.baseUrl,
    `/app/customers/${id}`,
    "routes/app.customers.$id",
    token(shop),
  );
const csvOf = async (shop: string) => {
  const response = await bearerRequest(app.baseUrl, "/app/customers/export.csv", token(shop));
  expect(response.status).toBe(200);
  const lines = (await response.text()).split("\r\n").slice(0, -1);
  const header = lines[0].split(",");
  return { header, rows: lines.slice(1).map((l) => l.split(",")), column: (name: string) => header.indexOf(name) };
};
/** Text as React escapes it in HTML. */
const escaped = (text: string) => text.replaceAll("&", "&amp;").replaceAll("'", "&#x27;").replaceAll('"', "&quot;").replaceAll("<", "&lt;");

function order(id: string, customerId: string, totalMinor: number, at: number): NormalizedOrder {
  const iso = new Date(at).toISOString();
  return {
    id,
    customer: { id: customerId, email: null, firstName: null, lastName: null, phone: null, tags: null, createdAt: null, updatedAt: iso },
    name: `#${id}`,
    email: null,
    currencyCode: "USD",
    totalMinor,
    presentmentCurrency: null,
    presentmentTotalMinor: null,
    financialStatus: "paid",
    sourceName: null,
    test: false,
    createdAt: iso,
    processedAt: iso,
    updatedAt: iso,
    cancelledAt: null,
    closedAt: null,
    lineItems: [],
    refunds: [],
  };
}

beforeAll(async () => {
  app = await startApp({ workers: false });
  for (const shop of [FITTED, THIN, NEVER, YEN]) {
    await installShop(app.db, shop, { currencyCode: shop === YEN ? "JPY" : "USD", ianaTimezone: "UTC" });
    await installOfflineSession(app.db, shop);
  }
  const { ingestBatch } = await import("~/data/ingest.server");
  const { refitShop } = await import("~/data/refit.server");
  // A BG/NBD shop of 600 customers over 540 days up to yesterday.
  const end = Date.now() - DAY;
  const orders = [
    ...syntheticOrders({
      seed: 13,
      customers: 600,
      endDate: end,
      spanDays: 540,
      guestShare: 0,
      testOrderShare: 0,
      cancelShare: 0,
      refundShare: 0,
    }),
  ].map((o) => order(String(o.id), String(o.customer!.id), o.totalMinor, o.processedAt));
  for (let i = 0; i < orders.length; i += 500) await ingestBatch(app.db, FITTED, [{ orders: orders.slice(i, i + 500), refunds: [] }]);
  const fitted = await refitShop(app.db, FITTED);
  expect(fitted.status).toBe("fitted");
  // Twelve customers, three of whom came back: too few to trust any model.
  const thin: NormalizedOrder[] = [];
  for (let i = 0; i < 12; i++) thin.push(order(`t${i}`, `thin${i}`, 2_000, end - (200 - i * 10) * DAY));
  for (let i = 0; i < 3; i++) thin.push(order(`r${i}`, `thin${i}`, 3_000, end - (40 - i) * DAY));
  await ingestBatch(app.db, THIN, [{ orders: thin, refunds: [] }]);
  const small = await refitShop(app.db, THIN);
  expect(small.status).toBe("insufficient_data");
}, 240_000);

afterAll(async () => {
  await app?.stop();
});

describe("the model accuracy page", () => {
  it("shows the chosen model, why, the baseline comparison, the coverage and the latest test", async () => {
    const fit = await app.db.modelFit.findFirstOrThrow({ where: { shop: FITTED }, orderBy: { fittedAt: "desc" } });
    const { accuracy } = await accuracyOf(FITTED);
    expect(accuracy).not.toBeNull();
    const a = accuracy!;
    expect(a.status).toBe("fitted");
    expect(a.model).toBe(fit.model);
    expect(a.choice?.status).toBe("chosen");
    expect(a.choice?.reason).toBe(JSON.parse(fit.accuracy!).modelChoice.reason);
    // Coverage and the baseline are the stored averages of the chosen model.
    const stored = JSON.parse(fit.accuracy!).modelChoice;
    expect(a.coverage?.observed).toBe(stored.averages[fit.model!].coverage);
    expect(a.baselineComparison?.modelRmse).toBe(stored.averages[fit.model!].rmse);
    expect(a.baselineComparison?.baselineRmse).toBe(stored.baseline.rmse);
    // Every model at every scored cut-off, and the baseline.
    for (const cutoff of a.cutoffs.filter((c) => c.status === "scored")) {
      expect(cutoff.scores.map((s) => s.name).sort()).toEqual(["baseline", "bgnbd", "mbgnbd", "paretonbd"]);
    }
    // The latest test: weekly series adding up to its totals, and calibration buckets over every customer.
    const evidence = a.evidence!;
    expect(evidence.model).toBe(fit.model);
    expect(evidence.weeks.length).toBe(Math.ceil(evidence.holdoutDays / 7));
    expect(evidence.weeks.reduce((s, w) => s + w.actual, 0)).toBe(evidence.actualPurchases);
    expect(evidence.calibration.reduce((s, b) => s + b.customers, 0)).toBe(evidence.customers);

    const page = await html(FITTED, "/app/model");
    expect(page).toContain("<title>Model accuracy · Customer lifetime value</title>");
    expect(page).toContain(`data-model="${fit.model}"`);
    expect(page).toContain(`was chosen for your store`);
    expect(page).toContain(
      escaped(`${formatPercent(a.coverage!.observed, "en", 1)} of customers ordered a number of times inside their range`),
    );
    expect(page).toMatch(/closer to what each customer actually ordered than a simple guess|did not predict better than a simple guess/);
    // Server-rendered: the charts' figures as tables, with their headings.
    expect(page).toContain("Week starting");
    expect(page).toContain("Predicted chance of ordering");
    expect(page).toContain('data-testid="scores-table"');
    expect(page).toContain("Simple guess (past pace)");
  });

  it("says why a thin shop has no predictions and what it needs", async () => {
    const fit = await app.db.modelFit.findFirstOrThrow({ where: { shop: THIN }, orderBy: { fittedAt: "desc" } });
    const { accuracy } = await accuracyOf(THIN);
    expect(accuracy?.status).toBe("insufficient_data");
    expect(accuracy?.model).toBeNull();
    expect(accuracy?.reason).toBe(fit.reason);
    expect(accuracy?.shortfall?.moreRepeatCustomers).toBe(47);
    const page = await html(THIN, "/app/model");
    expect(page).toContain("No predictions yet");
    expect(page).toContain(escaped(`Why: ${fit.reason}`));
    expect(page).toContain("about 47 more repeat customers");
    expect(page).not.toContain('data-testid="accuracy-why"');
  });

  it("shows each shop only its own fit", async () => {
    expect((await accuracyOf(NEVER)).accuracy).toBeNull();
    const never = await html(NEVER, "/app/model");
    expect(never).toContain("No model yet");
    expect(never).not.toContain("data-model=");
    const thinReason = (await app.db.modelFit.findFirstOrThrow({ where: { shop: THIN } })).reason!;
    expect(await html(FITTED, "/app/model")).not.toContain(escaped(thinReason));
    expect((await html(THIN, "/app/model")).includes("data-model=")).toBe(false);
  });

  it("answers a request without a valid session token with no figures", async () => {
    const response = await bearerRequest(
      app.baseUrl,
      "/app/model.data?_routes=routes/app.model",
      sessionToken({ shop: FITTED, secret: "not-the-secret" }),
    );
    expect(response.status).toBe(401);
  });
});

describe("the sync page's accuracy line", () => {
  it("says how good the model is and links to the accuracy page", async () => {
    const data = await loaderData<{ accuracy: AccuracySummary | null }>(app.baseUrl, "/app/sync", "routes/app.sync", token(FITTED));
    const { accuracy } = await accuracyOf(FITTED);
    expect(data.accuracy).toEqual({
      status: "fitted",
      modelLabel: accuracy!.modelLabel,
      improvement: accuracy!.baselineComparison!.improvement,
      coverage: accuracy!.coverage!.observed,
      moreRepeatCustomers: null,
    });
    const page = await html(FITTED, "/app/sync");
    expect(page).toContain('data-testid="model-accuracy-line"');
    expect(page).toContain("See model accuracy");
    expect(page).toMatch(/href="\/app\/model[?"]/);
    const thin = await html(THIN, "/app/sync");
    expect(thin).toContain("no predictions yet; about 47 more repeat customers are needed");
    expect(await html(NEVER, "/app/sync")).not.toContain('data-testid="model-accuracy-line"');
  });
});

describe("intervals on the customer page and in the export", () => {
  async function predictedCustomer() {
    return app.db.customerValue.findFirstOrThrow({
      where: { shop: FITTED, predictedClvMinor: { gt: 0 }, purchasesHigh: { gt: 0 } },
      orderBy: { predictedClvMinor: "desc" },
    });
  }

  it("shows the 80% range next to the expected orders and the predicted value", async () => {
    const value = await predictedCustomer();
    const detail = await detailOf(FITTED, value.customerId);
    expect(detail.purchasesLow).toBe(value.purchasesLow);
    expect(detail.purchasesHigh).toBe(value.purchasesHigh);
    expect(detail.clvLowMinor).toBe(value.clvLowMinor!.toString());
    expect(detail.clvHighMinor).toBe(value.clvHighMinor!.toString());
    const page = await html(FITTED, `/app/customers/${value.customerId}`);
    expect(page).toContain(`Likely ${value.purchasesLow} to ${value.purchasesHigh} orders.`);
    expect(page).toContain(
      `Likely between ${formatMoney(value.clvLowMinor!, "USD", "en")} and ${formatMoney(value.clvHighMinor!, "USD", "en")}`,
    );
    expect(page).toContain("Ranges run from the 10th to the 90th percentile");
    // No loyalty program in this shop: no panel.
    expect(detail.loyalty).toBeNull();
    expect(page).not.toContain('data-testid="loyalty-panel"');
  });

  it("exports the interval bounds beside the predictions, money in the shop's currency", async () => {
    const { header, rows, column } = await csvOf(FITTED);
    expect(header.slice(11, 19)).toEqual([
      "expected_purchases_12m",
      "purchases_low",
      "purchases_high",
      "probability_order_12m",
      "probability_alive",
      "predicted_clv_12m",
      "clv_low",
      "clv_high",
    ]);
    const values = await app.db.customerValue.findMany({ where: { shop: FITTED } });
    expect(rows).toHaveLength(values.length);
    for (const v of values) {
      const row = rows.find((r) => r[0] === v.customerId)!;
      const predicted = v.predictedClvMinor !== null;
      expect(row[column("purchases_low")], v.customerId).toBe(predicted && v.purchasesLow !== null ? String(v.purchasesLow) : "");
      expect(row[column("purchases_high")], v.customerId).toBe(predicted && v.purchasesHigh !== null ? String(v.purchasesHigh) : "");
      expect(row[column("clv_low")], v.customerId).toBe(predicted ? formatMinorDecimal(v.clvLowMinor!, "USD") : "");
      expect(row[column("clv_high")], v.customerId).toBe(predicted ? formatMinorDecimal(v.clvHighMinor!, "USD") : "");
    }
    // At least one customer's range is not empty.
    expect(rows.some((r) => Number(r[column("purchases_high")]) > 0)).toBe(true);
  });

  it("formats the bounds like the other money columns in a currency without minor units", async () => {
    await app.db.customerValue.create({
      data: {
        shop: YEN,
        customerId: "501",
        orderCount: 2,
        grossMinor: 12_000n,
        netRevenueMinor: 12_000n,
        aovMinor: 6_000n,
        expectedPurchases: 1.25,
        predictedClvMinor: 7_600n,
        purchasesLow: 0,
        purchasesHigh: 3,
        clvLowMinor: 0n,
        clvHighMinor: 18_240n,
        predictedAt: new Date(),
      },
    });
    const { rows, column } = await csvOf(YEN);
    const row = rows.find((r) => r[0] === "501")!;
    expect(row[column("predicted_clv_12m")]).toBe("7600");
    expect([row[column("purchases_low")], row[column("purchases_high")]]).toEqual(["0", "3"]);
    expect([row[column("clv_low")], row[column("clv_high")]]).toEqual(["0", "18240"]);
  });
});

describe("the loyalty panel on the customer page", () => {
  it("shows the member's tier, balance and ledger once the shop has a program", async () => {
    const programs = await import("~/data/loyalty-program.server");
    const evaluation = await import("~/data/loyalty-evaluation.server");
    const saved = await programs.saveProgramSettings(app.db, FITTED, {
      settings: { enabled: true, currencyCode: "USD", earning: { pointsPerCurrencyUnit: 1 } },
      effectiveFromMs: Date.UTC(2000, 0, 1),
    });
    expect(saved.ok).toBe(true);
    const tiers = await programs.saveTiers(app.db, FITTED, {
      basis: "order_count",
      window: "lifetime",
      tiers: [
        { id: "member", name: "Member", threshold: 0 },
        { id: "regular", name: "Regular Circle", threshold: 2 },
      ],
    });
    expect(tiers.ok).toBe(true);
    await evaluation.runTierEvaluation(app.db, FITTED, { reason: "program_started" });

    const repeat = await app.db.customerValue.findFirstOrThrow({
      where: { shop: FITTED, orderCount: { gte: 3 } },
      orderBy: { customerId: "asc" },
    });
    const detail = await detailOf(FITTED, repeat.customerId);
    expect(detail.loyalty?.program?.enabled).toBe(true);
    expect(detail.loyalty?.tier?.name).toBe("Regular Circle");
    const balance = await app.db.pointsEntry.aggregate({ where: { shop: FITTED, customerId: repeat.customerId }, _sum: { points: true } });
    expect(detail.loyalty?.balance).toBe(balance._sum.points);
    expect(detail.loyalty!.balance).toBeGreaterThan(0);

    const page = await html(FITTED, `/app/customers/${repeat.customerId}`);
    expect(page).toContain('data-testid="loyalty-panel"');
    expect(page).toContain("Regular Circle");
    expect(page).toContain(`data-testid="loyalty-balance">${detail.loyalty!.balance.toLocaleString("en-US")}`);
    // Another shop without a program still shows no panel.
    const yen = await html(YEN, "/app/customers/501");
    expect(yen).not.toContain('data-testid="loyalty-panel"');
  });
});
