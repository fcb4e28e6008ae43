// Compliance (GDPR) and app lifecycle writes. Every statement is scoped by shop. The writes take a
// transaction client: the worker runs each one under the shop lock (app/data/shop-lock.server.ts).
import type { Prisma } from "@prisma/client";
import { databaseProvider, type Db } from "~/db.server";
import { formatMinorDecimal } from "~/lib/money";
import { bulkUpsert } from "./bulk-upsert.server";
import { recomputeValuesAndRescore } from "./rescore.server";
import { lockShop } from "./shop-lock.server";

type Tx = Prisma.TransactionClient;

/** Ids per statement in IN lists (orders_to_redact can be long; SQLite binds at most 32,766 values). */
const IDS_PER_STATEMENT = 500;

function chunks<T>(items: T[], size = IDS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * customers/redact: erase the customer's personal fields and those of the named orders (guest orders too),
 * and remember both so that later deliveries cannot write them back (Customer.redactedAt, RedactedOrder).
 * The anonymous money stays.
 */
export async function redactCustomer(tx: Tx, shop: string, customerId: string, orderIds: string[]): Promise<void> {
  const now = new Date();
  const erased = { email: null, firstName: null, lastName: null, phone: null, tags: null };
  await tx.customer.upsert({
    where: { shop_id: { shop, id: customerId } },
    create: { shop, id: customerId, redactedAt: now },
    update: { ...erased, redactedAt: now },
  });
  await bulkUpsert(tx, {
    table: "RedactedOrder",
    columns: ["shop", "id", "redactedAt"],
    rows: orderIds.map((id) => [shop, id, now]),
    conflict: ["shop", "id"],
  });
  // Discount codes are free text (a referral or personal code may carry the person's name).
  const erasedOrder = { email: null, discountCodes: null };
  await tx.order.updateMany({ where: { shop, customerId }, data: erasedOrder });
  for (const ids of chunks(orderIds)) await tx.order.updateMany({ where: { shop, id: { in: ids } }, data: erasedOrder });
  await tx.dataRequest.deleteMany({ where: { shop, customerId } });
  // A manual points adjustment's reason is text a merchant typed about this customer.
  await tx.pointsEntry.updateMany({ where: { shop, customerId, reason: { not: null } }, data: { reason: null } });
}

/**
 * shop/redact (48 h after uninstall): nothing of the shop stays. The Shop row goes first: under the
 * exclusive shop lock (PostgreSQL) every ingest batch of the shop has committed before the deletes run,
 * and any later one finds no shop and stores nothing.
 */
export async function redactShop(db: Db, shop: string): Promise<void> {
  await db.$transaction(
    async (tx) => {
      await lockShop(tx, shop, "exclusive");
      await tx.shop.deleteMany({ where: { shop } });
      await tx.session.deleteMany({ where: { shop } });
      await tx.lineItem.deleteMany({ where: { shop } });
      await tx.refund.deleteMany({ where: { shop } });
      await tx.order.deleteMany({ where: { shop } });
      await tx.customerValue.deleteMany({ where: { shop } });
      await tx.customer.deleteMany({ where: { shop } });
      await tx.redactedOrder.deleteMany({ where: { shop } });
      await tx.modelFit.deleteMany({ where: { shop } });
      await tx.dataRequest.deleteMany({ where: { shop } });
      await tx.backfillRun.deleteMany({ where: { shop } });
      await tx.webhookDelivery.deleteMany({ where: { shop } });
      // The second half: loyalty, cross-sell, experiments, retention and what was written to Shopify.
      await tx.pointsEntry.deleteMany({ where: { shop } });
      await tx.loyaltyMember.deleteMany({ where: { shop } });
      await tx.tierChange.deleteMany({ where: { shop } });
      await tx.tierEvaluationRun.deleteMany({ where: { shop } });
      await tx.redemption.deleteMany({ where: { shop } });
      await tx.referral.deleteMany({ where: { shop } });
      await tx.loyaltyRuleVersion.deleteMany({ where: { shop } });
      await tx.loyaltyProgram.deleteMany({ where: { shop } });
      await tx.shopifySyncState.deleteMany({ where: { shop } });
      await tx.product.deleteMany({ where: { shop } });
      await tx.offerSettings.deleteMany({ where: { shop } });
      await tx.offerSuggestion.deleteMany({ where: { shop } });
      await tx.offer.deleteMany({ where: { shop } });
      await tx.customerRecommendation.deleteMany({ where: { shop } });
      await tx.experimentExposure.deleteMany({ where: { shop } });
      await tx.experiment.deleteMany({ where: { shop } });
      await tx.retentionSettings.deleteMany({ where: { shop } });
      await tx.customerRisk.deleteMany({ where: { shop } });
      await tx.retentionSnapshot.deleteMany({ where: { shop } });
    },
    { maxWait: 60_000, timeout: 15 * 60_000 }, // a large shop's rows take a while to delete
  );
}

/** The tables a redaction changes, for purgeErasedValues. */
export const CUSTOMER_REDACTION_TABLES = ["Customer", "Order", "DataRequest", "PointsEntry"];
export const SHOP_REDACTION_TABLES = [
  "Shop",
  "Session",
  "LineItem",
  "Refund",
  "Order",
  "CustomerValue",
  "Customer",
  "RedactedOrder",
  "ModelFit",
  "DataRequest",
  "BackfillRun",
  "WebhookDelivery",
  "PointsEntry",
  "LoyaltyMember",
  "TierChange",
  "TierEvaluationRun",
  "Redemption",
  "Referral",
  "LoyaltyRuleVersion",
  "LoyaltyProgram",
  "ShopifySyncState",
  "Product",
  "OfferSettings",
  "OfferSuggestion",
  "Offer",
  "CustomerRecommendation",
  "ExperimentExposure",
  "Experiment",
  "RetentionSettings",
  "CustomerRisk",
  "RetentionSnapshot",
];

/**
 * After a redaction has committed: make the erased values unreadable where the app can.
 * SQLite (secure_delete is on, see db.server.ts) zeroes erased cells in the pages it writes, but older
 * images of those pages stay in the WAL file until it is checkpointed and truncated: do that now.
 * PostgreSQL keeps the old row versions until VACUUM removes them; VACUUM cannot run in a transaction,
 * hence here. It frees the space for reuse but does not overwrite it, and the WAL and backups keep their
 * copies: the rest is the operator's part (README, "Erasure on PostgreSQL"). Best effort: the erasure
 * itself is committed, so a failure here is logged and does not fail the job.
 */
export async function purgeErasedValues(db: Db, tables: string[]): Promise<void> {
  try {
    if (databaseProvider() === "sqlite") {
      // In a transaction of its own (and as its first statement): the process's one SQLite connection then
      // has no other transaction open, which would make the checkpoint fail ("table is locked").
      const [result] = await db.$transaction((tx) => tx.$queryRawUnsafe<{ busy: number | bigint }[]>("PRAGMA wal_checkpoint(TRUNCATE)"));
      if (result && Number(result.busy) !== 0)
        console.warn("redaction: the WAL could not be truncated now (readers); it will be overwritten");
    } else {
      // SKIP_LOCKED: a table another VACUUM is working on is left to it.
      await db.$executeRawUnsafe(`VACUUM (SKIP_LOCKED) ${tables.map((t) => `"${t}"`).join(", ")}`);
    }
  } catch (error) {
    console.warn(`redaction: purging erased values failed (${(error as Error).name}); autovacuum / the next checkpoint will`);
  }
}

/** customers/data_request: everything we hold on the customer, stored for the merchant to send. */
export async function recordDataRequest(tx: Tx, shop: string, requestId: string, customerId: string, orderIds: string[]): Promise<void> {
  const [customer, value, orders, member, points, redemptions, referrals, risk] = await Promise.all([
    tx.customer.findUnique({ where: { shop_id: { shop, id: customerId } } }),
    tx.customerValue.findUnique({ where: { shop_customerId: { shop, customerId } } }),
    tx.order.findMany({ where: { shop, OR: [{ customerId }, { id: { in: orderIds } }] }, orderBy: { processedAt: "asc" } }),
    // What the loyalty program holds on them belongs in the answer too.
    tx.loyaltyMember.findUnique({ where: { shop_customerId: { shop, customerId } } }),
    tx.pointsEntry.findMany({ where: { shop, customerId }, orderBy: { effectiveAt: "asc" } }),
    tx.redemption.findMany({ where: { shop, customerId }, orderBy: { createdAt: "asc" } }),
    tx.referral.findMany({ where: { shop, OR: [{ referrerCustomerId: customerId }, { referredCustomerId: customerId }] } }),
    tx.customerRisk.findUnique({ where: { shop_customerId: { shop, customerId } } }),
  ]);
  const currency = orders[0]?.currencyCode ?? "USD";
  const payload = {
    requestId,
    customerId,
    assembledAt: new Date().toISOString(),
    customer: customer && {
      email: customer.email,
      firstName: customer.firstName,
      lastName: customer.lastName,
      phone: customer.phone,
      tags: customer.tags,
    },
    value: value && {
      orderCount: value.orderCount,
      netRevenue: formatMinorDecimal(value.netRevenueMinor, currency),
      firstOrderAt: value.firstOrderAt,
      lastOrderAt: value.lastOrderAt,
      predictedClv: value.predictedClvMinor == null ? null : formatMinorDecimal(value.predictedClvMinor, currency),
      probabilityAlive: value.probabilityAlive,
      segment: value.segment,
    },
    loyalty: {
      tierId: member?.tierId ?? null,
      referralCode: member?.referralCode ?? null,
      points: points.map((e) => ({ kind: e.kind, points: e.points, reason: e.reason, effectiveAt: e.effectiveAt })),
      redemptions: redemptions.map((r) => ({
        rewardId: r.rewardId,
        points: r.pointsCost,
        state: r.state,
        code: r.code,
        createdAt: r.createdAt,
      })),
      referrals: referrals.map((r) => ({
        role: r.referrerCustomerId === customerId ? "referrer" : "referred",
        orderId: r.orderId,
        state: r.state,
      })),
    },
    // The retention model's judgement of them (the reason holds figures, not free text).
    retention: risk && {
      atRisk: risk.atRisk,
      valueAtStake: formatMinorDecimal(risk.valueAtStakeMinor, currency),
      reason: risk.reason,
      updatedAt: risk.updatedAt,
    },
    orders: orders.map((o) => ({
      id: o.id,
      name: o.name,
      email: o.email,
      processedAt: o.processedAt,
      total: formatMinorDecimal(o.totalMinor, o.currencyCode),
      refunded: formatMinorDecimal(o.refundedMinor, o.currencyCode),
      currency: o.currencyCode,
      cancelledAt: o.cancelledAt,
      discountCodes: o.discountCodes === null ? [] : (JSON.parse(o.discountCodes) as string[]),
    })),
  };
  const json = JSON.stringify(payload);
  await tx.dataRequest.upsert({
    where: { shop_id: { shop, id: requestId } },
    create: { shop, id: requestId, customerId, payload: json },
    update: { payload: json },
  });
  console.info(`data request ${requestId} for customer ${customerId} of ${shop} assembled (${orders.length} orders)`);
}

/** customers/delete: the customer no longer exists in Shopify; their orders (and value) remain. */
export async function markCustomerDeleted(tx: Tx, shop: string, customerId: string): Promise<void> {
  const now = new Date();
  await tx.customer.upsert({
    where: { shop_id: { shop, id: customerId } },
    create: { shop, id: customerId, deletedAt: now },
    update: { deletedAt: now },
  });
}

/**
 * app/uninstalled (may arrive more than once): sessions go, the shop is marked and stores nothing more;
 * its data stays until shop/redact. A shop without a row (redacted already) gets none back.
 */
export async function markShopUninstalled(tx: Tx, shop: string): Promise<void> {
  await tx.session.deleteMany({ where: { shop } });
  await tx.shop.updateMany({ where: { shop }, data: { uninstalledAt: new Date() } });
}

/** app/scopes_update: the granted scopes changed; sessions and the shop row follow. */
export async function updateShopScopes(tx: Tx, shop: string, scopes: string[]): Promise<void> {
  const scope = scopes.join(",");
  await tx.session.updateMany({ where: { shop }, data: { scope } });
  await tx.shop.updateMany({ where: { shop }, data: { scopes: scope } });
}

/**
 * On install/auth: the shop is (again) installed. When its currency is given (the backfill reads it),
 * orders stored before it was known are flagged or unflagged against it, and their customers recomputed,
 * so no customer value adds two currencies.
 */
export async function markShopInstalled(
  db: Db,
  shop: string,
  details: { name?: string | null; currencyCode?: string | null; ianaTimezone?: string | null; scopes?: string | null } = {},
): Promise<void> {
  const now = new Date();
  const currencyCode = details.currencyCode;
  await db.$transaction(
    async (tx) => {
      // First: updating the Shop row waits for the shop's ingest batches under way (they hold it shared) and
      // holds later ones back, so none of them flags orders against the old currency after this commits.
      await tx.shop.upsert({
        where: { shop },
        create: { shop, installedAt: now, ...details },
        update: { installedAt: now, uninstalledAt: null, ...details },
      });
      if (!currencyCode) return;
      const unflagged = { shop, currencyMismatch: false, currencyCode: { not: currencyCode } };
      const flagged = { shop, currencyMismatch: true, currencyCode };
      const changed = await tx.order.findMany({
        where: { OR: [unflagged, flagged] },
        select: { customerId: true },
        distinct: ["customerId"],
      });
      if (changed.length === 0) return;
      await tx.order.updateMany({ where: unflagged, data: { currencyMismatch: true } });
      await tx.order.updateMany({ where: flagged, data: { currencyMismatch: false } });
      const customerIds = changed.flatMap((o) => (o.customerId ? [o.customerId] : []));
      // Their counted orders changed: values and predictions follow at once, as after any order change.
      await recomputeValuesAndRescore(tx, shop, customerIds, now);
    },
    { maxWait: 60_000, timeout: 120_000 },
  );
}
