// The shop's latest model fit and the evidence stored with it (ModelFit.accuracy, written by refit.server.ts):
// which model was chosen and why, every model's backtest scores per cut-off against the naive baseline, the
// 80% interval coverage, the last holdout's weekly tracking and calibration buckets, and for a shop whose
// data cannot support predictions, what it needs. Parsed defensively: fits stored before a field existed
// simply lack that part of the page.
import { z } from "zod";
import type { Db } from "~/db.server";

export type ModelName = "bgnbd" | "mbgnbd" | "paretonbd";

/** The models in order of simplicity, with the names the papers give them (not translated). */
export const MODEL_LABELS: Readonly<Record<ModelName, string>> = { bgnbd: "BG/NBD", mbgnbd: "MBG/NBD", paretonbd: "Pareto/NBD" };
const MODEL_ORDER: readonly ModelName[] = ["bgnbd", "mbgnbd", "paretonbd"];

const modelName = z.enum(["bgnbd", "mbgnbd", "paretonbd"]);
const num = z.number().finite();
const nullableNum = num
  .nullable()
  .optional()
  .transform((v) => v ?? null);

const scoresSchema = z.object({
  customers: num,
  rmse: num,
  meanLogScore: nullableNum,
  predictedPurchases: num,
  actualPurchases: num,
  coverage: nullableNum,
  expectedCoverage: nullableNum,
  pitCoverage: nullableNum,
});

const cutoffSchema = z.object({
  calibrationEnd: z.string(),
  holdoutEnd: z.string(),
  status: z.enum(["scored", "skipped"]),
  reason: z.string().optional(),
  customers: num,
  repeatCustomers: num,
  baseline: scoresSchema.optional(),
  models: z.record(
    z.string(),
    z.object({ status: z.enum(["scored", "failed"]), reason: z.string().optional(), scores: scoresSchema.optional() }),
  ),
});

const averagesSchema = z.object({
  cutoffs: num,
  rmse: num,
  meanLogScore: nullableNum,
  coverage: nullableNum,
  expectedCoverage: nullableNum,
  pitCoverage: nullableNum,
});

const choiceSchema = z.object({
  requested: z.string(),
  status: z.enum(["chosen", "fixed", "not_run", "baseline_not_beaten"]),
  model: modelName.nullable(),
  ranking: z.array(modelName),
  reason: z.string(),
  beatsBaseline: z.boolean().nullable(),
  holdoutDays: num,
  sampledCustomers: num,
  totalCustomers: num,
  averages: z.record(z.string(), averagesSchema),
  baseline: averagesSchema.nullable(),
  cutoffs: z.array(cutoffSchema),
});

const evidenceSchema = z.object({
  model: modelName,
  calibrationEnd: z.string(),
  holdoutEnd: z.string(),
  holdoutDays: num,
  customers: num,
  predictedPurchases: num,
  actualPurchases: num,
  baselinePurchases: num,
  weeks: z.array(z.object({ start: z.string(), end: z.string(), days: num, predicted: num, actual: num, baseline: num })),
  calibration: z.array(z.object({ lower: num, upper: num, customers: num, predicted: num, observed: num })),
});

const accuracySchema = z.object({
  modelChoice: choiceSchema.nullable().optional().catch(null),
  intervals: z.object({ level: num, draws: num }).nullable().optional().catch(null),
  needs: z.string().nullable().optional().catch(null),
  shortfall: z.object({ moreCustomers: num.optional(), moreRepeatCustomers: num.optional() }).nullable().optional().catch(null),
  evidence: evidenceSchema.nullable().optional().catch(null),
});

export type TrackingWeekView = z.infer<typeof evidenceSchema>["weeks"][number];
export type CalibrationBucketView = z.infer<typeof evidenceSchema>["calibration"][number];
export type EvidenceView = z.infer<typeof evidenceSchema> & { modelLabel: string };

/** One row of the scores table: a model (or the naive baseline) at one cut-off. */
export interface CutoffScoreView {
  name: ModelName | "baseline";
  label: string;
  status: "scored" | "failed";
  reason: string | null;
  rmse: number | null;
  meanLogScore: number | null;
  predictedPurchases: number | null;
  actualPurchases: number | null;
  coverage: number | null;
}

export interface CutoffView {
  calibrationEnd: string;
  holdoutEnd: string;
  status: "scored" | "skipped";
  reason: string | null;
  customers: number;
  repeatCustomers: number;
  scores: CutoffScoreView[];
}

export interface ModelAccuracy {
  status: string;
  /** Why there are no predictions (insufficient_data, failed), in the model's words. */
  reason: string | null;
  fittedAt: string;
  asOf: string;
  customers: number;
  repeatCustomers: number;
  /** The model behind the predictions; null without predictions. */
  model: ModelName | null;
  modelLabel: string | null;
  /** The backtest's verdict: how the model was picked and the stored sentence saying why. */
  choice: {
    status: "chosen" | "fixed" | "not_run" | "baseline_not_beaten";
    reason: string;
    holdoutDays: number;
    scoredCutoffs: number;
    sampledCustomers: number;
    totalCustomers: number;
    beatsBaseline: boolean | null;
  } | null;
  /** The model the figures below describe: the chosen one, or without predictions the backtest's best. */
  shownModel: ModelName | null;
  shownModelLabel: string | null;
  /** Per-customer error of the shown model and of the naive baseline, averaged over the cut-offs. */
  baselineComparison: { modelRmse: number; baselineRmse: number; improvement: number } | null;
  /** 80% intervals in the backtests: share of customers inside, what whole numbers of orders make expected, the PIT figure. */
  coverage: { level: number; observed: number; expected: number | null; pit: number | null } | null;
  needs: string | null;
  shortfall: { moreCustomers: number | null; moreRepeatCustomers: number | null } | null;
  cutoffs: CutoffView[];
  evidence: EvidenceView | null;
}

function labelOf(name: string | null | undefined): string | null {
  return name && Object.hasOwn(MODEL_LABELS, name) ? MODEL_LABELS[name as ModelName] : null;
}

function parseAccuracy(json: string | null): z.infer<typeof accuracySchema> {
  if (!json) return {};
  try {
    const parsed = accuracySchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** The best model by mean log score in the backtest, for a fit without predictions. */
function bestScored(choice: z.infer<typeof choiceSchema>): ModelName | null {
  let best: ModelName | null = null;
  for (const name of MODEL_ORDER) {
    const score = choice.averages[name]?.meanLogScore ?? null;
    if (score === null) continue;
    if (best === null || score > (choice.averages[best]?.meanLogScore ?? -Infinity)) best = name;
  }
  return best;
}

/** The shop's latest fit and its evidence; null when the shop has never been fitted. */
export async function modelAccuracy(db: Db, shop: string): Promise<ModelAccuracy | null> {
  const fit = await db.modelFit.findFirst({ where: { shop }, orderBy: { fittedAt: "desc" } });
  if (!fit) return null;
  const accuracy = parseAccuracy(fit.accuracy);
  const choice = accuracy.modelChoice ?? null;
  const model = fit.status === "fitted" && fit.model && Object.hasOwn(MODEL_LABELS, fit.model) ? (fit.model as ModelName) : null;
  const shownModel: ModelName | null = model ?? accuracy.evidence?.model ?? (choice ? (choice.ranking[0] ?? bestScored(choice)) : null);
  const averages = shownModel && choice ? (choice.averages[shownModel] ?? null) : null;
  const baseline = choice?.baseline ?? null;
  const cutoffs: CutoffView[] = (choice?.cutoffs ?? []).map((c) => ({
    calibrationEnd: c.calibrationEnd,
    holdoutEnd: c.holdoutEnd,
    status: c.status,
    reason: c.reason ?? null,
    customers: c.customers,
    repeatCustomers: c.repeatCustomers,
    scores: [
      ...MODEL_ORDER.flatMap((name): CutoffScoreView[] => {
        const result = c.models[name];
        if (!result) return [];
        return [
          {
            name,
            label: MODEL_LABELS[name],
            status: result.status,
            reason: result.reason ?? null,
            rmse: result.scores?.rmse ?? null,
            meanLogScore: result.scores?.meanLogScore ?? null,
            predictedPurchases: result.scores?.predictedPurchases ?? null,
            actualPurchases: result.scores?.actualPurchases ?? null,
            coverage: result.scores?.coverage ?? null,
          },
        ];
      }),
      ...(c.baseline
        ? [
            {
              name: "baseline" as const,
              label: "baseline",
              status: "scored" as const,
              reason: null,
              rmse: c.baseline.rmse,
              meanLogScore: null,
              predictedPurchases: c.baseline.predictedPurchases,
              actualPurchases: c.baseline.actualPurchases,
              coverage: null,
            },
          ]
        : []),
    ],
  }));
  return {
    status: fit.status,
    reason: fit.reason,
    fittedAt: fit.fittedAt.toISOString(),
    asOf: fit.asOf.toISOString(),
    customers: fit.customers,
    repeatCustomers: fit.repeatCustomers,
    model,
    modelLabel: labelOf(model),
    choice: choice
      ? {
          status: choice.status,
          reason: choice.reason,
          holdoutDays: choice.holdoutDays,
          scoredCutoffs: choice.cutoffs.filter((c) => c.status === "scored").length,
          sampledCustomers: choice.sampledCustomers,
          totalCustomers: choice.totalCustomers,
          beatsBaseline: choice.beatsBaseline,
        }
      : null,
    shownModel,
    shownModelLabel: labelOf(shownModel),
    baselineComparison:
      averages && baseline && baseline.rmse > 0
        ? { modelRmse: averages.rmse, baselineRmse: baseline.rmse, improvement: 1 - averages.rmse / baseline.rmse }
        : null,
    coverage:
      averages && averages.coverage !== null
        ? {
            level: accuracy.intervals?.level ?? 0.8,
            observed: averages.coverage,
            expected: averages.expectedCoverage,
            pit: averages.pitCoverage,
          }
        : null,
    needs: accuracy.needs ?? null,
    shortfall: accuracy.shortfall
      ? {
          moreCustomers: accuracy.shortfall.moreCustomers ?? null,
          moreRepeatCustomers: accuracy.shortfall.moreRepeatCustomers ?? null,
        }
      : null,
    cutoffs,
    evidence: accuracy.evidence ? { ...accuracy.evidence, modelLabel: MODEL_LABELS[accuracy.evidence.model] } : null,
  };
}

/** The one line the sync page shows: how good the model is, in a few figures. */
export interface AccuracySummary {
  status: string;
  modelLabel: string | null;
  improvement: number | null;
  coverage: number | null;
  moreRepeatCustomers: number | null;
}

export function accuracySummary(accuracy: ModelAccuracy | null): AccuracySummary | null {
  if (!accuracy) return null;
  return {
    status: accuracy.status,
    modelLabel: accuracy.modelLabel,
    improvement: accuracy.model ? (accuracy.baselineComparison?.improvement ?? null) : null,
    coverage: accuracy.model ? (accuracy.coverage?.observed ?? null) : null,
    moreRepeatCustomers: accuracy.shortfall?.moreRepeatCustomers ?? null,
  };
}
