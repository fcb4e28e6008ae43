// The offers holdout experiment: its rows (key, salt, share, dates), the exposures, and the report of
// incremental revenue per exposed customer with its 95 % interval (app/experiments). Offers are on exactly
// while an offers experiment runs: turning them on starts one, turning them off or changing the holdout
// share ends it (a new share would move customers between arms; docs/offers.md, "Measuring").
import { randomBytes } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { Db } from "~/db.server";
import {
  assertValidHoldoutShare,
  experimentReport,
  exposureOf,
  type CustomerOutcome,
  type Exposure,
  type ExperimentDefinition,
  type ExperimentReport,
} from "~/experiments";
import { formatMinorDecimal } from "~/lib/money";
import { bulkUpsert } from "./bulk-upsert.server";
import { join, queryRaw, sql } from "./sql.server";

type Client = Db | Prisma.TransactionClient;

export const OFFERS_EXPERIMENT_KIND = "offers";

export interface ExperimentRow {
  shop: string;
  key: string;
  kind: string;
  holdoutShare: number;
  salt: string;
  startedAt: Date;
  endedAt: Date | null;
}

/** 24 characters of A–Z a–z 0–9 _ - (the salt alphabet of app/experiments). */
export function newSalt(): string {
  return randomBytes(18).toString("base64url");
}

export function definitionOf(row: ExperimentRow): ExperimentDefinition {
  return {
    key: row.key,
    salt: row.salt,
    holdoutShare: row.holdoutShare,
    startsAtMs: row.startedAt.getTime(),
    endsAtMs: row.endedAt?.getTime() ?? null,
  };
}

/** The running offers experiment, or null (offers are off). */
export async function runningOffersExperiment(db: Client, shop: string): Promise<ExperimentRow | null> {
  return db.experiment.findFirst({ where: { shop, kind: OFFERS_EXPERIMENT_KIND, endedAt: null }, orderBy: { startedAt: "desc" } });
}

/** Every offers experiment of the shop, newest first. */
export async function offersExperiments(db: Client, shop: string): Promise<ExperimentRow[]> {
  return db.experiment.findMany({ where: { shop, kind: OFFERS_EXPERIMENT_KIND }, orderBy: { startedAt: "desc" } });
}

/**
 * Starts a new offers experiment (ending the running one). The key counts the shop's offers experiments
 * (offers-1, offers-2, …); the salt stays the shop's, so the storefront's `holdout_salt` never changes.
 */
export async function startOffersExperiment(db: Db, shop: string, holdoutShare: number, now = new Date()): Promise<ExperimentRow> {
  assertValidHoldoutShare(holdoutShare);
  return db.$transaction(async (tx) => {
    await tx.experiment.updateMany({ where: { shop, kind: OFFERS_EXPERIMENT_KIND, endedAt: null }, data: { endedAt: now } });
    const previous = await tx.experiment.findMany({ where: { shop, kind: OFFERS_EXPERIMENT_KIND }, select: { key: true, salt: true } });
    const numbers = previous.map((e) => Number(/^offers-(\d+)$/.exec(e.key)?.[1] ?? 0));
    const key = `offers-${Math.max(0, ...numbers) + 1}`;
    const salt = previous[0]?.salt ?? newSalt();
    return tx.experiment.create({ data: { shop, key, kind: OFFERS_EXPERIMENT_KIND, holdoutShare, salt, startedAt: now } });
  });
}

/** Ends the running offers experiment (offers off). Returns whether one was running. */
export async function endOffersExperiment(db: Client, shop: string, now = new Date()): Promise<boolean> {
  const { count } = await db.experiment.updateMany({
    where: { shop, kind: OFFERS_EXPERIMENT_KIND, endedAt: null },
    data: { endedAt: now },
  });
  return count > 0;
}

const EXPOSURE_PAGE = 5_000;
const NUMERIC_ID = /^[1-9]\d*$/;

/**
 * Records the exposures of an experiment by the app's rule (docs/offers.md, "Measuring"): every customer
 * the storefront could recognise while it ran, that is every customer with a counted order before its end,
 * exposed from the later of its start and their first counted order, in the arm the hash gives them. The
 * rule is the same in both arms and does not depend on what the storefront showed. A customer's first
 * exposure is kept (insert only). Returns the exposures added.
 */
export async function refreshExposures(db: Db, experiment: ExperimentRow, now = new Date()): Promise<number> {
  const definition = definitionOf(experiment);
  const until = experiment.endedAt ?? now;
  let after = "";
  let added = 0;
  for (;;) {
    const page = await db.customerValue.findMany({
      where: { shop: experiment.shop, customerId: { gt: after }, firstOrderAt: { not: null, lt: until }, orderCount: { gt: 0 } },
      select: { customerId: true, firstOrderAt: true },
      orderBy: { customerId: "asc" },
      take: EXPOSURE_PAGE,
    });
    if (page.length === 0) break;
    after = page[page.length - 1].customerId;
    const rows: (string | Date)[][] = [];
    for (const customer of page) {
      if (!NUMERIC_ID.test(customer.customerId) || customer.firstOrderAt === null) continue;
      const atMs = Math.max(definition.startsAtMs, customer.firstOrderAt.getTime());
      const exposure = exposureOf(definition, customer.customerId, atMs);
      if (exposure === null) continue;
      rows.push([experiment.shop, experiment.key, exposure.customerId, exposure.arm, new Date(exposure.atMs)]);
    }
    const inserted = await bulkUpsert<{ customerId: string }>(db, {
      table: "ExperimentExposure",
      columns: ["shop", "experimentKey", "customerId", "arm", "firstExposedAt"],
      rows,
      conflict: ["shop", "experimentKey", "customerId"],
      returning: ["customerId"],
    });
    added += inserted.length;
  }
  return added;
}

/** Raw timestamps: Date from a column, but an aggregate (MIN) may come back as text or epoch milliseconds. */
export function timeMsOf(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number" || typeof value === "bigint") return Number(value);
  const text = String(value);
  return /^\d+$/.test(text) ? Number(text) : Date.parse(text);
}

/** Money sums come back as bigint (SQLite), number, or a numeric string / Decimal (PostgreSQL). */
export function bigintOf(value: unknown): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return BigInt(Math.round(value));
  const text = String(value);
  return BigInt(text.includes(".") ? text.slice(0, text.indexOf(".")) : text);
}

async function exposuresOf(db: Client, experiment: ExperimentRow): Promise<Map<string, Exposure>> {
  const rows = await db.experimentExposure.findMany({
    where: { shop: experiment.shop, experimentKey: experiment.key },
    select: { customerId: true, arm: true, firstExposedAt: true },
  });
  return new Map(
    rows.map((r) => [
      r.customerId,
      {
        experimentKey: experiment.key,
        customerId: r.customerId,
        arm: r.arm === "holdout" ? "holdout" : "treatment",
        atMs: r.firstExposedAt.getTime(),
      },
    ]),
  );
}

async function predictedValues(db: Client, shop: string, experimentKey: string): Promise<Map<string, number>> {
  const rows = await queryRaw<{ customerId: string; predicted: unknown }>(
    db,
    sql`SELECT e."customerId", cv."predictedClvMinor" AS "predicted"
        FROM "ExperimentExposure" e
        JOIN "CustomerValue" cv ON cv."shop" = e."shop" AND cv."customerId" = e."customerId"
        WHERE e."shop" = ${shop} AND e."experimentKey" = ${experimentKey} AND cv."predictedClvMinor" IS NOT NULL`,
  );
  return new Map(rows.map((r) => [r.customerId, Number(bigintOf(r.predicted))]));
}

export interface ReportSettings {
  currencyCode: string;
  now?: Date;
  marginRate?: number;
}

function reportOptions(settings: ReportSettings) {
  return {
    marginRate: settings.marginRate ?? 1,
    formatMoney: (minor: number) => `${formatMinorDecimal(Math.round(minor), settings.currencyCode)} ${settings.currencyCode}`,
    currencyCode: settings.currencyCode,
    // The report's summary names the rule it applied, so the admin says the rule of every report it shows.
    ...SAMPLE_RULE,
  };
}

/**
 * The offers program against its holdout: each exposed customer's net revenue (counted orders, refunds
 * subtracted) from their first exposure until the experiment's end (or now), and the report of
 * app/experiments (incremental revenue per exposed customer with its 95 % interval, "too early to tell").
 */
export async function offersProgramReport(db: Client, experiment: ExperimentRow, settings: ReportSettings): Promise<ExperimentReport> {
  const { exposures, outcomes } = await programOutcomes(db, experiment, settings);
  return experimentReport(experiment.key, exposures, outcomes, reportOptions(settings));
}

/** Each exposed customer's net revenue since exposure, cost and predicted value (the program report's input). */
async function programOutcomes(
  db: Client,
  experiment: ExperimentRow,
  settings: ReportSettings,
): Promise<{ exposures: Map<string, Exposure>; outcomes: Map<string, CustomerOutcome> }> {
  const until = experiment.endedAt ?? settings.now ?? new Date();
  const exposures = await exposuresOf(db, experiment);
  const [revenues, predicted, costs] = await Promise.all([
    queryRaw<{ customerId: string; revenue: unknown }>(
      db,
      sql`SELECT e."customerId", SUM(o."totalMinor" - o."refundedMinor") AS "revenue"
          FROM "ExperimentExposure" e
          JOIN "Order" o ON o."shop" = e."shop" AND o."customerId" = e."customerId"
          WHERE e."shop" = ${experiment.shop} AND e."experimentKey" = ${experiment.key}
            AND o."cancelledAt" IS NULL AND o."test" = false AND o."currencyMismatch" = false
            AND o."processedAt" >= e."firstExposedAt" AND o."processedAt" < ${until}
          GROUP BY e."customerId"`,
    ),
    predictedValues(db, experiment.shop, experiment.key),
    db.experimentExposure.findMany({
      where: { shop: experiment.shop, experimentKey: experiment.key, costMinor: { not: 0n } },
      select: { customerId: true, costMinor: true },
    }),
  ]);
  const outcomes = new Map<string, CustomerOutcome>();
  for (const customerId of exposures.keys()) {
    outcomes.set(customerId, { revenueMinor: 0, costMinor: 0, predictedValueMinor: predicted.get(customerId) ?? null });
  }
  for (const row of revenues) {
    const outcome = outcomes.get(row.customerId);
    if (outcome) outcome.revenueMinor = Number(bigintOf(row.revenue));
  }
  for (const row of costs) {
    const outcome = outcomes.get(row.customerId);
    if (outcome) outcome.costMinor = Number(row.costMinor);
  }
  return { exposures, outcomes };
}

/**
 * One offer against the holdout: among the experiment's customers who bought one of the offer's trigger
 * products while it ran (exposed from their first such order, in both arms alike), the revenue of the
 * offer's offered products (quantity × unit price) from that order on. Shows whether showing the offer
 * on the trigger's page sold more of the offered products than not showing it.
 */
export async function offerReport(
  db: Client,
  experiment: ExperimentRow,
  offer: { id: string; triggerProductIds: string[]; offeredProductIds: string[] },
  settings: ReportSettings,
): Promise<ExperimentReport> {
  const until = experiment.endedAt ?? settings.now ?? new Date();
  const exposures = new Map<string, Exposure>();
  const outcomes = new Map<string, CustomerOutcome>();
  if (offer.triggerProductIds.length > 0 && offer.offeredProductIds.length > 0) {
    const triggerBuys = await queryRaw<{ customerId: string; arm: string; at: unknown }>(
      db,
      sql`SELECT o."customerId", e."arm", MIN(o."processedAt") AS "at"
          FROM "ExperimentExposure" e
          JOIN "Order" o ON o."shop" = e."shop" AND o."customerId" = e."customerId"
          JOIN "LineItem" li ON li."shop" = o."shop" AND li."orderId" = o."id"
          WHERE e."shop" = ${experiment.shop} AND e."experimentKey" = ${experiment.key}
            AND o."cancelledAt" IS NULL AND o."test" = false AND o."currencyMismatch" = false
            AND o."processedAt" >= e."firstExposedAt" AND o."processedAt" < ${until}
            AND li."productId" IN (${join(offer.triggerProductIds)})
          GROUP BY o."customerId", e."arm"`,
    );
    for (const row of triggerBuys) {
      const atMs = timeMsOf(row.at);
      exposures.set(row.customerId, {
        experimentKey: experiment.key,
        customerId: row.customerId,
        arm: row.arm === "holdout" ? "holdout" : "treatment",
        atMs,
      });
      outcomes.set(row.customerId, { revenueMinor: 0, costMinor: 0, predictedValueMinor: null });
    }
    const offeredLines = await queryRaw<{ customerId: string; at: unknown; revenue: unknown }>(
      db,
      sql`SELECT o."customerId", o."processedAt" AS "at", SUM(li."quantity" * li."priceMinor") AS "revenue"
          FROM "ExperimentExposure" e
          JOIN "Order" o ON o."shop" = e."shop" AND o."customerId" = e."customerId"
          JOIN "LineItem" li ON li."shop" = o."shop" AND li."orderId" = o."id"
          WHERE e."shop" = ${experiment.shop} AND e."experimentKey" = ${experiment.key}
            AND o."cancelledAt" IS NULL AND o."test" = false AND o."currencyMismatch" = false
            AND o."processedAt" >= e."firstExposedAt" AND o."processedAt" < ${until}
            AND li."productId" IN (${join(offer.offeredProductIds)})
          GROUP BY o."customerId", o."id", o."processedAt"`,
    );
    for (const row of offeredLines) {
      const exposure = exposures.get(row.customerId);
      const outcome = outcomes.get(row.customerId);
      const atMs = timeMsOf(row.at);
      if (exposure && outcome && atMs >= exposure.atMs) outcome.revenueMinor += Number(bigintOf(row.revenue));
    }
    const predicted = await predictedValues(db, experiment.shop, experiment.key);
    for (const [customerId, outcome] of outcomes) outcome.predictedValueMinor = predicted.get(customerId) ?? null;
  }
  return experimentReport(`${experiment.key}:${offer.id}`, exposures, outcomes, reportOptions(settings));
}

/** Exposed customers per arm (the holdout size the admin shows). */
export async function exposureCounts(db: Client, experiment: ExperimentRow): Promise<{ treatment: number; holdout: number }> {
  const rows = await db.experimentExposure.groupBy({
    by: ["arm"],
    where: { shop: experiment.shop, experimentKey: experiment.key },
    _count: { _all: true },
  });
  const count = (arm: string) => rows.find((r) => r.arm === arm)?._count._all ?? 0;
  return { treatment: count("treatment"), holdout: count("holdout") };
}

/** The sample rule of every report the admin shows (app/experiments' defaults, named so the page can say them). */
export const SAMPLE_RULE = { minCustomersPerArm: 100, minBuyersPerArm: 10 } as const;

export interface ExperimentListItem {
  key: string;
  kind: string;
  holdoutShare: number;
  startedAt: string;
  endedAt: string | null;
  treatment: number;
  holdout: number;
}

/** Every experiment of the shop (offers, loyalty perks, win-back), newest first, with its customers per arm. */
export async function shopExperiments(db: Client, shop: string): Promise<ExperimentListItem[]> {
  const [experiments, counts] = await Promise.all([
    db.experiment.findMany({ where: { shop }, orderBy: [{ startedAt: "desc" }, { key: "asc" }] }),
    db.experimentExposure.groupBy({ by: ["experimentKey", "arm"], where: { shop }, _count: { _all: true } }),
  ]);
  const count = (key: string, arm: string) => counts.find((c) => c.experimentKey === key && c.arm === arm)?._count._all ?? 0;
  return experiments.map((e) => ({
    key: e.key,
    kind: e.kind,
    holdoutShare: e.holdoutShare,
    startedAt: e.startedAt.toISOString(),
    endedAt: e.endedAt?.toISOString() ?? null,
    treatment: count(e.key, "treatment"),
    holdout: count(e.key, "holdout"),
  }));
}

/**
 * The report of one of the shop's experiments, whatever it measures: each exposed customer's net revenue from
 * their first exposure until the end (or now), the cost recorded with their exposure, and their predicted
 * 12-month value, against the holdout (the same computation as the offers program's report, with the
 * admin's sample rule). Null when the shop has no experiment with that key.
 */
export async function experimentReportOf(
  db: Client,
  shop: string,
  key: string,
  settings: ReportSettings,
): Promise<{ experiment: ExperimentRow; report: ExperimentReport } | null> {
  const experiment = await db.experiment.findUnique({ where: { shop_key: { shop, key } } });
  if (experiment === null) return null;
  const { exposures, outcomes } = await programOutcomes(db, experiment, settings);
  return { experiment, report: experimentReport(experiment.key, exposures, outcomes, reportOptions(settings)) };
}
