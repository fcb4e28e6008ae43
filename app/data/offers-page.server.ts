// What the cross-sell pages show, assembled from the offers, experiments and products modules: plain JSON
// for the loaders (money as strings of minor units, times as ISO strings, no Infinity).
import type { Db } from "~/db.server";
import { offerProductProblems, type OfferAttribution, type ProductProblem } from "~/offers";
import type { ExperimentReport, SummarySentence, Verdict as ReportVerdict } from "~/experiments";
import { effectiveHoldoutShare } from "~/experiments";
import { discountRecords } from "./offer-discounts.server";
import { offerAttribution } from "./offer-attribution.server";
import { exposureCounts, offerReport, offersExperiments, offersProgramReport, type ExperimentRow } from "./experiments.server";
import {
  getOffer,
  isLive,
  listOffers,
  listSuggestions,
  loyaltyTiers,
  type LoyaltyTier,
  type OfferRecord,
  type SuggestionPage,
  type Verdict,
} from "./offers.server";
import { productStates, productSummaries, type ProductSummary } from "./products.server";
import { MINED_OFFER_ID, PERSONAL_OFFER_ID } from "./offers-write-back.server";

export interface ExperimentView {
  key: string;
  running: boolean;
  holdoutShare: number;
  startedAt: string;
  endedAt: string | null;
  treatment: number;
  holdout: number;
}

export interface ArmView {
  customers: number;
  buyers: number;
  revenuePerCustomer: number;
}

export interface ReportView {
  sufficient: boolean;
  /** The report's summary as message keys with their figures: the page says it in the admin's language. */
  summaryMessages: SummarySentence[];
  verdict: ReportVerdict;
  /** Incremental revenue per exposed customer (minor units), treatment − holdout, with its 95 % interval. */
  incremental: { estimate: number; low: number; high: number; minimumDetectable: number } | null;
  treatment: ArmView;
  holdout: ArmView;
}

const finite = (value: number) => (Number.isFinite(value) ? value : 0);

export function reportView(report: ExperimentReport): ReportView {
  const difference = report.incrementalRevenuePerCustomer;
  const arm = (a: ExperimentReport["treatment"]): ArmView => ({
    customers: a.customers,
    buyers: a.buyers,
    revenuePerCustomer: finite(a.revenuePerCustomer),
  });
  return {
    sufficient: report.sample.sufficient,
    summaryMessages: report.summaryMessages,
    verdict: report.verdict.revenue,
    incremental:
      difference === null
        ? null
        : {
            estimate: finite(difference.estimate),
            low: finite(difference.low),
            high: finite(difference.high),
            minimumDetectable: finite(difference.minimumDetectable),
          },
    treatment: arm(report.treatment),
    holdout: arm(report.holdout),
  };
}

async function experimentView(db: Db, experiment: ExperimentRow): Promise<ExperimentView> {
  const counts = await exposureCounts(db, experiment);
  return {
    key: experiment.key,
    running: experiment.endedAt === null,
    holdoutShare: effectiveHoldoutShare(experiment.holdoutShare),
    startedAt: experiment.startedAt.toISOString(),
    endedAt: experiment.endedAt?.toISOString() ?? null,
    ...counts,
  };
}

export interface AttributionView {
  orders: number;
  customers: number;
  units: number;
  revenueMinor: string;
}

function attributionView(a: OfferAttribution | undefined): AttributionView {
  return { orders: a?.orders ?? 0, customers: a?.customers ?? 0, units: a?.units ?? 0, revenueMinor: String(a?.revenueMinor ?? 0) };
}

export interface OfferRow extends OfferRecord {
  live: boolean;
  triggerTitles: string[];
  offeredTitles: string[];
  problems: ProductProblem[];
  attribution: AttributionView;
  discountError: string | null;
}

export interface OffersOverview {
  offersOn: boolean;
  experiment: ExperimentView | null;
  program: ReportView | null;
  offers: OfferRow[];
  /** The mined lists (no live offer) and personal recommendations, attributed like offers. */
  automatic: { mined: AttributionView; personal: AttributionView };
  suggestions: SuggestionPage;
  verdict: Verdict;
}

const titleOf = (summaries: Map<string, ProductSummary>, id: string) => summaries.get(id)?.title ?? `Product ${id}`;

export async function offersOverview(
  db: Db,
  shop: string,
  options: { verdict: Verdict; page: number; currencyCode: string; now?: Date },
): Promise<OffersOverview> {
  const now = options.now ?? new Date();
  const [offers, experiments, suggestions, states, discounts] = await Promise.all([
    listOffers(db, shop),
    offersExperiments(db, shop),
    listSuggestions(db, shop, { verdict: options.verdict, page: options.page }),
    productStates(db, shop, now),
    discountRecords(db, shop),
  ]);
  const latest = experiments[0] ?? null;
  const [attribution, summaries, experiment, program] = await Promise.all([
    offerAttribution(db, shop, { from: latest?.startedAt, to: latest?.endedAt ?? undefined }),
    productSummaries(
      db,
      shop,
      offers.flatMap((o) => [...o.triggerProductIds, ...o.offeredProductIds]),
    ),
    latest ? experimentView(db, latest) : Promise.resolve(null),
    latest ? offersProgramReport(db, latest, { currencyCode: options.currencyCode, now }).then(reportView) : Promise.resolve(null),
  ]);
  return {
    offersOn: latest !== null && latest.endedAt === null,
    experiment,
    program,
    offers: offers.map((offer) => ({
      ...offer,
      live: isLive(offer, now.getTime()),
      triggerTitles: offer.triggerProductIds.map((id) => titleOf(summaries, id)),
      offeredTitles: offer.offeredProductIds.map((id) => titleOf(summaries, id)),
      problems: offerProductProblems(offer, states),
      attribution: attributionView(attribution.get(offer.id)),
      discountError: discounts.get(offer.id)?.error ?? null,
    })),
    automatic: { mined: attributionView(attribution.get(MINED_OFFER_ID)), personal: attributionView(attribution.get(PERSONAL_OFFER_ID)) },
    suggestions,
    verdict: options.verdict,
  };
}

export interface OfferDetail {
  offer: OfferRecord | null;
  products: ProductSummary[];
  problems: ProductProblem[];
  tiers: LoyaltyTier[];
  live: boolean;
  discountId: string | null;
  discountError: string | null;
  attribution: AttributionView;
  experiment: ExperimentView | null;
  report: ReportView | null;
}

/** An offer with everything its editor and results show; `offer` null for a new one. Null: no such offer in this shop. */
export async function offerDetail(
  db: Db,
  shop: string,
  id: string | null,
  options: { currencyCode: string; now?: Date },
): Promise<OfferDetail | null> {
  const now = options.now ?? new Date();
  const offer = id === null ? null : await getOffer(db, shop, id);
  if (id !== null && offer === null) return null;
  const tiers = await loyaltyTiers(db, shop);
  if (offer === null) {
    return {
      offer: null,
      products: [],
      problems: [],
      tiers,
      live: false,
      discountId: null,
      discountError: null,
      attribution: attributionView(undefined),
      experiment: null,
      report: null,
    };
  }
  const [states, summaries, discounts, experiments] = await Promise.all([
    productStates(db, shop, now),
    productSummaries(db, shop, [...offer.triggerProductIds, ...offer.offeredProductIds], now),
    discountRecords(db, shop),
    offersExperiments(db, shop),
  ]);
  const latest = experiments[0] ?? null;
  const [attribution, experiment, report] = await Promise.all([
    offerAttribution(db, shop, { offerId: offer.id, from: latest?.startedAt, to: latest?.endedAt ?? undefined }),
    latest ? experimentView(db, latest) : Promise.resolve(null),
    latest ? offerReport(db, latest, offer, { currencyCode: options.currencyCode, now }).then(reportView) : Promise.resolve(null),
  ]);
  return {
    offer,
    products: [...summaries.values()],
    problems: offerProductProblems(offer, states),
    tiers,
    live: isLive(offer, now.getTime()),
    discountId: discounts.get(offer.id)?.discountId ?? offer.discountId,
    discountError: discounts.get(offer.id)?.error ?? null,
    attribution: attributionView(attribution.get(offer.id)),
    experiment,
    report,
  };
}
