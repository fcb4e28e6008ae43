// The order model every producer (synthetic generator, CDNOW converter) yields and every writer
// (bulk JSONL, REST webhook payloads) consumes. Times are epoch milliseconds (whole seconds), money is
// integer minor units of the shop currency, ids are numeric (below 2^53) without the gid prefix.

export interface SyntheticCustomer {
  id: number;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  createdAt: number;
  /** As a bulk export would show it: the time of the customer's last order within the span. */
  updatedAt: number;
}

export interface SyntheticLineItem {
  id: number;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  vendor: string;
  quantity: number;
  /** null when the product was deleted after the order (Shopify then returns product: null). */
  productId: number | null;
  variantId: number | null;
  unitPriceMinor: number;
}

export interface SyntheticRefund {
  id: number;
  createdAt: number;
  amountMinor: number;
  note: string | null;
  /** Transaction id of the refund's money movement (REST payloads). */
  transactionId: number;
}

export type FinancialStatus = "PAID" | "PARTIALLY_REFUNDED" | "REFUNDED" | "VOIDED";

export interface SyntheticOrder {
  id: number;
  /** Running order number: name is "#" + number. */
  number: number;
  name: string;
  email: string | null;
  phone: string | null;
  createdAt: number;
  processedAt: number;
  /** Final state within the span: the latest of creation, refunds, cancellation, closing. */
  updatedAt: number;
  cancelledAt: number | null;
  cancelReason: string | null;
  closedAt: number | null;
  test: boolean;
  sourceName: string;
  financialStatus: FinancialStatus;
  currencyCode: string;
  presentmentCurrencyCode: string;
  /** Order total as placed (sum of the line items), shop currency. */
  totalMinor: number;
  /** The same total in the presentment currency. */
  presentmentTotalMinor: number;
  /** Shipping included in totalMinor (absent: none; the generator sells merchandise only). */
  shippingMinor?: number;
  /** Discount codes the order used (absent: none). */
  discountCodes?: string[];
  customer: SyntheticCustomer | null;
  lineItems: SyntheticLineItem[];
  refunds: SyntheticRefund[];
}

export const gid = {
  order: (id: number | string) => `gid://shopify/Order/${id}`,
  customer: (id: number | string) => `gid://shopify/Customer/${id}`,
  lineItem: (id: number | string) => `gid://shopify/LineItem/${id}`,
  product: (id: number | string) => `gid://shopify/Product/${id}`,
  variant: (id: number | string) => `gid://shopify/ProductVariant/${id}`,
  refund: (id: number | string) => `gid://shopify/Refund/${id}`,
  transaction: (id: number | string) => `gid://shopify/OrderTransaction/${id}`,
};

export function refundedMinor(order: SyntheticOrder, until = Number.POSITIVE_INFINITY): number {
  let sum = 0;
  for (const r of order.refunds) if (r.createdAt <= until) sum += r.amountMinor;
  return sum;
}
