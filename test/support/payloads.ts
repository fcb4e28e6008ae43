// Test deliveries built from Shopify's own payloads (test/fixtures/shopify), with ids, customers,
// dates and amounts changed and the shape kept.
import { readFileSync } from "node:fs";
import path from "node:path";

const fixture = (name: string) => JSON.parse(readFileSync(path.resolve("test/fixtures/shopify", name), "utf8"));
const ORDER = fixture("order.json");
const REFUND = fixture("refund.json");

export interface OrderSpec {
  id: number | string;
  customerId?: number | string | null;
  total?: string;
  createdAt?: string;
  updatedAt?: string;
  processedAt?: string;
  cancelledAt?: string | null;
  test?: boolean;
  email?: string;
  refunds?: object[];
  lineItems?: { id: number; productId: number; quantity: number; price: string }[];
  /** Merchandise after discounts (subtotal_price, current_subtotal_price and their sets); default: the total. */
  subtotal?: string;
  /** discount_codes[].code; default: the fixture's. */
  discountCodes?: string[];
}

export function orderPayload(spec: OrderSpec): Record<string, unknown> {
  const order = structuredClone(ORDER);
  const total = spec.total ?? order.total_price;
  const created = spec.createdAt ?? order.created_at;
  Object.assign(order, {
    id: spec.id,
    admin_graphql_api_id: `gid://shopify/Order/${spec.id}`,
    name: `#${spec.id}`,
    total_price: total,
    current_total_price: total,
    created_at: created,
    processed_at: spec.processedAt ?? created,
    updated_at: spec.updatedAt ?? created,
    cancelled_at: spec.cancelledAt ?? null,
    test: spec.test ?? false,
    refunds: spec.refunds ?? [],
  });
  order.total_price_set.shop_money.amount = total;
  order.total_price_set.presentment_money.amount = total;
  // The fixture's subtotal equals its total (no shipping or tax): keep them consistent when the total changes.
  const subtotal = spec.subtotal ?? total;
  order.subtotal_price = order.current_subtotal_price = subtotal;
  for (const set of [order.subtotal_price_set, order.current_subtotal_price_set]) {
    set.shop_money.amount = subtotal;
    set.presentment_money.amount = subtotal;
  }
  if (spec.discountCodes) order.discount_codes = spec.discountCodes.map((code) => ({ code, amount: "0.00", type: "fixed_amount" }));
  if (spec.email) order.email = spec.email;
  if (spec.customerId === null) order.customer = null;
  else if (spec.customerId !== undefined) {
    order.customer.id = spec.customerId;
    order.customer.admin_graphql_api_id = `gid://shopify/Customer/${spec.customerId}`;
    order.customer.email = `customer${spec.customerId}@example.com`;
    order.customer.updated_at = spec.updatedAt ?? created;
  }
  if (spec.lineItems) {
    const template = order.line_items[0];
    order.line_items = spec.lineItems.map((li) => ({
      ...structuredClone(template),
      id: li.id,
      product_id: li.productId,
      quantity: li.quantity,
      price: li.price,
      price_set: { shop_money: { amount: li.price, currency_code: "USD" }, presentment_money: { amount: li.price, currency_code: "USD" } },
    }));
  } else {
    order.line_items = order.line_items.map((li: Record<string, unknown>, i: number) => ({ ...li, id: Number(spec.id) * 10 + i }));
  }
  return order;
}

export function refundPayload(spec: { id: number; orderId: number | string; amount: string; createdAt?: string }): Record<string, unknown> {
  const refund = structuredClone(REFUND);
  Object.assign(refund, {
    id: spec.id,
    order_id: spec.orderId,
    admin_graphql_api_id: `gid://shopify/Refund/${spec.id}`,
    created_at: spec.createdAt ?? "2025-04-03T10:00:00-05:00",
    processed_at: spec.createdAt ?? "2025-04-03T10:00:00-05:00",
  });
  refund.transactions = refund.transactions.map((t: Record<string, unknown>) => ({ ...t, order_id: spec.orderId, amount: spec.amount }));
  return refund;
}
