// A deterministic synthetic shop history, streamed in order of creation.
//
// Customers follow the BG/NBD story (Fader, Hardie & Lee 2005): each customer is "born" with a first
// order at an acquisition time, buys again as a Poisson process of rate λ ~ Gamma(r, α) per week while
// alive, and after each repeat purchase drops out for good with probability p ~ Beta(a, b). Order values
// follow the Gamma-Gamma model: a customer's scale ν ~ Gamma(q, γ), each order's value z ~ Gamma(p, ν).
// Defaults are the published CDNOW estimates, so fitted models should land near them.
//
// Memory: O(customers), never O(orders). Per customer a few typed-array slots (times, rates, a 16-byte
// PRNG state); the interleaving of customers uses a binary heap on their next purchase time. Orders are
// produced one at a time by a synchronous generator.
import { buildCatalog, FIRST_NAMES, LAST_NAMES, type Catalog } from "./catalog";
import { currencyDigits } from "./format";
import type { FinancialStatus, SyntheticCustomer, SyntheticLineItem, SyntheticOrder, SyntheticRefund } from "./model";
import { hashSeed, Rng, WeightedTable } from "./random";

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export interface BgNbdParams {
  /** Shape and rate of the Gamma distribution of purchase rates λ (purchases per week). */
  r: number;
  alpha: number;
  /** Beta distribution of the dropout probability p. */
  a: number;
  b: number;
}

export interface GammaGammaParams {
  /** Shape of a transaction's value given the customer (Gamma(p, ν)). */
  p: number;
  /** Shape and rate of the customer's ν. Mean order value = p·γ / (q − 1). */
  q: number;
  gamma: number;
}

export interface PresentmentCurrency {
  code: string;
  /** Presentment units per shop-currency unit. */
  rate: number;
  /** Share of orders presented in this currency. */
  share: number;
}

export interface SyntheticShopOptions {
  seed?: number | string;
  /** Number of customers (registered and guest). Ignored when `orders` is given. */
  customers?: number;
  /** Approximate number of orders wanted: the customer count is sized from a pilot simulation. */
  orders?: number;
  /** Hard cap on orders emitted (the latest are cut off). */
  maxOrders?: number;
  /** End of the history (exclusive). Default 2026-06-30T00:00:00Z, fixed so that output is reproducible. */
  endDate?: string | Date | number;
  spanDays?: number;
  currencyCode?: string;
  presentmentCurrencies?: PresentmentCurrency[];
  bgnbd?: Partial<BgNbdParams>;
  gammaGamma?: Partial<GammaGammaParams>;
  /** Multiplies Gamma-Gamma values (major units). Default 1 (USD-like), e.g. 150 for JPY. */
  spendScale?: number;
  /** Acquisition rate at the end of the span relative to its start, minus 1 (0 = uniform). */
  acquisitionGrowth?: number;
  guestShare?: number;
  testOrderShare?: number;
  cancelShare?: number;
  refundShare?: number;
  /** Among refunded orders, the share refunded partially (the rest in full). */
  partialRefundShare?: number;
  products?: number;
  /** Zipf exponent of product popularity. */
  popularitySkew?: number;
  productDeletedShare?: number;
  firstOrderNumber?: number;
  ids?: Partial<Record<"order" | "customer" | "lineItem" | "product" | "variant" | "refund" | "transaction", number>>;
}

/** CDNOW estimates: BG/NBD (FHL 2005, weeks) and Gamma-Gamma (FHL 2005, dollars). */
export const CDNOW_BGNBD: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
export const CDNOW_GAMMA_GAMMA: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 };

const DEFAULT_SPEND_SCALE: Record<string, number> = {
  JPY: 150,
  KRW: 1400,
  HUF: 360,
  ISK: 140,
  CLP: 950,
  INR: 85,
  SEK: 10.5,
  NOK: 11,
  DKK: 7,
};

export interface ResolvedShopOptions {
  seed: number | string;
  customers: number;
  maxOrders: number;
  start: number;
  end: number;
  currencyCode: string;
  digits: number;
  presentmentCurrencies: PresentmentCurrency[];
  bgnbd: BgNbdParams;
  gammaGamma: GammaGammaParams;
  spendScale: number;
  acquisitionGrowth: number;
  guestShare: number;
  testOrderShare: number;
  cancelShare: number;
  refundShare: number;
  partialRefundShare: number;
  products: number;
  popularitySkew: number;
  productDeletedShare: number;
  firstOrderNumber: number;
  ids: Record<"order" | "customer" | "lineItem" | "product" | "variant" | "refund" | "transaction", number>;
}

export function resolveShopOptions(options: SyntheticShopOptions = {}): ResolvedShopOptions {
  const end = options.endDate === undefined ? Date.parse("2026-06-30T00:00:00Z") : new Date(options.endDate).getTime();
  if (!Number.isFinite(end)) throw new Error(`invalid endDate ${String(options.endDate)}`);
  const spanDays = options.spanDays ?? 730;
  if (!(spanDays > 0)) throw new Error("spanDays must be positive");
  const currencyCode = (options.currencyCode ?? "USD").toUpperCase();
  const resolved: ResolvedShopOptions = {
    seed: options.seed ?? 1,
    customers: 0,
    maxOrders: options.maxOrders ?? Number.POSITIVE_INFINITY,
    start: end - spanDays * DAY_MS,
    end,
    currencyCode,
    digits: currencyDigits(currencyCode),
    presentmentCurrencies: options.presentmentCurrencies ?? [],
    bgnbd: { ...CDNOW_BGNBD, ...options.bgnbd },
    gammaGamma: { ...CDNOW_GAMMA_GAMMA, ...options.gammaGamma },
    spendScale: options.spendScale ?? DEFAULT_SPEND_SCALE[currencyCode] ?? 1,
    acquisitionGrowth: options.acquisitionGrowth ?? 0.5,
    guestShare: options.guestShare ?? 0.08,
    testOrderShare: options.testOrderShare ?? 0.003,
    cancelShare: options.cancelShare ?? 0.015,
    refundShare: options.refundShare ?? 0.04,
    partialRefundShare: options.partialRefundShare ?? 0.55,
    products: options.products ?? 200,
    popularitySkew: options.popularitySkew ?? 1.1,
    productDeletedShare: options.productDeletedShare ?? 0.02,
    firstOrderNumber: options.firstOrderNumber ?? 1001,
    ids: {
      order: 5_400_000_000_000,
      customer: 7_100_000_000_000,
      lineItem: 14_200_000_000_000,
      product: 8_800_000_000,
      variant: 44_500_000_000_000,
      refund: 920_000_000_000,
      transaction: 6_900_000_000_000,
      ...options.ids,
    },
  };
  const shareSum = resolved.presentmentCurrencies.reduce((s, c) => s + c.share, 0);
  if (shareSum > 1) throw new Error("presentment currency shares add up to more than 1");
  resolved.customers = options.orders !== undefined ? customersForOrders(options.orders, resolved) : (options.customers ?? 1000);
  if (!Number.isInteger(resolved.customers) || resolved.customers < 0) throw new Error("customers must be a non-negative integer");
  return resolved;
}

/** Draws one customer's parameters from the population (same code for the pilot and the real run). */
function drawCustomer(rng: Rng, o: ResolvedShopOptions) {
  const g = o.acquisitionGrowth;
  const u = rng.next();
  const x = g > 0 ? (-1 + Math.sqrt(1 + 2 * g * u * (1 + g / 2))) / g : u;
  const birth = Math.floor((o.start + x * (o.end - o.start)) / 1000) * 1000;
  const lambda = rng.gamma(o.bgnbd.r, o.bgnbd.alpha) / WEEK_MS; // per ms
  const dropout = rng.beta(o.bgnbd.a, o.bgnbd.b);
  const nu = rng.gamma(o.gammaGamma.q, o.gammaGamma.gamma);
  const guest = rng.chance(o.guestShare);
  return { birth, lambda, dropout, nu, guest };
}

/** Runs a customer's purchase timeline (draws from `rng` exactly as the live run does). */
function simulateTimeline(rng: Rng, birth: number, lambda: number, dropout: number, end: number): { count: number; last: number } {
  let t = birth;
  let count = 1;
  let last = birth;
  if (!(lambda > 0)) return { count, last };
  for (;;) {
    t += rng.exponential(1 / lambda);
    if (t >= end) break;
    count++;
    last = t;
    if (rng.chance(dropout)) break;
  }
  return { count, last: Math.floor(last / 1000) * 1000 };
}

/** Customers needed for about `orders` orders, from a 4,000-customer pilot of the same population. */
export function customersForOrders(orders: number, o: ResolvedShopOptions): number {
  if (orders <= 0) return 0;
  const pilot = 4_000;
  const rng = new Rng(o.seed, "pilot");
  const timeline = new Rng(0);
  let total = 0;
  for (let i = 0; i < pilot; i++) {
    const c = drawCustomer(rng, o);
    timeline.reseed(o.seed, `pilot-timeline:${i}`);
    total += simulateTimeline(timeline, c.birth, c.lambda, c.dropout, o.end).count;
  }
  return Math.max(1, Math.round(orders / (total / pilot)));
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

const ITEM_COUNT = new WeightedTable([0.55, 0.27, 0.12, 0.06]);
const QUANTITY = new WeightedTable([0.85, 0.11, 0.04]);
const SOURCES = ["web", "web", "web", "web", "web", "web", "web", "web", "iphone", "android", "pos", "shopify_draft_order"];
const CANCEL_REASONS = ["customer", "inventory", "fraud", "declined", "other"];
const REFUND_NOTES = [null, null, "Damaged in transit", "Wrong size", "Customer changed their mind", "Late delivery"];

/**
 * The shop's orders, oldest first. Deterministic: the same options give the same orders, field for field.
 * Memory stays proportional to the number of customers.
 */
export function* syntheticOrders(options: SyntheticShopOptions | ResolvedShopOptions = {}): Generator<SyntheticOrder> {
  // Resolved options carry the currency's `digits`; the caller's options never do.
  const o = Object.hasOwn(options, "digits") ? (options as ResolvedShopOptions) : resolveShopOptions(options as SyntheticShopOptions);
  const n = o.customers;
  const seedHash = hashSeed(o.seed, "names");
  const catalog: Catalog = buildCatalog(new Rng(o.seed, "catalog"), {
    products: o.products,
    popularitySkew: o.popularitySkew,
    medianPriceMinor: Math.round(25 * o.spendScale * 10 ** o.digits),
    productIdBase: o.ids.product,
    variantIdBase: o.ids.variant,
    deletedShare: o.productDeletedShare,
  });

  // Per-customer state in typed arrays.
  const birth = new Float64Array(n);
  const next = new Float64Array(n);
  const lambda = new Float64Array(n);
  const dropout = new Float64Array(n);
  const nu = new Float64Array(n);
  const last = new Float64Array(n);
  const guest = new Uint8Array(n);
  const streams = new Uint32Array(4 * n);

  const population = new Rng(o.seed, "customers");
  const timeline = new Rng(0);
  for (let i = 0; i < n; i++) {
    const c = drawCustomer(population, o);
    birth[i] = c.birth;
    lambda[i] = c.lambda;
    dropout[i] = c.dropout;
    nu[i] = c.nu;
    guest[i] = c.guest ? 1 : 0;
    timeline.reseed(o.seed, `timeline:${i}`);
    timeline.save(streams, 4 * i);
    // Look ahead once (on a copy of the stream) for the customer's last order time: a bulk export shows
    // the customer's current updatedAt on every one of their orders.
    last[i] = simulateTimeline(new Rng(0).load(streams, 4 * i), c.birth, c.lambda, c.dropout, o.end).last;
    next[i] = c.birth;
  }

  // Min-heap of customer indexes by next purchase time (ties by index: deterministic).
  const heap = new Int32Array(n);
  let size = 0;
  const less = (x: number, y: number) => next[x] < next[y] || (next[x] === next[y] && x < y);
  const siftDown = (pos: number) => {
    const item = heap[pos];
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= size) break;
      if (child + 1 < size && less(heap[child + 1], heap[child])) child++;
      if (!less(heap[child], item)) break;
      heap[pos] = heap[child];
      pos = child;
    }
    heap[pos] = item;
  };
  for (let i = 0; i < n; i++) if (birth[i] < o.end) heap[size++] = i;
  for (let pos = (size >> 1) - 1; pos >= 0; pos--) siftDown(pos);

  const details = new Rng(o.seed, "details");
  const unit = 10 ** o.digits;
  let orderSeq = 0;
  let lineSeq = 0;
  let refundSeq = 0;
  let txSeq = 0;

  while (size > 0 && orderSeq < o.maxOrders) {
    const c = heap[0];
    const createdAt = Math.floor(next[c] / 1000) * 1000;

    // Advance the customer's timeline: dropout after a repeat purchase, then the next purchase time.
    timeline.load(streams, 4 * c);
    const isRepeat = next[c] > birth[c];
    let alive = lambda[c] > 0;
    if (alive && isRepeat && timeline.chance(dropout[c])) alive = false;
    if (alive) {
      next[c] += timeline.exponential(1 / lambda[c]);
      if (next[c] >= o.end) alive = false;
    }
    timeline.save(streams, 4 * c);
    if (alive) siftDown(0);
    else {
      heap[0] = heap[--size];
      if (size > 0) siftDown(0);
    }

    orderSeq++;
    const d = details;
    const orderId = o.ids.order + orderSeq * 8 + d.int(8);

    // Customer (or guest).
    let customer: SyntheticCustomer | null = null;
    let email: string | null;
    let phone: string | null = null;
    const h = mix32(c ^ seedHash);
    const first = FIRST_NAMES[h % FIRST_NAMES.length];
    const lastName = LAST_NAMES[(h >>> 8) % LAST_NAMES.length];
    if (guest[c]) {
      email = `guest.${c + 1}@example.net`;
    } else {
      const customerId = o.ids.customer + (c + 1) * 16 + (h & 15);
      const hasEmail = (h >>> 16) % 100 >= 3;
      email = hasEmail ? `${first}.${lastName}.${c + 1}@example.com`.toLowerCase() : null;
      phone = (h >>> 20) % 10 < 3 ? `+1555${String(h % 10_000_000).padStart(7, "0")}` : null;
      customer = {
        id: customerId,
        email,
        firstName: first,
        lastName,
        phone,
        createdAt: birth[c] - (h % 600) * 1000,
        updatedAt: last[c],
      };
    }

    // Order value (Gamma-Gamma) spread over 1-4 lines of popular products.
    const value = d.gamma(o.gammaGamma.p, nu[c]) * o.spendScale;
    const target = Math.max(unit, Math.round(value * unit));
    const itemCount = ITEM_COUNT.draw(d) + 1;
    const picks: { product: number; quantity: number }[] = [];
    for (let k = 0; k < itemCount; k++) {
      let product = catalog.popularity.draw(d);
      for (let retry = 0; retry < 3 && picks.some((p) => p.product === product); retry++) product = catalog.popularity.draw(d);
      picks.push({ product, quantity: QUANTITY.draw(d) + 1 });
    }
    let weight = 0;
    for (const p of picks) weight += catalog.products[p.product].priceMinor * p.quantity;
    const lineItems: SyntheticLineItem[] = [];
    let totalMinor = 0;
    for (const p of picks) {
      const product = catalog.products[p.product];
      const variant = product.variants[d.int(product.variants.length)];
      const share = (target * product.priceMinor * p.quantity) / weight;
      const unitPriceMinor = Math.max(1, Math.round(share / p.quantity));
      totalMinor += unitPriceMinor * p.quantity;
      lineSeq++;
      lineItems.push({
        id: o.ids.lineItem + lineSeq * 4 + d.int(4),
        title: product.title,
        variantTitle: variant.title,
        sku: variant.sku,
        vendor: product.vendor,
        quantity: p.quantity,
        productId: product.deleted ? null : product.id,
        variantId: product.deleted ? null : variant.id,
        unitPriceMinor,
      });
    }

    // Presentment currency.
    let presentmentCurrencyCode = o.currencyCode;
    let presentmentTotalMinor = totalMinor;
    if (o.presentmentCurrencies.length > 0) {
      let u = d.next();
      for (const pc of o.presentmentCurrencies) {
        if (u < pc.share) {
          presentmentCurrencyCode = pc.code.toUpperCase();
          presentmentTotalMinor = Math.round((totalMinor / unit) * pc.rate * 10 ** currencyDigits(pc.code));
          break;
        }
        u -= pc.share;
      }
    }

    // Lifecycle: test, cancelled, refunded, closed.
    const test = d.chance(o.testOrderShare);
    const sourceName = d.pick(SOURCES);
    let cancelledAt: number | null = null;
    let cancelReason: string | null = null;
    let financialStatus: FinancialStatus = "PAID";
    const refunds: SyntheticRefund[] = [];
    const addRefund = (at: number, amountMinor: number) => {
      refundSeq++;
      txSeq++;
      refunds.push({
        id: o.ids.refund + refundSeq * 4 + d.int(4),
        createdAt: at,
        amountMinor,
        note: d.pick(REFUND_NOTES),
        transactionId: o.ids.transaction + txSeq * 4 + d.int(4),
      });
    };
    if (d.chance(o.cancelShare)) {
      const at = createdAt + 1000 * d.between(600, 2 * 86_400);
      if (at < o.end) {
        cancelledAt = at;
        cancelReason = d.pick(CANCEL_REASONS);
        if (d.chance(0.5)) financialStatus = "VOIDED";
        else {
          addRefund(at + 60_000, totalMinor);
          financialStatus = "REFUNDED";
        }
      }
    } else if (d.chance(o.refundShare)) {
      const at = createdAt + DAY_MS + Math.floor(d.exponential(7 * DAY_MS) / 1000) * 1000;
      if (at < o.end) {
        if (d.chance(o.partialRefundShare) && totalMinor > 1) {
          const amount = Math.max(1, Math.min(totalMinor - 1, Math.round(totalMinor * (0.1 + 0.6 * d.next()))));
          addRefund(at, amount);
          financialStatus = "PARTIALLY_REFUNDED";
          if (d.chance(0.1)) {
            const second = at + DAY_MS + Math.floor(d.exponential(5 * DAY_MS) / 1000) * 1000;
            if (second < o.end) {
              const rest = totalMinor - amount;
              const more = Math.max(1, Math.round(rest * d.next()));
              addRefund(second, more);
              if (more === rest) financialStatus = "REFUNDED";
            }
          }
        } else {
          addRefund(at, totalMinor);
          financialStatus = "REFUNDED";
        }
      }
    }
    let closedAt: number | null = null;
    if (cancelledAt !== null) closedAt = cancelledAt;
    else if (d.chance(0.7)) {
      const at = createdAt + 1000 * d.between(86_400, 6 * 86_400);
      if (at < o.end) closedAt = at;
    }
    let updatedAt = createdAt;
    for (const t of [closedAt, cancelledAt, ...refunds.map((r) => r.createdAt)]) if (t !== null && t > updatedAt) updatedAt = t;

    const number = o.firstOrderNumber + orderSeq - 1;
    yield {
      id: orderId,
      number,
      name: `#${number}`,
      email: test ? "staff@example.com" : email,
      phone,
      createdAt,
      processedAt: createdAt,
      updatedAt,
      cancelledAt,
      cancelReason,
      closedAt,
      test,
      sourceName,
      financialStatus,
      currencyCode: o.currencyCode,
      presentmentCurrencyCode,
      totalMinor,
      presentmentTotalMinor,
      customer,
      lineItems,
      refunds,
    };
  }
}
