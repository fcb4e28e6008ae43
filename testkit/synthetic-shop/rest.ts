// The same orders as Shopify's REST resources, the bodies of orders/* and refunds/create webhooks
// (shape of /work/shared/data/shopify/order.json and refund.json), and a chronological stream of the
// webhooks a shop would have sent: orders/create at creation, refunds/create + orders/updated at each
// refund, orders/cancelled at cancellation.
import { isoInZone, money } from "./format";
import { gid, type SyntheticOrder, type SyntheticRefund } from "./model";

export interface RestOptions {
  /** The shop's IANA time zone: REST timestamps carry its offset. Default "UTC". */
  timeZone?: string;
  shop?: string;
}

const FINANCIAL: Record<SyntheticOrder["financialStatus"], string> = {
  PAID: "paid",
  PARTIALLY_REFUNDED: "partially_refunded",
  REFUNDED: "refunded",
  VOIDED: "voided",
};

function moneySet(minor: number, currency: string, presentmentMinor = minor, presentmentCurrency = currency) {
  return {
    shop_money: { amount: money(minor, currency), currency_code: currency },
    presentment_money: { amount: money(presentmentMinor, presentmentCurrency), currency_code: presentmentCurrency },
  };
}

export function restRefund(order: SyntheticOrder, refund: SyntheticRefund, options: RestOptions = {}) {
  const tz = options.timeZone ?? "UTC";
  const at = isoInZone(refund.createdAt, tz);
  const c = order.currencyCode;
  // Payments and refunds move money in the buyer's (presentment) currency.
  const p = order.presentmentCurrencyCode;
  const paid =
    p === c || order.totalMinor === 0
      ? refund.amountMinor
      : Math.round((refund.amountMinor * order.presentmentTotalMinor) / order.totalMinor);
  return {
    id: refund.id,
    admin_graphql_api_id: gid.refund(refund.id),
    created_at: at,
    note: refund.note,
    order_id: order.id,
    processed_at: at,
    restock: false,
    total_duties_set: moneySet(0, c),
    user_id: null,
    order_adjustments: [],
    transactions: [
      {
        id: refund.transactionId,
        admin_graphql_api_id: gid.transaction(refund.transactionId),
        amount: money(paid, p),
        authorization: null,
        created_at: at,
        currency: p,
        device_id: null,
        error_code: null,
        gateway: "shopify_payments",
        kind: "refund",
        location_id: null,
        message: null,
        order_id: order.id,
        parent_id: null,
        processed_at: at,
        receipt: {},
        source_name: "web",
        status: "success",
        test: order.test,
        user_id: null,
      },
    ],
    refund_line_items: [],
  };
}

/**
 * The order as a REST resource. `asOf` (epoch ms) gives the state at that time: refunds, cancellation
 * and closing after it are left out and updated_at is the latest change up to it. Default: final state.
 */
export function restOrder(order: SyntheticOrder, options: RestOptions & { asOf?: number } = {}) {
  const tz = options.timeZone ?? "UTC";
  const asOf = options.asOf ?? Number.POSITIVE_INFINITY;
  const at = (ms: number | null) => (ms === null || ms > asOf ? null : isoInZone(ms, tz));
  const c = order.currencyCode;
  const p = order.presentmentCurrencyCode;
  const refunds = order.refunds.filter((r) => r.createdAt <= asOf);
  const refunded = refunds.reduce((s, r) => s + r.amountMinor, 0);
  const cancelled = order.cancelledAt !== null && order.cancelledAt <= asOf;
  let status = order.financialStatus;
  if (asOf !== Number.POSITIVE_INFINITY) {
    if (cancelled && refunded === 0) status = "VOIDED";
    else if (refunded === 0) status = "PAID";
    else status = refunded >= order.totalMinor ? "REFUNDED" : "PARTIALLY_REFUNDED";
  }
  let updated = order.createdAt;
  for (const t of [order.closedAt, order.cancelledAt, ...refunds.map((r) => r.createdAt)])
    if (t !== null && t <= asOf && t > updated) updated = t;
  const subtotal = order.lineItems.reduce((s, li) => s + li.unitPriceMinor * li.quantity, 0);
  const presentmentOf = (minor: number) =>
    order.totalMinor === 0 ? 0 : Math.round((minor * order.presentmentTotalMinor) / order.totalMinor);
  const current = Math.max(0, order.totalMinor - refunded);
  const customer = order.customer && {
    id: order.customer.id,
    email: order.customer.email,
    created_at: isoInZone(order.customer.createdAt, tz),
    updated_at: isoInZone(
      Math.min(order.customer.updatedAt, Math.max(order.createdAt, asOf === Number.POSITIVE_INFINITY ? order.customer.updatedAt : asOf)),
      tz,
    ),
    first_name: order.customer.firstName,
    last_name: order.customer.lastName,
    state: "enabled",
    note: null,
    verified_email: order.customer.email !== null,
    multipass_identifier: null,
    tax_exempt: false,
    phone: order.customer.phone,
    tags: "",
    currency: c,
    tax_exemptions: [],
    admin_graphql_api_id: gid.customer(order.customer.id),
  };
  return {
    id: order.id,
    admin_graphql_api_id: gid.order(order.id),
    app_id: null,
    buyer_accepts_marketing: false,
    cancel_reason: cancelled ? order.cancelReason : null,
    cancelled_at: cancelled ? at(order.cancelledAt) : null,
    closed_at: at(order.closedAt),
    confirmed: true,
    contact_email: order.email,
    created_at: at(order.createdAt),
    currency: c,
    current_subtotal_price: money(Math.max(0, subtotal - refunded), c),
    current_subtotal_price_set: moneySet(Math.max(0, subtotal - refunded), c, presentmentOf(Math.max(0, subtotal - refunded)), p),
    current_total_discounts: money(0, c),
    current_total_price: money(current, c),
    current_total_price_set: moneySet(current, c, presentmentOf(current), p),
    current_total_tax: money(0, c),
    email: order.email,
    estimated_taxes: false,
    financial_status: FINANCIAL[status],
    fulfillment_status: null,
    name: order.name,
    note: null,
    note_attributes: [],
    number: order.number - 1000,
    order_number: order.number,
    phone: order.phone,
    presentment_currency: p,
    processed_at: at(order.processedAt),
    source_name: order.sourceName,
    subtotal_price: money(subtotal, c),
    subtotal_price_set: moneySet(subtotal, c, presentmentOf(subtotal), p),
    tags: "",
    tax_exempt: false,
    tax_lines: [],
    taxes_included: false,
    test: order.test,
    total_discounts: money(0, c),
    total_discounts_set: moneySet(0, c, 0, p),
    total_line_items_price: money(subtotal, c),
    total_line_items_price_set: moneySet(subtotal, c, presentmentOf(subtotal), p),
    total_outstanding: money(0, c),
    total_price: money(order.totalMinor, c),
    total_price_set: moneySet(order.totalMinor, c, order.presentmentTotalMinor, p),
    total_tax: money(0, c),
    total_tax_set: moneySet(0, c, 0, p),
    updated_at: isoInZone(updated, tz),
    customer,
    discount_codes: (order.discountCodes ?? []).map((code) => ({ code, amount: money(0, c), type: "fixed_amount" })),
    fulfillments: [],
    line_items: order.lineItems.map((li) => ({
      id: li.id,
      admin_graphql_api_id: gid.lineItem(li.id),
      current_quantity: li.quantity,
      fulfillable_quantity: li.quantity,
      fulfillment_service: "manual",
      fulfillment_status: null,
      gift_card: false,
      grams: 0,
      name: li.variantTitle ? `${li.title} - ${li.variantTitle}` : li.title,
      price: money(li.unitPriceMinor, c),
      price_set: moneySet(li.unitPriceMinor, c, presentmentOf(li.unitPriceMinor), p),
      product_exists: li.productId !== null,
      product_id: li.productId,
      properties: [],
      quantity: li.quantity,
      requires_shipping: true,
      sku: li.sku,
      taxable: true,
      title: li.title,
      total_discount: money(0, c),
      total_discount_set: moneySet(0, c, 0, p),
      variant_id: li.variantId,
      variant_title: li.variantTitle,
      vendor: li.vendor,
      tax_lines: [],
      duties: [],
      discount_allocations: [],
    })),
    refunds: refunds.map((r) => restRefund(order, r, options)),
  };
}

export type RestOrderPayload = ReturnType<typeof restOrder>;

/** The orders' final states as REST payloads, one per order, in order. */
export function* restOrders(orders: Iterable<SyntheticOrder>, options: RestOptions = {}): Generator<RestOrderPayload> {
  for (const order of orders) yield restOrder(order, options);
}

export interface WebhookEvent {
  topic: "orders/create" | "orders/updated" | "orders/cancelled" | "refunds/create";
  /** When Shopify would send it (epoch ms). */
  at: number;
  orderId: number;
  body: Record<string, unknown>;
}

/**
 * The webhooks the shop would have sent for these orders (which must come oldest first), in time order.
 * Pending follow-ups (refunds, cancellations) sit in a heap; it holds only those not yet due, so memory
 * is bounded by the orders of the refund window, not by the history.
 */
export function* webhookEvents(orders: Iterable<SyntheticOrder>, options: RestOptions = {}): Generator<WebhookEvent> {
  const pending: WebhookEvent[] = [];
  let seq = 0;
  const keys = new WeakMap<WebhookEvent, number>();
  const before = (x: WebhookEvent, y: WebhookEvent) => x.at < y.at || (x.at === y.at && keys.get(x)! < keys.get(y)!);
  const push = (e: WebhookEvent) => {
    keys.set(e, seq++);
    pending.push(e);
    let i = pending.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(pending[i], pending[parent])) break;
      [pending[i], pending[parent]] = [pending[parent], pending[i]];
      i = parent;
    }
  };
  const pop = (): WebhookEvent => {
    const top = pending[0];
    const lastItem = pending.pop()!;
    if (pending.length > 0) {
      pending[0] = lastItem;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < pending.length && before(pending[l], pending[m])) m = l;
        if (r < pending.length && before(pending[r], pending[m])) m = r;
        if (m === i) break;
        [pending[i], pending[m]] = [pending[m], pending[i]];
        i = m;
      }
    }
    return top;
  };
  for (const order of orders) {
    while (pending.length > 0 && pending[0].at <= order.createdAt) yield pop();
    yield { topic: "orders/create", at: order.createdAt, orderId: order.id, body: restOrder(order, { ...options, asOf: order.createdAt }) };
    for (const refund of order.refunds) {
      push({ topic: "refunds/create", at: refund.createdAt, orderId: order.id, body: restRefund(order, refund, options) });
      push({
        topic: "orders/updated",
        at: refund.createdAt + 1000,
        orderId: order.id,
        body: restOrder(order, { ...options, asOf: refund.createdAt + 1000 }),
      });
    }
    if (order.cancelledAt !== null) {
      push({
        topic: "orders/cancelled",
        at: order.cancelledAt,
        orderId: order.id,
        body: restOrder(order, { ...options, asOf: order.cancelledAt }),
      });
    }
  }
  while (pending.length > 0) yield pop();
}
