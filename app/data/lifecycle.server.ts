// Compliance (GDPR) and app lifecycle writes. Every statement is scoped by shop.
import type { Db } from "~/db.server";
import { formatMinorDecimal } from "~/lib/money";

/** customers/redact: erase the customer's personal fields and those of the named orders; keep the anonymous money. */
export async function redactCustomer(db: Db, shop: string, customerId: string, orderIds: string[]): Promise<void> {
  const now = new Date();
  const erased = { email: null, firstName: null, lastName: null, phone: null, tags: null };
  await db.$transaction([
    db.customer.upsert({
      where: { shop_id: { shop, id: customerId } },
      create: { shop, id: customerId, redactedAt: now },
      update: { ...erased, redactedAt: now },
    }),
    db.order.updateMany({ where: { shop, OR: [{ customerId }, { id: { in: orderIds } }] }, data: { email: null } }),
    db.dataRequest.deleteMany({ where: { shop, customerId } }),
  ]);
}

/** shop/redact (48 h after uninstall): nothing of the shop stays. */
export async function redactShop(db: Db, shop: string): Promise<void> {
  await db.$transaction([
    db.lineItem.deleteMany({ where: { shop } }),
    db.refund.deleteMany({ where: { shop } }),
    db.order.deleteMany({ where: { shop } }),
    db.customerValue.deleteMany({ where: { shop } }),
    db.customer.deleteMany({ where: { shop } }),
    db.modelFit.deleteMany({ where: { shop } }),
    db.dataRequest.deleteMany({ where: { shop } }),
    db.backfillRun.deleteMany({ where: { shop } }),
    db.webhookDelivery.deleteMany({ where: { shop } }),
    db.session.deleteMany({ where: { shop } }),
    db.shop.deleteMany({ where: { shop } }),
  ]);
}

/** customers/data_request: everything we hold on the customer, stored for the merchant to send. */
export async function recordDataRequest(db: Db, shop: string, requestId: string, customerId: string, orderIds: string[]): Promise<void> {
  const [customer, value, orders] = await Promise.all([
    db.customer.findUnique({ where: { shop_id: { shop, id: customerId } } }),
    db.customerValue.findUnique({ where: { shop_customerId: { shop, customerId } } }),
    db.order.findMany({ where: { shop, OR: [{ customerId }, { id: { in: orderIds } }] }, orderBy: { processedAt: "asc" } }),
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
    orders: orders.map((o) => ({
      id: o.id,
      name: o.name,
      email: o.email,
      processedAt: o.processedAt,
      total: formatMinorDecimal(o.totalMinor, o.currencyCode),
      refunded: formatMinorDecimal(o.refundedMinor, o.currencyCode),
      currency: o.currencyCode,
      cancelledAt: o.cancelledAt,
    })),
  };
  const json = JSON.stringify(payload);
  await db.dataRequest.upsert({
    where: { shop_id: { shop, id: requestId } },
    create: { shop, id: requestId, customerId, payload: json },
    update: { payload: json },
  });
  console.info(`data request ${requestId} for customer ${customerId} of ${shop} assembled (${orders.length} orders)`);
}

/** customers/delete: the customer no longer exists in Shopify; their orders (and value) remain. */
export async function markCustomerDeleted(db: Db, shop: string, customerId: string): Promise<void> {
  const now = new Date();
  await db.customer.upsert({
    where: { shop_id: { shop, id: customerId } },
    create: { shop, id: customerId, deletedAt: now },
    update: { deletedAt: now },
  });
}

/** app/uninstalled (may arrive more than once): sessions go, the shop is marked; data stays until shop/redact. */
export async function markShopUninstalled(db: Db, shop: string): Promise<void> {
  const now = new Date();
  await db.$transaction([
    db.session.deleteMany({ where: { shop } }),
    db.shop.upsert({ where: { shop }, create: { shop, uninstalledAt: now }, update: { uninstalledAt: now } }),
  ]);
}

/** app/scopes_update: the granted scopes changed; sessions and the shop row follow. */
export async function updateShopScopes(db: Db, shop: string, scopes: string[]): Promise<void> {
  const scope = scopes.join(",");
  await db.$transaction([
    db.session.updateMany({ where: { shop }, data: { scope } }),
    db.shop.upsert({ where: { shop }, create: { shop, scopes: scope }, update: { scopes: scope } }),
  ]);
}

/** On install/auth: the shop is (again) installed. */
export async function markShopInstalled(
  db: Db,
  shop: string,
  details: { name?: string | null; currencyCode?: string | null; ianaTimezone?: string | null; scopes?: string | null } = {},
): Promise<void> {
  const now = new Date();
  await db.shop.upsert({
    where: { shop },
    create: { shop, installedAt: now, ...details },
    update: { installedAt: now, uninstalledAt: null, ...details },
  });
}
