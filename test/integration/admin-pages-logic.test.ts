// The pure logic behind the admin pages: the 12-month order probability, the customer explanations, the
// sync page's summary, the dashboard's date ranges, dates on the shop's calendar, and the translations.
// No server: these run in milliseconds (they live with the admin-pages tests they serve).
import { describe, expect, it } from "vitest";
import { bgnbdProbabilityOfPurchases, type BgNbdParams } from "~/clv/bgnbd";
import { probabilityFromTimes, probabilityOfAnyPurchase, type FitScoring } from "~/data/order-probability.server";
import { parseDashboardPeriod } from "~/data/dashboard-period.server";
import { validateTagRequest, segmentQueryForTag } from "~/data/customer-tags.server";
import { explainCustomer, type ExplainInput } from "~/routes/app.customers.$id/explain-customer";
import { syncHealth } from "~/routes/app.sync/health";
import type { SyncStatus } from "~/data/sync-status.server";
import { formatDate, formatDateTime } from "~/lib/format";
import { en } from "~/i18n/messages.en";
import { fr } from "~/i18n/messages.fr";
import { translator, type MessageKey } from "~/i18n/translate";

const CDNOW: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

/** mulberry32: a seeded PRNG for the simulation. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gamma(shape, rate) by Marsaglia–Tsang (shape < 1 through the usual boost). */
function gamma(random: () => number, shape: number, rate: number): number {
  if (shape < 1) return gamma(random, shape + 1, rate) * Math.pow(random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      // Box–Muller normal
      x = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
  }
}

describe("probability of at least one order in the horizon", () => {
  it("reproduces the published CDNOW figure for a new customer: 1 − P(X(39) = 0) = 1 − 0.5737864", () => {
    expect(probabilityOfAnyPurchase(CDNOW, 39, 0, 0, 0)).toBeCloseTo(1 - 0.5737864, 6);
    expect(probabilityOfAnyPurchase(CDNOW, 39, 0, 0, 0)).toBeCloseTo(1 - bgnbdProbabilityOfPurchases(CDNOW, 39, 0), 12);
  });

  it("matches a hand calculation for a repeat buyer (x = 2, t_x = 30, T = 38, t = 52 weeks)", () => {
    // P(alive) = 1 / (1 + 0.793/3.426 · (42.414/34.414)^2.243) = 0.72998;
    // P(no order | alive) = (42.414/94.414)^2.243 = 0.16612; P = 0.72998 · (1 − 0.16612) = 0.60869.
    expect(probabilityOfAnyPurchase(CDNOW, 52, 2, 30, 38)).toBeCloseTo(0.6086922, 6);
  });

  it("is far from certain for a one-time buyer of two years ago, whose P(alive) is 1", () => {
    const longAgo = probabilityOfAnyPurchase(CDNOW, 52.14, 0, 0, 104);
    const recent = probabilityOfAnyPurchase(CDNOW, 52.14, 0, 0, 2);
    expect(longAgo).toBeCloseTo(0.0910085, 6);
    expect(recent).toBeCloseTo(0.4157266, 6);
    expect(longAgo).toBeLessThan(recent);
  });

  it("agrees with a seeded simulation of BG/NBD customers without a repeat purchase by T", () => {
    // While alive a customer buys at Poisson rate λ ~ Gamma(r, α); nobody drops out before a repeat
    // purchase. Among customers with no repeat purchase in (0, T], the share that buys in (T, T + t].
    const random = prng(20261130);
    const T = 20;
    const t = 52;
    let conditioned = 0;
    let bought = 0;
    for (let i = 0; i < 200_000; i++) {
      const lambda = gamma(random, CDNOW.r, CDNOW.alpha);
      const firstRepeat = -Math.log(1 - random()) / lambda;
      if (firstRepeat <= T) continue;
      conditioned++;
      if (firstRepeat <= T + t) bought++;
    }
    const share = bought / conditioned;
    const se = Math.sqrt((share * (1 - share)) / conditioned);
    expect(Math.abs(share - probabilityOfAnyPurchase(CDNOW, t, 0, 0, T))).toBeLessThan(4 * se);
  });

  const fit = (timeZone: string): FitScoring => ({
    params: CDNOW,
    daysPerPeriod: 7,
    timeZone,
    horizon: 12 * 4.345,
    horizonMonths: 12,
    asOf: new Date("2026-06-30T12:00:00Z"),
  });

  it("counts purchase days on the fit's calendar: two orders on one Tokyo day are one purchase", () => {
    // 2026-03-01 15:30 UTC and 2026-03-02 00:30 UTC are both 2 March in Tokyo (UTC+9), two days in UTC.
    const times = [Date.parse("2026-03-01T15:30:00Z"), Date.parse("2026-03-02T00:30:00Z")];
    const end = Date.parse("2026-06-30T12:00:00Z");
    const tokyo = probabilityFromTimes(fit("Asia/Tokyo"), times, end);
    const utc = probabilityFromTimes(fit("UTC"), times, end);
    // Tokyo: x = 0, T = (30 June − 2 March) = 120 days; UTC: x = 1, t_x = 1 day, T = 121 days.
    expect(tokyo).toBeCloseTo(probabilityOfAnyPurchase(CDNOW, 12 * 4.345, 0, 0, 120 / 7), 12);
    expect(utc).toBeCloseTo(probabilityOfAnyPurchase(CDNOW, 12 * 4.345, 1, 1 / 7, 121 / 7), 12);
  });
});

describe("dates on the shop's calendar", () => {
  it("shows an order placed at 00:38 UTC on 29 November on the 28th in New York and the 29th in Tokyo", () => {
    const iso = "2025-11-29T00:38:00.000Z";
    expect(formatDate(iso, "en-US", "America/New_York")).toBe("Nov 28, 2025");
    expect(formatDate(iso, "en-US", "Asia/Tokyo")).toBe("Nov 29, 2025");
    expect(formatDateTime(iso, "en-US", "America/New_York")).toMatch(/^Nov 28, 2025, 7:38\sPM EST$/);
    expect(formatDate(iso, "fr", "Asia/Tokyo")).toBe("29 nov. 2025");
  });

  it("takes the dashboard's date range in the shop's days, with the comparison period", () => {
    const now = new Date("2026-03-10T03:00:00Z"); // still 9 March in New York
    const p = parseDashboardPeriod(new URLSearchParams("range=7d"), "America/New_York", now);
    expect(p.current).toMatchObject({ from: "2026-03-03", to: "2026-03-09", days: 7 });
    expect(p.current.startsAt.toISOString()).toBe("2026-03-03T05:00:00.000Z"); // midnight EST
    // 8 March 2026 is the DST change: the day after it starts at 04:00 UTC.
    expect(p.current.endsBefore.toISOString()).toBe("2026-03-10T04:00:00.000Z");
    expect(p.previous).toMatchObject({ from: "2026-02-24", to: "2026-03-02", days: 7 });

    const year = parseDashboardPeriod(new URLSearchParams("range=custom&from=2024-02-29&to=2024-03-31&compare=year"), "Asia/Tokyo", now);
    expect(year).toMatchObject({ range: "custom", compare: "year" });
    expect(year.previous).toMatchObject({ from: "2023-02-28", to: "2023-03-31" });
    expect(year.current.startsAt.toISOString()).toBe("2024-02-28T15:00:00.000Z");

    for (const bad of ["range=custom&from=2026-02-31&to=2026-03-01", "range=custom&from=2026-03-05&to=2026-03-01", "range=weird"]) {
      expect(parseDashboardPeriod(new URLSearchParams(bad), "UTC", now).current.days, bad).toBe(30);
    }
    expect(parseDashboardPeriod(new URLSearchParams("compare=none"), "UTC", now).previous).toBeNull();
  });
});

describe("explanations of a customer's prediction", () => {
  const NOW = new Date("2026-06-01T12:00:00Z");
  const fitted = { status: "fitted", reason: null, asOf: "2026-05-31T03:00:00Z", fittedAt: "2026-05-31T03:00:10Z" };
  const base: ExplainInput = {
    orderCount: 1,
    tenureDays: 0,
    netRevenueMinor: "4797",
    firstOrderAt: "2024-06-01T10:00:00Z",
    lastOrderAt: "2024-06-01T10:00:00Z",
    probabilityAlive: 1,
    probabilityOrder: 0.09,
    expectedPurchases: 0.1,
    predictedAt: "2026-05-31T03:00:10Z",
    latestFit: fitted,
  };
  const explain = (input: Partial<ExplainInput>, locale = "en-US") => {
    const e = explainCustomer({ ...base, ...input }, NOW, locale, "UTC");
    const t = translator(locale);
    return { state: e.state, text: e.sentences.map((s) => t(s.key, s.params)) };
  };

  it("one-time buyer: leads with the 12-month chance and never calls P(alive) = 1 a chance to order again", () => {
    const { state, text } = explain({});
    expect(state).toBe("one_time_buyer");
    expect(text[0]).toBe("We put the chance that they place at least one order in the next 12 months at 9%.");
    expect(text).toContain("They have ordered once, 2 years ago.");
    expect(text.join(" ")).not.toMatch(/100%|still an active/);
  });

  it("repeat buyer: the chance, their rhythm, and P(alive) explained", () => {
    const { state, text } = explain({
      orderCount: 4,
      tenureDays: 126,
      firstOrderAt: "2025-12-01T10:00:00Z",
      lastOrderAt: "2026-04-06T10:00:00Z",
      probabilityAlive: 0.82,
      probabilityOrder: 0.74,
      expectedPurchases: 2.3,
    });
    expect(state).toBe("repeat_buyer");
    expect(text).toEqual([
      "We put the chance that they place at least one order in the next 12 months at 74%.",
      "They usually order every ~6 weeks and last ordered 8 weeks ago.",
      "Judging by that rhythm, the chance that they are still an active customer is 82%.",
      "The model expects about 2.3 orders from them in the next 12 months.",
    ]);
  });

  it("says the predictions predate the latest order", () => {
    const { text } = explain({ lastOrderAt: "2026-06-01T09:00:00Z" });
    expect(text.at(-1)).toBe(
      "These predictions date from May 31, 2026, before their latest order on Jun 1, 2026; the next model update takes it into account.",
    );
  });

  it("has a true sentence for every customer the model did not score", () => {
    const unscored = { probabilityAlive: null, probabilityOrder: null, expectedPurchases: null, predictedAt: null };
    expect(explain({ ...unscored, orderCount: 0, netRevenueMinor: "0" }).state).toBe("no_counted_orders");
    const refunded = explain({ ...unscored, orderCount: 1, netRevenueMinor: "0" });
    expect(refunded.state).toBe("all_refunded");
    expect(refunded.text[0]).toBe("No prediction: their order was refunded in full, so they have no purchase the model can count.");
    expect(refunded.text.join(" ")).not.toMatch(/repeat buyers/);
    expect(explain({ ...unscored, latestFit: null }).state).toBe("no_model");
    const insufficient = explain({ ...unscored, latestFit: { ...fitted, status: "insufficient_data", reason: "only 1 repeat customer" } });
    expect(insufficient.state).toBe("insufficient_data");
    expect(insufficient.text[0]).toBe(
      "No prediction: the last model update (May 31, 2026) found too little data to predict from (only 1 repeat customer).",
    );
    expect(explain({ ...unscored, latestFit: { ...fitted, status: "failed" } }).state).toBe("fit_failed");
    const newer = explain({ ...unscored, firstOrderAt: "2026-06-01T08:00:00Z", lastOrderAt: "2026-06-01T08:00:00Z" });
    expect(newer.state).toBe("newer_than_model");
    expect(newer.text).toEqual([
      "No prediction yet: their first order came after the last model update (May 31, 2026); the next update (nightly) scores them.",
      "They have ordered once, today.",
    ]);
  });

  it("speaks French", () => {
    const { text } = explain({}, "fr");
    // (Intl puts a no-break space before the % sign in French.)
    expect(text[0]).toBe(`Nous estimons à 9\u00a0% la chance qu'il passe au moins une commande dans les 12 prochains mois.`);
    expect(text).toContain("Il a commandé une fois, il y a 2 ans.");
  });
});

describe("translations", () => {
  const placeholders = (message: string | { one: string; other: string }) =>
    [...new Set((typeof message === "string" ? message : `${message.one} ${message.other}`).match(/\{\w+\}/g) ?? [])].sort();

  it("gives every French message the placeholders of its English one", () => {
    for (const key of Object.keys(en) as MessageKey[]) {
      const english = placeholders(en[key]).filter((p) => p !== "{count}");
      const french = placeholders(fr[key]).filter((p) => p !== "{count}");
      expect(french, key).toEqual(english);
    }
  });

  it("picks plural forms, formats numbers in the locale and falls back to English", () => {
    expect(translator("en")("customers.count", { count: 1 })).toBe("1 customer.");
    expect(translator("en")("customers.count", { count: 18439 })).toBe("18,439 customers.");
    expect(translator("fr-CA")("customers.count", { count: 18439 })).toBe("18\u00a0439 clients.");
    expect(translator("fr")("customers.count", { count: 0 })).toBe("0 client.");
    expect(translator("de")("nav.customers")).toBe("Customers");
  });
});

describe("the sync page's summary", () => {
  const now = new Date("2026-06-01T12:00:00Z");
  const healthy: SyncStatus = {
    queues: [
      { name: "ingest", waiting: 0, active: 0, delayed: 0, failed: 0 },
      { name: "analytics", waiting: 0, active: 0, delayed: 1, failed: 0 },
    ] as SyncStatus["queues"],
    queueError: null,
    failedJobs: [],
    webhooks: [{ topic: "orders/create", deliveries: 3, lastProcessedAt: "2026-06-01T11:55:00Z" }],
    backfills: [
      {
        id: "r1",
        status: "completed",
        active: false,
        objectCount: 10,
        linesImported: 10,
        fraction: 1,
        onlyLast60Days: false,
        startedAt: "2026-05-01T00:00:00Z",
        finishedAt: "2026-05-01T00:05:00Z",
        error: null,
      },
    ],
    modelFit: {
      id: "f",
      status: "fitted",
      reason: null,
      asOf: "2026-06-01T03:00:00Z",
      fittedAt: "2026-06-01T03:00:05Z",
      customers: 1200,
      repeatCustomers: 400,
      durationMs: 80,
      params: [],
    },
  };
  const text = (s: SyncStatus) => {
    const t = translator("en");
    const h = syncHealth(s, now, "en-US", "America/New_York");
    return {
      tone: h.tone,
      headline: t(h.headline.key, h.headline.params),
      lines: h.lines.map((l) => [l.id, l.tone, t(l.title.key, l.title.params)]),
    };
  };

  it("leads with what a merchant needs when all is well", () => {
    expect(text(healthy)).toEqual({
      tone: "success",
      headline: "Everything is up to date.",
      lines: [
        ["import", "success", "Order history imported on Apr 30, 2026, 8:05 PM EDT (10 records)."],
        ["orders", "success", "New orders are arriving: the last order change came in today."],
        ["model", "success", "Predictions updated May 31, 2026, 11:00 PM EDT."],
      ],
    });
  });

  it("says what failed and what to do", () => {
    const failed: SyncStatus = {
      ...healthy,
      backfills: [
        { ...healthy.backfills[0], id: "r2", status: "failed", finishedAt: "2026-05-30T00:00:00Z", error: "expired" },
        ...healthy.backfills,
      ],
      failedJobs: [
        {
          id: "1",
          queue: "analytics",
          name: "backfill-shop",
          detail: null,
          failedReason: "expired",
          attemptsMade: 3,
          failedAt: "2026-05-30T00:00:00Z",
        },
      ] as SyncStatus["failedJobs"],
      modelFit: { ...healthy.modelFit!, status: "insufficient_data", reason: "too few repeat customers" },
    };
    const h = text(failed);
    expect(h.tone).toBe("critical");
    expect(h.headline).toBe("Something failed: see below what to do.");
    expect(h.lines.map((l) => l[0] + ":" + l[1])).toEqual(["import:critical", "orders:success", "model:warning", "problems:critical"]);
    expect(text({ ...healthy, queues: null, queueError: "Redis did not answer" }).lines.at(-1)).toEqual([
      "problems",
      "warning",
      "The job queue is not answering right now.",
    ]);
    expect(text({ ...healthy, backfills: [], modelFit: null, webhooks: [] }).lines.map((l) => l[2])).toEqual([
      "Your order history has not been imported yet.",
      "No order change has arrived by webhook yet.",
      "Predictions have not been made yet.",
    ]);
  });
});

describe("tagging a list", () => {
  it("accepts a tag Shopify can segment on and refuses what would break it", () => {
    expect(validateTagRequest({ tag: "  clv-at-risk " })).toEqual({ tag: "clv-at-risk", segmentName: null });
    expect(validateTagRequest({ tag: "vip", saveSegment: "on", segmentName: "VIP customers" })).toEqual({
      tag: "vip",
      segmentName: "VIP customers",
    });
    expect(validateTagRequest({ tag: "" })).toBe("tag_missing");
    expect(validateTagRequest({ tag: "a".repeat(41) })).toBe("tag_too_long");
    expect(validateTagRequest({ tag: "a,b" })).toBe("tag_invalid");
    expect(validateTagRequest({ tag: "it's" })).toBe("tag_invalid");
    expect(validateTagRequest({ tag: "vip", saveSegment: "on", segmentName: " " })).toBe("segment_name_missing");
    expect(validateTagRequest({ tag: "vip", saveSegment: "on", segmentName: "x".repeat(71) })).toBe("segment_name_too_long");
    expect(segmentQueryForTag("clv-at-risk")).toBe("customer_tags CONTAINS 'clv-at-risk'");
  });
});
