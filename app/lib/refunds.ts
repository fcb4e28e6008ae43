// Refund money in the shop's currency. A refund is paid in the currency of its transactions, which is
// the buyer's (presentment) currency on multi-currency orders; convert it with the order's own ratio
// of shop to presentment totals, which is the exchange rate Shopify applied to that order.
export interface OrderMoney {
  currencyCode: string;
  totalMinor: bigint;
  presentmentCurrency: string | null;
  presentmentTotalMinor: bigint | null;
}

export function refundInShopMoney(amountMinor: bigint, refundCurrency: string, order: OrderMoney): bigint {
  if (refundCurrency === order.currencyCode) return amountMinor;
  const presentmentTotal = order.presentmentTotalMinor ?? 0n;
  if (refundCurrency === order.presentmentCurrency && presentmentTotal > 0n) {
    // round half up, in integers
    return (amountMinor * order.totalMinor * 2n + presentmentTotal) / (presentmentTotal * 2n);
  }
  // A currency we cannot relate to the order: count it as shop money rather than drop it.
  return amountMinor;
}
