/**
 * Attribution of orders to offers through a private line-item property.
 *
 * The storefront's add-to-cart form for an offered product carries `properties[_clv_offer]=<offer id>`.
 * A property whose name starts with "_" is hidden at checkout but kept on the order: REST order webhooks
 * deliver it as line_items[].properties = [{ name, value }].
 */

export const OFFER_PROPERTY = "_clv_offer";

const OFFER_ID = /^[A-Za-z0-9_:-]{1,64}$/;

export interface LineItemProperty {
  name: string;
  value: unknown;
}

export interface AttributionLineItem {
  quantity: number;
  /** Unit price, minor units of the shop currency. */
  priceMinor: number;
  /** Discounts allocated to the line (total_discount), minor units. */
  discountMinor?: number;
  /** As in REST order webhooks; an object of name → value (cart API shape) is accepted too. */
  properties?: readonly LineItemProperty[] | Readonly<Record<string, unknown>> | null;
}

export interface AttributionOrder {
  orderId: string;
  customerId: string | null;
  processedAtMs: number;
  test?: boolean;
  cancelled?: boolean;
  lineItems: readonly AttributionLineItem[];
}

/** The offer id a line item was added from, or null (no property, or a value that is not an offer id). */
export function offerIdOfLineItem(properties: AttributionLineItem["properties"], propertyName = OFFER_PROPERTY): string | null {
  if (properties == null) return null;
  let value: unknown;
  if (Array.isArray(properties)) {
    const list = properties as readonly LineItemProperty[];
    value = list.find((property) => property.name === propertyName)?.value;
  } else if (Object.hasOwn(properties, propertyName)) {
    value = (properties as Readonly<Record<string, unknown>>)[propertyName];
  }
  if (typeof value === "number" && Number.isInteger(value)) value = String(value);
  if (typeof value !== "string") return null;
  const id = value.trim();
  return OFFER_ID.test(id) ? id : null;
}

export interface OfferAttribution {
  offerId: string;
  /** Orders with at least one line item from the offer. */
  orders: number;
  /** Distinct customers among them (guests not counted). */
  customers: number;
  lineItems: number;
  units: number;
  /** Σ quantity × unit price − line discounts over the offer's line items, minor units. */
  revenueMinor: number;
}

export interface AttributionOptions {
  /** Count orders processed at or after this instant. */
  fromMs?: number;
  /** …and before this one. */
  toMs?: number;
  propertyName?: string;
}

/**
 * Orders and revenue per offer. Test and cancelled orders do not count; an order id given twice counts
 * once (the last version given wins). Refunds are not subtracted: the figure is revenue as placed.
 */
export function attributeOrders(orders: Iterable<AttributionOrder>, options: AttributionOptions = {}): Map<string, OfferAttribution> {
  const latest = new Map<string, AttributionOrder>();
  for (const order of orders) latest.set(order.orderId, order);
  const from = options.fromMs ?? Number.NEGATIVE_INFINITY;
  const to = options.toMs ?? Number.POSITIVE_INFINITY;

  const byOffer = new Map<string, OfferAttribution>();
  const customersByOffer = new Map<string, Set<string>>();
  for (const order of latest.values()) {
    if (order.test || order.cancelled || order.processedAtMs < from || order.processedAtMs >= to) continue;
    const offersInOrder = new Set<string>();
    for (const line of order.lineItems) {
      const offerId = offerIdOfLineItem(line.properties, options.propertyName);
      if (offerId === null) continue;
      let stats = byOffer.get(offerId);
      if (stats === undefined) {
        stats = { offerId, orders: 0, customers: 0, lineItems: 0, units: 0, revenueMinor: 0 };
        byOffer.set(offerId, stats);
        customersByOffer.set(offerId, new Set());
      }
      stats.lineItems++;
      stats.units += line.quantity;
      stats.revenueMinor += line.quantity * line.priceMinor - (line.discountMinor ?? 0);
      if (!offersInOrder.has(offerId)) {
        offersInOrder.add(offerId);
        stats.orders++;
        if (order.customerId !== null) customersByOffer.get(offerId)?.add(order.customerId);
      }
    }
  }
  for (const [offerId, stats] of byOffer) stats.customers = customersByOffer.get(offerId)?.size ?? 0;
  return new Map([...byOffer.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}
