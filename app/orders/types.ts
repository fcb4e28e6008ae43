// Orders, refunds and customer profiles as the app knows them, whichever way they arrived (webhook or
// backfill): plain JSON (ids as strings, money as integer minor units, times as ISO strings).

export interface CustomerProfile {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  tags: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface NormalizedLineItem {
  id: string;
  productId: string | null;
  variantId: string | null;
  title: string | null;
  quantity: number;
  priceMinor: number;
  /** The cross-sell offer it was added from (private line-item property _clv_offer); absent from backfill lines. */
  offerId?: string | null;
}

export interface NormalizedRefund {
  id: string;
  orderId: string;
  amountMinor: number;
  currencyCode: string;
  createdAt: string;
}

export interface NormalizedOrder {
  id: string;
  customer: CustomerProfile | null;
  name: string | null;
  email: string | null;
  currencyCode: string;
  totalMinor: number;
  // Optional: ingest jobs queued by an earlier version (and backfill files from before the query asked for
  // them) do not carry these two; absent reads as unknown subtotal and no codes.
  /**
   * Line items after discounts, without shipping, taxes and tips, as placed (what loyalty points are earned on);
   * null when the payload does not carry it (points then fall back to the total).
   */
  subtotalMinor?: number | null;
  /** The discount codes the order used, as entered (referral codes are matched on them); [] when none. */
  discountCodes?: string[];
  presentmentCurrency: string | null;
  presentmentTotalMinor: number | null;
  financialStatus: string | null;
  sourceName: string | null;
  test: boolean;
  createdAt: string;
  processedAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  closedAt: string | null;
  /** null: this version does not carry them (backfill lines); the stored line items stay as they are. */
  lineItems: NormalizedLineItem[] | null;
  refunds: NormalizedRefund[];
}
