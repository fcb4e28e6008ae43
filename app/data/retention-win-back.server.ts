// The optional win-back offer of the retention sync (RetentionSettings.winBackEnabled): for a customer newly
// at risk, app/retention's decideWinBack picks the arm of the shared holdout experiment ("win-back"); the
// treatment gets a single-use, expiring discount code limited to them (written to the win_back_code and
// win_back_expires_on metafields by the sync), the holdout nothing, and both are recorded as exposures so the
// experiment report compares like with like. What was decided is kept per customer (ShopifySyncState,
// channel "retention_win_back": the WinBackRecord) so an episode is decided once.
import { createHmac } from "node:crypto";
import { config } from "~/config.server";
import type { Db } from "~/db.server";
import { dayNumberInZone, startOfDayInZone } from "~/clv/time-zone";
import { DEFAULT_HOLDOUT_SHARE, type Exposure, type ExperimentDefinition } from "~/experiments";
import { formatMinorDecimal } from "~/lib/money";
import { WIN_BACK_EXPERIMENT_KEY, winBackSettingsSchema, type WinBackOffer, type WinBackRecord, type WinBackSettings } from "~/retention";
import { AdminApiError } from "~/shopify/admin-gateway.server";
import { customerGid } from "~/shopify/customer-operations";
import { WIN_BACK_CODE_CREATE, type WinBackCodeCreateData } from "~/shopify/retention-operations";
import { MUTATION_COST, type AdminPacer } from "./admin-pacer.server";
import { bulkUpsert } from "./bulk-upsert.server";
import { definitionOf, newSalt } from "./experiments.server";
import { WIN_BACK_CHANNEL } from "./retention-sync.server";

export const WIN_BACK_EXPERIMENT_KIND = "win_back";

export interface WinBackContext {
  settings: WinBackSettings;
  experiment: ExperimentDefinition;
  /** The key codes are derived with (app/retention winBackCode): never leaves the server. */
  secret: string;
  shop: string;
  timeZone: string;
  today: number;
  nowMs: number;
}

/**
 * The code key: an HMAC of the app's secret, so codes cannot be guessed without it and the app secret itself
 * is never the key (winBackCode wants at least 32 characters; this is 64).
 */
function codeSecret(): string {
  return createHmac("sha256", config.apiSecret).update("clv win-back codes v1").digest("hex");
}

/**
 * What the sync needs to decide win-back offers, or null when they are off. The shop's win-back experiment
 * starts with the first sync after the merchant turns offers on (holdout DEFAULT_HOLDOUT_SHARE, the shop's
 * experiment salt); an experiment the merchant ended means no new offers.
 */
export async function winBackContext(db: Db, shop: string, nowMs: number): Promise<WinBackContext | null> {
  const settingsRow = await db.retentionSettings.findUnique({ where: { shop }, select: { winBackEnabled: true } });
  if (!settingsRow?.winBackEnabled) return null;
  const shopRow = await db.shop.findUnique({ where: { shop }, select: { ianaTimezone: true } });
  const timeZone = shopRow?.ianaTimezone ?? "UTC";
  let experiment = await db.experiment.findUnique({ where: { shop_key: { shop, key: WIN_BACK_EXPERIMENT_KEY } } });
  if (!experiment) {
    const salt = (await db.experiment.findFirst({ where: { shop }, select: { salt: true } }))?.salt ?? newSalt();
    await bulkUpsert(db, {
      table: "Experiment",
      columns: ["shop", "key", "kind", "holdoutShare", "salt", "startedAt"],
      rows: [[shop, WIN_BACK_EXPERIMENT_KEY, WIN_BACK_EXPERIMENT_KIND, DEFAULT_HOLDOUT_SHARE, salt, new Date(nowMs)]],
      conflict: ["shop", "key"],
    });
    experiment = await db.experiment.findUniqueOrThrow({ where: { shop_key: { shop, key: WIN_BACK_EXPERIMENT_KEY } } });
  }
  return {
    settings: winBackSettingsSchema.parse({ enabled: true }),
    experiment: definitionOf(experiment),
    secret: codeSecret(),
    shop,
    timeZone,
    today: dayNumberInZone(nowMs, timeZone),
    nowMs,
  };
}

export function parseWinBackRecord(text: string | null): WinBackRecord | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<WinBackRecord>;
    const day = (v: unknown) => typeof v === "number" && Number.isInteger(v);
    if (!day(value.episodeStartDay) || !day(value.issuedDay) || !day(value.lastValidDay)) return null;
    if (value.arm !== "treatment" && value.arm !== "holdout") return null;
    return {
      episodeStartDay: value.episodeStartDay as number,
      arm: value.arm,
      code: typeof value.code === "string" ? value.code : null,
      issuedDay: value.issuedDay as number,
      lastValidDay: value.lastValidDay as number,
    };
  } catch {
    return null;
  }
}

/** Records the decisions and their exposures (a customer's first exposure is kept). */
export async function recordWinBackDecisions(
  db: Db,
  shop: string,
  decisions: readonly { customerId: string; record: WinBackRecord; exposure: Exposure }[],
): Promise<void> {
  if (decisions.length === 0) return;
  await db.$transaction(async (tx) => {
    await bulkUpsert(tx, {
      table: "ShopifySyncState",
      columns: ["shop", "customerId", "channel", "written", "dirty", "syncedAt"],
      rows: decisions.map((d) => [shop, d.customerId, WIN_BACK_CHANNEL, JSON.stringify(d.record), false, new Date()]),
      conflict: ["shop", "customerId", "channel"],
      set: [`"written" = excluded."written"`, `"syncedAt" = excluded."syncedAt"`],
    });
    await bulkUpsert(tx, {
      table: "ExperimentExposure",
      columns: ["shop", "experimentKey", "customerId", "arm", "firstExposedAt", "costMinor"],
      rows: decisions.map((d) => [shop, d.exposure.experimentKey, d.exposure.customerId, d.exposure.arm, new Date(d.exposure.atMs), 0]),
      conflict: ["shop", "experimentKey", "customerId"],
    });
  });
}

function discountInput(offer: WinBackOffer, context: WinBackContext, currencyCode: string) {
  const value =
    offer.discount.kind === "percentage"
      ? { percentage: offer.discount.percent / 100 }
      : { discountAmount: { amount: formatMinorDecimal(offer.discount.amountMinor, currencyCode), appliesOnEachItem: false } };
  return {
    title: `Win-back ${offer.code}`,
    code: offer.code,
    startsAt: new Date(context.nowMs).toISOString(),
    // The end of the last valid day in the shop's zone: the start of the next.
    endsAt: new Date(startOfDayInZone(offer.endsAtDay, context.timeZone)).toISOString(),
    context: { customers: { add: [customerGid(offer.customerId)] } },
    customerGets: { value, items: { all: true } },
    usageLimit: offer.usageLimit,
    appliesOncePerCustomer: true,
    combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: true },
  };
}

const isTaken = (errors: { code?: string | null; message: string }[]) =>
  errors.some((e) => e.code === "TAKEN" || /taken|unique/i.test(e.message));

/**
 * Creates the offer's code. A code is derived from (shop, customer, episode), so TAKEN means this offer's own
 * code exists already (a retry after a lost answer): that is success. Returns an error message, or null.
 */
export async function createWinBackCode(
  pacer: AdminPacer,
  offer: WinBackOffer,
  context: WinBackContext,
  currencyCode: string,
): Promise<string | null> {
  try {
    const data = await pacer.call<WinBackCodeCreateData>(
      WIN_BACK_CODE_CREATE,
      { basicCodeDiscount: discountInput(offer, context, currencyCode) },
      MUTATION_COST,
    );
    const { codeDiscountNode, userErrors } = data.discountCodeBasicCreate;
    if (codeDiscountNode || isTaken(userErrors)) return null;
    return userErrors.map((e) => e.message).join("; ") || "Shopify created no discount";
  } catch (error) {
    if (!(error instanceof AdminApiError)) throw error;
    return error.message;
  }
}
