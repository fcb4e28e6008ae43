// What the retention pages read: the at-risk list (highest value at stake first, a page at a time), the
// trend over refits (one RetentionSnapshot per detected fit) and the dashboard card's figures. The detection
// that writes them is retention-detection.server.ts; the settings are retention-settings.server.ts.
import type { Db } from "~/db.server";
import { retentionTrend, type RefitRetentionSummary, type RetentionReason, type RetentionTrendPoint } from "~/retention";
import { shopDaysOf } from "~/loyalty/population";
import { resolveTimeZone } from "~/lib/format";
import { parseStoredRiskReason } from "./retention-reason.server";

export { detectAndStoreRisk, type RiskDetectionSummary } from "./retention-detection.server";
export { loadRetentionSettings, saveRetentionSettings, type StoredRetentionSettings } from "./retention-settings.server";

export const AT_RISK_PAGE_SIZE = 50;

export interface AtRiskRow {
  customerId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /** Minor units, as a string (bigint across the wire). */
  valueAtStakeMinor: string;
  /** What the threshold was compared with now (P(alive), or a one-time buyer's rhythm score); null if unknown. */
  probabilityAlive: number | null;
  /** The previous fit's P(alive); null at the first refit or for a customer new since. */
  previousProbabilityAlive: number | null;
  /** Structured reasons (app/retention/reasons.ts): the page says them in the admin's language. */
  reasons: RetentionReason[];
  /** Shop-local day number the at-risk episode started. */
  episodeStartDay: number | null;
  lastOrderAt: string | null;
}

export interface AtRiskPage {
  rows: AtRiskRow[];
  page: number;
  pageSize: number;
  /** Customers at risk, all pages. */
  total: number;
  valueAtStakeMinor: string;
  hasNext: boolean;
}

export async function atRiskCustomers(db: Db, shop: string, options: { page?: number; pageSize?: number } = {}): Promise<AtRiskPage> {
  const pageSize = options.pageSize ?? AT_RISK_PAGE_SIZE;
  const page = Math.max(1, Math.floor(options.page ?? 1));
  const where = { shop, atRisk: true };
  const [risks, totals] = await Promise.all([
    db.customerRisk.findMany({
      where,
      orderBy: [{ valueAtStakeMinor: "desc" }, { customerId: "asc" }],
      skip: (page - 1) * pageSize,
      take: pageSize,
      select: { customerId: true, valueAtStakeMinor: true, probabilityAlive: true, reason: true, episodeStartDay: true },
    }),
    db.customerRisk.aggregate({ where, _count: { _all: true }, _sum: { valueAtStakeMinor: true } }),
  ]);
  const ids = risks.map((r) => r.customerId);
  const [profiles, values] = await Promise.all([
    db.customer.findMany({ where: { shop, id: { in: ids } }, select: { id: true, firstName: true, lastName: true, email: true } }),
    db.customerValue.findMany({ where: { shop, customerId: { in: ids } }, select: { customerId: true, lastOrderAt: true } }),
  ]);
  const profileOf = new Map(profiles.map((p) => [p.id, p]));
  const lastOrderOf = new Map(values.map((v) => [v.customerId, v.lastOrderAt]));
  const rows = risks.map((risk): AtRiskRow => {
    const profile = profileOf.get(risk.customerId);
    const reason = parseStoredRiskReason(risk.reason);
    return {
      customerId: risk.customerId,
      firstName: profile?.firstName ?? null,
      lastName: profile?.lastName ?? null,
      email: profile?.email ?? null,
      valueAtStakeMinor: risk.valueAtStakeMinor.toString(),
      probabilityAlive: reason?.effectiveProbabilityAlive ?? risk.probabilityAlive,
      previousProbabilityAlive: reason?.previousProbabilityAlive ?? null,
      reasons: reason?.reasons ?? [],
      episodeStartDay: risk.episodeStartDay,
      lastOrderAt: lastOrderOf.get(risk.customerId)?.toISOString() ?? null,
    };
  });
  const total = totals._count._all;
  return {
    rows,
    page,
    pageSize,
    total,
    valueAtStakeMinor: (totals._sum.valueAtStakeMinor ?? 0n).toString(),
    hasNext: page * pageSize < total,
  };
}

/** The stored snapshots with their fits' dates, oldest first: the input of app/retention's trend. */
async function refitSummaries(db: Db, shop: string, limit: number): Promise<RefitRetentionSummary[]> {
  const snapshots = await db.retentionSnapshot.findMany({ where: { shop }, orderBy: { createdAt: "desc" }, take: limit });
  if (snapshots.length === 0) return [];
  const [fits, shopRow] = await Promise.all([
    db.modelFit.findMany({
      where: { shop, id: { in: snapshots.map((s) => s.modelFitId) } },
      select: { id: true, asOf: true, fittedAt: true },
    }),
    db.shop.findUnique({ where: { shop }, select: { ianaTimezone: true } }),
  ]);
  const timeZone = resolveTimeZone(shopRow?.ianaTimezone);
  const fitOf = new Map(fits.map((f) => [f.id, f]));
  const summaries: RefitRetentionSummary[] = [];
  for (const snapshot of snapshots) {
    const fit = fitOf.get(snapshot.modelFitId);
    const asOfMs = (fit?.asOf ?? snapshot.createdAt).getTime();
    summaries.push({
      refitId: snapshot.modelFitId,
      fittedAtMs: (fit?.fittedAt ?? snapshot.createdAt).getTime(),
      asOfDay: shopDaysOf([asOfMs], timeZone)[0],
      flagged: snapshot.atRiskCustomers,
      newlyAtRisk: snapshot.newlyAtRisk,
      returned: snapshot.returned,
      lapsed: snapshot.lapsed,
      valueAtStakeMinor: Number(snapshot.valueAtStakeMinor),
      newValueAtStakeMinor: Number(snapshot.newValueAtStakeMinor),
    });
  }
  return summaries;
}

export interface RetentionTrendRow {
  refitId: string;
  /** Day number of the refit's as-of day on the shop's calendar (app/loyalty/days.ts). */
  asOfDay: number;
  flagged: number;
  valueAtStakeMinor: string;
  /** Since the previous fit: customers who started slipping, came back (ordered again), or are now counted lost. */
  newlyAtRisk: number;
  returned: number;
  lapsed: number;
  flaggedChange: number | null;
  valueAtStakeChangeMinor: string | null;
}

/** One point per as-of day, oldest first (at most `maxPoints`). */
export async function retentionTrendOf(db: Db, shop: string, maxPoints = 90): Promise<RetentionTrendRow[]> {
  // A few refits a day at most ("Refit now"): three times the points covers the days asked for.
  const points: RetentionTrendPoint[] = retentionTrend(await refitSummaries(db, shop, maxPoints * 3), { maxPoints });
  return points.map((p) => ({
    refitId: p.refitId,
    asOfDay: p.asOfDay,
    flagged: p.flagged,
    valueAtStakeMinor: String(p.valueAtStakeMinor),
    newlyAtRisk: p.newlyAtRisk,
    returned: p.returned,
    lapsed: p.lapsed,
    flaggedChange: p.flaggedChange,
    valueAtStakeChangeMinor: p.valueAtStakeChangeMinor === null ? null : String(p.valueAtStakeChangeMinor),
  }));
}

export interface RetentionCardFigures {
  /** Valuable customers slipping after the last detected refit. */
  atRisk: number;
  valueAtStakeMinor: string;
  detectedAt: string;
}

/** The dashboard card: the last detected refit's figures; null before the first. */
export async function retentionCard(db: Db, shop: string): Promise<RetentionCardFigures | null> {
  const latest = await db.retentionSnapshot.findFirst({ where: { shop }, orderBy: [{ createdAt: "desc" }, { modelFitId: "desc" }] });
  if (latest === null) return null;
  return {
    atRisk: latest.atRiskCustomers,
    valueAtStakeMinor: latest.valueAtStakeMinor.toString(),
    detectedAt: latest.createdAt.toISOString(),
  };
}
